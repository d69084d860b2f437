//! What racoon's exchanges share while they run: the configuration,
//! randomness, the log and the outgoing datagrams ([`Env`], borrowed from
//! the daemon's [`Context`]), what a run leaves behind ([`Records`]), and
//! why an exchange failed ([`Fail`]).

use std::collections::{BTreeMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddrV4};

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use smoltcp::time::{Duration, Instant};

use super::certs::Certs;
use crate::config::psk::PskFile;
use crate::config::racoon::RacoonConf;
use crate::crypto::ikev1::IkeCipher;
use crate::ike::daemon::Datagram;
use crate::ike::log::{self, Log};
use crate::ike::report::KeyRow;
use crate::ike::retransmit::Timer;
use crate::ike::{FailReason, Side};
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::SaSpec;
use crate::wire::isakmp::NotifyType;

/// Why an exchange failed: logged, counted, and maybe notified.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) reason: FailReason,
    pub(crate) notify: Option<NotifyType>,
    pub(crate) message: String,
}

impl Fail {
    pub(crate) fn new(
        reason: FailReason,
        notify: Option<NotifyType>,
        message: impl Into<String>,
    ) -> Fail {
        Fail {
            reason,
            notify,
            message: message.into(),
        }
    }

    pub(crate) fn malformed(what: impl std::fmt::Display) -> Fail {
        Fail::new(
            FailReason::PayloadMalformed,
            Some(NotifyType::PayloadMalformed),
            format!("malformed message: {what}"),
        )
    }
}

/// What a run leaves behind for Wireshark and the summary, and the
/// contacts racoon remembers across exchanges.
#[derive(Debug, Default)]
pub struct Records {
    /// Every SA installed, in order (ESP rows of `esp_sa`).
    pub installed: Vec<SaSpec>,
    /// Every SA deleted, in order.
    pub deleted: Vec<SaKey>,
    /// Every ISAKMP SA's keys for `ikev1_decryption_table`.
    pub isakmp_keys: Vec<IsakmpKey>,
    /// Datagrams dropped before any exchange took them, by reason (the
    /// log says more).
    pub dropped: BTreeMap<&'static str, u64>,
    /// IKE peers whose INITIAL-CONTACT is still to be acted on.
    pub(crate) initial_contacts: Vec<SocketAddrV4>,
    /// Peers we sent INITIAL-CONTACT to (racoon's contacted list).
    pub(crate) contacted: Vec<Ipv4Addr>,
}

/// An ISAKMP SA's initiator cookie, encryption key and cipher, and
/// which end this daemon was.
#[derive(Clone, Debug)]
pub struct IsakmpKey {
    pub cookie: [u8; 8],
    pub key: Vec<u8>,
    pub cipher: IkeCipher,
    pub side: Side,
}

impl IsakmpKey {
    /// The `ikev1_decryption_table` row: initiator cookie and encryption
    /// key as Wireshark's UAT writes byte fields (bare hex). For a cipher
    /// Wireshark cannot decrypt IKEv1 with, the row is a UAT comment
    /// (`#`) that still gives the key and says why.
    fn row(&self) -> String {
        let row = format!("{},{}", log::hex(&self.cookie), log::hex(&self.key));
        if self.cipher.wireshark_decrypts() {
            row
        } else {
            format!(
                "# {row} ({}: Wireshark decrypts IKEv1 with des, 3des and aes only)",
                self.cipher.racoon_name()
            )
        }
    }
}

impl Records {
    /// Wireshark's `ikev1_decryption_table` rows (see [`IsakmpKey::row`]).
    pub(crate) fn key_rows(&self) -> Vec<KeyRow> {
        let rows = self.isakmp_keys.iter().map(|k| KeyRow {
            table: "ikev1_decryption_table",
            id: k.cookie.to_vec(),
            row: k.row(),
            initiator: k.side == Side::Initiator,
        });
        rows.collect()
    }
}

/// The daemon's own state besides its SAs: what [`Env`] lends the
/// exchanges.
pub(crate) struct Context {
    pub(crate) conf: RacoonConf,
    pub(crate) psk: PskFile,
    pub(crate) certs: Certs,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) outbox: VecDeque<Datagram>,
    pub(crate) log: Log,
    pub(crate) records: Records,
    /// The last serial given to an ISAKMP SA or a phase 2 exchange.
    pub(crate) serial: u32,
    /// The XAuth gateway's pool, users and throttle.
    pub(crate) cfg_server: super::cfg::server::CfgServer,
    /// Which exchanges answered which messages (racoon's `rcptree`).
    pub(crate) answered: super::answered::Answered,
    /// The soonest timer set since the daemon last looked (see
    /// `Racoon::next_timer`).
    pub(crate) soonest: Option<Instant>,
}

impl Context {
    pub(crate) fn new(conf: RacoonConf, psk: PskFile, rng: ChaCha8Rng) -> Context {
        // Until `daemon` reads the node's files: every remote's slot, empty.
        let certs = Certs::none(&conf);
        Context {
            conf,
            psk,
            certs,
            rng,
            outbox: VecDeque::new(),
            log: Log::default(),
            records: Records::default(),
            serial: 0,
            cfg_server: Default::default(),
            answered: Default::default(),
            soonest: None,
        }
    }

    /// A timer was set for `at`, outside an exchange's handler.
    pub(crate) fn timer_at(&mut self, at: Option<Instant>) {
        soonest(&mut self.soonest, at);
    }

    /// racoon's `timer { }` as durations.
    pub(crate) fn timer(&self) -> Timer {
        let t = &self.conf.timer;
        Timer {
            counter: t.counter,
            interval: Duration::from_secs(t.interval_secs.max(1)),
            negotiation: Duration::from_secs(t.phase1_secs.max(1)),
        }
    }

    pub(crate) fn env(&mut self, now: Instant) -> Env<'_> {
        Env {
            now,
            timer: self.timer(),
            conf: &self.conf,
            psk: &self.psk,
            certs: &self.certs,
            rng: &mut self.rng,
            log: &mut self.log,
            out: &mut self.outbox,
            records: &mut self.records,
            serial: &mut self.serial,
            answered: &mut self.answered,
            soonest: &mut self.soonest,
        }
    }
}

/// What the handlers share: the configuration, randomness, log and
/// outgoing datagrams.
pub(crate) struct Env<'a> {
    pub(crate) now: Instant,
    pub(crate) conf: &'a RacoonConf,
    pub(crate) psk: &'a PskFile,
    pub(crate) certs: &'a Certs,
    pub(crate) timer: Timer,
    pub(crate) rng: &'a mut ChaCha8Rng,
    pub(crate) log: &'a mut Log,
    pub(crate) out: &'a mut VecDeque<Datagram>,
    pub(crate) records: &'a mut Records,
    serial: &'a mut u32,
    answered: &'a mut super::answered::Answered,
    soonest: &'a mut Option<Instant>,
}

impl Env<'_> {
    pub(crate) fn send(&mut self, from: SocketAddrV4, to: SocketAddrV4, data: Vec<u8>) -> Datagram {
        let d = Datagram { from, to, data };
        self.out.push_back(d.clone());
        d
    }

    pub(crate) fn random<const N: usize>(&mut self) -> [u8; N] {
        let mut bytes = [0; N];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    pub(crate) fn nonce(&mut self, len: u32) -> Vec<u8> {
        let mut bytes = vec![0; len.clamp(8, 256) as usize];
        self.rng.fill_bytes(&mut bytes);
        bytes
    }

    /// A message ID: random and never zero (RFC 2408 §3.1).
    pub(crate) fn message_id(&mut self) -> u32 {
        loop {
            let id = self.rng.next_u32();
            if id != 0 {
                return id;
            }
        }
    }

    /// The serial of a new ISAKMP SA or phase 2 exchange.
    /// A timer was set for `at` (every place that sets one says so).
    pub(crate) fn timer_at(&mut self, at: Option<Instant>) {
        soonest(self.soonest, at);
    }

    /// The exchange `serial` answered a message (see `answered`).
    pub(crate) fn answered(&mut self, digest: Option<u64>, serial: u32) {
        if let Some(hash) = digest {
            self.answered.note(hash, serial);
        }
    }

    pub(crate) fn next_serial(&mut self) -> u32 {
        *self.serial += 1;
        *self.serial
    }

    /// A datagram dropped before any exchange took it: counted by reason,
    /// and logged at ERROR as racoon does, rate limited per reason
    /// ([`Log::dropped`]) so that a flood adds counts, not lines.
    pub(crate) fn drop_datagram(&mut self, reason: &'static str, message: impl FnOnce() -> String) {
        *self.records.dropped.entry(reason).or_default() += 1;
        self.log.dropped(self.now, reason, message);
    }
}

/// Keeps the earlier of `soonest` and `at`.
fn soonest(soonest: &mut Option<Instant>, at: Option<Instant>) {
    if let Some(t) = at {
        *soonest = Some(soonest.map_or(t, |s| s.min(t)));
    }
}
