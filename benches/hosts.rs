//! 1,000 hosts on one segment pinging a server every second for 10
//! simulated minutes: wall time and peak resident memory (VmHWM).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant as Wall;

use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};

const HOSTS: usize = 1000;
const PINGS: u32 = 600;

fn scenario() -> String {
    let mut y = String::from(
        "name: bench-hosts\nduration: 605s\nlinks:\n  lan: { latency: 200us }\nnodes:\n",
    );
    y.push_str("  server: { interfaces: { eth0: { link: lan, address: 10.0.0.1/16 } } }\n");
    for i in 0..HOSTS {
        let (hi, lo) = ((i + 2) / 256, (i + 2) % 256);
        let _ = writeln!(
            y,
            "  h{i}: {{ interfaces: {{ eth0: {{ link: lan, address: 10.0.{hi}.{lo}/16 }} }} }}"
        );
    }
    y.push_str("traffic:\n");
    for i in 0..HOSTS {
        // Spread the hosts' start times over the first second.
        let _ = writeln!(
            y,
            "  - {{ at: {}us, ping: {{ from: h{i}, to: 10.0.0.1, count: {PINGS}, interval: 1s }} }}",
            i * 997
        );
    }
    y
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let s = load_str(Path::new("bench-hosts.yaml"), &scenario()).expect("valid scenario");
    let started = Wall::now();
    let o = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    let wall = started.elapsed().as_secs_f64();
    let replies: u64 = o.flows.iter().map(|f| f.received).sum();
    assert_eq!(
        replies,
        HOSTS as u64 * u64::from(PINGS),
        "every ping must be answered"
    );
    println!("hosts: {HOSTS} hosts pinging every second for 10 simulated minutes");
    println!(
        "  {} echo replies, {} packets on the segment",
        replies,
        o.total_packets()
    );
    println!(
        "  wall time {wall:.2} s ({:.0} simulated seconds per wall second)",
        605.0 / wall
    );
    match peak_rss_kib() {
        Some(kib) => println!("  peak RSS {:.1} MB", kib as f64 / 1024.0),
        None => println!("  peak RSS unknown (no /proc/self/status)"),
    }
}
