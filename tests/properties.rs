//! Property tests over scenarios built in Rust code: random chains of
//! routers with random MTUs, latencies and ping sizes.

use std::collections::BTreeMap;

use proptest::prelude::*;
use vpnlab::net::Prefix;
use vpnlab::scenario::units::{Probability, Span};
use vpnlab::scenario::*;
use vpnlab::sim::{self, RunOptions};

fn iface(link: &str, addr: &str) -> InterfaceSpec {
    InterfaceSpec {
        link: link.into(),
        address: Located::new(Prefix::parse(addr).unwrap()),
    }
}

fn route(to: &str, via: &str) -> RouteSpec {
    RouteSpec {
        to: Located::new(Prefix::parse(to).unwrap()),
        via: Located::new(via.parse().unwrap()),
    }
}

/// host a — r1 — … — rN — host b. Link i is 10.0.i.0/24; on it the left
/// router's eth0 is .1, the right router's eth1 is .2, a is .100, b is .200.
fn chain(
    routers: usize,
    mtus: &[u16],
    latency_ms: u64,
    loss: f64,
    ping_size: usize,
    seed: u64,
) -> Scenario {
    let links: BTreeMap<String, Located<LinkSpec>> = (0..=routers)
        .map(|i| {
            let spec = LinkSpec {
                latency: Span::from_millis(latency_ms),
                loss: Probability(loss),
                mtu: Located::new(mtus[i % mtus.len()]),
                ..LinkSpec::default()
            };
            (format!("l{i}"), spec.into())
        })
        .collect();
    let last = routers;
    let host = |link: usize, host: u8, gateway: Option<&str>| NodeSpec {
        interfaces: [(
            "eth0".to_string(),
            iface(&format!("l{link}"), &format!("10.0.{link}.{host}/24")),
        )]
        .into(),
        routes: gateway.map(|g| route("default", g)).into_iter().collect(),
        ..NodeSpec::default()
    };
    let mut nodes = BTreeMap::new();
    let gateway_b = format!("10.0.{last}.2");
    nodes.insert(
        "a".to_string(),
        host(0, 100, (routers > 0).then_some("10.0.0.1")).into(),
    );
    nodes.insert(
        "b".to_string(),
        host(last, 200, (routers > 0).then_some(gateway_b.as_str())).into(),
    );
    for r in 1..=routers {
        let mut routes = Vec::new();
        for j in r + 1..=last {
            routes.push(route(&format!("10.0.{j}.0/24"), &format!("10.0.{r}.1")));
        }
        for j in 0..r.saturating_sub(1) {
            routes.push(route(
                &format!("10.0.{j}.0/24"),
                &format!("10.0.{}.2", r - 1),
            ));
        }
        let interfaces = [
            (
                "eth0".to_string(),
                iface(&format!("l{}", r - 1), &format!("10.0.{}.1/24", r - 1)),
            ),
            (
                "eth1".to_string(),
                iface(&format!("l{r}"), &format!("10.0.{r}.2/24")),
            ),
        ];
        nodes.insert(
            format!("r{r}"),
            NodeSpec {
                role: Role::Router,
                interfaces: interfaces.into(),
                routes,
                ..NodeSpec::default()
            }
            .into(),
        );
    }
    let traffic = vec![Located::new(TrafficEntry {
        at: Span::from_secs(1),
        ping: Some(PingFlow {
            name: Some("p".into()),
            from: "a".into(),
            to: Located::new(format!("10.0.{last}.200").parse().unwrap()),
            count: 5,
            interval: Span::from_millis(200),
            size: ping_size,
        }),
        ..TrafficEntry::default()
    })];
    Scenario {
        name: "generated".into(),
        description: String::new(),
        seed,
        epoch: 0,
        duration: Located::new(Span::from_secs(5)),
        links,
        nodes,
        traffic,
        events: Vec::new(),
        expect: Vec::new(),
        pki: None,
        warnings: Vec::new(),
        lines: Default::default(),
        variables: Vec::new(),
        skipped: Vec::new(),
    }
}

fn ping_stats(s: &Scenario) -> vpnlab::node::apps::FlowStats {
    let o = sim::run(s, &RunOptions::default(), |_| {}).expect("run");
    o.flows[0].clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the chain and MTUs, every ping is answered intact: routers
    /// fragment, the far host reassembles, and the reply comes back.
    #[test]
    fn pings_cross_any_chain(routers in 0usize..5, mtus in prop::collection::vec(68u16..=1500, 1..4),
                             latency in 0u64..50, size in 0usize..4000, seed in any::<u64>()) {
        let s = chain(routers, &mtus, latency, 0.0, size, seed);
        let problems = vpnlab::scenario::validate::validate(&s, None);
        prop_assert!(problems.is_empty(), "{problems:?}");
        let stats = ping_stats(&s);
        prop_assert_eq!(stats.sent, 5);
        prop_assert_eq!(stats.received, 5);
        prop_assert_eq!(stats.corrupted, 0);
    }

    /// Loss only ever removes replies; nothing arrives corrupted, and the
    /// same seed gives the same result.
    #[test]
    fn loss_never_corrupts_and_is_repeatable(routers in 0usize..3, loss in 0.0f64..0.5, seed in any::<u64>()) {
        let s = chain(routers, &[1500, 576], 5, loss, 1200, seed);
        let first = ping_stats(&s);
        prop_assert!(first.received <= 5);
        prop_assert_eq!(first.corrupted, 0);
        prop_assert_eq!(first, ping_stats(&s));
    }
}

/// Adding an unrelated node and link leaves every other link's capture
/// byte-identical: randomness is drawn per node and per link.
#[test]
fn adding_a_node_changes_no_other_bytes() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("prop-isolation");
    let _ = std::fs::remove_dir_all(&dir);
    let base = chain(2, &[1500, 700], 3, 0.2, 1000, 42);
    let mut grown = base.clone();
    grown.links.insert(
        "spare".into(),
        LinkSpec {
            loss: Probability(0.3),
            ..LinkSpec::default()
        }
        .into(),
    );
    grown.nodes.insert(
        "c".into(),
        NodeSpec {
            interfaces: [("eth0".to_string(), iface("spare", "192.168.99.1/24"))].into(),
            ..NodeSpec::default()
        }
        .into(),
    );
    grown.nodes.insert(
        "d".into(),
        NodeSpec {
            interfaces: [("eth0".to_string(), iface("spare", "192.168.99.2/24"))].into(),
            ..NodeSpec::default()
        }
        .into(),
    );
    grown.traffic.push(Located::new(TrafficEntry {
        at: Span::from_millis(1100),
        ping: Some(PingFlow {
            name: Some("spare".into()),
            from: "c".into(),
            to: Located::new("192.168.99.2".parse().unwrap()),
            count: 5,
            interval: Span::from_millis(100),
            size: 56,
        }),
        ..TrafficEntry::default()
    }));
    let run = |s: &Scenario, tag: &str| {
        let opts = RunOptions {
            seed: None,
            out: Some(dir.join(tag)),
            ..Default::default()
        };
        sim::run(s, &opts, |_| {}).expect("run");
        dir.join(tag).join("generated")
    };
    let (a, b) = (run(&base, "base"), run(&grown, "grown"));
    for link in ["l0", "l1", "l2"] {
        let x = std::fs::read(a.join(format!("{link}.pcap"))).unwrap();
        let y = std::fs::read(b.join(format!("{link}.pcap"))).unwrap();
        assert_eq!(x, y, "{link}.pcap changed when an unrelated node was added");
    }
    assert!(std::fs::metadata(b.join("spare.pcap")).unwrap().len() > 24);
}

/// Idle time is skipped: a simulated hour with one ping every ten minutes
/// costs a handful of events, not one per tick.
#[test]
fn idle_hours_cost_no_events() {
    let mut s = chain(1, &[1500], 10, 0.0, 56, 5);
    s.duration = Located::new(Span::from_secs(3600));
    if let Some(p) = s.traffic[0].value.ping.as_mut() {
        p.count = 6;
        p.interval = Span::from_secs(600);
    }
    let o = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    assert_eq!(o.flows[0].received, 6);
    assert!(o.events < 200, "{} events for six pings", o.events);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever arrives from a link, the node kernel never panics: random
    /// bytes, and valid packets with random bytes changed.
    #[test]
    fn kernel_input_never_panics(raw in prop::collection::vec(any::<u8>(), 0..200),
                                 flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4)) {
        use vpnlab::kernel::{Actions, Interface, Kernel};
        let iface = |addr: &str, link| Interface { name: "eth".into(), address: Prefix::parse(addr).unwrap(), mtu: 576, link };
        let mut k = Kernel::new(vec![iface("10.0.0.1/24", 0), iface("10.0.1.1/24", 1)], true, 1);
        let mut out = Actions::default();
        k.receive(smoltcp::time::Instant::ZERO, 0, raw.clone(), &mut out);
        use vpnlab::wire::{frag, ipv4};
        let header = ipv4::Repr { frag: frag::Repr::whole(5, false), ..ipv4::Repr::new("10.0.0.9".parse().unwrap(), "10.0.1.9".parse().unwrap(), 17, 2, raw.len()) };
        let mut p = vpnlab::kernel::Datagram::new(header, &raw).unwrap().into_bytes();
        for (at, value) in flips {
            let i = at.index(p.len());
            p[i] = value;
        }
        k.receive(smoltcp::time::Instant::ZERO, 1, p, &mut out);
    }

    /// Any mutation of a valid scenario file gives a scenario or located
    /// errors, never a panic.
    #[test]
    fn mutated_scenarios_never_panic(cut in any::<prop::sample::Index>(), insert in "[ -~\n]{0,12}") {
        let text = std::fs::read_to_string("scenarios/tunnel-net-to-net.yaml").unwrap();
        let at = cut.index(text.len() + 1);
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mutated = format!("{}{insert}{}", &text[..at], &text[at..]);
        let _ = vpnlab::scenario::load_str(std::path::Path::new("mutated.yaml"), &mutated);
    }
}
