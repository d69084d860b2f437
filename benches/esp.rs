//! ESP tunnel throughput (AES-128-CBC + HMAC-SHA1-96, 1400-byte UDP,
//! through two gateways) in simulated packets per wall second, beside the
//! bound measured in the same run: the same bytes through AES-CBC encrypt
//! and decrypt and two HMAC-SHA1 computations with no simulator. Then the
//! per-packet cost of SPD lookup with 10, 1,000 and 10,000 policies.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant as Wall;

use vpnlab::crypto::{AuthAlg, Cipher, EncAlg, Integrity};
use vpnlab::ipsec::spd::{PacketSelector, Spd};
use vpnlab::ipsec::spec::{Action, Direction, PolicySpec, Selector, Upper};
use vpnlab::net::Prefix;
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};

const DATAGRAMS: u32 = 50_000;

/// The transforms the tunnel runs: the measured one, and RFC 2410 NULL
/// encryption without authentication, whose run is the simulator's own
/// cost on the same path (every hop, host and event, no crypto).
const AES_SHA1: &str = "-E aes-cbc 0x000102030405060708090a0b0c0d0e0f -A hmac-sha1 0x000102030405060708090a0b0c0d0e0f10111213";
const NULL: &str = "-E null";

#[allow(
    clippy::too_many_arguments,
    reason = "one gateway's lines of the scenario"
)]
fn gateway(
    transform: &str,
    name: &str,
    lan: &str,
    wan: &str,
    peer_wan: &str,
    peer_lan: &str,
    out_spi: u32,
    in_spi: u32,
) -> String {
    let (me, peer) = (
        wan.split('/').next().unwrap_or(""),
        peer_wan.split('/').next().unwrap_or(""),
    );
    format!(
        r#"  {name}:
    role: gateway
    interfaces:
      eth0: {{ link: lan-{name}, address: {lan} }}
      eth1: {{ link: wan, address: {wan} }}
    routes: [ {{ to: {peer_lan}, via: {peer} }} ]
    setkey: |
      add {me} {peer} esp {out_spi} -m tunnel {transform};
      add {peer} {me} esp {in_spi} -m tunnel {transform};
      spdadd {my_lan} {peer_lan} any -P out ipsec esp/tunnel/{me}-{peer}/require;
      spdadd {peer_lan} {my_lan} any -P fwd ipsec esp/tunnel/{peer}-{me}/require;
"#,
        my_lan = Prefix::parse(lan)
            .map(|p| Prefix::new(p.network(), p.len).to_string())
            .unwrap_or_default(),
    )
}

fn scenario(transform: &str) -> String {
    let mut y = String::from(
        "name: bench-esp\nduration: 10s\nlinks:\n  lan-gw1: { latency: 100us }\n  lan-gw2: { latency: 100us }\n  wan: { latency: 1ms }\nnodes:\n",
    );
    y.push_str("  a: { interfaces: { eth0: { link: lan-gw1, address: 10.1.0.10/24 } }, routes: [ { to: default, via: 10.1.0.1 } ] }\n");
    y.push_str("  b: { interfaces: { eth0: { link: lan-gw2, address: 10.2.0.20/24 } }, routes: [ { to: default, via: 10.2.0.1 } ] }\n");
    y.push_str(&gateway(
        transform,
        "gw1",
        "10.1.0.1/24",
        "192.0.2.1/24",
        "192.0.2.2/24",
        "10.2.0.0/24",
        4097,
        4098,
    ));
    y.push_str(&gateway(
        transform,
        "gw2",
        "10.2.0.1/24",
        "192.0.2.2/24",
        "192.0.2.1/24",
        "10.1.0.0/24",
        4098,
        4097,
    ));
    y.push_str(&format!(
        "traffic:\n  - {{ at: 1s, udp: {{ name: flow, from: a, to: 10.2.0.20, port: 9000, count: {DATAGRAMS}, size: 1400, interval: 50us }} }}\n"
    ));
    y
}

/// Simulated tunnel packets per wall second.
fn tunnel_rate(transform: &str) -> f64 {
    let s = load_str(Path::new("bench-esp.yaml"), &scenario(transform)).expect("valid scenario");
    let started = Wall::now();
    let o = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(
        o.flows[0].received,
        u64::from(DATAGRAMS),
        "every datagram must cross the tunnel"
    );
    f64::from(DATAGRAMS) / wall
}

/// The crypto alone for one tunnel packet: encrypt + decrypt the padded
/// 1448-byte inner packet, HMAC-SHA1 over it twice (sender and receiver).
fn crypto_bound() -> f64 {
    let cipher = Cipher::new(EncAlg::AesCbc, &[7; 16]).expect("key");
    let hmac = Integrity::new(AuthAlg::HmacSha1, &[9; 20]).expect("key");
    let iv = [1u8; 16];
    let mut buf = vec![0x5au8; 1440];
    let n = 100_000;
    let started = Wall::now();
    for _ in 0..n {
        let _ = cipher.encrypt(&iv, &[], &mut buf);
        let icv = hmac.icv(&[&buf]);
        black_box(hmac.verify(&[&buf], &icv));
        let _ = cipher.decrypt(&iv, &[], &mut buf, &[]);
    }
    f64::from(n) / started.elapsed().as_secs_f64()
}

fn policy(i: u32) -> PolicySpec {
    let net = std::net::Ipv4Addr::from(0x0a00_0000 + (i << 8));
    PolicySpec {
        selector: Selector {
            src: Prefix::parse("192.168.0.0/16").expect("prefix").into(),
            dst: Prefix::new(net, 24).into(),
            src_port: None,
            dst_port: None,
            upper: Upper::Any,
        },
        dir: Direction::Out,
        action: Action::None,
        templates: Vec::new(),
        priority: 0,
    }
}

/// Nanoseconds per SPD lookup with `n` policies (each a different /24).
fn spd_lookup_ns(n: u32) -> f64 {
    let mut spd = Spd::default();
    for i in 0..n {
        spd.add(policy(i)).expect("distinct selectors");
    }
    let packets: Vec<PacketSelector> = (0..1024u32)
        .map(|k| PacketSelector {
            src: "192.168.1.1".parse().expect("addr"),
            dst: std::net::Ipv4Addr::from(0x0a00_0000 + ((k * 7919 % n) << 8) + 5).into(),
            protocol: 17,
            ports: Some((1000, 2000)),
        })
        .collect();
    let rounds = 2_000_000usize;
    let started = Wall::now();
    for i in 0..rounds {
        black_box(
            spd.lookup(Direction::Out, &packets[i % packets.len()])
                .is_some(),
        );
    }
    started.elapsed().as_nanos() as f64 / rounds as f64
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // `cargo bench --bench esp -- tunnel` (or `spd`) runs one part alone.
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |part: &str| only.as_deref().is_none_or(|o| o == part);
    if wants("tunnel") {
        tunnel_report();
    }
    if wants("spd") {
        spd_report();
    }
}

fn tunnel_report() {
    // The machine is shared: the bound and the simulation are measured in
    // turn, three times each, and each keeps its best run.
    let (mut bound, mut rate, mut null) = (0f64, 0f64, 0f64);
    for _ in 0..3 {
        bound = bound.max(crypto_bound());
        rate = rate.max(tunnel_rate(AES_SHA1));
        null = null.max(tunnel_rate(NULL));
    }
    println!(
        "esp tunnel: {DATAGRAMS} x 1400-byte UDP through gw1 => gw2 (AES-128-CBC + HMAC-SHA1-96), best of 3"
    );
    println!("  crypto alone (bound):  {bound:>10.0} packets/s");
    println!(
        "  whole simulation:      {rate:>10.0} packets/s ({:.0}% of the bound)",
        rate / bound * 100.0
    );
    // Per packet: the crypto's share is what the AES run costs beyond the
    // NULL run; the NULL run's cost is the simulator's own.
    let us = |r: f64| 1e6 / r;
    println!(
        "  the same with ESP NULL: {null:>10.0} packets/s: {:.2} us/packet of simulator, {:.2} us of crypto ({:.2}x the bound's {:.2} us)",
        us(null),
        us(rate) - us(null),
        (us(rate) - us(null)) / us(bound),
        us(bound)
    );
}

/// Best (lowest) of three measurements.
fn best_ns(n: u32) -> f64 {
    (0..3)
        .map(|_| spd_lookup_ns(n))
        .fold(f64::INFINITY, f64::min)
}

fn spd_report() {
    let base = best_ns(10);
    for n in [10, 1_000, 10_000] {
        let ns = best_ns(n);
        println!(
            "spd lookup with {n:>6} policies: {ns:>6.1} ns ({:.2}x the cost at 10)",
            ns / base
        );
    }
}
