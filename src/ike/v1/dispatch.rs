//! Where what comes in goes, as isakmp.c `isakmp_main` and pfkey.c
//! `pfkey_handler` route it: a datagram to the exchange its cookies and
//! message ID name (a new exchange for a first message), its outcome to
//! the SA lifecycles ([`super::isakmp_sa`], [`super::ipsec_sa`]); the
//! kernel's messages to the IPsec SA lifecycle.

use std::net::SocketAddrV4;

use smoltcp::time::{Duration, Instant};

use super::Racoon;
use super::env::Fail;
use super::info::reason_of;
use super::phase1::Phase1;
use super::quick::Phase2;
use crate::ike::log::{cookies, endpoint};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Event;
use crate::wire::isakmp::{
    Body, DeleteRepr, ExchangeType, NotificationRepr, NotifyType, PayloadRepr, ProtocolId, Repr,
};

/// What a Quick Mode message did: the exchange (by serial) that is now
/// ready to install, nothing, or the exchange that failed.
type QuickResult = Result<Option<u32>, (u32, Fail)>;

impl Racoon {
    /// A datagram from `from` to `to`: a retransmitted copy is answered
    /// again, the rest goes to its exchange.
    pub(super) fn datagram(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let repr = match Repr::parse_bytes(data) {
            Ok(r) => r,
            Err(e) => {
                self.ctx.env(now).drop_datagram("malformed", || {
                    format!("malformed ISAKMP packet from {from} dropped: {e}")
                });
                return;
            }
        };
        if self.answer_duplicate(data) {
            return;
        }
        let ends = (from, to);
        match repr.exchange_type {
            ExchangeType::IdentityProtection | ExchangeType::Aggressive | ExchangeType::Base => {
                self.phase1_message(now, ends, &repr, data, kernel)
            }
            ExchangeType::QuickMode => self.quick_message(now, ends, &repr, data, kernel),
            ExchangeType::Informational => self.info_message(now, ends, &repr, kernel),
            ExchangeType::Transaction => self.cfg_message(now, ends, &repr, kernel),
            other => self.ctx.env(now).drop_datagram("unsupported-exchange", || {
                format!("unsupported exchange type {other} from {from}, packet dropped")
            }),
        }
    }

    /// pfkey.c `pk_recvacquire` and `pk_recvexpire`. racoon logs its own
    /// ADDs and UPDATEs as they are answered (`install_pair`) and
    /// forgets a deleted pair where it deletes it; the kernel's echoes
    /// of them, and of FLUSH, change nothing here.
    pub(super) fn kernel_event(&mut self, now: Instant, event: Event, kernel: &mut dyn KeyKernel) {
        match event {
            Event::Acquire(a) => self.acquire(now, a, kernel),
            Event::Expire { sa, hard: false } => self.soft_expired(now, sa, kernel),
            Event::Expire { sa, hard: true } => self.hard_expired(now, sa, kernel),
            Event::Added(_) | Event::Deleted(_) | Event::Flushed(_) => {}
        }
    }

    /// racoon's `check_recvdpkt`: a retransmitted copy of a message we
    /// already answered is answered again. The exchanges that answered
    /// it are looked up by its digest ([`super::answered`]); of several,
    /// the oldest ISAKMP SA, then the oldest phase 2, as a walk over
    /// them would find.
    fn answer_duplicate(&mut self, data: &[u8]) -> bool {
        let hash = crate::ike::retransmit::digest(data);
        self.tidy_answered();
        let walk = |r: &Racoon| {
            let one = r.ph1.iter().map(|p| &p.retry);
            let retries = one.chain(r.ph2.iter().map(|p| &p.retry));
            let mut answered = retries.filter(|r| r.answered(data, hash));
            answered.find_map(|r| r.last_out.clone())
        };
        let again = if self.ctx.answered.active() {
            let found = self.answered_by_index(data, hash);
            debug_assert_eq!(
                found.as_ref().map(|d| &d.data),
                walk(self).as_ref().map(|d| &d.data)
            );
            found
        } else {
            walk(self)
        };
        match again {
            Some(d) => {
                self.ctx.outbox.push_back(d);
                true
            }
            None => false,
        }
    }

    /// The answer to send again, through the index of answered messages.
    fn answered_by_index(
        &mut self,
        data: &[u8],
        hash: u64,
    ) -> Option<crate::ike::daemon::Datagram> {
        let mut holding = Vec::new();
        for serial in self.ctx.answered.candidates(hash) {
            let at = self.exchange_at(serial);
            let retry = at.map(|a| self.retry_at(a));
            if retry.and_then(|r| r.answered_digest()) != Some(hash) {
                // Gone, or it answered something else since.
                self.ctx.answered.forget(hash, serial);
                continue;
            }
            if let (Some(a), Some(r)) = (at, retry) {
                if r.answered(data, hash) {
                    holding.push(a);
                }
            }
        }
        holding.sort_unstable();
        holding
            .into_iter()
            .find_map(|a| self.retry_at(a).last_out.clone())
    }

    /// Where exchange `serial` is: (false, i) for `ph1[i]`, (true, j) for
    /// `ph2[j]`.
    fn exchange_at(&self, serial: u32) -> Option<(bool, usize)> {
        match self.ph1_at(serial) {
            Some(i) => Some((false, i)),
            None => self.ph2_at(serial).map(|j| (true, j)),
        }
    }

    fn retry_at(&self, (two, i): (bool, usize)) -> &crate::ike::retransmit::Retry {
        if two {
            &self.ph2[i].retry
        } else {
            &self.ph1[i].retry
        }
    }

    /// The index starts once the daemon has many exchanges; entries of
    /// exchanges long gone are dropped now and then, in one pass over the
    /// live ones.
    fn tidy_answered(&mut self) {
        let live = self.ph1.len() + self.ph2.len();
        let answered = &self.ctx.answered;
        let start = !answered.active() && live > super::answered::Answered::WALK;
        if !start && answered.len() <= 2 * live + 64 {
            return;
        }
        let one = self
            .ph1
            .iter()
            .map(|p| (p.retry.answered_digest(), p.serial));
        let two = self
            .ph2
            .iter()
            .map(|p| (p.retry.answered_digest(), p.serial));
        let pairs: Vec<(u64, u32)> = one
            .chain(two)
            .filter_map(|(h, s)| h.map(|h| (h, s)))
            .collect();
        self.ctx.answered.rebuild(pairs.into_iter());
    }

    /// A Main or Aggressive Mode message, to the handler of its ISAKMP
    /// SA's state.
    fn phase1_message(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(index) = self.phase1_for(now, (from, to), repr, data) else {
            return;
        };
        let mut env = self.ctx.env(now);
        let p = &mut self.ph1[index];
        // Follow a float (or a NAT's new mapping) for the answer; undone
        // below unless the message checks out. racoon's `isakmp_main` does
        // this only for a message that names both cookies.
        let float =
            (repr.responder_cookie == p.cky_r).then(|| p.follow_float(&mut env, (to, from)));
        let handled = p.step(&mut env, repr, data);
        if let (false, Some(undo)) = (matches!(handled, Some(Ok(_))), float) {
            p.undo_float(undo);
        }
        match handled {
            Some(Ok(true)) => self.phase1_done(now, index, kernel),
            Some(Ok(false)) | None => {}
            Some(Err(fail)) => self.phase1_failed(now, index, fail),
        }
    }

    /// The ISAKMP SA a phase 1 message is for, by address only: after the
    /// float to 4500 (RFC 3947 §4) the peer's port changes, and a NAT may
    /// map it anew. A first message from a new initiator makes one
    /// ([`Racoon::respond_phase1`]); what matches none is dropped.
    fn phase1_for(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        data: &[u8],
    ) -> Option<usize> {
        let found = self.ph1_by_cookie(repr.initiator_cookie, |p| {
            p.peer.ip() == from.ip() && (p.cky_r == repr.responder_cookie || p.cky_r == [0; 8])
        });
        let (i, kind) = match found {
            Some(i) => (i, repr.exchange_type),
            None if repr.responder_cookie == [0; 8] => {
                self.respond_phase1(now, (from, to), repr, data);
                return None;
            }
            None => {
                self.ctx.env(now).drop_datagram("unknown-isakmp-sa", || {
                    let sa = cookies(&repr.initiator_cookie, &repr.responder_cookie);
                    format!("unknown ISAKMP-SA {sa} from {from}, packet dropped")
                });
                return None;
            }
        };
        let expected = self.ph1[i].exchange();
        if kind != expected {
            self.ctx.env(now).drop_datagram("wrong-exchange-type", || {
                format!("{kind} message for a {expected} ISAKMP-SA from {from}, packet dropped")
            });
            return None;
        }
        Some(i)
    }

    /// Responder: a first message from a new initiator, within the
    /// half-open limits.
    fn respond_phase1(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        data: &[u8],
    ) {
        if let Some(reason) = self.half_open.refusal(now, *from.ip()) {
            self.ctx.env(now).drop_datagram(reason, || {
                let who = endpoint(from);
                format!("too many half-open phase 1 negotiations, {who} refused")
            });
            return;
        }
        let mut env = self.ctx.env(now);
        let Some(mut p) = Phase1::respond(&mut env, (from, to), repr) else {
            return;
        };
        let result = p.answer_first(&mut env, repr, data);
        let serial = p.serial;
        self.add_phase1(p);
        let until = now + self.ctx.timer().negotiation;
        self.half_open.begin(serial, *from.ip(), until);
        if let Err(fail) = result {
            if let Some(i) = self.ph1_at(serial) {
                self.phase1_failed(now, i, fail);
            }
        }
    }

    /// A Quick Mode message under an established ISAKMP SA: a new
    /// exchange (we respond) or the next message of one under way.
    fn quick_message(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(i) = self.ph1_by_cookie(repr.initiator_cookie, |p| {
            p.established() && p.peer.ip() == from.ip() && p.cky_r == repr.responder_cookie
        }) else {
            self.ctx.env(now).drop_datagram("no-isakmp-sa", || {
                format!("no established ISAKMP-SA for Quick Mode from {from}, packet dropped")
            });
            return;
        };
        let ph1 = self.ph1[i].serial;
        let existing = self
            .ph2
            .iter()
            .position(|p| p.ph1 == Some(ph1) && p.message_id == repr.message_id);
        // isakmp.c `isakmp_ph2begin_r`: "Attempt to start phase 2 whereas
        // Xauth failed".
        if existing.is_none() && self.xauth_blocks_phase2(now, ph1) {
            self.ctx.env(now).drop_datagram("xauth-pending", || {
                "Attempt to start phase 2 whereas Xauth failed".to_string()
            });
            return;
        }
        let float = self.ph1[i].follow_float(&mut self.ctx.env(now), (to, from));
        let result = self.quick_step(now, i, existing, (repr, data), kernel);
        if result.is_err() {
            self.ph1[i].undo_float(float);
        }
        match result {
            Ok(Some(serial)) => self.phase2_established(now, serial, kernel),
            Ok(None) => {}
            Err((serial, fail)) if existing.is_none() && unverified(&fail) => {
                self.forget_unverified(now, serial, from, fail)
            }
            Err((serial, fail)) => self.phase2_failed_notify(now, ph1, serial, fail),
        }
    }

    /// The message to the exchange `existing` (an index into `ph2`) under
    /// the ISAKMP SA `i`, or, without one, to a new responder exchange.
    fn quick_step(
        &mut self,
        now: Instant,
        i: usize,
        existing: Option<usize>,
        (repr, data): (&Repr, &[u8]),
        kernel: &mut dyn KeyKernel,
    ) -> QuickResult {
        let mut env = self.ctx.env(now);
        let p1 = &self.ph1[i];
        let Some(j) = existing else {
            let serial = env.next_serial();
            let (p2, result) = Phase2::respond(serial, p1, &mut env, (repr, data), kernel);
            self.ph2.push(p2);
            return result.map(|()| None).map_err(|f| (serial, f));
        };
        let p2 = &mut self.ph2[j];
        let serial = p2.serial;
        match p2.step(p1, &mut env, repr, data) {
            Some(Ok(())) => Ok(Some(serial)),
            Some(Err(fail)) => Err((serial, fail)),
            None => Ok(None),
        }
    }

    /// An Informational message from `from`: each notification and
    /// DELETE in it, once it verified.
    fn info_message(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        kernel: &mut dyn KeyKernel,
    ) {
        let Some((i, payloads)) = self.info_payloads(now, from, repr) else {
            self.ctx
                .env(now)
                .drop_datagram("unverified-informational", || {
                    format!(
                        "Informational from {from} matches no ISAKMP-SA or does not verify, dropped"
                    )
                });
            return;
        };
        let ph1 = self.ph1[i].serial;
        // racoon's float block (`isakmp_main`) for a verified message; one
        // that does not verify moves nothing.
        if matches!(repr.body, Body::Encrypted { .. }) {
            let _ = self.ph1[i].follow_float(&mut self.ctx.env(now), (to, from));
        }
        for payload in payloads {
            match payload {
                PayloadRepr::Notification(n) => self.on_notify(now, ph1, n, kernel),
                PayloadRepr::Delete(d) => self.on_delete(now, ph1, d, kernel),
                _ => {}
            }
        }
    }

    /// The ISAKMP SA an Informational is for and what it carries, if one
    /// takes it (isakmp_inf.c `isakmp_info_recv`).
    fn info_payloads(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        repr: &Repr,
    ) -> Option<(usize, Vec<PayloadRepr>)> {
        match &repr.body {
            Body::Payloads(payloads) => {
                let cky_i = repr.initiator_cookie;
                let i = self.ph1_by_cookie(cky_i, |p| p.takes_plain_info(from, cky_i))?;
                Some((i, payloads.clone()))
            }
            Body::Encrypted { .. } => {
                let i = self.ph1_by_cookie(repr.initiator_cookie, |p| {
                    p.takes_protected_info(from, repr)
                })?;
                let rest = self.ph1[i].open_info(&mut self.ctx.log, now, from, repr)?;
                Some((i, rest))
            }
        }
    }

    /// isakmp_inf.c `isakmp_info_recv_n`: DPD, INITIAL-CONTACT, or an
    /// error that fails what is negotiated under the ISAKMP SA `ph1`.
    fn on_notify(
        &mut self,
        now: Instant,
        ph1: u32,
        n: NotificationRepr,
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(i) = self.ph1_at(ph1) else {
            return;
        };
        let peer = *self.ph1[i].peer.ip();
        match n.message_type {
            NotifyType::RUThere => self.ph1[i].on_r_u_there(&mut self.ctx.env(now), n.data),
            NotifyType::RUThereAck => {
                let remote = &self.ctx.conf.remotes[self.ph1[i].remote];
                let delay = Duration::from_secs(remote.dpd_delay_secs.max(1));
                self.ph1[i].on_r_u_there_ack(now, delay, &n.data);
                self.ctx.timer_at(self.ph1[i].dpd.next);
            }
            NotifyType::InitialContact => {
                let line = format!("received INITIAL-CONTACT from {peer}");
                self.ctx.log.info(now, line);
                let endpoint = self.ph1[i].peer;
                self.purge_ipsec(now, endpoint, Some(ph1), kernel);
            }
            kind if kind.is_error() => {
                let line = format!("notification {kind} received from {peer}.");
                self.ctx.log.error(now, line);
                let fail = Fail::new(reason_of(kind), None, format!("{peer} refused: {kind}"));
                if self.ph1[i].established() {
                    self.fail_negotiating_phase2(now, ph1, fail);
                } else {
                    self.phase1_failed(now, i, fail);
                }
            }
            kind => {
                let line = format!("notification {kind} received from {peer}.");
                self.ctx.log.info(now, line);
            }
        }
    }

    /// isakmp_inf.c `isakmp_info_recv_d`: the peer deleted the ISAKMP SA
    /// `ph1`, or IPsec SAs it named by its own inbound SPIs (our
    /// outbound ones; `purge_ipsec_spi`).
    fn on_delete(&mut self, now: Instant, ph1: u32, d: DeleteRepr, kernel: &mut dyn KeyKernel) {
        let Some(i) = self.ph1_at(ph1) else {
            return;
        };
        let endpoint = self.ph1[i].peer;
        if d.protocol == ProtocolId::Isakmp {
            let p = self.forget_phase1(now, i);
            let line = format!(
                "ISAKMP-SA deleted {}-{} spi:{}",
                p.local,
                p.peer,
                p.spi_text()
            );
            self.ctx.log.info(now, line);
            return;
        }
        if d.protocol == ProtocolId::IpComp {
            self.on_ipcomp_delete(now, endpoint, &d, kernel);
            return;
        }
        for spi in &d.spis {
            let Ok(bytes) = <[u8; 4]>::try_from(spi.as_slice()) else {
                continue;
            };
            let spi = u32::from_be_bytes(bytes);
            let found = self.ph2.iter().position(|p| {
                (p.peer, p.peer_port) == (*endpoint.ip(), endpoint.port())
                    && p.chosen.is_some_and(|c| c.peer_spi == spi)
            });
            if let Some(j) = found {
                let p2 = self.ph2.remove(j);
                self.remove_pair(now, &p2, kernel);
            }
        }
    }

    /// isakmp_inf.c `isakmp_info_recv_d` for IPCOMP: a 16- or 32-bit CPI,
    /// the peer's inbound (our outbound); the IPComp SAs of that pair go
    /// (`purge_ipsec_spi`). After the ESP DELETE that came first there is
    /// usually nothing left to purge.
    fn on_ipcomp_delete(
        &mut self,
        now: Instant,
        endpoint: std::net::SocketAddrV4,
        d: &DeleteRepr,
        kernel: &mut dyn KeyKernel,
    ) {
        for spi in &d.spis {
            let cpi = match spi.as_slice() {
                [a, b] | [0, 0, a, b] => u16::from_be_bytes([*a, *b]),
                _ => {
                    let line = format!(
                        "delete payload with strange spi size {}(proto_id:{})",
                        d.spi_size,
                        u8::from(d.protocol)
                    );
                    self.ctx.log.error(now, line);
                    continue;
                }
            };
            let found = self.ph2.iter().find(|p| {
                (p.peer, p.peer_port) == (*endpoint.ip(), endpoint.port())
                    && p.chosen
                        .and_then(|c| c.ipcomp)
                        .is_some_and(|c| c.peer_cpi == cpi)
            });
            if let Some(p2) = found {
                super::install::delete_ipcomp(now, kernel, p2);
                let line = format!("purged IPsec-SA proto_id=IPCOMP spi={cpi}.");
                self.ctx.log.info(now, line);
            }
        }
    }
}

/// Whether the message failed its HASH or did not decrypt.
fn unverified(fail: &Fail) -> bool {
    fail.reason == crate::ike::FailReason::AuthenticationFailed
}
