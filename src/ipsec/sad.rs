//! The Security Association Database (RFC 4301 §4.4.2): SAs keyed by
//! (destination, protocol, SPI), with their keys, sequence numbers,
//! replay windows, lifetimes and counters.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

use smoltcp::time::{Duration, Instant};

use super::replay::ReplayWindow;
use super::spec::{IpsecProto, Lifetime, Mode, SaSpec};
use crate::crypto::{Cipher, CryptoError, Integrity};
use crate::wire::ip::Address;

/// (destination, protocol, SPI): how an inbound packet finds its SA
/// (RFC 4301 §4.4.2). The destination is a [`Address`] of any IP version.
pub type SaKey = (Address, IpsecProto, u32);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaCounters {
    pub packets: u64,
    pub bytes: u64,
    pub replay_drops: u64,
    pub integrity_failures: u64,
}

impl SaCounters {
    /// Looks a counter up by its expectation name.
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "packets" => self.packets,
            "bytes" => self.bytes,
            "replay-drops" => self.replay_drops,
            "integrity-failures" => self.integrity_failures,
            _ => return None,
        })
    }
}

/// Counter names an `sa:` expectation may use.
pub const SA_COUNTERS: &[&str] = &["packets", "bytes", "replay-drops", "integrity-failures"];

/// setkey's SA states (`state=mature` / `dying` in `setkey -D`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaState {
    Mature,
    /// Past its soft lifetime: still used, a key manager should replace it.
    Dying,
}

pub struct SecurityAssociation {
    pub spec: SaSpec,
    pub cipher: Option<Cipher>,
    pub integrity: Option<Integrity>,
    /// Last sequence number sent (outbound use).
    pub seq: u32,
    pub replay: ReplayWindow,
    pub counters: SaCounters,
    pub state: SaState,
    pub created: Instant,
    pub last_used: Option<Instant>,
    /// Order of installation: among equal candidates the newest is used.
    pub serial: u64,
    /// Its entry in [`Sad::history`].
    life: usize,
}

/// Why an SA left the SAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaEnd {
    /// A key manager's or setkey's `delete`/`deleteall`/`flush`.
    Deleted,
    /// Its hard lifetime (seconds or bytes) ran out (RFC 4301 §4.4.2.1).
    Expired,
}

/// One SA from installation to removal, for the report's lifetime bars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaLife {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: IpsecProto,
    pub spi: u32,
    pub mode: Mode,
    pub enc: Option<crate::crypto::EncAlg>,
    pub auth: Option<crate::crypto::AuthAlg>,
    pub udp_encap: bool,
    pub created: Instant,
    /// The soft and hard time lifetimes it was installed with (0: none).
    pub soft_seconds: u64,
    pub hard_seconds: u64,
    /// When and why it left; None: still installed at the end.
    pub ended: Option<(Instant, SaEnd)>,
}

/// Lifetime events for the key manager (PF_KEY SADB_EXPIRE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaEvent {
    SoftExpired(SaKey),
    HardExpired(SaKey),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SadError {
    /// setkey: "File exists".
    Exists,
    /// setkey: "No such file or directory".
    NotFound,
    Crypto(CryptoError),
}

impl std::fmt::Display for SadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SadError::Exists => f.write_str("an SA with this destination, protocol and SPI exists"),
            SadError::NotFound => f.write_str("no such SA"),
            SadError::Crypto(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Default)]
pub struct Sad {
    /// Boxed: an SA is 1.7 KB, and a B-tree leaf holds room for eleven;
    /// a roadwarrior with two SAs would carry a 19 KB leaf.
    sas: BTreeMap<SaKey, Box<SecurityAssociation>>,
    serial: u64,
    /// The earliest time lifetime ahead, kept exact as SAs come, go and
    /// turn dying, so that a gateway with thousands of SAs does not scan
    /// them all at every wake-up.
    due: Option<Instant>,
    /// The SAs of each source, destination and protocol, for
    /// [`Sad::outbound`] on every packet (a gateway holds thousands).
    by_pair: HashMap<(Ipv4Addr, Ipv4Addr, IpsecProto), Vec<SaKey>>,
    /// Every SA installed so far, in order, with when it left.
    pub history: Vec<SaLife>,
    /// Lifetime events not yet taken by the engine's PF_KEY queue
    /// (`IpsecEngine::poll_event`).
    pub(super) events: Vec<SaEvent>,
}

fn limit(seconds: u64) -> Option<Duration> {
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

impl SecurityAssociation {
    pub fn key(&self) -> SaKey {
        (self.spec.dst.into(), self.spec.proto, self.spec.spi)
    }

    fn expiry(&self, lifetime: &Lifetime) -> Option<Instant> {
        limit(lifetime.seconds).map(|d| self.created + d)
    }

    /// Its next time lifetime: the soft one while mature, the hard one.
    fn next_expiry(&self) -> Option<Instant> {
        let soft = (self.state == SaState::Mature)
            .then(|| self.expiry(&self.spec.soft))
            .flatten();
        [soft, self.expiry(&self.spec.hard)]
            .into_iter()
            .flatten()
            .min()
    }
}

impl Sad {
    pub fn add(&mut self, spec: SaSpec, now: Instant) -> Result<(), SadError> {
        let key = (spec.dst.into(), spec.proto, spec.spi);
        if self.sas.contains_key(&key) {
            return Err(SadError::Exists);
        }
        let cipher = match &spec.enc {
            Some((alg, k)) => Some(Cipher::new(*alg, k).map_err(SadError::Crypto)?),
            None => None,
        };
        let integrity = match &spec.auth {
            Some((alg, k)) => Some(Integrity::new(*alg, k).map_err(SadError::Crypto)?),
            None => None,
        };
        self.serial += 1;
        self.history.push(SaLife {
            src: spec.src,
            dst: spec.dst,
            proto: spec.proto,
            spi: spec.spi,
            mode: spec.mode,
            enc: spec.enc.as_ref().map(|(alg, _)| *alg),
            auth: spec.auth.as_ref().map(|(alg, _)| *alg),
            udp_encap: spec.encap.is_some(),
            created: now,
            soft_seconds: spec.soft.seconds,
            hard_seconds: spec.hard.seconds,
            ended: None,
        });
        let sa = SecurityAssociation {
            life: self.history.len() - 1,
            replay: ReplayWindow::new(spec.replay_window),
            spec,
            cipher,
            integrity,
            seq: 0,
            counters: SaCounters::default(),
            state: SaState::Mature,
            created: now,
            last_used: None,
            serial: self.serial,
        };
        self.due = [self.due, sa.next_expiry()].into_iter().flatten().min();
        let pair = (sa.spec.src, sa.spec.dst, sa.spec.proto);
        self.by_pair.entry(pair).or_default().push(key);
        self.sas.insert(key, Box::new(sa));
        Ok(())
    }

    pub fn delete(&mut self, key: SaKey, now: Instant) -> Result<(), SadError> {
        self.remove(key, now, SaEnd::Deleted)
            .then_some(())
            .ok_or(SadError::NotFound)
    }

    /// Takes an SA out, noting when and why in its history.
    fn remove(&mut self, key: SaKey, now: Instant, why: SaEnd) -> bool {
        let Some(sa) = self.sas.remove(&key) else {
            return false;
        };
        if let Some(life) = self.history.get_mut(sa.life) {
            life.ended = Some((now, why));
        }
        if sa.next_expiry() == self.due {
            self.due = self.scan_expiry();
        }
        let pair = (sa.spec.src, sa.spec.dst, sa.spec.proto);
        if let Some(keys) = self.by_pair.get_mut(&pair) {
            keys.retain(|k| *k != key);
            if keys.is_empty() {
                self.by_pair.remove(&pair);
            }
        }
        true
    }

    /// Removes every SA `doomed` picks; how many it removed.
    fn remove_where(
        &mut self,
        now: Instant,
        doomed: impl Fn(&SecurityAssociation) -> bool,
    ) -> usize {
        let keys: Vec<SaKey> = self
            .sas
            .values()
            .filter(|sa| doomed(sa))
            .map(|sa| sa.key())
            .collect();
        for key in &keys {
            self.remove(*key, now, SaEnd::Deleted);
        }
        keys.len()
    }

    /// `deleteall src dst proto`.
    pub fn delete_all(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        now: Instant,
    ) -> usize {
        self.remove_where(now, |sa| {
            sa.spec.src == src && sa.spec.dst == dst && sa.spec.proto == proto
        })
    }

    /// `flush [proto]`.
    pub fn flush(&mut self, proto: Option<IpsecProto>, now: Instant) {
        self.remove_where(now, |sa| proto.is_none_or(|p| p == sa.spec.proto));
    }

    pub fn get(&self, key: &SaKey) -> Option<&SecurityAssociation> {
        self.sas.get(key).map(|sa| &**sa)
    }

    pub fn get_mut(&mut self, key: &SaKey) -> Option<&mut SecurityAssociation> {
        self.sas.get_mut(key).map(|sa| &mut **sa)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SecurityAssociation> {
        self.sas.values().map(|sa| &**sa)
    }

    /// The SA to protect traffic from `src` to `dst` with `proto` in
    /// `mode`: the newest usable one (Linux prefers the newest SA). An SA
    /// added with `-m any` is a transport-mode SA, as Linux makes it.
    pub fn outbound(
        &self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        mode: Mode,
        reqid: Option<u32>,
    ) -> Option<SaKey> {
        // One test per SA of the pair, on every packet sent through an SA.
        let mut newest: Option<&SecurityAssociation> = None;
        let keys = self.by_pair.get(&(src, dst, proto)).map_or(&[][..], |k| k);
        for sa in keys.iter().filter_map(|k| self.sas.get(k)) {
            let s = &sa.spec;
            if (s.mode == mode || (s.mode == Mode::Any && mode == Mode::Transport))
                && reqid.is_none_or(|r| s.reqid == r)
                && newest.is_none_or(|n| sa.serial >= n.serial)
            {
                newest = Some(sa);
            }
        }
        newest.map(SecurityAssociation::key)
    }

    /// Counts a packet of `bytes` on an SA and applies byte lifetimes.
    pub fn used(&mut self, key: SaKey, bytes: usize, now: Instant) {
        let Some(sa) = self.sas.get_mut(&key) else {
            return;
        };
        sa.counters.packets += 1;
        sa.counters.bytes += bytes as u64;
        sa.last_used = Some(now);
        let (soft, hard) = (sa.spec.soft.bytes, sa.spec.hard.bytes);
        let bytes = sa.counters.bytes;
        if soft > 0 && bytes >= soft && sa.state == SaState::Mature {
            sa.state = SaState::Dying;
            self.events.push(SaEvent::SoftExpired(key));
            // Its soft time lifetime no longer counts.
            self.due = self.scan_expiry();
        }
        if hard > 0 && bytes >= hard {
            self.remove(key, now, SaEnd::Expired);
            self.events.push(SaEvent::HardExpired(key));
        }
    }

    /// Earliest time-based lifetime still ahead.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.due
    }

    fn scan_expiry(&self) -> Option<Instant> {
        self.sas.values().filter_map(|sa| sa.next_expiry()).min()
    }

    /// Applies time lifetimes: soft marks the SA dying, hard deletes it
    /// (RFC 4301 §4.4.2.1), each raising an event.
    pub fn expire(&mut self, now: Instant) {
        if self.due.is_none_or(|due| now < due) {
            return;
        }
        let mut hard = Vec::new();
        for (key, sa) in &mut self.sas {
            if sa.state == SaState::Mature && sa.expiry(&sa.spec.soft).is_some_and(|t| t <= now) {
                sa.state = SaState::Dying;
                self.events.push(SaEvent::SoftExpired(*key));
            }
            if sa.expiry(&sa.spec.hard).is_some_and(|t| t <= now) {
                hard.push(*key);
            }
        }
        for key in hard {
            self.remove(key, now, SaEnd::Expired);
            self.events.push(SaEvent::HardExpired(key));
        }
        self.due = self.scan_expiry();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::AuthAlg;

    fn spec(spi: u32, mode: Mode, soft: Lifetime, hard: Lifetime) -> SaSpec {
        SaSpec {
            encap: None,
            src: "10.0.0.1".parse().unwrap(),
            dst: "10.0.0.2".parse().unwrap(),
            proto: IpsecProto::Ah,
            spi,
            mode,
            reqid: 0,
            replay_window: 0,
            enc: None,
            auth: Some((AuthAlg::HmacSha1, vec![1; 20])),
            hard,
            soft,
        }
    }

    #[test]
    fn time_lifetimes_raise_soft_then_hard_events() {
        let mut sad = Sad::default();
        let soft = Lifetime {
            seconds: 10,
            bytes: 0,
        };
        let hard = Lifetime {
            seconds: 20,
            bytes: 0,
        };
        sad.add(spec(0x300, Mode::Any, soft, hard), Instant::ZERO)
            .unwrap();
        let key = ("10.0.0.2".parse().unwrap(), IpsecProto::Ah, 0x300);
        assert_eq!(sad.next_expiry(), Some(Instant::from_secs(10)));
        sad.expire(Instant::from_secs(10));
        assert_eq!(sad.events, vec![SaEvent::SoftExpired(key)]);
        assert_eq!(sad.get(&key).unwrap().state, SaState::Dying);
        assert_eq!(sad.next_expiry(), Some(Instant::from_secs(20)));
        sad.expire(Instant::from_secs(20));
        assert_eq!(sad.events.last(), Some(&SaEvent::HardExpired(key)));
        assert!(sad.get(&key).is_none());
    }

    #[test]
    fn byte_lifetimes_count_traffic() {
        let mut sad = Sad::default();
        let soft = Lifetime {
            seconds: 0,
            bytes: 1000,
        };
        let hard = Lifetime {
            seconds: 0,
            bytes: 2000,
        };
        sad.add(spec(0x300, Mode::Any, soft, hard), Instant::ZERO)
            .unwrap();
        let key = ("10.0.0.2".parse().unwrap(), IpsecProto::Ah, 0x300);
        sad.used(key, 999, Instant::ZERO);
        assert!(sad.events.is_empty());
        sad.used(key, 1, Instant::ZERO);
        assert_eq!(sad.events, vec![SaEvent::SoftExpired(key)]);
        sad.used(key, 1000, Instant::ZERO);
        assert_eq!(sad.events.last(), Some(&SaEvent::HardExpired(key)));
        assert!(sad.get(&key).is_none());
    }

    #[test]
    fn duplicates_newest_first_and_linux_mode_any() {
        let mut sad = Sad::default();
        sad.add(
            spec(0x300, Mode::Any, Lifetime::default(), Lifetime::default()),
            Instant::ZERO,
        )
        .unwrap();
        assert_eq!(
            sad.add(
                spec(0x300, Mode::Any, Lifetime::default(), Lifetime::default()),
                Instant::ZERO
            ),
            Err(SadError::Exists)
        );
        sad.add(
            spec(0x301, Mode::Any, Lifetime::default(), Lifetime::default()),
            Instant::ZERO,
        )
        .unwrap();
        let (src, dst) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let newest = sad
            .outbound(src, dst, IpsecProto::Ah, Mode::Transport, None)
            .unwrap();
        assert_eq!(newest.2, 0x301);
        assert_eq!(
            sad.outbound(src, dst, IpsecProto::Ah, Mode::Tunnel, None),
            None,
            "-m any is transport on Linux"
        );
        assert_eq!(sad.delete_all(src, dst, IpsecProto::Ah, Instant::ZERO), 2);
    }

    /// The report's lifetime bars: every SA added stays in the history
    /// with when and why it left (delete, or its hard lifetime).
    #[test]
    fn history_keeps_each_sa_with_its_end() {
        let mut sad = Sad::default();
        let none = Lifetime::default();
        let hard = Lifetime {
            seconds: 20,
            bytes: 0,
        };
        sad.add(spec(0x300, Mode::Tunnel, none, hard), Instant::ZERO)
            .unwrap();
        sad.add(spec(0x301, Mode::Tunnel, none, none), Instant::from_secs(5))
            .unwrap();
        let key = ("10.0.0.2".parse().unwrap(), IpsecProto::Ah, 0x301);
        sad.delete(key, Instant::from_secs(7)).unwrap();
        sad.expire(Instant::from_secs(20));
        sad.add(
            spec(0x302, Mode::Tunnel, none, none),
            Instant::from_secs(21),
        )
        .unwrap();
        let ends: Vec<_> = sad
            .history
            .iter()
            .map(|l| (l.spi, l.created, l.ended))
            .collect();
        assert_eq!(
            ends,
            vec![
                (
                    0x300,
                    Instant::ZERO,
                    Some((Instant::from_secs(20), SaEnd::Expired))
                ),
                (
                    0x301,
                    Instant::from_secs(5),
                    Some((Instant::from_secs(7), SaEnd::Deleted))
                ),
                (0x302, Instant::from_secs(21), None),
            ]
        );
        assert_eq!(sad.history[0].hard_seconds, 20);
    }

    /// The earliest lifetime is kept as SAs come and go and turn dying:
    /// `next_expiry` is what a scan of every SA would give.
    #[test]
    fn next_expiry_follows_adds_deletes_and_dying() {
        let mut sad = Sad::default();
        let life = |seconds, bytes| Lifetime { seconds, bytes };
        sad.add(
            spec(0x300, Mode::Tunnel, life(10, 100), life(20, 0)),
            Instant::ZERO,
        )
        .unwrap();
        sad.add(
            spec(0x301, Mode::Tunnel, life(0, 0), life(5, 0)),
            Instant::ZERO,
        )
        .unwrap();
        assert_eq!(sad.next_expiry(), Some(Instant::from_secs(5)));
        let key = |spi| ("10.0.0.2".parse().unwrap(), IpsecProto::Ah, spi);
        sad.delete(key(0x301), Instant::from_secs(1)).unwrap();
        assert_eq!(sad.next_expiry(), Some(Instant::from_secs(10)));
        // 100 bytes make it dying: its soft time no longer counts.
        sad.used(key(0x300), 100, Instant::from_secs(2));
        assert_eq!(sad.next_expiry(), Some(Instant::from_secs(20)));
        assert_eq!(sad.next_expiry(), sad.scan_expiry());
        sad.expire(Instant::from_secs(19));
        assert!(sad.get(&key(0x300)).is_some());
        sad.expire(Instant::from_secs(20));
        assert_eq!(sad.next_expiry(), None);
    }
}
