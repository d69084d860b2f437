//! 10,000 racoon roadwarriors against one gateway, written as a node
//! group: each negotiates main mode (modp1024) and quick mode and pings
//! through its SA, with the capture off. Reported: wall time beside the
//! same-run bound of the run's modular exponentiations (four per
//! handshake: each end computes g^x and g^xy), peak RSS (VmHWM), and the
//! memory per racoon node beyond a plain host (the same group without
//! racoon and setkey, measured in a child process of its own).
//!
//! `cargo bench --bench scale` (10,000); `-- N` for another size.

use std::path::Path;
use std::process::Command;
use std::time::Instant as Wall;

use rand_core::SeedableRng;
use vpnlab::crypto::dh::{DhGroup, DhPrivate};
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};

const DEFAULT_MEMBERS: usize = 10_000;

/// The scenario; `racoon`: with the daemon and policies, or plain hosts.
fn scenario(members: usize, racoon: bool) -> String {
    let keyed = "    setkey: |
      spdadd 10.{1+i/250}.{i%250}.1 10.0.0.1 any -P out ipsec esp/transport//require;
      spdadd 10.0.0.1 10.{1+i/250}.{i%250}.1 any -P in ipsec esp/transport//require;
    racoon: |
      path pre_shared_key \"/psk\";
      remote 10.0.0.1 { exchange_mode main; proposal { encryption_algorithm aes;
        hash_algorithm sha1; authentication_method pre_shared_key; dh_group modp1024; } }
      sainfo anonymous { encryption_algorithm aes; authentication_algorithm hmac_sha1;
        compression_algorithm deflate; }
    files: { /psk: \"10.0.0.1 roadwarrior\\n\" }
";
    let gw_keyed = "    racoon: |
      path pre_shared_key \"/psk\";
      remote anonymous { exchange_mode main; passive on; generate_policy on;
        proposal { encryption_algorithm aes; hash_algorithm sha1;
          authentication_method pre_shared_key; dh_group modp1024; } }
      sainfo anonymous { encryption_algorithm aes; authentication_algorithm hmac_sha1;
        compression_algorithm deflate; }
    files: { /psk: \"* roadwarrior\\n\" }
";
    let (rw, gw) = if racoon { (keyed, gw_keyed) } else { ("", "") };
    format!(
        "name: bench-scale\nduration: 30s\nlinks:\n  lan: {{ latency: 1ms }}\nnodes:\n  gw:\n    \
         interfaces: {{ eth0: {{ link: lan, address: 10.0.0.1/8 }} }}\n{gw}  rw{{i}}:\n    \
         count: {members}\n    interfaces: {{ eth0: {{ link: lan, address: 10.{{1+i/250}}.{{i%250}}.1/8 }} }}\n\
         {rw}traffic:\n  - {{ at: \"{{1000000+i*100}}us\", ping: {{ from: rw{{i}}, to: 10.0.0.1, count: 2 }} }}\n"
    )
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Seconds the `n` handshakes' exponentiations take with no simulator.
fn bound(n: usize) -> f64 {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let sample = n.min(500);
    let started = Wall::now();
    for _ in 0..sample {
        let a = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
        let b = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
        let shared = (a.shared(&b.public()), b.shared(&a.public()));
        assert_eq!(shared.0.expect("valid"), shared.1.expect("valid"));
    }
    started.elapsed().as_secs_f64() * n as f64 / sample as f64
}

/// Runs one scenario in this process: wall seconds and replies.
fn run(members: usize, racoon: bool) -> (f64, u64) {
    let s = load_str(Path::new("bench-scale.yaml"), &scenario(members, racoon)).expect("valid");
    let started = Wall::now();
    let o = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    let wall = started.elapsed().as_secs_f64();
    (wall, o.flows.iter().map(|f| f.received).sum())
}

/// The child: one run, its wall time, replies and peak RSS on stdout.
fn child(members: usize, racoon: bool) {
    let (wall, replies) = run(members, racoon);
    println!("{wall} {replies} {}", peak_rss_kib().unwrap_or(0));
}

fn in_child(members: usize, racoon: bool) -> (f64, u64, u64) {
    let exe = std::env::current_exe().expect("bench binary");
    let kind = if racoon { "racoon" } else { "plain" };
    let out = Command::new(exe)
        .args(["--child", kind, &members.to_string()])
        .output()
        .expect("child run");
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    assert!(
        f.len() == 3,
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        f[0].parse().unwrap(),
        f[1].parse().unwrap(),
        f[2].parse().unwrap(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let members = args[at + 2].parse().expect("members");
        return child(members, args[at + 1] == "racoon");
    }
    let members = args
        .iter()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(DEFAULT_MEMBERS);
    let (_, plain_replies, plain_kib) = in_child(members, false);
    let (wall, replies, kib) = in_child(members, true);
    let bound = bound(members);
    assert_eq!(
        plain_replies,
        2 * members as u64,
        "plain hosts: every ping answered"
    );
    println!("scale: {members} racoon roadwarriors against one gateway (node group), capture off");
    println!(
        "  wall {wall:.2} s; bound (4 modp1024 exponentiations per handshake, no simulator) {bound:.2} s; {:.2}x the bound",
        wall / bound
    );
    println!("  {replies} of {} echo replies", 2 * members);
    println!(
        "  peak RSS {:.1} MB (plain hosts {:.1} MB): {:.1} KB per racoon node beyond a plain host",
        kib as f64 / 1024.0,
        plain_kib as f64 / 1024.0,
        (kib.saturating_sub(plain_kib)) as f64 / members as f64
    );
}
