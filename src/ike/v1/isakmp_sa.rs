//! How the daemon runs its ISAKMP SAs, as racoon's isakmp.c and
//! handler.c do: starting phase 1 (`isakmp_ph1begin_i`), what happens
//! once one is established (`ph1_main`), fails, starts dying
//! (`isakmp_ph1dying`) or expires (`isakmp_ph1expire`), and the
//! Informational messages sent under one.

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::Racoon;
use super::env::Fail;
use super::phase1::Phase1;
use super::quick::P2State;
use crate::ike::{IkeEvent, Side};
use crate::ipsec::KeyKernel;
use crate::ipsec::spec::IpsecProto;
use crate::wire::isakmp::NotifyType;
use crate::wire::udp_encap::PORT_ISAKMP;

impl Racoon {
    /// Starts phase 1 with the peer of `remote` (racoon's
    /// `isakmp_ph1begin_i`). Returns the new SA's serial.
    pub(super) fn begin_phase1(
        &mut self,
        now: Instant,
        remote: usize,
        local: SocketAddrV4,
        peer: SocketAddrV4,
    ) -> Option<u32> {
        let p = Phase1::initiate(&mut self.ctx.env(now), remote, (local, peer))?;
        let serial = p.serial;
        self.add_phase1(p);
        Some(serial)
    }

    /// racoon `ph1_main`: phase 1 is up; stale SAs go (INITIAL-CONTACT),
    /// dying ones' phase 2s move here, the phase 2 negotiations that
    /// waited for it start.
    pub(super) fn phase1_done(&mut self, now: Instant, index: usize, kernel: &mut dyn KeyKernel) {
        let serial = self.ph1[index].serial;
        self.half_open.established(serial);
        let peer = *self.ph1[index].peer.ip();
        // RFC 2407 §4.6.3.3: INITIAL-CONTACT: the peer kept no SAs, so
        // every older one with it is stale.
        let endpoint = self.ph1[index].peer;
        let contacts = &mut self.ctx.records.initial_contacts;
        if let Some(at) = contacts.iter().position(|p| *p == endpoint) {
            contacts.remove(at);
            self.purge_ipsec(now, endpoint, Some(serial), kernel);
        }
        self.adopt_dying_phase2(serial);
        self.xauth_start(now, index);
        self.send_initial_contact(now, serial);
        if !self.waiting_for(peer).is_empty() && self.xauth_blocks_phase2(now, serial) {
            // isakmp.c `isakmp_ph2begin_i` refuses them; an ACQUIRE after
            // the login starts them anew.
            self.ctx
                .log
                .error(now, "Attempt to start phase 2 whereas Xauth failed");
            self.fail_waiting_phase2(now, peer);
            return;
        }
        self.start_waiting_phase2(now, serial, peer, kernel);
    }

    /// Logs a failed phase 1, notifies the peer if there is something to
    /// say, and forgets the SA.
    pub(super) fn phase1_failed(&mut self, now: Instant, index: usize, fail: Fail) {
        let p = self.forget_phase1(now, index);
        let mut env = self.ctx.env(now);
        env.log.error(now, &fail.message);
        let line = format!("phase1 negotiation failed. {}", p.spi_text());
        env.log.error(now, line);
        env.log.event(IkeEvent::Failed {
            at: now,
            peer: *p.peer.ip(),
            phase: 1,
            reason: fail.reason,
        });
        if let Some(kind) = fail.notify {
            p.send_plain_notify(&mut env, kind);
        }
        self.fail_waiting_phase2(now, *p.peer.ip());
    }

    /// racoon `isakmp_ph1dying`: the SA no longer takes new phase 2s.
    /// Its established phase 2s move to a fresh ISAKMP SA with the peer
    /// if there is one; otherwise, if any is established, a new phase 1
    /// is negotiated "due to active phase2", by the end that initiated
    /// this one.
    pub(super) fn phase1_dying(&mut self, now: Instant, index: usize) {
        let p = &mut self.ph1[index];
        p.dying = true;
        let (serial, side, remote, local, peer) = (p.serial, p.side, p.remote, p.local, p.peer);
        if let Some(fresh) = self.fresh_phase1(*peer.ip()) {
            self.migrate_phase2(serial, fresh);
            return;
        }
        let active = self
            .ph2
            .iter()
            .any(|q| q.ph1 == Some(serial) && q.state == P2State::Established);
        if !active {
            return;
        }
        let line = format!("renegotiating phase1 to {} due to active phase2", peer.ip());
        self.ctx.log.info(now, line);
        if side == Side::Initiator {
            let port = self.ctx.conf.remotes[remote].port;
            let to = SocketAddrV4::new(*peer.ip(), port);
            self.begin_phase1(now, remote, SocketAddrV4::new(*local.ip(), PORT_ISAKMP), to);
        }
    }

    /// An established, not dying ISAKMP SA with `peer`, newest first
    /// (racoon's `getph1` over its list, newest at the head).
    pub(super) fn fresh_phase1(&self, peer: Ipv4Addr) -> Option<u32> {
        self.ph1
            .iter()
            .rev()
            .find(|p| p.established() && !p.dying && *p.peer.ip() == peer)
            .map(|p| p.serial)
    }

    /// racoon `migrate_ph12`: established phase 2s of ISAKMP SA `from`
    /// are from now on handled under `to`.
    fn migrate_phase2(&mut self, from: u32, to: u32) {
        for q in &mut self.ph2 {
            if q.ph1 == Some(from) && q.state == P2State::Established {
                q.ph1 = Some(to);
            }
        }
    }

    /// racoon `migrate_dying_ph12`, when a phase 1 is established: the
    /// phase 2s of dying ISAKMP SAs with the same peer move to it.
    fn adopt_dying_phase2(&mut self, serial: u32) {
        let Some(peer) = self
            .ph1
            .iter()
            .find(|p| p.serial == serial)
            .map(|p| *p.peer.ip())
        else {
            return;
        };
        let dying: Vec<u32> = self
            .ph1
            .iter()
            .filter(|p| p.dying && *p.peer.ip() == peer)
            .map(|p| p.serial)
            .collect();
        for from in dying {
            self.migrate_phase2(from, serial);
        }
    }

    /// racoon 0.8 `isakmp_ph1expire` / `isakmp_ph1delete`: the ISAKMP SA
    /// is forgotten without a DELETE (`isakmp_info_send_d2` finds no
    /// live ISAKMP SA to send it under); its phase 2s move to a fresh
    /// one, or their handles are dropped while the kernel keeps their SAs
    /// until their own lifetimes end.
    pub(super) fn expire_phase1(&mut self, now: Instant, index: usize) {
        let p = self.forget_phase1(now, index);
        let (names, spi) = (p.names(), p.spi_text());
        self.ctx
            .log
            .info(now, format!("ISAKMP-SA expired {names} spi:{spi}"));
        match self.fresh_phase1(*p.peer.ip()) {
            Some(fresh) => self.migrate_phase2(p.serial, fresh),
            None => self
                .ph2
                .retain(|q| !(q.ph1 == Some(p.serial) && q.state == P2State::Established)),
        }
        self.ctx
            .log
            .info(now, format!("ISAKMP-SA deleted {names} spi:{spi}"));
    }

    /// racoon `ph1_main`, once an ISAKMP SA is established on either side:
    /// with `initial_contact on`, an INITIAL-CONTACT Informational
    /// (RFC 2407 §4.6.3.3) to a peer not contacted before (`getcontacted`,
    /// `inscontacted`), so a renegotiated phase 1 does not make the peer
    /// purge live SAs.
    fn send_initial_contact(&mut self, now: Instant, ph1: u32) {
        let Some(p) = self.ph1.iter().find(|p| p.serial == ph1) else {
            return;
        };
        let peer = *p.peer.ip();
        let contacted = &mut self.ctx.records.contacted;
        if !self.ctx.conf.remotes[p.remote].initial_contact || contacted.contains(&peer) {
            return;
        }
        contacted.push(peer);
        p.send_notify(&mut self.ctx.env(now), NotifyType::InitialContact);
    }

    /// An error notification through the established ISAKMP SA `ph1`.
    pub(super) fn send_encrypted_notify(&mut self, now: Instant, ph1: u32, kind: NotifyType) {
        if let Some(p) = self.ph1.iter().find(|p| p.serial == ph1) {
            p.send_notify(&mut self.ctx.env(now), kind);
        }
    }

    /// DELETE of our inbound SA `spi` (and of our inbound IPComp SA
    /// `cpi` in a bundle) to `peer`, under the newest live ISAKMP SA with
    /// that IKE endpoint (not just the address: two peers behind one NAT
    /// share it), if there is one.
    pub(super) fn send_delete_ipsec(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        (proto, spi): (IpsecProto, u32),
        cpi: Option<u16>,
    ) {
        let live = |p: &&Phase1| p.established() && !p.dying && p.peer == peer;
        if let Some(p) = self.ph1.iter().rev().find(live) {
            p.send_delete(&mut self.ctx.env(now), peer, proto, spi);
            if let Some(cpi) = cpi {
                p.send_delete_ipcomp(&mut self.ctx.env(now), peer, cpi);
            }
        }
    }
}
