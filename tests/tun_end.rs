//! A TUN device as a link end, in real time (needs root and /dev/net/tun;
//! skipped with a note without them, mandatory when CI is set). Each test
//! makes its own network namespaces, runs `vpnlab` in one of them, and
//! removes only what it made, also when it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Whether this machine can run the tests: root, a TUN driver, `ip`.
fn can_run() -> bool {
    let root = common::is_root();
    let ip = Command::new("ip")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    let ok = root && Path::new("/dev/net/tun").exists() && ip;
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but this machine lacks root, /dev/net/tun or ip"
        );
        eprintln!("NOTE: TUN link-end tests skipped: they need root, /dev/net/tun and ip");
    }
    ok
}

/// Network namespaces this test made, deleted when it ends.
struct Namespaces(Vec<String>);

impl Namespaces {
    fn new(tag: &str, names: &[&str]) -> Namespaces {
        let mut made = Namespaces(Vec::new());
        for n in names {
            let name = format!("vlab-{}-{tag}-{n}", std::process::id());
            ip(&["netns", "add", &name]);
            made.0.push(name);
        }
        made
    }

    fn name(&self, i: usize) -> &str {
        &self.0[i]
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = Command::new("ip").args(["netns", "delete", n]).status();
        }
    }
}

/// A vpnlab run this test started, killed if the test fails first.
struct Run(Option<Child>);

impl Drop for Run {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Run {
    fn start(ns: &str, file: &Path, out: &Path) -> Run {
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                ns,
                env!("CARGO_BIN_EXE_vpnlab"),
                "run",
                "--out",
            ])
            .arg(out)
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start vpnlab");
        Run(Some(child))
    }

    fn pid(&self) -> u32 {
        self.0.as_ref().map_or(0, Child::id)
    }

    fn finish(mut self, limit: Duration) -> Output {
        let started = Instant::now();
        let child = self.0.as_mut().expect("running");
        while child.try_wait().expect("wait").is_none() {
            assert!(
                started.elapsed() < limit,
                "vpnlab still runs after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.0
            .take()
            .expect("running")
            .wait_with_output()
            .expect("output")
    }
}

fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("run ip");
    assert!(status.success(), "ip {args:?} failed");
}

fn wait_for_device(ns: &str, dev: &str) {
    let started = Instant::now();
    while !Command::new("ip")
        .args(["-n", ns, "link", "show", dev])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{dev} never appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The host behind the TUN end answers a simulated host's pings across
/// a router: packets the link delivers are written to the device, the
/// host's replies read from it enter the link with its latency, and the
/// pcap holds both directions.
#[test]
fn a_host_behind_a_tun_end_answers_pings_through_the_simulation() {
    if !can_run() {
        return;
    }
    let dir = common::scratch("tun-ping");
    let dev = format!("vlp{}", std::process::id() % 100_000);
    let file = write(
        &dir,
        "tun-ping.yaml",
        &format!(
            r#"name: tun-ping
duration: 4s
links:
  lan: {{ latency: 1ms }}
  host: {{ latency: 5ms, tun: {{ device: {dev}, address: 192.0.2.10/24, via: 192.0.2.1 }} }}
nodes:
  alice:
    interfaces: {{ eth0: {{ link: lan, address: 10.1.0.10/24 }} }}
    routes: [ {{ to: default, via: 10.1.0.1 }} ]
  r:
    role: router
    interfaces:
      eth0: {{ link: lan, address: 10.1.0.1/24 }}
      eth1: {{ link: host, address: 192.0.2.1/24 }}
traffic:
  - {{ at: 1s, ping: {{ name: p, from: alice, to: 192.0.2.10, count: 5, interval: 200ms }} }}
expect:
  - ping: {{ flow: p, replies: 5 }}
"#
        ),
    );
    let ns = Namespaces::new("ping", &["lab", "host"]);
    let run = Run::start(ns.name(0), &file, &dir.join("out"));
    wait_for_device(ns.name(0), &dev);
    ip(&["-n", ns.name(0), "link", "set", &dev, "netns", ns.name(1)]);
    ip(&[
        "-n",
        ns.name(1),
        "addr",
        "add",
        "192.0.2.10/24",
        "dev",
        &dev,
    ]);
    ip(&["-n", ns.name(1), "link", "set", &dev, "up"]);
    ip(&[
        "-n",
        ns.name(1),
        "route",
        "add",
        "default",
        "via",
        "192.0.2.1",
    ]);
    let out = run.finish(Duration::from_secs(20));
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("PASS tun-ping"), "{text}");
    assert!(
        text.contains("real time (not byte-deterministic)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("tun:{dev}: read=5 written=5")),
        "{text}"
    );
    let trace = std::fs::read_to_string(dir.join("out/tun-ping/trace.txt")).expect("trace");
    let replies = trace
        .lines()
        .filter(|l| l.contains(" host 192.0.2.10 > 10.1.0.10: ICMP echo reply"))
        .count();
    assert_eq!(replies, 5, "{trace}");
}

/// SIGINT ends a real-time run cleanly (racoon session.c
/// `close_session`): the daemons send their DELETEs, the peer acts on
/// them, the run stops a grace period later, its captures are complete
/// and its expectations are checked.
#[test]
fn an_interrupt_ends_a_real_time_run_with_deletes() {
    if !can_run() {
        return;
    }
    let dir = common::scratch("tun-interrupt");
    let dev = format!("vli{}", std::process::id() % 100_000);
    let shipped =
        std::fs::read_to_string("scenarios/ike-tunnel-net-to-net.yaml").expect("scenario");
    let text = shipped
        .replacen("name: ike-tunnel-net-to-net", "name: tun-interrupt", 1)
        .replacen("duration: 30s", "duration: 1h", 1)
        .replacen(
            "links:\n",
            &format!("links:\n  host: {{ tun: {{ device: {dev}, address: 192.0.2.10/24 }} }}\n"),
            1,
        );
    let file = write(&dir, "tun-interrupt.yaml", &text);
    let ns = Namespaces::new("int", &["lab"]);
    let run = Run::start(ns.name(0), &file, &dir.join("out"));
    wait_for_device(ns.name(0), &dev);
    std::thread::sleep(Duration::from_secs(4));
    let sent = Instant::now();
    common::send_signal(run.pid(), "INT").expect("SIGINT");
    let out = run.finish(Duration::from_secs(15));
    assert!(sent.elapsed() < Duration::from_secs(10));
    let text = stdout(&out);
    assert!(text.contains("real time, interrupted"), "{text}");
    let logs = dir.join("out/tun-interrupt");
    let log =
        |node: &str| std::fs::read_to_string(logs.join(format!("{node}.log"))).unwrap_or_default();
    // Every daemon of the run stops: each sends a DELETE for its phase 2
    // and one for its ISAKMP SA, and neither answers the other's.
    for gw in ["gw1", "gw2"] {
        let log = log(gw);
        assert!(log.contains("racoon process shutdown"), "{log}");
        assert!(log.contains("sendto Information delete: ESP"), "{log}");
        assert!(log.contains("sendto Information delete: ISAKMP"), "{log}");
    }
    // The four DELETEs cross the WAN after the interrupt (at 4 s of the
    // run or later; the tunnel came up in its first second).
    let trace = std::fs::read_to_string(logs.join("trace.txt")).expect("trace");
    let late_informational = trace
        .lines()
        .filter(|l| l.contains("inf[E]"))
        .filter(|l| l.get(..8).is_some_and(|t| t >= "00:00:04"))
        .count();
    assert_eq!(late_informational, 4, "{trace}");
    // The pcaps end on a whole record (tcpdump reads them to the end).
    if common::tool_available("tcpdump") {
        let wan = Command::new("tcpdump")
            .args(["-nr"])
            .arg(logs.join("wan.pcap"))
            .output()
            .expect("tcpdump");
        assert!(
            wan.status.success(),
            "{}",
            String::from_utf8_lossy(&wan.stderr)
        );
        let lines = String::from_utf8_lossy(&wan.stdout).into_owned();
        assert!(lines.contains("isakmp"), "{lines}");
    }
}

/// `--realtime` without a TUN end: the loop follows the wall clock, so a
/// run cannot end before its duration has passed on the wall, and it
/// says it was real time; its events are the virtual-time run's.
#[test]
fn realtime_follows_the_wall_clock() {
    use vpnlab::sim::{self, RunOptions};
    let text = r#"name: rt
duration: 400ms
links:
  lan: { latency: 1ms }
nodes:
  a: { interfaces: { eth0: { link: lan, address: 10.1.0.10/24 } } }
  b: { interfaces: { eth0: { link: lan, address: 10.1.0.20/24 } } }
traffic:
  - { at: 100ms, ping: { name: p, from: a, to: 10.1.0.20, count: 3, interval: 50ms } }
"#;
    let s = vpnlab::scenario::load_str(Path::new("rt.yaml"), text).expect("valid");
    let virtual_run = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    let started = Instant::now();
    let opts = RunOptions {
        realtime: true,
        ..RunOptions::default()
    };
    let real = sim::run(&s, &opts, |_| {}).expect("run");
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(real.realtime.as_ref().is_some_and(|r| !r.interrupted));
    assert!(virtual_run.realtime.is_none());
    assert_eq!(real.flows[0].received, 3);
    assert_eq!(real.total_packets(), virtual_run.total_packets());
}

/// Behind a TUN end is a real machine that may route a ping on (to its
/// tunnel's inner address), so a ping may go to any address once the
/// scenario has one; a UDP flow still needs a simulated receiver, and
/// without a TUN end an unknown address is an error.
#[test]
fn a_ping_may_go_past_a_tun_end() {
    let text = |tun: &str, flow: &str| {
        format!(
            r#"name: past
duration: 2s
links:
  lan: {{ latency: 1ms{tun} }}
nodes:
  a: {{ interfaces: {{ eth0: {{ link: lan, address: 192.0.2.1/24 }} }} }}
traffic:
  - {{ at: 1s, {flow} }}
"#
        )
    };
    let load = |t: String| vpnlab::scenario::load_str(Path::new("past.yaml"), &t);
    let tun = ", tun: { device: vlx0, address: 192.0.2.10/24 }";
    let ping = "ping: { from: a, to: 10.10.0.1 }";
    let udp = "udp: { from: a, to: 192.0.2.10, port: 9 }";
    assert!(load(text(tun, ping)).is_ok());
    let e = load(text("", ping))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("no node or TUN end has address 10.10.0.1"),
        "{e}"
    );
    let e = load(text(tun, udp))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("needs a simulated node there"), "{e}");
}
