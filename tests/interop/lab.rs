//! A lab of network namespaces for one interop case: vpnlab runs in the
//! lab namespace and holds the TUN devices of its scenario's `tun:` ends;
//! each device is then moved into a namespace of its own, where a real
//! charon uses it as its only link. [`Lab`] is a guard: it records every
//! namespace it adds and every process it starts, and its `Drop` ends
//! exactly those processes (by PID) and deletes exactly those namespaces,
//! also when a check panics. Cases run one at a time ([`SERIAL`]): they
//! follow the wall clock on a small machine.
//!
//! The steps follow /work/interop-proto/REPORT.md §1–2: a TUN is attached
//! by vpnlab *before* it is moved (TUNSETIFF looks its name up in the
//! caller's namespace), and a move leaves it down without addresses.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use libtest_mimic::Failed;

/// One case at a time: real time, two cores.
static SERIAL: Mutex<()> = Mutex::new(());

/// A process the lab started, and how it is asked to stop.
struct Started {
    what: String,
    child: Child,
    /// `INT` for vpnlab (it then ends its run cleanly), `TERM` for charon.
    stop: &'static str,
}

pub struct Lab {
    prefix: String,
    /// This case's scratch folder: vpnlab's captures, charon's files.
    pub dir: PathBuf,
    namespaces: Vec<String>,
    processes: Vec<Started>,
    /// When vpnlab was started: its run's time zero, near enough.
    pub vpnlab_started: Option<Instant>,
    _serial: MutexGuard<'static, ()>,
}

/// What a vpnlab run ended with.
pub struct VpnlabRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// `DIR/<scenario name>/`: pcaps, trace.txt, esp_sa, logs.
    pub captures: PathBuf,
}

impl VpnlabRun {
    /// The scenario passed: exit code 0 and vpnlab's `PASS` line.
    pub fn passed(&self) -> Result<(), Failed> {
        let pass = self.stdout.lines().any(|l| l.starts_with("PASS "));
        if self.code == Some(0) && pass {
            Ok(())
        } else {
            Err(format!(
                "vpnlab run failed (exit {:?}):\n{}\n{}",
                self.code, self.stdout, self.stderr
            )
            .into())
        }
    }
}

/// A handle on a process the lab started.
#[derive(Clone, Copy, Debug)]
pub struct Pid(pub u32);

/// Runs a command to completion; an error carries its stderr.
pub fn run(program: &str, args: &[&str]) -> Result<Output, Failed> {
    let out = Command::new(program).args(args).output()?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into())
    }
}

/// Polls `done` every 20 ms until it holds or `limit` passes.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How a TUN end is set up once it is in its namespace.
pub struct TunHost<'a> {
    pub device: &'a str,
    /// The host's address on the link, with its prefix (the scenario's
    /// `tun: address`).
    pub address: &'a str,
    /// Its default gateway: the vpnlab node it sends everything to.
    pub gateway: &'a str,
    /// The link's MTU, given to the device (the TUN end drops longer
    /// packets).
    pub mtu: u16,
    /// Addresses put on `lo`: the inner end of the host's tunnels.
    pub inner: &'a [&'a str],
}

impl Lab {
    /// A lab for `case`, once no other case runs: its lab namespace
    /// exists and its scratch folder is empty.
    pub fn new(case: &str) -> Result<Lab, Failed> {
        let serial = SERIAL
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut lab = Lab {
            prefix: format!("vlab-{}-{case}", std::process::id()),
            dir: crate::common::scratch(&format!("interop-{case}")),
            namespaces: Vec::new(),
            processes: Vec::new(),
            vpnlab_started: None,
            _serial: serial,
        };
        lab.namespace("lab")?;
        Ok(lab)
    }

    /// The namespace vpnlab runs in.
    pub fn lab_ns(&self) -> &str {
        &self.namespaces[0]
    }

    /// Adds the namespace `<prefix>-<role>` with its loopback up.
    pub fn namespace(&mut self, role: &str) -> Result<String, Failed> {
        let name = format!("{}-{role}", self.prefix);
        run("ip", &["netns", "add", &name])?;
        self.namespaces.push(name.clone());
        run("ip", &["-n", &name, "link", "set", "lo", "up"])?;
        Ok(name)
    }

    /// Starts a process and records it; its output goes to
    /// `DIR/<log>.stdout` and `.stderr`.
    pub fn spawn(
        &mut self,
        what: &str,
        stop: &'static str,
        command: &mut Command,
        log: &str,
    ) -> Result<Pid, Failed> {
        let stdout = std::fs::File::create(self.dir.join(format!("{log}.stdout")))?;
        let stderr = std::fs::File::create(self.dir.join(format!("{log}.stderr")))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        let pid = Pid(child.id());
        self.processes.push(Started {
            what: what.to_string(),
            child,
            stop,
        });
        Ok(pid)
    }

    fn started(&mut self, pid: Pid) -> Option<&mut Started> {
        self.processes.iter_mut().find(|p| p.child.id() == pid.0)
    }

    /// Whether a process the lab started still runs.
    pub fn running(&mut self, pid: Pid) -> bool {
        self.started(pid)
            .is_some_and(|p| matches!(p.child.try_wait(), Ok(None)))
    }

    /// Sends `signal` (`STOP`, `CONT`, `INT`, ...) to a process the lab
    /// started, if it still runs.
    pub fn signal(&mut self, pid: Pid, signal: &str) -> Result<(), Failed> {
        if !self.running(pid) {
            return Err(format!("process {} is not running", pid.0).into());
        }
        crate::common::send_signal(pid.0, signal)
            .map_err(|e| format!("signal {signal} to {}: {e}", pid.0).into())
    }

    /// Starts `vpnlab run --out DIR/captures FILE` in the lab namespace and
    /// waits until it has opened `devices`.
    pub fn start_vpnlab(&mut self, scenario: &Path, devices: &[&str]) -> Result<Pid, Failed> {
        let out = self.dir.join("captures");
        let ns = self.lab_ns().to_string();
        let mut command = Command::new("ip");
        command
            .args([
                "netns",
                "exec",
                &ns,
                env!("CARGO_BIN_EXE_vpnlab"),
                "run",
                "--out",
            ])
            .arg(&out)
            .arg(scenario);
        let pid = self.spawn("vpnlab", "INT", &mut command, "vpnlab")?;
        self.vpnlab_started = Some(Instant::now());
        for device in devices {
            let up = wait_until(Duration::from_secs(10), || {
                // vpnlab ended (an invalid scenario, say): stop waiting.
                if !self.running(pid) {
                    return true;
                }
                Command::new("ip")
                    .args(["-n", &ns, "link", "show", device])
                    .output()
                    .is_ok_and(|o| o.status.success())
            });
            if !up || !self.running(pid) {
                let err =
                    std::fs::read_to_string(self.dir.join("vpnlab.stderr")).unwrap_or_default();
                return Err(format!("vpnlab did not open TUN {device}: {err}").into());
            }
        }
        Ok(pid)
    }

    /// Moves a TUN device vpnlab holds into `ns` and configures it there:
    /// no IPv6 (no router solicitations on the link), the address, the
    /// MTU, up, a default route, the inner addresses on `lo`.
    pub fn attach_tun(&mut self, ns: &str, tun: &TunHost) -> Result<(), Failed> {
        let dev = tun.device;
        run(
            "ip",
            &["-n", self.lab_ns(), "link", "set", dev, "netns", ns],
        )?;
        let sysctl = format!("net.ipv6.conf.{dev}.disable_ipv6=1");
        run("ip", &["netns", "exec", ns, "sysctl", "-q", "-w", &sysctl])?;
        run("ip", &["-n", ns, "addr", "add", tun.address, "dev", dev])?;
        let mtu = tun.mtu.to_string();
        run("ip", &["-n", ns, "link", "set", dev, "mtu", &mtu, "up"])?;
        run(
            "ip",
            &[
                "-n",
                ns,
                "route",
                "add",
                "default",
                "via",
                tun.gateway,
                "dev",
                dev,
            ],
        )?;
        for inner in tun.inner {
            run("ip", &["-n", ns, "addr", "add", inner, "dev", "lo"])?;
        }
        Ok(())
    }

    /// Waits for vpnlab to end its run (by its scenario's duration), at
    /// most `limit`; then reads what it printed.
    pub fn wait_vpnlab(
        &mut self,
        pid: Pid,
        scenario: &Path,
        limit: Duration,
    ) -> Result<VpnlabRun, Failed> {
        let end = Instant::now() + limit;
        let code = loop {
            let started = self
                .started(pid)
                .ok_or("vpnlab was not started by this lab")?;
            if let Some(status) = started.child.try_wait()? {
                break status.code();
            }
            if Instant::now() >= end {
                return Err(format!("vpnlab still runs after {limit:?}").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let name = vpnlab::scenario::load_file(scenario)
            .map_err(|e| e.to_string())?
            .name
            .value
            .clone();
        Ok(VpnlabRun {
            code,
            stdout: std::fs::read_to_string(self.dir.join("vpnlab.stdout"))?,
            stderr: std::fs::read_to_string(self.dir.join("vpnlab.stderr"))?,
            captures: self.dir.join("captures").join(name),
        })
    }

    /// Sleeps until `at` into vpnlab's run.
    pub fn sleep_until_run_time(&self, at: Duration) {
        if let Some(t0) = self.vpnlab_started {
            let now = t0.elapsed();
            if now < at {
                std::thread::sleep(at - now);
            }
        }
    }

    /// Ends vpnlab's run now (SIGINT: its daemons send their DELETEs, a
    /// grace period, captures and verdicts), then waits for it.
    pub fn stop_vpnlab(&mut self, pid: Pid, scenario: &Path) -> Result<VpnlabRun, Failed> {
        if self.running(pid) {
            self.signal(pid, "INT")?;
        }
        self.wait_vpnlab(pid, scenario, Duration::from_secs(20))
    }
}

impl Drop for Lab {
    /// Stops the processes this lab started, newest first (the polite
    /// signal, then SIGKILL after 5 s), then deletes its namespaces.
    fn drop(&mut self) {
        while let Some(mut p) = self.processes.pop() {
            if matches!(p.child.try_wait(), Ok(None)) {
                let pid = p.child.id();
                let _ = crate::common::send_signal(pid, p.stop);
                // A frozen process handles its signal once resumed.
                let _ = crate::common::send_signal(pid, "CONT");
                let gone = wait_until(Duration::from_secs(5), || {
                    !matches!(p.child.try_wait(), Ok(None))
                });
                if !gone {
                    eprintln!(
                        "interop: {} ({pid}) ignored SIG{}; killing it",
                        p.what, p.stop
                    );
                    let _ = p.child.kill();
                }
            }
            let _ = p.child.wait();
        }
        while let Some(ns) = self.namespaces.pop() {
            if let Err(e) = run("ip", &["netns", "delete", &ns]) {
                eprintln!("interop: {e:?}");
            }
        }
    }
}
