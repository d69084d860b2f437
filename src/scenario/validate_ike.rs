//! Validation of the expectations on key daemons, `ike:` and `log:`:
//! the node runs a daemon, the event and reason names exist, the regular
//! expression compiles.

use regex::Regex;

use super::located::Pos;
use super::model::{IkeExpect, LogExpect, Scenario};
use crate::ike::FailReason;

type Problems = Vec<(Pos, String)>;

/// The event names `ike:` takes.
pub const IKE_EVENTS: [&str; 9] = [
    "isakmp-sa",
    "ipsec-sa",
    "rekey",
    "failure",
    "dpd-dead",
    "deleted",
    "behind-nat",
    "peer-behind-nat",
    "floated",
];

fn check_daemon_node(s: &Scenario, node: &super::Located<String>, p: &mut Problems) {
    if node.contains('*') {
        // A pattern (`rw*`): the events of every node it fits, summed.
        let mut fits = s.nodes_named(node).peekable();
        if fits.peek().is_none() {
            p.push((node.pos, format!("no node's name fits `{}`", node.value)));
        }
        for name in fits {
            if s.nodes[name].racoon.is_none() {
                p.push((
                    node.pos,
                    format!("`{}` fits node `{name}`, which runs no racoon", node.value),
                ));
                return;
            }
        }
        return;
    }
    match s.nodes.get(node.as_str()) {
        Some(spec) if spec.racoon.is_some() => {}
        Some(_) => p.push((node.pos, format!("node `{}` runs no racoon", node.value))),
        None => p.push((node.pos, format!("unknown node `{}`", node.value))),
    }
}

pub fn check_ike(s: &Scenario, x: &IkeExpect, p: &mut Problems) {
    check_daemon_node(s, &x.node, p);
    if !IKE_EVENTS.contains(&x.event.as_str()) {
        p.push((
            x.event.pos,
            format!(
                "unknown ike event `{}`: expected one of {}",
                x.event.value,
                IKE_EVENTS.join(", ")
            ),
        ));
    }
    if let Some(r) = &x.reason {
        if x.event.as_str() != "failure" {
            p.push((r.pos, "`reason` goes with `event: failure`".into()));
        } else if !FailReason::ALL.iter().any(|f| f.name() == r.as_str()) {
            let names: Vec<&str> = FailReason::ALL.iter().map(|f| f.name()).collect();
            p.push((
                r.pos,
                format!(
                    "unknown failure reason `{}`: expected one of {}",
                    r.value,
                    names.join(", ")
                ),
            ));
        }
    }
    if let Some(phase) = &x.phase {
        if !matches!(phase.value, 1 | 2) || x.event.as_str() != "failure" {
            p.push((phase.pos, "`phase` is 1 or 2, with `event: failure`".into()));
        }
    }
}

pub fn check_log(s: &Scenario, x: &LogExpect, p: &mut Problems) {
    check_daemon_node(s, &x.node, p);
    if let Err(e) = Regex::new(&x.matches) {
        let first = e.to_string().lines().last().unwrap_or("").to_string();
        p.push((
            x.matches.pos,
            format!("invalid regular expression: {first}"),
        ));
    }
}
