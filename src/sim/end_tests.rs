//! Ends of other kinds than nodes, test-only, on links of small worlds:
//! the world carries their frames like a node's, with neither the node
//! kernel nor the link model knowing what they are.

use std::cell::RefCell;
use std::net::Ipv4Addr;
use std::rc::Rc;

use smoltcp::time::{Duration, Instant};

use super::end::{EndId, Endpoint, EndpointId, Transmit};
use super::link::{End, Link};
use super::world::World;
use crate::kernel::{Interface, Kernel};
use crate::net::Prefix;
use crate::node::Node;
use crate::node::apps::ping::Ping;
use crate::node::apps::{FlowPlan, FlowStats};
use crate::observe::capture::Capture;
use crate::scenario::LinkSpec;
use crate::scenario::units::Span;

type Heard = Rc<RefCell<Vec<(Instant, usize, Vec<u8>)>>>;

/// Sends one frame per millisecond from 1 ms on, `count` in all.
struct Talker {
    sent: u8,
    count: u8,
}

impl Endpoint for Talker {
    fn name(&self) -> &str {
        "talker"
    }
    fn deliver(
        &mut self,
        _: Instant,
        _: usize,
        _: Vec<u8>,
        _: &mut Vec<Transmit>,
    ) -> Option<Instant> {
        None
    }
    fn poll(&mut self, _: Instant, out: &mut Vec<Transmit>) {
        self.sent += 1;
        out.push(Transmit {
            iface: 0,
            next_hop: Ipv4Addr::UNSPECIFIED,
            packet: vec![self.sent; 40],
        });
    }
    fn poll_at(&mut self, _: Instant) -> Option<Instant> {
        (self.sent < self.count).then(|| Instant::from_millis(i64::from(self.sent) + 1))
    }
}

/// Writes down every frame that reaches it.
struct Recorder(Heard);

impl Endpoint for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn deliver(
        &mut self,
        now: Instant,
        port: usize,
        packet: Vec<u8>,
        _: &mut Vec<Transmit>,
    ) -> Option<Instant> {
        self.0.borrow_mut().push((now, port, packet));
        None
    }
    fn poll(&mut self, _: Instant, _: &mut Vec<Transmit>) {}
    fn poll_at(&mut self, _: Instant) -> Option<Instant> {
        None
    }
}

/// Answers ICMP echo requests in place: addresses swapped, type 0, the
/// ICMP checksum made anew (the IP checksum does not change).
struct Echo;

impl Endpoint for Echo {
    fn name(&self) -> &str {
        "echo"
    }
    fn deliver(
        &mut self,
        _: Instant,
        port: usize,
        mut packet: Vec<u8>,
        out: &mut Vec<Transmit>,
    ) -> Option<Instant> {
        let ihl = usize::from(packet[0] & 0x0f) * 4;
        if packet[9] == 1 && packet[ihl] == 8 {
            let (src, dst) = packet[12..20].split_at_mut(4);
            src.swap_with_slice(dst);
            packet[ihl] = 0;
            packet[ihl + 2..ihl + 4].fill(0);
            let sum = checksum(&packet[ihl..]);
            packet[ihl + 2..ihl + 4].copy_from_slice(&sum.to_be_bytes());
            let next_hop = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
            out.push(Transmit {
                iface: port,
                next_hop,
                packet,
            });
        }
        None
    }
    fn poll(&mut self, _: Instant, _: &mut Vec<Transmit>) {}
    fn poll_at(&mut self, _: Instant) -> Option<Instant> {
        None
    }
}

fn checksum(bytes: &[u8]) -> u16 {
    let sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(c[0]) << 8 | c.get(1).map_or(0, |&b| u32::from(b)))
        .sum();
    let folded = (sum & 0xffff) + (sum >> 16);
    !((folded & 0xffff) + (folded >> 16)) as u16
}

fn wire(ends: Vec<End>) -> Link {
    let spec = LinkSpec {
        latency: Span::from_millis(2),
        ..LinkSpec::default()
    };
    Link::new("wire".into(), spec, ends, 1)
}

fn world(nodes: Vec<Node>, link: Link, keep: bool) -> World {
    let capture = Capture::new(
        None,
        &[crate::observe::pcapng::Interface::named("wire")],
        &[keep],
    )
    .unwrap();
    World::new(
        Instant::from_secs(1),
        nodes,
        vec![link],
        Vec::new(),
        capture,
    )
}

#[test]
fn a_recorder_hears_a_talker_after_the_link_latency() {
    let mut w = world(Vec::new(), wire(Vec::new()), false);
    let talker = w.attach(
        Box::new(Talker { sent: 0, count: 3 }),
        &[(0, Ipv4Addr::new(10, 0, 0, 1))],
    );
    let heard = Heard::default();
    let recorder = w.attach(
        Box::new(Recorder(heard.clone())),
        &[(0, Ipv4Addr::new(10, 0, 0, 2))],
    );
    assert_eq!(talker, EndpointId::Attached(0));
    assert_eq!(w.endpoint_name(recorder), "recorder");
    w.run(|_| {});
    let heard = heard.borrow();
    let times: Vec<_> = heard.iter().map(|(t, _, _)| t.total_millis()).collect();
    assert_eq!(times, [3, 4, 5]);
    assert!(
        heard
            .iter()
            .enumerate()
            .all(|(i, (_, port, p))| *port == 0 && p[0] == i as u8 + 1)
    );
    assert_eq!(w.links[0].counters.sent, 3);
    assert_eq!(w.links[0].counters.delivered, 3);
}

/// Node `a` (10.0.0.1) alone on the wire, pinging 10.0.0.2 four times.
fn pinging_node() -> (Node, FlowStats) {
    let eth0 = Interface {
        name: "eth0".into(),
        address: Prefix::parse("10.0.0.1/24").unwrap(),
        mtu: 1500,
        link: 0,
    };
    let mut node = Node::new(
        "a".into(),
        Kernel::new(vec![eth0], false, 1),
        7,
        Instant::ZERO,
    );
    let plan = FlowPlan {
        flow: 0,
        src: Ipv4Addr::new(10, 0, 0, 1),
        src_port: 0,
        dst: Ipv4Addr::new(10, 0, 0, 2),
        dst_port: 0,
        start: Instant::from_millis(10),
    };
    let ping = Ping::new(
        &plan,
        &mut node.sockets,
        1,
        4,
        Duration::from_millis(100),
        56,
    );
    node.add_app(Box::new(ping), plan.start);
    let stats = FlowStats {
        name: "p".into(),
        kind: "ping",
        ..FlowStats::default()
    };
    (node, stats)
}

#[test]
fn a_node_pings_an_echo_end() {
    let (node, stats) = pinging_node();
    let a = End {
        id: EndId::iface(0, 0),
        addr: Ipv4Addr::new(10, 0, 0, 1),
    };
    let mut w = world(vec![node], wire(vec![a]), true);
    w.flows.push(stats);
    let echo = w.attach(Box::new(Echo), &[(0, Ipv4Addr::new(10, 0, 0, 2))]);
    assert_eq!(w.endpoint_name(echo), "echo");
    w.schedule_wake(EndpointId::Node(0), Instant::from_millis(10));
    w.run(|_| {});
    assert_eq!(w.flows[0].received, 4, "{:?}", w.flows[0]);
    assert_eq!(w.flows[0].rtts_us, [4000; 4]);
    let logs = w.capture.finish().unwrap().links;
    let log = logs[0].1.as_ref().unwrap();
    let lines: Vec<&str> = log.lines.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(lines.len(), 8, "{lines:?}");
    assert!(
        lines[0].starts_with("10.0.0.1 > 10.0.0.2: ICMP echo request"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("10.0.0.2 > 10.0.0.1: ICMP echo reply"),
        "{lines:?}"
    );
}
