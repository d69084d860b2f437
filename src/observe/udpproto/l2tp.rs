//! print-l2tp.c l2tp_print (RFC 2661 3.1) up to the end of the header:
//! the version, the flags, tunnel and session, Ns/Nr, and the length
//! checks. Control messages with AVPs and data messages with a PPP frame
//! go on into l2tp_avp_print and ppp_print, which are not reproduced
//! (see [`reproduced`]).
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-l2tp.c L2TP_FLAG_* and L2TP_VERSION_*.
const FLAG_TYPE: u16 = 0x8000;
const FLAG_LENGTH: u16 = 0x4000;
const FLAG_SEQUENCE: u16 = 0x0800;
const FLAG_OFFSET: u16 = 0x0200;
const FLAG_PRIORITY: u16 = 0x0100;
const VERSION_MASK: u16 = 0x000f;
const VERSION_L2F: u16 = 1;
const VERSION_L2TP: u16 = 2;

/// Where l2tp_print goes after the header.
#[derive(Debug, PartialEq, Eq)]
enum Body {
    /// Nothing more is printed.
    Done,
    /// l2tp_avp_print for each AVP, or ppp_print: not reproduced.
    Decoded,
}

/// Whether l2tp_print, for a datagram whose payload is `payload`, stops
/// before the AVPs or the PPP frame.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    let mut scratch = String::new();
    !matches!(
        header(&mut scratch, Cap(payload), payload.len()),
        Ok(Body::Decoded)
    )
}

/// print-l2tp.c l2tp_print for the datagrams [`reproduced`] accepts.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    header(out, p, len).map(|_| ())
}

/// print-l2tp.c l2tp_print, to the end of the header and length checks.
fn header(out: &mut String, p: Cap, length: usize) -> Res<Body> {
    let word = p.be16(0)?;
    match word & VERSION_MASK {
        VERSION_L2TP => out.push_str(" l2tp:"),
        VERSION_L2F => {
            out.push_str(" l2f:");
            return Ok(Body::Done);
        }
        _ => {
            out.push_str(" Unknown Version, neither L2F(1) nor L2TP(2)");
            return Ok(Body::Done);
        }
    }
    let flags: String = [
        (FLAG_TYPE, 'T'),
        (FLAG_LENGTH, 'L'),
        (FLAG_SEQUENCE, 'S'),
        (FLAG_OFFSET, 'O'),
        (FLAG_PRIORITY, 'P'),
    ]
    .iter()
    .filter(|(bit, _)| word & bit != 0)
    .map(|&(_, c)| c)
    .collect();
    let _ = write!(out, "[{flags}]");
    let mut cnt = 2;
    let l2tp_len = if word & FLAG_LENGTH != 0 {
        cnt += 2;
        Some(usize::from(p.be16(2)?))
    } else {
        None
    };
    let _ = write!(out, "({}/", p.be16(cnt)?);
    let _ = write!(out, "{})", p.be16(cnt + 2)?);
    cnt += 4;
    if word & FLAG_SEQUENCE != 0 {
        let _ = write!(out, "Ns={},", p.be16(cnt)?);
        let _ = write!(out, "Nr={}", p.be16(cnt + 2)?);
        cnt += 4;
    }
    if word & FLAG_OFFSET != 0 {
        let pad = usize::from(p.be16(cnt)?);
        p.need(cnt + 2, pad)?;
        cnt += 2 + pad;
    }
    checks(out, word, length, l2tp_len, cnt)
}

/// print-l2tp.c l2tp_print: the length checks after the header of `cnt`
/// bytes, and the ZLB (zero-length body) of a control message.
fn checks(
    out: &mut String,
    word: u16,
    length: usize,
    l2tp_len: Option<usize>,
    cnt: usize,
) -> Res<Body> {
    let length = match l2tp_len {
        Some(l2tp_len) if length < l2tp_len => {
            let _ = write!(out, " Length {l2tp_len} larger than packet");
            return Ok(Body::Done);
        }
        Some(l2tp_len) => l2tp_len,
        None => length,
    };
    if length < cnt {
        let _ = write!(out, " Length {length} smaller than header length");
        return Ok(Body::Done);
    }
    if word & FLAG_TYPE == 0 {
        // print-ppp.c ppp_print: `goto trunc` below 2 bytes.
        if length - cnt < 2 {
            out.push_str(" { [|ppp]}");
            return Ok(Body::Done);
        }
        return Ok(Body::Decoded);
    }
    match (l2tp_len, length - cnt) {
        (None, _) => out.push_str(" No length"),
        (Some(_), 0) => out.push_str(" ZLB"),
        (Some(_), _) => return Ok(Body::Decoded),
    }
    Ok(Body::Done)
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect()
    }

    fn text(hex: &str) -> String {
        let p = bytes(hex);
        assert!(reproduced(&p), "{hex}");
        let mut out = String::new();
        if print(&mut out, Cap(&p), p.len()).is_err() {
            out.push_str(" [|l2tp]");
        }
        out
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn headers_print_as_tcpdump_does() {
        let flow: String = flow_datagram(0, 3, 30)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for (hex, line) in [
            ("", " [|l2tp]"),
            (&flow, " Unknown Version, neither L2F(1) nor L2TP(2)"),
            ("0001", " l2f:"),
            ("0002", " l2tp:[] [|l2tp]"),
            ("c0020000", " l2tp:[TL] [|l2tp]"),
            (
                "c002000c00010002",
                " l2tp:[TL](1/2) Length 12 larger than packet",
            ),
            ("8002000100020003", " l2tp:[T](1/2) No length"),
            (
                "0b02000100020003000400050000",
                " l2tp:[SOP](1/2)Ns=3,Nr=4 [|l2tp]",
            ),
            ("0202000100020003000441", " l2tp:[O](1/2) { [|ppp]}"),
        ] {
            assert_eq!(text(hex), line, "{hex}");
        }
    }

    /// tcpdump goes on into l2tp_avp_print or ppp_print.
    #[test]
    fn avps_and_ppp_frames_are_not_reproduced() {
        for hex in [
            "0002000100020003",
            "000200010002000301",
            "00020001000200030102",
            "c802000e000100020003000400ff",
            "0902000100020003000400050001aa",
        ] {
            assert!(!reproduced(&bytes(hex)), "{hex}");
        }
    }
}
