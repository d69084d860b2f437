//! The initiator's side of Quick Mode, a handler per state: a request
//! from the kernel waits for phase 1 ([`P2State::AwaitPhase1`]), sends
//! message 1 ([`Phase2::send_first`]), then checks message 2 and answers
//! HASH(3) ([`P2State::AwaitReply`], [`Phase2::on_reply`]).

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use super::messages::{
    QuickPayloads, describe_selector, log_nat_oa, nat_oa, open_quick, pfs_exchange, quick_payloads,
    send_quick, use_natt,
};
use super::{P2State, Phase2, keys_of, sainfo_for};
use crate::config::racoon::ProposalCheck;
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1;
use crate::ike::identity::phase2_id;
use crate::ike::log::endpoint;
use crate::ike::v1::env::{Env, Fail};
use crate::ike::v1::install;
use crate::ike::v1::message;
use crate::ike::v1::natt::Version;
use crate::ike::v1::phase1::Phase1;
use crate::ike::v1::proposal::{self, Chosen};
use crate::ike::{FailReason, Side};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::spec::{Direction, Mode};
use crate::wire::isakmp::{NotifyType, PayloadRepr, Repr, SaRepr};

impl Phase2 {
    /// pfkey.c `pk_recvacquire`: the exchange an ACQUIRE asks for, for
    /// the `out` policy's traffic, its SAs bound to the reqids of the
    /// `out` (the ACQUIRE's) and `in` policies; it waits for phase 1
    /// until `deadline`.
    pub(crate) fn for_acquire(
        serial: u32,
        a: &Acquire,
        deadline: Instant,
        reqid_in: u32,
    ) -> Phase2 {
        let mut p2 = Phase2::new(serial, Side::Initiator, (a.src, a.dst), a.selector);
        p2.proto = a.proto;
        p2.mode = match a.mode {
            Mode::Any => Mode::Transport,
            m => m,
        };
        p2.deadline = Some(deadline);
        p2.reqid_out = a.reqid;
        p2.reqid_in = reqid_in;
        p2
    }

    /// [`P2State::AwaitPhase1`], phase 1 is up: isakmp_quick.c
    /// `quick_i1send`, message 1 under the ISAKMP SA `p1`.
    pub(crate) fn send_first(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        kernel: &mut dyn KeyKernel,
    ) -> Result<(), Fail> {
        let (sa, udp) = self.offer(p1, env, kernel)?;
        let payloads = self.first_payloads(p1, env, sa, udp)?;
        let line = format!(
            "initiate new phase 2 negotiation: {}<=>{}",
            endpoint(SocketAddrV4::new(self.local, 0)),
            endpoint(SocketAddrV4::new(self.peer, 0))
        );
        env.log.info(env.now, line);
        self.state = P2State::AwaitReply;
        self.deadline = None;
        send_quick(p1, self, env, &payloads, &[], true)
    }

    /// The SA payload we offer, from the `sainfo` for our traffic, with
    /// our inbound SPI reserved (pfkey.c `pk_sendgetspi`), and whether it
    /// is UDP-encapsulated.
    fn offer(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        kernel: &mut dyn KeyKernel,
    ) -> Result<(SaRepr, Option<Version>), Fail> {
        let remote = &env.conf.remotes[p1.remote];
        let sainfo =
            sainfo_for(&env.conf.sainfos, &self.selector, p1, remote).ok_or_else(|| {
                let what = describe_selector(&self.selector);
                Fail::new(
                    FailReason::NoConfig,
                    None,
                    format!("failed to get sainfo for {what}."),
                )
            })?;
        self.ipcomp = install::has_ipcomp_step(env.now, kernel, self.selector, Direction::Out);
        let mut offered = proposal::ipsec_transforms(sainfo, self.proto, self.mode, self.ipcomp);
        let udp = use_natt(p1, self, &mut offered);
        self.offered = offered;
        keys_of(p1)?;
        self.my_spi = install::get_spi(env, kernel, self)?;
        if self.ipcomp {
            self.my_cpi = Some(install::get_cpi(env, kernel, self)?);
        }
        let sa =
            proposal::ipsec_offer(&self.offered, self.my_spi, self.my_cpi).ok_or_else(|| {
                let why = "sainfo offers no usable algorithm";
                Fail::new(FailReason::NoConfig, None, why)
            })?;
        Ok((sa, udp))
    }

    /// Message 1: HASH(1), SA, Ni [, KE] , IDci, IDcr [, NAT-OAi, NAT-OAr]
    /// under a new message ID.
    fn first_payloads(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        sa: SaRepr,
        udp: Option<Version>,
    ) -> Result<Vec<PayloadRepr>, Fail> {
        let keys = keys_of(p1)?;
        let pfs = self.offered.first().and_then(|t| t.pfs);
        self.ph1 = Some(p1.serial);
        self.message_id = env.message_id();
        self.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, self.message_id);
        self.ni = env.nonce(env.conf.remotes[p1.remote].nonce_size);
        let s = &self.selector;
        let id_i = phase2_id(s.src, s.src_port, s.upper);
        let id_r = phase2_id(s.dst, s.dst_port, s.upper);
        let mut rest = vec![
            PayloadRepr::SecurityAssociation(sa),
            PayloadRepr::Nonce(self.ni.clone()),
        ];
        if let Some(group) = pfs {
            let dh = DhPrivate::generate(group, &mut *env.rng);
            rest.push(PayloadRepr::KeyExchange(dh.public()));
            self.dh = Some(dh);
        }
        rest.extend([
            PayloadRepr::Identification(id_i.clone()),
            PayloadRepr::Identification(id_r.clone()),
        ]);
        rest.extend(nat_oa(udp, self.mode, self.local, self.peer));
        self.ids = Some((id_i, id_r));
        let msg_id = self.message_id;
        message::hashed(rest, |b| {
            ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b])
        })
        .map_err(Fail::malformed)
    }

    /// [`P2State::AwaitReply`]: isakmp_quick.c `quick_i2recv` and
    /// `quick_i2send`, message 2 checked and HASH(3) sent; the pair is
    /// then ready to install.
    pub(crate) fn on_reply(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        repr: &Repr,
        data: &[u8],
    ) -> Result<(), Fail> {
        let keys = keys_of(p1)?;
        let (msg_id, ni) = (self.message_id, self.ni.clone());
        let body = open_quick(
            keys,
            &mut self.iv,
            repr,
            |b| ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b]),
            self.peer,
        )?;
        let got = quick_payloads(body.rest);
        log_nat_oa(env, &got);
        let chosen = self.accept_reply(p1, env, &got)?;
        self.nr = got
            .nonce
            .ok_or_else(|| Fail::malformed("no NONCE payload"))?;
        pfs_exchange(self, env, chosen.transform.pfs, got.ke.as_deref())?;
        self.chosen = Some(chosen);
        let hash3 = ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &self.ni, &self.nr);
        send_quick(p1, self, env, &[PayloadRepr::Hash(hash3)], data, false)?;
        self.retry.settle();
        Ok(())
    }

    /// The responder's choice, which must echo our IDs (RFC 2409 §5.5)
    /// and be a transform we offered, with its RESPONDER-LIFETIME.
    fn accept_reply(
        &self,
        p1: &Phase1,
        env: &mut Env<'_>,
        got: &QuickPayloads,
    ) -> Result<Chosen, Fail> {
        let sent = self
            .ids
            .clone()
            .map(|(i, r)| vec![i, r])
            .unwrap_or_default();
        if !got.ids.is_empty() && got.ids != sent {
            return Err(Fail::new(
                FailReason::InvalidId,
                Some(NotifyType::InvalidIdInformation),
                format!("{} answered with other phase 2 IDs.", self.peer),
            ));
        }
        let accepted = got
            .sa
            .as_ref()
            .and_then(|sa| proposal::accepted_ipsec(sa, &self.offered));
        let mut chosen = accepted.ok_or_else(|| {
            Fail::new(
                FailReason::NoProposalChosen,
                Some(NotifyType::NoProposalChosen),
                format!(
                    "{} chose a phase 2 transform that was not offered.",
                    self.peer
                ),
            )
        })?;
        if let Some(secs) = got.responder_lifetime {
            let check = env.conf.remotes[p1.remote].proposal_check;
            take_responder_lifetime(env, check, &mut chosen, secs);
        }
        Ok(chosen)
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
