//! A link said in one line, for the capture of all links (its pcapng
//! `if_description`): its properties and the ends that sit on it.

use crate::observe::pcapng::Interface;
use crate::scenario::{LinkSpec, Scenario};

/// One interface per link, in link order.
pub fn interfaces(s: &Scenario) -> Vec<Interface> {
    s.links
        .iter()
        .map(|(name, spec)| Interface {
            name: name.clone(),
            description: describe(s, name, spec),
        })
        .collect()
}

/// `latency 10ms, loss 1%, MTU 1500; ends: gw eth0 10.0.0.1/24, ...`:
/// only what differs from an ideal link is named.
fn describe(s: &Scenario, name: &str, l: &LinkSpec) -> String {
    let mut parts = Vec::new();
    let zero = |span: &crate::scenario::units::Span| span.0.total_micros() == 0;
    if !zero(&l.latency) {
        parts.push(format!("latency {}", l.latency));
    }
    if !zero(&l.jitter) {
        parts.push(format!("jitter {}", l.jitter));
    }
    if let Some(rate) = l.rate {
        parts.push(format!("rate {} bit/s, queue {}", rate.0, l.queue));
    }
    for (what, p) in [
        ("loss", l.loss),
        ("duplicate", l.duplicate),
        ("reorder", l.reorder),
    ] {
        if p.0 > 0.0 {
            parts.push(format!("{what} {}%", p.0 * 100.0));
        }
    }
    parts.push(format!("MTU {}", l.mtu.value));
    let mut ends: Vec<String> = s
        .nodes
        .iter()
        .flat_map(|(node, spec)| {
            spec.interfaces
                .iter()
                .filter(|(_, i)| i.link.value == name)
                .map(move |(iface, i)| format!("{node} {iface} {}", i.address.value))
        })
        .collect();
    if let Some(tun) = &l.tun {
        ends.push(format!(
            "host TUN {} {}",
            tun.device.value, tun.address.value
        ));
    }
    format!(
        "link {name}: {}; ends: {}",
        parts.join(", "),
        ends.join(", ")
    )
}
