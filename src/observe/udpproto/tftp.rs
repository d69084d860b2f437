//! print-tftp.c tftp_print (RFC 1350, RFC 2347 for OACK).
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::{print_zt, tok};
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// print-tftp.c op2str.
const OPCODES: &[(u32, &str)] = &[
    (1, "RRQ"),
    (2, "WRQ"),
    (3, "DATA"),
    (4, "ACK"),
    (5, "ERROR"),
    (6, "OACK"),
];

/// print-tftp.c err2str.
const ERRORS: &[(u32, &str)] = &[
    (0, "EUNDEF"),
    (1, "ENOTFOUND"),
    (2, "EACCESS"),
    (3, "ENOSPACE"),
    (4, "EBADOP"),
    (5, "EBADID"),
    (6, "EEXISTS"),
    (7, "ENOUSER"),
];

/// print-tftp.c tftp_print: `TFTP, length N, OPCODE` and what the opcode
/// carries; an unknown opcode prints `tftp-#N` and nothing more.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let _ = write!(out, "TFTP, length {len}");
    if len < 2 {
        return Err(Truncated);
    }
    let opcode = p.be16(0)?;
    let Some(name) = tok(OPCODES, u32::from(opcode)) else {
        let _ = write!(out, ", tftp-#{opcode}");
        return Ok(());
    };
    let _ = write!(out, ", {name}");
    let (p, len) = (p.from(2), len - 2);
    match opcode {
        1 | 2 => request(out, p, len),
        6 => options(out, p, len),
        3 | 4 => {
            if len < 2 {
                return Err(Truncated);
            }
            let _ = write!(out, " block {}", p.be16(0)?);
            Ok(())
        }
        _ => error(out, p, len),
    }
}

/// RRQ and WRQ: the quoted file name, the mode, then any options.
fn request(out: &mut String, p: Cap, len: usize) -> Res {
    if len == 0 {
        return Err(Truncated);
    }
    out.push_str(" \"");
    let took = print_zt(out, p, len)?;
    out.push('"');
    if took == 0 || len == took {
        return Err(Truncated);
    }
    out.push(' ');
    let mode = print_zt(out, p.from(took), len - took)?;
    if mode == 0 {
        return Err(Truncated);
    }
    options(out, p.from(took + mode), len - took - mode)
}

/// OACK and the tail of a request: NUL-terminated strings, each after a
/// blank unless it is empty.
fn options(out: &mut String, mut p: Cap, mut len: usize) -> Res {
    while len != 0 {
        if p.u8(0)? != 0 {
            out.push(' ');
        }
        let took = print_zt(out, p, len)?;
        if took == 0 {
            return Err(Truncated);
        }
        p = p.from(took);
        len -= took;
    }
    Ok(())
}

/// ERROR: the error code's name and the quoted message.
fn error(out: &mut String, p: Cap, len: usize) -> Res {
    if len < 2 {
        return Err(Truncated);
    }
    let code = p.be16(0)?;
    match tok(ERRORS, u32::from(code)) {
        Some(name) => {
            let _ = write!(out, " {name}");
        }
        // The format string of tok2str keeps its stray quote.
        None => {
            let _ = write!(out, " tftp-err-#{code} \"");
        }
    }
    if len == 2 {
        return Err(Truncated);
    }
    out.push_str(" \"");
    let took = print_zt(out, p.from(2), len - 2)?;
    out.push('"');
    if took == 0 {
        return Err(Truncated);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.

    /// A flow datagram starts with its 32-bit sequence number: opcode 0.
    #[test]
    fn flow_payloads_have_unknown_opcodes() {
        assert_eq!(
            text(&[0, 0, 0, 1, 0x11, 0x30]),
            ("TFTP, length 6, tftp-#0".into(), false)
        );
        assert_eq!(text(&[0, 31]), ("TFTP, length 2, tftp-#31".into(), false));
        assert_eq!(text(&[7]), ("TFTP, length 1".into(), true));
    }

    #[test]
    fn requests_data_and_errors() {
        let rrq = b"\x00\x01boot.img\x00octet\x00blksize\x001428\x00";
        assert_eq!(
            text(rrq),
            (
                "TFTP, length 30, RRQ \"boot.img\" octet blksize 1428".into(),
                false
            )
        );
        assert_eq!(
            text(&[0, 3, 0, 9, 0xaa]),
            ("TFTP, length 5, DATA block 9".into(), false)
        );
        assert_eq!(
            text(b"\x00\x05\x00\x01no\x00"),
            ("TFTP, length 7, ERROR ENOTFOUND \"no\"".into(), false)
        );
        assert_eq!(
            text(b"\x00\x01name"),
            ("TFTP, length 6, RRQ \"name\"".into(), true)
        );
    }
}
