//! Main mode + quick mode handshakes per wall-second: 100 and 1,000
//! roadwarriors negotiate with one gateway (`remote anonymous`,
//! `generate_policy on`, modp1024, PFS modp1024), each raising its ACQUIRE
//! with one ping, through the whole simulator (nodes, links, capture off).
//!
//! The bound, measured in the same run: the modular exponentiations one
//! such handshake needs with no simulator at all: four for phase 1 (each
//! end computes g^x and g^xy) and four for PFS in quick mode.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant as Wall;

use rand_core::SeedableRng;
use vpnlab::crypto::dh::{DhGroup, DhPrivate};
use vpnlab::ike::IkeEvent;
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};

const PROPOSAL: &str = "proposal { encryption_algorithm aes; hash_algorithm sha1; \
     authentication_method pre_shared_key; dh_group modp1024; }";
const SAINFO: &str = "sainfo anonymous { pfs_group modp1024; encryption_algorithm aes; \
     authentication_algorithm hmac_sha1; compression_algorithm deflate; }";

fn address(i: usize) -> String {
    let n = i + 2;
    format!("10.0.{}.{}", n / 256, n % 256)
}

fn scenario(roadwarriors: usize) -> String {
    let mut y =
        String::from("name: bench-ike\nduration: 30s\nlinks:\n  lan: { latency: 1ms }\nnodes:\n");
    let _ = write!(
        y,
        "  gw:\n    interfaces: {{ eth0: {{ link: lan, address: 10.0.0.1/16 }} }}\n    racoon: |\n      \
         path pre_shared_key \"/psk\";\n      remote anonymous {{ exchange_mode main; passive on; \
         generate_policy on; {PROPOSAL} }}\n      {SAINFO}\n    files:\n      /psk: \"* roadwarrior\\n\"\n"
    );
    for i in 0..roadwarriors {
        let me = address(i);
        let _ = write!(
            y,
            "  rw{i}:\n    interfaces: {{ eth0: {{ link: lan, address: {me}/16 }} }}\n    setkey: |\n      \
             spdadd {me} 10.0.0.1 any -P out ipsec esp/transport//require;\n      \
             spdadd 10.0.0.1 {me} any -P in ipsec esp/transport//require;\n    racoon: |\n      \
             path pre_shared_key \"/psk\";\n      remote 10.0.0.1 {{ exchange_mode main; {PROPOSAL} }}\n      \
             {SAINFO}\n    files:\n      /psk: \"10.0.0.1 roadwarrior\\n\"\n"
        );
    }
    y.push_str("traffic:\n");
    for i in 0..roadwarriors {
        // Spread the ACQUIREs over the first second.
        let _ = writeln!(
            y,
            "  - {{ at: {}us, ping: {{ from: rw{i}, to: 10.0.0.1, count: 1 }} }}",
            1_000_000 + i * 1_000_000 / roadwarriors
        );
    }
    y
}

/// Handshakes per second if only the eight modp1024 exponentiations of
/// one (phase 1 plus PFS, both ends) cost anything.
fn bound() -> f64 {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let rounds = 100;
    let started = Wall::now();
    for _ in 0..rounds {
        for _ in 0..2 {
            let a = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
            let b = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
            let shared_a = a.shared(&b.public()).expect("valid public value");
            let shared_b = b.shared(&a.public()).expect("valid public value");
            assert_eq!(shared_a, shared_b);
        }
    }
    rounds as f64 / started.elapsed().as_secs_f64()
}

fn handshakes(roadwarriors: usize) -> f64 {
    let s = load_str(Path::new("bench-ike.yaml"), &scenario(roadwarriors)).expect("valid scenario");
    let started = Wall::now();
    let o = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    let wall = started.elapsed().as_secs_f64();
    let gw = o
        .ike
        .iter()
        .find(|r| r.node == "gw")
        .expect("gateway report");
    let established = gw
        .events
        .iter()
        .filter(|e| matches!(e, IkeEvent::Phase2Established { .. }))
        .count();
    assert_eq!(
        established, roadwarriors,
        "every roadwarrior must get its SAs"
    );
    roadwarriors as f64 / wall
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("ike: main mode + quick mode (modp1024, PFS modp1024) against one gateway");
    for n in [100, 1000] {
        let bound = bound();
        let rate = handshakes(n);
        println!(
            "  {n:>5} roadwarriors: {rate:.0} handshakes/s; bound (8 modexp, no simulator) {bound:.0}/s; {:.0}% of the bound",
            100.0 * rate / bound
        );
    }
}
