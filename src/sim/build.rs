//! Turns a validated [`Scenario`] into a [`World`] ready to run.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use rand_core::RngCore;
use smoltcp::time::Instant;

use super::end::{EndId, EndpointId};
use super::link::{End, Link};
use super::world::{Event, World};
use crate::ike::registry::DaemonConfig;
use crate::ipsec::IpsecEngine;
use crate::kernel::{Interface, Kernel};
use crate::net::rng;
use crate::node::Node;
use crate::node::apps::ping::Ping;
use crate::node::apps::tcp::{TcpClient, TcpServer};
use crate::node::apps::udp::{UdpReceiver, UdpSender};
use crate::node::apps::{FlowPlan, FlowStats};
use crate::observe::capture::Capture;
use crate::observe::tcpdump::{tcp_port_is_decoded, udp_port_is_decoded};
use crate::scenario::validate::{FlowRef, flow_name};
use crate::scenario::{NodeSpec, Scenario, TrafficEntry};

/// Name → index maps of the built world.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub links: BTreeMap<String, usize>,
    pub nodes: BTreeMap<String, usize>,
    pub flows: BTreeMap<String, usize>,
    /// Which node owns each address.
    pub owners: BTreeMap<Ipv4Addr, usize>,
}

impl Topology {
    pub fn of(s: &Scenario) -> Topology {
        let links = s
            .links
            .keys()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let nodes = s
            .nodes
            .keys()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let flows = s
            .traffic
            .iter()
            .enumerate()
            .map(|(i, t)| (flow_name(i, t), i))
            .collect();
        let owners = s
            .nodes
            .values()
            .enumerate()
            .flat_map(|(i, n)| n.interfaces.values().map(move |f| (f.address.addr, i)))
            .collect();
        Topology {
            links,
            nodes,
            flows,
            owners,
        }
    }
}

/// Builds the world; `capture` records what crosses the links.
pub fn build(s: &Scenario, seed: u64, capture: Capture) -> World {
    let topo = Topology::of(s);
    let nodes = build_nodes(s, seed, &topo);
    let links = build_links(s, seed, &topo);
    let flows = Vec::new();
    let mut world = World::new(Instant::ZERO + s.duration.0, nodes, links, flows, capture);
    for (i, entry) in s.traffic.iter().enumerate() {
        add_flow(&mut world, seed, &topo, i, entry);
    }
    // A key daemon starts at time zero and may send at once (Android's
    // racoon begins phase 1 without an ACQUIRE): its node runs then.
    for (i, spec) in s.nodes.values().enumerate() {
        if spec.daemon_config().is_some() {
            world.schedule_wake(EndpointId::Node(i), Instant::ZERO);
        }
    }
    for e in &s.events {
        if let Some(node) = e
            .daemon_restart
            .as_ref()
            .and_then(|n| s.nodes.keys().position(|k| *k == n.value))
        {
            world
                .queue
                .push(Instant::ZERO + e.at.0, Event::DaemonRestart { node });
            continue;
        }
        let (name, up) = match (&e.link_down, &e.link_up) {
            (Some(l), _) => (l, false),
            (None, Some(l)) => (l, true),
            _ => continue,
        };
        if let Some(&link) = topo.links.get(name.as_str()) {
            world
                .queue
                .push(Instant::ZERO + e.at.0, Event::LinkState { link, up });
        }
    }
    world
}

fn build_nodes(s: &Scenario, seed: u64, topo: &Topology) -> Vec<Node> {
    s.nodes
        .iter()
        .map(|(name, spec)| {
            let ifaces = spec
                .interfaces
                .iter()
                .map(|(ifname, i)| {
                    let link = topo.links.get(i.link.as_str()).copied().unwrap_or(0);
                    let mtu = s
                        .links
                        .get(i.link.as_str())
                        .map_or(1500, |l| usize::from(l.mtu.value));
                    Interface {
                        name: ifname.clone(),
                        address: i.address.value,
                        mtu,
                        link,
                    }
                })
                .collect();
            let mut rng = rng::stream(seed, &format!("node:{name}"));
            let mut kernel = Kernel::new(ifaces, spec.role.forwards(), rng.next_u32() as u16);
            for r in &spec.routes {
                // Validation checked that every next hop is connected.
                let _ = kernel.add_route(r.to.value, r.via.value);
            }
            if let Some(config) = spec.nat.as_ref().and_then(|n| n.config(&spec.interfaces)) {
                let rng = rng::stream(seed, &format!("nat:{name}"));
                kernel.add_hook(Box::new(crate::nat::Nat::new(config, rng)));
            }
            let mut node = Node::new(name.clone(), kernel, rng.next_u64(), Instant::ZERO);
            let daemon = spec.daemon_config();
            if spec.setkey.is_some() || spec.ipsec.is_some() || daemon.is_some() {
                attach_ipsec(&mut node, seed, spec);
            }
            if let Some((name, text)) = daemon {
                attach_daemon(&mut node, (seed, s.epoch), spec, name, text);
            }
            node
        })
        .collect()
}

/// Runs a node's setkey script, then its YAML SAs and policies, at time
/// zero. Validation already ran them once, so every command applies.
fn attach_ipsec(node: &mut Node, seed: u64, spec: &NodeSpec) {
    let mut engine = IpsecEngine::new(rng::stream(seed, &format!("ipsec:{}", node.name)));
    let script = spec
        .setkey
        .as_ref()
        .map_or(Ok(Vec::new()), |s| crate::config::setkey::parse(s));
    let scripted = script
        .unwrap_or_default()
        .into_iter()
        .flat_map(|st| crate::config::setkey::kernel_requests(st.command));
    let yaml = spec
        .ipsec
        .as_ref()
        .map_or(Ok(Vec::new()), |y| y.commands())
        .unwrap_or_default();
    for command in scripted.chain(yaml) {
        let _ = engine.apply(&command, Instant::ZERO);
    }
    node.attach_ipsec(engine);
}

/// Starts the key daemon the node's configuration file names (see
/// `ike::registry`), at time zero.
fn attach_daemon(
    node: &mut Node,
    (seed, epoch): (u64, u64),
    spec: &NodeSpec,
    name: &str,
    text: &str,
) {
    let files: Vec<(&str, &str)> = spec
        .files
        .iter()
        .map(|(path, file)| (path.as_str(), file.value.as_str()))
        .collect();
    let config = DaemonConfig {
        name,
        text,
        files: &files,
        epoch,
    };
    let rng = rng::stream(seed, &format!("ike:{}", node.name));
    let Some(mut daemon) = crate::ike::registry::daemon_for(&config, rng) else {
        return;
    };
    let addrs: Vec<_> = node.kernel.ifaces.iter().map(|i| i.address.addr).collect();
    daemon.start(Instant::ZERO, &addrs);
    node.attach_daemon(daemon);
}

fn build_links(s: &Scenario, seed: u64, topo: &Topology) -> Vec<Link> {
    let mut ends: Vec<Vec<End>> = vec![Vec::new(); s.links.len()];
    for (node, spec) in s.nodes.values().enumerate() {
        for (iface, i) in spec.interfaces.values().enumerate() {
            if let Some(&link) = topo.links.get(i.link.as_str()) {
                ends[link].push(End {
                    id: EndId::iface(node, iface),
                    addr: i.address.addr,
                });
            }
        }
    }
    s.links
        .iter()
        .zip(ends)
        .map(|((name, spec), ends)| Link::new(name.clone(), spec.value.clone(), ends, seed))
        .collect()
}

/// An ephemeral source port like Linux's (32768–60999), from the flow's
/// stream; never one that tcpdump decodes with a decoder our trace does
/// not reproduce (`udp_port_is_decoded`, `tcp_port_is_decoded`).
fn ephemeral_port(seed: u64, flow: &str) -> u16 {
    let mut rng = rng::stream(seed, &format!("flow:{flow}"));
    loop {
        let port = 32768 + (rng.next_u32() % 28232) as u16;
        if !udp_port_is_decoded(port, 0, &[]) && !tcp_port_is_decoded(port, 0, &[]) {
            return port;
        }
    }
}

fn add_flow(world: &mut World, seed: u64, topo: &Topology, i: usize, entry: &TrafficEntry) {
    let name = flow_name(i, entry);
    let kind = FlowRef::of(entry).map_or("invalid", |f| f.kind);
    let planned_bytes = match (&entry.udp, &entry.tcp) {
        (Some(u), _) => u64::from(u.count) * u.size as u64,
        (_, Some(t)) => t.bytes as u64,
        _ => 0,
    };
    world.flows.push(FlowStats {
        name: name.clone(),
        kind,
        planned_bytes,
        ..FlowStats::default()
    });
    let Some(f) = FlowRef::of(entry) else { return };
    let Some(&from) = topo.nodes.get(f.from.as_str()) else {
        return;
    };
    // A ping may go to a TUN end's real host, which no node owns.
    let to_node = topo.owners.get(&f.to.value).copied();
    let start = Instant::ZERO + entry.at.0;
    let dst = f.to.value;
    let src = world.nodes[from]
        .kernel
        .preferred_source(dst)
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    let port = ephemeral_port(seed, &name);
    let plan = FlowPlan {
        flow: i,
        src,
        src_port: port,
        dst,
        dst_port: 0,
        start,
    };
    let nodes = &mut world.nodes;
    if let Some(p) = &entry.ping {
        let app = Ping::new(
            &plan,
            &mut nodes[from].sockets,
            i as u16 + 1,
            p.count,
            p.interval.0,
            p.size,
        );
        nodes[from].add_app(Box::new(app), start);
    } else if let (Some(u), Some(to_node)) = (&entry.udp, to_node) {
        let rx = UdpReceiver::new(i, &mut nodes[to_node].sockets, u.port, u.size);
        nodes[to_node].add_app(Box::new(rx), start);
        let plan = FlowPlan {
            dst_port: u.port,
            ..plan
        };
        let tx = UdpSender::new(&plan, &mut nodes[from].sockets, u.count, u.size, u.gap().0);
        nodes[from].add_app(Box::new(tx), start);
    } else if let (Some(t), Some(to_node)) = (&entry.tcp, to_node) {
        let rx = TcpServer::new(i, &mut nodes[to_node].sockets, t.port, t.bytes);
        nodes[to_node].add_app(Box::new(rx), start);
        let plan = FlowPlan {
            dst_port: t.port,
            ..plan
        };
        let tx = TcpClient::new(&plan, &mut nodes[from].sockets, t.bytes);
        nodes[from].add_app(Box::new(tx), start);
    }
    world.schedule_wake(EndpointId::Node(from), start);
    if let Some(to_node) = to_node {
        world.schedule_wake(EndpointId::Node(to_node), start);
    }
}
