//! Property tests of NAT and NAT traversal over random topologies: NATs
//! on the initiator's side, the responder's side (reached by port
//! forwarding), both, or two in series; every kind and port allocation;
//! UDP timeouts above the keepalive interval. Each case is a generated
//! scenario whose expectations state the outcome, run by the simulator.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};
use vpnlab::verdict::expect::check_all;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    None,
    Initiator,
    Responder,
    Both,
    /// Two NATs in series in front of the initiator.
    Series,
}

const KINDS: [&str; 4] = [
    "full-cone",
    "address-restricted",
    "port-restricted",
    "symmetric",
];
const PORTS: [&str; 3] = ["preserve", "sequential", "random"];

#[derive(Clone, Debug)]
struct Nat {
    kind: &'static str,
    ports: &'static str,
    esp: &'static str,
    udp_timeout: u32,
}

/// The address of `host` on link `l<link>`: `10.<link>.0.<host>`.
fn ip(link: usize, host: u8) -> String {
    format!("10.{link}.0.{host}")
}

fn nat_node(
    name: &str,
    (inside, outside): (String, String),
    n: &Nat,
    route: Option<String>,
    forward: Option<String>,
) -> String {
    let mut y = format!(
        "  {name}:\n    role: router\n    interfaces:\n      eth0: {{ link: {}, address: {inside}/24 }}\n      eth1: {{ link: {}, address: {outside}/24 }}\n",
        link_of(&inside),
        link_of(&outside),
    );
    if let Some(via) = route {
        let _ = write!(y, "    routes:\n      - {{ to: default, via: {via} }}\n");
    }
    let _ = write!(
        y,
        "    nat:\n      outside: eth1\n      kind: {}\n      ports: {}\n      esp: {}\n      timeouts: {{ udp: {}s }}\n",
        n.kind, n.ports, n.esp, n.udp_timeout
    );
    if let Some(to) = forward {
        let _ = write!(
            y,
            "      forward:\n        - {{ proto: udp, port: 500, to: {to} }}\n        - {{ proto: udp, port: 4500, to: {to} }}\n"
        );
    }
    y
}

/// `10.<n>.0.x` is on link `l<n>`.
fn link_of(addr: &str) -> String {
    format!("l{}", addr.split('.').nth(1).unwrap_or("9"))
}

fn racoon(remote: &str, natt: bool, mode: &str, extra: &str) -> String {
    let natt = if natt { "on" } else { "off" };
    format!(
        "    racoon: |\n      path pre_shared_key \"/psk\";\n      timer {{ natt_keepalive 10 sec; }}\n      remote {remote} {{\n        exchange_mode {mode};\n        nat_traversal {natt};\n{extra}        proposal {{ encryption_algorithm aes; hash_algorithm sha1; authentication_method pre_shared_key; dh_group modp1024; }}\n      }}\n      sainfo anonymous {{ encryption_algorithm aes; authentication_algorithm hmac_sha1; compression_algorithm deflate; }}\n    files:\n      /psk: \"* secret\\n\"\n"
    )
}

/// The scenario. The roadwarrior `rw` sits on l0 behind the initiator-side
/// NATs (NAT i: inside `l<i>` .1, outside `l<i+1>` .2); the last of those
/// links is the internet, where the gateway is .1, or the office NAT .3
/// forwarding IKE to the gateway at l3 .10; `server` is on l4.
fn scenario(place: Placement, nats: &[Nat], natt: bool, mode: &str) -> String {
    let (rw_nats, office) = match place {
        Placement::None => (0, false),
        Placement::Initiator => (1, false),
        Placement::Responder => (0, true),
        Placement::Both => (1, true),
        Placement::Series => (2, false),
    };
    let internet = rw_nats;
    let public = if office {
        ip(internet, 3)
    } else {
        ip(internet, 1)
    };
    let gw = if office { ip(3, 10) } else { ip(internet, 1) };
    let rw = ip(0, 10);
    let mut nodes = String::new();
    for (i, n) in nats.iter().take(rw_nats).enumerate() {
        let up = if i + 1 < rw_nats {
            ip(i + 1, 1)
        } else {
            public.clone()
        };
        nodes.push_str(&nat_node(
            &format!("nat{i}"),
            (ip(i, 1), ip(i + 1, 2)),
            n,
            Some(up),
            None,
        ));
    }
    if office {
        let n = &nats[nats.len() - 1];
        nodes.push_str(&nat_node(
            "office",
            (ip(3, 1), ip(internet, 3)),
            n,
            None,
            Some(gw.clone()),
        ));
    }
    let rw_route = if rw_nats > 0 {
        ip(0, 1)
    } else {
        public.clone()
    };
    let _ = write!(
        nodes,
        "  rw:\n    interfaces:\n      eth0: {{ link: l0, address: {rw}/24 }}\n    routes:\n      - {{ to: default, via: {rw_route} }}\n    setkey: |\n      spdadd {rw}/32 10.4.0.0/24 any -P out ipsec esp/tunnel/{rw}-{public}/require;\n      spdadd 10.4.0.0/24 {rw}/32 any -P in ipsec esp/tunnel/{public}-{rw}/require;\n{}",
        racoon(&public, natt, mode, "")
    );
    let gw_route = match (office, rw_nats) {
        (true, _) => ip(3, 1),
        (false, 0) => rw.clone(),
        (false, _) => ip(internet, 2),
    };
    let _ = write!(
        nodes,
        "  gw:\n    role: gateway\n    interfaces:\n      eth0: {{ link: {}, address: {gw}/24 }}\n      eth1: {{ link: l4, address: 10.4.0.1/24 }}\n    routes:\n      - {{ to: default, via: {gw_route} }}\n{}",
        link_of(&gw),
        racoon(
            "anonymous",
            natt,
            mode,
            "        generate_policy on;\n        passive on;\n"
        )
    );
    nodes.push_str("  server:\n    interfaces:\n      eth0: { link: l4, address: 10.4.0.10/24 }\n    routes:\n      - { to: default, via: 10.4.0.1 }\n");
    let mut links = String::from("links:\n");
    for l in 0..=4 {
        let _ = writeln!(links, "  l{l}: {{ latency: 2ms }}");
    }
    format!(
        "name: generated-nat\nduration: 90s\n{links}nodes:\n{nodes}traffic:\n  - at: 1s\n    ping: {{ name: trigger, from: rw, to: 10.4.0.10, count: 1 }}\n  - at: 5s\n    ping: {{ name: there, from: rw, to: 10.4.0.10, count: 5 }}\n  - at: 60s\n    ping: {{ name: back, from: server, to: {rw}, count: 5 }}\n"
    )
}

fn nat() -> impl Strategy<Value = Nat> {
    (
        proptest::sample::select(KINDS.to_vec()),
        proptest::sample::select(PORTS.to_vec()),
        15u32..120,
    )
        .prop_map(|(kind, ports, udp_timeout)| Nat {
            kind,
            ports,
            esp: "one-mapping",
            udp_timeout,
        })
}

fn placement() -> impl Strategy<Value = Placement> {
    prop_oneof![
        Just(Placement::None),
        Just(Placement::Initiator),
        Just(Placement::Responder),
        Just(Placement::Both),
        Just(Placement::Series),
    ]
}

/// Runs `yaml` with `expect` appended; every expectation must hold.
fn holds(yaml: String, expect: &str) -> Result<(), TestCaseError> {
    let text = format!("{yaml}expect:\n{expect}");
    let s = load_str(Path::new("generated-nat.yaml"), &text)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    let o = sim::run(&s, &RunOptions::default(), |_| {})
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    for v in check_all(&s, &o) {
        prop_assert!(v.passed, "{}: {}\n{text}", v.what, v.detail);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// With NAT-T on, every placement and kind negotiates, traffic flows
    /// both ways (also after an idle gap longer than some UDP timeouts:
    /// keepalives hold the mapping), and NAT-D says exactly which side
    /// is behind a translating NAT.
    #[test]
    fn natt_always_gets_through(
        place in placement(),
        nats in proptest::collection::vec(nat(), 2),
        mode in proptest::sample::select(vec!["main", "aggressive"]),
    ) {
        let initiator_behind = matches!(place, Placement::Initiator | Placement::Both | Placement::Series);
        let responder_behind = matches!(place, Placement::Responder | Placement::Both);
        let expect = format!(
            "  - ping: {{ flow: there, replies: 5 }}\n  - ping: {{ flow: back, replies: 5 }}\n  - ike: {{ node: rw, event: behind-nat, count: {} }}\n  - ike: {{ node: rw, event: peer-behind-nat, count: {} }}\n  - ike: {{ node: gw, event: behind-nat, count: {} }}\n  - ike: {{ node: gw, event: peer-behind-nat, count: {} }}\n",
            u8::from(initiator_behind),
            u8::from(responder_behind),
            u8::from(responder_behind),
            u8::from(initiator_behind),
        );
        holds(scenario(place, &nats, true, mode), &expect)?;
    }

    /// Without NAT-T, one NAT, as the ESP mode allows:
    /// - in front of the initiator, ESP passes a NAT that maps it
    ///   (`one-mapping`, `spi-tracking`) both ways, and is lost at one that
    ///   drops it;
    /// - in front of the responder (IKE forwarded), the initiator's ESP
    ///   finds no mapping and is lost; ESP the responder sends first makes
    ///   one, so traffic it starts flows, unless the NAT drops ESP.
    /// Nothing the policy covers leaves in plaintext either way.
    #[test]
    fn without_natt_the_esp_mode_decides(
        mut n in nat(),
        esp in proptest::sample::select(vec!["one-mapping", "spi-tracking", "drop"]),
        responder_side in any::<bool>(),
    ) {
        n.esp = esp;
        let passes = if esp == "drop" { 0 } else { 5 };
        let (place, there, back, internet) = if responder_side {
            (Placement::Responder, 0, passes, "l0")
        } else {
            (Placement::Initiator, passes, passes, "l1")
        };
        let expect = format!(
            "  - ping: {{ flow: there, replies: {there} }}\n  - ping: {{ flow: back, replies: {back} }}\n  - ike: {{ node: rw, event: floated, count: 0 }}\n  - packets: {{ link: {internet}, proto: icmp, count: 0 }}\n"
        );
        holds(scenario(place, &[n.clone(), n], false, "main"), &expect)?;
    }
}
