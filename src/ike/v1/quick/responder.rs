//! The responder's side of Quick Mode: message 1 checked against the SPD
//! (or `generate_policy`) and the sainfo, answered, and HASH(3) awaited.

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use super::{
    Phase2, QuickResult, describe_selector, exchange, keys_of, log_nat_oa, nat_oa, open_quick,
    pfs_exchange, quick_payloads, sainfo_for, send_quick, use_natt,
};
use crate::config::racoon::GeneratePolicy;
use crate::crypto::ikev1;
use crate::ike::FailReason;
use crate::ike::Side;
use crate::ike::identity;
use crate::ike::log::endpoint;
use crate::ike::v1::phase1::Phase1;
use crate::ike::v1::proposal::{self, IpsecTransform};
use crate::ike::v1::{Env, Fail, Racoon, message};
use crate::ipsec::KeyKernel;
use crate::ipsec::spec::Level;
use crate::ipsec::spec::{Direction, IpsecProto, Mode, Selector};
use crate::wire::isakmp::{IdentificationRepr, NotifyType, PayloadRepr, Repr};

impl Racoon {
    /// Responder, Quick Mode message 1.
    pub(super) fn quick_r1(
        &mut self,
        now: Instant,
        ph1: u32,
        repr: &Repr,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) -> QuickResult {
        self.serial += 1;
        let serial = self.serial;
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or((serial, Fail::malformed("gone")))?;
        let ends = (*p1.local.ip(), *p1.peer.ip());
        let hosts = Selector {
            src: crate::net::Prefix::new(ends.0, 32),
            dst: crate::net::Prefix::new(ends.1, 32),
            src_port: None,
            dst_port: None,
            upper: crate::ipsec::spec::Upper::Any,
        };
        let mut p2 = Phase2::new(serial, Side::Responder, ends, hosts);
        p2.ph1 = Some(ph1);
        p2.message_id = repr.message_id;
        let result = respond_quick(p1, &mut p2, &mut env, repr, data, kernel);
        ph2s.push(p2);
        result.map(|()| None).map_err(|f| (serial, f))
    }

    /// Initiator, Quick Mode message 2: check, answer HASH(3), install.
    /// Responder, Quick Mode message 3: HASH(3), then install.
    pub(super) fn quick_r3(
        &mut self,
        now: Instant,
        ph1: u32,
        serial: u32,
        repr: &Repr,
    ) -> QuickResult {
        let (_env, ph1s, ph2s, _) = self.env(now);
        let fail = |f| (serial, f);
        let (p1, p2) = exchange(ph1s, ph2s, ph1, serial)?;
        let keys = keys_of(p1).map_err(fail)?;
        let (msg_id, ni, nr) = (p2.message_id, p2.ni.clone(), p2.nr.clone());
        open_quick(
            keys,
            &mut p2.iv,
            repr,
            |_| ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &ni, &nr),
            p2.peer,
        )
        .map_err(fail)?;
        p2.retry.settle();
        Ok(Some(serial))
    }
}

/// Responder: everything about Quick Mode message 1 and the answer.
fn respond_quick(
    p1: &Phase1,
    p2: &mut Phase2,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
    kernel: &mut dyn KeyKernel,
) -> Result<(), Fail> {
    let keys = keys_of(p1)?;
    p2.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, p2.message_id);
    let msg_id = p2.message_id;
    let body = open_quick(
        keys,
        &mut p2.iv,
        repr,
        |b| ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b]),
        p2.peer,
    )?;
    let got = quick_payloads(body.rest);
    log_nat_oa(env, &got);
    // Without IDs the selectors are the phase 1 addresses (RFC 2409 §5.5).
    let (id_i, id_r) = match got.ids.as_slice() {
        [] => (
            IdentificationRepr::ipv4(*p1.peer.ip()),
            IdentificationRepr::ipv4(*p1.local.ip()),
        ),
        [i, r] => (i.clone(), r.clone()),
        _ => return Err(invalid_id("not two ID payloads")),
    };
    p2.selector =
        identity::selector(&id_r, &id_i).ok_or_else(|| invalid_id("unsupported ID type"))?;
    env.log.info(
        env.now,
        format!(
            "respond new phase 2 negotiation: {}<=>{}",
            endpoint(SocketAddrV4::new(p2.local, 0)),
            endpoint(SocketAddrV4::new(p2.peer, 0))
        ),
    );
    let remote = &env.conf.remotes[p1.remote];
    let offer = got
        .sa
        .as_ref()
        .ok_or_else(|| Fail::malformed("no SA payload"))?;
    let generate = remote.generate_policy != GeneratePolicy::Off;
    let modes = policy_modes(env.now, p2, kernel, generate, p1.natt.peer_behind)?;
    let sainfo = sainfo_for(&env.conf.sainfos, &p2.selector, p1, remote).ok_or_else(|| {
        Fail::new(
            FailReason::NoConfig,
            Some(NotifyType::InvalidIdInformation),
            format!(
                "failed to get sainfo for {}.",
                describe_selector(&p2.selector)
            ),
        )
    })?;
    let mut ours: Vec<IpsecTransform> = modes
        .iter()
        .flat_map(|(proto, mode)| proposal::ipsec_transforms(sainfo, *proto, *mode))
        .collect();
    let udp = use_natt(p1, p2, &mut ours);
    let chosen = proposal::choose_ipsec(offer, &ours, remote.proposal_check).map_err(|why| {
        for reason in why {
            env.log.error(env.now, reason);
        }
        Fail::new(
            FailReason::NoProposalChosen,
            Some(NotifyType::NoProposalChosen),
            format!(
                "no suitable policy found for {}: no proposal chosen.",
                describe_selector(&p2.selector)
            ),
        )
    })?;
    if chosen.claimed {
        env.log.info(
            env.now,
            format!(
                "use own lifetime: my:{} peer:{}",
                chosen.transform.lifetime_secs, chosen.offered_lifetime
            ),
        );
    }
    p2.proto = chosen.transform.proto;
    p2.mode = chosen.transform.mode;
    if p2.generate_policy && p2.mode == Mode::Transport && udp.is_some() {
        // Transport mode across a NAT: the policy is for the address the
        // peer's packets really come from.
        p2.selector.dst = crate::net::Prefix::new(p2.peer, 32);
    }
    p2.ni = got
        .nonce
        .ok_or_else(|| Fail::malformed("no NONCE payload"))?;
    p2.nr = env.nonce(remote.nonce_size);
    let ke = pfs_exchange(p2, env, chosen.transform.pfs, got.ke.as_deref())?;
    p2.my_spi = crate::ike::v1::install::get_spi(env, kernel, p2)?;
    let reply =
        proposal::ipsec_reply(&chosen, p2.my_spi).ok_or_else(|| Fail::malformed("reply SA"))?;
    p2.chosen = Some(chosen);
    let mut rest = vec![
        PayloadRepr::SecurityAssociation(reply),
        PayloadRepr::Nonce(p2.nr.clone()),
    ];
    rest.extend(ke.map(PayloadRepr::KeyExchange));
    rest.extend(responder_lifetime(&chosen, p2.my_spi));
    if !got.ids.is_empty() {
        rest.extend([
            PayloadRepr::Identification(id_i.clone()),
            PayloadRepr::Identification(id_r.clone()),
        ]);
    }
    rest.extend(nat_oa(udp, p2.mode, p2.peer, p2.local));
    p2.ids = Some((id_i, id_r));
    let ni = p2.ni.clone();
    let payloads = message::hashed(rest, |b| {
        ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b])
    })
    .map_err(Fail::malformed)?;
    send_quick(p1, p2, env, &payloads, data, true)
}

/// isakmp_quick.c `quick_r2send`: with `claim`, when our lifetime took
/// the place of the initiator's longer one, a RESPONDER-LIFETIME notify
/// (RFC 2407 §4.6.3.1) per protocol carries it: SA Life Type seconds and
/// the duration, for the SA with our SPI.
fn responder_lifetime(chosen: &proposal::Chosen, spi: u32) -> Option<PayloadRepr> {
    use crate::wire::isakmp::{
        Doi, NotificationRepr, Phase2Attribute as P2, ProtocolId, SaAttribute,
    };
    if !chosen.claimed {
        return None;
    }
    let protocol = match chosen.transform.proto {
        IpsecProto::Esp => ProtocolId::IpsecEsp,
        IpsecProto::Ah => ProtocolId::IpsecAh,
    };
    let secs = u32::try_from(chosen.transform.lifetime_secs).unwrap_or(u32::MAX);
    let data = SaAttribute::emit_list(&[
        SaAttribute::basic(P2::SaLifeType, 1u16),
        SaAttribute::number(P2::SaLifeDuration, secs),
    ])
    .ok()?;
    Some(PayloadRepr::Notification(NotificationRepr {
        doi: Doi::Ipsec,
        protocol,
        spi: spi.to_be_bytes().to_vec(),
        message_type: NotifyType::ResponderLifetime,
        data,
    }))
}

fn invalid_id(what: &str) -> Fail {
    Fail::new(
        FailReason::InvalidId,
        Some(NotifyType::InvalidIdInformation),
        format!("invalid phase 2 ID: {what}."),
    )
}

/// The protocol and mode the responder's SPD asks for traffic between the
/// IDs (its `in` policy); with `generate_policy`, whatever the initiator
/// proposes.
fn policy_modes(
    now: Instant,
    p2: &mut Phase2,
    kernel: &mut dyn KeyKernel,
    generate: bool,
    natted: bool,
) -> Result<Vec<(IpsecProto, Mode)>, Fail> {
    let mut find = |s: &Selector| {
        crate::ike::v1::install::policy(now, &mut *kernel, s.reversed(), Direction::In)
    };
    // A peer behind a NAT names its private address; a transport-mode
    // policy names the address its packets arrive from (racoon does the
    // same when NAT-T is in use).
    let public = Selector {
        dst: crate::net::Prefix::new(p2.peer, 32),
        ..p2.selector
    };
    let policy = match find(&p2.selector) {
        Some(policy) => Some(policy),
        None if natted => find(&public).inspect(|_| p2.selector = public),
        None => None,
    };
    match policy.and_then(|p| p.templates.first().copied()) {
        Some(t) => {
            if let Level::Unique(Some(reqid)) = t.level {
                p2.reqid_in = reqid;
            }
            p2.reqid_out =
                crate::ike::v1::install::policy_reqid(now, kernel, p2.selector, Direction::Out);
            Ok(vec![(
                t.proto,
                if t.mode == Mode::Tunnel {
                    Mode::Tunnel
                } else {
                    Mode::Transport
                },
            )])
        }
        None if generate => {
            p2.generate_policy = true;
            // racoon's generated policies are `unique`: each peer's SAs
            // are bound to its own policy, even behind one NAT address.
            p2.reqid_in = p2.serial;
            p2.reqid_out = p2.serial;
            Ok([IpsecProto::Esp, IpsecProto::Ah]
                .into_iter()
                .flat_map(|p| [(p, Mode::Transport), (p, Mode::Tunnel)])
                .collect())
        }
        None => Err(Fail::new(
            FailReason::InvalidId,
            Some(NotifyType::InvalidIdInformation),
            format!("no policy found: {}.", describe_selector(&p2.selector)),
        )),
    }
}
