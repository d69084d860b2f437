//! How a Quick Mode ends: SAs installed, a failure logged and notified,
//! retransmissions and the wait for phase 1 timed out; and what the
//! kernel's expiry events do to established pairs (rekey, DELETE).

use smoltcp::time::Instant;

use super::{P2State, proto_name};
use crate::ike::Side;
use crate::ike::v1::{Fail, Racoon};
use crate::ike::{FailReason, IkeEvent};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::sad::SaKey;

impl Racoon {
    /// Installs the SA pair (and generated policies) and logs it.
    pub(super) fn phase2_established(
        &mut self,
        now: Instant,
        serial: u32,
        kernel: &mut dyn KeyKernel,
    ) {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let Some(p2) = ph2s.iter_mut().find(|p| p.serial == serial) else {
            return;
        };
        let Some(p1) = ph1s.iter().find(|p| Some(p.serial) == p2.ph1) else {
            return;
        };
        let Some(keys) = p1.keys.as_ref() else {
            return;
        };
        p2.state = P2State::Established;
        crate::ike::v1::install::install_pair(&mut env, kernel, keys, p2);
        if p2.generate_policy {
            crate::ike::v1::install::generate_policies(&mut env, kernel, p2);
        }
        env.log.event(IkeEvent::Phase2Established {
            at: now,
            peer: p2.peer,
            rekey: p2.rekey,
        });
    }

    /// Logs a failed phase 2 and notifies the peer through phase 1.
    pub(super) fn phase2_failed_notify(&mut self, now: Instant, ph1: u32, serial: u32, fail: Fail) {
        if let Some(kind) = fail.notify {
            self.send_encrypted_notify(now, ph1, kind);
        }
        self.phase2_failed(now, serial, fail);
    }

    pub(crate) fn phase2_failed(&mut self, now: Instant, serial: u32, fail: Fail) {
        let Some(i) = self.ph2.iter().position(|p| p.serial == serial) else {
            return;
        };
        let p2 = self.ph2.remove(i);
        self.log.error(now, &fail.message);
        self.log.error(
            now,
            format!("phase2 negotiation failed: {}<=>{}", p2.local, p2.peer),
        );
        self.log.event(IkeEvent::Failed {
            at: now,
            peer: p2.peer,
            phase: 2,
            reason: fail.reason,
        });
    }

    /// Retransmissions of Quick Mode and the wait for phase 1.
    pub(crate) fn phase2_timers(&mut self, now: Instant) {
        let interval = self.timer().interval;
        let mut expired = Vec::new();
        for p in &mut self.ph2 {
            if p.deadline.is_some_and(|t| t <= now) {
                expired.push((
                    p.serial,
                    "phase2 negotiation failed due to time up waiting for phase1.",
                ));
                continue;
            }
            if p.retry.resend_at.is_some_and(|t| t <= now) {
                if p.retry.left == 0 {
                    expired.push((p.serial, "phase2 negotiation failed due to time up."));
                    continue;
                }
                p.retry.left -= 1;
                p.retry.resend_at = Some(now + interval);
                if let Some(d) = p.retry.last_out.clone() {
                    self.outbox.push_back(d);
                }
            }
        }
        for (serial, why) in expired {
            self.phase2_failed(now, serial, Fail::new(FailReason::Timeout, None, why));
        }
    }

    /// pfkey.c `pk_recvexpire`, soft: the initiator renegotiates the
    /// pair (`isakmp_post_acquire`), the responder waits for it.
    pub(crate) fn soft_expired(&mut self, now: Instant, key: SaKey, kernel: &mut dyn KeyKernel) {
        let Some(p) = self.ph2.iter_mut().find(|p| p.owns(&key) && !p.dying) else {
            return;
        };
        p.dying = true;
        let (side, local, peer) = (p.side, p.local, p.peer);
        let request = Acquire {
            at: now,
            src: local,
            dst: peer,
            proto: p.proto,
            mode: p.mode,
            selector: p.selector,
            reqid: p.reqid_out,
        };
        self.log.info(
            now,
            format!(
                "IPsec-SA expired (soft): {} {}->{} spi={}(0x{:x})",
                proto_name(key.1, request.mode),
                if key.0 == local { peer } else { local },
                key.0,
                key.2,
                key.2
            ),
        );
        if side == Side::Initiator {
            let before = self.ph2.len();
            self.acquire(now, request, kernel);
            if self.ph2.len() > before {
                if let Some(new) = self.ph2.last_mut() {
                    new.rekey = true;
                }
            }
        }
    }

    /// pfkey.c `pk_recvexpire`, hard: the pair is gone; the peer is told
    /// with a DELETE.
    pub(crate) fn hard_expired(&mut self, now: Instant, key: SaKey, kernel: &mut dyn KeyKernel) {
        let Some(i) = self.ph2.iter().position(|p| p.owns(&key)) else {
            return;
        };
        let p = self.ph2.remove(i);
        crate::ike::v1::install::delete_pair(now, kernel, &mut self.records, &p);
        self.log.info(
            now,
            format!(
                "IPsec-SA expired: {} {}->{} spi={}(0x{:x})",
                proto_name(p.proto, p.mode),
                p.peer,
                p.local,
                p.my_spi,
                p.my_spi
            ),
        );
        self.log.event(IkeEvent::Phase2Deleted {
            at: now,
            peer: p.peer,
        });
        let ike_peer = std::net::SocketAddrV4::new(p.peer, p.peer_port);
        self.send_delete_ipsec(now, ike_peer, p.proto, p.my_spi);
    }
}
