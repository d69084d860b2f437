//! The simulator: event queue, virtual clock, links and what sits at
//! their ends, seeded randomness, and running a scenario to an [`Outcome`].

pub mod artifacts;
pub mod build;
mod describe;
pub mod end;
#[cfg(test)]
mod end_tests;
mod endpoints;
pub mod link;
pub mod node_end;
pub mod queue;
pub mod realtime;
pub mod tun_end;
pub mod world;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

use crate::host::realtime::RealTime;
use crate::ipsec::sad::SaLife;
use crate::kernel::counters::NodeCounters;
use crate::node::apps::FlowStats;
use crate::observe::capture::{self, Capture, LinkLog};
use crate::observe::ladder::Hop;
use crate::scenario::{Expectation, Scenario};
use build::Topology;
use link::LinkCounters;

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Parent folder of the capture folders; `None` writes no files.
    pub out: Option<PathBuf>,
    /// Run in real time even without a TUN end (a scenario with one
    /// always runs in real time).
    pub realtime: bool,
    /// Overrides the scenario's duration.
    pub duration: Option<smoltcp::time::Duration>,
}

/// How a real-time run went: it is not byte-deterministic (packets from
/// the host arrive when they arrive), though its captures are complete.
#[derive(Clone, Debug)]
pub struct RealtimeRun {
    /// The wall-clock time at simulated time zero.
    pub epoch: std::time::SystemTime,
    /// Ended by an interrupt (Ctrl-C) before the scenario's duration.
    pub interrupted: bool,
}

/// Everything a run produced that expectations and reports look at.
pub struct Outcome {
    pub scenario: String,
    pub seed: u64,
    pub end: Instant,
    /// Events the simulator handled.
    pub events: u64,
    pub topology: Topology,
    pub flows: Vec<FlowStats>,
    pub nodes: Vec<(String, NodeCounters)>,
    /// SAs of each IPsec node at the end, with their counters.
    pub sas: Vec<(String, Vec<artifacts::SaReport>)>,
    /// Every SA each IPsec node installed, with when it left.
    pub sa_history: Vec<(String, Vec<SaLife>)>,
    /// Every packet on every link, when files were written.
    pub hops: Vec<Hop>,
    /// Who sends and receives [`Hop`]s: the nodes, then other link ends.
    pub lifelines: Vec<String>,
    /// IPComp SAs of each IPsec node at the end, with their counters.
    pub ipcomp_sas: Vec<(String, Vec<artifacts::IpcompReport>)>,
    /// What each node's key daemon did: its events and log lines.
    pub ike: Vec<artifacts::IkeReport>,
    pub links: Vec<LinkResult>,
    /// Capture folder, when files were written.
    pub dir: Option<PathBuf>,
    /// Set when the run followed the wall clock.
    pub realtime: Option<RealtimeRun>,
    /// The counters of link ends that are not nodes (TUN devices), by name.
    pub ends: Vec<(String, Vec<(&'static str, u64)>)>,
}

pub struct LinkResult {
    pub name: String,
    pub counters: LinkCounters,
    pub packets: u64,
    /// Kept only for links that expectations look at.
    pub log: Option<LinkLog>,
}

impl Outcome {
    pub fn total_packets(&self) -> u64 {
        self.links.iter().map(|l| l.packets).sum()
    }
}

/// Links whose packets some expectation inspects.
fn inspected_links(s: &Scenario) -> BTreeSet<String> {
    s.expect
        .iter()
        .filter_map(|e| match &e.value.what {
            Expectation::Trace(t) => Some(t.link.value.clone()),
            Expectation::Packets(p) => Some(p.link.value.clone()),
            Expectation::NoPlaintext(p) => Some(p.link.value.clone()),
            _ => None,
        })
        .collect()
}

/// Runs a validated scenario. Capture files are complete and in place
/// when this returns, whatever the expectations later say.
pub fn run(s: &Scenario, opts: &RunOptions, progress: impl FnMut(Instant)) -> io::Result<Outcome> {
    let seed = opts.seed.unwrap_or(s.seed);
    let dir = opts.out.as_ref().map(|o| o.join(s.name.as_str()));
    if let Some(d) = &dir {
        std::fs::create_dir_all(d)?;
    }
    let interfaces = describe::interfaces(s);
    let inspected = inspected_links(s);
    let keep: Vec<bool> = interfaces
        .iter()
        .map(|i| inspected.contains(&i.name))
        .collect();
    let capture = Capture::new(dir.as_deref(), &interfaces, &keep).map_err(captures)?;
    let duration = opts.duration.unwrap_or(s.duration.0);
    let mut world = build::build(s, seed, capture);
    world.end = Instant::ZERO + duration;
    let realtime = if opts.realtime || has_tun(s) {
        let clock = RealTime::new();
        clock.catch_interrupts();
        for slot in world.nodes.iter_mut().filter_map(|n| n.daemon.as_mut()) {
            slot.driver.daemon.set_epoch(clock.epoch);
        }
        attach_tuns(&mut world, s, &clock)?;
        let interrupted = world.run_realtime(&clock, progress);
        Some(RealtimeRun {
            epoch: clock.epoch,
            interrupted,
        })
    } else {
        world.run(progress);
        None
    };
    let lifelines = world.lifelines();
    let ends = world
        .attached
        .iter()
        .map(|a| (a.endpoint.name().to_string(), a.endpoint.counters()))
        .collect();
    let world::World {
        nodes,
        links,
        flows,
        capture,
        capture_error,
        end,
        events,
        attached,
        ..
    } = world;
    // The devices close (and their threads end) before the files are made.
    drop(attached);
    let capture::Finished {
        mut files,
        links: logs,
        hops,
    } = capture.finish().map_err(captures)?;
    if let Some(e) = capture_error {
        return Err(captures(e));
    }
    let reports = artifacts::daemon_reports(&nodes);
    if let Some(d) = &dir {
        files.extend(artifacts::write_ipsec_files(d, &nodes, &reports, end)?);
        files.extend(artifacts::write_ike_files(d, &nodes, &reports)?);
        files.extend(artifacts::write_nat_files(d, &nodes, end)?);
    }
    let sas = artifacts::sa_reports(&nodes);
    let sa_history = artifacts::sa_history(&nodes);
    let ipcomp_sas = artifacts::ipcomp_reports(&nodes);
    let ike = artifacts::ike_reports(&nodes, reports);
    if let Some(d) = &dir {
        remove_stale(d, &files)?;
    }
    Ok(Outcome {
        scenario: s.name.value.clone(),
        seed,
        end,
        events,
        topology: Topology::of(s),
        flows,
        sas,
        sa_history,
        hops,
        lifelines,
        ipcomp_sas,
        ike,
        nodes: nodes
            .into_iter()
            .map(|n| (n.name, n.kernel.counters))
            .collect(),
        links: links
            .into_iter()
            .zip(logs)
            .map(|(l, (packets, log))| LinkResult {
                name: l.name,
                counters: l.counters,
                packets,
                log,
            })
            .collect(),
        dir,
        realtime,
        ends,
    })
}

/// A capture error, said as one.
fn captures(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write captures: {e}"))
}

fn has_tun(s: &Scenario) -> bool {
    s.links.values().any(|l| l.tun.is_some())
}

/// Opens each link's TUN device and attaches it as that link's last end.
fn attach_tuns(world: &mut world::World, s: &Scenario, clock: &RealTime) -> io::Result<()> {
    for (link, spec) in s.links.values().enumerate() {
        let Some(tun) = &spec.tun else {
            continue;
        };
        let tag = world.attached.len();
        let via = tun.via.as_ref().map(|v| v.value);
        let mtu = usize::from(spec.mtu.value);
        let end = tun_end::TunEnd::open(tun.device.as_str(), via, mtu, clock, tag)?;
        world.attach(Box::new(end), &[(link, tun.address.addr)]);
    }
    Ok(())
}

/// Removes captures of an earlier run that this run did not write (a
/// renamed link, leftovers of an interrupted run).
fn remove_stale(dir: &Path, keep: &[PathBuf]) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ours = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng" | "tmp" | "sad" | "spd")
        );
        let ours = ours || path.file_name().is_some_and(|n| n == "esp_sa");
        if ours && !keep.contains(&path) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
