//! What an encrypted Informational said. tcpdump prints `inf[E]`; the
//! sending racoon knows it was an `R-U-THERE` or a `DELETE`
//! ([`IkeEvent::InformationalSent`]). Each such event names the first
//! `inf` packet its node then sent to that peer; the copies a router or
//! NAT forwards (same IP identification, within a second) say it too.

use std::collections::{HashMap, VecDeque};

use crate::ike::IkeEvent;
use crate::sim::Outcome;
use crate::wire::ip::Address;

/// How long after the sender's packet a forwarded copy may follow.
const FORWARD_WINDOW_US: i64 = 1_000_000;

fn is_informational(text: &str) -> bool {
    text.split_once("isakmp: ")
        .is_some_and(|(_, l)| l.ends_with(" inf") || l.ends_with(" inf[E]"))
}

/// The label of each Informational hop, by hop index.
pub fn informational(o: &Outcome) -> HashMap<usize, String> {
    // Per sending lifeline and peer address, what it sent in order.
    let mut sent: HashMap<(u32, Address), VecDeque<(i64, &str)>> = HashMap::new();
    for r in &o.ike {
        let Some(lane) = o.lifelines.iter().position(|l| *l == r.node) else {
            continue;
        };
        for e in &r.events {
            if let IkeEvent::InformationalSent { at, to, what } = e {
                let key = (lane as u32, Address::from(*to.ip()));
                sent.entry(key)
                    .or_default()
                    .push_back((at.total_micros(), what));
            }
        }
    }
    let mut labels = HashMap::new();
    let mut recent: Vec<(u16, i64, String)> = Vec::new();
    for (i, h) in o.hops.iter().enumerate() {
        let Some(s) = h.summary.filter(|_| is_informational(&h.text)) else {
            continue;
        };
        let at = h.at.total_micros();
        let own = sent.get_mut(&(h.from, s.dst)).and_then(|q| {
            let (when, _) = q.front()?;
            (*when <= at).then(|| q.pop_front()).flatten()
        });
        let label = match own {
            Some((_, what)) => Some(what.to_string()),
            None => recent
                .iter()
                .rev()
                .find(|(id, when, _)| *id == s.ident && at - when <= FORWARD_WINDOW_US)
                .map(|(_, _, w)| w.clone()),
        };
        if let Some(l) = label {
            recent.retain(|(_, when, _)| at - when <= FORWARD_WINDOW_US);
            recent.push((s.ident, at, l.clone()));
            labels.insert(i, l);
        }
    }
    labels
}
