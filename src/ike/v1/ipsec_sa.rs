//! How the daemon runs its IPsec SA pairs, as racoon's isakmp.c,
//! pfkey.c and isakmp_inf.c do: a kernel request waits for phase 1
//! (`isakmp_post_acquire`), Quick Mode starts once it is up, the pair is
//! installed (`pk_sendupdate`, `pk_sendadd`) or the negotiation fails,
//! and pairs are rekeyed, expired and purged.

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::Racoon;
use super::env::Fail;
use super::install;
use super::phase1::remote_for;
use super::quick::{P2State, Phase2, proto_name};
use crate::ike::{FailReason, IkeEvent, Side};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::Direction;
use crate::wire::udp_encap::PORT_ISAKMP;

impl Racoon {
    /// pfkey.c `pk_recvacquire` and isakmp.c `isakmp_post_acquire`:
    /// queue the request (unless one for it is under way) and start, or
    /// wait for, phase 1 with the peer.
    pub(super) fn acquire(&mut self, now: Instant, a: Acquire, kernel: &mut dyn KeyKernel) {
        let pending =
            |p: &Phase2| p.same_request(&a) && !p.dying && p.state != P2State::Established;
        if self.ph2.iter().any(pending) {
            return;
        }
        let Some(remote) = remote_for(&self.ctx.conf.remotes, a.dst) else {
            let line = format!("no configuration found for {}.", a.dst);
            self.ctx.log.error(now, line);
            return;
        };
        if self.ctx.conf.remotes[remote].passive {
            let line = format!("ignore IPsec-SA request for {}: passive mode.", a.dst);
            self.ctx.log.info(now, line);
            return;
        }
        let serial = self.ctx.env(now).next_serial();
        let deadline = now + self.ctx.timer().negotiation;
        self.ctx.timer_at(Some(deadline));
        let inbound = a.selector.reversed();
        let reqid_in = install::policy_reqid(now, kernel, inbound, Direction::In);
        self.ph2
            .push(Phase2::for_acquire(serial, &a, deadline, reqid_in));
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
        let line = format!("IPsec-SA request for {peer} queued due to no phase1 found.");
        self.ctx.log.info(now, line);
        let port = self.ctx.conf.remotes[remote].port;
        let (from, to) = (
            SocketAddrV4::new(local, PORT_ISAKMP),
            SocketAddrV4::new(peer, port),
        );
        self.begin_phase1(now, remote, from, to);
    }

    /// Phase 1 `ph1` with `peer` is up: send Quick Mode for every request
    /// waiting for it.
    pub(super) fn start_waiting_phase2(
        &mut self,
        now: Instant,
        ph1: u32,
        peer: Ipv4Addr,
        kernel: &mut dyn KeyKernel,
    ) {
        for serial in self.waiting_for(peer) {
            let Some(p1) = self.ph1.iter().find(|p| p.serial == ph1) else {
                self.phase2_failed(now, serial, Fail::malformed("ISAKMP SA gone"));
                continue;
            };
            let Some(p2) = self.ph2.iter_mut().find(|p| p.serial == serial) else {
                continue;
            };
            if let Err(fail) = p2.send_first(p1, &mut self.ctx.env(now), kernel) {
                self.phase2_failed(now, serial, fail);
            }
        }
    }

    /// The phase 2 requests waiting for phase 1 with `peer`.
    pub(super) fn waiting_for(&self, peer: Ipv4Addr) -> Vec<u32> {
        self.ph2
            .iter()
            .filter(|p| p.state == P2State::AwaitPhase1 && p.peer == peer)
            .map(|p| p.serial)
            .collect()
    }

    /// Phase 1 with `peer` failed: so do the requests waiting for it,
    /// unless another phase 1 with the peer is still under way.
    pub(super) fn fail_waiting_phase2(&mut self, now: Instant, peer: Ipv4Addr) {
        if self.ph1.iter().any(|p| *p.peer.ip() == peer) {
            return;
        }
        for serial in self.waiting_for(peer) {
            let why = format!("phase2 negotiation failed due to phase1 failure with {peer}.");
            self.phase2_failed(now, serial, Fail::new(FailReason::Timeout, None, why));
        }
    }

    /// Installs the SA pair of exchange `serial` (and generated policies)
    /// and logs it.
    pub(super) fn phase2_established(
        &mut self,
        now: Instant,
        serial: u32,
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(p2) = self.ph2.iter_mut().find(|p| p.serial == serial) else {
            return;
        };
        let Some(keys) = self
            .ph1
            .iter()
            .find(|p| Some(p.serial) == p2.ph1)
            .and_then(|p| p.keys.as_ref())
        else {
            return;
        };
        p2.state = P2State::Established;
        let mut env = self.ctx.env(now);
        install::install_pair(&mut env, kernel, keys, p2);
        if p2.generate_policy {
            install::generate_policies(&mut env, kernel, p2);
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

    /// Logs a failed phase 2 and forgets the exchange.
    pub(super) fn phase2_failed(&mut self, now: Instant, serial: u32, fail: Fail) {
        let Some(i) = self.ph2_at(serial) else {
            return;
        };
        let p2 = self.ph2.remove(i);
        let log = &mut self.ctx.log;
        log.error(now, &fail.message);
        let line = format!("phase2 negotiation failed: {}<=>{}", p2.local, p2.peer);
        log.error(now, line);
        log.event(IkeEvent::Failed {
            at: now,
            peer: p2.peer,
            phase: 2,
            reason: fail.reason,
        });
    }

    /// A phase 2 error notify: the Quick Modes in flight under `ph1` fail.
    pub(super) fn fail_negotiating_phase2(&mut self, now: Instant, ph1: u32, fail: Fail) {
        let serials: Vec<u32> = self
            .ph2
            .iter()
            .filter(|p| p.ph1 == Some(ph1) && p.state != P2State::Established)
            .map(|p| p.serial)
            .collect();
        for serial in serials {
            let again = Fail::new(fail.reason, None, fail.message.clone());
            self.phase2_failed(now, serial, again);
        }
    }

    /// A first Quick Mode message whose HASH(1) does not verify was not
    /// sent by the peer: racoon's `quick_r1recv` logs "HASH(1) mismatch"
    /// and deletes the exchange without a notification. It is a dropped
    /// datagram here (counted, its line rate limited), not a failed
    /// negotiation, so that forged messages with known cookies add no
    /// event and no line each.
    pub(super) fn forget_unverified(
        &mut self,
        now: Instant,
        serial: u32,
        from: SocketAddrV4,
        fail: Fail,
    ) {
        self.ph2.retain(|p| p.serial != serial);
        self.ctx
            .env(now)
            .drop_datagram("unverified-quick-mode", || {
                format!("{} from {from}, packet dropped", fail.message)
            });
    }

    /// pfkey.c `pk_recvexpire`, soft: the initiator renegotiates the
    /// pair (`isakmp_post_acquire`), the responder waits for it.
    pub(super) fn soft_expired(&mut self, now: Instant, key: SaKey, kernel: &mut dyn KeyKernel) {
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
        let line = format!(
            "IPsec-SA expired (soft): {} {}->{} spi={}(0x{:x})",
            proto_name(key.1, request.mode),
            if key.0 == local.into() { peer } else { local },
            key.0,
            key.2,
            key.2
        );
        self.ctx.log.info(now, line);
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
    pub(super) fn hard_expired(&mut self, now: Instant, key: SaKey, kernel: &mut dyn KeyKernel) {
        let Some(i) = self.ph2.iter().position(|p| p.owns(&key)) else {
            return;
        };
        let p = self.ph2.remove(i);
        install::delete_pair(now, kernel, &mut self.ctx.records, &p);
        let line = format!(
            "IPsec-SA expired: {} {}->{} spi={}(0x{:x})",
            proto_name(p.proto, p.mode),
            p.peer,
            p.local,
            p.my_spi,
            p.my_spi
        );
        self.ctx.log.info(now, line);
        self.ctx.log.event(IkeEvent::Phase2Deleted {
            at: now,
            peer: p.peer,
        });
        let ike_peer = SocketAddrV4::new(p.peer, p.peer_port);
        self.send_delete_ipsec(now, ike_peer, (p.proto, p.my_spi), p.bundled_cpi());
    }

    /// Removes an SA pair from the kernel and logs it.
    pub(super) fn remove_pair(&mut self, now: Instant, p2: &Phase2, kernel: &mut dyn KeyKernel) {
        let peer_spi = p2.chosen.map_or(0, |c| c.peer_spi);
        install::delete_pair(now, kernel, &mut self.ctx.records, p2);
        let name = p2.proto.name().to_uppercase();
        for spi in [p2.my_spi, peer_spi] {
            let line = format!("purged IPsec-SA proto_id={name} spi={spi}.");
            self.ctx.log.info(now, line);
        }
        self.ctx.log.event(IkeEvent::Phase2Deleted {
            at: now,
            peer: p2.peer,
        });
    }

    /// Forgets every SA with the IKE peer at `peer` (address and port:
    /// two peers behind one NAT share the address): a dead peer (racoon's
    /// `purge_remote`).
    pub(super) fn purge_peer(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        kernel: &mut dyn KeyKernel,
    ) {
        self.purge_ipsec(now, peer, None, kernel);
        self.ph2
            .retain(|p| (p.peer, p.peer_port) != (*peer.ip(), peer.port()));
        let before = self.ph1.len();
        while let Some(i) = self.ph1.iter().position(|p| p.peer == peer) {
            self.forget_phase1(now, i);
        }
        if self.ph1.len() < before {
            self.ctx
                .log
                .info(now, format!("purged ISAKMP-SA with {peer}."));
        }
    }

    /// INITIAL-CONTACT (isakmp_inf.c `isakmp_info_recv_initialcontact`):
    /// the peer's IPsec SAs, but those under the ISAKMP SA `keep`, are
    /// stale; its ISAKMP SAs are left alone, so that one negotiated the
    /// other way at the same time lives on.
    pub(super) fn purge_ipsec(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        keep: Option<u32>,
        kernel: &mut dyn KeyKernel,
    ) {
        // Negotiations under way have no SAs yet and go on (racoon walks
        // the SAD, not its phase 2 handles).
        // In place: a gateway purges for each INITIAL-CONTACT, and moving
        // every other peer's exchange each time cost more than the rest.
        let gone: Vec<_> = self
            .ph2
            .extract_if(.., |p| {
                (p.peer, p.peer_port) == (*peer.ip(), peer.port())
                    && p.ph1 != keep
                    && p.state == P2State::Established
            })
            .collect();
        for p2 in gone {
            self.remove_pair(now, &p2, kernel);
        }
    }
}
