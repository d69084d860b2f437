//! IPv4 headers from a capture and from RFC 2113, taken apart, built,
//! round-tripped and cut at every length.

use super::*;
use proptest::prelude::*;

/// The first echo request of the `two-hosts-ping` scenario's capture
/// (tcpdump -v: `IP (tos 0x0, ttl 64, id 27538, offset 0, flags [none],
/// proto ICMP (1), length 84) 192.168.1.5 > 192.168.2.5: ICMP echo
/// request, id 1, seq 1, length 64`).
const ECHO_REQUEST: [u8; 84] = [
    0x45, 0x00, 0x00, 0x54, 0x6b, 0x92, 0x00, 0x00, 0x40, 0x01, 0x8a, 0xbc, 0xc0, 0xa8, 0x01, 0x05,
    0xc0, 0xa8, 0x02, 0x05, 0x08, 0x00, 0x91, 0xa2, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x0f, 0x42, 0x40, 0xf8, 0x17, 0x36, 0x55, 0x74, 0x93, 0xb2, 0xd1, 0xf0, 0x0f, 0x2e, 0x4d,
    0x6c, 0x8b, 0xaa, 0xc9, 0xe8, 0x07, 0x26, 0x45, 0x64, 0x83, 0xa2, 0xc1, 0xe0, 0xff, 0x1e, 0x3d,
    0x5c, 0x7b, 0x9a, 0xb9, 0xd8, 0xf7, 0x16, 0x35, 0x54, 0x73, 0x92, 0xb1, 0xd0, 0xef, 0x0e, 0x2d,
    0x4c, 0x6b, 0x8a, 0xa9,
];

/// A UDP datagram with the Router Alert option of RFC 2113 §2.1 (type
/// 0x94, length 4, value 0), TOS 0xb8 (DSCP EF) and TTL 1; tcpdump -vvv:
/// `IP (tos 0xb8, ttl 1, id 48879, offset 0, flags [none], proto UDP (17),
/// length 38, options (RA)) 10.0.0.1.5000 > 10.0.0.2.5001: [udp sum ok]`.
const ROUTER_ALERT: [u8; 38] = [
    0x46, 0xb8, 0x00, 0x26, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x11, 0x51, 0x19, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x94, 0x04, 0x00, 0x00, 0x13, 0x88, 0x13, 0x89, 0x00, 0x0e, 0x7e, 0x7f,
    0x76, 0x70, 0x6e, 0x6c, 0x61, 0x62,
];

fn echo_request() -> Repr {
    Repr {
        frag: frag::Repr::whole(27538, false),
        ..Repr::new(
            Ipv4Addr::new(192, 168, 1, 5),
            Ipv4Addr::new(192, 168, 2, 5),
            1,
            64,
            64,
        )
    }
}

fn router_alert() -> Repr {
    Repr {
        tos: 0xb8,
        frag: frag::Repr::whole(0xbeef, false),
        options: Options::new(&[0x94, 0x04, 0x00, 0x00]).unwrap(),
        ..Repr::new(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 2),
            17,
            1,
            14,
        )
    }
}

#[test]
fn deconstruct() {
    let p = Packet::new_checked(&ECHO_REQUEST[..]).expect("valid");
    assert_eq!((p.version(), p.header_len(), p.tos()), (4, 20, 0));
    assert_eq!(
        (p.total_len(), p.ident(), p.flags_and_offset()),
        (84, 27538, 0)
    );
    assert_eq!((p.ttl(), p.protocol(), p.checksum()), (64, 1, 0x8abc));
    assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 1, 5));
    assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 2, 5));
    assert!(p.verify_checksum() && p.options().is_empty());
    assert_eq!(p.payload(), &ECHO_REQUEST[20..]);
    let p = Packet::new_checked(&ROUTER_ALERT[..]).expect("valid");
    assert_eq!((p.header_len(), p.tos(), p.ttl()), (24, 0xb8, 1));
    assert_eq!(p.options(), &[0x94, 0x04, 0, 0]);
    assert_eq!(p.payload(), &ROUTER_ALERT[24..]);
}

#[test]
fn construct() {
    for (repr, bytes) in [
        (echo_request(), &ECHO_REQUEST[..]),
        (router_alert(), &ROUTER_ALERT[..]),
    ] {
        let mut out = vec![0xa5; bytes.len()];
        let header_len = repr.header_len();
        repr.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
        out[header_len..].copy_from_slice(&bytes[header_len..]);
        assert_eq!(out, bytes);
        assert_eq!(repr.to_header().unwrap(), &bytes[..header_len]);
    }
}

#[test]
fn parse_and_round_trip() {
    assert_eq!(Repr::parse_bytes(&ECHO_REQUEST), Ok(echo_request()));
    assert_eq!(Repr::parse_bytes(&ROUTER_ALERT), Ok(router_alert()));
    let fragment = Repr {
        frag: frag::Repr {
            ident: 9,
            dont_frag: true,
            more_frags: true,
            offset: 1480,
        },
        ..router_alert()
    };
    for repr in [echo_request(), router_alert(), fragment] {
        let mut bytes = repr.to_header().unwrap();
        bytes.resize(repr.total_len(), 0);
        assert_eq!(Repr::parse_bytes(&bytes), Ok(repr));
    }
}

#[test]
fn every_truncation_fails_cleanly() {
    for bytes in [&ECHO_REQUEST[..], &ROUTER_ALERT[..]] {
        for cut in 0..bytes.len() {
            assert_eq!(Repr::parse_bytes(&bytes[..cut]), Err(Error::Truncated));
        }
    }
}

#[test]
fn header_errors() {
    let mut bad = ECHO_REQUEST;
    bad[12] ^= 1;
    assert_eq!(Repr::parse_bytes(&bad), Err(Error::BadChecksum));
    for (at, value) in [(0, 0x65), (0, 0x44), (2, 0x00)] {
        let mut bad = ECHO_REQUEST;
        bad[at] = value;
        bad[3] = if at == 2 { 19 } else { bad[3] };
        let mut p = Packet::new_unchecked(&mut bad[..]);
        p.fill_checksum();
        assert_eq!(Repr::parse_bytes(&bad), Err(Error::Malformed), "{at}");
    }
    // Link padding after the total length is not the datagram's.
    let mut padded = ECHO_REQUEST.to_vec();
    padded.extend_from_slice(&[0xee; 6]);
    let p = Packet::new_checked(&padded[..]).unwrap();
    assert_eq!(p.payload(), &ECHO_REQUEST[20..]);
}

#[test]
fn emit_refuses_what_does_not_fit() {
    let too_long = Repr {
        payload_len: MAX_TOTAL_LEN - 19,
        ..echo_request()
    };
    assert_eq!(too_long.to_header(), Err(Error::Unrepresentable));
    let mut short = [0u8; 23];
    let emitted = router_alert().emit(&mut Packet::new_unchecked(&mut short[..]));
    assert_eq!(emitted, Err(Error::Unrepresentable));
    assert_eq!(Options::new(&[1, 1, 1]), Err(Error::Unrepresentable));
}

#[test]
fn ttl_decrement_keeps_checksum_valid() {
    let mut p = ECHO_REQUEST;
    for ttl in (0..64).rev() {
        Packet::new_unchecked(&mut p[..]).decrement_ttl();
        let h = Repr::parse_bytes(&p).expect("checksum still valid");
        assert_eq!(h.ttl, ttl);
    }
}

/// RFC 791 §3.1: Security (type 130) and Router Alert (148) have the
/// copied flag; Record Route (7) and NOP do not.
#[test]
fn options_walk_and_copied() {
    let options = Options::new(&[
        7, 7, 4, 0, 0, 0, 0, // record route, one empty slot
        1, // NOP
        0x82, 3, 0xaa, // security (shortened)
        0x94, 4, 0, 0, // router alert
        0, // end of list
    ])
    .unwrap();
    let kinds: Vec<_> = options.iter().map(|i| i.map(|i| (i.kind, i.at))).collect();
    assert_eq!(
        kinds,
        [Ok((7, 0)), Ok((1, 7)), Ok((0x82, 8)), Ok((0x94, 11))]
    );
    let copied = options.copied();
    assert_eq!(copied.as_bytes(), &[0x82, 3, 0xaa, 0x94, 4, 0, 0, 0]);
    let broken = Options::new(&[1, 0x94, 9, 0]).unwrap();
    let items: Vec<_> = broken.iter().collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1], Err(1));
    assert!(broken.copied().is_empty());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let p = Packet::new_unchecked(&bytes[..]);
        let _ = (p.header_len(), p.total_len(), p.src_addr(), p.options(), p.payload());
        let _ = Repr::parse_bytes(&bytes);
        let mut copy = bytes.clone();
        let mut p = Packet::new_unchecked(&mut copy[..]);
        p.decrement_ttl();
        p.fill_checksum();
        let _ = (p.header_mut().len(), p.payload_mut().len());
        if let Ok(h) = Repr::parse_bytes(&bytes) {
            for item in h.options.iter().flatten() {
                prop_assert!(item.at + item.bytes.len() <= h.options.len());
            }
            let _ = h.options.copied();
        }
    }
}
