//! domain_print against what tcpdump 4.99.3 printed.

use super::*;

fn udp(p: &[u8], mdns: bool) -> String {
    let mut out = String::new();
    if print(&mut out, Cap(p), p.len(), mdns).is_err() {
        out.push_str(" [|domain]");
    }
    out
}

fn tcp(p: &[u8]) -> String {
    let mut out = String::new();
    if print_over_tcp(&mut out, Cap(p), p.len()).is_err() {
        out.push_str(" [|domain]");
    }
    out
}

/// A flow datagram as `node::apps::udp` sends it: the pattern of
/// `payload::fill`, its first 4 bytes replaced by the sequence number.
fn datagram(flow: usize, seq: u32, size: usize) -> Vec<u8> {
    let key = (seq * 7 + flow as u32 * 13) as u8;
    let mut p: Vec<u8> = (0..size)
        .map(|i| {
            (i as u8)
                .wrapping_mul(31)
                .wrapping_add((i >> 8) as u8)
                .wrapping_add(key)
        })
        .collect();
    if size >= 4 {
        p[..4].copy_from_slice(&seq.to_be_bytes());
    }
    p
}

// Expected strings are what tcpdump 4.99.3 printed after the ports.

#[test]
fn short_messages_are_invalid() {
    assert_eq!(udp(&[0, 0], false), "domain [length 2 < 12] (invalid)");
    assert_eq!(tcp(&[7]), " [DNS over TCP: length 1 < 2] (invalid)");
    assert_eq!(
        tcp(&[0x12, 0x34, 1, 2]),
        " [prefix length(4660) != length(2)] (invalid)"
    );
    assert_eq!(tcp(&[0, 1, 9]), " domain [length 1 < 12] (invalid)");
}

#[test]
fn queries_print_their_questions() {
    let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    q.extend_from_slice(b"\x03www\x07example\x03com\x00\x00\x01\x00\x01");
    assert_eq!(udp(&q, false), "4660+ A? www.example.com. (33)");
    let mut framed = vec![0, 33];
    framed.extend_from_slice(&q);
    assert_eq!(tcp(&framed), " 4660+ A? www.example.com. (33)");
    let n = q.len();
    q[n - 4..].copy_from_slice(&[0, 12, 0x80, 1]);
    assert_eq!(udp(&q, true), "4660+ PTR (QU)? www.example.com. (33)");
    assert_eq!(
        udp(&q, false),
        "4660+ PTR (Class 32769)? www.example.com. (33)"
    );
    assert_eq!(udp(&q[..20], false), "4660+ [|domain]");
}

#[test]
fn responses_print_their_answers() {
    let mut r = vec![0, 7, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0];
    r.extend_from_slice(b"\x01a\x00\x00\x01\x00\x01");
    r.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4]);
    r.extend_from_slice(b"\x01b\xc0\x0c");
    r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]);
    assert_eq!(udp(&r, false), "7 2/0/0 CNAME b.a., A 10.0.0.1 (51)");
    r[3] = 0x03;
    assert_eq!(
        udp(&r, false),
        "7 NXDomain- 2/0/0 CNAME b.a., A 10.0.0.1 (51)"
    );
}

/// An OPT record in the additional section carries the high RCODE
/// bits; without -vv only the counts show. A bit label (RFC 2673).
#[test]
fn opt_records_and_bit_labels() {
    let mut r = vec![0, 9, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];
    r.extend_from_slice(&[0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 12, 0, 10, 0, 8]);
    r.extend(0..8);
    assert_eq!(udp(&r, false), "9- [0q] 0/0/1 (35)");
    let mut q = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    q.extend_from_slice(&[0x41, 12, 0xab, 0xcd, 0, 0, 1, 0, 1]);
    assert_eq!(udp(&q, false), "1 A? \\[xabc/12]. (21)");
}

/// Flow datagrams: id 0, the sequence number as flags, counts and
/// names from the pattern.
#[test]
fn flow_datagrams_as_tcpdump_prints_them() {
    let cases = [
        (
            (0, 1, 100),
            false,
            "0 [b2&3=0x1] [49632a] [33698q] [65310n] [15708au] [|domain]",
        ),
        (
            (5, 3, 48),
            false,
            "0 [b2&3=0x3] [4143a] [54001q] [20077n] [36011au] Type2087 (Class 18021)? <BAD PTR> [|domain]",
        ),
        ((2, 32768, 300), false, "0- [38581q] [|domain]"),
        ((3, 40000, 1400), false, "0 op3*- [25474q] [|domain]"),
        (
            (1, 0, 1400),
            true,
            "0 [51174a] [35240q] [1316n] [17250au] [|domain]",
        ),
        (
            (0, 7, 100),
            true,
            "0 [b2&3=0x7] [60170a] [44492q] [10568n] [26502au] [|domain]",
        ),
        ((0, 0, 2), false, "domain [length 2 < 12] (invalid)"),
    ];
    for ((flow, seq, size), mdns, want) in cases {
        assert_eq!(
            udp(&datagram(flow, seq, size), mdns),
            want,
            "{flow} {seq} {size}"
        );
    }
}
