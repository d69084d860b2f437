//! print-pptp.c pptp_print (RFC 2637 section 1.4) as `tcpdump -n` prints
//! it without `-v`: `: pptp`, the magic cookie when it is wrong, the
//! control message type and a non-zero reserved field. The message bodies
//! (`pptp_sccrq_print`, ...) are not reproduced: segments whose type has
//! one are left to [`reproduced`].
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tcpdump::{Cap, Res};

/// print-pptp.c PPTP_MAGIC_COOKIE (RFC 2637 section 1.4).
const MAGIC_COOKIE: u32 = 0x1a2b_3c4d;

/// print-pptp.c pptp_message_type_string, indexed by the control message
/// type (PPTP_MAX_MSGTYPE_INDEX = 16).
const MESSAGE_TYPES: [&str; 16] = [
    "NOT_DEFINED",
    "SCCRQ",
    "SCCRP",
    "StopCCRQ",
    "StopCCRP",
    "ECHORQ",
    "ECHORP",
    "OCRQ",
    "OCRP",
    "ICRQ",
    "ICRP",
    "ICCN",
    "CCRQ",
    "CDN",
    "WEN",
    "SLI",
];

/// `sizeof(struct pptp_hdr)`: length, message type, magic cookie, control
/// message type, reserved.
const HEADER_LEN: usize = 12;

/// Whether pptp_print stops before a message body printer: the segment
/// ends inside the header, or its control message type is 0 or 16 and
/// above (the `default` case prints nothing more).
pub(super) fn reproduced(payload: &[u8]) -> bool {
    match Cap(payload).be16(8) {
        Ok(kind) => payload.len() < HEADER_LEN || !(1..16).contains(&kind),
        Err(_) => true,
    }
}

/// print-pptp.c pptp_print up to the switch on the control message type.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    out.push_str(": pptp");
    let cookie = p.be32(4)?;
    if cookie != MAGIC_COOKIE {
        let _ = write!(
            out,
            " UNEXPECTED Magic-Cookie!!({cookie:08x}) Magic-Cookie={cookie:08x}"
        );
    }
    let kind = p.be16(8)?;
    match MESSAGE_TYPES.get(usize::from(kind)) {
        Some(name) => {
            let _ = write!(out, " CTRL_MSGTYPE={name}");
        }
        None => {
            let _ = write!(out, " UNKNOWN_CTRL_MSGTYPE({kind})");
        }
    }
    // PRINT_RESERVED_IF_NOT_ZERO_2(hdr->reserved0)
    let reserved = p.be16(10)?;
    if reserved != 0 {
        let _ = write!(out, " [ERROR: reserved={reserved} must be zero]");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        let mut out = String::new();
        if print(&mut out, Cap(p)).is_err() {
            out.push_str(" [|pptp]");
        }
        out
    }

    /// Stream bytes of a TCP flow: `payload::fill` from offset 0.
    fn stream(key: u8, len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(key))
            .collect()
    }

    // Expected strings are what tcpdump 4.99.3 printed after `length N`.
    #[test]
    fn flow_segments_print_the_header() {
        assert_eq!(
            text(&stream(0, 19)),
            ": pptp UNEXPECTED Magic-Cookie!!(7c9bbad9) Magic-Cookie=7c9bbad9 UNKNOWN_CTRL_MSGTYPE(63511) [ERROR: reserved=13909 must be zero]"
        );
        assert_eq!(text(&stream(0, 7)), ": pptp [|pptp]");
        assert_eq!(
            text(&stream(0, 11)),
            ": pptp UNEXPECTED Magic-Cookie!!(7c9bbad9) Magic-Cookie=7c9bbad9 UNKNOWN_CTRL_MSGTYPE(63511) [|pptp]"
        );
        assert!(reproduced(&stream(0, 19)) && reproduced(&stream(0, 7)));
    }

    const ECHO_REQUEST: [u8; 12] = [0, 12, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d, 0, 5, 0, 0];

    #[test]
    fn message_types_with_a_body_printer_are_not_reproduced() {
        assert_eq!(
            text(&ECHO_REQUEST[..11]),
            ": pptp CTRL_MSGTYPE=ECHORQ [|pptp]"
        );
        assert!(reproduced(&ECHO_REQUEST[..11]));
        assert!(!reproduced(&ECHO_REQUEST));
        let undefined = [0, 12, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d, 0, 0, 0, 7, 1];
        assert_eq!(
            text(&undefined),
            ": pptp CTRL_MSGTYPE=NOT_DEFINED [ERROR: reserved=7 must be zero]"
        );
        assert!(reproduced(&undefined));
    }
}
