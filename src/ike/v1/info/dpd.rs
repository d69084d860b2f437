//! Dead Peer Detection (RFC 3706) on an ISAKMP SA, as racoon's
//! isakmp_inf.c does it: R-U-THERE every `dpd_delay` while the peer is
//! quiet, `dpd_retry` apart while unanswered, the peer dead after
//! `dpd_maxfail` of them (`isakmp_info_send_r_u`, `isakmp_info_recv_r_u_ack`).

use smoltcp::time::{Duration, Instant};

use super::isakmp_notify;
use crate::ike::IkeEvent;
use crate::ike::v1::env::Env;
use crate::ike::v1::phase1::Phase1;
use crate::wire::isakmp::NotifyType;

impl Phase1 {
    /// One DPD step (RFC 3706 §5.3–5.5): count the R-U-THERE left
    /// unanswered, and after `dpd_maxfail` of them declare the peer dead
    /// (true: the daemon purges it); else send the next.
    pub(crate) fn dpd_step(&mut self, env: &mut Env<'_>) -> bool {
        let remote = &env.conf.remotes[self.remote];
        let retry = Duration::from_secs(remote.dpd_retry_secs.max(1));
        let maxfail = remote.dpd_maxfail;
        if self.dpd.awaiting.is_some() {
            self.dpd.fails += 1;
            if self.dpd.fails >= maxfail {
                let spi = self.spi_text();
                let line = format!("DPD: remote (ISAKMP-SA spi={spi}) seems to be dead.");
                env.log.error(env.now, line);
                env.log.event(IkeEvent::DpdDead {
                    at: env.now,
                    peer: *self.peer.ip(),
                });
                return true;
            }
        }
        let dpd = &mut self.dpd;
        dpd.seq = dpd.seq.wrapping_add(1).max(1);
        dpd.awaiting = Some(dpd.seq);
        dpd.next = Some(env.now + retry);
        env.timer_at(dpd.next);
        let data = dpd.seq.to_be_bytes().to_vec();
        self.send_protected(env, isakmp_notify(self, NotifyType::RUThere, data));
        false
    }

    /// The peer asked R-U-THERE: answer with its sequence number.
    pub(crate) fn on_r_u_there(&self, env: &mut Env<'_>, data: Vec<u8>) {
        self.send_protected(env, isakmp_notify(self, NotifyType::RUThereAck, data));
    }

    /// An R-U-THERE-ACK: if it answers the one in flight the peer is
    /// alive, and the next comes `dpd_delay` from now.
    pub(crate) fn on_r_u_there_ack(&mut self, now: Instant, delay: Duration, data: &[u8]) {
        let seq = data.try_into().ok().map(u32::from_be_bytes);
        let dpd = &mut self.dpd;
        if seq.is_some() && seq == dpd.awaiting {
            dpd.awaiting = None;
            dpd.fails = 0;
            dpd.next = Some(now + delay);
        }
    }
}
