//! Phase 1: Main Mode (Identity Protection) and Aggressive Mode with
//! pre-shared keys (RFC 2409 §5, §5.4).
//!
//! ```text
//! Main Mode                          Aggressive Mode
//! I: HDR, SA                 [VID]   I: HDR, SA, KE, Ni, IDii      [VID]
//! R: HDR, SA                 [VID]   R: HDR, SA, KE, Nr, IDir, HASH_R [VID]
//! I: HDR, KE, Ni                     I: HDR*, HASH_I [, N(INITIAL-CONTACT)]
//! R: HDR, KE, Nr
//! I: HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)]
//! R: HDR*, IDir, HASH_R
//! ```
//!
//! States are named for what the exchange waits for next.

use std::net::SocketAddrV4;

use smoltcp::time::{Duration, Instant};

use super::identity::{self, phase1_id};
use super::log::{FailReason, IkeEvent, cookies, endpoint};
use super::message::{self, Header};
use super::proposal::{self, IsakmpTransform};
use super::{Env, Fail, Racoon, Retry, Side};
use crate::config::psk::PskId;
use crate::config::racoon::{ExchangeMode, Peer, Remote};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1::{self, MessageCipher, Phase1Keys, Phase1Public, Prf};
use crate::ipsec::IpsecEngine;
use crate::wire::isakmp::{
    Doi, ExchangeType, IdentificationRepr, NotificationRepr, NotifyType, PayloadRepr, PayloadType,
    ProtocolId, Repr, payloads,
};

/// The DPD vendor ID (RFC 3706 §3): racoon sends it when `dpd` is on.
pub const DPD_VENDOR_ID: [u8; 16] = [
    0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P1State {
    /// Initiator, main mode: the responder's SA.
    AwaitSa,
    /// Main mode: the peer's KE and nonce.
    AwaitKe,
    /// Main mode: the peer's ID and HASH (encrypted).
    AwaitId,
    /// Initiator, aggressive mode: the responder's SA, KE, Nr, IDir, HASH_R.
    AwaitAggressiveReply,
    /// Responder, aggressive mode: the initiator's HASH_I.
    AwaitAggressiveHash,
    Established,
}

/// The keys of an ISAKMP SA (RFC 2409 §5).
pub(crate) struct Keys {
    pub prf: Prf,
    pub cipher: MessageCipher,
    pub skeyid: Vec<u8>,
    pub skeyid_d: Vec<u8>,
    pub skeyid_a: Vec<u8>,
}

/// DPD bookkeeping (RFC 3706 §5).
#[derive(Debug, Default)]
pub(crate) struct Dpd {
    /// The peer sent the DPD vendor ID.
    pub peer_supports: bool,
    /// When to send the next R-U-THERE (or give up on the last one).
    pub next: Option<Instant>,
    /// Sequence number of the R-U-THERE in flight.
    pub awaiting: Option<u32>,
    pub seq: u32,
    pub fails: u32,
}

/// One ISAKMP SA, negotiating or established.
pub(crate) struct Phase1 {
    pub serial: u32,
    pub side: Side,
    pub mode: ExchangeMode,
    pub state: P1State,
    pub local: SocketAddrV4,
    pub peer: SocketAddrV4,
    /// Index of the `remote` section in racoon.conf.
    pub remote: usize,
    pub cky_i: [u8; 8],
    pub cky_r: [u8; 8],
    pub offered: Vec<IsakmpTransform>,
    pub chosen: Option<IsakmpTransform>,
    /// The initiator's SA payload body as sent (RFC 2409 §5: SAi_b).
    pub sai_b: Vec<u8>,
    pub dh: Option<DhPrivate>,
    pub g_xi: Vec<u8>,
    pub g_xr: Vec<u8>,
    pub ni: Vec<u8>,
    pub nr: Vec<u8>,
    pub my_id: IdentificationRepr,
    pub peer_id: Option<IdentificationRepr>,
    pub keys: Option<Keys>,
    /// The CBC IV for the next message; once established, the last
    /// ciphertext block of phase 1, from which phase 2 IVs derive.
    pub iv: Vec<u8>,
    pub retry: Retry,
    /// Phase 1 lifetime end once established; the give-up time before.
    pub expires: Option<Instant>,
    pub dpd: Dpd,
}

impl Phase1 {
    pub fn established(&self) -> bool {
        self.state == P1State::Established
    }

    pub fn header(&self, exchange: ExchangeType, message_id: u32) -> Header {
        Header {
            cky_i: self.cky_i,
            cky_r: self.cky_r,
            exchange,
            message_id,
        }
    }

    fn exchange(&self) -> ExchangeType {
        match self.mode {
            ExchangeMode::Aggressive => ExchangeType::Aggressive,
            _ => ExchangeType::IdentityProtection,
        }
    }

    pub fn next_timer(&self) -> Option<Instant> {
        [self.retry.resend_at, self.expires, self.dpd.next]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn spi_text(&self) -> String {
        cookies(&self.cky_i, &self.cky_r)
    }

    fn names(&self) -> String {
        format!("{}-{}", endpoint(self.local), endpoint(self.peer))
    }
}

fn mode_name(mode: ExchangeMode) -> &'static str {
    match mode {
        ExchangeMode::Aggressive => "Aggressive",
        _ => "Identity Protection",
    }
}

fn id_body(id: &IdentificationRepr) -> Vec<u8> {
    let mut out = Vec::new();
    // Emitting an ID body cannot fail.
    let _ = PayloadRepr::Identification(id.clone()).emit_body(&mut out);
    out
}

fn vendor_ids(remote: &Remote) -> Vec<PayloadRepr> {
    if remote.dpd {
        vec![PayloadRepr::VendorId(DPD_VENDOR_ID.to_vec())]
    } else {
        Vec::new()
    }
}

/// The `remote` section for a peer: its own address, else `anonymous`
/// (racoon's `getrmconf`).
pub(crate) fn remote_for(remotes: &[Remote], peer: std::net::Ipv4Addr) -> Option<usize> {
    remotes
        .iter()
        .position(|r| r.peer == Some(Peer::Address(peer)))
        .or_else(|| remotes.iter().position(|r| r.peer == Some(Peer::Anonymous)))
}

/// Fields of a received phase 1 message this module reads.
#[derive(Default)]
struct Received {
    sa: Option<crate::wire::isakmp::SaRepr>,
    sa_body: Vec<u8>,
    ke: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
    id: Option<IdentificationRepr>,
    hash: Option<Vec<u8>>,
    dpd_vid: bool,
    initial_contact: bool,
}

fn read(first: PayloadType, body: &[u8]) -> Result<Received, Fail> {
    let mut r = Received::default();
    for raw in payloads(first, body) {
        let raw = raw.map_err(Fail::malformed)?;
        let payload = PayloadRepr::parse(raw.payload_type, raw.body()).map_err(Fail::malformed)?;
        match payload {
            PayloadRepr::SecurityAssociation(sa) => {
                r.sa_body = raw.body().to_vec();
                r.sa = Some(sa);
            }
            PayloadRepr::KeyExchange(k) => r.ke = Some(k),
            PayloadRepr::Nonce(n) => r.nonce = Some(n),
            PayloadRepr::Identification(id) => r.id = Some(id),
            PayloadRepr::Hash(h) => r.hash = Some(h),
            PayloadRepr::VendorId(v) => r.dpd_vid |= v == DPD_VENDOR_ID,
            PayloadRepr::Notification(n) => {
                r.initial_contact |= n.message_type == NotifyType::InitialContact
            }
            _ => {}
        }
    }
    Ok(r)
}

fn need<T>(value: Option<T>, what: &str) -> Result<T, Fail> {
    value.ok_or_else(|| Fail::malformed(format!("no {what} payload")))
}

/// INITIAL-CONTACT (RFC 2407 §4.6.3.3), sent in the last authenticated
/// message when `initial_contact` is on.
fn initial_contact(p: &Phase1) -> PayloadRepr {
    let mut spi = p.cky_i.to_vec();
    spi.extend_from_slice(&p.cky_r);
    PayloadRepr::Notification(NotificationRepr {
        doi: Doi::Ipsec,
        protocol: ProtocolId::Isakmp,
        spi,
        message_type: NotifyType::InitialContact,
        data: Vec::new(),
    })
}

impl Phase1 {
    fn public(&self) -> Phase1Public<'_> {
        Phase1Public {
            g_xi: &self.g_xi,
            g_xr: &self.g_xr,
            cky_i: self.cky_i,
            cky_r: self.cky_r,
        }
    }

    /// SKEYID and its chain from the pre-shared key (RFC 2409 §5).
    fn derive_keys(&mut self, psk: &[u8], env: &mut Env<'_>) -> Result<(), Fail> {
        let t = self.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
        let dh = self.dh.as_ref().ok_or_else(|| Fail::malformed("no DH"))?;
        let peer_public = match self.side {
            Side::Initiator => &self.g_xr,
            Side::Responder => &self.g_xi,
        };
        let g_xy = dh.shared(peer_public).map_err(Fail::malformed)?;
        let skeyid = ikev1::skeyid_psk(t.prf, psk, &self.ni, &self.nr);
        let k = Phase1Keys::new(t.prf, t.cipher, skeyid, &g_xy, &self.public());
        let cipher = MessageCipher::new(t.cipher, &k.enc_key).map_err(Fail::malformed)?;
        env.records
            .isakmp_keys
            .push((self.cky_i, k.enc_key.clone(), self.side));
        self.iv = k.iv;
        self.keys = Some(Keys {
            prf: t.prf,
            cipher,
            skeyid: k.skeyid,
            skeyid_d: k.skeyid_d,
            skeyid_a: k.skeyid_a,
        });
        Ok(())
    }

    /// racoon's `oakley_skeyid`: in aggressive mode the key for the
    /// peer's FQDN or USER_FQDN ID, else the key for its address.
    fn find_psk(&self, env: &mut Env<'_>) -> Result<Vec<u8>, Fail> {
        let by_name = match (self.mode, &self.peer_id) {
            (ExchangeMode::Aggressive, Some(id)) => identity::psk_name(id),
            _ => None,
        };
        let found = by_name
            .and_then(|name| env.psk.lookup(&name))
            .or_else(|| env.psk.lookup(&PskId::Address(*self.peer.ip())));
        found.map(<[u8]>::to_vec).ok_or_else(|| {
            Fail::new(
                FailReason::NoPsk,
                None,
                format!("couldn't find the pskey for {}.", self.peer.ip()),
            )
        })
    }

    fn my_hash(&self) -> Vec<u8> {
        let Some(k) = &self.keys else {
            return Vec::new();
        };
        let id_b = id_body(&self.my_id);
        match self.side {
            Side::Initiator => ikev1::hash_i(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
            Side::Responder => ikev1::hash_r(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
        }
    }

    /// Checks the peer's HASH_I or HASH_R over its ID payload.
    fn check_peer_hash(&self, id: &IdentificationRepr, hash: &[u8]) -> Result<(), Fail> {
        let k = self
            .keys
            .as_ref()
            .ok_or_else(|| Fail::malformed("no keys"))?;
        let id_b = id_body(id);
        let expected = match self.side {
            Side::Initiator => ikev1::hash_r(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
            Side::Responder => ikev1::hash_i(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
        };
        if ikev1::hashes_match(&expected, hash) {
            Ok(())
        } else {
            Err(auth_failed(self))
        }
    }

    /// `verify_identifier on`: the peer's ID must be a `peers_identifier`.
    fn check_peer_id(&self, remote: &Remote, id: &IdentificationRepr) -> Result<(), Fail> {
        let ok = !remote.verify_identifier
            || remote
                .peers_identifiers
                .iter()
                .any(|allowed| identity::matches(id, allowed, *self.peer.ip()));
        if ok {
            Ok(())
        } else {
            Err(Fail::new(
                FailReason::InvalidId,
                Some(NotifyType::InvalidIdInformation),
                format!("unexpected peer identifier {}", identity::describe(id)),
            ))
        }
    }

    fn new_dh(&mut self, env: &mut Env<'_>, group: crate::crypto::dh::DhGroup) -> Vec<u8> {
        let dh = DhPrivate::generate(group, &mut *env.rng);
        let public = dh.public();
        self.dh = Some(dh);
        public
    }

    /// Sends `payloads` (encrypted once keys exist past the KE exchange)
    /// in answer to `answered`; `await_reply` arms retransmission.
    fn send(
        &mut self,
        env: &mut Env<'_>,
        payloads: Vec<PayloadRepr>,
        encrypt: bool,
        answered: &[u8],
        await_reply: bool,
    ) -> Result<(), Fail> {
        let header = self.header(self.exchange(), 0);
        let bytes = if encrypt {
            let k = self
                .keys
                .as_ref()
                .ok_or_else(|| Fail::malformed("no keys"))?;
            let (bytes, next_iv) =
                message::sealed(header, &payloads, &k.cipher, &self.iv).map_err(Fail::malformed)?;
            self.iv = next_iv;
            bytes
        } else {
            message::plain(header, payloads).map_err(Fail::malformed)?
        };
        let d = env.send(self.local, self.peer, bytes);
        let timer = env.timer;
        self.retry
            .sent(answered, d, await_reply.then_some((env.now, &timer)));
        Ok(())
    }

    /// Decrypts a phase 1 message with the running IV.
    fn open(&mut self, repr: &Repr) -> Result<Received, Fail> {
        let k = self
            .keys
            .as_ref()
            .ok_or_else(|| Fail::malformed("no keys"))?;
        let opened = message::open(repr, &k.cipher, &self.iv).ok_or_else(|| auth_failed(self))?;
        // Garbage after decryption means the keys differ: the pre-shared
        // keys, as everything else was authenticated by the exchange.
        let received = read(opened.first, &opened.plaintext).map_err(|_| auth_failed(self))?;
        self.iv = opened.next_iv;
        Ok(received)
    }

    fn establish(&mut self, env: &mut Env<'_>, lifetime: u64) {
        self.state = P1State::Established;
        self.retry.settle();
        self.expires = Some(env.now + Duration::from_secs(lifetime.max(1)));
        env.log.info(
            env.now,
            format!(
                "ISAKMP-SA established {} spi:{}",
                self.names(),
                self.spi_text()
            ),
        );
        env.log.event(IkeEvent::Phase1Established {
            at: env.now,
            peer: *self.peer.ip(),
        });
        let remote = &env.conf.remotes[self.remote];
        if self.dpd.peer_supports && remote.dpd_delay_secs > 0 {
            self.dpd.next = Some(env.now + Duration::from_secs(remote.dpd_delay_secs));
        }
    }
}

fn auth_failed(p: &Phase1) -> Fail {
    Fail::new(
        FailReason::AuthenticationFailed,
        Some(NotifyType::InvalidHashInformation),
        format!(
            "HASH mismatch or undecryptable message from {}: the pre-shared keys differ",
            p.peer.ip()
        ),
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
        let mut p = Phase1 {
            serial: *serial,
            side: Side::Initiator,
            mode,
            state: P1State::AwaitSa,
            local,
            peer,
            remote: remote_index,
            cky_i: env.random(),
            cky_r: [0; 8],
            offered,
            chosen: None,
            sai_b: Vec::new(),
            dh: None,
            g_xi: Vec::new(),
            g_xr: Vec::new(),
            ni: Vec::new(),
            nr: Vec::new(),
            my_id,
            peer_id: None,
            keys: None,
            iv: Vec::new(),
            retry: Retry::default(),
            expires: None,
            dpd: Dpd::default(),
        };
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
            p.state = P1State::AwaitAggressiveReply;
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
        kernel: &mut IpsecEngine,
    ) {
        let found = self.ph1.iter().position(|p| {
            p.peer == from
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
                self.records.dropped += 1;
                self.log.error(
                    now,
                    format!(
                        "unknown ISAKMP-SA {} from {from}, packet dropped",
                        cookies(&repr.initiator_cookie, &repr.responder_cookie)
                    ),
                );
                return;
            }
        };
        let (mut env, ph1s, _, _) = self.env(now);
        let p = &mut ph1s[index];
        let result = match (p.side, p.state) {
            (Side::Initiator, P1State::AwaitSa) => main_i2(p, &mut env, repr, data),
            (Side::Responder, P1State::AwaitKe) => main_r3(p, &mut env, repr, data),
            (Side::Initiator, P1State::AwaitKe) => main_i4(p, &mut env, repr, data),
            (Side::Responder, P1State::AwaitId) => main_r5(p, &mut env, repr, data),
            (Side::Initiator, P1State::AwaitId) => main_i6(p, &mut env, repr),
            (Side::Initiator, P1State::AwaitAggressiveReply) => aggr_i2(p, &mut env, repr, data),
            (Side::Responder, P1State::AwaitAggressiveHash) => aggr_r3(p, &mut env, repr),
            _ => Ok(false),
        };
        match result {
            Ok(true) => self.phase1_done(now, index, kernel),
            Ok(false) => {}
            Err(fail) => self.phase1_failed(now, index, fail),
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
        let (mut env, ph1s, _, serial) = self.env(now);
        let Some(remote_index) = remote_for(&env.conf.remotes, *from.ip()) else {
            env.records.dropped += 1;
            env.log.error(
                now,
                format!(
                    "couldn't find configuration for {}, packet dropped",
                    from.ip()
                ),
            );
            return;
        };
        let remote = &env.conf.remotes[remote_index];
        let mode = if repr.exchange_type == ExchangeType::Aggressive {
            ExchangeMode::Aggressive
        } else {
            ExchangeMode::Main
        };
        if !remote.exchange_modes.contains(&mode) {
            env.records.dropped += 1;
            env.log.error(
                now,
                format!(
                    "{} mode is not acceptable for {}",
                    mode_name(mode),
                    from.ip()
                ),
            );
            return;
        }
        let Some(my_id) = phase1_id(&remote.my_identifier, *to.ip()) else {
            return;
        };
        *serial += 1;
        let mut p = Phase1 {
            serial: *serial,
            side: Side::Responder,
            mode,
            state: P1State::AwaitKe,
            local: to,
            peer: from,
            remote: remote_index,
            cky_i: repr.initiator_cookie,
            cky_r: env.random(),
            offered: Vec::new(),
            chosen: None,
            sai_b: Vec::new(),
            dh: None,
            g_xi: Vec::new(),
            g_xr: Vec::new(),
            ni: Vec::new(),
            nr: Vec::new(),
            my_id,
            peer_id: None,
            keys: None,
            iv: Vec::new(),
            retry: Retry::default(),
            expires: Some(now + env.timer.phase1),
            dpd: Dpd::default(),
        };
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
            ExchangeMode::Aggressive => aggr_r1(&mut p, &mut env, repr, data),
            _ => main_r1(&mut p, &mut env, repr, data),
        };
        let serial = p.serial;
        ph1s.push(p);
        if let Err(fail) = result {
            let index = self.ph1.iter().position(|p| p.serial == serial);
            if let Some(i) = index {
                self.phase1_failed(now, i, fail);
            }
        }
    }

    /// Phase 1 is up: run the phase 2 negotiations that waited for it.
    fn phase1_done(&mut self, now: Instant, index: usize, kernel: &mut IpsecEngine) {
        let serial = self.ph1[index].serial;
        let peer = *self.ph1[index].peer.ip();
        // RFC 2407 §4.6.3.3: INITIAL-CONTACT: the peer kept no SAs, so
        // every older one with it is stale.
        if let Some(at) = self
            .records
            .initial_contacts
            .iter()
            .position(|p| *p == peer)
        {
            self.records.initial_contacts.remove(at);
            self.purge_peer(now, peer, Some(serial), kernel);
        }
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
    pub(crate) fn phase1_timers(&mut self, now: Instant, kernel: &mut IpsecEngine) {
        let interval = self.timer().interval;
        let mut i = 0;
        while i < self.ph1.len() {
            let p = &mut self.ph1[i];
            if p.retry.resend_at.is_some_and(|t| t <= now) {
                if p.retry.left == 0 {
                    let fail = Fail::new(
                        FailReason::Timeout,
                        None,
                        format!("phase1 negotiation failed due to time up. {}", p.spi_text()),
                    );
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
            if p.expires.is_some_and(|t| t <= now) {
                if p.established() {
                    self.expire_phase1(now, i);
                } else {
                    let fail = Fail::new(
                        FailReason::Timeout,
                        None,
                        format!("phase1 negotiation failed due to time up. {}", p.spi_text()),
                    );
                    self.phase1_failed(now, i, fail);
                }
                continue;
            }
            if p.dpd.next.is_some_and(|t| t <= now) && self.dpd_tick(now, i, kernel) {
                continue;
            }
            i += 1;
        }
    }

    /// The ISAKMP SA's lifetime ended: tell the peer and forget it
    /// (its IPsec SAs live on until their own lifetimes end).
    fn expire_phase1(&mut self, now: Instant, index: usize) {
        let p = self.ph1.remove(index);
        self.log.info(
            now,
            format!("ISAKMP-SA expired {} spi:{}", p.names(), p.spi_text()),
        );
        self.send_delete_isakmp(now, &p);
        self.log.info(
            now,
            format!("ISAKMP-SA deleted {} spi:{}", p.names(), p.spi_text()),
        );
    }
}

// ---------------------------------------------------------------------------
// Main Mode
// ---------------------------------------------------------------------------

/// The payloads of a plaintext message (`data` passed `Repr::parse`).
fn plain_payloads(repr: &Repr, data: &[u8]) -> Result<Received, Fail> {
    if repr.flags.encryption() {
        return Err(Fail::malformed("encrypted where plaintext was expected"));
    }
    let first = PayloadType::from(data.get(16).copied().unwrap_or(0));
    read(first, data.get(28..).unwrap_or(&[]))
}

fn no_proposal(peer: SocketAddrV4) -> Fail {
    Fail::new(
        FailReason::NoProposalChosen,
        Some(NotifyType::NoProposalChosen),
        format!("no suitable proposal found for {}.", peer.ip()),
    )
}

/// Responder, main mode message 1: choose a transform.
fn main_r1(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
    let mut payloads = vec![PayloadRepr::SecurityAssociation(reply)];
    payloads.extend(vendor_ids(&env.conf.remotes[p.remote]));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// The responder's choice among the initiator's phase 1 transforms, and
/// the SA payload that answers with it.
fn choose(
    p: &mut Phase1,
    env: &mut Env<'_>,
    got: &Received,
) -> Result<crate::wire::isakmp::SaRepr, Fail> {
    let remote = &env.conf.remotes[p.remote];
    let offer = need(got.sa.as_ref(), "SA")?;
    let ours: Vec<IsakmpTransform> = remote
        .proposals
        .iter()
        .filter_map(|t| IsakmpTransform::from_config(t, remote))
        .collect();
    let (chosen, reply) = proposal::choose_isakmp(offer, &ours, remote.proposal_check)
        .ok_or_else(|| no_proposal(p.peer))?;
    p.chosen = Some(chosen);
    p.sai_b = got.sa_body.clone();
    p.dpd.peer_supports = got.dpd_vid && remote.dpd;
    if got.dpd_vid {
        env.log.info(env.now, "received Vendor ID: DPD");
    }
    Ok(reply)
}

/// Initiator, main mode message 2: the responder's choice; send KE, Ni.
fn main_i2(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen =
        proposal::accepted_isakmp(need(got.sa.as_ref(), "SA")?, &p.offered).ok_or_else(|| {
            Fail::new(
                FailReason::NoProposalChosen,
                Some(NotifyType::NoProposalChosen),
                format!("{} chose a transform that was not offered", p.peer.ip()),
            )
        })?;
    let remote = &env.conf.remotes[p.remote];
    if got.dpd_vid {
        env.log.info(env.now, "received Vendor ID: DPD");
    }
    p.dpd.peer_supports = got.dpd_vid && remote.dpd;
    p.cky_r = repr.responder_cookie;
    p.chosen = Some(chosen);
    p.g_xi = p.new_dh(env, chosen.group);
    p.ni = env.nonce(remote.nonce_size);
    p.state = P1State::AwaitKe;
    let payloads = vec![
        PayloadRepr::KeyExchange(p.g_xi.clone()),
        PayloadRepr::Nonce(p.ni.clone()),
    ];
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Responder, main mode message 3: KE and Ni; answer with KE, Nr.
fn main_r3(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    p.g_xi = need(got.ke, "KE")?;
    p.ni = need(got.nonce, "NONCE")?;
    let chosen = p.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
    p.g_xr = p.new_dh(env, chosen.group);
    p.nr = env.nonce(env.conf.remotes[p.remote].nonce_size);
    let psk = p.find_psk(env)?;
    p.derive_keys(&psk, env)?;
    p.state = P1State::AwaitId;
    let payloads = vec![
        PayloadRepr::KeyExchange(p.g_xr.clone()),
        PayloadRepr::Nonce(p.nr.clone()),
    ];
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, main mode message 4: KE and Nr; send IDii, HASH_I.
fn main_i4(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    p.g_xr = need(got.ke, "KE")?;
    p.nr = need(got.nonce, "NONCE")?;
    let psk = p.find_psk(env)?;
    p.derive_keys(&psk, env)?;
    p.state = P1State::AwaitId;
    let mut payloads = vec![
        PayloadRepr::Identification(p.my_id.clone()),
        PayloadRepr::Hash(p.my_hash()),
    ];
    if env.conf.remotes[p.remote].initial_contact {
        payloads.push(initial_contact(p));
    }
    p.send(env, payloads, true, data, true)?;
    Ok(false)
}

/// Responder, main mode message 5: check IDii and HASH_I; send IDir, HASH_R.
fn main_r5(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = p.open(repr)?;
    authenticate_peer(p, env, &got)?;
    let payloads = vec![
        PayloadRepr::Identification(p.my_id.clone()),
        PayloadRepr::Hash(p.my_hash()),
    ];
    p.send(env, payloads, true, data, false)?;
    let lifetime = p.chosen.map_or(28_800, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}

/// The peer's ID and HASH verified; INITIAL-CONTACT noted.
fn authenticate_peer(p: &mut Phase1, env: &mut Env<'_>, got: &Received) -> Result<(), Fail> {
    let id = need(got.id.clone(), "ID")?;
    let hash = need(got.hash.as_ref(), "HASH")?;
    p.check_peer_hash(&id, hash)?;
    p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
    if got.initial_contact {
        env.log.info(
            env.now,
            format!("received INITIAL-CONTACT from {}", p.peer.ip()),
        );
        p.dpd.awaiting = None;
        env.records.initial_contacts.push(*p.peer.ip());
    }
    p.peer_id = Some(id);
    Ok(())
}

/// Initiator, main mode message 6: check IDir and HASH_R.
fn main_i6(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr) -> Result<bool, Fail> {
    let got = p.open(repr)?;
    authenticate_peer(p, env, &got)?;
    let lifetime = p.chosen.map_or(28_800, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}

// ---------------------------------------------------------------------------
// Aggressive Mode
// ---------------------------------------------------------------------------

/// Responder, aggressive message 1: choose, authenticate ourselves.
fn aggr_r1(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
    let remote = &env.conf.remotes[p.remote];
    let chosen = p.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
    p.g_xi = need(got.ke, "KE")?;
    if p.g_xi.len() != chosen.group.prime_len() {
        return Err(no_proposal(p.peer));
    }
    p.ni = need(got.nonce, "NONCE")?;
    let id = need(got.id, "ID")?;
    p.check_peer_id(remote, &id)?;
    p.peer_id = Some(id);
    p.g_xr = p.new_dh(env, chosen.group);
    p.nr = env.nonce(remote.nonce_size);
    let psk = p.find_psk(env)?;
    p.derive_keys(&psk, env)?;
    p.state = P1State::AwaitAggressiveHash;
    let mut payloads = vec![
        PayloadRepr::SecurityAssociation(reply),
        PayloadRepr::KeyExchange(p.g_xr.clone()),
        PayloadRepr::Nonce(p.nr.clone()),
        PayloadRepr::Identification(p.my_id.clone()),
        PayloadRepr::Hash(p.my_hash()),
    ];
    payloads.extend(vendor_ids(remote));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, aggressive message 2: check the responder; send HASH_I.
fn aggr_i2(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr, data: &[u8]) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = proposal::accepted_isakmp(need(got.sa.as_ref(), "SA")?, &p.offered)
        .filter(|c| Some(c.group) == p.dh.as_ref().map(DhPrivate::group))
        .ok_or_else(|| no_proposal(p.peer))?;
    let remote = &env.conf.remotes[p.remote];
    if got.dpd_vid {
        env.log.info(env.now, "received Vendor ID: DPD");
    }
    p.dpd.peer_supports = got.dpd_vid && remote.dpd;
    p.cky_r = repr.responder_cookie;
    p.chosen = Some(chosen);
    p.g_xr = need(got.ke.clone(), "KE")?;
    p.nr = need(got.nonce.clone(), "NONCE")?;
    let id = need(got.id.clone(), "ID")?;
    p.peer_id = Some(id);
    let psk = p.find_psk(env)?;
    p.derive_keys(&psk, env)?;
    authenticate_peer(p, env, &got)?;
    let mut payloads = vec![PayloadRepr::Hash(p.my_hash())];
    if remote.initial_contact {
        payloads.push(initial_contact(p));
    }
    p.send(env, payloads, true, data, false)?;
    p.establish(env, chosen.lifetime_secs);
    Ok(true)
}

/// Responder, aggressive message 3: check HASH_I.
fn aggr_r3(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr) -> Result<bool, Fail> {
    let got = p.open(repr)?;
    let id = p.peer_id.clone().ok_or_else(|| Fail::malformed("no ID"))?;
    let hash = need(got.hash.as_ref(), "HASH")?;
    p.check_peer_hash(&id, hash)?;
    if got.initial_contact {
        env.records.initial_contacts.push(*p.peer.ip());
    }
    let lifetime = p.chosen.map_or(28_800, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}
