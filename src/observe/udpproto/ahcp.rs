//! print-ahcp.c ahcp_print (Ad-Hoc Configuration Protocol) as `tcpdump
//! -n` prints it without `-v`: `AHCP`, then the magic and version checks.
//! Version 1 bodies (ahcp1_body_print's options) are not reproduced:
//! [`reproduced`] tells `ports` which datagrams to warn about.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-ahcp.c AHCP_MAGIC_NUMBER and AHCP_VERSION_1.
const MAGIC: u8 = 43;
const VERSION_1: u8 = 1;

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// version 1 datagrams (magic 43, version 1).
pub(super) fn reproduced(payload: &[u8]) -> bool {
    payload.get(..2) != Some(&[MAGIC, VERSION_1])
}

/// print-ahcp.c ahcp_print: `AHCP (invalid)` for a short datagram or a
/// wrong magic, `AHCP Version V (unknown)` for versions other than 1,
/// each checking (`ND_TCHECK_LEN`) that the rest was captured.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str("AHCP");
    if len < 2 || p.u8(0)? != MAGIC {
        out.push_str(" (invalid)");
        return p.need(0, len);
    }
    match p.u8(1)? {
        VERSION_1 => out.push_str(" Version 1"),
        version => {
            let _ = write!(out, " Version {version} (unknown)");
            p.need(2, len - 2)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn flow_datagrams_have_no_magic() {
        assert_eq!(
            text(&flow_datagram(0, 0, 48)),
            ("AHCP (invalid)".into(), false)
        );
        assert_eq!(text(&[]), ("AHCP (invalid)".into(), false));
        assert_eq!(
            text(&[43, 2, 0, 0]),
            ("AHCP Version 2 (unknown)".into(), false)
        );
        assert!(!reproduced(&[43, 1, 0, 0]));
        assert!(reproduced(&[43, 2]));
    }

    #[test]
    fn uncaptured_bytes_end_in_truncation() {
        let mut out = String::new();
        assert!(print(&mut out, Cap(&[43, 2, 0]), 9).is_err());
        assert_eq!(out, "AHCP Version 2 (unknown)");
    }
}
