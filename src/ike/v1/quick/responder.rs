//! The responder's side of Quick Mode, a handler per state: message 1
//! makes the exchange ([`Phase2::respond`]: checked against the SPD or
//! `generate_policy` and the `sainfo`, answered), then HASH(3) is
//! awaited ([`P2State::AwaitHash3`], [`Phase2::on_hash3`]).

use std::net::SocketAddrV4;

#[cfg(doc)]
use super::P2State;
use super::messages::{
    QuickPayloads, describe_selector, log_nat_oa, nat_oa, open_quick, pfs_exchange, quick_payloads,
    send_quick, use_natt,
};
use super::policy::{ipcomp_variants, policy_modes};
use super::{Phase2, keys_of, sainfo_for};
use crate::crypto::ikev1;
use crate::ike::log::endpoint;
use crate::ike::v1::env::{Env, Fail};
use crate::ike::v1::install;
use crate::ike::v1::message;
use crate::ike::v1::natt::Version;
use crate::ike::v1::phase1::Phase1;
use crate::ike::v1::proposal::{self, Chosen, IpsecTransform};
use crate::ike::{FailReason, Side, identity};
use crate::ipsec::KeyKernel;
use crate::ipsec::spec::{IpsecProto, Mode, Selector};
use crate::wire::isakmp::{IdentificationRepr, NotifyType, PayloadRepr, Repr};

/// Message 1 as the responder read it: its payloads and the IDs
/// (IDci, IDcr) it names, or the phase 1 addresses without them.
struct FirstMessage {
    got: QuickPayloads,
    ids: (IdentificationRepr, IdentificationRepr),
}

impl Phase2 {
    /// isakmp_quick.c `quick_r1recv` and `quick_r2send`: the exchange
    /// message 1 under the ISAKMP SA `p1` starts, and whether answering
    /// it worked. The exchange is returned either way: on failure it has
    /// what to log and notify.
    pub(crate) fn respond(
        serial: u32,
        p1: &Phase1,
        env: &mut Env<'_>,
        (repr, data): (&Repr, &[u8]),
        kernel: &mut dyn KeyKernel,
    ) -> (Phase2, Result<(), Fail>) {
        let ends = (*p1.local.ip(), *p1.peer.ip());
        let hosts = Selector {
            src: crate::net::Prefix::new(ends.0, 32).into(),
            dst: crate::net::Prefix::new(ends.1, 32).into(),
            src_port: None,
            dst_port: None,
            upper: crate::ipsec::spec::Upper::Any,
        };
        let mut p2 = Phase2::new(serial, Side::Responder, ends, hosts);
        p2.ph1 = Some(p1.serial);
        p2.message_id = repr.message_id;
        let result = p2.answer_first(p1, env, (repr, data), kernel);
        (p2, result)
    }

    fn answer_first(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        (repr, data): (&Repr, &[u8]),
        kernel: &mut dyn KeyKernel,
    ) -> Result<(), Fail> {
        let first = self.open_first(p1, env, repr)?;
        let agreed = self.choose(p1, env, &first.got, kernel)?;
        self.answer(p1, env, first, agreed, (data, kernel))
    }

    /// Message 1 decrypted under its own IV and its HASH(1) checked; the
    /// exchange's selector from its IDs (RFC 2409 §5.5: without IDs the
    /// phase 1 addresses).
    fn open_first(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        repr: &Repr,
    ) -> Result<FirstMessage, Fail> {
        let keys = keys_of(p1)?;
        self.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, self.message_id);
        let msg_id = self.message_id;
        let body = open_quick(
            keys,
            &mut self.iv,
            repr,
            |b| ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b]),
            self.peer,
        )?;
        let got = quick_payloads(body.rest);
        log_nat_oa(env, &got);
        let (id_i, id_r) = match got.ids.as_slice() {
            [] => (
                IdentificationRepr::ipv4(*p1.peer.ip()),
                IdentificationRepr::ipv4(*p1.local.ip()),
            ),
            [i, r] => (i.clone(), r.clone()),
            _ => return Err(invalid_id("not two ID payloads")),
        };
        self.selector =
            identity::selector(&id_r, &id_i).ok_or_else(|| invalid_id("unsupported ID type"))?;
        let line = format!(
            "respond new phase 2 negotiation: {}<=>{}",
            endpoint(SocketAddrV4::new(self.local, 0)),
            endpoint(SocketAddrV4::new(self.peer, 0))
        );
        env.log.info(env.now, line);
        let ids = (id_i, id_r);
        Ok(FirstMessage { got, ids })
    }

    /// Our choice among the initiator's transforms: those the SPD (or
    /// `generate_policy`) and the `sainfo` allow, under `proposal_check`.
    fn choose(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        got: &QuickPayloads,
        kernel: &mut dyn KeyKernel,
    ) -> Result<(Chosen, Option<Version>), Fail> {
        let remote = &env.conf.remotes[p1.remote];
        let offer = got
            .sa
            .as_ref()
            .ok_or_else(|| Fail::malformed("no SA payload"))?;
        let generate = remote.generate_policy;
        let modes = policy_modes(env.now, self, kernel, generate, p1.natt.peer_behind)?;
        let sainfo =
            sainfo_for(&env.conf.sainfos, &self.selector, p1, remote).ok_or_else(|| {
                let what = describe_selector(&self.selector);
                let why = format!("failed to get sainfo for {what}.");
                Fail::new(
                    FailReason::NoConfig,
                    Some(NotifyType::InvalidIdInformation),
                    why,
                )
            })?;
        let comps = ipcomp_variants(self, sainfo);
        let mut ours: Vec<IpsecTransform> = modes
            .iter()
            .flat_map(|(proto, mode)| {
                let each = |c: &bool| proposal::ipsec_transforms(sainfo, *proto, *mode, *c);
                comps.iter().flat_map(each)
            })
            .collect();
        let udp = use_natt(p1, self, &mut ours);
        let chosen =
            proposal::choose_ipsec(offer, &ours, remote.proposal_check).map_err(|why| {
                for reason in why {
                    env.log.error(env.now, reason);
                }
                let what = describe_selector(&self.selector);
                let why = format!("no suitable policy found for {what}: no proposal chosen.");
                Fail::new(
                    FailReason::NoProposalChosen,
                    Some(NotifyType::NoProposalChosen),
                    why,
                )
            })?;
        self.take_choice(env, &chosen, udp);
        Ok((chosen, udp))
    }

    /// The chosen protocol and mode become the exchange's.
    fn take_choice(&mut self, env: &mut Env<'_>, chosen: &Chosen, udp: Option<Version>) {
        if chosen.claimed {
            let (my, peer) = (chosen.transform.lifetime_secs, chosen.offered_lifetime);
            env.log
                .info(env.now, format!("use own lifetime: my:{my} peer:{peer}"));
        }
        self.proto = chosen.transform.proto;
        self.mode = chosen.transform.mode;
        self.ipcomp = chosen.ipcomp.is_some();
        if self.generate_policy && self.mode == Mode::Transport && udp.is_some() {
            // Transport mode across a NAT: the policy is for the address the
            // peer's packets really come from.
            self.selector.dst = crate::net::Prefix::new(self.peer, 32).into();
        }
    }

    /// Message 2: HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, NAT-OA], with
    /// our inbound SPI reserved (pfkey.c `pk_sendgetspi`).
    fn answer(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        first: FirstMessage,
        (chosen, udp): (Chosen, Option<Version>),
        (data, kernel): (&[u8], &mut dyn KeyKernel),
    ) -> Result<(), Fail> {
        let keys = keys_of(p1)?;
        let FirstMessage { got, ids } = first;
        self.ni = got
            .nonce
            .ok_or_else(|| Fail::malformed("no NONCE payload"))?;
        self.nr = env.nonce(env.conf.remotes[p1.remote].nonce_size);
        let ke = pfs_exchange(self, env, chosen.transform.pfs, got.ke.as_deref())?;
        self.my_spi = install::get_spi(env, kernel, self)?;
        if chosen.ipcomp.is_some() {
            self.my_cpi = Some(install::get_cpi(env, kernel, self)?);
        }
        let reply = proposal::ipsec_reply(&chosen, self.my_spi, self.my_cpi)
            .ok_or_else(|| Fail::malformed("reply SA"))?;
        self.chosen = Some(chosen);
        let mut rest = vec![
            PayloadRepr::SecurityAssociation(reply),
            PayloadRepr::Nonce(self.nr.clone()),
        ];
        rest.extend(ke.map(PayloadRepr::KeyExchange));
        rest.extend(responder_lifetime(&chosen, self.my_spi));
        if !got.ids.is_empty() {
            rest.extend([
                PayloadRepr::Identification(ids.0.clone()),
                PayloadRepr::Identification(ids.1.clone()),
            ]);
        }
        rest.extend(nat_oa(udp, self.mode, self.peer, self.local));
        self.ids = Some(ids);
        let (msg_id, ni) = (self.message_id, self.ni.clone());
        let payloads = message::hashed(rest, |b| {
            ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b])
        })
        .map_err(Fail::malformed)?;
        send_quick(p1, self, env, &payloads, data, true)
    }

    /// [`P2State::AwaitHash3`]: isakmp_quick.c `quick_r3recv`, HASH(3)
    /// checked; the pair is then ready to install.
    pub(crate) fn on_hash3(&mut self, p1: &Phase1, repr: &Repr) -> Result<(), Fail> {
        let keys = keys_of(p1)?;
        let (msg_id, ni, nr) = (self.message_id, self.ni.clone(), self.nr.clone());
        open_quick(
            keys,
            &mut self.iv,
            repr,
            |_| ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &ni, &nr),
            self.peer,
        )?;
        self.retry.settle();
        Ok(())
    }
}

/// isakmp_quick.c `quick_r2send`: with `claim`, when our lifetime took
/// the place of the initiator's longer one, a RESPONDER-LIFETIME notify
/// (RFC 2407 §4.6.3.1) per protocol carries it: SA Life Type seconds and
/// the duration, for the SA with our SPI.
fn responder_lifetime(chosen: &Chosen, spi: u32) -> Option<PayloadRepr> {
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
