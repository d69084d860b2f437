//! Phase 1: Main Mode (Identity Protection), Aggressive Mode and Base
//! Mode with pre-shared keys (RFC 2409 §5, §5.4; RFC 2408 §4.8 and
//! racoon's isakmp_base.c).
//!
//! ```text
//! Main Mode                  Aggressive Mode                  Base Mode
//! I: HDR, SA         [VID]   I: HDR, SA, KE, Ni, IDii [VID]   I: HDR, SA, IDii, Ni [VID]
//! R: HDR, SA         [VID]   R: HDR, SA, KE, Nr, IDir, HASH_R R: HDR, SA, IDir, Nr [VID]
//! I: HDR, KE, Ni             I: HDR, HASH_I (in the clear)    I: HDR, KE, HASH_I
//! R: HDR, KE, Nr                                              R: HDR, KE, HASH_R
//! I: HDR*, IDii, HASH_I
//! R: HDR*, IDir, HASH_R
//! ```
//!
//! racoon sends INITIAL-CONTACT as an Informational of its own once phase
//! 1 is up (`ph1_main`). One received inside main mode is acted on when
//! phase 1 is up (`ident_recv_n`); one inside aggressive mode is only
//! logged (`isakmp_log_notify`).
//!
//! [`Phase1`] is one ISAKMP SA; its [`P1State`] is named for what the
//! exchange waits for next, and [`Phase1::step`] hands a message to the
//! handler of that state: [`main_mode`], [`aggressive`] and [`base`] hold one per
//! message received, [`start`] the first message each side sends,
//! [`steps`] what both modes do alike, [`keys`] the key schedule and
//! message protection, [`payloads`] what a message carries, [`nat`] NAT
//! traversal. The daemon ([`super::isakmp_sa`]) runs their lifecycle.

mod aggressive;
mod base;
mod keys;
mod main_mode;
pub(crate) mod nat;
mod payloads;
mod signature;
mod start;
mod steps;

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use super::env::{Env, Fail};
use super::message::Header;
use super::proposal::IsakmpTransform;
use crate::config::racoon::{ExchangeMode, Peer, Rekey, Remote};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1::{MessageCipher, Prf};
use crate::ike::Side;
use crate::ike::log::{cookies, endpoint};
use crate::ike::retransmit::Retry;
use crate::wire::isakmp::{ExchangeType, IdentificationRepr, Repr};

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
    /// Initiator, base mode: the responder's SA, IDir and Nr.
    AwaitBaseReply,
    /// Initiator, base mode: the responder's KE and HASH_R.
    AwaitBaseKe,
    /// Responder, base mode: the initiator's KE and HASH_I.
    AwaitBaseHash,
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
    /// XAuth and mode_cfg under this SA.
    pub cfg: crate::ike::v1::cfg::CfgState,
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
            (Side::Initiator, ExchangeMode::Base) => P1State::AwaitBaseReply,
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
            cfg: Default::default(),
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
            ExchangeMode::Base => ExchangeType::Base,
            ExchangeMode::Main => ExchangeType::IdentityProtection,
        }
    }

    pub fn next_timer(&self) -> Option<Instant> {
        [
            self.retry.resend_at,
            self.expires,
            self.dying_at.filter(|_| !self.dying),
            self.dpd.next,
            self.natt.keepalive,
            self.cfg.delayed.map(|d| d.at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn spi_text(&self) -> String {
        cookies(&self.cky_i, &self.cky_r)
    }

    pub fn names(&self) -> String {
        format!("{}-{}", endpoint(self.local), endpoint(self.peer))
    }
}

impl Phase1 {
    /// isakmp.c `ph1exchange`: the handler for the message the exchange
    /// waits for in its state, on its side. `Some(Ok(true))` once the
    /// ISAKMP SA is established; None for a message no state takes
    /// (nothing it did stays).
    pub fn step(
        &mut self,
        env: &mut Env<'_>,
        repr: &Repr,
        data: &[u8],
    ) -> Option<Result<bool, Fail>> {
        Some(match (self.side, self.state) {
            (Side::Initiator, P1State::AwaitSa) => main_mode::main_i2(self, env, repr, data),
            (Side::Responder, P1State::AwaitKe) => main_mode::main_r3(self, env, repr, data),
            (Side::Initiator, P1State::AwaitKe) => main_mode::main_i4(self, env, repr, data),
            (Side::Responder, P1State::AwaitId) => main_mode::main_r5(self, env, repr, data),
            (Side::Initiator, P1State::AwaitId) => main_mode::main_i6(self, env, repr),
            (Side::Initiator, P1State::AwaitAggressiveReply) => {
                aggressive::aggr_i2(self, env, repr, data)
            }
            (Side::Responder, P1State::AwaitAggressiveHash) => {
                aggressive::aggr_r3(self, env, repr, data)
            }
            (Side::Initiator, P1State::AwaitBaseReply) => base::base_i2(self, env, repr, data),
            (Side::Responder, P1State::AwaitBaseHash) => base::base_r3(self, env, repr, data),
            (Side::Initiator, P1State::AwaitBaseKe) => base::base_i4(self, env, repr, data),
            _ => return None,
        })
    }

    /// The responder's handler for the first message, which made it
    /// ([`Phase1::respond`]).
    pub fn answer_first(
        &mut self,
        env: &mut Env<'_>,
        repr: &Repr,
        data: &[u8],
    ) -> Result<bool, Fail> {
        match self.mode {
            ExchangeMode::Aggressive => aggressive::aggr_r1(self, env, repr, data),
            ExchangeMode::Base => base::base_r1(self, env, repr, data),
            ExchangeMode::Main => main_mode::main_r1(self, env, repr, data),
        }
    }
}

pub(crate) fn mode_name(mode: ExchangeMode) -> &'static str {
    match mode {
        ExchangeMode::Aggressive => "Aggressive",
        ExchangeMode::Base => "Base",
        ExchangeMode::Main => "Identity Protection",
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
