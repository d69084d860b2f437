//! Checking a scenario's expectations against the outcome of its run.
//! A failure says what was expected, what was seen, and where to look.

use regex::Regex;

use super::bound::Bound;
use super::evidence::{self, Evidence};
use crate::observe::filter::{Filter, protocol_number};
use crate::scenario::Located;
use crate::scenario::model::*;
use crate::sim::{LinkResult, Outcome};
use crate::wire::ip::{Address, protocol};
use crate::wire::udp_encap::{PORT_ISAKMP, PORT_NATT};

/// The verdict on one expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// One line naming the expectation, e.g. `ping p1: replies = 3`.
    pub what: String,
    pub passed: bool,
    /// What was seen, and on failure where to look.
    pub detail: String,
    pub line: u32,
    /// The trace and log lines it is about (see [`evidence`]).
    pub evidence: Vec<Evidence>,
}

/// Checks every expectation of `s` against `o`, in file order.
pub fn check_all(s: &Scenario, o: &Outcome) -> Vec<Verdict> {
    s.expect.iter().map(|e| check(s, o, e)).collect()
}

fn check(s: &Scenario, o: &Outcome, e: &Located<Expect>) -> Verdict {
    let mut ev = Vec::new();
    let (what, passed, detail) = match &e.value.what {
        Expectation::Ping(x) => ping(s, o, x, &mut ev),
        Expectation::Udp(x) => delivered(o, x, "udp"),
        Expectation::Tcp(x) => delivered(o, x, "tcp"),
        Expectation::Packets(x) => packets(o, x, &mut ev),
        Expectation::Trace(x) => trace(o, x, &mut ev),
        Expectation::Counter(x) => counter(o, x, &mut ev),
        Expectation::Sa(x) => sa(o, x, &mut ev),
        Expectation::NoPlaintext(x) => no_plaintext(s, o, x, &mut ev),
        Expectation::Ike(x) => super::ike::ike(o, x, &mut ev),
        Expectation::Log(x) => super::ike::log(o, x, &mut ev),
    };
    Verdict {
        what,
        passed,
        detail,
        line: s.file_line(e.pos.line),
        evidence: ev,
    }
}

fn ping(
    s: &Scenario,
    o: &Outcome,
    x: &PingExpect,
    ev: &mut Vec<Evidence>,
) -> (String, bool, String) {
    let flow = match (&x.flow, &x.from, &x.to) {
        (Some(name), _, _) => o.topology.flows.get(name.as_str()).copied(),
        (None, Some(from), Some(to)) => s.traffic.iter().position(|t| {
            t.ping
                .as_ref()
                .is_some_and(|p| p.from.value == from.value && p.to.value == to.value)
        }),
        _ => None,
    };
    let bound = Bound {
        exact: x.replies,
        at_least: x.at_least,
        at_most: x.at_most,
    };
    let Some(stats) = flow.and_then(|i| o.flows.get(i)) else {
        return ("ping".into(), false, "flow not found".into());
    };
    let what = format!("ping {}: {}", stats.name, bound.describe("replies"));
    let seen = format!(
        "{} requests sent, {} replies, {} corrupted, {} duplicates",
        stats.sent, stats.received, stats.corrupted, stats.duplicates
    );
    let passed = bound.holds(stats.received) && stats.corrupted == 0;
    let sent = flow
        .and_then(|i| s.traffic.get(i))
        .and_then(|t| t.ping.as_ref());
    if let Some(p) = sent {
        *ev = evidence::ping(o, &node_addresses(s, &p.from), p.to.value);
    }
    (what, passed, seen)
}

fn delivered(o: &Outcome, x: &FlowExpect, kind: &str) -> (String, bool, String) {
    let Some(stats) = o
        .topology
        .flows
        .get(x.flow.as_str())
        .and_then(|i| o.flows.get(*i))
    else {
        return (
            format!("{kind} {}", x.flow.value),
            false,
            "flow not found".into(),
        );
    };
    let bound = match (x.bytes, x.at_least_bytes, x.at_most_bytes) {
        (None, None, None) => Bound {
            exact: Some(stats.planned_bytes),
            ..Bound::default()
        },
        (exact, at_least, at_most) => Bound {
            exact,
            at_least,
            at_most,
        },
    };
    let what = format!(
        "{kind} {}: {} delivered intact",
        stats.name,
        bound.describe("bytes")
    );
    let mut seen = format!(
        "{} bytes sent, {} bytes delivered intact, {} corrupted",
        stats.sent_bytes, stats.intact_bytes, stats.corrupted
    );
    let mut passed = bound.holds(stats.intact_bytes) && stats.corrupted == 0;
    if kind == "tcp" && x.bytes.is_none() && x.at_least_bytes.is_none() && x.at_most_bytes.is_none()
    {
        passed &= stats.completed;
        if !stats.completed {
            seen.push_str(", connection not closed cleanly");
        }
    }
    (what, passed, seen)
}

fn link<'a>(o: &'a Outcome, name: &str) -> Option<&'a LinkResult> {
    o.links.iter().find(|l| l.name == name)
}

fn where_to_look(o: &Outcome, link: &str, lines: &[u64]) -> String {
    let dir = o
        .dir
        .as_ref()
        .map_or("captures/<scenario>".to_string(), |d| {
            d.display().to_string()
        });
    let mut s = format!("see {dir}/{link}.pcap");
    if !lines.is_empty() {
        let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
        let more = if lines.len() > 10 {
            format!(" (+{} more)", lines.len() - 10)
        } else {
            String::new()
        };
        s.push_str(&format!(
            " and {dir}/trace.txt lines {}{more}",
            shown.join(", ")
        ));
    }
    s
}

fn packets(o: &Outcome, x: &PacketsExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    let filter = Filter {
        protocol: x.proto.as_ref().and_then(|p| protocol_number(p)),
        src: x.src.map(Address::from),
        dst: x.dst.map(Address::from),
        fragment: x.fragment,
    };
    let bound = Bound {
        exact: x.count,
        at_least: x.at_least,
        at_most: x.at_most,
    };
    let bound = if x.count.is_none() && x.at_least.is_none() && x.at_most.is_none() {
        Bound {
            at_least: Some(1),
            ..bound
        }
    } else {
        bound
    };
    let desc = describe_filter(x);
    let what = format!(
        "packets on {}{desc}: {}",
        x.link.value,
        bound.describe("count")
    );
    let Some(log) = link(o, &x.link).and_then(|l| l.log.as_ref()) else {
        return (what, false, "link was not captured".into());
    };
    let matching: Vec<u64> = log
        .summaries
        .iter()
        .zip(&log.lines)
        .filter(|(s, _)| filter.matches(s))
        .map(|(_, (n, _))| *n)
        .collect();
    let n = matching.len() as u64;
    let passed = bound.holds(n);
    *ev = evidence::trace_lines(&matching);
    let mut detail = format!("{n} matching packets");
    if !passed {
        detail.push_str(&format!("; {}", where_to_look(o, &x.link, &matching)));
    }
    (what, passed, detail)
}

fn describe_filter(x: &PacketsExpect) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &x.proto {
        parts.push(p.value.clone());
    }
    if let Some(a) = x.src {
        parts.push(format!("src {a}"));
    }
    if let Some(a) = x.dst {
        parts.push(format!("dst {a}"));
    }
    if let Some(f) = x.fragment {
        parts.push(if f {
            "fragments".into()
        } else {
            "unfragmented".into()
        });
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(" "))
    }
}

fn trace(o: &Outcome, x: &TraceExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    // `not_matches` is "no line matches": a count of zero.
    let (pattern, bound) = match (&x.matches, &x.not_matches) {
        (Some(p), _) => (
            p.as_str(),
            Bound::or_at_least_one(x.count, x.at_least, x.at_most),
        ),
        (None, Some(p)) => (
            p.as_str(),
            Bound {
                exact: Some(0),
                ..Bound::default()
            },
        ),
        _ => ("", Bound::default()),
    };
    let what = format!(
        "trace on {}: lines matching /{pattern}/: {}",
        x.link.value,
        bound.describe("count")
    );
    let (Ok(re), Some(log)) = (
        Regex::new(pattern),
        link(o, &x.link).and_then(|l| l.log.as_ref()),
    ) else {
        return (
            what,
            false,
            "link was not captured or the pattern is invalid".into(),
        );
    };
    let hits: Vec<u64> = log
        .lines
        .iter()
        .filter(|(_, l)| re.is_match(l))
        .map(|(n, _)| *n)
        .collect();
    let n = hits.len() as u64;
    let passed = bound.holds(n);
    *ev = evidence::trace_lines(&hits);
    let mut detail = format!("{n} of {} lines match", log.lines.len());
    if !passed {
        detail.push_str(&format!("; {}", where_to_look(o, &x.link, &hits)));
    }
    (what, passed, detail)
}

fn counter(o: &Outcome, x: &CounterExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    let bound = Bound {
        exact: x.count,
        at_least: x.at_least,
        at_most: x.at_most,
    };
    let (owner, value) = match (&x.node, &x.link) {
        (Some(n), _) => {
            // A name, or a pattern (`rw*`) whose nodes' values are summed.
            let mut values = o
                .nodes
                .iter()
                .filter(|(name, _)| name_matches(n, name))
                .map(|(_, c)| c.get(&x.name))
                .peekable();
            let value = values.peek().is_some().then(|| values.sum()).flatten();
            let noun = if n.contains('*') { "nodes" } else { "node" };
            (format!("{noun} {}", n.value), value)
        }
        (None, Some(l)) => (
            format!("link {}", l.value),
            link(o, l).and_then(|r| r.counters.get(&x.name)),
        ),
        _ => ("?".into(), None),
    };
    *ev = match (&x.node, &x.link) {
        (Some(n), _) => evidence::dropped_by(o, |name| name_matches(n, name), &x.name),
        (None, Some(l)) => evidence::on_link(o, l, &x.name),
        _ => Vec::new(),
    };
    let what = format!(
        "counter {} of {owner}: {}",
        x.name.value,
        bound.describe("value")
    );
    match value {
        Some(v) => (what, bound.holds(v), format!("value is {v}")),
        None => (what, false, "no such counter".into()),
    }
}

fn sa(o: &Outcome, x: &SaExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    let bound = Bound {
        exact: x.count,
        at_least: x.at_least,
        at_most: x.at_most,
    };
    let spi = x.spi.value.0;
    *ev = evidence::spi(o, spi);
    let what = format!(
        "SA 0x{spi:08x} on {}: {}",
        x.node.value,
        bound.describe(&x.counter)
    );
    let sas = o
        .sas
        .iter()
        .find(|(n, _)| *n == x.node.value)
        .map(|(_, s)| s.as_slice())
        .unwrap_or(&[]);
    let ipcomp = o
        .ipcomp_sas
        .iter()
        .find(|(n, _)| *n == x.node.value)
        .map(|(_, s)| s.as_slice())
        .unwrap_or(&[]);
    let values: Vec<Option<u64>> = sas
        .iter()
        .filter(|r| r.spi == spi)
        .map(|r| r.counters.get(&x.counter))
        .chain(
            ipcomp
                .iter()
                .filter(|r| r.spi == spi)
                .map(|r| r.counters.get(&x.counter)),
        )
        .collect();
    if values.is_empty() {
        let have: Vec<String> = sas
            .iter()
            .map(|r| format!("{} 0x{:08x}", r.proto.name(), r.spi))
            .chain(ipcomp.iter().map(|r| format!("ipcomp 0x{:08x}", r.spi)))
            .collect();
        return (
            what,
            false,
            format!("node has no SA with this SPI (it has: {})", have.join(", ")),
        );
    }
    let value: u64 = values.iter().flatten().sum();
    let dir = o
        .dir
        .as_ref()
        .map_or("captures/<scenario>".into(), |d| d.display().to_string());
    let mut detail = format!("value is {value}");
    let passed = bound.holds(value);
    if !passed {
        detail.push_str(&format!("; see {dir}/{}.sad", x.node.value));
    }
    (what, passed, detail)
}

fn node_addresses(s: &Scenario, node: &str) -> Vec<Address> {
    s.nodes
        .get(node)
        .map(|n| {
            n.interfaces
                .values()
                .map(|i| i.address.addr.into())
                .collect()
        })
        .unwrap_or_default()
}

/// IP protocols that carry IPsec-protected traffic.
const PROTECTED: [u8; 2] = [protocol::ESP, protocol::AH];

/// IKE's own datagrams on UDP 500 are the key exchange, not traffic a
/// policy protects: not plaintext.
fn is_ike(p: &crate::observe::filter::PacketSummary) -> bool {
    p.udp_ports
        .is_some_and(|(s, d)| s == PORT_ISAKMP || d == PORT_ISAKMP)
}

/// UDP to or from port 4500 is ESP in UDP (RFC 3948), or IKE and
/// keepalives after the float: protected either way.
fn is_udp_encapsulated(p: &crate::observe::filter::PacketSummary) -> bool {
    p.udp_ports
        .is_some_and(|(s, d)| s == PORT_NATT || d == PORT_NATT)
}

fn no_plaintext(
    s: &Scenario,
    o: &Outcome,
    x: &NoPlaintextExpect,
    ev: &mut Vec<Evidence>,
) -> (String, bool, String) {
    let names: Vec<&str> = x.between.iter().map(|n| n.as_str()).collect();
    let what = format!(
        "no plaintext between {} on {}",
        names.join(" and "),
        x.link.value
    );
    let (Some(a), Some(b)) = (names.first(), names.get(1)) else {
        return (what, false, "needs two nodes".into());
    };
    let (a, b) = (node_addresses(s, a), node_addresses(s, b));
    let Some(log) = link(o, &x.link).and_then(|l| l.log.as_ref()) else {
        return (what, false, "link was not captured".into());
    };
    let between = |p: &crate::observe::filter::PacketSummary| {
        (a.contains(&p.src) && b.contains(&p.dst)) || (b.contains(&p.src) && a.contains(&p.dst))
    };
    let mut protected = 0;
    let mut clear = Vec::new();
    // Later fragments carry no ports: they take the first fragment's.
    let mut first_fragments = std::collections::HashMap::new();
    for (p, (line, _)) in log.summaries.iter().zip(&log.lines) {
        let mut p = *p;
        let datagram = (p.src, p.dst, p.ident);
        match p.udp_ports {
            Some(ports) if p.fragment => {
                first_fragments.insert(datagram, ports);
            }
            None if p.fragment => p.udp_ports = first_fragments.get(&datagram).copied(),
            _ => {}
        }
        let p = &p;
        if between(p) {
            if PROTECTED.contains(&p.protocol) || is_udp_encapsulated(p) {
                protected += 1;
            } else if !is_ike(p) {
                clear.push(*line);
            }
        }
    }
    let passed = clear.is_empty();
    *ev = evidence::trace_lines(&clear);
    let mut detail = format!(
        "{protected} protected packets, {} in plaintext",
        clear.len()
    );
    if !passed {
        detail.push_str(&format!("; {}", where_to_look(o, &x.link, &clear)));
    }
    (what, passed, detail)
}
