//! An IKEv1 key daemon that behaves like racoon from ipsec-tools 0.8:
//! Main Mode and Aggressive Mode with pre-shared keys (RFC 2409 §5),
//! Quick Mode with PFS (RFC 2409 §5.5), Informational exchanges with
//! notifications and deletes (RFC 2408 §4.8), retransmission, rekeying
//! on soft expiry, and DPD (RFC 3706).
//!
//! It is a protocol core without I/O or clock: the node hands it
//! datagrams, the kernel's messages and the time; it hands back
//! datagrams, timers, requests to its [`KeyKernel`] (the PF_KEY
//! interface, in `install`) and log lines. Configuration is racoon.conf
//! and psk.txt as typed by [`crate::config`].
//!
//! Each exchange is a module with its own state type and a handler per
//! state: `phase1` (an ISAKMP SA, `Phase1` in a `P1State`; Main and
//! Aggressive Mode), `quick` (an IPsec SA pair, `Phase2` in a
//! `P2State`), `info` (Informational, DPD). The daemon itself routes
//! what comes in to them (`dispatch`), runs their lifecycles as racoon's
//! handler.c and isakmp.c do (`isakmp_sa`, `ipsec_sa`) and their timers
//! (`timers`).

mod answered;
mod certs;
mod cfg;
mod dispatch;
mod env;
mod info;
mod install;
mod ipsec_sa;
mod isakmp_sa;
mod lookup;
pub mod message;
pub mod natt;
mod phase1;
pub mod proposal;
mod quick;
mod shutdown;
mod timers;

use std::net::{Ipv4Addr, SocketAddrV4};

use rand_chacha::ChaCha8Rng;
use smoltcp::time::Instant;

use crate::config::psk::PskFile;
use crate::config::racoon::{NatTraversal, RacoonConf};
use crate::ike::daemon::{Datagram, KeyDaemon};
use crate::ike::half_open::HalfOpen;
use crate::ike::log::Log;
use crate::ike::registry::DaemonConfig;
use crate::ike::report::DaemonReport;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Event;
use env::Context;
pub use env::Records;
use phase1::Phase1;
use quick::Phase2;

/// The daemon of one node.
pub struct Racoon {
    ctx: Context,
    /// ISAKMP SAs, negotiating or established, oldest first.
    ph1: Vec<Phase1>,
    /// Phase 2 exchanges and the SA pairs they installed, oldest first.
    ph2: Vec<Phase2>,
    half_open: HalfOpen,
    /// Shut down (`close_session`): the process is gone.
    stopped: bool,
    /// Runs as Android's racoon (setup.c): installs a mode_cfg client's
    /// policies and takes its internal address itself.
    android: bool,
    /// Android's phase1_up has run (setup.c `skip_script`), and the
    /// internal address the node has yet to put on its interface.
    android_up: bool,
    new_virtual_ip: Option<Ipv4Addr>,
    /// The next timer over every phase, found once after each entry point
    /// that can change one (a gateway with thousands of peers is asked
    /// more often than anything changes).
    next: std::cell::Cell<Option<Option<Instant>>>,
    /// ISAKMP SAs by initiator cookie (see `lookup`), once there are many.
    by_cookie: Option<std::collections::HashMap<[u8; 8], Vec<u32>>>,
}

/// The configuration name under which the daemon runs as Android's
/// racoon (see [`cfg`]'s client).
pub const ANDROID: &str = "android-racoon.conf";

/// The registry's factory for `racoon.conf`
/// ([`crate::ike::registry::DAEMONS`]): the configuration as racoon reads
/// it, with the keys of the file its `path pre_shared_key` names (none if
/// the node has no such file).
pub fn daemon(config: &DaemonConfig<'_>, rng: ChaCha8Rng) -> Option<Box<dyn KeyDaemon>> {
    let (conf, _) = crate::config::racoon::parse(config.text).ok()?;
    let psk = conf
        .psk_path()
        .and_then(|path| config.file(path))
        .and_then(|text| crate::config::psk::parse(text).ok())
        .unwrap_or_default();
    let certs = certs::Certs::load(&conf, |p| config.file(p), config.files, config.epoch);
    let server = cfg::server::CfgServer::load(&conf.mode_cfg, |p| config.file(p));
    let mut racoon = Racoon::new(conf, psk, rng);
    racoon.android = config.name == ANDROID;
    if let Err(e) = &server {
        racoon.ctx.log.error(Instant::ZERO, e);
    }
    racoon.ctx.cfg_server = server.unwrap_or_default();
    // racoon reads its certificates and keys when it loads racoon.conf
    // and names what it could not read.
    for problem in certs.remotes.iter().flat_map(|r| &r.problems) {
        racoon.ctx.log.error(Instant::ZERO, problem.clone());
    }
    racoon.ctx.certs = certs;
    Some(Box::new(racoon))
}

impl Racoon {
    pub fn new(conf: RacoonConf, psk: PskFile, rng: ChaCha8Rng) -> Racoon {
        Racoon {
            ctx: Context::new(conf, psk, rng),
            ph1: Vec::new(),
            ph2: Vec::new(),
            half_open: HalfOpen::default(),
            stopped: false,
            android: false,
            android_up: false,
            new_virtual_ip: None,
            next: std::cell::Cell::new(None),
            by_cookie: None,
        }
    }

    /// Android's setup.c starts phase 1 with the server at once
    /// (`isakmp_ph1begin_i`), without waiting for an ACQUIRE.
    fn android_start(&mut self, now: Instant, addrs: &[Ipv4Addr]) {
        let Some(local) = addrs.first() else {
            return;
        };
        let peers: Vec<(usize, SocketAddrV4)> = (self.ctx.conf.remotes.iter().enumerate())
            .filter_map(|(i, r)| match r.peer {
                Some(crate::config::racoon::Peer::Address(a)) => {
                    Some((i, SocketAddrV4::new(a, r.port)))
                }
                _ => None,
            })
            .collect();
        for (remote, peer) in peers {
            let local = SocketAddrV4::new(*local, crate::wire::udp_encap::PORT_ISAKMP);
            self.begin_phase1(now, remote, local, peer);
        }
    }

    /// Every exchange's next timer, the soonest.
    fn soonest_timer(&self) -> Option<Instant> {
        let p1 = self.ph1.iter().filter_map(Phase1::next_timer);
        let p2 = self.ph2.iter().filter_map(Phase2::next_timer);
        p1.chain(p2).min()
    }

    /// A datagram or a kernel message sets timers only through `Env`
    /// and `Context::timer_at`, which note the soonest; the next timer
    /// known before it, with that, is the next timer after it, or earlier
    /// when the event settled or removed a timer. An early wake finds
    /// nothing due and looks again in full (`on_timer`), so a gateway
    /// with thousands of exchanges does not look at all of them for each
    /// message.
    fn before_event(&mut self) -> Option<Option<Instant>> {
        self.ctx.soonest = None;
        self.next.get()
    }

    fn after_event(&mut self, before: Option<Option<Instant>>) {
        let set = self.ctx.soonest.take();
        let next = before.map(|b| match (b, set) {
            (Some(b), Some(s)) => Some(b.min(s)),
            (b, s) => b.or(s),
        });
        self.next.set(next);
    }

    pub fn log(&self) -> &Log {
        &self.ctx.log
    }

    pub fn records(&self) -> &Records {
        &self.ctx.records
    }
}

impl KeyDaemon for Racoon {
    /// Logs that the daemon listens on `addrs`, as racoon does at start.
    fn start(&mut self, now: Instant, addrs: &[Ipv4Addr]) {
        self.next.set(None);
        let isakmp = &self.ctx.conf.listen.isakmp;
        let listen: Vec<Ipv4Addr> = if isakmp.is_empty() {
            addrs.to_vec()
        } else {
            isakmp.iter().map(|a| *a.ip()).collect()
        };
        for a in listen {
            let line = format!("{a}[500] used as isakmp port (fd=0)");
            self.ctx.log.info(now, line);
        }
        if self.android {
            self.android_start(now, addrs);
        }
    }

    fn on_datagram(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        to: SocketAddrV4,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let before = self.before_event();
        if !self.stopped {
            self.datagram(now, (from, to), data, kernel);
        }
        self.after_event(before);
    }

    fn on_kernel_event(&mut self, now: Instant, event: Event, kernel: &mut dyn KeyKernel) {
        let before = self.before_event();
        if !self.stopped {
            self.kernel_event(now, event, kernel);
        }
        self.after_event(before);
    }

    fn on_timer(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        self.next.set(None);
        self.phase1_timers(now, kernel);
        self.phase2_timers(now);
    }

    fn next_timer(&self) -> Option<Instant> {
        if let Some(next) = self.next.get() {
            // Never later than the truth (None: no timer at all).
            debug_assert!(
                match (next, self.soonest_timer()) {
                    (_, None) => true,
                    (None, Some(_)) => false,
                    (Some(n), Some(t)) => n <= t,
                },
                "the next timer kept across an event is later than one set"
            );
            return next;
        }
        let next = self.soonest_timer();
        self.next.set(Some(next));
        next
    }

    fn poll_transmit(&mut self) -> Option<Datagram> {
        self.ctx.outbox.pop_front()
    }

    fn set_epoch(&mut self, epoch: std::time::SystemTime) {
        self.ctx.log.set_epoch(epoch);
    }

    fn stop(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        self.next.set(None);
        if !self.stopped {
            self.close_session(now, kernel);
        }
    }

    fn restart(&mut self, now: Instant) {
        self.next.set(None);
        self.stopped = false;
        self.forget_all_phases();
        self.half_open.clear();
        let ctx = &mut self.ctx;
        // A new process: every pool index is free again.
        ctx.cfg_server.free_pool();
        ctx.outbox.clear();
        ctx.records.initial_contacts.clear();
        ctx.records.contacted.clear();
        let line = "racoon restarted: all ISAKMP-SAs and IPsec-SAs forgotten";
        ctx.log.info(now, line);
    }

    fn poll_virtual_ip(&mut self) -> Option<Ipv4Addr> {
        self.new_virtual_ip.take()
    }

    fn wants_natt(&self) -> bool {
        let conf = &self.ctx.conf;
        let natt = |r: &crate::config::racoon::Remote| r.nat_traversal != NatTraversal::Off;
        conf.remotes.iter().any(natt) || !conf.listen.isakmp_natt.is_empty()
    }

    fn report(&self) -> Option<DaemonReport<'_>> {
        let (log, r) = (&self.ctx.log, &self.ctx.records);
        Some(DaemonReport {
            log: log.lines(),
            events: &log.events,
            installed: &r.installed,
            deleted: &r.deleted,
            keys: r.key_rows(),
            dropped: r.dropped.iter().map(|(reason, n)| (*reason, *n)).collect(),
        })
    }
}
