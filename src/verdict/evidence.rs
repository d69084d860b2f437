//! Where an expectation's evidence is: the trace.txt lines and node-log
//! lines it is about, so that the report can link a verdict to them.
//! Each finder reads what the run recorded; none judges.

use std::net::Ipv4Addr;

use crate::observe::ladder::Hop;
use crate::sim::Outcome;
use crate::wire::ip::{Address, protocol};

/// At most this many references per verdict: enough to find the story,
/// few enough for a page.
pub const MAX: usize = 200;

/// One line a verdict is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// A line of trace.txt (1-based).
    Trace(u64),
    /// A line of `<node>.log` (1-based).
    Log { node: String, line: usize },
}

/// The trace lines of the hops `pick` selects, in order, capped.
fn hops_where(o: &Outcome, pick: impl Fn(&Hop) -> bool) -> Vec<Evidence> {
    o.hops
        .iter()
        .filter(|h| pick(h))
        .take(MAX)
        .map(|h| Evidence::Trace(h.line))
        .collect()
}

/// Trace lines as evidence, capped.
pub fn trace_lines(lines: &[u64]) -> Vec<Evidence> {
    lines
        .iter()
        .take(MAX)
        .map(|n| Evidence::Trace(*n))
        .collect()
}

/// A ping flow's echo requests and replies wherever they went in the
/// clear: ICMP between one of the sender's addresses and the target.
pub fn ping(o: &Outcome, from: &[Address], to: Ipv4Addr) -> Vec<Evidence> {
    let to = Address::from(to);
    hops_where(o, |h| {
        h.summary.is_some_and(|s| {
            s.protocol == protocol::ICMP
                && ((from.contains(&s.src) && s.dst == to)
                    || (s.src == to && from.contains(&s.dst)))
        })
    })
}

/// Packets the nodes `fits` names dropped for a reason
/// (`dropped.<reason>`), or for any reason (`dropped`): the hops whose
/// fate, `dropped by <node>: <reasons>`, says so. One pass for a pattern
/// over a thousand nodes too.
pub fn dropped_by(o: &Outcome, fits: impl Fn(&str) -> bool, counter: &str) -> Vec<Evidence> {
    let Some(reason) = counter.strip_prefix("dropped") else {
        return Vec::new();
    };
    let reason = reason.strip_prefix('.');
    hops_where(o, |h| {
        let dropped = h
            .fate
            .as_deref()
            .and_then(|f| f.strip_prefix("dropped by "));
        dropped
            .and_then(|f| f.split_once(": "))
            .is_some_and(|(node, reasons)| {
                fits(node) && reason.is_none_or(|r| reasons.split(", ").any(|x| x == r))
            })
    })
}

/// A link's `lost` (never arrived) or `duplicated` packets.
pub fn on_link(o: &Outcome, link: &str, counter: &str) -> Vec<Evidence> {
    let Some(index) = o.topology.links.get(link).map(|i| *i as u32) else {
        return Vec::new();
    };
    let arriving = match counter {
        "lost" => 0,
        "duplicated" => 2,
        _ => return Vec::new(),
    };
    hops_where(o, |h| h.link == index && h.arriving == arriving)
}

/// The ESP or AH packets of one SPI, as tcpdump names it in the trace.
pub fn spi(o: &Outcome, spi: u32) -> Vec<Evidence> {
    let needle = format!("spi=0x{spi:08x}");
    hops_where(o, |h| h.text.contains(&needle))
}

/// The lines of a node's log that match, by line number (1-based).
pub fn log_lines(node: &str, log: &[String], pick: impl Fn(&str) -> bool) -> Vec<Evidence> {
    log.iter()
        .enumerate()
        .filter(|(_, l)| pick(l))
        .take(MAX)
        .map(|(i, _)| Evidence::Log {
            node: node.to_string(),
            line: i + 1,
        })
        .collect()
}
