//! Semantic checks that the YAML schema cannot express. Each problem points
//! at the offending value.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use regex::Regex;

use super::embedded::{Source, yaml_pos};
use super::located::{Located, Pos};
use super::model::*;
use crate::config::setkey::kernel_requests;
use crate::ipsec::IpsecEngine;
use crate::ipsec::ipcomp_sad::IPCOMP_COUNTERS;
use crate::ipsec::sad::SA_COUNTERS;
use crate::ipsec::spec::Direction;
use crate::kernel::counters::{LINK_COUNTERS, NODE_COUNTERS};
use crate::observe::tcpdump::{tcp_port_is_decoded, udp_port_is_decoded};

type Problems = Vec<(Pos, String)>;

/// Up to this many interfaces per node (the smoltcp address table size).
pub const MAX_INTERFACES: usize = 8;

/// Checks a scenario; `source` is its YAML text, used to point into
/// embedded scripts (None for scenarios built in code).
pub fn validate(s: &Scenario, source: Option<&str>) -> Problems {
    validate_with_warnings(s, source).0
}

/// [`validate`], also returning the warnings (what is accepted but not
/// implemented), sorted by position.
pub fn validate_with_warnings(s: &Scenario, source: Option<&str>) -> (Problems, Problems) {
    let source = source.map(Source::new);
    let source = source.as_ref();
    let mut p = Problems::new();
    let mut warnings = Problems::new();
    check_setkey(s, source, &mut p, &mut warnings);
    super::racoon_files::check(s, source, &mut p, &mut warnings);
    check_header(s, &mut p);
    check_links(s, &mut p);
    check_nodes(s, &mut p);
    check_subnets(s, &mut p);
    check_traffic(s, &mut p);
    check_port_decoders(s, &mut warnings);
    check_events(s, &mut p);
    let flows = Flows::of(s);
    for e in &s.expect {
        check_expectation(s, &flows, e, &mut p);
    }
    p.sort_by_key(|(pos, _)| (pos.line, pos.column));
    warnings.sort_by_key(|(pos, _)| (pos.line, pos.column));
    (p, warnings)
}

/// Parses every node's setkey script and runs it against a scratch SAD and
/// SPD, so that syntax errors and commands setkey would refuse (a
/// duplicate SA, deleting a missing one) point into the YAML file.
fn check_setkey(s: &Scenario, source: Option<&Source<'_>>, p: &mut Problems, w: &mut Problems) {
    for (node, spec) in &s.nodes {
        let mut engine = IpsecEngine::new(crate::net::rng::stream(0, "validate"));
        if let Some(script) = &spec.setkey {
            let keyed = spec.racoon.is_some();
            check_script((node, keyed), script, source, &mut engine, (p, w));
        }
        let Some(yaml) = &spec.ipsec else { continue };
        match yaml.commands() {
            Ok(commands) => {
                for c in commands {
                    if let Err(e) = engine.apply(&c, smoltcp::time::Instant::ZERO) {
                        p.push((spec.pos, format!("ipsec of node `{node}`: {e}")));
                    }
                }
            }
            Err(problem) => p.push(problem),
        }
    }
}

fn check_script(
    (node, keyed): (&str, bool),
    script: &Located<String>,
    source: Option<&Source<'_>>,
    engine: &mut IpsecEngine,
    (p, w): (&mut Problems, &mut Problems),
) {
    {
        let at = |line, column| yaml_pos(script, source, line, column);
        // `fwd` policies setkey's RFC mode made from `in` policies.
        let mut rfc_fwd = Vec::new();
        let statements = match crate::config::setkey::parse(script) {
            Ok(st) => st,
            Err(e) => {
                let msg = format!(
                    "setkey script of node `{node}`, line {} column {}: {}",
                    e.line, e.column, e.message
                );
                p.push((at(e.line, e.column), msg));
                return;
            }
        };
        for st in statements {
            let pos = at(st.line, st.column);
            let prefix = format!("setkey script of node `{node}`, line {}", st.line);
            if let Some(why) = keyed.then(|| racoon_ipcomp_gap(&st.command)).flatten() {
                w.push((pos, format!("{prefix}: {why}")));
            }
            for (i, request) in kernel_requests(st.command).into_iter().enumerate() {
                let fwd = match request.added_policy() {
                    Some(policy) if policy.dir == Direction::Fwd => Some(policy.selector),
                    _ => None,
                };
                let Err(e) = engine.apply(&request, smoltcp::time::Instant::ZERO) else {
                    rfc_fwd.extend(fwd.filter(|_| i > 0));
                    continue;
                };
                // An explicit `fwd` next to its `in` policy, as many
                // scripts have: Linux answers File exists and keeps the
                // policy RFC mode made; setkey goes on.
                if fwd.is_some_and(|s| i > 0 || rfc_fwd.contains(&s)) {
                    w.push((
                        pos,
                        format!(
                            "{prefix}: File exists ({e}): setkey on Linux (RFC mode) already added this `fwd` policy with its `in` policy; the first one stays"
                        ),
                    ));
                } else {
                    p.push((pos, format!("{prefix}: {e}")));
                }
            }
        }
    }
}

/// What vpnlab's racoon does differently from racoon for an SPDADD
/// with an IPComp step: an IPComp step alone at a level that needs the
/// SA (`use` passes without one), or an IPComp step in another mode
/// than the ESP/AH step (proposal.c `set_proposal_from_policy` gives
/// each protocol its own mode under the default `complex_bundle on`).
fn racoon_ipcomp_gap(request: &crate::ipsec::pfkey::Request) -> Option<&'static str> {
    use crate::ipsec::pfkey::Request;
    let Request::SpdAddWithIpcomp { policy, ipcomp } = request else {
        return None;
    };
    match policy.templates.first() {
        None if ipcomp.level != crate::ipsec::spec::Level::Use => Some(
            "a policy whose only step is a required IPComp one: racoon would negotiate IPCOMP alone for it (pk_recvacquire); vpnlab's racoon offers IPComp only bundled with ESP or AH, and its kernel raises no ACQUIRE for IPComp, so only manually keyed IPComp SAs serve it",
        ),
        Some(t) if t.mode != ipcomp.mode => Some(
            "the IPComp step's mode differs from the ESP/AH step's: racoon would propose each in its own mode (set_proposal_from_policy, complex_bundle on); vpnlab's racoon negotiates the whole bundle in the ESP/AH step's mode",
        ),
        _ => None,
    }
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}

fn check_header(s: &Scenario, p: &mut Problems) {
    if !is_identifier(&s.name) {
        p.push((s.name.pos, format!("scenario name `{}` must be letters, digits, `-`, `_` or `.` (it names the capture folder)", s.name.value)));
    }
    if s.duration.0.total_micros() == 0 {
        p.push((s.duration.pos, "duration must be greater than zero".into()));
    }
}

fn check_links(s: &Scenario, p: &mut Problems) {
    for (name, link) in &s.links {
        if !is_identifier(name) {
            p.push((
                link.pos,
                format!("link name `{name}` must be letters, digits, `-`, `_` or `.`"),
            ));
        }
        if !(68..=65535).contains(&link.mtu.value) {
            p.push((
                link.mtu.pos,
                format!(
                    "MTU of link `{name}` must be 68 to 65535 (RFC 791 §3.2), found {}",
                    link.mtu.value
                ),
            ));
        }
        if let Some(tun) = &link.tun {
            check_tun(&tun.value, p);
        }
    }
    let mut devices: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, tun) in s
        .links
        .iter()
        .filter_map(|(n, l)| Some((n, l.tun.as_ref()?)))
    {
        let device = tun.device.as_str();
        if let Some(other) = devices.insert(device, name) {
            p.push((
                tun.device.pos,
                format!("TUN device `{device}` is already an end of link `{other}`"),
            ));
        }
    }
}

/// A device name Linux takes (`dev_valid_name`: 1 to 15 bytes, no `/`,
/// no whitespace, not `.` or `..`).
fn check_tun(tun: &crate::scenario::TunSpec, p: &mut Problems) {
    let name = tun.device.as_str();
    let valid = (1..=15).contains(&name.len())
        && name != "."
        && name != ".."
        && !name.contains(['/', ':'])
        && !name.chars().any(char::is_whitespace);
    if !valid {
        p.push((tun.device.pos, format!("TUN device name `{name}` must be 1 to 15 characters without `/`, `:` or spaces (Linux IFNAMSIZ)")));
    }
    if let Some(via) = &tun.via {
        if !tun.address.contains(via.value) {
            p.push((
                via.pos,
                format!(
                    "`via` {} is not on the TUN end's subnet {}",
                    via.value, tun.address.value
                ),
            ));
        }
    }
}

fn check_nodes(s: &Scenario, p: &mut Problems) {
    let mut seen: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
    for (node, spec) in &s.nodes {
        if let Some(nat) = &spec.nat {
            super::nat_config::check(node, spec, nat, p);
        }
        if !is_identifier(node) {
            p.push((
                spec.pos,
                format!("node name `{node}` must be letters, digits, `-`, `_` or `.`"),
            ));
        }
        if spec.interfaces.is_empty() || spec.interfaces.len() > MAX_INTERFACES {
            p.push((
                spec.pos,
                format!("node `{node}` must have 1 to {MAX_INTERFACES} interfaces"),
            ));
        }
        for iface in spec.interfaces.values() {
            if !s.links.contains_key(iface.link.as_str()) {
                p.push((
                    iface.link.pos,
                    format!(
                        "unknown link `{}`: expected one of {}",
                        iface.link.value,
                        names(s.links.keys())
                    ),
                ));
            }
            let addr = iface.address.value.addr;
            if let Some(other) = seen.insert(addr, node) {
                p.push((
                    iface.address.pos,
                    format!("duplicate address {addr}: node `{other}` has it too"),
                ));
            }
            if iface.address.len == 0
                || addr.is_unspecified()
                || addr.is_broadcast()
                || addr.is_multicast()
            {
                p.push((
                    iface.address.pos,
                    format!(
                        "`{}` is not a usable interface address",
                        iface.address.value
                    ),
                ));
            }
        }
        for route in &spec.routes {
            let connected = spec
                .interfaces
                .values()
                .any(|i| i.address.contains(*route.via));
            if !connected {
                p.push((route.via.pos, format!("next hop {} is unreachable: it is on no subnet of node `{node}`'s interfaces", route.via.value)));
            }
        }
    }
}

/// Every interface address must share a subnet with another interface on its link.
fn check_subnets(s: &Scenario, p: &mut Problems) {
    let mut by_link: BTreeMap<&str, Vec<&Located<crate::net::Prefix>>> = BTreeMap::new();
    for spec in s.nodes.values() {
        for iface in spec.interfaces.values() {
            by_link
                .entry(iface.link.as_str())
                .or_default()
                .push(&iface.address);
        }
    }
    for (name, link) in &s.links {
        if let Some(tun) = &link.tun {
            by_link
                .entry(name.as_str())
                .or_default()
                .push(&tun.value.address);
        }
    }
    for (link, addrs) in &by_link {
        if addrs.len() < 2 {
            continue;
        }
        for (i, a) in addrs.iter().enumerate() {
            let shared = addrs
                .iter()
                .enumerate()
                .any(|(j, b)| i != j && a.contains(b.addr) && b.contains(a.addr));
            if !shared {
                p.push((a.pos, format!("address {} is on no subnet of link `{link}`: no other interface there shares its prefix", a.value)));
            }
        }
    }
}

/// Every address traffic can go to: the nodes' and the TUN ends' (a real
/// host answers there).
fn all_addresses(s: &Scenario) -> BTreeSet<Ipv4Addr> {
    let tuns = s
        .links
        .values()
        .filter_map(|l| l.tun.as_ref().map(|t| t.address.addr));
    s.nodes
        .values()
        .flat_map(|n| n.interfaces.values().map(|i| i.address.addr))
        .chain(tuns)
        .collect()
}

fn check_traffic(s: &Scenario, p: &mut Problems) {
    let addrs = all_addresses(s);
    let node_addrs: BTreeSet<Ipv4Addr> = s
        .nodes
        .values()
        .flat_map(|n| n.interfaces.values().map(|i| i.address.addr))
        .collect();
    let mut names = BTreeSet::new();
    let mut listeners = BTreeSet::new();
    let has_tun = s.links.values().any(|l| l.tun.is_some());
    for (i, entry) in s.traffic.iter().enumerate() {
        let Some(flow) = FlowRef::of(entry) else {
            p.push((
                entry.pos,
                "a traffic entry needs exactly one of `ping`, `udp` or `tcp`".into(),
            ));
            continue;
        };
        if !s.nodes.contains_key(flow.from.as_str()) {
            p.push((
                flow.from.pos,
                format!(
                    "unknown node `{}`: expected one of {}",
                    flow.from.value,
                    names_of(s)
                ),
            ));
        }
        // Behind a TUN end is a real machine, which may route a ping on
        // (to a tunnel's inner address, say): any address will do then.
        let past_tun = entry.ping.is_some() && has_tun;
        let known = addrs.contains(&flow.to.value);
        if !known && !past_tun {
            p.push((
                flow.to.pos,
                format!("no node or TUN end has address {}", flow.to.value),
            ));
        } else if entry.ping.is_none() && !node_addrs.contains(&flow.to.value) {
            p.push((
                flow.to.pos,
                format!("{} is a TUN end's host: a {} flow needs a simulated node there to count what arrives (a `ping` can go to a real host)", flow.to.value, flow.kind),
            ));
        }
        check_flow_shape(entry, &mut listeners, p);
        let name = flow_name(i, entry);
        if !names.insert(name.clone()) {
            p.push((
                flow.name_pos.unwrap_or(entry.pos),
                format!("duplicate flow name `{name}`"),
            ));
        }
        if entry.at.0 >= s.duration.0 {
            p.push((
                entry.pos,
                format!(
                    "flow `{name}` starts at {} but the scenario ends at {}",
                    entry.at, s.duration.value
                ),
            ));
        }
    }
}

/// Every port 1..65535 carries a flow; where tcpdump 4.99 decodes the port
/// with a decoder our trace does not reproduce, trace.txt shows the plain
/// UDP or TCP line instead of tcpdump's decoded one, and the user is told.
fn check_port_decoders(s: &Scenario, w: &mut Problems) {
    for (flow, entry) in s.traffic.iter().enumerate() {
        let (kind, to, port, decoded) = match (&entry.udp, &entry.tcp) {
            (Some(u), _) => ("udp", &u.to, u.port, udp_flow_is_decoded(flow, u)),
            (_, Some(t)) => ("tcp", &t.to, t.port, tcp_flow_is_decoded(t.port)),
            _ => continue,
        };
        if decoded {
            w.push((to.pos, format!("tcpdump decodes {kind} port {port} as another protocol, which vpnlab's trace.txt does not reproduce: it prints this flow's packets as plain UDP or TCP lines")));
        }
    }
}

/// Whether tcpdump decodes some datagram of this flow with a printer the
/// trace does not reproduce. Printers that look at the payload see the
/// first 8 bytes of a flow datagram (`node::apps::udp`): the largest
/// sequence number below 2^16 (Geneve's inner protocol), then pattern
/// bytes (`payload::fill` with key 0; with any key they are neither an
/// RPC call nor a reply, so UDP 2049 is not NFS). VXLAN looks at the inner
/// frame's Ethertype, bytes 20 and 21, which depend on the datagram's key:
/// the first 22 bytes of each datagram (of the first 256, which have
/// every key the flow has) are checked too.
fn udp_flow_is_decoded(flow: usize, u: &UdpFlow) -> bool {
    let seq = u.count.saturating_sub(1).min(0xffff);
    let mut head = [0, 0, 0, 0, 124, 155, 186, 217];
    head[..4].copy_from_slice(&seq.to_be_bytes());
    udp_port_is_decoded(0, u.port, &head[..u.size.min(8)])
        || (0..u.count.min(256)).any(|seq| {
            let head = flow_datagram_head(flow, seq, u.size.min(22));
            udp_port_is_decoded(0, u.port, &head)
        })
}

/// The first `len` bytes of datagram `seq` of UDP flow `flow`
/// (`node::apps::udp`): the sequence number, then `payload::fill`'s
/// pattern with the datagram's key.
fn flow_datagram_head(flow: usize, seq: u32, len: usize) -> Vec<u8> {
    let key = seq
        .wrapping_mul(7)
        .wrapping_add((flow as u32).wrapping_mul(13)) as u8;
    let mut head: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(key))
        .collect();
    for (b, s) in head.iter_mut().zip(seq.to_be_bytes()) {
        *b = s;
    }
    head
}

/// Whether tcpdump decodes some segment of a TCP flow on `port` with a
/// decoder the trace does not reproduce. Segments carry `payload::fill`
/// stream bytes from any offset; the decoders that look at the payload
/// (PPTP's control message type, bytes 8 and 9) see two bytes that differ
/// by 31 or 32, as the first 12 bytes of the stream with key 0 do.
fn tcp_flow_is_decoded(port: u16) -> bool {
    let head = [0, 31, 62, 93, 124, 155, 186, 217, 248, 23, 54, 85];
    tcp_port_is_decoded(0, port, &head)
}

/// The largest payload of one IPv4 datagram: 65535 - 20 (IP) - 8 (UDP or ICMP).
const MAX_PAYLOAD: usize = 65507;

/// Sizes, rates, and one receiver per (protocol, address, port).
fn check_flow_shape(
    entry: &Located<TrafficEntry>,
    listeners: &mut BTreeSet<(&'static str, Ipv4Addr, u16)>,
    p: &mut Problems,
) {
    let mut listen = |kind, to: &Located<Ipv4Addr>, port: u16, p: &mut Problems| {
        // RFC 768, RFC 9293 (3.1): port 0 is reserved; 1..65535 all carry flows.
        if port == 0 {
            p.push((to.pos, format!("{kind} port 0 is reserved: use 1..65535")));
        }
        if !listeners.insert((kind, to.value, port)) {
            p.push((
                to.pos,
                format!("another {kind} flow already listens on {}:{port}", to.value),
            ));
        }
    };
    if let Some(u) = &entry.udp {
        if u.interval.is_some() && u.rate.is_some() {
            p.push((
                entry.pos,
                "a udp flow takes `interval` or `rate`, not both".into(),
            ));
        }
        if u.size > MAX_PAYLOAD {
            p.push((
                entry.pos,
                format!("udp size {} is larger than {MAX_PAYLOAD}", u.size),
            ));
        }
        listen("udp", &u.to, u.port, p);
    }
    if let Some(t) = &entry.tcp {
        listen("tcp", &t.to, t.port, p);
    }
    if let Some(ping) = &entry.ping {
        if ping.size > MAX_PAYLOAD {
            p.push((
                entry.pos,
                format!("ping size {} is larger than {MAX_PAYLOAD}", ping.size),
            ));
        }
        if ping.count > u32::from(u16::MAX) {
            p.push((
                entry.pos,
                "ping count must be at most 65535 (the ICMP sequence number)".into(),
            ));
        }
    }
}

/// The parts every kind of flow has.
pub struct FlowRef<'a> {
    pub kind: &'static str,
    pub from: &'a Located<String>,
    pub to: &'a Located<Ipv4Addr>,
    pub name: Option<&'a str>,
    pub name_pos: Option<Pos>,
}

impl<'a> FlowRef<'a> {
    pub fn of(entry: &'a TrafficEntry) -> Option<FlowRef<'a>> {
        let named = |n: &'a Option<Located<String>>| {
            (n.as_ref().map(|l| l.as_str()), n.as_ref().map(|l| l.pos))
        };
        match (&entry.ping, &entry.udp, &entry.tcp) {
            (Some(f), None, None) => {
                let (name, name_pos) = named(&f.name);
                Some(FlowRef {
                    kind: "ping",
                    from: &f.from,
                    to: &f.to,
                    name,
                    name_pos,
                })
            }
            (None, Some(f), None) => {
                let (name, name_pos) = named(&f.name);
                Some(FlowRef {
                    kind: "udp",
                    from: &f.from,
                    to: &f.to,
                    name,
                    name_pos,
                })
            }
            (None, None, Some(f)) => {
                let (name, name_pos) = named(&f.name);
                Some(FlowRef {
                    kind: "tcp",
                    from: &f.from,
                    to: &f.to,
                    name,
                    name_pos,
                })
            }
            _ => None,
        }
    }
}

/// A flow's name: the one given, or `<kind>-<position in the traffic list>`.
pub fn flow_name(index: usize, entry: &TrafficEntry) -> String {
    match FlowRef::of(entry) {
        Some(FlowRef { name: Some(n), .. }) => n.to_string(),
        Some(f) => format!("{}-{}", f.kind, index + 1),
        None => format!("flow-{}", index + 1),
    }
}

fn check_events(s: &Scenario, p: &mut Problems) {
    for e in &s.events {
        match (&e.link_down, &e.link_up, &e.daemon_restart) {
            (Some(l), None, None) | (None, Some(l), None) => check_link_ref(s, l, p),
            (None, None, Some(n)) => match s.nodes.get(n.as_str()) {
                Some(spec) if spec.racoon.is_some() => {}
                _ => p.push((
                    n.pos,
                    format!("`{}` is not a node that runs racoon", n.value),
                )),
            },
            _ => p.push((
                e.pos,
                "an event needs exactly one of `link_down`, `link_up` or `daemon_restart`".into(),
            )),
        }
        if e.at.0 > s.duration.0 {
            p.push((
                e.pos,
                format!(
                    "event at {} is after the end of the scenario ({})",
                    e.at, s.duration.value
                ),
            ));
        }
    }
}

fn check_link_ref(s: &Scenario, link: &Located<String>, p: &mut Problems) {
    if !s.links.contains_key(link.as_str()) {
        p.push((
            link.pos,
            format!(
                "unknown link `{}`: expected one of {}",
                link.value,
                names(s.links.keys())
            ),
        ));
    }
}

fn check_node_ref(s: &Scenario, node: &Located<String>, p: &mut Problems) {
    if !s.nodes.contains_key(node.as_str()) {
        p.push((
            node.pos,
            format!(
                "unknown node `{}`: expected one of {}",
                node.value,
                names_of(s)
            ),
        ));
    }
}

/// The flows expectations name, found once (a scenario with a group
/// may have thousands of flows and expectations).
struct Flows<'a> {
    kinds: BTreeMap<String, &'static str>,
    /// Ping flows by sender and target.
    pings: std::collections::HashSet<(&'a str, std::net::Ipv4Addr)>,
}

impl<'a> Flows<'a> {
    fn of(s: &'a Scenario) -> Flows<'a> {
        let kinds = s
            .traffic
            .iter()
            .enumerate()
            .filter_map(|(i, e)| FlowRef::of(e).map(|f| (flow_name(i, e), f.kind)))
            .collect();
        let pings = s
            .traffic
            .iter()
            .filter_map(|t| t.ping.as_ref())
            .map(|f| (f.from.value.as_str(), f.to.value))
            .collect();
        Flows { kinds, pings }
    }
}

fn check_flow_ref(flows: &Flows, flow: &Located<String>, kind: &str, p: &mut Problems) {
    match flows.kinds.get(flow.as_str()) {
        Some(k) if *k == kind => {}
        Some(k) => p.push((
            flow.pos,
            format!("flow `{}` is a {k} flow, not {kind}", flow.value),
        )),
        None => p.push((
            flow.pos,
            format!("no {kind} flow named `{}` in traffic", flow.value),
        )),
    }
}

fn check_bound(
    pos: Pos,
    exact: Option<u64>,
    at_least: Option<u64>,
    at_most: Option<u64>,
    exact_name: &str,
    p: &mut Problems,
) {
    if exact.is_some() && (at_least.is_some() || at_most.is_some()) {
        p.push((
            pos,
            format!("give either `{exact_name}` or `at_least`/`at_most`, not both"),
        ));
    }
    check_range(pos, at_least, at_most, ("at_least", "at_most"), p);
}

/// A lower bound above the upper one can never hold.
fn check_range(
    pos: Pos,
    at_least: Option<u64>,
    at_most: Option<u64>,
    names: (&str, &str),
    p: &mut Problems,
) {
    if let (Some(low), Some(high)) = (at_least, at_most) {
        if low > high {
            let (low_name, high_name) = names;
            p.push((
                pos,
                format!(
                    "`{low_name}: {low}` is above `{high_name}: {high}`: no value can meet both"
                ),
            ));
        }
    }
}

/// `udp:` and `tcp:`: `bytes`, or `at_least_bytes`/`at_most_bytes`.
fn check_flow_expect(flows: &Flows, pos: Pos, x: &FlowExpect, kind: &str, p: &mut Problems) {
    check_flow_ref(flows, &x.flow, kind, p);
    if x.bytes.is_some() && (x.at_least_bytes.is_some() || x.at_most_bytes.is_some()) {
        p.push((
            pos,
            "give either `bytes` or `at_least_bytes`/`at_most_bytes`, not both".into(),
        ));
    }
    check_range(
        pos,
        x.at_least_bytes,
        x.at_most_bytes,
        ("at_least_bytes", "at_most_bytes"),
        p,
    );
}

fn check_regex(re: &Located<String>, p: &mut Problems) {
    if let Err(e) = Regex::new(re) {
        let first = e.to_string().lines().last().unwrap_or("").to_string();
        p.push((re.pos, format!("invalid regular expression: {first}")));
    }
}

fn check_expectation(s: &Scenario, flows: &Flows, e: &Located<Expect>, p: &mut Problems) {
    match &e.value.what {
        Expectation::Ping(x) => check_ping_expect(s, flows, e.pos, x, p),
        Expectation::Udp(x) => check_flow_expect(flows, e.pos, x, "udp", p),
        Expectation::Tcp(x) => check_flow_expect(flows, e.pos, x, "tcp", p),
        Expectation::Packets(x) => {
            check_link_ref(s, &x.link, p);
            if let Some(proto) = &x.proto {
                if crate::observe::filter::protocol_number(proto).is_none() {
                    p.push((proto.pos, format!("unknown protocol `{}`: expected icmp, udp, tcp, esp, ah, gre or a number", proto.value)));
                }
            }
            check_bound(e.pos, x.count, x.at_least, x.at_most, "count", p);
        }
        Expectation::Trace(x) => {
            check_link_ref(s, &x.link, p);
            match (&x.matches, &x.not_matches) {
                (Some(re), None) | (None, Some(re)) => check_regex(re, p),
                _ => p.push((
                    e.pos,
                    "a trace expectation needs exactly one of `matches` or `not_matches`".into(),
                )),
            }
            let counted = x.count.is_some() || x.at_least.is_some() || x.at_most.is_some();
            if x.not_matches.is_some() && counted {
                p.push((
                    e.pos,
                    "`not_matches` means no line matches: it takes no `count`, `at_least` or `at_most`".into(),
                ));
            }
            check_bound(e.pos, x.count, x.at_least, x.at_most, "count", p);
        }
        Expectation::Counter(x) => check_counter_expect(s, e.pos, x, p),
        Expectation::Sa(x) => {
            check_node_ref(s, &x.node, p);
            let name = x.counter.as_str();
            if !SA_COUNTERS.contains(&name) && !IPCOMP_COUNTERS.contains(&name) {
                p.push((
                    x.counter.pos,
                    format!(
                        "unknown SA counter `{}`: expected one of {} (IPComp SAs: {})",
                        x.counter.value,
                        SA_COUNTERS.join(", "),
                        IPCOMP_COUNTERS.join(", ")
                    ),
                ));
            }
            if x.count.is_none() && x.at_least.is_none() && x.at_most.is_none() {
                p.push((
                    e.pos,
                    "an sa expectation needs `count`, `at_least` or `at_most`".into(),
                ));
            }
            check_bound(e.pos, x.count, x.at_least, x.at_most, "count", p);
        }
        Expectation::Ike(x) => {
            super::validate_ike::check_ike(s, x, p);
            check_bound(e.pos, x.count, x.at_least, x.at_most, "count", p);
        }
        Expectation::Log(x) => {
            super::validate_ike::check_log(s, x, p);
            check_bound(e.pos, x.count, x.at_least, x.at_most, "count", p);
        }
        Expectation::NoPlaintext(x) => {
            check_link_ref(s, &x.link, p);
            if x.between.len() != 2 {
                p.push((e.pos, "`between` names exactly two nodes".into()));
            }
            for n in &x.between {
                check_node_ref(s, n, p);
            }
        }
    }
}

fn check_ping_expect(s: &Scenario, flows: &Flows, pos: Pos, x: &PingExpect, p: &mut Problems) {
    if let Some(flow) = &x.flow {
        check_flow_ref(flows, flow, "ping", p);
    } else if let (Some(from), Some(to)) = (&x.from, &x.to) {
        check_node_ref(s, from, p);
        let found = flows.pings.contains(&(from.value.as_str(), to.value));
        if !found {
            p.push((
                to.pos,
                format!(
                    "no ping flow from `{}` to {} in traffic",
                    from.value, to.value
                ),
            ));
        }
    } else {
        p.push((
            pos,
            "a ping expectation needs `flow`, or `from` and `to`".into(),
        ));
    }
    if x.replies.is_none() && x.at_least.is_none() && x.at_most.is_none() {
        p.push((
            pos,
            "a ping expectation needs `replies`, `at_least` or `at_most`".into(),
        ));
    }
    check_bound(pos, x.replies, x.at_least, x.at_most, "replies", p);
}

fn check_counter_expect(s: &Scenario, pos: Pos, x: &CounterExpect, p: &mut Problems) {
    let known: &[&str] = match (&x.node, &x.link) {
        (Some(n), None) if n.contains('*') => {
            if s.nodes_named(n).next().is_none() {
                p.push((n.pos, format!("no node's name fits `{}`", n.value)));
            }
            NODE_COUNTERS
        }
        (Some(n), None) => {
            check_node_ref(s, n, p);
            NODE_COUNTERS
        }
        (None, Some(l)) => {
            check_link_ref(s, l, p);
            LINK_COUNTERS
        }
        _ => {
            p.push((
                pos,
                "a counter expectation needs exactly one of `node` or `link`".into(),
            ));
            return;
        }
    };
    if !known.contains(&x.name.as_str()) {
        p.push((
            x.name.pos,
            format!(
                "unknown counter `{}`: expected one of {}",
                x.name.value,
                known.join(", ")
            ),
        ));
    }
    if x.count.is_none() && x.at_least.is_none() && x.at_most.is_none() {
        p.push((
            pos,
            "a counter expectation needs `count`, `at_least` or `at_most`".into(),
        ));
    }
    check_bound(pos, x.count, x.at_least, x.at_most, "count", p);
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<String> = it.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        "(none defined)".into()
    } else {
        list.join(", ")
    }
}

fn names_of(s: &Scenario) -> String {
    names(s.nodes.keys())
}
