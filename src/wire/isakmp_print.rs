//! tcpdump 4.99's one-line text for ISAKMP over UDP 500 and 4500 without
//! `-v` (`print-isakmp.c`: `isakmp_print`, `ikev1_print`, `ikev2_print`,
//! `isakmp_rfc3948_print`; `print-esp.c`: `esp_print`): the text after
//! `SRC.PORT > DST.PORT: `, e.g. `isakmp: phase 1 I ident` or
//! `NONESP-encap: isakmp: phase 2/others R oakley-quick[E]`.
//!
//! What tcpdump prints, and how it decides:
//! - `phase 1` when the message ID is zero, else `phase 2/others`
//!   (IKEv2: `parent_sa` / `child_sa ` with its trailing space);
//! - `I`, `R` or `?` from a cache of the last 20 initiator cookies
//!   (`cookiecache`, per tcpdump run): a message whose initiator cookie is
//!   unknown and whose responder cookie is zero prints `I` and records the
//!   cookie with its IP source (initiator) and destination (responder);
//!   a known cookie prints `I` when sent from the recorded initiator, `R`
//!   from the recorded responder, else `?`; an unknown cookie with a
//!   responder cookie prints `?`. The cache starts as 20 all-zero cookies
//!   of no IP version, so an all-zero initiator cookie prints `?` until
//!   those slots are overwritten. [`InitiatorCache`] keeps that state; the
//!   free functions [`tcpdump_udp500`] / [`tcpdump_udp4500`] print a
//!   datagram as the first one of a capture;
//! - the exchange name (`base`, `ident`, `auth`, `agg`, `inf`,
//!   `oakley-quick`, `oakley-newgroup`, `ikev2_init`, `ikev2_auth`,
//!   `child_sa`, `inf2`, `none` for 0; any other value `#N`), then
//!   if any flag bit is set `[` + `E` (encryption) + `C` (commit) + `]`,
//!   so other bits alone give `[]` (IKEv2: `I`, `V`, `R`);
//! - fewer than 28 bytes: ` [|isakmp]`; a major version other than 1 or 2
//!   prints only `isakmp:`;
//! - on 4500 (RFC 3948): a single 0xff is `isakmp-nat-keep-alive`; fewer
//!   than 4 bytes ` [|isakmp_rfc3948]`; a zero non-ESP marker
//!   `NONESP-encap: ` then the ISAKMP text of the rest; anything else
//!   `UDP-encap: ESP(spi=0x%08x,seq=0x%x), length N` (N the UDP payload
//!   length), or `UDP-encap:  [|esp]` with 8 bytes or fewer.
//!
//! The caller chooses the printer by port as `udp_print` does: 500 as
//! source or destination wins over 4500, and ports tested before them
//! (53, 5353, 525, 69, 67/68, 520, 654) win over both.

use std::net::Ipv4Addr;

/// `MAXINITIATORS` in print-isakmp.c.
const CACHE_SLOTS: usize = 20;
/// `sizeof(struct isakmp)`: the header tcpdump needs captured.
const ISAKMP_HEADER: usize = 28;
/// Header offsets (RFC 2408 section 3.1).
const R_COOKIE: core::ops::Range<usize> = 8..16;
const VERSION: usize = 17;
const EXCHANGE: usize = 18;
const FLAGS: usize = 19;
const MESSAGE_ID: core::ops::Range<usize> = 20..24;

/// Exchange type names, `etypestr[]` (IKEv1 0-5 and 32-33, IKEv2 34-37).
fn exchange_name(etype: u8) -> String {
    let name = match etype {
        0 => "none",
        1 => "base",
        2 => "ident",
        3 => "auth",
        4 => "agg",
        5 => "inf",
        32 => "oakley-quick",
        33 => "oakley-newgroup",
        34 => "ikev2_init",
        35 => "ikev2_auth",
        36 => "child_sa",
        37 => "inf2",
        other => return format!("#{other}"),
    };
    name.to_string()
}

#[derive(Debug, Clone, Copy, Default)]
struct CacheSlot {
    initiator_cookie: [u8; 8],
    /// Initiator and responder addresses; `None` for a slot never written
    /// (tcpdump's `version` 0).
    addresses: Option<(Ipv4Addr, Ipv4Addr)>,
}

/// tcpdump's per-run cache of initiator cookies, which decides the `I`,
/// `R` or `?` of each IKEv1 message. Keep one per capture (link).
#[derive(Debug, Clone, Default)]
pub struct InitiatorCache {
    slots: [CacheSlot; CACHE_SLOTS],
    next: usize,
}

impl InitiatorCache {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The text for a UDP datagram to or from port 500. `payload` is the
    /// captured UDP payload, `length` tcpdump's UDP payload length (UDP
    /// length minus 8, at most what the IP length leaves).
    pub fn udp500(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        payload: &[u8],
        length: usize,
    ) -> String {
        let _ = length; // Without -v the ISAKMP printer uses only captured bytes.
        self.isakmp(src, dst, payload)
    }

    /// The text for a UDP datagram to or from port 4500 (RFC 3948
    /// encapsulation); arguments as for [`InitiatorCache::udp500`].
    pub fn udp4500(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        payload: &[u8],
        length: usize,
    ) -> String {
        // isakmp_rfc3948_print: keep-alive, then the non-ESP marker.
        if length == 1 && payload.first() == Some(&0xff) {
            return "isakmp-nat-keep-alive".to_string();
        }
        if length < 4 {
            return " [|isakmp_rfc3948]".to_string();
        }
        match payload.get(..4) {
            None => " [|isakmp_rfc3948]".to_string(),
            Some([0, 0, 0, 0]) => {
                let rest = payload.get(4..).unwrap_or(&[]);
                format!("NONESP-encap: {}", self.isakmp(src, dst, rest))
            }
            Some(_) => format!("UDP-encap: {}", esp(payload, length)),
        }
    }

    /// isakmp_print without -v.
    fn isakmp(&mut self, src: Ipv4Addr, dst: Ipv4Addr, bytes: &[u8]) -> String {
        let Some(header) = bytes.get(..ISAKMP_HEADER) else {
            return " [|isakmp]".to_string();
        };
        match header.get(VERSION).map(|v| v >> 4) {
            Some(1) => format!("isakmp:{}", self.ikev1(src, dst, header)),
            Some(2) => format!("isakmp:{}", ikev2(header)),
            _ => "isakmp:".to_string(),
        }
    }

    /// ikev1_print without -v: phase, side, exchange and flags.
    fn ikev1(&mut self, src: Ipv4Addr, dst: Ipv4Addr, header: &[u8]) -> String {
        let phase = if message_id(header) == 0 {
            " phase 1"
        } else {
            " phase 2/others"
        };
        let side = self.side(src, dst, header);
        let etype = exchange_name(byte(header, EXCHANGE));
        // ISAKMP_FLAG_E and ISAKMP_FLAG_C (RFC 2408 section 3.1).
        let flags = flag_letters(byte(header, FLAGS), &[(0x01, 'E'), (0x02, 'C')]);
        format!("{phase} {side} {etype}{flags}")
    }

    /// `I`, `R` or `?` (cookie_find, cookie_record, cookie_sidecheck).
    fn side(&mut self, src: Ipv4Addr, dst: Ipv4Addr, header: &[u8]) -> char {
        let mut cookie = [0; 8];
        cookie.copy_from_slice(header.get(..8).unwrap_or(&[0; 8]));
        let found = self
            .slots
            .iter()
            .find(|slot| slot.initiator_cookie == cookie)
            .map(|slot| slot.addresses);
        let first_packet = header
            .get(R_COOKIE)
            .is_some_and(|r| r.iter().all(|b| *b == 0));
        match found {
            None if first_packet => {
                self.record(cookie, src, dst);
                'I'
            }
            Some(Some((initiator, _))) if initiator == src => 'I',
            Some(Some((_, responder))) if responder == src => 'R',
            // Unknown cookie after the first packet, a never-written
            // slot, or a third address.
            _ => '?',
        }
    }

    fn record(&mut self, cookie: [u8; 8], initiator: Ipv4Addr, responder: Ipv4Addr) {
        if let Some(slot) = self.slots.get_mut(self.next) {
            *slot = CacheSlot {
                initiator_cookie: cookie,
                addresses: Some((initiator, responder)),
            };
        }
        self.next = (self.next + 1) % CACHE_SLOTS;
    }
}

/// ikev2_print without -v.
fn ikev2(header: &[u8]) -> String {
    let phase = if message_id(header) == 0 {
        " parent_sa"
    } else {
        " child_sa "
    };
    let etype = exchange_name(byte(header, EXCHANGE));
    // ISAKMP_FLAG_I, _V and _R (RFC 7296 section 3.1).
    let flags = flag_letters(
        byte(header, FLAGS),
        &[(0x08, 'I'), (0x10, 'V'), (0x20, 'R')],
    );
    format!("{phase} {etype}{flags}")
}

/// `[` + the letters of the listed bits that are set + `]` when any bit
/// of `flags` is set, else nothing (`[]` for unlisted bits only).
fn flag_letters(flags: u8, letters: &[(u8, char)]) -> String {
    if flags == 0 {
        return String::new();
    }
    let set = letters.iter().filter(|(bit, _)| flags & bit != 0);
    format!("[{}]", set.map(|(_, letter)| letter).collect::<String>())
}

/// esp_print without -E: SPI and sequence number (RFC 4303 section 2).
fn esp(bytes: &[u8], length: usize) -> String {
    // `if ((u_char *)(esp + 1) >= ep)`: more than 8 bytes are needed.
    match (bytes.get(0..4), bytes.get(4..8), bytes.len() > 8) {
        (Some(spi), Some(seq), true) => {
            format!(
                "ESP(spi=0x{:08x},seq=0x{:x}), length {length}",
                be32(spi),
                be32(seq)
            )
        }
        _ => " [|esp]".to_string(),
    }
}

fn byte(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

fn message_id(header: &[u8]) -> u32 {
    header.get(MESSAGE_ID).map_or(0, be32)
}

fn be32(bytes: &[u8]) -> u32 {
    match bytes {
        [a, b, c, d, ..] => u32::from_be_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

/// What tcpdump prints for a UDP 500 payload when it is the first ISAKMP
/// message of the capture (so a responder's message prints `?`; use
/// [`InitiatorCache`] across a capture for `R`).
pub fn tcpdump_udp500(payload: &[u8]) -> String {
    InitiatorCache::new().udp500(
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        payload,
        payload.len(),
    )
}

/// What tcpdump prints for a UDP 4500 payload, first in its capture.
pub fn tcpdump_udp4500(payload: &[u8]) -> String {
    InitiatorCache::new().udp4500(
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::UNSPECIFIED,
        payload,
        payload.len(),
    )
}

#[cfg(test)]
mod tests;
