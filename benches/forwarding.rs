//! Forwarded packets per wall-clock second: a 1400-byte UDP flow from host
//! a through routers r1 and r2 (three links) to host b, with capture off
//! and on. The bound printed beside it is the node kernel alone forwarding
//! the same packet in a loop, measured in the same run.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant as Wall;

use smoltcp::time::Instant;
use vpnlab::kernel::{Actions, Interface, Kernel};
use vpnlab::net::Prefix;
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};

const DATAGRAMS: u32 = 200_000;

fn scenario() -> String {
    format!(
        r#"
name: bench-forwarding
duration: 10s
links:
  l1: {{ latency: 100us }}
  l2: {{ latency: 1ms }}
  l3: {{ latency: 100us }}
nodes:
  a:  {{ interfaces: {{ eth0: {{ link: l1, address: 10.1.0.10/24 }} }}, routes: [ {{ to: default, via: 10.1.0.1 }} ] }}
  r1: {{ role: router, interfaces: {{ eth0: {{ link: l1, address: 10.1.0.1/24 }}, eth1: {{ link: l2, address: 172.16.0.1/30 }} }}, routes: [ {{ to: 10.2.0.0/24, via: 172.16.0.2 }} ] }}
  r2: {{ role: router, interfaces: {{ eth0: {{ link: l3, address: 10.2.0.1/24 }}, eth1: {{ link: l2, address: 172.16.0.2/30 }} }}, routes: [ {{ to: 10.1.0.0/24, via: 172.16.0.1 }} ] }}
  b:  {{ interfaces: {{ eth0: {{ link: l3, address: 10.2.0.20/24 }} }}, routes: [ {{ to: default, via: 10.2.0.1 }} ] }}
traffic:
  - {{ at: 1s, udp: {{ name: flow, from: a, to: 10.2.0.20, port: 9000, count: {DATAGRAMS}, size: 1400, interval: 20us }} }}
expect:
  - udp: {{ flow: flow }}
"#
    )
}

/// Runs the scenario; returns (forwarded packets, wall seconds).
fn measure(out: Option<&Path>) -> (u64, f64) {
    let s = load_str(Path::new("bench-forwarding.yaml"), &scenario()).expect("valid scenario");
    let opts = RunOptions {
        seed: None,
        out: out.map(Path::to_path_buf),
        ..Default::default()
    };
    let started = Wall::now();
    let o = sim::run(&s, &opts, |_| {}).expect("run");
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(
        o.flows[0].received,
        u64::from(DATAGRAMS),
        "every datagram must arrive"
    );
    let forwarded = o.nodes.iter().map(|(_, c)| c.forwarded).sum();
    (forwarded, wall)
}

/// The kernel alone: a router forwarding one 1428-byte packet over and over.
fn kernel_bound() -> f64 {
    let iface = |addr: &str, link| Interface {
        name: "eth".into(),
        address: Prefix::parse(addr).unwrap(),
        mtu: 1500,
        link,
    };
    let mut k = Kernel::new(
        vec![iface("10.1.0.1/24", 0), iface("172.16.0.1/30", 1)],
        true,
        1,
    );
    k.add_route(
        Prefix::parse("10.2.0.0/24").unwrap(),
        "172.16.0.2".parse().unwrap(),
    )
    .unwrap();
    use vpnlab::wire::{frag, ipv4};
    let header = ipv4::Repr {
        frag: frag::Repr::whole(1, false),
        ..ipv4::Repr::new(
            "10.1.0.10".parse().unwrap(),
            "10.2.0.20".parse().unwrap(),
            17,
            64,
            1408,
        )
    };
    let packet = vpnlab::kernel::Datagram::new(header, &[0x5a; 1408])
        .unwrap()
        .into_bytes();
    let mut out = Actions::default();
    let n = 2_000_000u64;
    let started = Wall::now();
    for _ in 0..n {
        k.receive(Instant::ZERO, 0, black_box(packet.clone()), &mut out);
        black_box(out.transmit.pop());
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; nothing to list.
    }
    let bound = kernel_bound();
    let (fwd_off, wall_off) = measure(None);
    let dir = std::env::temp_dir().join("vpnlab-bench-captures");
    let (fwd_on, wall_on) = measure(Some(&dir));
    let off = fwd_off as f64 / wall_off;
    let on = fwd_on as f64 / wall_on;
    println!("forwarding: {DATAGRAMS} x 1400-byte UDP datagrams, a -> r1 -> r2 -> b (3 links)");
    println!(
        "  node kernel alone (bound):    {:>12.0} forwarded packets/s",
        bound
    );
    println!(
        "  whole simulation, capture off: {:>11.0} forwarded packets/s ({fwd_off} in {wall_off:.3} s, {:.0}% of bound)",
        off,
        off / bound * 100.0
    );
    println!(
        "  whole simulation, capture on:  {:>11.0} forwarded packets/s ({fwd_on} in {wall_on:.3} s)",
        on
    );
    let _ = std::fs::remove_dir_all(&dir);
}
