//! The key-daemon interface of a node, driven by a toy daemon: an ACQUIRE
//! from the engine reaches the daemon, the daemons talk over UDP 500 (which
//! bypasses the SPD), reserve SPIs and install SAs through the node's
//! [`KeyKernel`], and the traffic that triggered it all flows protected
//! afterwards.

mod common;

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::Path;

use smoltcp::time::Instant;
use vpnlab::crypto::{AuthAlg, EncAlg};
use vpnlab::ike::daemon::{Datagram, KeyDaemon};
use vpnlab::ipsec::KeyKernel;
use vpnlab::ipsec::pfkey::{Event, Reply, Request, SpiRange};
use vpnlab::ipsec::spec::{IpsecProto, Lifetime, Mode, SaSpec};
use vpnlab::observe::capture::Capture;
use vpnlab::scenario::load_str;
use vpnlab::sim::build;
use vpnlab::wire::udp_encap::PORT_ISAKMP;

/// Agrees on SPIs in two messages (`OFFER spi`, `ACCEPT spi spi`) and
/// installs fixed keys: enough to exercise the plumbing, no security.
struct ToyDaemon {
    me: Ipv4Addr,
    outbox: Vec<Datagram>,
    exchanges: u32,
}

fn sa(src: Ipv4Addr, dst: Ipv4Addr, spi: u32) -> Request {
    Request::Add(SaSpec {
        encap: None,
        src,
        dst,
        proto: IpsecProto::Esp,
        spi,
        mode: Mode::Transport,
        reqid: 0,
        replay_window: 32,
        enc: Some((EncAlg::AesCbc, vec![7; 16])),
        auth: Some((AuthAlg::HmacSha1, vec![9; 20])),
        hard: Lifetime::default(),
        soft: Lifetime::default(),
    })
}

/// GETSPI for an inbound SA from `peer`, in a range of its own per
/// exchange.
fn get_spi(kernel: &mut dyn KeyKernel, now: Instant, me: Ipv4Addr, peer: Ipv4Addr, n: u32) -> u32 {
    let request = Request::GetSpi {
        src: peer,
        dst: me,
        proto: IpsecProto::Esp,
        mode: Mode::Transport,
        reqid: 0,
        range: SpiRange {
            min: 0x1000 * (n + 1),
            max: 0x1000 * (n + 2),
        },
    };
    match kernel.request(now, request) {
        Ok(Reply::Spi(spi)) => spi,
        other => panic!("GETSPI: {other:?}"),
    }
}

/// The UPDATE that fills in a reserved SPI's SA.
fn update(add: Request) -> Request {
    match add {
        Request::Add(spec) => Request::Update(spec),
        other => other,
    }
}

impl ToyDaemon {
    fn send(&mut self, peer: Ipv4Addr, text: String) {
        let from = SocketAddrV4::new(self.me, PORT_ISAKMP);
        let to = SocketAddrV4::new(peer, PORT_ISAKMP);
        self.outbox.push(Datagram {
            from,
            to,
            data: text.into_bytes(),
        });
    }
}

impl KeyDaemon for ToyDaemon {
    fn on_datagram(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        _to: SocketAddrV4,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let text = String::from_utf8_lossy(data).to_string();
        let words: Vec<u32> = text
            .split(' ')
            .skip(1)
            .filter_map(|w| w.parse().ok())
            .collect();
        let peer = *from.ip();
        match (text.split(' ').next(), words.as_slice()) {
            (Some("OFFER"), [their_spi]) => {
                let mine = get_spi(kernel, now, self.me, peer, self.exchanges);
                kernel
                    .request(now, sa(self.me, peer, *their_spi))
                    .expect("outbound SA");
                kernel
                    .request(now, update(sa(peer, self.me, mine)))
                    .expect("inbound SA");
                self.exchanges += 1;
                self.send(peer, format!("ACCEPT {mine} {their_spi}"));
            }
            (Some("ACCEPT"), [their_spi, mine]) => {
                kernel
                    .request(now, sa(self.me, peer, *their_spi))
                    .expect("outbound SA");
                kernel
                    .request(now, update(sa(peer, self.me, *mine)))
                    .expect("inbound SA");
                self.exchanges += 1;
            }
            _ => {}
        }
    }

    fn on_kernel_event(&mut self, now: Instant, event: Event, kernel: &mut dyn KeyKernel) {
        if let Event::Acquire(acquire) = event {
            let mine = get_spi(kernel, now, self.me, acquire.dst, 7);
            self.send(acquire.dst, format!("OFFER {mine}"));
        }
    }

    fn on_timer(&mut self, _now: Instant, _kernel: &mut dyn KeyKernel) {}

    fn next_timer(&self) -> Option<Instant> {
        None
    }

    fn poll_transmit(&mut self) -> Option<Datagram> {
        (!self.outbox.is_empty()).then(|| self.outbox.remove(0))
    }
}

const SCENARIO: &str = r#"
name: toy-ike
duration: 10s
links:
  wire: { latency: 1ms }
nodes:
  a:
    interfaces: { eth0: { link: wire, address: 10.0.0.1/24 } }
    setkey: |
      spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;
      spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//require;
  b:
    interfaces: { eth0: { link: wire, address: 10.0.0.2/24 } }
    setkey: |
      spdadd 10.0.0.2 10.0.0.1 any -P out ipsec esp/transport//require;
      spdadd 10.0.0.1 10.0.0.2 any -P in ipsec esp/transport//require;
traffic:
  - { at: 1s, ping: { name: p, from: a, to: 10.0.0.2, count: 5 } }
"#;

/// Runs the toy scenario with a toy daemon on each node, capturing into
/// a scratch folder.
fn run_toy(tag: &str) -> (std::path::PathBuf, vpnlab::sim::world::World) {
    let s = load_str(Path::new("toy.yaml"), SCENARIO).expect("valid");
    let dir = common::scratch(tag);
    let capture = Capture::new(
        Some(&dir),
        &[vpnlab::observe::pcapng::Interface::named("wire")],
        &[true],
    )
    .expect("capture");
    let mut world = build::build(&s, 1, capture);
    for (i, node) in world.nodes.iter_mut().enumerate() {
        let me = Ipv4Addr::new(10, 0, 0, i as u8 + 1);
        node.attach_daemon(Box::new(ToyDaemon {
            me,
            outbox: Vec::new(),
            exchanges: 0,
        }));
    }
    world.run(|_| {});
    (dir, world)
}

#[test]
fn acquire_reaches_the_daemon_and_its_sas_carry_the_traffic() {
    let (_, world) = run_toy("toy-ike");
    // Linux drops the packet that raised the ACQUIRE; the other four pass.
    assert_eq!(world.flows[0].received, 4, "{:?}", world.flows[0]);
    let logs = world.capture.finish().expect("finish").links;
    let log = logs[0].1.as_ref().expect("wire is logged");
    let lines: Vec<&str> = log.lines.iter().map(|(_, l)| l.as_str()).collect();
    assert!(
        lines[0].starts_with("10.0.0.1.500 > 10.0.0.2.500: "),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("10.0.0.2.500 > 10.0.0.1.500: "),
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains("ESP(spi=")).count(),
        8,
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("ICMP")),
        "no plaintext ping: {lines:?}"
    );
    for node in &world.nodes {
        assert_eq!(node.ipsec().expect("engine").sad.iter().count(), 2);
    }
}

/// The UDP 500 lines (here not even ISAKMP: the toy daemon speaks text)
/// print as tcpdump prints them.
#[test]
fn udp_500_lines_match_tcpdump() {
    if !common::tool_available("tcpdump") {
        eprintln!("NOTE: tcpdump is not installed: skipped");
        return;
    }
    let (dir, world) = run_toy("toy-ike-tcpdump");
    let logs = world.capture.finish().expect("finish").links;
    let ours: Vec<String> = logs[0]
        .1
        .as_ref()
        .expect("logged")
        .lines
        .iter()
        .map(|(_, l)| l.clone())
        .collect();
    let out = std::process::Command::new("tcpdump")
        .args(["-n", "-t", "-r"])
        .arg(dir.join("wire.pcap"))
        .output()
        .expect("tcpdump");
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.strip_prefix("IP ").unwrap_or(l).to_string())
        .collect();
    assert_eq!(ours, theirs);
}
