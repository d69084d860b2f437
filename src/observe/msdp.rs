//! print-msdp.c msdp_print (RFC 3618, TCP 639) as `tcpdump -n` prints it
//! without `-v`: `: msdp`, then a word or two per TLV (Source-Active
//! entry counts, the SA-Request group, Keepalive, Notification); a
//! segment that does not start with a plausible TLV is ` [|msdp]`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tcpdump::{Cap, Res, Truncated};

/// print-msdp.c MSDP_TYPE_MAX.
const TYPE_MAX: u8 = 7;

/// The type and length octets that begin every TLV.
const TLV_HEADER_LEN: usize = 3;

/// A TLV's type and its length, which counts the TLV header.
fn tlv_header(p: Cap, at: usize) -> Res<(u8, usize)> {
    Ok((p.u8(at)?, usize::from(p.be16(at + 1)?)))
}

/// print-msdp.c msdp_print: `len` is the TCP payload length, `p` the
/// captured payload. Every `goto trunc` is [`Truncated`].
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str(": msdp");
    // "See if we think we're at the beginning of a compound packet".
    let (kind, tlv_len) = tlv_header(p, 0)?;
    if !(TLV_HEADER_LEN..=1500).contains(&tlv_len) || !(1..=TYPE_MAX).contains(&kind) {
        return Err(Truncated);
    }
    let mut at = 0;
    let mut left = len;
    while left != 0 {
        let (kind, tlv_len) = tlv_header(p, at)?;
        if tlv_len > 1400 {
            let _ = write!(out, " [len {tlv_len}]");
        }
        if tlv_len < TLV_HEADER_LEN || left < tlv_len {
            return Err(Truncated);
        }
        tlv(out, p, at + TLV_HEADER_LEN, kind, tlv_len)?;
        at += tlv_len;
        left -= tlv_len;
    }
    Ok(())
}

/// The `switch (type)` of msdp_print, for the TLV value at `at`.
fn tlv(out: &mut String, p: Cap, at: usize, kind: u8, tlv_len: usize) -> Res {
    match kind {
        1 | 3 => {
            out.push_str(if kind == 1 { " SA" } else { " SA-Response" });
            let entries = p.u8(at)?;
            let _ = write!(out, " {entries} entries");
            // Each entry is 12 octets after 8 of TLV header and counts.
            if usize::from(entries) * 12 + 8 < tlv_len {
                out.push_str(" [w/data]");
            }
        }
        2 => {
            out.push_str(" SA-Request");
            let _ = write!(out, " for {}", p.ip(at + 1)?);
        }
        4 => {
            out.push_str(" Keepalive");
            if tlv_len != TLV_HEADER_LEN {
                let _ = write!(out, "[len={tlv_len}] ");
            }
        }
        5 => out.push_str(" Notification"),
        _ => {
            let _ = write!(out, " [type={kind} len={tlv_len}]");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "msdp")
    }

    // Expected strings are what tcpdump 4.99.3 printed after `length N`
    // for a TCP segment to port 639 with the same payload.

    #[test]
    fn each_tlv_gets_its_words() {
        assert_eq!(text(&[4, 0, 3]), ": msdp Keepalive");
        assert_eq!(
            text(&[4, 0, 3, 4, 0, 5, 1, 2]),
            ": msdp Keepalive Keepalive[len=5] "
        );
        let mut sa = vec![1, 0, 20, 1];
        sa.resize(20, 0);
        assert_eq!(text(&sa), ": msdp SA 1 entries");
        let mut response = vec![3, 0, 40, 1];
        response.resize(40, 0);
        assert_eq!(text(&response), ": msdp SA-Response 1 entries [w/data]");
        assert_eq!(
            text(&[2, 0, 8, 0, 10, 1, 2, 3]),
            ": msdp SA-Request for 10.1.2.3"
        );
        assert_eq!(
            text(&[5, 0, 3, 7, 0, 3]),
            ": msdp Notification [type=7 len=3]"
        );
        assert_eq!(text(&[4, 0, 3, 0, 0, 3]), ": msdp Keepalive [type=0 len=3]");
    }

    #[test]
    fn implausible_or_cut_tlvs_are_truncated() {
        let mut long = vec![1, 5, 0xdc, 2];
        long.resize(14, 0);
        assert_eq!(text(&long), ": msdp [len 1500] [|msdp]");
        let mut longer = vec![1, 5, 0x7d, 2];
        longer.resize(1404, 0);
        assert_eq!(text(&longer), ": msdp [len 1405] [|msdp]");
        assert_eq!(text(&[4, 0]), ": msdp [|msdp]");
        assert_eq!(text(&[8, 0, 3]), ": msdp [|msdp]");
        assert_eq!(text(&[4, 0, 3, 2, 0, 9, 1]), ": msdp Keepalive [|msdp]");
        assert_eq!(text(&[2, 0, 3, 1]), ": msdp SA-Request [|msdp]");
    }
}
