//! print-olsr.c olsr_print (OLSR, RFC 3626, UDP 698) as `tcpdump -n`
//! prints it without `-v`: the version of the IP header it came in and
//! the packet header's sequence number and length.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res, Truncated};

/// print-olsr.c struct olsr_common: packet length and sequence number.
const COMMON_LEN: usize = 4;

/// print-olsr.c olsr_print over IPv4: `OLSRv4`, ` [|olsr]` for a datagram
/// shorter than the packet header, else the sequence number and the
/// lesser of the UDP and packet lengths (`ND_MIN`); without `-v` it
/// returns there.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str("OLSRv4");
    if len < COMMON_LEN {
        return Err(Truncated);
    }
    p.need(0, COMMON_LEN)?;
    let length = len.min(usize::from(p.be16(0)?));
    let _ = write!(out, ", seq 0x{:04x}, length {length}", p.be16(2)?);
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
    fn flow_datagrams_carry_their_sequence_number() {
        assert_eq!(
            text(&flow_datagram(0, 2, 8)),
            ("OLSRv4, seq 0x0002, length 0".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 5, 3)), ("OLSRv4".into(), true));
        assert_eq!(
            text(&[0, 6, 0x12, 0x34, 0, 0, 0, 0]),
            ("OLSRv4, seq 0x1234, length 6".into(), false)
        );
    }
}
