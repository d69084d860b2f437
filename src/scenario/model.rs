//! The scenario schema. Every type can be built in Rust code as well as read
//! from YAML, so property tests can generate scenarios.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::Deserialize;

use super::located::Located;
use super::units::{BitRate, Probability, Span, Spi};
use crate::net::Prefix;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: Located<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    /// The wall-clock time at simulated time zero, in seconds since the
    /// Unix epoch: certificate validity and CRL times count from it. The
    /// default 0 is where pcap timestamps count from.
    #[serde(default)]
    pub epoch: u64,
    pub duration: Located<Span>,
    #[serde(default)]
    pub links: BTreeMap<String, Located<LinkSpec>>,
    #[serde(default)]
    pub nodes: BTreeMap<String, Located<NodeSpec>>,
    #[serde(default)]
    pub traffic: Vec<Located<TrafficEntry>>,
    #[serde(default)]
    pub events: Vec<Located<EventEntry>>,
    #[serde(default)]
    pub expect: Vec<Located<Expect>>,
    /// Certificates made from the seed into the nodes' `files:`.
    #[serde(default)]
    pub pki: Option<super::pki_yaml::PkiSpec>,
    /// Warnings found while loading (`file:line:col: warning: ...`), e.g.
    /// racoon.conf directives vpnlab does not implement.
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// Positions in the text with its node groups expanded, back to the
    /// file's (see `group`); empty when the file has no group.
    #[serde(skip)]
    pub lines: std::sync::Arc<super::group::LineMap>,
    /// The `vary:` section's variables and the values this scenario was
    /// loaded with (see `vary`); empty without the section.
    #[serde(skip)]
    pub variables: Vec<(String, String)>,
    /// Expectations whose `when:` does not hold for these values: not
    /// checked, listed with their line and condition.
    #[serde(skip)]
    pub skipped: Vec<(u32, String)>,
}

impl Scenario {
    /// The file line of a position the scenario's values carry.
    pub fn file_line(&self, line: u32) -> u32 {
        self.lines.line(line)
    }

    /// The nodes a name or a pattern (`rw*`: any text for `*`) names.
    pub fn nodes_named<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.nodes.keys().filter(move |n| name_matches(pattern, n))
    }
}

/// Whether `name` fits `pattern`, where `*` stands for any text.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// A simulated wire: point-to-point with two nodes, or a shared segment.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// One-way propagation delay.
    #[serde(default)]
    pub latency: Span,
    /// Extra delay drawn uniformly from [0, jitter] per packet.
    #[serde(default)]
    pub jitter: Span,
    /// Serialization rate; absent means infinitely fast.
    #[serde(default)]
    pub rate: Option<BitRate>,
    /// Packets that may wait behind the one being sent (with `rate`).
    #[serde(default = "default_queue")]
    pub queue: usize,
    #[serde(default)]
    pub loss: Probability,
    #[serde(default)]
    pub duplicate: Probability,
    /// Probability that a packet is held back by `reorder_delay`.
    #[serde(default)]
    pub reorder: Probability,
    #[serde(default = "default_reorder_delay")]
    pub reorder_delay: Span,
    #[serde(default = "default_mtu")]
    pub mtu: Located<u16>,
    /// A host TUN device as one more end of the link (then the run is in
    /// real time).
    #[serde(default)]
    pub tun: Option<Located<TunSpec>>,
}

/// A host TUN device at an end of a link: what the link delivers to that
/// end is written to the device, and what the host routes into the device
/// enters the link there, with the link's latency, loss, MTU and capture.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunSpec {
    /// The device's name (`ip tuntap add dev NAME mode tun`), 1 to 15
    /// characters (Linux `IFNAMSIZ`).
    pub device: Located<String>,
    /// The host's address on the link with its prefix, as the device
    /// carries it: the neighbours reach the host by it.
    pub address: Located<Prefix>,
    /// The neighbour that packets from the host go to on a shared link
    /// (a default gateway); by default each packet's destination. On a
    /// link with one other end, that end takes everything.
    #[serde(default)]
    pub via: Option<Located<Ipv4Addr>>,
}

impl Default for LinkSpec {
    /// An ideal wire: no delay, no loss, MTU 1500, the same as YAML defaults.
    fn default() -> Self {
        LinkSpec {
            latency: Span::default(),
            jitter: Span::default(),
            rate: None,
            queue: default_queue(),
            loss: Probability::default(),
            duplicate: Probability::default(),
            reorder: Probability::default(),
            reorder_delay: default_reorder_delay(),
            mtu: default_mtu(),
            tun: None,
        }
    }
}

pub fn default_queue() -> usize {
    100
}
pub fn default_mtu() -> Located<u16> {
    Located::new(1500)
}
fn default_reorder_delay() -> Span {
    Span::from_millis(10)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Does not forward.
    #[default]
    Host,
    /// Forwards IPv4 between its interfaces.
    Router,
    /// Forwards like a router; IPsec tunnels will terminate here.
    Gateway,
}

impl Role {
    pub fn forwards(self) -> bool {
        !matches!(self, Role::Host)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    #[serde(default)]
    pub role: Role,
    pub interfaces: BTreeMap<String, InterfaceSpec>,
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
    /// A `setkey -f` script, run at time zero exactly as written.
    #[serde(default)]
    pub setkey: Option<Located<String>>,
    /// SAs and policies in YAML, installed after the setkey script.
    #[serde(default)]
    pub ipsec: Option<super::ipsec_yaml::IpsecSpec>,
    /// A racoon.conf: the node runs the IKEv1 daemon with it.
    #[serde(default)]
    pub racoon: Option<Located<String>>,
    /// The racoon runs as Android's (its setup.c): it starts phase 1 with
    /// every `remote ADDRESS` at once, and as a mode_cfg client puts its
    /// internal address on the node and installs the tunnel policies for
    /// it itself. Write the racoon.conf that Android's VPN settings make.
    #[serde(default)]
    pub android: bool,
    /// Files the node's configuration names, by path (e.g. `/etc/psk.txt`).
    #[serde(default)]
    pub files: BTreeMap<String, Located<String>>,
    /// Address translation on one interface (a router or gateway).
    #[serde(default)]
    pub nat: Option<super::nat_yaml::NatSpec>,
}

impl NodeSpec {
    /// The node's key-daemon configuration, by the file name its daemon
    /// reads; `ike::registry` picks the daemon by that name.
    pub fn daemon_config(&self) -> Option<(&'static str, &str)> {
        let racoon = if self.android {
            crate::ike::v1::ANDROID
        } else {
            "racoon.conf"
        };
        [(racoon, &self.racoon)]
            .into_iter()
            .find_map(|(name, text)| Some((name, text.as_ref()?.as_str())))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterfaceSpec {
    pub link: Located<String>,
    pub address: Located<Prefix>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Destination prefix or `default`.
    pub to: Located<Prefix>,
    pub via: Located<Ipv4Addr>,
}

/// One traffic flow, started at `at`. Exactly one kind is given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficEntry {
    pub at: Span,
    #[serde(default)]
    pub ping: Option<PingFlow>,
    #[serde(default)]
    pub udp: Option<UdpFlow>,
    #[serde(default)]
    pub tcp: Option<TcpFlow>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PingFlow {
    #[serde(default)]
    pub name: Option<Located<String>>,
    pub from: Located<String>,
    pub to: Located<Ipv4Addr>,
    #[serde(default = "default_count")]
    pub count: u32,
    #[serde(default = "default_interval")]
    pub interval: Span,
    /// ICMP payload bytes, like `ping -s` (the packet is 28 bytes larger).
    #[serde(default = "default_ping_size")]
    pub size: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UdpFlow {
    #[serde(default)]
    pub name: Option<Located<String>>,
    pub from: Located<String>,
    pub to: Located<Ipv4Addr>,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default = "default_count")]
    pub count: u32,
    /// Payload bytes per datagram.
    #[serde(default = "default_udp_size")]
    pub size: usize,
    /// Time between datagrams (default 10ms)...
    #[serde(default)]
    pub interval: Option<Span>,
    /// ...or a payload bit rate, like `iperf -b`: `1Mbit`.
    #[serde(default)]
    pub rate: Option<BitRate>,
}

impl UdpFlow {
    /// Time between datagrams, from `interval` or `rate`.
    pub fn gap(&self) -> Span {
        match (self.interval, self.rate) {
            (Some(i), _) => i,
            (None, Some(r)) => Span(smoltcp::time::Duration::from_micros(
                (self.size.max(1) as u64 * 8 * 1_000_000).div_ceil(r.0),
            )),
            (None, None) => default_udp_interval(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TcpFlow {
    #[serde(default)]
    pub name: Option<Located<String>>,
    pub from: Located<String>,
    pub to: Located<Ipv4Addr>,
    #[serde(default = "default_port")]
    pub port: u16,
    pub bytes: usize,
}

fn default_count() -> u32 {
    1
}
fn default_interval() -> Span {
    Span::from_secs(1)
}
fn default_ping_size() -> usize {
    56
}
fn default_port() -> u16 {
    5001
}
fn default_udp_size() -> usize {
    512
}
fn default_udp_interval() -> Span {
    Span::from_millis(10)
}

/// A scenario event at a given time. Exactly one action is given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventEntry {
    pub at: Span,
    #[serde(default)]
    pub link_down: Option<Located<String>>,
    #[serde(default)]
    pub link_up: Option<Located<String>>,
    /// The node's racoon restarts after `setkey -F` (a reboot): all its
    /// SAs and negotiation state are gone; its policies stay.
    #[serde(default)]
    pub daemon_restart: Option<Located<String>>,
}

/// An item of `expect:`: an expectation, checked only when its `when:`
/// condition holds (`- { when: ${natt} == on, ping: { ... } }`).
#[derive(Clone, Debug)]
pub struct Expect {
    pub when: Option<Located<String>>,
    pub what: Expectation,
}

impl From<Expectation> for Expect {
    fn from(what: Expectation) -> Self {
        Expect { when: None, what }
    }
}

impl std::ops::Deref for Expect {
    type Target = Expectation;
    fn deref(&self) -> &Expectation {
        &self.what
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// Echo replies received by a ping flow.
    Ping(PingExpect),
    /// Datagrams and bytes a UDP flow delivered intact.
    Udp(FlowExpect),
    /// Bytes a TCP transfer delivered intact.
    Tcp(FlowExpect),
    /// Packets on a link matching a filter.
    Packets(PacketsExpect),
    /// Trace lines on a link matching (or not matching) a regex.
    Trace(TraceExpect),
    /// A node or link counter.
    Counter(CounterExpect),
    /// A counter of one SA in a node's SAD.
    Sa(SaExpect),
    /// Every packet between two nodes on a link is ESP or AH.
    NoPlaintext(NoPlaintextExpect),
    /// What a node's key daemon did: SAs established, rekeys, failures.
    Ike(IkeExpect),
    /// Lines of a node's racoon log matching a regex.
    Log(LogExpect),
}

/// `ike: { node, event, peer, reason, within, count | at_least | at_most }`;
/// without a bound, at least one such event.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IkeExpect {
    pub node: Located<String>,
    /// `isakmp-sa`, `ipsec-sa`, `rekey`, `failure`, `dpd-dead`, `deleted`.
    pub event: Located<String>,
    #[serde(default)]
    pub peer: Option<Located<Ipv4Addr>>,
    /// With `failure`: `no-proposal-chosen`, `authentication-failed`, ...
    #[serde(default)]
    pub reason: Option<Located<String>>,
    /// With `failure`: only failures of this phase (1 or 2).
    #[serde(default)]
    pub phase: Option<Located<u8>>,
    /// Only events up to this time of the run.
    #[serde(default)]
    pub within: Option<Located<Span>>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

/// `log: { node, matches, count | at_least | at_most }`; without a bound,
/// at least one line.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogExpect {
    pub node: Located<String>,
    pub matches: Located<String>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaExpect {
    pub node: Located<String>,
    /// `0x301` or `769`.
    pub spi: Located<Spi>,
    /// `packets`, `bytes`, `replay-drops`, `integrity-failures`; on an
    /// IPComp SA `packets`, `bytes`, `compressed`, `uncompressed`,
    /// `decompress-failures`.
    pub counter: Located<String>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoPlaintextExpect {
    pub link: Located<String>,
    /// Two nodes: every packet between their addresses must be ESP or AH.
    pub between: Vec<Located<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PingExpect {
    #[serde(default)]
    pub flow: Option<Located<String>>,
    #[serde(default)]
    pub from: Option<Located<String>>,
    #[serde(default)]
    pub to: Option<Located<Ipv4Addr>>,
    /// Exactly this many replies.
    #[serde(default)]
    pub replies: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowExpect {
    pub flow: Located<String>,
    /// Bytes delivered intact; default: everything that was sent.
    #[serde(default)]
    pub bytes: Option<u64>,
    #[serde(default)]
    pub at_least_bytes: Option<u64>,
    /// An upper bound on the bytes delivered intact.
    #[serde(default)]
    pub at_most_bytes: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketsExpect {
    pub link: Located<String>,
    /// `icmp`, `udp`, `tcp`, `esp`, `ah` or a protocol number.
    #[serde(default)]
    pub proto: Option<Located<String>>,
    #[serde(default)]
    pub src: Option<Ipv4Addr>,
    #[serde(default)]
    pub dst: Option<Ipv4Addr>,
    /// Only IP fragments (true) or only whole packets (false).
    #[serde(default)]
    pub fragment: Option<bool>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceExpect {
    pub link: Located<String>,
    /// Lines that match: at least one, or as `count`, `at_least`, `at_most` say.
    #[serde(default)]
    pub matches: Option<Located<String>>,
    /// No line may match.
    #[serde(default)]
    pub not_matches: Option<Located<String>>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterExpect {
    #[serde(default)]
    pub node: Option<Located<String>>,
    #[serde(default)]
    pub link: Option<Located<String>>,
    /// e.g. `forwarded`, `delivered`, `dropped.no-route`, `lost`.
    pub name: Located<String>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub at_least: Option<u64>,
    #[serde(default)]
    pub at_most: Option<u64>,
}
