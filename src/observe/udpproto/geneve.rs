//! print-geneve.c geneve_print (RFC 8926) without `-v`: flags, VNI,
//! reserved byte, option length, then the inner protocol.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::bittok;
use crate::observe::tcpdump::{Cap, Res};

/// RFC 8926 3.4: the fixed header is 8 bytes.
const HEADER_LEN: usize = 8;

/// print-geneve.c geneve_flag_values.
const FLAGS: &[(u32, &str)] = &[
    (0x80, "O"),
    (0x40, "C"),
    (0x20, "R1"),
    (0x10, "R2"),
    (0x08, "R3"),
    (0x04, "R4"),
    (0x02, "R5"),
    (0x01, "R6"),
];

/// Inner protocols below this value (IEEE 802.3 lengths) have no
/// printer in print-ether.c ethertype_print (its lowest is
/// ETHERTYPE_GEONET_OLD, 0x0707); tcpdump prints `geneve-proto-0x..`
/// for them. Others would print the inner packet, not reproduced here.
pub(super) const FIRST_ETHERTYPE: u16 = 0x0600;

/// Whether geneve_print stops before the inner packet, or reaches an
/// inner protocol this module prints.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    let (Some(&ver_opt), Some(&[hi, lo])) = (payload.first(), payload.get(2..4)) else {
        return true;
    };
    let opts_len = usize::from(ver_opt & 0x3f) * 4;
    payload.len() < HEADER_LEN + opts_len
        || ver_opt >> 6 != 0
        || u16::from_be_bytes([hi, lo]) < FIRST_ETHERTYPE
}

/// print-geneve.c geneve_print: `Geneve, Flags [..], vni 0x..[, rsvd
/// 0x..][, options [N bytes]]: geneve-proto-0x..`, or why it stops.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str("Geneve");
    if len < HEADER_LEN {
        let _ = write!(out, " [length {len} < 8] (invalid)");
        return Ok(());
    }
    p.need(0, HEADER_LEN)?;
    let ver_opt = p.u8(0)?;
    // RFC 8926 3.4: Ver in the top 2 bits, Opt Len in the low 6.
    let version = ver_opt >> 6;
    if version != 0 {
        let _ = write!(out, " ERROR: unknown-version {version}");
        return Ok(());
    }
    let flags = bittok(FLAGS, u32::from(p.u8(1)?), "").unwrap_or_else(|| "none".into());
    let protocol = p.be16(2)?;
    let vni = u32::from_be_bytes([0, p.u8(4)?, p.u8(5)?, p.u8(6)?]);
    let _ = write!(out, ", Flags [{flags}], vni 0x{vni:x}");
    let reserved = p.u8(7)?;
    if reserved != 0 {
        let _ = write!(out, ", rsvd 0x{reserved:x}");
    }
    let opts_len = usize::from(ver_opt & 0x3f) * 4;
    let left = len - HEADER_LEN;
    if left < opts_len {
        let _ = write!(out, " truncated-geneve - {} bytes missing", opts_len - left);
        return Ok(());
    }
    p.need(HEADER_LEN, opts_len)?;
    if opts_len > 0 {
        let _ = write!(out, ", options [{opts_len} bytes]");
    }
    let _ = write!(out, ": geneve-proto-0x{protocol:x}");
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
    fn header_fields_and_options() {
        assert_eq!(
            text(&flow_datagram(0, 0, 7)),
            ("Geneve [length 7 < 8] (invalid)".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 3, 300)),
            (
                "Geneve, Flags [none], vni 0x91b0cf, rsvd 0xee: geneve-proto-0x3".into(),
                false
            )
        );
        let mut p = [0u8; 16];
        p[..8].copy_from_slice(&[0x02, 0xc1, 0x00, 0x2a, 0, 0, 1, 0]);
        assert_eq!(
            text(&p),
            (
                "Geneve, Flags [OCR6], vni 0x1, options [8 bytes]: geneve-proto-0x2a".into(),
                false
            )
        );
        p[0] = 0x03;
        assert_eq!(
            text(&p),
            (
                "Geneve, Flags [OCR6], vni 0x1 truncated-geneve - 4 bytes missing".into(),
                false
            )
        );
        p[0] = 0x40;
        assert_eq!(text(&p), ("Geneve ERROR: unknown-version 1".into(), false));
    }

    #[test]
    fn ethertypes_with_a_printer_are_not_reproduced() {
        assert!(reproduced(&flow_datagram(0, 0x5ff, 8)));
        assert!(!reproduced(&[0, 0, 0x08, 0x00, 0, 0, 0, 0]));
        assert!(reproduced(&[0x40, 0, 0x08, 0x00, 0, 0, 0, 0]), "version 1");
        assert!(reproduced(&[1, 0, 0x08, 0x00, 0, 0, 0, 0]), "options cut");
        assert!(reproduced(&[]));
    }
}
