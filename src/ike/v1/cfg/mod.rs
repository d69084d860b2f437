//! The ISAKMP configuration exchange (exchange type 6) under an
//! established ISAKMP SA, as racoon's isakmp_cfg.c, isakmp_xauth.c and
//! isakmp_unity.c run it: XAuth (draft-beaulieu-ike-xauth-02), where the
//! gateway asks the roadwarrior for a login and password, and mode_cfg
//! (draft-dukes-ike-mode-cfg-02), where the roadwarrior asks for an
//! internal address.
//!
//! ```text
//! server                                   client
//!  HDR*, HASH, ATTR(REQUEST TYPE USER PASS) ->
//!                <- HDR*, HASH, ATTR(REPLY TYPE USER=login PASS=password)
//!  HDR*, HASH, ATTR(SET STATUS=OK|FAIL)      ->
//!                <- HDR*, HASH, ATTR(ACK STATUS)
//!                <- HDR*, HASH, ATTR(REQUEST ADDR MASK DNS NBNS ...)   (mode_cfg on)
//!  HDR*, HASH, ATTR(REPLY ADDR=pool ...)     ->
//! ```
//!
//! Every message is HASH = prf(SKEYID_a, M-ID | ATTR) (`oakley_compute_hash1`)
//! and encrypted. A REQUEST or SET opens an exchange with a new message ID
//! and IV (`isakmp_cfg_newiv`: phase 2's rule); its REPLY or ACK goes
//! under the same ID and continues the CBC chain. Nothing is
//! retransmitted (isakmp_cfg_send: "XXX We might need to resend").
//!
//! [`seal`] builds and opens the messages, [`xauth`] holds both XAuth
//! roles, [`mode_cfg`] both mode_cfg roles, [`server`] the gateway's
//! address pool, user database and login throttle.

mod client;
mod mode_cfg;
mod seal;
pub(crate) mod server;
pub(crate) mod xauth;

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::Racoon;
use crate::ipsec::KeyKernel;
use crate::net::Prefix;
use crate::wire::isakmp::{CfgType, Repr};

/// The XAuth vendor ID racoon sends and looks for (vendorid.c
/// `VENDORID_XAUTH`): the first 8 bytes of
/// MD5("draft-ietf-ipsra-isakmp-xauth-06.txt").
pub const XAUTH_VENDOR_ID: [u8; 8] = [0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12];

/// The Cisco Unity vendor ID (vendorid.c `VENDORID_UNITY`):
/// MD5("CISCO-UNITY") with its last two bytes set to 01 00.
pub const UNITY_VENDOR_ID: [u8; 16] = [
    0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9, 0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00,
];

/// Which end of XAuth this ISAKMP SA is, from our own proposal
/// (`xauth_psk_server` / `xauth_psk_client`, ipsec_doi.c
/// `get_ph1approvalx` copies the local one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XauthRole {
    Client,
    Server,
}

/// isakmp_xauth.h `XAUTHST_*`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum XauthStatus {
    #[default]
    NotYet,
    ReqSent,
    Ok,
}

/// isakmp_cfg.h `struct isakmp_ivm` and `last_msgid`: the IV of the
/// configuration exchange under way. Sending encrypts with `ive` and
/// leaves the last ciphertext block in `iv`; receiving decrypts with `iv`
/// and leaves the last block in `ive` (`oakley_do_encrypt` /
/// `oakley_do_decrypt`).
#[derive(Clone, Debug)]
pub(crate) struct CfgIv {
    pub msgid: u32,
    pub iv: Vec<u8>,
    pub ive: Vec<u8>,
}

/// What a mode_cfg REPLY gave the client (isakmp_cfg.c
/// `isakmp_cfg_reply`, isakmp_unity.c `isakmp_unity_reply`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assigned {
    pub addr4: Option<Ipv4Addr>,
    pub mask4: Option<Ipv4Addr>,
    pub dns4: Vec<Ipv4Addr>,
    pub wins4: Vec<Ipv4Addr>,
    pub default_domain: String,
    pub split_include: Vec<Prefix>,
    pub local_lan: Vec<Prefix>,
}

/// isakmp_cfg.h `struct isakmp_cfg_state`, per ISAKMP SA.
#[derive(Debug, Default)]
pub(crate) struct CfgState {
    /// `ISAKMP_CFG_VENDORID_XAUTH` / `_UNITY`: the peer sent them.
    pub peer_xauth: bool,
    pub peer_unity: bool,
    pub status: XauthStatus,
    /// The server's copy of the REPLY's USER_NAME and USER_PASSWORD.
    pub user: Option<Vec<u8>>,
    pub password: Option<Vec<u8>>,
    /// `mode_cfg->port`: the pool index given to this client.
    pub port: Option<u32>,
    pub ivm: Option<CfgIv>,
    /// `iph1->msgid`: the message ID a REPLY or ACK goes under.
    pub msgid: u32,
    /// The client's configuration from the server.
    pub assigned: Assigned,
    /// Delete the ISAKMP SA once the ACK is sent (`ISAKMP_CFG_DELETE_PH1`).
    pub delete_after_ack: bool,
    /// A throttled login's answer, due later.
    pub delayed: Option<xauth::DelayedReply>,
}

impl Racoon {
    /// isakmp.c `isakmp_main` for `ISAKMP_ETYPE_CFG`, then
    /// isakmp_cfg.c `isakmp_cfg_r` and `isakmp_cfg_attr_r`.
    pub(super) fn cfg_message(
        &mut self,
        now: Instant,
        (from, _to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        kernel: &mut dyn KeyKernel,
    ) {
        let found = self.ph1_by_cookie(repr.initiator_cookie, |p| {
            p.peer.ip() == from.ip() && p.cky_r == repr.responder_cookie
        });
        let Some(i) = found else {
            self.ctx.env(now).drop_datagram("no-isakmp-sa", || {
                format!("mode config 6 from {from}, but we have no ISAKMP-SA.")
            });
            return;
        };
        if !repr.flags.encryption() {
            self.ctx.env(now).drop_datagram("cfg-cleartext", || {
                "User credentials sent in cleartext!".to_string()
            });
            return;
        }
        let mut env = self.ctx.env(now);
        let Some(attr) = self.ph1[i].open_cfg(&mut env, repr) else {
            return;
        };
        let serial = self.ph1[i].serial;
        match attr.kind {
            // "ignore, but this is the time to reinit the IV"
            CfgType::Ack => self.ph1[i].cfg.ivm = None,
            CfgType::Reply => self.cfg_reply(now, serial, &attr, kernel),
            CfgType::Request => {
                self.ph1[i].cfg.msgid = repr.message_id;
                self.cfg_request(now, serial, &attr);
            }
            CfgType::Set => {
                self.ph1[i].cfg.msgid = repr.message_id;
                self.cfg_set(now, serial, &attr);
            }
            other => {
                let line = format!("Unepected configuration exchange type {}", u8::from(other));
                self.ctx.log.warning(now, line);
            }
        }
    }

    /// isakmp.c `isakmp_ph2begin_i` / `_r` and isakmp_xauth.c
    /// `xauth_check`: an XAuth server starts or takes no phase 2 until
    /// the client's login succeeded.
    pub(super) fn xauth_blocks_phase2(&mut self, now: Instant, ph1: u32) -> bool {
        let Some(p) = self.ph1.iter().find(|p| p.serial == ph1) else {
            return false;
        };
        if p.xauth_role() != Some(XauthRole::Server) {
            return false;
        }
        let why = if !p.cfg.peer_xauth {
            "Hybrid auth negotiated but peer did not announced as Xauth capable"
        } else if p.cfg.status != XauthStatus::Ok {
            "Hybrid auth negotiated but peer did not succeed Xauth exchange"
        } else {
            return false;
        };
        self.ctx.log.error(now, why);
        true
    }
}

impl CfgState {
    /// isakmp_cfg.h `LOGINLEN`.
    const LOGINLEN: usize = 31;

    /// `mode_cfg->login`: the REPLY's USER_NAME, at most 31 characters.
    pub fn login(&self) -> String {
        let user = self.user.as_deref().unwrap_or_default();
        String::from_utf8_lossy(user)
            .chars()
            .take(Self::LOGINLEN)
            .collect()
    }
}

impl Racoon {
    /// handler.c `delph1` (through isakmp_cfg.c `isakmp_cfg_rmstate`): an
    /// ISAKMP SA goes, and its pool index is free again.
    pub(super) fn forget_phase1(&mut self, now: Instant, i: usize) -> super::phase1::Phase1 {
        let p = self.remove_phase1(i);
        if let Some(port) = p.cfg.port {
            self.ctx.cfg_server.putport(port);
            self.ctx.log.info(now, format!("Released port {port}"));
        }
        p
    }
}

impl super::phase1::Phase1 {
    /// Our XAuth role on this ISAKMP SA, if it negotiated an XAuth method.
    pub(crate) fn xauth_role(&self) -> Option<XauthRole> {
        self.chosen.and_then(|t| t.xauth)
    }
}
