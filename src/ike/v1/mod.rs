//! An IKEv1 key daemon that behaves like racoon from ipsec-tools 0.8:
//! Main Mode and Aggressive Mode with pre-shared keys (RFC 2409 §5),
//! Quick Mode with PFS (RFC 2409 §5.5), Informational exchanges with
//! notifications and deletes (RFC 2408 §4.8), retransmission, rekeying
//! on soft expiry, and DPD (RFC 3706).
//!
//! It is a protocol core without I/O or clock: the node hands it
//! datagrams, ACQUIREs, SA expiry events and the time; it hands back
//! datagrams, timers, SAD/SPD changes (requests to its
//! [`KeyKernel`], the PF_KEY interface) and log lines. Configuration is
//! racoon.conf and psk.txt as typed by [`crate::config`].

mod info;
mod install;
pub mod message;
pub mod natt;
mod phase1;
pub mod proposal;
mod quick;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use smoltcp::time::{Duration, Instant};

use crate::config::psk::PskFile;
use crate::config::racoon::RacoonConf;
use crate::ike::daemon::{Datagram, KeyDaemon};
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Event;
use crate::ipsec::spec::SaSpec;
use crate::wire::isakmp::{ExchangeType, NotifyType, Repr};

use crate::ike::half_open;
use crate::ike::log::{self, Log};
use crate::ike::registry::DaemonConfig;
use crate::ike::report;
use crate::ike::retransmit::{Retry, Timer};
use crate::ike::{FailReason, Side};
use phase1::Phase1;
use quick::Phase2;

/// Why an exchange failed: logged, counted, and maybe notified.
#[derive(Debug)]
pub(crate) struct Fail {
    reason: FailReason,
    notify: Option<NotifyType>,
    message: String,
}

impl Fail {
    fn new(reason: FailReason, notify: Option<NotifyType>, message: impl Into<String>) -> Fail {
        Fail {
            reason,
            notify,
            message: message.into(),
        }
    }

    fn malformed(what: impl std::fmt::Display) -> Fail {
        Fail::new(
            FailReason::PayloadMalformed,
            Some(NotifyType::PayloadMalformed),
            format!("malformed message: {what}"),
        )
    }
}

/// What the handlers share: the configuration, randomness, log and
/// outgoing datagrams.
pub(crate) struct Env<'a> {
    now: Instant,
    conf: &'a RacoonConf,
    psk: &'a PskFile,
    timer: Timer,
    rng: &'a mut ChaCha8Rng,
    log: &'a mut Log,
    out: &'a mut VecDeque<Datagram>,
    records: &'a mut Records,
}

impl Env<'_> {
    fn send(&mut self, from: SocketAddrV4, to: SocketAddrV4, data: Vec<u8>) -> Datagram {
        let d = Datagram { from, to, data };
        self.out.push_back(d.clone());
        d
    }

    fn random<const N: usize>(&mut self) -> [u8; N] {
        let mut bytes = [0; N];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    fn nonce(&mut self, len: u32) -> Vec<u8> {
        let mut bytes = vec![0; len.clamp(8, 256) as usize];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    /// A message ID: random and never zero (RFC 2408 §3.1).
    fn message_id(&mut self) -> u32 {
        loop {
            let id = self.rng.next_u32();
            if id != 0 {
                return id;
            }
        }
    }
}

/// What a run leaves behind for Wireshark and the summary.
#[derive(Debug, Default)]
pub struct Records {
    /// Every SA installed, in order (ESP rows of `esp_sa`).
    pub installed: Vec<SaSpec>,
    /// Every SA deleted, in order.
    pub deleted: Vec<crate::ipsec::sad::SaKey>,
    /// Initiator cookie and encryption key of every ISAKMP SA
    /// (`ikev1_decryption_table`), and whether this end initiated it.
    pub isakmp_keys: Vec<([u8; 8], Vec<u8>, Side)>,
    /// Datagrams dropped before any exchange took them, by reason (the
    /// log says more).
    pub dropped: std::collections::BTreeMap<&'static str, u64>,
    /// IKE peers whose INITIAL-CONTACT is still to be acted on.
    pub(crate) initial_contacts: Vec<SocketAddrV4>,
    /// Peers we sent INITIAL-CONTACT to (racoon's contacted list).
    pub(crate) contacted: Vec<std::net::Ipv4Addr>,
}

/// The daemon of one node.
pub struct Racoon {
    conf: RacoonConf,
    psk: PskFile,
    rng: ChaCha8Rng,
    ph1: Vec<Phase1>,
    ph2: Vec<Phase2>,
    outbox: VecDeque<Datagram>,
    log: Log,
    records: Records,
    serial: u32,
    half_open: half_open::HalfOpen,
}

impl Records {
    fn drop(&mut self, reason: &'static str) {
        *self.dropped.entry(reason).or_default() += 1;
    }

    /// Wireshark's `ikev1_decryption_table` rows: initiator cookie and
    /// encryption key, as its UAT writes byte fields (bare hex).
    fn key_rows(&self) -> Vec<report::KeyRow> {
        let rows = self
            .isakmp_keys
            .iter()
            .map(|(cookie, key, side)| report::KeyRow {
                table: "ikev1_decryption_table",
                id: cookie.to_vec(),
                row: format!("{},{}", log::hex(cookie), log::hex(key)),
                initiator: *side == Side::Initiator,
            });
        rows.collect()
    }
}

/// A datagram dropped before any exchange took it: counted by reason,
/// and logged at ERROR as racoon does, rate limited per reason
/// ([`Log::dropped`]) so that a flood adds counts, not lines.
fn drop_datagram(
    records: &mut Records,
    log: &mut Log,
    now: Instant,
    reason: &'static str,
    message: impl FnOnce() -> String,
) {
    records.drop(reason);
    log.dropped(now, reason, message);
}

impl Env<'_> {
    fn drop_datagram(&mut self, reason: &'static str, message: impl FnOnce() -> String) {
        drop_datagram(self.records, self.log, self.now, reason, message);
    }
}

/// The registry's factory for `racoon.conf` ([`crate::ike::registry::DAEMONS`]):
/// the configuration as racoon reads it, with the keys of the file its
/// `path pre_shared_key` names (none if the node has no such file).
pub fn daemon(config: &DaemonConfig<'_>, rng: ChaCha8Rng) -> Option<Box<dyn KeyDaemon>> {
    let (conf, _) = crate::config::racoon::parse(config.text).ok()?;
    let psk = conf
        .psk_path()
        .and_then(|path| config.file(path))
        .and_then(|text| crate::config::psk::parse(text).ok())
        .unwrap_or_default();
    Some(Box::new(Racoon::new(conf, psk, rng)))
}

impl Racoon {
    pub fn new(conf: RacoonConf, psk: PskFile, rng: ChaCha8Rng) -> Racoon {
        Racoon {
            conf,
            psk,
            rng,
            ph1: Vec::new(),
            ph2: Vec::new(),
            outbox: VecDeque::new(),
            log: Log::default(),
            records: Records::default(),
            serial: 0,
            half_open: Default::default(),
        }
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    fn drop_datagram(
        &mut self,
        now: Instant,
        reason: &'static str,
        message: impl FnOnce() -> String,
    ) {
        drop_datagram(&mut self.records, &mut self.log, now, reason, message);
    }

    pub fn records(&self) -> &Records {
        &self.records
    }

    fn timer(&self) -> Timer {
        let t = &self.conf.timer;
        Timer {
            counter: t.counter,
            interval: Duration::from_secs(t.interval_secs.max(1)),
            negotiation: Duration::from_secs(t.phase1_secs.max(1)),
        }
    }

    fn env(&mut self, now: Instant) -> (Env<'_>, &mut Vec<Phase1>, &mut Vec<Phase2>, &mut u32) {
        let timer = self.timer();
        (
            Env {
                now,
                conf: &self.conf,
                psk: &self.psk,
                timer,
                rng: &mut self.rng,
                log: &mut self.log,
                out: &mut self.outbox,
                records: &mut self.records,
            },
            &mut self.ph1,
            &mut self.ph2,
            &mut self.serial,
        )
    }

    /// A retransmitted copy of a message we already answered: answer again.
    fn answer_duplicate(&mut self, data: &[u8]) -> bool {
        let retries = self
            .ph1
            .iter()
            .map(|p| &p.retry)
            .chain(self.ph2.iter().map(|p| &p.retry));
        let again = retries
            .filter(|r| r.last_in == data)
            .find_map(|r| r.last_out.clone());
        match again {
            Some(d) => {
                self.outbox.push_back(d);
                true
            }
            None => false,
        }
    }
}

impl KeyDaemon for Racoon {
    /// Logs that the daemon listens on `addrs`, as racoon does at start.
    fn start(&mut self, now: Instant, addrs: &[Ipv4Addr]) {
        let listen: Vec<Ipv4Addr> = if self.conf.listen.isakmp.is_empty() {
            addrs.to_vec()
        } else {
            self.conf.listen.isakmp.iter().map(|a| *a.ip()).collect()
        };
        for a in listen {
            self.log
                .info(now, format!("{a}[500] used as isakmp port (fd=0)"));
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
        let repr = match Repr::parse_bytes(data) {
            Ok(r) => r,
            Err(e) => {
                self.drop_datagram(now, "malformed", || {
                    format!("malformed ISAKMP packet from {from} dropped: {e}")
                });
                return;
            }
        };
        if self.answer_duplicate(data) {
            return;
        }
        match repr.exchange_type {
            ExchangeType::IdentityProtection | ExchangeType::Aggressive => {
                self.phase1_message(now, from, to, &repr, data, kernel)
            }
            ExchangeType::QuickMode => self.quick_message(now, (from, to), &repr, data, kernel),
            ExchangeType::Informational => self.info_message(now, (from, to), &repr, kernel),
            other => self.drop_datagram(now, "unsupported-exchange", || {
                format!("unsupported exchange type {other} from {from}, packet dropped")
            }),
        }
    }

    /// pfkey.c `pk_recvacquire` and `pk_recvexpire`. racoon logs its own
    /// ADDs and UPDATEs as they are answered (`install_pair`) and
    /// forgets a deleted pair where it deletes it; the kernel's echoes
    /// of them, and of FLUSH, change nothing here.
    fn on_kernel_event(&mut self, now: Instant, event: Event, kernel: &mut dyn KeyKernel) {
        match event {
            Event::Acquire(a) => self.acquire(now, a, kernel),
            Event::Expire { sa, hard: false } => self.soft_expired(now, sa, kernel),
            Event::Expire { sa, hard: true } => self.hard_expired(now, sa, kernel),
            Event::Added(_) | Event::Deleted(_) | Event::Flushed(_) => {}
        }
    }

    fn on_timer(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        self.phase1_timers(now, kernel);
        self.phase2_timers(now);
    }

    fn next_timer(&self) -> Option<Instant> {
        let p1 = self.ph1.iter().filter_map(Phase1::next_timer);
        let p2 = self.ph2.iter().filter_map(Phase2::next_timer);
        p1.chain(p2).min()
    }

    fn poll_transmit(&mut self) -> Option<Datagram> {
        self.outbox.pop_front()
    }

    fn restart(&mut self, now: Instant) {
        self.ph1.clear();
        self.ph2.clear();
        self.outbox.clear();
        self.records.initial_contacts.clear();
        self.records.contacted.clear();
        self.half_open.clear();
        self.log.info(
            now,
            "racoon restarted: all ISAKMP-SAs and IPsec-SAs forgotten",
        );
    }

    fn wants_natt(&self) -> bool {
        let natt = |r: &crate::config::racoon::Remote| {
            r.nat_traversal != crate::config::racoon::NatTraversal::Off
        };
        self.conf.remotes.iter().any(natt) || !self.conf.listen.isakmp_natt.is_empty()
    }

    fn report(&self) -> Option<report::DaemonReport> {
        let r = &self.records;
        Some(report::DaemonReport {
            log: self.log.lines(),
            events: self.log.events.clone(),
            installed: r.installed.clone(),
            deleted: r.deleted.clone(),
            keys: r.key_rows(),
            dropped: r.dropped.iter().map(|(reason, n)| (*reason, *n)).collect(),
        })
    }
}
