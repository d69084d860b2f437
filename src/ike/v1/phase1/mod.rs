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
//! States are named for what the exchange waits for next. This module
//! holds the ISAKMP SA and what both modes share; [`main_mode`] and
//! [`aggressive`] the steps of each, [`lifecycle`] how the daemon starts,
//! drives, fails and expires them.

mod aggressive;
mod lifecycle;
mod main_mode;
pub(crate) mod nat;

use std::net::SocketAddrV4;

use smoltcp::time::{Duration, Instant};

use super::message::{self, Header};
use super::proposal::{self, IsakmpTransform};
use super::{Env, Fail, Retry, Side};
use crate::config::psk::PskId;
use crate::config::racoon::{ExchangeMode, Peer, Rekey, Remote};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1::{self, MessageCipher, Phase1Keys, Phase1Public, Prf};
use crate::ike::identity;
use crate::ike::log::{cookies, endpoint};
use crate::ike::{FailReason, IkeEvent};
use crate::wire::isakmp::{
    ExchangeType, IdentificationRepr, NotifyType, PayloadRepr, PayloadType, Repr, payloads,
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
    /// With rekeying on, when the SA starts dying (racoon's
    /// `isakmp_ph1dying`, at 80% of the lifetime).
    pub dying_at: Option<Instant>,
    /// Dying: no new phase 2 uses it; its phase 2s move to a fresh one.
    pub dying: bool,
    pub dpd: Dpd,
    pub natt: crate::ike::v1::natt::NattState,
    /// Message IDs of the Informational messages taken, newest last.
    pub seen_info: std::collections::VecDeque<u32>,
}

impl Phase1 {
    /// A new ISAKMP SA with no keys yet.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        serial: u32,
        side: Side,
        mode: ExchangeMode,
        ends: (SocketAddrV4, SocketAddrV4),
        remote: usize,
        cookies: ([u8; 8], [u8; 8]),
        my_id: IdentificationRepr,
    ) -> Phase1 {
        let state = match (side, mode) {
            (Side::Initiator, ExchangeMode::Aggressive) => P1State::AwaitAggressiveReply,
            (Side::Initiator, _) => P1State::AwaitSa,
            (Side::Responder, _) => P1State::AwaitKe,
        };
        Phase1 {
            serial,
            side,
            mode,
            state,
            local: ends.0,
            peer: ends.1,
            remote,
            cky_i: cookies.0,
            cky_r: cookies.1,
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
            expires: None,
            dying_at: None,
            dying: false,
            dpd: Dpd::default(),
            natt: Default::default(),
            seen_info: Default::default(),
        }
    }

    pub fn established(&self) -> bool {
        self.state == P1State::Established
    }

    /// handler.c `ph1_rekey_enabled`: `rekey force` always; `rekey on`
    /// only while DPD runs with the peer (it sent the DPD vendor ID and
    /// `dpd_delay` is set); `rekey off` never.
    pub fn rekey_enabled(&self, remote: &Remote) -> bool {
        match remote.rekey {
            Rekey::Force => true,
            Rekey::On => self.dpd.peer_supports && remote.dpd_delay_secs > 0,
            Rekey::Off => false,
        }
    }

    pub fn header(&self, exchange: ExchangeType, message_id: u32) -> Header {
        Header {
            cky_i: self.cky_i,
            cky_r: self.cky_r,
            exchange,
            message_id,
        }
    }

    pub(super) fn exchange(&self) -> ExchangeType {
        match self.mode {
            ExchangeMode::Aggressive => ExchangeType::Aggressive,
            _ => ExchangeType::IdentityProtection,
        }
    }

    pub fn next_timer(&self) -> Option<Instant> {
        [
            self.retry.resend_at,
            self.expires,
            self.dying_at.filter(|_| !self.dying),
            self.dpd.next,
            self.natt.keepalive,
        ]
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

pub(super) fn mode_name(mode: ExchangeMode) -> &'static str {
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

/// The responder's vendor IDs: DPD's, and the NAT-T version it chose.
pub(super) fn reply_vendor_ids(p: &Phase1, remote: &Remote) -> Vec<PayloadRepr> {
    let mut vids = vendor_ids(remote);
    vids.extend(nat::chosen_vendor_id(p));
    vids
}

pub(super) fn vendor_ids(remote: &Remote) -> Vec<PayloadRepr> {
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
pub(super) struct Received {
    sa: Option<crate::wire::isakmp::SaRepr>,
    sa_body: Vec<u8>,
    ke: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
    id: Option<IdentificationRepr>,
    hash: Option<Vec<u8>>,
    dpd_vid: bool,
    initial_contact: bool,
    /// The best NAT-T version among the vendor IDs.
    natt_version: Option<crate::ike::v1::natt::Version>,
    /// NAT-D hashes in message order (RFC 3947 §3.2).
    nat_d: Vec<Vec<u8>>,
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
            PayloadRepr::VendorId(v) => {
                r.dpd_vid |= v == DPD_VENDOR_ID;
                if let Some(version) = crate::ike::v1::natt::recognise(&v) {
                    r.natt_version = Some(r.natt_version.map_or(version, |b| b.min(version)));
                }
            }
            PayloadRepr::NatD(h) | PayloadRepr::NatDDraft(h) => r.nat_d.push(h),
            PayloadRepr::Notification(n) => {
                r.initial_contact |= n.message_type == NotifyType::InitialContact
            }
            _ => {}
        }
    }
    Ok(r)
}

pub(super) fn need<T>(value: Option<T>, what: &str) -> Result<T, Fail> {
    value.ok_or_else(|| Fail::malformed(format!("no {what} payload")))
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
        let lifetime = lifetime.max(1);
        self.expires = Some(env.now + Duration::from_secs(lifetime));
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
        // racoon `ph1_main`: with rekeying, `isakmp_ph1dying` runs at
        // PFKEY_SOFT_LIFETIME_RATE (80%) of the lifetime, then
        // `isakmp_ph1expire` at its end; without, only the expiry.
        if self.rekey_enabled(remote) {
            self.dying_at = Some(env.now + Duration::from_millis(lifetime * 800));
        }
        // RFC 3948 §2.3: keepalives hold the NAT's mapping. racoon's
        // `natt_keepalive_add_ph1` queues them on both ends once either
        // NAT_DETECTED bit is set, not only on the end behind the NAT.
        let keepalive = env.conf.timer.natt_keepalive_secs;
        if self.natt.nat_between() && self.natt.floated && keepalive > 0 {
            self.natt.keepalive = Some(env.now + Duration::from_secs(keepalive));
        }
    }
}

pub(super) fn auth_failed(p: &Phase1) -> Fail {
    Fail::new(
        FailReason::AuthenticationFailed,
        Some(NotifyType::InvalidHashInformation),
        format!(
            "HASH mismatch or undecryptable message from {}: the pre-shared keys differ",
            p.peer.ip()
        ),
    )
}
// ---------------------------------------------------------------------------
// Shared by both modes
// ---------------------------------------------------------------------------

/// The payloads of a plaintext message (`data` passed `Repr::parse`).
pub(super) fn plain_payloads(repr: &Repr, data: &[u8]) -> Result<Received, Fail> {
    if repr.flags.encryption() {
        return Err(Fail::malformed("encrypted where plaintext was expected"));
    }
    let first = PayloadType::from(data.get(16).copied().unwrap_or(0));
    read(first, data.get(28..).unwrap_or(&[]))
}

pub(super) fn no_proposal(peer: SocketAddrV4) -> Fail {
    Fail::new(
        FailReason::NoProposalChosen,
        Some(NotifyType::NoProposalChosen),
        format!("no suitable proposal found for {}.", peer.ip()),
    )
}

/// The responder's choice among the initiator's phase 1 transforms, and
/// the SA payload that answers with it.
pub(super) fn choose(
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
    note_vendor_ids(p, env, got);
    nat::agree(p, env, got);
    Ok(reply)
}

/// RFC 3706 §3: DPD is used when both ends sent its vendor ID.
fn note_vendor_ids(p: &mut Phase1, env: &mut Env<'_>, got: &Received) {
    if got.dpd_vid {
        env.log.info(env.now, "received Vendor ID: DPD");
    }
    p.dpd.peer_supports = got.dpd_vid && env.conf.remotes[p.remote].dpd;
}

/// Initiator: the responder's choice, which must be one we offered (in
/// aggressive mode, in the group our KE already used), and its cookie.
pub(super) fn accept_reply(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    got: &Received,
) -> Result<IsakmpTransform, Fail> {
    let our_group = p.dh.as_ref().map(DhPrivate::group);
    let chosen = proposal::accepted_isakmp(need(got.sa.as_ref(), "SA")?, &p.offered)
        .filter(|c| our_group.is_none_or(|g| g == c.group))
        .ok_or_else(|| no_proposal(p.peer))?;
    note_vendor_ids(p, env, got);
    nat::agree(p, env, got);
    p.cky_r = repr.responder_cookie;
    p.chosen = Some(chosen);
    Ok(chosen)
}

/// The peer's ID and HASH verified; INITIAL-CONTACT noted.
pub(super) fn authenticate_peer(
    p: &mut Phase1,
    env: &mut Env<'_>,
    got: &Received,
) -> Result<(), Fail> {
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
        env.records.initial_contacts.push(p.peer);
    }
    p.peer_id = Some(id);
    Ok(())
}
