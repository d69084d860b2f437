//! Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): error
//! notifications, DELETE, INITIAL-CONTACT (RFC 2407 §4.6.3.3), and Dead
//! Peer Detection's R-U-THERE / R-U-THERE-ACK (RFC 3706).
//!
//! Before phase 1 is established notifications go in the clear with
//! message ID 0, as racoon's `isakmp_info_send_n1` sends them; after, they
//! are encrypted under an IV of their own and led by HASH(1).

use std::net::SocketAddrV4;

use smoltcp::time::{Duration, Instant};

use super::message::{self, Header};
use super::phase1::Phase1;
use super::{Fail, Racoon};
use crate::crypto::ikev1;
use crate::ike::{FailReason, IkeEvent};
use crate::ipsec::KeyKernel;
use crate::ipsec::spec::IpsecProto;
use crate::wire::isakmp::{
    Body, DeleteRepr, Doi, ExchangeType, NotificationRepr, NotifyType, PayloadRepr, ProtocolId,
    Repr,
};

/// Informational message IDs remembered per ISAKMP SA against replays.
const SEEN_INFO: usize = 64;

fn cookie_spi(p: &Phase1) -> Vec<u8> {
    let mut spi = p.cky_i.to_vec();
    spi.extend_from_slice(&p.cky_r);
    spi
}

fn isakmp_notify(p: &Phase1, kind: NotifyType, data: Vec<u8>) -> PayloadRepr {
    PayloadRepr::Notification(NotificationRepr {
        doi: Doi::Ipsec,
        protocol: ProtocolId::Isakmp,
        spi: cookie_spi(p),
        message_type: kind,
        data,
    })
}

/// The reason an expectation sees for an error notification.
fn reason_of(kind: NotifyType) -> FailReason {
    match kind {
        NotifyType::NoProposalChosen => FailReason::NoProposalChosen,
        NotifyType::InvalidHashInformation | NotifyType::AuthenticationFailed => {
            FailReason::AuthenticationFailed
        }
        NotifyType::InvalidIdInformation => FailReason::InvalidId,
        NotifyType::PayloadMalformed => FailReason::PayloadMalformed,
        _ => FailReason::PeerNotified,
    }
}

fn ipsec_protocol(proto: IpsecProto) -> ProtocolId {
    match proto {
        IpsecProto::Esp => ProtocolId::IpsecEsp,
        IpsecProto::Ah => ProtocolId::IpsecAh,
    }
}

impl Racoon {
    /// A notification in the clear (phase 1 not established).
    pub(crate) fn send_plain_notify(&mut self, now: Instant, p: &Phase1, kind: NotifyType) {
        let header = p.header(ExchangeType::Informational, 0);
        match message::plain(header, vec![isakmp_notify(p, kind, Vec::new())]) {
            Ok(bytes) => {
                self.outbox.push_back(crate::ike::daemon::Datagram {
                    from: p.local,
                    to: p.peer,
                    data: bytes,
                });
                self.log.info(
                    now,
                    format!("sendto Information notify: {kind} to {}", p.peer.ip()),
                );
            }
            Err(e) => self.log.error(now, format!("cannot build notify: {e}")),
        }
    }

    /// An encrypted Informational message under the ISAKMP SA `p`
    /// (RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D)).
    fn send_protected(&mut self, now: Instant, p: &Phase1, payload: PayloadRepr) {
        let Some(keys) = &p.keys else {
            return;
        };
        let message_id = loop {
            let id = rand_core::RngCore::next_u32(&mut self.rng);
            if id != 0 {
                break id;
            }
        };
        let iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p.iv, message_id);
        let header = p.header(ExchangeType::Informational, message_id);
        let sealed = message::hashed(vec![payload], |b| {
            ikev1::informational_hash(keys.prf, &keys.skeyid_a, message_id, &[b])
        })
        .and_then(|payloads| message::sealed(header, &payloads, &keys.cipher, &iv));
        match sealed {
            Ok((bytes, _)) => self.outbox.push_back(crate::ike::daemon::Datagram {
                from: p.local,
                to: p.peer,
                data: bytes,
            }),
            Err(e) => self
                .log
                .error(now, format!("cannot build informational: {e}")),
        }
    }

    /// racoon `ph1_main`, once an ISAKMP SA is established on either side:
    /// with `initial_contact on`, an INITIAL-CONTACT Informational
    /// (RFC 2407 §4.6.3.3) to a peer not contacted before (`getcontacted`,
    /// `inscontacted`), so a renegotiated phase 1 does not make the peer
    /// purge live SAs.
    pub(crate) fn send_initial_contact(&mut self, now: Instant, ph1: u32) {
        let Some(p) = self.ph1.iter().find(|p| p.serial == ph1) else {
            return;
        };
        let peer = *p.peer.ip();
        if !self.conf.remotes[p.remote].initial_contact || self.records.contacted.contains(&peer) {
            return;
        }
        self.records.contacted.push(peer);
        self.send_encrypted_notify(now, ph1, NotifyType::InitialContact);
    }

    /// An error notification through the established ISAKMP SA `ph1`.
    pub(crate) fn send_encrypted_notify(&mut self, now: Instant, ph1: u32, kind: NotifyType) {
        let Some(i) = self.ph1.iter().position(|p| p.serial == ph1) else {
            return;
        };
        let p = self.ph1.remove(i);
        self.send_protected(now, &p, isakmp_notify(&p, kind, Vec::new()));
        self.log.info(
            now,
            format!("sendto Information notify: {kind} to {}", p.peer.ip()),
        );
        self.ph1.insert(i, p);
    }

    /// DELETE of our inbound SA `spi` to `peer`, if an ISAKMP SA is up.
    pub(crate) fn send_delete_ipsec(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        proto: IpsecProto,
        spi: u32,
    ) {
        // The IKE endpoint, not just the address: two peers behind one
        // NAT share it.
        let Some(i) = self
            .ph1
            .iter()
            .rposition(|p| p.established() && !p.dying && p.peer == peer)
        else {
            return;
        };
        let p = self.ph1.remove(i);
        let delete = PayloadRepr::Delete(DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ipsec_protocol(proto),
            spi_size: 4,
            spis: vec![spi.to_be_bytes().to_vec()],
        });
        self.send_protected(now, &p, delete);
        self.log.info(
            now,
            format!(
                "sendto Information delete: {} spi={spi}(0x{spi:x}) to {peer}",
                proto.name().to_uppercase()
            ),
        );
        self.ph1.insert(i, p);
    }

    /// An Informational message from `from`.
    pub(crate) fn info_message(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        kernel: &mut dyn KeyKernel,
    ) {
        let header = Header::of(repr);
        let payloads = match &repr.body {
            Body::Payloads(payloads) => self.plain_info(from, &header, payloads.clone()),
            Body::Encrypted { .. } => self.open_info(now, from, repr),
        };
        let Some((ph1, payloads)) = payloads else {
            self.drop_datagram(now, "unverified-informational", || {
                format!(
                    "Informational from {from} matches no ISAKMP-SA or does not verify, dropped"
                )
            });
            return;
        };
        // racoon's float block (`isakmp_main`) for a verified message; one
        // that does not verify moves nothing.
        if matches!(repr.body, Body::Encrypted { .. }) {
            let _ = self.follow_float(now, ph1, (to, from));
        }
        for payload in payloads {
            match payload {
                PayloadRepr::Notification(n) => self.on_notify(now, ph1, n, kernel),
                PayloadRepr::Delete(d) => self.on_delete(now, ph1, d, kernel),
                _ => {}
            }
        }
    }

    /// A notification in the clear is only taken while phase 1 with the
    /// sender is still being negotiated (its cookies match ours).
    fn plain_info(
        &self,
        from: std::net::SocketAddrV4,
        header: &Header,
        payloads: Vec<PayloadRepr>,
    ) -> Option<(u32, Vec<PayloadRepr>)> {
        let p = self
            .ph1
            .iter()
            .find(|p| !p.established() && p.peer == from && p.cky_i == header.cky_i)?;
        Some((p.serial, payloads))
    }

    fn open_info(
        &mut self,
        now: Instant,
        from: std::net::SocketAddrV4,
        repr: &Repr,
    ) -> Option<(u32, Vec<PayloadRepr>)> {
        // By address, as phase 1 finds its SA: a NAT may have mapped the
        // peer's port anew.
        let p = self.ph1.iter().find(|p| {
            p.keys.is_some()
                && p.peer.ip() == from.ip()
                && (p.cky_i, p.cky_r) == (repr.initiator_cookie, repr.responder_cookie)
        })?;
        let keys = p.keys.as_ref()?;
        let iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p.iv, repr.message_id);
        let opened = message::open(repr, &keys.cipher, &iv)?;
        let body = message::split_hash(opened.first, &opened.plaintext).ok()?;
        let expected =
            ikev1::informational_hash(keys.prf, &keys.skeyid_a, repr.message_id, &[&body.covered]);
        if !ikev1::hashes_match(&expected, &body.hash) {
            self.log.dropped(now, "unverified-informational", || {
                format!("HASH mismatch in Informational from {from}, dropped")
            });
            return None;
        }
        let serial = p.serial;
        // A message ID seen before is a replay (RFC 2408 §3.1: message IDs
        // are unique within an ISAKMP SA).
        let seen = &mut self.ph1.iter_mut().find(|p| p.serial == serial)?.seen_info;
        if seen.contains(&repr.message_id) {
            self.log.dropped(now, "unverified-informational", || {
                format!("replayed Informational from {from}, dropped")
            });
            return None;
        }
        if seen.len() == SEEN_INFO {
            seen.pop_front();
        }
        seen.push_back(repr.message_id);
        Some((serial, body.rest))
    }

    fn on_notify(
        &mut self,
        now: Instant,
        ph1: u32,
        n: NotificationRepr,
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(i) = self.ph1.iter().position(|p| p.serial == ph1) else {
            return;
        };
        let peer = *self.ph1[i].peer.ip();
        match n.message_type {
            NotifyType::RUThere => {
                let p = self.ph1.remove(i);
                self.send_protected(now, &p, isakmp_notify(&p, NotifyType::RUThereAck, n.data));
                self.ph1.insert(i, p);
            }
            NotifyType::RUThereAck => {
                let remote = &self.conf.remotes[self.ph1[i].remote];
                let delay = Duration::from_secs(remote.dpd_delay_secs.max(1));
                let dpd = &mut self.ph1[i].dpd;
                let seq = n.data.as_slice().try_into().ok().map(u32::from_be_bytes);
                if seq.is_some() && seq == dpd.awaiting {
                    dpd.awaiting = None;
                    dpd.fails = 0;
                    dpd.next = Some(now + delay);
                }
            }
            NotifyType::InitialContact => {
                self.log
                    .info(now, format!("received INITIAL-CONTACT from {peer}"));
                let endpoint = self.ph1[i].peer;
                self.purge_ipsec(now, endpoint, Some(ph1), kernel);
            }
            kind if kind.is_error() => {
                self.log
                    .error(now, format!("notification {kind} received from {peer}."));
                let fail = Fail::new(reason_of(kind), None, format!("{peer} refused: {kind}"));
                if self.ph1[i].established() {
                    self.fail_negotiating_phase2(now, ph1, fail);
                } else {
                    self.phase1_failed(now, i, fail);
                }
            }
            kind => self
                .log
                .info(now, format!("notification {kind} received from {peer}.")),
        }
    }

    /// A phase 2 error notify: the Quick Modes in flight under `ph1` fail.
    fn fail_negotiating_phase2(&mut self, now: Instant, ph1: u32, fail: Fail) {
        let serials: Vec<u32> = self
            .ph2
            .iter()
            .filter(|p| p.ph1 == Some(ph1) && p.state != super::quick::P2State::Established)
            .map(|p| p.serial)
            .collect();
        for serial in serials {
            let again = Fail::new(fail.reason, None, fail.message.clone());
            self.phase2_failed(now, serial, again);
        }
    }

    fn on_delete(&mut self, now: Instant, ph1: u32, d: DeleteRepr, kernel: &mut dyn KeyKernel) {
        let Some(i) = self.ph1.iter().position(|p| p.serial == ph1) else {
            return;
        };
        let endpoint = self.ph1[i].peer;
        let peer = *endpoint.ip();
        if d.protocol == ProtocolId::Isakmp {
            let p = self.ph1.remove(i);
            self.log.info(
                now,
                format!(
                    "ISAKMP-SA deleted {}-{} spi:{}",
                    p.local,
                    p.peer,
                    p.spi_text()
                ),
            );
            return;
        }
        for spi in &d.spis {
            let Ok(bytes) = <[u8; 4]>::try_from(spi.as_slice()) else {
                continue;
            };
            let spi = u32::from_be_bytes(bytes);
            let found = self.ph2.iter().position(|p| {
                (p.peer, p.peer_port) == (peer, endpoint.port())
                    && p.chosen.is_some_and(|c| c.peer_spi == spi)
            });
            if let Some(j) = found {
                let p2 = self.ph2.remove(j);
                self.remove_pair(now, &p2, kernel);
            }
        }
    }

    /// Removes an SA pair from the kernel and logs it.
    fn remove_pair(&mut self, now: Instant, p2: &super::quick::Phase2, kernel: &mut dyn KeyKernel) {
        let peer_spi = p2.chosen.map_or(0, |c| c.peer_spi);
        super::install::delete_pair(now, kernel, &mut self.records, p2);
        for spi in [p2.my_spi, peer_spi] {
            self.log.info(
                now,
                format!(
                    "purged IPsec-SA proto_id={} spi={spi}.",
                    p2.proto.name().to_uppercase()
                ),
            );
        }
        self.log.event(IkeEvent::Phase2Deleted {
            at: now,
            peer: p2.peer,
        });
    }

    /// Forgets every SA with the IKE peer at `peer` (address and port:
    /// two peers behind one NAT share the address): a dead peer (racoon's
    /// `purge_remote`).
    pub(crate) fn purge_peer(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        kernel: &mut dyn KeyKernel,
    ) {
        self.purge_ipsec(now, peer, None, kernel);
        self.ph2
            .retain(|p| (p.peer, p.peer_port) != (*peer.ip(), peer.port()));
        let before = self.ph1.len();
        self.ph1.retain(|p| p.peer != peer);
        if self.ph1.len() < before {
            self.log.info(now, format!("purged ISAKMP-SA with {peer}."));
        }
    }

    /// INITIAL-CONTACT (isakmp_inf.c `isakmp_info_recv_initialcontact`):
    /// the peer's IPsec SAs, but those under the ISAKMP SA `keep`, are
    /// stale; its ISAKMP SAs are left alone, so that one negotiated the
    /// other way at the same time lives on.
    pub(crate) fn purge_ipsec(
        &mut self,
        now: Instant,
        peer: SocketAddrV4,
        keep: Option<u32>,
        kernel: &mut dyn KeyKernel,
    ) {
        // Negotiations under way have no SAs yet and go on (racoon walks
        // the SAD, not its phase 2 handles).
        let (gone, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.ph2).into_iter().partition(|p| {
                (p.peer, p.peer_port) == (*peer.ip(), peer.port())
                    && p.ph1 != keep
                    && p.state == super::quick::P2State::Established
            });
        self.ph2 = kept;
        for p2 in gone {
            self.remove_pair(now, &p2, kernel);
        }
    }

    /// One DPD step for ISAKMP SA `index` (RFC 3706 §5.3-5.5): send an
    /// R-U-THERE, or count the unanswered one and after `dpd_maxfail` of
    /// them declare the peer dead. True if the SA was removed.
    pub(crate) fn dpd_tick(
        &mut self,
        now: Instant,
        index: usize,
        kernel: &mut dyn KeyKernel,
    ) -> bool {
        let remote = &self.conf.remotes[self.ph1[index].remote];
        let (retry, maxfail) = (
            Duration::from_secs(remote.dpd_retry_secs.max(1)),
            remote.dpd_maxfail,
        );
        let p = &mut self.ph1[index];
        if p.dpd.awaiting.is_some() {
            p.dpd.fails += 1;
            if p.dpd.fails >= maxfail {
                let peer = p.peer;
                let spi = p.spi_text();
                self.log.error(
                    now,
                    format!("DPD: remote (ISAKMP-SA spi={spi}) seems to be dead."),
                );
                self.log.event(IkeEvent::DpdDead {
                    at: now,
                    peer: *peer.ip(),
                });
                self.purge_peer(now, peer, kernel);
                return true;
            }
        }
        p.dpd.seq = p.dpd.seq.wrapping_add(1).max(1);
        p.dpd.awaiting = Some(p.dpd.seq);
        p.dpd.next = Some(now + retry);
        let data = p.dpd.seq.to_be_bytes().to_vec();
        let p = self.ph1.remove(index);
        self.send_protected(now, &p, isakmp_notify(&p, NotifyType::RUThere, data));
        self.ph1.insert(index, p);
        false
    }
}
