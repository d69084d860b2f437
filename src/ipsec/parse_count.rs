//! How often an ESP datagram's IPv4 headers are parsed through one node:
//! the kernel parses the header once, when the datagram arrives (or
//! leaves the local stack); a decapsulation hands back the inner header
//! it built or checked, and nothing parses again.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::IpsecEngine;
use super::pfkey::Request;
use super::spec::*;
use crate::crypto::{AuthAlg, EncAlg};
use crate::kernel::{Actions, Datagram, Interface, Kernel};
use crate::net::Prefix;
use crate::wire::ipv4::{self, parse_count};

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn sa(mode: Mode, (src, dst): (Ipv4Addr, Ipv4Addr)) -> SaSpec {
    SaSpec {
        src,
        dst,
        proto: IpsecProto::Esp,
        spi: 0x1000,
        mode,
        reqid: 0,
        replay_window: 32,
        enc: Some((EncAlg::AesCbc, vec![3; 16])),
        auth: Some((AuthAlg::HmacSha1, vec![7; 20])),
        hard: Lifetime::default(),
        soft: Lifetime::default(),
        encap: None,
    }
}

/// An engine requiring ESP in `mode` for A to B, both ways (the `out`
/// policy at A, `in` and `fwd` at B), through `ends`.
fn engine(seed: u64, mode: Mode, ends: (Ipv4Addr, Ipv4Addr)) -> IpsecEngine {
    let mut e = IpsecEngine::new(crate::net::rng::stream(seed, "count"));
    e.apply(&Request::Add(sa(mode, ends)), Instant::ZERO)
        .unwrap();
    for dir in [Direction::Out, Direction::In, Direction::Fwd] {
        let template = Template {
            proto: IpsecProto::Esp,
            mode,
            endpoints: (mode == Mode::Tunnel).then_some(ends),
            level: Level::Require,
        };
        let policy = PolicySpec {
            selector: Selector {
                src: Prefix::new(A, 32).into(),
                dst: Prefix::new(B, 32).into(),
                src_port: None,
                dst_port: None,
                upper: Upper::Any,
            },
            dir,
            action: Action::Ipsec,
            templates: vec![template],
            priority: 0,
        };
        e.apply(&Request::SpdAdd(policy), Instant::ZERO).unwrap();
    }
    e
}

fn udp_from_a() -> Vec<u8> {
    let header = ipv4::Repr::new(A, B, 17, 64, 12);
    let payload = [0x13, 0x88, 0x13, 0x88, 0, 12, 0, 0, 1, 2, 3, 4];
    Datagram::new(header, &payload).unwrap().into_bytes()
}

fn kernel(address: &str, engine: IpsecEngine) -> Kernel {
    let iface = Interface {
        name: "eth0".into(),
        address: Prefix::parse(address).unwrap(),
        mtu: 1500,
        link: 0,
    };
    let mut k = Kernel::new(vec![iface], false, 1);
    k.add_hook(Box::new(engine));
    k
}

/// The one datagram delivered to the local stack carries A's UDP datagram.
fn delivered_from_a(out: &Actions) -> bool {
    let sent = udp_from_a();
    matches!(&out.deliver[..], [d] if d.get(20..) == sent.get(20..))
}

/// Parses `during` costs.
fn parses(during: impl FnOnce()) -> usize {
    let before = parse_count::parses();
    during();
    parse_count::parses() - before
}

/// Transport mode at a host: the outer header once; the inner header is
/// the outer one with ESP's next header, built, not parsed (before the
/// wire layer: 5, twice each header and the SPD's own parser).
#[test]
fn one_parse_per_inbound_transport_esp_datagram() {
    let mut a = kernel("10.0.0.1/24", engine(1, Mode::Transport, (A, B)));
    let mut out = Actions::default();
    let sent = parses(|| a.send_local(Instant::ZERO, udp_from_a(), &mut out));
    assert_eq!(sent, 1, "outbound: the local stack's header only");
    let esp = out.transmit.remove(0).packet;
    let mut b = kernel("10.0.0.2/24", engine(2, Mode::Transport, (A, B)));
    let mut out = Actions::default();
    let received = parses(|| b.receive(Instant::ZERO, 0, esp, &mut out));
    assert!(delivered_from_a(&out));
    assert_eq!(received, 1);
}

/// Tunnel mode at a gateway: the outer header, then the inner one once,
/// when ESP hands it over (it comes out of the tunnel unchecked).
#[test]
fn two_parses_per_inbound_tunnel_esp_datagram() {
    let gws = (Ipv4Addr::new(10, 0, 0, 250), Ipv4Addr::new(10, 0, 0, 2));
    let mut a = kernel("10.0.0.250/24", engine(1, Mode::Tunnel, gws));
    let mut out = Actions::default();
    a.send_local(Instant::ZERO, udp_from_a(), &mut out);
    let esp = out.transmit.remove(0).packet;
    let mut b = kernel("10.0.0.2/24", engine(2, Mode::Tunnel, gws));
    let mut out = Actions::default();
    let received = parses(|| b.receive(Instant::ZERO, 0, esp, &mut out));
    assert!(delivered_from_a(&out));
    assert_eq!(received, 2);
}
