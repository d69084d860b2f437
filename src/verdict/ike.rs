//! Expectations on key daemons: `ike:` (events such as SAs established,
//! rekeys, failures with a reason, dead peers) and `log:` (racoon log
//! lines), checked against a run's outcome.

use regex::Regex;

use super::bound::Bound;
use super::evidence::{self, Evidence};
use crate::ike::IkeEvent;
use crate::scenario::model::{IkeExpect, LogExpect, name_matches};
use crate::sim::Outcome;
use crate::sim::artifacts::IkeReport;

fn report<'a>(o: &'a Outcome, node: &str) -> Option<&'a IkeReport> {
    o.ike.iter().find(|r| r.node == node)
}

/// The event's time and peer if it is of the kind `x` asks for.
fn selects(x: &IkeExpect, e: &IkeEvent) -> Option<(smoltcp::time::Instant, std::net::Ipv4Addr)> {
    let event = x.event.as_str();
    let reason = x.reason.as_ref().map(|r| r.as_str());
    let phase = x.phase.as_ref().map(|p| p.value);
    match e {
        IkeEvent::Phase1Established { at, peer } if event == "isakmp-sa" => Some((*at, *peer)),
        IkeEvent::Phase2Established { at, peer, rekey } => match event {
            "ipsec-sa" => Some((*at, *peer)),
            "rekey" if *rekey => Some((*at, *peer)),
            _ => None,
        },
        IkeEvent::Failed {
            at,
            peer,
            phase: p,
            reason: r,
        } if event == "failure"
            && reason.is_none_or(|want| want == r.name())
            && phase.is_none_or(|want| want == *p) =>
        {
            Some((*at, *peer))
        }
        IkeEvent::DpdDead { at, peer } if event == "dpd-dead" => Some((*at, *peer)),
        IkeEvent::Phase2Deleted { at, peer } if event == "deleted" => Some((*at, *peer)),
        IkeEvent::NatDetected {
            at,
            peer,
            local_behind,
            peer_behind,
        } => match event {
            "behind-nat" if *local_behind => Some((*at, *peer)),
            "peer-behind-nat" if *peer_behind => Some((*at, *peer)),
            _ => None,
        },
        IkeEvent::Floated { at, peer } if event == "floated" => Some((*at, *peer)),
        _ => None,
    }
}

pub fn ike(o: &Outcome, x: &IkeExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    let bound = Bound::or_at_least_one(x.count, x.at_least, x.at_most);
    let mut what = format!("ike {} on {}", x.event.value, x.node.value);
    if let Some(r) = &x.reason {
        what.push_str(&format!(" ({})", r.value));
    }
    if let Some(p) = &x.peer {
        what.push_str(&format!(" with {}", p.value));
    }
    if let Some(w) = &x.within {
        what.push_str(&format!(" within {}", w.value));
    }
    what.push_str(&format!(": {}", bound.describe("events")));
    let reports: Vec<&IkeReport> = o
        .ike
        .iter()
        .filter(|r| name_matches(&x.node, &r.node))
        .collect();
    if reports.is_empty() {
        return (what, false, "the node ran no key daemon".into());
    }
    let limit = x
        .within
        .as_ref()
        .map(|w| smoltcp::time::Instant::ZERO + w.value.0);
    let mut n = 0;
    for r in reports {
        let times: Vec<String> = r
            .events
            .iter()
            .filter_map(|e| selects(x, e))
            .filter(|(at, peer)| {
                limit.is_none_or(|l| *at <= l) && x.peer.as_ref().is_none_or(|p| p.value == *peer)
            })
            .map(|(at, _)| format!("{}: ", crate::ike::log::timestamp(at)))
            .collect();
        n += times.len() as u64;
        // The log lines written at the moments of those events.
        if ev.len() < evidence::MAX {
            ev.extend(evidence::log_lines(&r.node, &r.log, |line| {
                times.iter().any(|t| line.starts_with(t.as_str()))
            }));
        }
    }
    let detail = format!("{n} seen; see captures/{}/{}.log", o.scenario, x.node.value);
    ev.truncate(evidence::MAX);
    (what, bound.holds(n), detail)
}

pub fn log(o: &Outcome, x: &LogExpect, ev: &mut Vec<Evidence>) -> (String, bool, String) {
    let bound = Bound::or_at_least_one(x.count, x.at_least, x.at_most);
    let what = format!(
        "log of {} matching /{}/: {}",
        x.node.value,
        x.matches.value,
        bound.describe("lines")
    );
    let (Some(r), Ok(re)) = (report(o, &x.node), Regex::new(&x.matches)) else {
        return (what, false, "the node ran no key daemon".into());
    };
    // Every occurrence counts, also those syslog-style collapsed into a
    // `last message repeated N times` line (see `Log`).
    let n: u64 = crate::ike::log::occurrences(&r.log)
        .iter()
        .filter(|(line, _)| re.is_match(line))
        .map(|(_, n)| n)
        .sum();
    *ev = evidence::log_lines(&r.node, &r.log, |line| re.is_match(line));
    let detail = format!(
        "{n} lines; see captures/{}/{}.log",
        o.scenario, x.node.value
    );
    (what, bound.holds(n), detail)
}
