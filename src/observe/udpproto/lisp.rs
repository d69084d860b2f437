//! print-lisp.c lisp_print (LISP control, RFC 6830, UDP 4342) as
//! `tcpdump -n` prints it without `-v`: the message type from the header
//! (lisp_hdr_flag). Map-Register and Map-Notify messages, whose EID
//! records tcpdump goes on to print, are not reproduced: [`reproduced`]
//! tells `ports` which datagrams to warn about.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::tok;
use crate::observe::tcpdump::{Cap, Res};

/// MAP_REGISTER_HDR_LEN: type and flags, reserved, flags, record count,
/// nonce, key id and authentication data length.
const HEADER_LEN: usize = 16;
/// print-lisp.c LISP_MAP_REGISTER and LISP_MAP_NOTIFY.
const MAP_REGISTER: u8 = 3;
const MAP_NOTIFY: u8 = 4;

/// print-lisp.c lisp_type (the top 4 bits of byte 0, `TYPE_INDEX`).
const TYPES: &[(u32, &str)] = &[
    (0, "LISP-Reserved"),
    (1, "LISP-Map-Request"),
    (2, "LISP-Map-Reply"),
    (3, "LISP-Map-Register"),
    (4, "LISP-Map-Notify"),
    (8, "LISP-Encapsulated-Contol-Message"),
];

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// whole headers of Map-Register and Map-Notify messages.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    payload.len() < HEADER_LEN
        || !matches!(message_type(Cap(payload)), Ok(MAP_REGISTER | MAP_NOTIFY))
}

fn message_type(p: Cap) -> Res<u8> {
    Ok(p.u8(0)? >> 4)
}

/// print-lisp.c lisp_print: ` [|lisp]` before a whole header, else
/// lisp_hdr_flag's `TYPE,`; other types than Map-Register and
/// Map-Notify end there.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    p.need(0, HEADER_LEN)?;
    let kind = message_type(p)?;
    let _ = match tok(TYPES, u32::from(kind)) {
        Some(name) => write!(out, "{name},"),
        None => write!(out, "unknown-type-{kind},"),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed_short(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn flow_datagrams_are_reserved_messages() {
        assert_eq!(
            text(&flow_datagram(0, 5, 48)),
            ("LISP-Reserved,".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 5, 15)), (String::new(), true));
    }

    #[test]
    fn the_type_is_the_top_nibble() {
        let mut p = [0u8; 16];
        p[0] = 0x8f;
        assert_eq!(
            text(&p),
            ("LISP-Encapsulated-Contol-Message,".into(), false)
        );
        p[0] = 0x70;
        assert_eq!(text(&p), ("unknown-type-7,".into(), false));
        p[0] = 0x30;
        assert!(!reproduced(&p));
        assert!(reproduced(&p[..15]));
    }
}
