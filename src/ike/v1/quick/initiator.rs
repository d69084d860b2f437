//! The initiator's side of Quick Mode: a request from the kernel waits
//! for phase 1, sends message 1, checks message 2 and answers HASH(3).

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::{
    P2State, Phase2, QuickResult, describe_selector, exchange, keys_of, log_nat_oa, nat_oa,
    open_quick, pfs_exchange, quick_payloads, sainfo_for, send_quick, use_natt,
};
use crate::config::racoon::ProposalCheck;
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1;
use crate::ike::FailReason;
use crate::ike::Side;
use crate::ike::identity::phase2_id;
use crate::ike::log::endpoint;
use crate::ike::v1::phase1::remote_for;
use crate::ike::v1::proposal::Chosen;
use crate::ike::v1::{Env, Fail, Racoon, message, proposal};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::spec::{Direction, Mode, Selector};
use crate::wire::isakmp::{NotifyType, PayloadRepr, Repr};
use crate::wire::udp_encap::PORT_ISAKMP;

impl Racoon {
    /// racoon's `isakmp_post_acquire`: queue the request and start (or
    /// wait for) phase 1 with the peer.
    pub(crate) fn acquire(&mut self, now: Instant, a: Acquire, kernel: &mut dyn KeyKernel) {
        if self
            .ph2
            .iter()
            .any(|p| p.same_request(&a) && !p.dying && p.state != P2State::Established)
        {
            return;
        }
        let Some(remote) = remote_for(&self.conf.remotes, a.dst) else {
            self.log
                .error(now, format!("no configuration found for {}.", a.dst));
            return;
        };
        if self.conf.remotes[remote].passive {
            self.log.info(
                now,
                format!("ignore IPsec-SA request for {}: passive mode.", a.dst),
            );
            return;
        }
        self.serial += 1;
        let timer = self.timer();
        let mut p2 = Phase2::new(self.serial, Side::Initiator, (a.src, a.dst), a.selector);
        p2.proto = a.proto;
        p2.mode = match a.mode {
            Mode::Any => Mode::Transport,
            m => m,
        };
        p2.deadline = Some(now + timer.negotiation);
        p2.reqid_out = a.reqid;
        let inbound = Selector::reversed(&a.selector);
        p2.reqid_in = crate::ike::v1::install::policy_reqid(now, kernel, inbound, Direction::In);
        self.ph2.push(p2);
        self.request_phase1(now, a.src, a.dst, remote, kernel);
    }

    /// Starts the waiting phase 2 now if phase 1 is up, else phase 1.
    fn request_phase1(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: Ipv4Addr,
        remote: usize,
        kernel: &mut dyn KeyKernel,
    ) {
        if let Some(serial) = self.fresh_phase1(peer) {
            self.start_waiting_phase2(now, serial, peer, kernel);
            return;
        }
        if self.ph1.iter().any(|p| *p.peer.ip() == peer) {
            return;
        }
        self.log.info(
            now,
            format!("IPsec-SA request for {peer} queued due to no phase1 found."),
        );
        let port = self.conf.remotes[remote].port;
        self.begin_phase1(
            now,
            remote,
            SocketAddrV4::new(local, PORT_ISAKMP),
            SocketAddrV4::new(peer, port),
        );
    }

    /// Phase 1 with `peer` is up: send Quick Mode for every request
    /// waiting for it.
    pub(crate) fn start_waiting_phase2(
        &mut self,
        now: Instant,
        ph1: u32,
        peer: Ipv4Addr,
        kernel: &mut dyn KeyKernel,
    ) {
        for serial in self.waiting_for(peer) {
            let result = self.quick_i1(now, ph1, serial, kernel);
            if let Err(fail) = result {
                self.phase2_failed(now, serial, fail);
            }
        }
    }

    /// The phase 2 requests waiting for phase 1 with `peer`.
    fn waiting_for(&self, peer: Ipv4Addr) -> Vec<u32> {
        self.ph2
            .iter()
            .filter(|p| p.state == P2State::AwaitPhase1 && p.peer == peer)
            .map(|p| p.serial)
            .collect()
    }

    /// Phase 1 with `peer` failed: so do the requests waiting for it,
    /// unless another phase 1 with the peer is still under way.
    pub(crate) fn fail_waiting_phase2(&mut self, now: Instant, _ph1: u32, peer: Ipv4Addr) {
        if self.ph1.iter().any(|p| *p.peer.ip() == peer) {
            return;
        }
        for serial in self.waiting_for(peer) {
            let fail = Fail::new(
                FailReason::Timeout,
                None,
                format!("phase2 negotiation failed due to phase1 failure with {peer}."),
            );
            self.phase2_failed(now, serial, fail);
        }
    }

    /// Quick Mode message 1.
    fn quick_i1(
        &mut self,
        now: Instant,
        ph1: u32,
        serial: u32,
        kernel: &mut dyn KeyKernel,
    ) -> Result<(), Fail> {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or_else(|| Fail::malformed("ISAKMP SA gone"))?;
        let Some(p2) = ph2s.iter_mut().find(|p| p.serial == serial) else {
            return Ok(());
        };
        let remote = &env.conf.remotes[p1.remote];
        let sainfo = sainfo_for(&env.conf.sainfos, &p2.selector, p1, remote).ok_or_else(|| {
            Fail::new(
                FailReason::NoConfig,
                None,
                format!(
                    "failed to get sainfo for {}.",
                    describe_selector(&p2.selector)
                ),
            )
        })?;
        let mut offered = proposal::ipsec_transforms(sainfo, p2.proto, p2.mode);
        let udp = use_natt(p1, p2, &mut offered);
        p2.offered = offered;
        let pfs = p2.offered.first().and_then(|t| t.pfs);
        let keys = keys_of(p1)?;
        p2.my_spi = crate::ike::v1::install::get_spi(&mut env, kernel, p2)?;
        let sa = proposal::ipsec_offer(&p2.offered, p2.my_spi).ok_or_else(|| {
            Fail::new(
                FailReason::NoConfig,
                None,
                "sainfo offers no usable algorithm",
            )
        })?;
        p2.ph1 = Some(ph1);
        p2.message_id = env.message_id();
        p2.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, p2.message_id);
        p2.ni = env.nonce(env.conf.remotes[p1.remote].nonce_size);
        let id_i = phase2_id(p2.selector.src, p2.selector.src_port, p2.selector.upper);
        let id_r = phase2_id(p2.selector.dst, p2.selector.dst_port, p2.selector.upper);
        let mut rest = vec![
            PayloadRepr::SecurityAssociation(sa),
            PayloadRepr::Nonce(p2.ni.clone()),
        ];
        if let Some(group) = pfs {
            let dh = DhPrivate::generate(group, &mut *env.rng);
            rest.push(PayloadRepr::KeyExchange(dh.public()));
            p2.dh = Some(dh);
        }
        rest.extend([
            PayloadRepr::Identification(id_i.clone()),
            PayloadRepr::Identification(id_r.clone()),
        ]);
        rest.extend(nat_oa(udp, p2.mode, p2.local, p2.peer));
        p2.ids = Some((id_i, id_r));
        let msg_id = p2.message_id;
        let payloads = message::hashed(rest, |b| {
            ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b])
        })
        .map_err(Fail::malformed)?;
        env.log.info(
            now,
            format!(
                "initiate new phase 2 negotiation: {}<=>{}",
                endpoint(SocketAddrV4::new(p2.local, 0)),
                endpoint(SocketAddrV4::new(p2.peer, 0))
            ),
        );
        p2.state = P2State::AwaitReply;
        p2.deadline = None;
        send_quick(p1, p2, &mut env, &payloads, &[], true)
    }

    /// A Quick Mode message: a new exchange (responder) or the next
    /// message of one of ours.
    pub(super) fn quick_i2(
        &mut self,
        now: Instant,
        ph1: u32,
        serial: u32,
        repr: &Repr,
        data: &[u8],
    ) -> QuickResult {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let fail = |f| (serial, f);
        let (p1, p2) = exchange(ph1s, ph2s, ph1, serial)?;
        let keys = keys_of(p1).map_err(fail)?;
        let (msg_id, ni) = (p2.message_id, p2.ni.clone());
        let body = open_quick(
            keys,
            &mut p2.iv,
            repr,
            |b| ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b]),
            p2.peer,
        )
        .map_err(fail)?;
        let got = quick_payloads(body.rest);
        log_nat_oa(&mut env, &got);
        // RFC 2409 §5.5: the responder echoes the IDs; others are refused.
        let sent = p2.ids.clone().map(|(i, r)| vec![i, r]).unwrap_or_default();
        if !got.ids.is_empty() && got.ids != sent {
            return Err(fail(Fail::new(
                FailReason::InvalidId,
                Some(NotifyType::InvalidIdInformation),
                format!("{} answered with other phase 2 IDs.", p2.peer),
            )));
        }
        let chosen = got
            .sa
            .as_ref()
            .and_then(|sa| proposal::accepted_ipsec(sa, &p2.offered))
            .ok_or_else(|| {
                fail(Fail::new(
                    FailReason::NoProposalChosen,
                    Some(NotifyType::NoProposalChosen),
                    format!(
                        "{} chose a phase 2 transform that was not offered.",
                        p2.peer
                    ),
                ))
            })?;
        let mut chosen = chosen;
        if let Some(secs) = got.responder_lifetime {
            let check = env.conf.remotes[p1.remote].proposal_check;
            take_responder_lifetime(&mut env, check, &mut chosen, secs);
        }
        p2.nr = got
            .nonce
            .ok_or_else(|| fail(Fail::malformed("no NONCE payload")))?;
        pfs_exchange(p2, &mut env, chosen.transform.pfs, got.ke.as_deref()).map_err(fail)?;
        p2.chosen = Some(chosen);
        let hash3 = ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &p2.ni, &p2.nr);
        send_quick(p1, p2, &mut env, &[PayloadRepr::Hash(hash3)], data, false).map_err(fail)?;
        p2.retry.settle();
        Ok(Some(serial))
    }
}

/// isakmp_quick.c `ph2_recv_n`: the initiator takes a RESPONDER-LIFETIME
/// as its own `proposal_check` allows: `obey` any; `strict` and `claim`
/// only one shorter than ours (else "RESPONDER-LIFETIME: lifetime
/// mismatch" and it is ignored); `exact` only an equal one. The SAs are
/// then installed with it (pfkey.c `pk_sendupdate`: `lifetime_secs`).
fn take_responder_lifetime(
    env: &mut Env<'_>,
    check: ProposalCheck,
    chosen: &mut Chosen,
    secs: u64,
) {
    env.log.info(
        env.now,
        format!("received RESPONDER-LIFETIME: {secs} seconds"),
    );
    let ours = chosen.transform.lifetime_secs;
    let taken = match check {
        ProposalCheck::Obey => true,
        ProposalCheck::Strict | ProposalCheck::Claim => secs < ours,
        ProposalCheck::Exact => secs == ours,
    };
    if taken {
        chosen.transform.lifetime_secs = secs.min(crate::net::MAX_CONFIG_SECS);
    } else {
        env.log
            .warning(env.now, "RESPONDER-LIFETIME: lifetime mismatch");
    }
}
