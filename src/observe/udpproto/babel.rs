//! print-babel.c babel_print (RFC 8966) as `tcpdump -n` prints it
//! without `-v`: `babel`, the magic (42) and the version. Version 2
//! bodies (babel_print_v2's TLV names) are not reproduced: [`reproduced`]
//! tells `ports` which datagrams to warn about.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// The magic byte of every Babel packet (RFC 8966 4.2).
const MAGIC: u8 = 42;
/// The version babel_print decodes further.
const VERSION_2: u8 = 2;

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// version 2 packets (magic 42, version 2, with the 4-byte header).
pub(super) fn reproduced(payload: &[u8]) -> bool {
    !matches!(payload, [MAGIC, VERSION_2, _, _, ..])
}

/// print-babel.c babel_print: `babel` and ` [|babel]` before 4 bytes,
/// ` invalid header` without the magic, else ` VERSION` and, for versions
/// other than 2, ` unknown version`.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    out.push_str("babel");
    p.need(0, 4)?;
    if p.u8(0)? != MAGIC {
        out.push_str(" invalid header");
        return Ok(());
    }
    let version = p.u8(1)?;
    let _ = write!(out, " {version}");
    if version != VERSION_2 {
        out.push_str(" unknown version");
    }
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
    fn flow_datagrams_have_no_magic() {
        assert_eq!(
            text(&flow_datagram(0, 5, 48)),
            ("babel invalid header".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 5, 3)), ("babel".into(), true));
    }

    #[test]
    fn versions_other_than_2_are_unknown() {
        assert_eq!(
            text(&[42, 1, 0, 0]),
            ("babel 1 unknown version".into(), false)
        );
        assert!(!reproduced(&[42, 2, 0, 0]));
        assert!(reproduced(&[42, 2, 0]));
    }
}
