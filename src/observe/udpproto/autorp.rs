//! print-pim.c cisco_autorp_print (Cisco Auto-RP, UDP 496) as `tcpdump
//! -n` prints it: the message type, the hold time and each RP with its
//! group entries.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res, Truncated};

/// Type, RP count, hold time and 4 reserved bytes.
const HEADER_LEN: usize = 8;
/// An entry: flags (negative, bidir), mask length and group address.
const ENTRY_LEN: usize = 6;

/// print-pim.c cisco_autorp_print: ` [|cisco_autorp]` under 8 bytes,
/// else ` auto-rp TYPE Hold TIME` and the RPs; each `len` check that
/// fails ends in ` [|cisco_autorp]` too.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    if len < HEADER_LEN {
        return Err(Truncated);
    }
    out.push_str(" auto-rp ");
    match p.u8(0)? {
        0x11 => out.push_str("candidate-advert"),
        0x12 => out.push_str("mapping"),
        other => {
            let _ = write!(out, "type-0x{other:02x}");
        }
    }
    let numrps = p.u8(1)?;
    out.push_str(" Hold ");
    match p.be16(2)? {
        0 => out.push_str("FOREVER"),
        hold => unsigned_relts(out, u32::from(hold)),
    }
    let mut at = HEADER_LEN;
    for _ in 0..numrps {
        at = rp(out, p, at, len)?;
    }
    Ok(())
}

/// One RP: ` RP ADDR`, its PIM versions (reserved bits shown), then its
/// entries, `[!]GROUP/MASK` separated by commas; returns where the next
/// RP starts.
fn rp(out: &mut String, p: Cap, at: usize, len: usize) -> Res<usize> {
    let within = |end: usize| if len < end { Err(Truncated) } else { Ok(()) };
    within(at + 4)?;
    let _ = write!(out, " RP {}", p.ip(at)?);
    within(at + 5)?;
    let versions = p.u8(at + 4)?;
    // `& 3` keeps the index within the four names.
    out.push_str([" PIMv?", " PIMv1", " PIMv2", " PIMv1+2"][usize::from(versions & 3)]);
    if versions & 0xfc != 0 {
        let _ = write!(out, " [rsvd=0x{:02x}]", versions & 0xfc);
    }
    within(at + 6)?;
    let entries = p.u8(at + 5)?;
    let mut at = at + 6;
    for i in 0..entries {
        within(at + ENTRY_LEN)?;
        let flags = p.u8(at)?;
        let sep = if i == 0 { ' ' } else { ',' };
        let negative = if flags & 1 != 0 { "!" } else { "" };
        let (group, mask) = (p.ip(at + 2)?, p.u8(at + 1)?);
        let _ = write!(out, "{sep}{negative}{group}/{mask}");
        if flags & 0x02 != 0 {
            out.push_str(" bidir");
        }
        if flags & 0xfc != 0 {
            let _ = write!(out, "[rsvd=0x{:02x}]", flags & 0xfc);
        }
        at += ENTRY_LEN;
    }
    Ok(at)
}

/// util-print.c unsigned_relts_print: `1y2w3d4h5m6s`, units of zero left
/// out (`0s` for none).
fn unsigned_relts(out: &mut String, mut secs: u32) {
    const UNITS: [(u32, &str); 6] = [
        (31_536_000, "y"),
        (604_800, "w"),
        (86_400, "d"),
        (3600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    if secs == 0 {
        out.push_str("0s");
    }
    for (unit, name) in UNITS {
        if secs >= unit {
            let _ = write!(out, "{}{name}", secs / unit);
            secs %= unit;
        }
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
    fn flow_datagrams_have_no_rps() {
        assert_eq!(
            text(&flow_datagram(0, 0, 48)),
            (" auto-rp type-0x00 Hold FOREVER".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 2, 8)),
            (" auto-rp type-0x00 Hold 2s".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 5, 3)), (String::new(), true));
    }
}
