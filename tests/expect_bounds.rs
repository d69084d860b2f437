//! `trace:` counts with `at_least`/`at_most`, and `udp:`/`tcp:` byte bounds
//! with `at_most_bytes`, checked against one small run.

use std::path::Path;

use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};
use vpnlab::verdict::expect;

/// Three pings (three echo requests and three replies on the wire) and a
/// 10000-byte TCP transfer; each expectation is followed by whether it holds.
const SCENARIO: &str = r"
name: expect-bounds
duration: 10s
links:
  wire: { latency: 1ms }
nodes:
  a:
    interfaces:
      eth0: { link: wire, address: 10.0.0.1/24 }
  b:
    interfaces:
      eth0: { link: wire, address: 10.0.0.2/24 }
traffic:
  - at: 1s
    ping: { name: p, from: a, to: 10.0.0.2, count: 3, interval: 1s }
  - at: 1s
    tcp: { name: bulk, from: a, to: 10.0.0.2, port: 5001, bytes: 10000 }
  - at: 1s
    udp: { name: u, from: a, to: 10.0.0.2, port: 6000, count: 4, size: 100, interval: 100ms }
expect:
  - trace: { link: wire, matches: 'ICMP echo reply' }
  - trace: { link: wire, matches: 'ICMP echo reply', at_least: 3 }
  - trace: { link: wire, matches: 'ICMP echo reply', at_least: 4 }
  - trace: { link: wire, matches: 'ICMP echo', at_most: 6 }
  - trace: { link: wire, matches: 'ICMP echo', at_most: 5 }
  - trace: { link: wire, matches: 'ICMP echo', at_least: 6, at_most: 6 }
  - trace: { link: wire, matches: 'ICMP echo request', at_least: 1, at_most: 2 }
  - trace: { link: wire, matches: 'no such line', at_most: 0 }
  - tcp: { flow: bulk, at_most_bytes: 10000 }
  - tcp: { flow: bulk, at_most_bytes: 9999 }
  - tcp: { flow: bulk, at_least_bytes: 10000, at_most_bytes: 10000 }
  - udp: { flow: u, at_most_bytes: 400 }
  - udp: { flow: u, at_least_bytes: 100, at_most_bytes: 300 }
";

const HOLDS: [bool; 13] = [
    true, true, false, true, false, true, false, true, true, false, true, true, false,
];

/// Bounds read as in `packets:` and `counter:` (src/scenario/expect.rs
/// `Bound`): `at_least` and `at_most` are inclusive and combine; a `trace:`
/// without any bound still means "at least one line".
#[test]
fn trace_and_flow_bounds_hold_exactly_at_their_limits() {
    let s = load_str(Path::new("expect-bounds.yaml"), SCENARIO).expect("valid scenario");
    let opts = RunOptions {
        seed: None,
        out: None,
        ..Default::default()
    };
    let outcome = sim::run(&s, &opts, |_| {}).expect("run");
    let verdicts = expect::check_all(&s, &outcome);
    assert_eq!(verdicts.len(), HOLDS.len());
    for (v, holds) in verdicts.iter().zip(HOLDS) {
        assert_eq!(v.passed, holds, "line {}: {}: {}", v.line, v.what, v.detail);
    }
}
