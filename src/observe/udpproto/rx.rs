//! print-rx.c rx_print (AFS Rx, UDP 7000-7009) without `-v`: the packet
//! type, the acknowledgement of an ack packet, and the length. The AFS
//! calls and replies of data packets (`fs_print`, `cb_print`, ... and
//! their replies through the call cache) are not reproduced: tcpdump
//! prints them only for a data packet with sequence number 1 and the
//! client-initiated flag, which a flow datagram never is (its bytes 12
//! to 15 are pattern bytes, not 0 0 0 1).
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tok;
use crate::observe::tcpdump::{Cap, Res};

/// print-rx.c `struct rx_header` and `struct rx_ackPacket`.
const HEADER_LEN: usize = 28;
const ACK_LEN: usize = 18;

/// print-rx.c rx_types.
const TYPES: &[(u32, &str)] = &[
    (1, "data"),
    (2, "ack"),
    (3, "busy"),
    (4, "abort"),
    (5, "ackall"),
    (6, "challenge"),
    (7, "response"),
    (8, "debug"),
    (9, "params"),
    (13, "version"),
];

const TYPE_ACK: u8 = 2;

/// print-rx.c rx_ack_reasons.
const ACK_REASONS: &[(u32, &str)] = &[
    (1, "ack requested"),
    (2, "duplicate packet"),
    (3, "out of sequence"),
    (4, "exceeds window"),
    (5, "no buffer space"),
    (6, "ping"),
    (7, "ping response"),
    (8, "delay"),
    (9, "idle"),
];

/// print-rx.c RX_ACK_TYPE_NACK and RX_ACK_TYPE_ACK.
const NACK: u8 = 0;
const ACK: u8 = 1;

/// print-rx.c rx_print: ` rx TYPE`, an ack's summary, ` (LENGTH)`.
pub(super) fn print(out: &mut String, p: Cap, len: usize, _sport: u16, _dport: u16) -> Res {
    if !p.has(0, HEADER_LEN) {
        let _ = write!(out, " [|rx] ({len})");
        return Ok(());
    }
    let kind = p.u8(20)?;
    match tok(TYPES, u32::from(kind)) {
        Some(name) => {
            let _ = write!(out, " rx {name}");
        }
        None => {
            let _ = write!(out, " rx type {kind}");
        }
    }
    // Data packets with seq 1 and the client-init flag go to the AFS
    // printers (not reproduced); replies need the call cache they fill.
    if kind == TYPE_ACK && len >= HEADER_LEN {
        ack(out, p.from(HEADER_LEN));
    }
    let _ = write!(out, " ({len})");
    Ok(())
}

/// print-rx.c rx_ack_print: the first packet, serial and reason, then
/// the acked and nacked packet numbers as ranges. A missing byte prints
/// ` [|ack]` and rx_print goes on.
fn ack(out: &mut String, p: Cap) {
    if ack_summary(out, p).is_err() {
        out.push_str(" [|ack]");
    }
}

fn ack_summary(out: &mut String, p: Cap) -> Res {
    p.need(0, ACK_LEN)?;
    let (first, serial, reason) = (p.be32(4)?, p.be32(12)?, p.u8(16)?);
    let _ = write!(out, " first {first} serial {serial} reason ");
    match tok(ACK_REASONS, u32::from(reason)) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "#{reason}");
        }
    }
    let n = usize::from(p.u8(17)?);
    if n == 0 {
        return Ok(());
    }
    p.need(ACK_LEN, n)?;
    let acks = p.from(ACK_LEN).cut(n).0;
    ranges(out, " acked", acks, ACK, first);
    ranges(out, " nacked", acks, NACK, first);
    Ok(())
}

/// The packet numbers `first + i` whose ack byte is `want`, as
/// `LABEL a-b,c,d-e`, the way rx_ack_print collapses them.
fn ranges(out: &mut String, label: &str, acks: &[u8], want: u8, first: u32) {
    let number = |i: usize| first.wrapping_add(i as u32);
    let (mut start, mut last): (Option<usize>, Option<usize>) = (None, None);
    for (i, &a) in acks.iter().enumerate() {
        let follows = last.is_some_and(|l| l + 1 == i);
        if a == want {
            if last.is_none() {
                let _ = write!(out, "{label} {}", number(i));
                start = Some(i);
            } else if !follows {
                let _ = write!(out, ",{}", number(i));
                start = Some(i);
            }
            last = Some(i);
        } else if follows && start != last {
            let _ = write!(out, "-{}", number(i - 1));
        }
    }
    if last.is_some_and(|l| l + 1 == acks.len()) && start != last {
        let _ = write!(out, "-{}", number(acks.len() - 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        let mut out = String::new();
        assert!(print(&mut out, Cap(p), p.len(), 40000, 7001).is_ok());
        out
    }

    fn header(kind: u8) -> Vec<u8> {
        let mut h = vec![0u8; HEADER_LEN];
        h[20] = kind;
        h
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.

    #[test]
    fn types_and_short_packets() {
        assert_eq!(text(&[0, 1]), " [|rx] (2)");
        assert_eq!(text(&header(73)), " rx type 73 (28)");
        assert_eq!(text(&header(13)), " rx version (28)");
        assert_eq!(text(&header(TYPE_ACK)), " rx ack [|ack] (28)");
    }

    #[test]
    fn acks_collapse_into_ranges() {
        let mut p = header(TYPE_ACK);
        let mut a = vec![0u8; ACK_LEN];
        a[4..8].copy_from_slice(&10u32.to_be_bytes());
        a[12..16].copy_from_slice(&7u32.to_be_bytes());
        a[16] = 6;
        a[17] = 7;
        p.extend(a);
        p.extend([1, 1, 1, 0, 1, 0, 0]);
        assert_eq!(
            text(&p),
            " rx ack first 10 serial 7 reason ping acked 10-12,14 nacked 13,15-16 (53)"
        );
        p.truncate(HEADER_LEN + ACK_LEN + 3);
        p[HEADER_LEN + 16] = 99;
        assert_eq!(text(&p), " rx ack first 10 serial 7 reason #99 [|ack] (49)");
    }
}
