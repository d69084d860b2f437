//! print-krb.c krb_print: the protocol version of a Kerberos datagram
//! (UDP 88 and 750), and for version 4 the message type and the names
//! krb4_print reads.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::{print_char, tok};
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// krb.h AUTH_MSG_* (the type byte without its byte-order bit).
const KDC_REQUEST: u8 = 1 << 1;
const KDC_REPLY: u8 = 2 << 1;
const APPL_REQUEST: u8 = 3 << 1;
const ERR_REPLY: u8 = 5 << 1;

/// print-krb.c type2str.
const TYPES: &[(u32, &str)] = &[
    (KDC_REQUEST as u32, "KDC_REQUEST"),
    (KDC_REPLY as u32, "KDC_REPLY"),
    (APPL_REQUEST as u32, "APPL_REQUEST"),
    (4 << 1, "APPL_REQUEST_MUTUAL"),
    (ERR_REPLY as u32, "ERR_REPLY"),
    (6 << 1, "PRIVATE"),
    (7 << 1, "SAFE"),
    (8 << 1, "APPL_ERR"),
    (63 << 1, "DIE"),
];

/// print-krb.c kerr2str.
const ERRORS: &[(u32, &str)] = &[
    (0, "OK"),
    (1, "NAME_EXP"),
    (2, "SERVICE_EXP"),
    (3, "AUTH_EXP"),
    (4, "PKT_VER"),
    (5, "NAME_MAST_KEY_VER"),
    (6, "SERV_MAST_KEY_VER"),
    (7, "BYTE_ORDER"),
    (8, "PRINCIPAL_UNKNOWN"),
    (9, "PRINCIPAL_NOT_UNIQUE"),
    (10, "NULL_KEY"),
];

/// print-krb.c krb_print: ` vN` for versions 1 to 4 (and ` v5` for the
/// ASN.1 tags 106 and 107); nothing for other first bytes.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    match p.u8(0)? {
        pvno @ 1..=3 => {
            let _ = write!(out, " v{pvno}");
        }
        4 => {
            out.push_str(" v4");
            krb4(out, p)?;
        }
        106 | 107 => out.push_str(" v5"),
        _ => {}
    }
    Ok(())
}

/// print-krb.c tok2str with a NULL format: the name, or `#N`.
fn name(table: &[(u32, &'static str)], value: u32) -> String {
    tok(table, value).map_or_else(|| format!("#{value}"), str::to_owned)
}

/// print-krb.c krb4_print: byte order and message type, then the fields
/// of the four types it knows.
fn krb4(out: &mut String, p: Cap) -> Res {
    let byte = p.u8(1)?;
    let le = byte & 1 != 0;
    let kind = byte & 0xfe;
    let order = if le { "le" } else { "be" };
    let _ = write!(out, " {order} {}: ", name(TYPES, kind.into()));
    // KTOHSP: a 16-bit field in the sender's byte order.
    let short = |at: usize| -> Res<u16> {
        let b = p.bytes::<2>(at)?;
        Ok(if le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    match kind {
        KDC_REQUEST => {
            let at = header(out, p)? + 4; // ctime
            let _ = write!(out, " {}min ", u32::from(p.u8(at)?) * 5);
            let at = c_print(out, p, at + 1)?;
            out.push('.');
            c_print(out, p, at)?;
        }
        APPL_REQUEST => {
            let _ = write!(out, "v{} ", p.u8(2)?);
            let at = c_print(out, p, 3)?;
            let _ = write!(out, " ({})", p.u8(at)?);
            let _ = write!(out, " ({})", p.u8(at + 1)?);
        }
        KDC_REPLY => {
            let at = header(out, p)? + 10; // timestamp + n + exp + kvno
            let _ = write!(out, " ({})", short(at)?);
        }
        ERR_REPLY => {
            let at = header(out, p)? + 4; // timestamp
            let _ = write!(out, " {} ", name(ERRORS, short(at)?.into()));
            c_print(out, p, at + 4)?;
        }
        _ => out.push_str("(unknown)"),
    }
    Ok(())
}

/// print-krb.c krb4_print_hdr: `name.instance@realm` from byte 2; the
/// offset after the realm.
fn header(out: &mut String, p: Cap) -> Res<usize> {
    let at = c_print(out, p, 2)?;
    out.push('.');
    let at = c_print(out, p, at)?;
    out.push('@');
    c_print(out, p, at)
}

/// print-krb.c c_print: the NUL-terminated string at `at`; the offset
/// after its NUL, or `Truncated` (` [|krb]`) when the capture ends first.
fn c_print(out: &mut String, p: Cap, at: usize) -> Res<usize> {
    for i in at..p.len() {
        match p.u8(i)? {
            0 => return Ok(i + 1),
            c => print_char(out, c),
        }
    }
    Err(Truncated)
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(hex: &str) -> String {
        let p: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        let mut out = String::new();
        if print(&mut out, Cap(&p)).is_err() {
            out.push_str(" [|krb]");
        }
        out
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn versions_and_krb4_messages_print_as_tcpdump_does() {
        assert_eq!(text(""), " [|krb]");
        assert_eq!(text(&hex(&flow_datagram(0, 7, 40))), "");
        assert_eq!(text("0300"), " v3");
        assert_eq!(text("6a00"), " v5");
        assert_eq!(text("04"), " v4 [|krb]");
        assert_eq!(text("0403"), " v4 le KDC_REQUEST:  [|krb]");
        assert_eq!(text("0420"), " v4 be #32: (unknown)");
        assert_eq!(
            text("04066162630000"),
            " v4 be APPL_REQUEST: v97 bc (0) [|krb]"
        );
        assert_eq!(
            text("040a6100620063000000000007000078797a00"),
            " v4 be ERR_REPLY: a.b@c #1792 yz"
        );
        assert_eq!(
            text("0404610062006300000000000000000000001234"),
            " v4 be KDC_REPLY: a.b@c (4660)"
        );
        assert_eq!(
            text("0405610062006300000000000000000000001234"),
            " v4 le KDC_REPLY: a.b@c (13330)"
        );
        assert_eq!(
            text("0402610062006300000000ff4100420041"),
            " v4 be KDC_REQUEST: a.b@c 325min .B"
        );
    }

    fn hex(p: &[u8]) -> String {
        p.iter().map(|b| format!("{b:02x}")).collect()
    }
}
