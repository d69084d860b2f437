//! print-hncp.c hncp_print (HNCP, RFC 7788, UDP 8231) as `tcpdump -n`
//! prints it without `-v`: the length, then the top-level TLVs in line
//! (is_in_line), runs of one type as `NAME (xN)`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::tok;
use crate::observe::tcpdump::{Cap, Res};

/// print-hncp.c RANGE_DNCP_RESERVED .. RANGE_DNCP_FUTURE_USE: the
/// `type_mask` of TLV types without a name.
const RESERVED: u32 = 0x10000;
const UNASSIGNED: u32 = 0x10001;
const PRIVATE_USE: u32 = 0x10002;
const FUTURE_USE: u32 = 0x10003;

/// print-hncp.c type_values (RFC 7787 and RFC 7788 TLVs, then the ranges).
const TYPES: &[(u32, &str)] = &[
    (1, "Request network state"),
    (2, "Request node state"),
    (3, "Node endpoint"),
    (4, "Network state"),
    (5, "Node state"),
    (8, "Peer"),
    (9, "Keep-alive interval"),
    (10, "Trust-Verdict"),
    (32, "HNCP-Version"),
    (33, "External-Connection"),
    (34, "Delegated-Prefix"),
    (43, "Prefix-Policy"),
    (37, "DHCPv4-Data"),
    (38, "DHCPv6-Data"),
    (35, "Assigned-Prefix"),
    (36, "Node-Address"),
    (39, "DNS-Delegated-Zone"),
    (40, "Domain-Name"),
    (41, "Node-Name"),
    (42, "Managed-PSK"),
    (RESERVED, "Reserved"),
    (UNASSIGNED, "Unassigned"),
    (PRIVATE_USE, "Private use"),
    (FUTURE_USE, "Future use"),
];

/// print-hncp.c hncp_print: `hncp (LEN)` and hncp_print_rec at indent 1,
/// which without `-v` prints the TLV types in line; a TLV past the
/// capture ends in ` [|hncp]`, one past `len` in ` (invalid)`, either
/// dropping the run of types not yet printed.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let _ = write!(out, "hncp ({len})");
    let mut run: Option<(u32, usize)> = None;
    let mut first = true;
    let mut i = 0;
    while i < len {
        p.need(i, 4)?;
        if i + 4 > len {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let (tlv_type, bodylen) = (p.be16(i)?, usize::from(p.be16(i + 2)?));
        p.need(i + 4, bodylen)?;
        if i + bodylen + 4 > len {
            out.push_str(" (invalid)");
            return Ok(());
        }
        let mask = type_mask(tlv_type);
        match &mut run {
            Some((last, count)) if *last == mask => *count += 1,
            _ => {
                if let Some(done) = run.replace((mask, 1)) {
                    print_type_in_line(out, done, &mut first);
                }
            }
        }
        // roundup2: TLVs are padded to 4 bytes.
        i += 4 + bodylen.next_multiple_of(4);
    }
    if let Some(done) = run {
        print_type_in_line(out, done, &mut first);
    }
    Ok(())
}

/// print-hncp.c print_type_in_line at indent 1: ` ` before the first
/// run, `, ` between them, the type's name and ` (xN)` for a run.
fn print_type_in_line(out: &mut String, (mask, count): (u32, usize), first: &mut bool) {
    out.push_str(if std::mem::take(first) { " " } else { ", " });
    out.push_str(tok(TYPES, mask).unwrap_or("Easter Egg"));
    if count > 1 {
        let _ = write!(out, " (x{count})");
    }
}

/// hncp_print_rec's `type_mask`: the type itself when type_values names
/// it, else its range (6 and 7 are future use).
fn type_mask(tlv_type: u16) -> u32 {
    let t = u32::from(tlv_type);
    if tok(TYPES, t).is_some() {
        return t;
    }
    match tlv_type {
        0 => RESERVED,
        44..=511 => UNASSIGNED,
        768..=1023 => PRIVATE_USE,
        _ => FUTURE_USE,
    }
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
    fn flow_datagrams_are_reserved_tlvs_or_cut() {
        assert_eq!(text(&flow_datagram(0, 0, 48)), ("hncp (48)".into(), true));
        assert_eq!(
            text(&flow_datagram(0, 2, 8)),
            ("hncp (8) Reserved".into(), false)
        );
        assert_eq!(text(&[0; 10]), ("hncp (10)".into(), true));
        assert_eq!(text(&[]), ("hncp (0)".into(), false));
        let mut runs = [0u8; 44];
        runs[16..18].copy_from_slice(&[0, 8]);
        runs[40..42].copy_from_slice(&[0, 9]);
        assert_eq!(
            text(&runs),
            (
                "hncp (44) Reserved (x4), Peer, Reserved (x5), Keep-alive interval".into(),
                false
            )
        );
        assert_eq!(
            text(&runs[..42]),
            ("hncp (42) Reserved (x4), Peer".into(), true),
            "the run of Reserved TLVs is dropped"
        );
    }
}
