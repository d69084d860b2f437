//! print-lwres.c lwres_print (BIND 9 lightweight resolver, UDP 921) as
//! `tcpdump -n` prints it without `-v`, for packets of versions other than
//! 0: the version and a length mismatch. Version 0 packets, whose opcodes
//! tcpdump goes on to decode, are not reproduced: [`reproduced`] tells
//! `ports` which datagrams to warn about.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-lwres.c struct lwres_lwpacket, up to `authlength`.
const HEADER_LEN: usize = 28;
/// print-lwres.c LWRES_LWPACKETVERSION_0.
const VERSION_0: u16 = 0;

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// whole headers of version 0.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    Cap(payload).need(0, HEADER_LEN).is_err() || Cap(payload).be16(4) != Ok(VERSION_0)
}

/// print-lwres.c lwres_print: ` [|lwres]` without the whole header
/// (`ND_TCHECK_2(np->authlength)`), else ` lwres vN` and, at `tail`,
/// ` [len: L != N]` when the header's length is not the UDP length; the
/// `[extra]` check never holds for these versions (`s` is `bp + length`).
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    p.need(0, HEADER_LEN)?;
    let _ = write!(out, " lwres v{}", p.be16(4)?);
    let length = p.be32(0)?;
    if usize::try_from(length) != Ok(len) {
        let _ = write!(out, " [len: {length} != {len}]");
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
    fn flow_datagrams_are_of_unknown_versions() {
        assert_eq!(
            text(&flow_datagram(0, 0, 48)),
            (" lwres v31899 [len: 0 != 48]".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 2, 8)), (String::new(), true));
        assert!(reproduced(&flow_datagram(0, 0, 48)));
        assert!(!reproduced(&[0; 28]));
    }

    #[test]
    fn a_matching_length_prints_no_mismatch() {
        let mut p = [0; 28];
        p[3] = 28;
        p[5] = 1;
        assert_eq!(text(&p), (" lwres v1".into(), false));
    }
}
