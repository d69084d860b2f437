//! Informational messages the ISAKMP SA takes (isakmp_inf.c
//! `isakmp_info_recv`): in the clear only while phase 1 is negotiated,
//! encrypted ones only with a HASH(1) that verifies and a message ID not
//! seen before.

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use crate::crypto::ikev1;
use crate::ike::log::Log;
use crate::ike::v1::message;
use crate::ike::v1::phase1::Phase1;
use crate::wire::isakmp::{PayloadRepr, Repr};

/// Informational message IDs remembered per ISAKMP SA against replays.
const SEEN_INFO: usize = 64;

impl Phase1 {
    /// Whether a notification in the clear from `from` is for this ISAKMP
    /// SA: only while phase 1 with the sender is still being negotiated
    /// (its initiator cookie is ours).
    pub(crate) fn takes_plain_info(&self, from: SocketAddrV4, cky_i: [u8; 8]) -> bool {
        !self.established() && self.peer == from && self.cky_i == cky_i
    }

    /// Whether an encrypted Informational from `from` is for this ISAKMP
    /// SA: by address, as phase 1 finds its SA (a NAT may have mapped the
    /// peer's port anew), and both cookies.
    pub(crate) fn takes_protected_info(&self, from: SocketAddrV4, repr: &Repr) -> bool {
        self.keys.is_some()
            && self.peer.ip() == from.ip()
            && (self.cky_i, self.cky_r) == (repr.initiator_cookie, repr.responder_cookie)
    }

    /// The payloads after HASH(1) of an encrypted Informational, if it
    /// verifies and is not a replay (RFC 2408 §3.1: message IDs are
    /// unique within an ISAKMP SA); why not is logged, rate limited.
    pub(crate) fn open_info(
        &mut self,
        log: &mut Log,
        now: Instant,
        from: SocketAddrV4,
        repr: &Repr,
    ) -> Option<Vec<PayloadRepr>> {
        let keys = self.keys.as_ref()?;
        let iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &self.iv, repr.message_id);
        let opened = message::open(repr, &keys.cipher, &iv)?;
        let body = message::split_hash(opened.first, &opened.plaintext).ok()?;
        let expected =
            ikev1::informational_hash(keys.prf, &keys.skeyid_a, repr.message_id, &[&body.covered]);
        if !ikev1::hashes_match(&expected, &body.hash) {
            log.dropped(now, "unverified-informational", || {
                format!("HASH mismatch in Informational from {from}, dropped")
            });
            return None;
        }
        let seen = &mut self.seen_info;
        if seen.contains(&repr.message_id) {
            log.dropped(now, "unverified-informational", || {
                format!("replayed Informational from {from}, dropped")
            });
            return None;
        }
        if seen.len() == SEEN_INFO {
            seen.pop_front();
        }
        seen.push_back(repr.message_id);
        Some(body.rest)
    }
}
