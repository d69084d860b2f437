//! The daemon's timers (racoon's scheduler, sched_*): retransmissions
//! and the time a negotiation may take, ISAKMP SA lifetimes and their
//! dying point, DPD and NAT-T keepalives.

use smoltcp::time::{Duration, Instant};

use super::Racoon;
use super::env::Fail;
use super::phase1::Phase1;
use crate::ike::FailReason;
use crate::ike::daemon::Datagram;
use crate::ike::retransmit::Due;
use crate::ipsec::KeyKernel;
use crate::wire::udp_encap::KEEPALIVE;

/// Retransmissions or the negotiation time ran out.
fn time_up(p: &Phase1) -> Fail {
    let why = format!("phase1 negotiation failed due to time up. {}", p.spi_text());
    Fail::new(FailReason::Timeout, None, why)
}

impl Racoon {
    /// Retransmissions and lifetimes of ISAKMP SAs, in order.
    pub(super) fn phase1_timers(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        let interval = self.ctx.timer().interval;
        let mut i = 0;
        while i < self.ph1.len() {
            if self.phase1_tick(now, i, interval, kernel) {
                i += 1;
            }
        }
    }

    /// What is due for ISAKMP SA `i`; false if the SA is gone (or a dead
    /// peer's SAs were purged).
    fn phase1_tick(
        &mut self,
        now: Instant,
        i: usize,
        interval: Duration,
        kernel: &mut dyn KeyKernel,
    ) -> bool {
        match self.ph1[i].retry.due(now, interval) {
            Due::GiveUp => {
                let fail = time_up(&self.ph1[i]);
                self.phase1_failed(now, i, fail);
                return false;
            }
            Due::Resend(d) => self.ctx.outbox.push_back(d),
            Due::Nothing => {}
        }
        let p = &self.ph1[i];
        if !p.dying && p.dying_at.is_some_and(|t| t <= now) {
            self.phase1_dying(now, i);
        }
        let p = &self.ph1[i];
        if p.expires.is_some_and(|t| t <= now) {
            if p.established() {
                self.expire_phase1(now, i);
            } else {
                let fail = time_up(p);
                self.phase1_failed(now, i, fail);
            }
            return false;
        }
        if p.dpd.next.is_some_and(|t| t <= now) && self.dpd_tick(now, i, kernel) {
            return false;
        }
        if !self.xauth_delayed(now, i) {
            return false;
        }
        self.keepalive(now, i);
        true
    }

    /// One DPD step for ISAKMP SA `i` ([`Phase1::dpd_step`]); a dead
    /// peer is purged. True if it was.
    fn dpd_tick(&mut self, now: Instant, i: usize, kernel: &mut dyn KeyKernel) -> bool {
        let p = &mut self.ph1[i];
        if !p.dpd_step(&mut self.ctx.env(now)) {
            return false;
        }
        let peer = p.peer;
        self.purge_peer(now, peer, kernel);
        true
    }

    /// RFC 3948 §2.3: one 0xFF byte to the peer's NAT-T port, every
    /// `natt_keepalive`, from both ends of a NAT-T ISAKMP SA.
    fn keepalive(&mut self, now: Instant, i: usize) {
        let every = Duration::from_secs(self.ctx.conf.timer.natt_keepalive_secs.max(1));
        let p = &mut self.ph1[i];
        if p.natt.keepalive.is_some_and(|t| t <= now) {
            p.natt.keepalive = Some(now + every);
            self.ctx.timer_at(p.natt.keepalive);
            self.ctx.outbox.push_back(Datagram {
                from: p.local,
                to: p.peer,
                data: KEEPALIVE.to_vec(),
            });
        }
    }

    /// Retransmissions of Quick Mode and the wait for phase 1.
    pub(super) fn phase2_timers(&mut self, now: Instant) {
        let interval = self.ctx.timer().interval;
        let mut expired = Vec::new();
        for p in &mut self.ph2 {
            if p.deadline.is_some_and(|t| t <= now) {
                let why = "phase2 negotiation failed due to time up waiting for phase1.";
                expired.push((p.serial, why));
                continue;
            }
            match p.retry.due(now, interval) {
                Due::GiveUp => {
                    expired.push((p.serial, "phase2 negotiation failed due to time up."))
                }
                Due::Resend(d) => self.ctx.outbox.push_back(d),
                Due::Nothing => {}
            }
        }
        for (serial, why) in expired {
            self.phase2_failed(now, serial, Fail::new(FailReason::Timeout, None, why));
        }
    }
}
