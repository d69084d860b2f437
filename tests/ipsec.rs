//! Property tests of the IPsec data plane through its public API: round
//! trips for every algorithm, mode and bundle; single-bit changes under an
//! ICV are rejected and counted; random bytes never panic.

mod common;

use std::net::Ipv4Addr;

use proptest::prelude::*;
use smoltcp::time::Instant;
use vpnlab::crypto::{AuthAlg, EncAlg};
use vpnlab::ipsec::IpsecEngine;
use vpnlab::ipsec::pfkey::Request;
use vpnlab::ipsec::spec::*;
use vpnlab::kernel::Datagram;
use vpnlab::kernel::counters::DropReason;
use vpnlab::kernel::hook::{PacketMeta, Verdict};
use vpnlab::wire::{frag, ipv4};

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const GW_A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const GW_B: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

#[derive(Clone, Copy, Debug)]
enum Bundle {
    Esp(EncAlg, AuthAlg),
    Ah(AuthAlg),
    EspAh(EncAlg, AuthAlg),
}

fn key(len: usize, fill: u8) -> Vec<u8> {
    (0..len).map(|i| fill.wrapping_add(i as u8)).collect()
}

fn esp_sa(
    enc: EncAlg,
    auth: AuthAlg,
    mode: Mode,
    spi: u32,
    (src, dst): (Ipv4Addr, Ipv4Addr),
) -> SaSpec {
    // An AEAD cipher (GCM) carries its own ICV: no second integrity
    // algorithm, as setkey refuses one.
    let auth = (auth != AuthAlg::Null || enc.is_aead())
        .then_some(auth)
        .filter(|_| !enc.is_aead());
    SaSpec {
        encap: None,
        src,
        dst,
        proto: IpsecProto::Esp,
        spi,
        mode,
        reqid: 0,
        replay_window: 32,
        enc: Some((enc, key(*enc.key_lens().last().unwrap_or(&0), 3))),
        auth: auth.map(|a| (a, key(a.key_lens()[0], 7))),
        hard: Lifetime::default(),
        soft: Lifetime::default(),
    }
}

fn ah_sa(auth: AuthAlg, mode: Mode, spi: u32, (src, dst): (Ipv4Addr, Ipv4Addr)) -> SaSpec {
    SaSpec {
        encap: None,
        proto: IpsecProto::Ah,
        enc: None,
        auth: Some((auth, key(auth.key_lens()[0], 9))),
        ..esp_sa(EncAlg::Null, AuthAlg::Null, mode, spi, (src, dst))
    }
}

/// The policy for traffic from A to B: `out` at the sender, `in` at the receiver.
fn policy(dir: Direction, templates: Vec<Template>) -> PolicySpec {
    common::policy_between((A, B), dir, templates)
}

/// Sender and receiver engines for A -> B under `bundle` in `mode`.
fn pair(bundle: Bundle, mode: Mode) -> (IpsecEngine, IpsecEngine) {
    let ends = if mode == Mode::Tunnel {
        (GW_A, GW_B)
    } else {
        (A, B)
    };
    let endpoints = (mode == Mode::Tunnel).then_some(ends);
    let t = |proto| Template {
        proto,
        mode,
        endpoints,
        level: Level::Require,
    };
    let (sas, templates) = match bundle {
        Bundle::Esp(e, a) => (
            vec![esp_sa(e, a, mode, 0x1000, ends)],
            vec![t(IpsecProto::Esp)],
        ),
        Bundle::Ah(a) => (vec![ah_sa(a, mode, 0x2000, ends)], vec![t(IpsecProto::Ah)]),
        Bundle::EspAh(e, a) => (
            vec![
                esp_sa(e, AuthAlg::Null, mode, 0x1000, ends),
                ah_sa(a, mode, 0x2000, ends),
            ],
            vec![t(IpsecProto::Esp), t(IpsecProto::Ah)],
        ),
    };
    let mut tx = IpsecEngine::new(vpnlab::net::rng::stream(1, "tx"));
    let mut rx = IpsecEngine::new(vpnlab::net::rng::stream(1, "rx"));
    for sa in &sas {
        tx.apply(&Request::Add(sa.clone()), Instant::ZERO)
            .expect("add");
        rx.apply(&Request::Add(sa.clone()), Instant::ZERO)
            .expect("add");
    }
    tx.apply(
        &Request::SpdAdd(policy(Direction::Out, templates.clone())),
        Instant::ZERO,
    )
    .expect("spd");
    rx.apply(
        &Request::SpdAdd(policy(Direction::In, templates)),
        Instant::ZERO,
    )
    .expect("spd");
    (tx, rx)
}

fn packet(protocol: u8, payload: &[u8]) -> Datagram {
    let header = ipv4::Repr {
        frag: frag::Repr::whole(77, false),
        ..ipv4::Repr::new(A, B, protocol, 64, payload.len())
    };
    Datagram::new(header, payload).expect("a datagram")
}

/// Makes the IPv4 header checksum of `p` (taken as 20 bytes) right again.
fn fill_checksum(p: &mut [u8]) {
    ipv4::Packet::new_unchecked(&mut p[..20]).fill_checksum();
}

/// Feeds a packet to the receiver until it is accepted or dropped, its
/// header parsed first as the kernel does.
fn receive(rx: &mut IpsecEngine, p: Vec<u8>) -> Result<Vec<u8>, DropReason> {
    let mut p = Datagram::parse(p).map_err(DropReason::from)?;
    let mut meta = PacketMeta::default();
    for _ in 0..8 {
        match rx.input(Instant::ZERO, &mut meta, &mut p) {
            Verdict::Accept => return Ok(p.into_bytes()),
            Verdict::Reinject => continue,
            Verdict::Drop(r) => return Err(r),
        }
    }
    Err(DropReason::Malformed)
}

fn bundles() -> impl Strategy<Value = Bundle> {
    let enc = prop::sample::select(EncAlg::ALL.to_vec());
    let auth = prop::sample::select(AuthAlg::ALL.to_vec());
    let real_auth = prop::sample::select(AuthAlg::ALL[1..].to_vec());
    prop_oneof![
        (enc.clone(), auth).prop_map(|(e, a)| Bundle::Esp(e, a)),
        real_auth.clone().prop_map(Bundle::Ah),
        (enc, real_auth).prop_map(|(e, a)| Bundle::EspAh(e, a)),
    ]
}

fn modes() -> impl Strategy<Value = Mode> {
    prop::sample::select(vec![Mode::Transport, Mode::Tunnel])
}

/// Whether the bundle's outer transform carries an ICV over what we flip.
fn authenticated(b: Bundle) -> bool {
    match b {
        Bundle::Esp(e, a) => e.is_aead() || a != AuthAlg::Null,
        Bundle::Ah(_) | Bundle::EspAh(..) => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_every_algorithm_mode_and_bundle(bundle in bundles(), mode in modes(),
                                                   protocol in prop::sample::select(vec![1u8, 6, 17]),
                                                   payload in prop::collection::vec(any::<u8>(), 0..1500)) {
        let (mut tx, mut rx) = pair(bundle, mode);
        let original = packet(protocol, &payload);
        let mut p = original.clone();
        prop_assert_eq!(tx.output(Instant::ZERO, &mut p), Verdict::Accept);
        let outer = ipv4::Repr::parse_bytes(p.bytes()).expect("valid outer header");
        let expected_proto = match bundle { Bundle::Esp(..) => 50, _ => 51 };
        prop_assert_eq!(outer.protocol, expected_proto);
        if mode == Mode::Tunnel {
            prop_assert_eq!((outer.src, outer.dst), (GW_A, GW_B));
        }
        let back = receive(&mut rx, p.into_bytes()).expect("accepted");
        prop_assert_eq!(&back[20..], &original.bytes()[20..]);
        prop_assert_eq!(back[9], protocol);
    }

    /// RFC 4302 §3.3.3 / RFC 4303 §3.4.4: a change to anything the ICV
    /// covers is rejected; AH ignores the mutable IP header fields.
    #[test]
    fn single_bit_changes_under_the_icv_are_rejected(bundle in bundles(), mode in modes(),
                                                     payload in prop::collection::vec(any::<u8>(), 1..600),
                                                     bit in any::<prop::sample::Index>()) {
        prop_assume!(authenticated(bundle));
        let (mut tx, mut rx) = pair(bundle, mode);
        let mut p = packet(17, &payload);
        prop_assert_eq!(tx.output(Instant::ZERO, &mut p), Verdict::Accept);
        let mut p = p.into_bytes();
        let bit = bit.index(p.len() * 8);
        let byte = bit / 8;
        p[byte] ^= 1 << (bit % 8);
        // Keep the IP header checksum valid, so the change reaches IPsec.
        fill_checksum(&mut p);
        let mutable = matches!(byte, 1 | 6 | 7 | 8 | 10 | 11);
        let esp_outer = matches!(bundle, Bundle::Esp(..));
        let original = packet(17, &payload);
        let result = receive(&mut rx, p);
        if byte == 9 {
            // The protocol byte: the packet is no longer ESP or AH, so no
            // ICV is consulted; it must not pass as the protected packet.
            prop_assert!(result.as_deref() != Ok(original.bytes()), "changed protocol delivered as authentic");
        } else if byte >= 20 || (!esp_outer && !mutable) {
            prop_assert!(result.is_err(), "bit {} accepted", bit);
        }
        if !esp_outer && mutable && byte != 0 {
            prop_assert!(result.is_ok(), "AH rejected a change to mutable byte {}: {:?}", byte, result);
        }
        if let Err(DropReason::Integrity) = result {
            let failures: u64 = rx.sad.iter().map(|sa| sa.counters.integrity_failures).sum();
            prop_assert_eq!(failures, 1, "integrity failure counted on the SA");
        }
    }

    /// Random and truncated bytes on the inbound path never panic.
    #[test]
    fn inbound_garbage_never_panics(bundle in bundles(), mode in modes(),
                                    body in prop::collection::vec(any::<u8>(), 0..200),
                                    cut in any::<prop::sample::Index>()) {
        let (mut tx, mut rx) = pair(bundle, mode);
        for protocol in [50u8, 51] {
            let _ = receive(&mut rx, packet(protocol, &body).into_bytes());
        }
        let mut p = packet(17, &body);
        prop_assert_eq!(tx.output(Instant::ZERO, &mut p), Verdict::Accept);
        let p = p.into_bytes();
        let keep = 20 + cut.index(p.len() - 19);
        let mut cut_packet = p[..keep].to_vec();
        ipv4::Packet::new_unchecked(&mut cut_packet[..]).set_total_len(keep as u16);
        fill_checksum(&mut cut_packet);
        let _ = receive(&mut rx, cut_packet);
    }
}

#[test]
fn replayed_packets_are_dropped_and_counted() {
    let (mut tx, mut rx) = pair(
        Bundle::Esp(EncAlg::AesCbc, AuthAlg::HmacSha1),
        Mode::Transport,
    );
    let mut p = packet(17, b"hello");
    assert_eq!(tx.output(Instant::ZERO, &mut p), Verdict::Accept);
    assert!(receive(&mut rx, p.bytes().to_vec()).is_ok());
    assert_eq!(receive(&mut rx, p.into_bytes()), Err(DropReason::Replay));
    assert_eq!(
        rx.sad
            .iter()
            .map(|sa| sa.counters.replay_drops)
            .sum::<u64>(),
        1
    );
}

#[test]
fn unprotected_traffic_under_a_require_policy_is_dropped() {
    let (_, mut rx) = pair(
        Bundle::Esp(EncAlg::AesCbc, AuthAlg::HmacSha1),
        Mode::Transport,
    );
    assert_eq!(
        receive(&mut rx, packet(1, &[8, 0, 0, 0]).into_bytes()),
        Err(DropReason::PolicyMismatch)
    );
}
