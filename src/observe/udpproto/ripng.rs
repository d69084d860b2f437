//! print-ripng.c ripng_print (RFC 2080) for the datagrams it rejects
//! before the route entries: a version other than 1, or an unknown
//! command. Requests and responses of version 1 print their entries and
//! are not reproduced (see [`reproduced`]).
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-ripng.c RIP6_VERSION, RIP6_REQUEST and RIP6_RESPONSE.
const VERSION: u8 = 1;
const REQUEST: u8 = 1;
const RESPONSE: u8 = 2;

/// Whether ripng_print stops before any route entry (RFC 2080 2.1:
/// command, then version).
pub(super) fn reproduced(payload: &[u8]) -> bool {
    !matches!(payload, [REQUEST | RESPONSE, VERSION, ..])
}

/// print-ripng.c ripng_print: ` [vers V] (invalid)` or
/// ` ripng-CMD ?? LEN (invalid)`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let version = p.u8(1)?;
    if version != VERSION {
        let _ = write!(out, " [vers {version}] (invalid)");
        return Ok(());
    }
    let command = p.u8(0)?;
    let _ = write!(out, " ripng-{command} ?? {len} (invalid)");
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
    fn version_and_command_checks() {
        assert_eq!(
            text(&flow_datagram(0, 5, 300)),
            (" [vers 0] (invalid)".into(), false)
        );
        assert_eq!(text(&[0x9c, 0xbb]), (" [vers 187] (invalid)".into(), false));
        assert_eq!(
            text(&[0, 1, 0, 0]),
            (" ripng-0 ?? 4 (invalid)".into(), false)
        );
        assert_eq!(text(&[0x9c]), (String::new(), true));
        assert!(!reproduced(&[2, 1, 0, 0]));
        assert!(reproduced(&[3, 1, 0, 0]));
    }
}
