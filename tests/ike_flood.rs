//! Issue 9 item 21: a responder under an IKE flood. Ten million garbage
//! datagrams — random bytes, well-formed headers for ISAKMP SAs nobody
//! has, and Main Mode first messages (real SA proposals) with fresh
//! cookies — arrive over ten seconds of virtual time while a real
//! initiator negotiates. The negotiation completes, the log stays short
//! (drop lines are rate limited, copies collapsed), half-open exchanges
//! stay bounded, and the process's memory stays under 100 MB.
//!
//! This file holds one test, so that the process's memory is its own.

mod common;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::{Duration, Instant};
use vpnlab::ike::IkeEvent;
use vpnlab::ike::daemon::{Datagram, KeyDaemon};
use vpnlab::ike::v1::Racoon;
use vpnlab::ipsec::IpsecEngine;
use vpnlab::kernel::counters::DropReason;
use vpnlab::kernel::hook::Verdict;

const INITIATOR: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const RESPONDER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
/// The flooder's own address, from which its first messages come.
const ATTACKER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 66);

const DATAGRAMS: u64 = 10_000_000;
/// Garbage datagrams per millisecond of virtual time: the flood lasts 10 s.
const PER_MS: u64 = 1_000;
/// When the initiator's first packet raises its ACQUIRE.
const INITIATOR_STARTS_MS: u64 = 1_000;
const MAX_LOG_LINES: usize = 1_000;
const MAX_RSS_KB: u64 = 100 * 1024;

const PROPOSAL: &str = "proposal { encryption_algorithm aes; hash_algorithm sha1; \
                        authentication_method pre_shared_key; dh_group modp1024; }";
const SAINFO: &str = "sainfo anonymous { lifetime time 3600 sec; encryption_algorithm aes 128; \
                      authentication_algorithm hmac_sha1; compression_algorithm deflate; }";

/// One end: its daemon and its kernel's IPsec engine.
struct Host {
    daemon: Racoon,
    engine: IpsecEngine,
}

/// `remote` names the peer section: the initiator's peer, or `anonymous`
/// on the responder, so that the flooder's proposals are answered too.
fn host(addr: Ipv4Addr, peer: Ipv4Addr, remote: &str, seed: u64) -> Host {
    let text = format!(
        "path pre_shared_key \"/psk\";\n\
         timer {{ counter 5; interval 10 sec; }}\n\
         remote {remote} {{ exchange_mode main; proposal_check obey; {PROPOSAL} }}\n\
         {SAINFO}\n"
    );
    Host {
        daemon: common::racoon(&text, peer, seed),
        engine: common::transport_engine(addr, peer, seed),
    }
}

/// xorshift64*: cheap enough for ten million datagrams in a debug build.
struct Cheap(u64);

impl Cheap {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }

    fn address(&mut self) -> SocketAddrV4 {
        let n = self.next();
        SocketAddrV4::new(Ipv4Addr::from((n >> 32) as u32), n as u16)
    }
}

/// The garbage: three kinds in turn.
struct Flood {
    rng: Cheap,
    /// A real Main Mode first message, sent with fresh cookies.
    first_message: Vec<u8>,
    buffer: Vec<u8>,
}

impl Flood {
    fn next(&mut self) -> (SocketAddrV4, &[u8]) {
        let kind = self.rng.next() % 3;
        match kind {
            0 => self.random_bytes(),
            1 => self.unknown_sa(),
            _ => self.new_proposal(),
        }
    }

    /// Up to 64 random bytes from a spoofed address.
    fn random_bytes(&mut self) -> (SocketAddrV4, &[u8]) {
        let len = (self.rng.next() % 65) as usize;
        self.buffer.resize(len, 0);
        self.rng.fill(&mut self.buffer);
        (self.rng.address(), &self.buffer)
    }

    /// RFC 2408 §3.1 header only, random cookies (the responder cookie is
    /// not zero: no new exchange), of a random exchange type.
    fn unknown_sa(&mut self) -> (SocketAddrV4, &[u8]) {
        self.buffer.resize(28, 0);
        self.rng.fill(&mut self.buffer[..16]);
        self.buffer[8] |= 1;
        self.buffer[16] = 0;
        self.buffer[17] = 0x10;
        self.buffer[18] = [2, 4, 5, 32][(self.rng.next() % 4) as usize];
        self.buffer[19] = 0;
        self.buffer[24..28].copy_from_slice(&28u32.to_be_bytes());
        (self.rng.address(), &self.buffer)
    }

    /// A first Main Mode message with a fresh initiator cookie from the
    /// flooder's address: a new half-open exchange if one is allowed.
    fn new_proposal(&mut self) -> (SocketAddrV4, &[u8]) {
        self.buffer.clear();
        self.buffer.extend_from_slice(&self.first_message);
        self.rng.fill(&mut self.buffer[..8]);
        let port = self.rng.next() as u16;
        (SocketAddrV4::new(ATTACKER, port), &self.buffer)
    }
}

/// The two ends, the wire between them (10 ms each way), virtual time.
struct Lab {
    hosts: [Host; 2],
    now: Instant,
    wire: VecDeque<(Instant, usize, Datagram)>,
}

impl Lab {
    fn service(&mut self, i: usize) {
        let now = self.now;
        let h = &mut self.hosts[i];
        common::serve_daemon(now, &mut h.daemon, &mut h.engine);
        while let Some(d) = h.daemon.poll_transmit() {
            // What goes to the flooder is lost.
            let to = [INITIATOR, RESPONDER].iter().position(|a| a == d.to.ip());
            if let Some(to) = to {
                self.wire
                    .push_back((now + Duration::from_millis(10), to, d));
            }
        }
    }

    /// Delivers what arrives and runs what is due, up to `until`.
    fn run_until(&mut self, until: Instant) {
        loop {
            let arrival = self.wire.front().map(|(t, _, _)| *t);
            let timers = self
                .hosts
                .iter()
                .flat_map(|h| [h.daemon.next_timer(), h.engine.next_timer()])
                .flatten();
            match arrival.into_iter().chain(timers).min() {
                Some(next) if next <= until => self.now = next.max(self.now),
                _ => break,
            }
            while self.wire.front().is_some_and(|(t, _, _)| *t <= self.now) {
                let Some((_, to, d)) = self.wire.pop_front() else {
                    break;
                };
                let h = &mut self.hosts[to];
                h.daemon
                    .on_datagram(self.now, d.from, d.to, &d.data, &mut h.engine);
            }
            self.service(0);
            self.service(1);
        }
        self.now = until.max(self.now);
    }

    /// The initiator's first packet raises the ACQUIRE (and is dropped).
    fn start_initiator(&mut self) {
        let mut p = common::datagram(INITIATOR, RESPONDER, 17, 9, b"ping");
        let verdict = self.hosts[0].engine.output(self.now, &mut p);
        assert_eq!(verdict, Verdict::Drop(DropReason::NoSa));
        self.service(0);
    }

    fn phase2_established(&self, i: usize) -> bool {
        let events = &self.hosts[i].daemon.log().events;
        events
            .iter()
            .any(|e| matches!(e, IkeEvent::Phase2Established { .. }))
    }
}

/// The initiator's real first message, taken from a separate run.
fn real_first_message() -> Vec<u8> {
    let mut probe = host(INITIATOR, RESPONDER, &RESPONDER.to_string(), 99);
    let mut p = common::datagram(INITIATOR, RESPONDER, 17, 9, &[]);
    let _ = probe.engine.output(Instant::ZERO, &mut p);
    while let Some(event) = probe.engine.poll_event() {
        probe
            .daemon
            .on_kernel_event(Instant::ZERO, event, &mut probe.engine);
    }
    let first = probe
        .daemon
        .poll_transmit()
        .expect("the ACQUIRE starts main mode");
    first.data
}

/// `VmHWM` (peak) and `VmRSS` in kB from /proc/self/status, if there.
fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

#[test]
fn ten_million_garbage_datagrams_leave_the_responder_small_and_working() {
    let started = std::time::Instant::now();
    let before = memory_kb();
    let mut lab = Lab {
        hosts: [
            host(INITIATOR, RESPONDER, &RESPONDER.to_string(), 1),
            host(RESPONDER, INITIATOR, "anonymous", 2),
        ],
        now: Instant::ZERO,
        wire: VecDeque::new(),
    };
    let mut flood = Flood {
        rng: Cheap(0x9e37_79b9_7f4a_7c15),
        first_message: real_first_message(),
        buffer: Vec::new(),
    };
    let to = SocketAddrV4::new(RESPONDER, 500);
    for ms in 0..DATAGRAMS / PER_MS {
        lab.run_until(Instant::from_millis(ms as i64));
        if ms == INITIATOR_STARTS_MS {
            lab.start_initiator();
        }
        let h = &mut lab.hosts[1];
        for _ in 0..PER_MS {
            let (from, data) = flood.next();
            h.daemon.on_datagram(lab.now, from, to, data, &mut h.engine);
        }
        lab.service(1);
    }
    let (log, records) = (lab.hosts[1].daemon.log(), lab.hosts[1].daemon.records());
    let lines = log.text().lines().count();
    if std::env::var_os("FLOOD_LOG").is_some() {
        eprintln!("{}", log.text());
    }
    let dropped: u64 = records.dropped.values().sum();
    eprintln!(
        "flood: {DATAGRAMS} datagrams in {:.1?}; responder log {lines} lines, \
         {} events; dropped {:?}",
        started.elapsed(),
        log.events.len(),
        records.dropped
    );
    let memory = memory_kb();
    if let Some((peak, rss)) = memory {
        eprintln!("flood: VmHWM {peak} kB, VmRSS {rss} kB (before: {before:?})");
    }
    assert!(
        lab.phase2_established(0),
        "initiator: {}",
        lab.hosts[0].daemon.log().text()
    );
    assert!(lab.phase2_established(1), "responder: {}", log.text());
    assert!(lines < MAX_LOG_LINES, "{lines} log lines:\n{}", log.text());
    assert!(log.events.len() < 100, "{} events", log.events.len());
    // Each first message from the flooder beyond its five half-open
    // exchanges was refused; all but those five were dropped.
    assert!(dropped + 5 >= DATAGRAMS - 100, "{dropped} dropped");
    let Some((peak, _)) = memory else {
        eprintln!("flood: /proc/self/status absent, RSS not checked");
        return;
    };
    assert!(peak < MAX_RSS_KB, "peak RSS {peak} kB");
}
