//! Property tests of the IKEv1 daemon as a protocol core: two daemons,
//! each with its own IPsec engine, joined by a lossy in-memory wire and a
//! virtual clock, no simulator. Compatible configurations negotiate and
//! protect traffic both ways; disjoint ones fail cleanly with
//! NO-PROPOSAL-CHOSEN and leak nothing; loss up to 30% either completes
//! within racoon's retry budget or fails with a timeout the log names;
//! garbage from the wire never panics.

mod common;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};

use proptest::prelude::*;
use rand_core::{RngCore, SeedableRng};
use smoltcp::time::{Duration, Instant};
use vpnlab::ike::daemon::{Datagram, KeyDaemon};
use vpnlab::ike::v1::Racoon;
use vpnlab::ike::{FailReason, IkeEvent};
use vpnlab::ipsec::IpsecEngine;
use vpnlab::kernel::counters::DropReason;
use vpnlab::kernel::hook::{PacketMeta, Verdict};

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// One end: its daemon and its kernel's IPsec engine.
struct Host {
    addr: Ipv4Addr,
    daemon: Racoon,
    engine: IpsecEngine,
}

/// What a racoon.conf says, for one end.
#[derive(Clone, Debug)]
struct Conf {
    /// `exchange_mode`: main, aggressive or base.
    mode: &'static str,
    phase1: Vec<(&'static str, &'static str, &'static str)>,
    check: &'static str,
    pfs: Option<&'static str>,
    lifetime_secs: u64,
    enc: Vec<&'static str>,
    auth: Vec<&'static str>,
}

impl Conf {
    fn text(&self, peer: Ipv4Addr) -> String {
        let mode = self.mode;
        let proposals: String = self
            .phase1
            .iter()
            .map(|(enc, hash, group)| {
                format!(
                    "proposal {{ encryption_algorithm {enc}; hash_algorithm {hash}; \
                     authentication_method pre_shared_key; dh_group {group}; }}\n"
                )
            })
            .collect();
        let pfs = self
            .pfs
            .map_or(String::new(), |g| format!("pfs_group {g};"));
        format!(
            "path pre_shared_key \"/psk\";\n\
             timer {{ counter 5; interval 10 sec; }}\n\
             remote {peer} {{ exchange_mode {mode}; proposal_check {}; {proposals} }}\n\
             sainfo anonymous {{ {pfs} lifetime time {} sec; encryption_algorithm {}; \
             authentication_algorithm {}; compression_algorithm deflate; }}\n",
            self.check,
            self.lifetime_secs,
            self.enc.join(", "),
            self.auth.join(", "),
        )
    }
}

fn host(addr: Ipv4Addr, peer: Ipv4Addr, conf: &Conf, seed: u64) -> Host {
    host_with_text(addr, peer, &conf.text(peer), seed)
}

fn host_with_text(addr: Ipv4Addr, peer: Ipv4Addr, text: &str, seed: u64) -> Host {
    Host {
        addr,
        daemon: common::racoon(text, peer, seed),
        engine: common::transport_engine(addr, peer, seed),
    }
}

fn packet(src: Ipv4Addr, dst: Ipv4Addr) -> vpnlab::kernel::Datagram {
    common::datagram(src, dst, 17, 9, b"protected payload")
}

/// Sends one packet through `from`'s output and `to`'s input.
fn carried(from: &mut Host, to: &mut Host, now: Instant) -> Result<(), String> {
    let original = packet(from.addr, to.addr);
    let mut p = original.clone();
    match from.engine.output(now, &mut p) {
        Verdict::Accept => {}
        other => return Err(format!("output: {other:?}")),
    }
    if p.protocol() != 50 {
        return Err("left in plaintext".into());
    }
    let mut meta = PacketMeta::default();
    for _ in 0..4 {
        match to.engine.input(now, &mut meta, &mut p) {
            Verdict::Accept => {
                return if p == original {
                    Ok(())
                } else {
                    Err("payload changed".into())
                };
            }
            Verdict::Reinject => continue,
            Verdict::Drop(r) => return Err(format!("input dropped: {r:?}")),
        }
    }
    Err("not delivered".into())
}

/// The two ends and the wire between them, in virtual time.
struct Lab {
    hosts: [Host; 2],
    now: Instant,
    wire: VecDeque<(Instant, usize, Datagram)>,
    loss: f64,
    rng: rand_chacha::ChaCha8Rng,
    /// Every datagram put on the wire, with the host it went to.
    sent: Vec<(usize, Datagram)>,
}

impl Lab {
    fn new(a: &Conf, b: &Conf, loss: f64, seed: u64) -> Lab {
        Lab {
            hosts: [host(A, B, a, seed), host(B, A, b, seed + 7)],
            now: Instant::ZERO,
            wire: VecDeque::new(),
            loss,
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5eed),
            sent: Vec::new(),
        }
    }

    /// Hands each daemon what its kernel asked for and sends what it says.
    fn service(&mut self, i: usize) {
        let now = self.now;
        let h = &mut self.hosts[i];
        common::serve_daemon(now, &mut h.daemon, &mut h.engine);
        while let Some(d) = h.daemon.poll_transmit() {
            let lost = (self.rng.next_u32() as f64 / u32::MAX as f64) < self.loss;
            self.sent.push((1 - i, d.clone()));
            if !lost {
                self.wire
                    .push_back((now + Duration::from_millis(10), 1 - i, d));
            }
        }
    }

    /// Runs the next arrival or timer, if it is due by `limit`.
    fn step(&mut self, limit: Instant) -> bool {
        let next_arrival = self.wire.front().map(|(t, _, _)| *t);
        let timers = self
            .hosts
            .iter()
            .flat_map(|h| [h.daemon.next_timer(), h.engine.next_timer()])
            .flatten();
        let Some(next) = next_arrival.into_iter().chain(timers).min() else {
            return false;
        };
        if next > limit {
            return false;
        }
        self.now = next.max(self.now);
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
        true
    }

    /// A's first packet to B raises the ACQUIRE (and is dropped); the lab
    /// runs until nothing is left to do or `limit` passes.
    fn negotiate(&mut self, limit: Duration) {
        let mut p = packet(A, B);
        assert_eq!(
            self.hosts[0].engine.output(self.now, &mut p),
            Verdict::Drop(DropReason::NoSa)
        );
        self.service(0);
        while self.step(Instant::ZERO + limit) {}
    }

    fn established(&self, i: usize) -> usize {
        let events = &self.hosts[i].daemon.log().events;
        events
            .iter()
            .filter(|e| matches!(e, IkeEvent::Phase2Established { .. }))
            .count()
    }

    fn failed(&self, i: usize, reason: FailReason) -> bool {
        self.hosts[i]
            .daemon
            .log()
            .events
            .iter()
            .any(|e| matches!(e, IkeEvent::Failed { reason: r, .. } if *r == reason))
    }

    fn traffic_both_ways(&mut self) -> Result<(), String> {
        let now = self.now;
        let [a, b] = &mut self.hosts;
        carried(a, b, now)?;
        carried(b, a, now)
    }
}

const PHASE1: [(&str, &str, &str); 8] = [
    ("des", "md5", "modp768"),
    ("3des", "md5", "modp1024"),
    ("3des", "sha1", "modp1024"),
    ("aes", "sha1", "modp1024"),
    ("aes 192", "sha256", "modp1536"),
    ("aes 256", "sha256", "modp1024"),
    ("aes 256", "sha1", "modp2048"),
    ("aes", "sha256", "modp768"),
];
const ENC: [&str; 5] = ["des", "3des", "aes 128", "aes 192", "aes 256"];
const AUTH: [&str; 3] = ["hmac_md5", "hmac_sha1", "hmac_sha256"];
const GROUPS: [&str; 3] = ["modp768", "modp1024", "modp1536"];

fn subset<T: Clone + std::fmt::Debug>(all: &'static [T]) -> impl Strategy<Value = Vec<T>> {
    proptest::sample::subsequence(all.to_vec(), 1..=3).prop_shuffle()
}

/// racoon requires one DH group in all proposals of aggressive mode
/// (the KE payload goes out before the responder chooses).
fn one_group(mut c: Conf) -> Conf {
    if c.mode == "aggressive" {
        let group = c.phase1[0].2;
        for t in &mut c.phase1 {
            t.2 = group;
        }
        c.phase1.dedup();
    }
    c
}

fn conf() -> impl Strategy<Value = Conf> {
    (
        prop_oneof![Just("main"), Just("aggressive"), Just("base")],
        subset(&PHASE1),
        prop_oneof![Just("obey"), Just("strict"), Just("claim"), Just("exact")],
        proptest::option::of(proptest::sample::select(GROUPS.to_vec())),
        prop_oneof![Just(600u64), Just(3600), Just(28800)],
        subset(&ENC),
        subset(&AUTH),
    )
        .prop_map(|(mode, phase1, check, pfs, lifetime_secs, enc, auth)| {
            one_group(Conf {
                mode,
                phase1,
                check,
                pfs,
                lifetime_secs,
                enc,
                auth,
            })
        })
}

/// Whether the responder accepts a lifetime or PFS group of the
/// initiator's under `proposal_check` (racoon.conf(5)).
fn responder_accepts(i: &Conf, r: &Conf) -> bool {
    let lifetime = match r.check {
        "obey" | "claim" => true,
        "strict" => i.lifetime_secs <= r.lifetime_secs,
        _ => i.lifetime_secs == r.lifetime_secs,
    };
    let pfs = match r.check {
        "obey" => true,
        "exact" => i.pfs == r.pfs,
        _ => r.pfs.is_none() || i.pfs == r.pfs,
    };
    lifetime && pfs
}

/// A cipher name as racoon.conf writes it, split into the cipher and its
/// key length in bits (`aes` alone is 128, others have none).
fn cipher_bits(name: &str) -> (&str, u32) {
    match name.split_once(' ') {
        Some((cipher, bits)) => (cipher, bits.parse().unwrap_or(0)),
        None if name == "aes" => ("aes", 128),
        None => (name, 0),
    }
}

/// The same cipher, and a key length the responder's `proposal_check`
/// takes (remoteconf.c `checkisakmpsa`, proposal.c `cmpsatrns`): `obey`
/// any, `strict` and `claim` at least its own, `exact` only its own.
fn cipher_accepted(check: &str, theirs: &str, ours: &str) -> bool {
    let ((c1, b1), (c2, b2)) = (cipher_bits(theirs), cipher_bits(ours));
    c1 == c2
        && match check {
            "obey" => true,
            "strict" | "claim" => b1 >= b2,
            _ => b1 == b2,
        }
}

/// A phase 1 transform of the initiator's that one of the responder's
/// accepts, the same exchange mode, such an ESP transform, and lifetimes
/// and PFS the responder takes.
fn compatible(i: &Conf, r: &Conf) -> bool {
    let phase1 = i.phase1.iter().any(|t| {
        r.phase1
            .iter()
            .any(|u| (t.1, t.2) == (u.1, u.2) && cipher_accepted(r.check, t.0, u.0))
    });
    let esp = i
        .enc
        .iter()
        .any(|e| r.enc.iter().any(|f| cipher_accepted(r.check, e, f)))
        && i.auth.iter().any(|a| r.auth.contains(a));
    phase1 && esp && i.mode == r.mode && responder_accepts(i, r)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Compatible configurations negotiate and traffic flows both ways;
    /// incompatible ones fail, and then nothing leaves in plaintext.
    #[test]
    fn proposals_decide_the_outcome(i in conf(), r in conf(), seed in any::<u64>()) {
        let mut lab = Lab::new(&i, &r, 0.0, seed);
        lab.negotiate(Duration::from_secs(120));
        if compatible(&i, &r) {
            prop_assert_eq!(lab.established(0), 1, "initiator: {:?}", lab.hosts[0].daemon.log().lines());
            prop_assert_eq!(lab.established(1), 1, "responder: {:?}", lab.hosts[1].daemon.log().lines());
            prop_assert_eq!(lab.traffic_both_ways(), Ok(()));
        } else {
            prop_assert_eq!(lab.established(0), 0);
            let mut p = packet(A, B);
            let verdict = lab.hosts[0].engine.output(lab.now, &mut p);
            prop_assert_eq!(verdict, Verdict::Drop(DropReason::NoSa));
        }
    }

    /// Disjoint algorithm sets: NO-PROPOSAL-CHOSEN on both ends, no SA.
    #[test]
    fn disjoint_proposals_fail_with_no_proposal_chosen(split in 1usize..PHASE1.len(), seed in any::<u64>()) {
        let base = Conf {
            mode: "main",
            phase1: PHASE1[..split].to_vec(),
            check: "obey",
            pfs: None,
            lifetime_secs: 3600,
            enc: vec!["aes 128"],
            auth: vec!["hmac_sha1"],
        };
        let other = Conf { phase1: PHASE1[split..].to_vec(), ..base.clone() };
        let mut lab = Lab::new(&base, &other, 0.0, seed);
        lab.negotiate(Duration::from_secs(60));
        prop_assert!(lab.failed(0, FailReason::NoProposalChosen));
        prop_assert!(lab.failed(1, FailReason::NoProposalChosen));
        prop_assert_eq!(lab.hosts[0].engine.sad.iter().count(), 0);
        prop_assert_eq!(lab.hosts[1].engine.sad.iter().count(), 0);
    }

    /// With up to 30% loss the negotiation completes within racoon's
    /// retry budget (5 retransmissions 10 s apart), or fails with a
    /// timeout the log names.
    #[test]
    fn loss_is_survived_or_named(loss in 0.0f64..0.3, seed in any::<u64>()) {
        let conf = Conf {
            mode: "main",
            phase1: vec![("aes", "sha1", "modp1024")],
            check: "obey",
            pfs: Some("modp1024"),
            lifetime_secs: 3600,
            enc: vec!["aes 128"],
            auth: vec!["hmac_sha1"],
        };
        let mut lab = Lab::new(&conf, &conf, loss, seed);
        lab.negotiate(Duration::from_secs(600));
        let both = lab.established(0) == 1 && lab.established(1) == 1;
        let timed_out = (0..2).any(|i| {
            lab.failed(i, FailReason::Timeout)
                && lab.hosts[i].daemon.log().lines().iter().any(|l| l.contains("time up"))
        });
        prop_assert!(both || timed_out, "neither done nor timed out: {:?}", lab.hosts[0].daemon.log().lines());
        if both {
            prop_assert_eq!(lab.traffic_both_ways(), Ok(()));
        }
    }

    /// Random bytes, and real messages cut or with a byte changed, never
    /// panic either end, whatever state it is in.
    #[test]
    fn garbage_from_the_wire_is_dropped(
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        junk in proptest::collection::vec(any::<u8>(), 0..400),
        seed in any::<u64>(),
    ) {
        let conf = Conf {
            mode: ["main", "aggressive", "base"][(seed % 3) as usize],
            phase1: vec![("3des", "md5", "modp768")],
            check: "obey",
            pfs: Some("modp768"),
            lifetime_secs: 3600,
            enc: vec!["3des"],
            auth: vec!["hmac_md5"],
        };
        let mut lab = Lab::new(&conf, &conf, 0.0, seed);
        let mut p = packet(A, B);
        let _ = lab.hosts[0].engine.output(lab.now, &mut p);
        lab.service(0);
        let from = SocketAddrV4::new(A, 500);
        let to = SocketAddrV4::new(B, 500);
        let mut rounds = 0;
        while let Some((_, target, d)) = lab.wire.front().cloned() {
            let mut bad = d.data.clone();
            bad.truncate(cut.index(d.data.len() + 1));
            if !bad.is_empty() {
                let at = flip.index(bad.len());
                bad[at] ^= 0x5a;
            }
            let h = &mut lab.hosts[target];
            h.daemon.on_datagram(lab.now, from, to, &bad, &mut h.engine);
            h.daemon.on_datagram(lab.now, from, to, &junk, &mut h.engine);
            lab.step(Instant::ZERO + Duration::from_secs(60));
            rounds += 1;
            if rounds > 20 {
                break;
            }
        }
    }
}

#[test]
fn article_configuration_negotiates_with_pfs_768() {
    let conf = Conf {
        mode: "main",
        phase1: vec![("3des", "md5", "modp1024")],
        check: "strict",
        pfs: Some("768"),
        lifetime_secs: 28800,
        enc: vec!["3des"],
        auth: vec!["hmac_md5"],
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 2003);
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.established(0), 1);
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    let installed = &lab.hosts[0].daemon.records().installed;
    assert_eq!(installed.len(), 2);
    assert!(
        installed
            .iter()
            .all(|sa| sa.hard.seconds == 28800 && sa.soft.seconds == 23040)
    );
}

#[test]
fn malformed_datagrams_are_dropped_and_counted_by_reason() {
    let conf = Conf {
        mode: "main",
        phase1: vec![("3des", "md5", "modp1024")],
        check: "obey",
        pfs: None,
        lifetime_secs: 3600,
        enc: vec!["3des"],
        auth: vec!["hmac_md5"],
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 1);
    let from = SocketAddrV4::new(A, 500);
    let to = SocketAddrV4::new(B, 500);
    let h = &mut lab.hosts[1];
    h.daemon
        .on_datagram(Instant::ZERO, from, to, &[1, 2, 3], &mut h.engine);
    // A well-formed message for an ISAKMP SA nobody has.
    let mut unknown = vec![7u8; 28];
    unknown[16] = 0; // no payloads
    unknown[17] = 0x10;
    unknown[18] = 2;
    unknown[19] = 0;
    unknown[24..28].copy_from_slice(&28u32.to_be_bytes());
    h.daemon
        .on_datagram(Instant::ZERO, from, to, &unknown, &mut h.engine);
    let dropped = &h.daemon.records().dropped;
    assert_eq!(dropped.get("malformed"), Some(&1));
    assert_eq!(dropped.get("unknown-isakmp-sa"), Some(&1));
    assert!(h.daemon.poll_transmit().is_none(), "nothing is answered");
}

#[test]
fn a_replayed_informational_is_dropped() {
    let conf = lifetime_conf("obey", 60);
    let mut lab = Lab::new(&conf, &conf, 0.0, 9);
    // The SAs expire at 60 s; the DELETEs that follow are Informational.
    lab.negotiate(Duration::from_secs(70));
    let (to, delete) = lab
        .sent
        .iter()
        .rev()
        .find(|(_, d)| d.data.get(18) == Some(&5))
        .cloned()
        .expect("the expired SAs were deleted with an Informational");
    let h = &mut lab.hosts[to];
    h.daemon
        .on_datagram(lab.now, delete.from, delete.to, &delete.data, &mut h.engine);
    let log = &h.daemon.log().lines();
    assert!(
        log.iter().any(|l| l.contains("replayed Informational")),
        "{log:?}"
    );
}

/// racoon `isakmp_main`: the ports of an ISAKMP SA change only with NAT-T
/// in use, once, on a message naming both cookies; vpnlab also undoes a
/// change when the message that caused it is not taken. A forged message
/// with the right cookies from another port, mid-exchange, moves nothing:
/// the negotiation completes and every answer goes to port 500.
#[test]
fn a_forged_message_from_another_port_moves_nothing() {
    let conf = lifetime_conf("obey", 3600);
    let mut lab = Lab::new(&conf, &conf, 0.0, 19);
    let mut p = packet(A, B);
    let _ = lab.hosts[0].engine.output(lab.now, &mut p);
    lab.service(0);
    // Run until A's third message (both cookies known) is on its way to B.
    let third = loop {
        assert!(lab.step(Instant::ZERO + Duration::from_secs(30)), "stalled");
        let found = lab
            .sent
            .iter()
            .find(|(to, d)| *to == 1 && d.data.len() > 28 && d.data[8..16] != [0; 8])
            .cloned();
        if let Some((_, d)) = found {
            break d;
        }
    };
    let mut forged = third.data.clone();
    for b in forged.iter_mut().skip(28) {
        *b ^= 0x5a;
    }
    let attacker = SocketAddrV4::new(A, 4501);
    let h = &mut lab.hosts[1];
    h.daemon
        .on_datagram(lab.now, attacker, third.to, &forged, &mut h.engine);
    lab.service(1);
    while lab.step(Instant::ZERO + Duration::from_secs(30)) {}
    assert_eq!(lab.established(0), 1);
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    assert!(
        lab.sent
            .iter()
            .filter(|(to, _)| *to == 0)
            .all(|(_, d)| d.to.port() == 500),
        "B answered the forged port"
    );
}

fn lifetime_conf(check: &'static str, lifetime_secs: u64) -> Conf {
    Conf {
        mode: "main",
        phase1: vec![("aes", "sha1", "modp1024")],
        check,
        pfs: None,
        lifetime_secs,
        enc: vec!["aes 128"],
        auth: vec!["hmac_sha1"],
    }
}

/// proposal.c `cmpsaprop_alloc` and isakmp_quick.c `quick_r2send` /
/// `ph2_recv_n`: under `claim` a responder answers a longer phase 2
/// lifetime with its own ("use own lifetime"), echoes the initiator's
/// transform unchanged and sends RESPONDER-LIFETIME; the initiator takes
/// the shorter value, so both ends install it. Under `strict` the longer
/// lifetime is refused in racoon's words.
#[test]
fn claim_answers_a_longer_lifetime_with_responder_lifetime() {
    let mut lab = Lab::new(
        &lifetime_conf("strict", 3600),
        &lifetime_conf("claim", 600),
        0.0,
        24,
    );
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.established(0), 1);
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    let lines = |i: usize| lab.hosts[i].daemon.log().lines().to_vec();
    assert!(
        lines(1)
            .iter()
            .any(|l| l.contains("use own lifetime: my:600 peer:3600"))
    );
    assert!(
        lines(0)
            .iter()
            .any(|l| l.contains("received RESPONDER-LIFETIME: 600 seconds"))
    );
    for i in 0..2 {
        let installed = &lab.hosts[i].daemon.records().installed;
        assert_eq!(installed.len(), 2);
        assert!(
            installed.iter().all(|sa| sa.hard.seconds == 600),
            "host {i}"
        );
    }
    let mut lab = Lab::new(
        &lifetime_conf("strict", 3600),
        &lifetime_conf("strict", 600),
        0.0,
        24,
    );
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.established(1), 0);
    let refused = &lab.hosts[1].daemon.log().lines();
    assert!(
        refused
            .iter()
            .any(|l| l.contains("long lifetime proposed: my:600 peer:3600")),
        "{refused:?}"
    );
}

impl Lab {
    /// Both ends raise an ACQUIRE, B `delay` after A, and the lab runs
    /// for `limit`.
    fn negotiate_both(&mut self, delay: Duration, limit: Duration) {
        let mut p = packet(A, B);
        let _ = self.hosts[0].engine.output(self.now, &mut p);
        self.service(0);
        while self.step(Instant::ZERO + delay) {}
        self.now = Instant::ZERO + delay;
        let mut p = packet(B, A);
        let _ = self.hosts[1].engine.output(self.now, &mut p);
        self.service(1);
        while self.step(Instant::ZERO + limit) {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Simultaneous initiation, as racoon resolves it: each end may
    /// complete two ISAKMP-SAs with the other; racoon keeps both
    /// (handler.c `getph1` picks the newest for a new phase 2, the quick
    /// mode responder finds its ISAKMP-SA by the cookies), so both ends
    /// converge on working SAs, whether the ACQUIREs come at the same
    /// instant or close together.
    #[test]
    fn simultaneous_acquires_converge(delay_ms in prop_oneof![Just(0u64), 0u64..120], seed in any::<u64>(), mode in prop_oneof![Just("main"), Just("aggressive"), Just("base")]) {
        let mut conf = lifetime_conf("obey", 3600);
        conf.mode = mode;
        let mut lab = Lab::new(&conf, &conf, 0.0, seed);
        lab.negotiate_both(Duration::from_millis(delay_ms), Duration::from_secs(60));
        prop_assert_eq!(
            lab.traffic_both_ways(),
            Ok(()),
            "A: {:?}\nB: {:?}",
            lab.hosts[0].daemon.log().lines(),
            lab.hosts[1].daemon.log().lines()
        );
    }
}

/// Issue 9 item 21: Quick Mode messages forged with the cookies of an
/// established ISAKMP SA (an on-path attacker sees them) fail HASH(1):
/// each is a counted drop, not a failed negotiation with its own event
/// and log lines.
#[test]
fn forged_quick_mode_messages_are_counted_drops() {
    let conf = Conf {
        mode: "main",
        phase1: vec![("aes", "sha1", "modp1024")],
        check: "obey",
        pfs: None,
        lifetime_secs: 3600,
        enc: vec!["aes 128"],
        auth: vec!["hmac_sha1"],
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 23);
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.established(1), 1);
    let (_, quick) = lab
        .sent
        .iter()
        .find(|(to, d)| *to == 1 && d.data.get(18) == Some(&32))
        .cloned()
        .expect("A sent Quick Mode to B");
    let h = &mut lab.hosts[1];
    let (events, lines) = (h.daemon.log().events.len(), h.daemon.log().lines().len());
    for id in 1..=1000u32 {
        let mut forged = quick.data.clone();
        forged[20..24].copy_from_slice(&id.to_be_bytes());
        h.daemon
            .on_datagram(lab.now, quick.from, quick.to, &forged, &mut h.engine);
    }
    let log = h.daemon.log();
    assert_eq!(log.events.len(), events, "no event per forged message");
    assert!(log.lines().len() <= lines + 11, "{:?}", log.lines());
    let dropped = &h.daemon.records().dropped;
    assert_eq!(dropped.get("unverified-quick-mode"), Some(&1000));
}

/// racoon's `isakmp_main` runs its float block for Quick Mode too, once
/// and only with NAT-T: a Quick Mode message forged with the cookies of
/// an established NAT-T ISAKMP SA (no NAT, so nothing floated) from
/// another port does not move the SA; the next negotiation goes to 500.
#[test]
fn a_forged_quick_mode_from_another_port_moves_nothing() {
    let conf = lifetime_conf("obey", 3600);
    let text = |peer| {
        conf.text(peer)
            .replace("exchange_mode", "nat_traversal on; exchange_mode")
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 31);
    lab.hosts = [
        host_with_text(A, B, &text(B), 31),
        host_with_text(B, A, &text(A), 38),
    ];
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.established(0), 1);
    let (_, qm) = lab
        .sent
        .iter()
        .find(|(to, d)| *to == 1 && d.data.get(18) == Some(&32))
        .cloned()
        .expect("A's quick mode");
    let mut forged = qm.data.clone();
    forged[20..24].copy_from_slice(&0x0bad_f00du32.to_be_bytes());
    for b in forged.iter_mut().skip(28) {
        *b ^= 0x5a;
    }
    let h = &mut lab.hosts[1];
    let attacker = SocketAddrV4::new(A, 4501);
    h.daemon
        .on_datagram(lab.now, attacker, qm.to, &forged, &mut h.engine);
    // B now starts a negotiation of its own under the same ISAKMP SA.
    let spis: Vec<_> = h.engine.sad.iter().map(|sa| sa.key()).collect();
    for key in spis {
        let _ = h.engine.sad.delete(key, lab.now);
    }
    let before = lab.sent.len();
    let mut p = packet(B, A);
    let _ = lab.hosts[1].engine.output(lab.now, &mut p);
    lab.service(1);
    while lab.step(lab.now + Duration::from_secs(30)) {}
    let answers: Vec<u16> = lab.sent[before..]
        .iter()
        .filter(|(to, _)| *to == 0)
        .map(|(_, d)| d.to.port())
        .collect();
    assert!(
        !answers.is_empty() && answers.iter().all(|p| *p == 500),
        "{answers:?}"
    );
}

/// `msg` with N(INITIAL-CONTACT) put first after the ISAKMP header
/// (RFC 2407 §4.6.3.3: protocol ISAKMP, the two cookies as its SPI).
fn with_initial_contact(msg: &[u8]) -> Vec<u8> {
    let mut n = vec![msg[16], 0, 0, 28, 0, 0, 0, 1, 1, 16];
    n.extend_from_slice(&24578u16.to_be_bytes());
    n.extend_from_slice(&msg[..16]);
    let mut out = msg[..28].to_vec();
    out[16] = 11;
    out.extend_from_slice(&n);
    out.extend_from_slice(&msg[28..]);
    let len = u32::try_from(out.len()).expect("short message");
    out[24..28].copy_from_slice(&len.to_be_bytes());
    out
}

/// racoon isakmp_agg.c `agg_r2recv`: a notification in aggressive
/// message 3 goes to `isakmp_log_notify`, which logs "notification
/// INITIAL-CONTACT received in aggressive exchange" and does nothing
/// else: unlike main mode's `ident_recv_n`, no INITIAL-CONTACT is
/// processed ("received INITIAL-CONTACT", the purge). HASH_I does not
/// cover the notification, so the exchange still completes.
#[test]
fn initial_contact_in_aggressive_mode_is_only_logged() {
    let conf = Conf {
        mode: "aggressive",
        ..lifetime_conf("obey", 600)
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 31);
    // Neither end sends an INITIAL-CONTACT Informational of its own.
    let quiet = |peer| {
        conf.text(peer)
            .replace("proposal_check", "initial_contact off; proposal_check")
    };
    lab.hosts = [
        host_with_text(A, B, &quiet(B), 31),
        host_with_text(B, A, &quiet(A), 38),
    ];
    let mut p = packet(A, B);
    let _ = lab.hosts[0].engine.output(lab.now, &mut p);
    lab.service(0);
    let mut edited = 0;
    while lab.step(Instant::ZERO + Duration::from_secs(30)) {
        for (_, to, d) in lab.wire.iter_mut() {
            // Aggressive message 3 (exchange 4, message ID 0, HASH first),
            // which racoon sends in the clear.
            let message_3 =
                d.data.len() > 28 && d.data[16] == 8 && d.data[18] == 4 && d.data[20..24] == [0; 4];
            if *to == 1 && message_3 && edited == 0 {
                d.data = with_initial_contact(&d.data);
                edited += 1;
            }
        }
    }
    assert_eq!(edited, 1, "message 3 was seen");
    assert_eq!(lab.established(1), 1);
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    let lines = lab.hosts[1].daemon.log().lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("notification INITIAL-CONTACT received in aggressive exchange")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("INITIAL-CONTACT from")),
        "{lines:?}"
    );
}

/// racoon session.c `close_session` (SIGINT, SIGTERM): the kernel's SAs
/// are flushed, a DELETE goes out for the established phase 2
/// (`flushph2`) and one for the ISAKMP SA (`flushph1`), and nothing is
/// answered after. The peer removes what the DELETEs name.
#[test]
fn stop_deletes_phase2_and_phase1_at_the_peer() {
    let conf = lifetime_conf("obey", 600);
    let mut lab = Lab::new(&conf, &conf, 0.0, 33);
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    let now = lab.now;
    let a = &mut lab.hosts[0];
    a.daemon.stop(now, &mut a.engine);
    lab.service(0);
    while lab.step(now + Duration::from_secs(5)) {}
    let lines = |i: usize| lab.hosts[i].daemon.log().lines().to_vec();
    let a_log = lines(0);
    assert!(
        a_log.iter().any(|l| l.ends_with("racoon process shutdown")),
        "{a_log:?}"
    );
    assert!(
        a_log
            .iter()
            .any(|l| l.contains("sendto Information delete: ESP")),
        "{a_log:?}"
    );
    assert!(
        a_log
            .iter()
            .any(|l| l.contains("sendto Information delete: ISAKMP")),
        "{a_log:?}"
    );
    let b_log = lines(1);
    assert!(
        b_log
            .iter()
            .any(|l| l.contains("purged IPsec-SA proto_id=ESP")),
        "{b_log:?}"
    );
    assert!(
        b_log.iter().any(|l| l.contains("ISAKMP-SA deleted")),
        "{b_log:?}"
    );
    // A's kernel holds no SA: its traffic to B finds none.
    let mut p = packet(A, B);
    assert_eq!(
        lab.hosts[0].engine.output(lab.now, &mut p),
        Verdict::Drop(DropReason::NoSa)
    );
    // Stopped, A answers nothing: B's new phase 1 goes unanswered.
    let sent_before = lab.sent.iter().filter(|(to, _)| *to == 1).count();
    let mut p = packet(B, A);
    let _ = lab.hosts[1].engine.output(lab.now, &mut p);
    lab.service(1);
    while lab.step(lab.now + Duration::from_secs(3)) {}
    assert_eq!(
        lab.sent.iter().filter(|(to, _)| *to == 1).count(),
        sent_before
    );
}

/// RFC 3526 §4 and §5: groups 15 and 16 negotiate as any other MODP
/// group, phase 1 in modp4096 and PFS in modp3072; KE payloads carry
/// prime-length values (512 and 384 bytes, RFC 2409 §5).
#[test]
fn rfc3526_groups_negotiate_in_phase1_and_pfs() {
    let conf = Conf {
        phase1: vec![("aes", "sha256", "modp4096")],
        pfs: Some("modp3072"),
        ..lifetime_conf("obey", 600)
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 35);
    lab.negotiate(Duration::from_secs(30));
    assert_eq!(
        lab.established(0),
        1,
        "{:?}",
        lab.hosts[0].daemon.log().lines()
    );
    assert_eq!(lab.traffic_both_ways(), Ok(()));
    // Main mode message 3 (KE, Nonce) is the longest message A sends in
    // the clear: its KE data is the 4096-bit prime's 512 bytes.
    let longest = lab
        .sent
        .iter()
        .filter(|(to, _)| *to == 1)
        .map(|(_, d)| d.data.len())
        .max();
    assert!(longest.is_some_and(|n| n > 512 + 28), "{longest:?}");
}

/// racoon's hash algorithms 5 and 6 (`OAKLEY_ATTR_HASH_ALG_SHA2_384`,
/// `_SHA2_512`): phase 1 with HMAC-SHA-384 or HMAC-SHA-512 as its PRF
/// (RFC 2409 §4), Appendix B key expansion from their longer outputs,
/// then quick mode under the keys they derived.
#[test]
fn sha384_and_sha512_phase1_negotiate() {
    for (enc, hash) in [("aes 256", "sha512"), ("3des", "sha384")] {
        let conf = Conf {
            phase1: vec![(enc, hash, "modp2048")],
            ..lifetime_conf("obey", 600)
        };
        let mut lab = Lab::new(&conf, &conf, 0.0, 36);
        lab.negotiate(Duration::from_secs(30));
        assert_eq!(
            lab.established(1),
            1,
            "{hash}: {:?}",
            lab.hosts[1].daemon.log().lines()
        );
        assert_eq!(lab.traffic_both_ways(), Ok(()), "{hash}");
    }
}

/// racoon isakmp_base.c `base_r2recv`: in base mode the responder checks
/// HASH_I (`oakley_validate_auth`, `oakley_ph1hash_base_i`) when the
/// initiator's KE arrives in message 3; with another pre-shared key it
/// fails there and answers INVALID-HASH-INFORMATION, sends no message 4,
/// and neither end has an ISAKMP SA.
#[test]
fn base_mode_with_another_psk_fails_at_hash_i() {
    use rand_core::SeedableRng;
    let conf = Conf {
        mode: "base",
        ..lifetime_conf("obey", 600)
    };
    let mut lab = Lab::new(&conf, &conf, 0.0, 41);
    let (parsed, _) = vpnlab::config::racoon::parse(&conf.text(A)).expect("parses");
    let keys = vpnlab::config::psk::parse(&format!("{A} another secret\n")).expect("parses");
    lab.hosts[1].daemon =
        vpnlab::ike::v1::Racoon::new(parsed, keys, rand_chacha::ChaCha8Rng::seed_from_u64(48));
    lab.negotiate(Duration::from_secs(20));
    // Base mode's four messages are exchange type 1, message ID 0.
    let base = |d: &Datagram| d.data.len() > 28 && d.data[18] == 1 && d.data[20..24] == [0; 4];
    let to_a = lab
        .sent
        .iter()
        .filter(|(to, d)| *to == 0 && base(d))
        .count();
    assert_eq!(to_a, 1, "only message 2 answers A");
    assert!(lab.failed(1, FailReason::AuthenticationFailed));
    assert_eq!((lab.established(0), lab.established(1)), (0, 0));
    let phase1_up = |i: usize| {
        let events = &lab.hosts[i].daemon.log().events;
        events
            .iter()
            .any(|e| matches!(e, IkeEvent::Phase1Established { .. }))
    };
    assert!(!phase1_up(0) && !phase1_up(1));
}

/// isakmp.c `isakmp_ph1begin_r` with remoteconf.c `check_etypeok`: a
/// responder whose `exchange_mode` lacks base drops a base-mode first
/// message, and an initiator with base first starts in base mode.
#[test]
fn base_mode_needs_the_responders_consent() {
    let base = Conf {
        mode: "base",
        ..lifetime_conf("obey", 600)
    };
    let main = Conf {
        mode: "main",
        ..base.clone()
    };
    let mut lab = Lab::new(&base, &main, 0.0, 43);
    lab.negotiate(Duration::from_secs(5));
    assert_eq!(lab.established(0), 0);
    let lines = lab.hosts[1].daemon.log().lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Base mode is not acceptable for")),
        "{lines:?}"
    );
    let lines = lab.hosts[0].daemon.log().lines();
    assert!(
        lines.iter().any(|l| l.contains("begin Base mode.")),
        "{lines:?}"
    );
}
