//! How the daemon runs ISAKMP SAs: starting phase 1 (racoon's
//! `isakmp_ph1begin_i`), answering a new initiator, routing each message
//! to its step, and what happens when one fails, times out or expires.

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::{P1State, Phase1, aggressive, main_mode, mode_name, nat, remote_for, vendor_ids};
use crate::config::racoon::ExchangeMode;
use crate::ike::Side;
use crate::ike::daemon::Datagram;
use crate::ike::identity::phase1_id;
use crate::ike::log::{cookies, endpoint};
use crate::ike::v1::proposal::{self, IsakmpTransform};
use crate::ike::v1::quick::P2State;
use crate::ike::v1::{Fail, Racoon};
use crate::ike::{FailReason, IkeEvent};
use crate::ipsec::KeyKernel;
use crate::wire::isakmp::{ExchangeType, PayloadRepr, Repr};
use crate::wire::udp_encap::{KEEPALIVE, PORT_ISAKMP};

/// Retransmissions or the negotiation time ran out.
fn time_up(p: &Phase1) -> Fail {
    Fail::new(
        FailReason::Timeout,
        None,
        format!("phase1 negotiation failed due to time up. {}", p.spi_text()),
    )
}

impl Racoon {
    /// Starts phase 1 with the peer of `remote` (racoon's
    /// `isakmp_ph1begin_i`). Returns the new SA's serial.
    pub(crate) fn begin_phase1(
        &mut self,
        now: Instant,
        remote_index: usize,
        local: SocketAddrV4,
        peer: SocketAddrV4,
    ) -> Option<u32> {
        let (mut env, ph1s, _, serial) = self.env(now);
        let remote = &env.conf.remotes[remote_index];
        let mode = *remote.exchange_modes.first()?;
        let offered: Vec<IsakmpTransform> = remote
            .proposals
            .iter()
            .filter_map(|p| IsakmpTransform::from_config(p, remote))
            .collect();
        let Some(my_id) = phase1_id(&remote.my_identifier, *local.ip()) else {
            env.log
                .error(now, "my_identifier: identity type not supported");
            return None;
        };
        if offered.is_empty() || mode == ExchangeMode::Base {
            env.log.error(
                now,
                format!("no usable proposal or exchange mode for {}", peer.ip()),
            );
            return None;
        }
        *serial += 1;
        let cookies = (env.random(), [0; 8]);
        let mut p = Phase1::new(
            *serial,
            Side::Initiator,
            mode,
            (local, peer),
            remote_index,
            cookies,
            my_id,
        );
        p.offered = offered;
        env.log.info(
            now,
            format!(
                "initiate new phase 1 negotiation: {}<=>{}",
                endpoint(local),
                endpoint(peer)
            ),
        );
        env.log
            .info(now, format!("begin {} mode.", mode_name(mode)));
        let sa = proposal::isakmp_offer(&p.offered);
        let mut sa_body = Vec::new();
        let _ = PayloadRepr::SecurityAssociation(sa.clone()).emit_body(&mut sa_body);
        p.sai_b = sa_body;
        let mut payloads = vec![PayloadRepr::SecurityAssociation(sa)];
        if mode == ExchangeMode::Aggressive {
            let public = p.new_dh(&mut env, p.offered[0].group);
            p.g_xi = public.clone();
            p.ni = env.nonce(remote.nonce_size);
            payloads.extend([
                PayloadRepr::KeyExchange(public),
                PayloadRepr::Nonce(p.ni.clone()),
                PayloadRepr::Identification(p.my_id.clone()),
            ]);
        }
        payloads.extend(vendor_ids(remote));
        payloads.extend(nat::offered_vendor_ids(remote));
        if let Err(fail) = p.send(&mut env, payloads, false, &[], true) {
            env.log.error(now, fail.message);
            return None;
        }
        let serial = p.serial;
        ph1s.push(p);
        Some(serial)
    }

    /// A Main or Aggressive Mode message.
    pub(crate) fn phase1_message(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        to: SocketAddrV4,
        repr: &Repr,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        // By address only: after the float to 4500 (RFC 3947 §4) the
        // peer's port changes, and a NAT may map it anew.
        let found = self.ph1.iter().position(|p| {
            p.peer.ip() == from.ip()
                && p.cky_i == repr.initiator_cookie
                && (p.cky_r == repr.responder_cookie || p.cky_r == [0; 8])
        });
        let index = match found {
            Some(i) => i,
            None if repr.responder_cookie == [0; 8] => {
                self.respond_phase1(now, from, to, repr, data);
                return;
            }
            None => {
                self.drop_datagram(now, "unknown-isakmp-sa", || {
                    format!(
                        "unknown ISAKMP-SA {} from {from}, packet dropped",
                        cookies(&repr.initiator_cookie, &repr.responder_cookie)
                    )
                });
                return;
            }
        };
        let expected = self.ph1[index].exchange();
        if repr.exchange_type != expected {
            self.drop_datagram(now, "wrong-exchange-type", || {
                format!(
                    "{} message for a {expected} ISAKMP-SA from {from}, packet dropped",
                    repr.exchange_type,
                )
            });
            return;
        }
        // Follow a float (or a NAT's new mapping) for the answer; undone
        // below unless the message checks out. racoon's `isakmp_main` does
        // this only for a message that names both cookies.
        let p = &self.ph1[index];
        let float = (repr.responder_cookie == p.cky_r)
            .then_some(p.serial)
            .and_then(|serial| self.follow_float(now, serial, (to, from)));
        let (mut env, ph1s, _, _) = self.env(now);
        let p = &mut ph1s[index];
        let handled = match (p.side, p.state) {
            (Side::Initiator, P1State::AwaitSa) => {
                Some(main_mode::main_i2(p, &mut env, repr, data))
            }
            (Side::Responder, P1State::AwaitKe) => {
                Some(main_mode::main_r3(p, &mut env, repr, data))
            }
            (Side::Initiator, P1State::AwaitKe) => {
                Some(main_mode::main_i4(p, &mut env, repr, data))
            }
            (Side::Responder, P1State::AwaitId) => {
                Some(main_mode::main_r5(p, &mut env, repr, data))
            }
            (Side::Initiator, P1State::AwaitId) => Some(main_mode::main_i6(p, &mut env, repr)),
            (Side::Initiator, P1State::AwaitAggressiveReply) => {
                Some(aggressive::aggr_i2(p, &mut env, repr, data))
            }
            (Side::Responder, P1State::AwaitAggressiveHash) => {
                Some(aggressive::aggr_r3(p, &mut env, repr, data))
            }
            // Not a message this state takes: nothing it did stays.
            _ => None,
        };
        if !matches!(handled, Some(Ok(_))) {
            self.undo_float(float);
        }
        match handled {
            Some(Ok(true)) => self.phase1_done(now, index, kernel),
            Some(Ok(false)) | None => {}
            Some(Err(fail)) => self.phase1_failed(now, index, fail),
        }
    }

    /// Responder: a first message from a new initiator.
    fn respond_phase1(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        to: SocketAddrV4,
        repr: &Repr,
        data: &[u8],
    ) {
        if let Some(reason) = self.half_open.refusal(now, *from.ip()) {
            self.drop_datagram(now, reason, || {
                format!(
                    "too many half-open phase 1 negotiations, {} refused",
                    endpoint(from)
                )
            });
            return;
        }
        let (mut env, ph1s, _, serial) = self.env(now);
        let Some(remote_index) = remote_for(&env.conf.remotes, *from.ip()) else {
            env.drop_datagram("no-remote", || {
                format!(
                    "couldn't find configuration for {}, packet dropped",
                    from.ip()
                )
            });
            return;
        };
        let remote = &env.conf.remotes[remote_index];
        let mode = if repr.exchange_type == ExchangeType::Aggressive {
            ExchangeMode::Aggressive
        } else {
            ExchangeMode::Main
        };
        if !remote.exchange_modes.contains(&mode) {
            env.drop_datagram("exchange-mode", || {
                format!(
                    "{} mode is not acceptable for {}",
                    mode_name(mode),
                    from.ip()
                )
            });
            return;
        }
        let Some(my_id) = phase1_id(&remote.my_identifier, *to.ip()) else {
            return;
        };
        *serial += 1;
        let cookies = (repr.initiator_cookie, env.random());
        let mut p = Phase1::new(
            *serial,
            Side::Responder,
            mode,
            (to, from),
            remote_index,
            cookies,
            my_id,
        );
        p.expires = Some(now + env.timer.negotiation);
        env.log.info(
            now,
            format!(
                "respond new phase 1 negotiation: {}<=>{}",
                endpoint(to),
                endpoint(from)
            ),
        );
        env.log
            .info(now, format!("begin {} mode.", mode_name(mode)));
        let result = match mode {
            ExchangeMode::Aggressive => aggressive::aggr_r1(&mut p, &mut env, repr, data),
            _ => main_mode::main_r1(&mut p, &mut env, repr, data),
        };
        let serial = p.serial;
        ph1s.push(p);
        let until = now + self.timer().negotiation;
        self.half_open.begin(serial, *from.ip(), until);
        if let Err(fail) = result {
            let index = self.ph1.iter().position(|p| p.serial == serial);
            if let Some(i) = index {
                self.phase1_failed(now, i, fail);
            }
        }
    }

    /// Phase 1 is up: run the phase 2 negotiations that waited for it.
    fn phase1_done(&mut self, now: Instant, index: usize, kernel: &mut dyn KeyKernel) {
        let serial = self.ph1[index].serial;
        self.half_open.established(serial);
        let peer = *self.ph1[index].peer.ip();
        // RFC 2407 §4.6.3.3: INITIAL-CONTACT: the peer kept no SAs, so
        // every older one with it is stale.
        let endpoint = self.ph1[index].peer;
        if let Some(at) = self
            .records
            .initial_contacts
            .iter()
            .position(|p| *p == endpoint)
        {
            self.records.initial_contacts.remove(at);
            self.purge_ipsec(now, endpoint, Some(serial), kernel);
        }
        self.adopt_dying_phase2(serial);
        self.send_initial_contact(now, serial);
        self.start_waiting_phase2(now, serial, peer, kernel);
    }

    /// Logs a failed phase 1, notifies the peer if there is something to
    /// say, and forgets the SA.
    pub(crate) fn phase1_failed(&mut self, now: Instant, index: usize, fail: Fail) {
        let p = self.ph1.remove(index);
        self.log.error(now, &fail.message);
        self.log
            .error(now, format!("phase1 negotiation failed. {}", p.spi_text()));
        self.log.event(IkeEvent::Failed {
            at: now,
            peer: *p.peer.ip(),
            phase: 1,
            reason: fail.reason,
        });
        if let Some(kind) = fail.notify {
            self.send_plain_notify(now, &p, kind);
        }
        self.fail_waiting_phase2(now, p.serial, *p.peer.ip());
    }

    /// Retransmissions and lifetimes of ISAKMP SAs.
    pub(crate) fn phase1_timers(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        let interval = self.timer().interval;
        let mut i = 0;
        while i < self.ph1.len() {
            let p = &mut self.ph1[i];
            if p.retry.resend_at.is_some_and(|t| t <= now) {
                if p.retry.left == 0 {
                    let fail = time_up(p);
                    self.phase1_failed(now, i, fail);
                    continue;
                }
                p.retry.left -= 1;
                p.retry.resend_at = Some(now + interval);
                if let Some(d) = p.retry.last_out.clone() {
                    self.outbox.push_back(d);
                }
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
                continue;
            }
            if p.dpd.next.is_some_and(|t| t <= now) && self.dpd_tick(now, i, kernel) {
                continue;
            }
            self.keepalive(now, i);
            i += 1;
        }
    }

    /// RFC 3948 §2.3: one 0xFF byte to the peer's NAT-T port, every
    /// `natt_keepalive`, from both ends of a NAT-T ISAKMP SA.
    fn keepalive(&mut self, now: Instant, index: usize) {
        let every = smoltcp::time::Duration::from_secs(self.conf.timer.natt_keepalive_secs.max(1));
        let p = &mut self.ph1[index];
        if p.natt.keepalive.is_some_and(|t| t <= now) {
            p.natt.keepalive = Some(now + every);
            self.outbox.push_back(Datagram {
                from: p.local,
                to: p.peer,
                data: KEEPALIVE.to_vec(),
            });
        }
    }

    /// racoon `isakmp_ph1dying`: the SA no longer takes new phase 2s.
    /// Its established phase 2s move to a fresh ISAKMP SA with the peer
    /// if there is one; otherwise, if any is established, a new phase 1
    /// is negotiated "due to active phase2", by the end that initiated
    /// this one.
    fn phase1_dying(&mut self, now: Instant, index: usize) {
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
        self.log.info(
            now,
            format!("renegotiating phase1 to {} due to active phase2", peer.ip()),
        );
        if side == Side::Initiator {
            let port = self.conf.remotes[remote].port;
            let to = SocketAddrV4::new(*peer.ip(), port);
            self.begin_phase1(now, remote, SocketAddrV4::new(*local.ip(), PORT_ISAKMP), to);
        }
    }

    /// An established, not dying ISAKMP SA with `peer`, newest first
    /// (racoon's `getph1` over its list, newest at the head).
    pub(crate) fn fresh_phase1(&self, peer: Ipv4Addr) -> Option<u32> {
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
    pub(crate) fn adopt_dying_phase2(&mut self, serial: u32) {
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
    fn expire_phase1(&mut self, now: Instant, index: usize) {
        let p = self.ph1.remove(index);
        self.log.info(
            now,
            format!("ISAKMP-SA expired {} spi:{}", p.names(), p.spi_text()),
        );
        match self.fresh_phase1(*p.peer.ip()) {
            Some(fresh) => self.migrate_phase2(p.serial, fresh),
            None => self
                .ph2
                .retain(|q| !(q.ph1 == Some(p.serial) && q.state == P2State::Established)),
        }
        self.log.info(
            now,
            format!("ISAKMP-SA deleted {} spi:{}", p.names(), p.spi_text()),
        );
    }
}
