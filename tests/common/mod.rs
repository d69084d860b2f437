//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod edited;
pub mod tshark;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder under cargo's per-test tmp dir.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Whether an external tool is installed. When CI is set, a missing tool is
/// an error, not a skip.
pub fn tool_available(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("{tool} is required when CI is set (install it: apt-get install {tool})");
    }
    found
}

/// One service round of a key daemon over its node's IPsec engine, as
/// the node does it: the engine's timers, its messages (ACQUIREs first,
/// then EXPIREs and the rest) handed to the daemon, then the daemon's own
/// due timer.
pub fn serve_daemon(
    now: smoltcp::time::Instant,
    daemon: &mut dyn vpnlab::ike::daemon::KeyDaemon,
    engine: &mut vpnlab::ipsec::IpsecEngine,
) {
    engine.on_timer(now);
    while let Some(event) = engine.poll_event() {
        daemon.on_kernel_event(now, event, engine);
    }
    if daemon.next_timer().is_some_and(|t| t <= now) {
        daemon.on_timer(now, engine);
    }
}

/// An IPsec engine requiring ESP in transport mode between `addr` and
/// `peer` both ways, with the key daemon's IKE traffic bypassing it.
pub fn transport_engine(
    addr: std::net::Ipv4Addr,
    peer: std::net::Ipv4Addr,
    seed: u64,
) -> vpnlab::ipsec::IpsecEngine {
    use rand_core::SeedableRng;
    let rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 1);
    let mut engine = vpnlab::ipsec::IpsecEngine::new(rng);
    engine.ike_bypass = true;
    let script = format!(
        "spdadd {addr} {peer} any -P out ipsec esp/transport//require;\n\
         spdadd {peer} {addr} any -P in ipsec esp/transport//require;\n"
    );
    for st in vpnlab::config::setkey::parse(&script).expect("policies parse") {
        engine
            .apply(&st.command, smoltcp::time::Instant::ZERO)
            .expect("policy installs");
    }
    engine
}

/// A racoon with `text` as its racoon.conf and a pre-shared key for `peer`.
pub fn racoon(text: &str, peer: std::net::Ipv4Addr, seed: u64) -> vpnlab::ike::v1::Racoon {
    use rand_core::SeedableRng;
    let (conf, _) = vpnlab::config::racoon::parse(text).expect("racoon.conf parses");
    let keys =
        vpnlab::config::psk::parse(&format!("{peer} a shared secret\n")).expect("psk.txt parses");
    vpnlab::ike::v1::Racoon::new(conf, keys, rand_chacha::ChaCha8Rng::seed_from_u64(seed))
}

/// A recording fake of the kernel's PF_KEY interface, for daemon tests
/// without an IPsec engine: it keeps every request in order, gives
/// GETSPI the bottom of its range unless it gave that SPI already
/// (EEXIST), answers SPDGET from `policies` (to which SPDADD adds), and
/// accepts everything else.
#[derive(Debug, Default)]
pub struct RecordingKernel {
    pub requests: Vec<vpnlab::ipsec::pfkey::Request>,
    pub policies: Vec<vpnlab::ipsec::spec::PolicySpec>,
    spis: Vec<u32>,
}

impl RecordingKernel {
    /// A fake whose SPD holds `policies`.
    pub fn with_policies(policies: Vec<vpnlab::ipsec::spec::PolicySpec>) -> RecordingKernel {
        RecordingKernel {
            policies,
            ..RecordingKernel::default()
        }
    }
}

impl vpnlab::ipsec::KeyKernel for RecordingKernel {
    fn request(
        &mut self,
        _now: smoltcp::time::Instant,
        request: vpnlab::ipsec::pfkey::Request,
    ) -> Result<vpnlab::ipsec::pfkey::Reply, vpnlab::ipsec::pfkey::Errno> {
        use vpnlab::ipsec::pfkey::{Errno, Reply, Request};
        let reply = match &request {
            Request::GetSpi { range, .. } if self.spis.contains(&range.min) => {
                Err(Errno::Exists("SPI given already".into()))
            }
            Request::GetSpi { range, .. } => {
                self.spis.push(range.min);
                Ok(Reply::Spi(range.min))
            }
            Request::SpdGet { selector, dir } => self
                .policies
                .iter()
                .find(|p| p.selector == *selector && p.dir == *dir)
                .cloned()
                .map(Reply::Policy)
                .ok_or_else(|| Errno::NotFound("no such policy".into())),
            Request::SpdAdd(policy) => {
                self.policies.push(policy.clone());
                Ok(Reply::Done)
            }
            _ => Ok(Reply::Done),
        };
        self.requests.push(request);
        reply
    }
}

/// An IPv4 datagram from `src` to `dst` carrying `payload`, as a host
/// sends one (TTL 64, no options, DF clear, identification `ident`).
pub fn datagram(
    src: std::net::Ipv4Addr,
    dst: std::net::Ipv4Addr,
    protocol: u8,
    ident: u16,
    payload: &[u8],
) -> vpnlab::kernel::Datagram {
    use vpnlab::wire::{frag, ipv4};
    let header = ipv4::Repr {
        frag: frag::Repr::whole(ident, false),
        ..ipv4::Repr::new(src, dst, protocol, 64, payload.len())
    };
    vpnlab::kernel::Datagram::new(header, payload).expect("a datagram that fits")
}

/// Sends `signal` (`"INT"`, `"STOP"`, …) to the process `pid`, through
/// the system call rather than a `kill` program a fresh machine may lack.
pub fn send_signal(pid: u32, signal: &str) -> std::io::Result<()> {
    use nix::sys::signal::{Signal, kill};
    let sig: Signal = format!("SIG{signal}")
        .parse()
        .map_err(|e| std::io::Error::other(format!("{signal}: {e}")))?;
    let pid = i32::try_from(pid).map_err(std::io::Error::other)?;
    kill(nix::unistd::Pid::from_raw(pid), sig).map_err(std::io::Error::from)
}

/// Whether the test runs as root.
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// A host-to-host policy for traffic from `src` to `dst` in `dir`, any
/// protocol and port.
pub fn policy_between(
    (src, dst): (std::net::Ipv4Addr, std::net::Ipv4Addr),
    dir: vpnlab::ipsec::spec::Direction,
    templates: Vec<vpnlab::ipsec::spec::Template>,
) -> vpnlab::ipsec::spec::PolicySpec {
    use vpnlab::ipsec::spec::{Action, PolicySpec, Selector, Upper};
    use vpnlab::net::Prefix;
    PolicySpec {
        selector: Selector {
            src: Prefix::new(src, 32).into(),
            dst: Prefix::new(dst, 32).into(),
            src_port: None,
            dst_port: None,
            upper: Upper::Any,
        },
        dir,
        action: Action::Ipsec,
        templates,
        priority: 0,
    }
}
