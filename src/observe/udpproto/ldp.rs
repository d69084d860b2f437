//! print-ldp.c ldp_print without `-v`, on UDP and TCP 646: the first
//! PDU's header line (RFC 5036 3.1), which is all tcpdump prints before
//! decoding messages under `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// sizeof(struct ldp_common_header) (version, PDU length, LSR Id, label
/// space) and sizeof(struct ldp_msg_header) (type, length, message Id).
const COMMON_HEADER: usize = 10;
const MESSAGE_HEADER: usize = 8;
/// print-ldp.c LDP_VERSION.
const VERSION: u16 = 1;

/// print-ldp.c ldp_print: nothing unless `len` exceeds both headers,
/// then ldp_pdu_print's line for the first PDU (it returns 0 without
/// `-v`, which ends the loop).
pub(in crate::observe) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    if len <= COMMON_HEADER + MESSAGE_HEADER {
        return Ok(());
    }
    p.need(0, COMMON_HEADER)?;
    let version = p.be16(0)?;
    if version != VERSION {
        let _ = write!(out, "LDP version {version} packet not supported");
        return Ok(());
    }
    // The PDU length excludes the version and length fields (3.1).
    let pdu_len = p.be16(2)?;
    let least = COMMON_HEADER - 4;
    if usize::from(pdu_len) < least {
        let _ = write!(out, "LDP, pdu-length: {pdu_len} (too short, < {least})");
        return Ok(());
    }
    let _ = write!(
        out,
        "LDP, Label-Space-ID: {}:{}, pdu-length: {pdu_len}",
        p.ip(4)?,
        p.be16(8)?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "ldp")
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn pdu_header_lines_print_as_tcpdump_does() {
        assert_eq!(text(&flow_datagram(0, 0, 18)), "");
        assert_eq!(
            text(&flow_datagram(0, 0, 19)),
            "LDP version 0 packet not supported"
        );
        let mut pdu = [0, 1, 0, 5, 1, 2, 3, 4, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(text(&pdu), "LDP, pdu-length: 5 (too short, < 6)");
        pdu[3] = 6;
        assert_eq!(text(&pdu), "LDP, Label-Space-ID: 1.2.3.4:9, pdu-length: 6");
        assert_eq!(text(&pdu[..9]), "", "not longer than both headers");
    }
}
