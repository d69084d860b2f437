//! The engine's side of PF_KEY (RFC 2367): requests carried out on its
//! SAD and SPD, SPIs reserved by GETSPI, and the messages queued for the
//! key daemon (ACQUIREs, EXPIREs, what requests changed).

use std::collections::{BTreeMap, VecDeque};

use smoltcp::time::{Duration, Instant};

use super::IpsecEngine;
use super::pfkey::{Acquire, Errno, Event, IpcompRequest, KeyKernel, Reply, Request, SpiRange};
use super::sad::{SaEvent, SaKey, SadError};
use super::spec::{Direction, IpcompTemplate, IpsecProto, PolicySpec, SaSpec, Selector};

/// Linux's `XFRM_ACQ_EXPIRES`: how long a larval state lives, whether an
/// ACQUIRE's or a GETSPI's.
const LARVAL_LIFETIME: Duration = Duration::from_secs(30);

/// RFC 4303 §2.1: SPIs 1–255 are reserved by IANA, 0 is never an SA's.
const FIRST_SPI: u32 = 256;

/// What the engine keeps for its key daemon.
#[derive(Debug, Default)]
pub(super) struct Keying {
    /// ACQUIREs not yet read.
    acquires: VecDeque<Acquire>,
    /// The other messages not yet read, in the order they happened.
    events: VecDeque<Event>,
    /// ACQUIREs sent and not yet answered by an SA: Linux's larval
    /// states, which hold off further ACQUIREs for the same SA until
    /// they expire.
    larval: Vec<(Acquire, Instant)>,
    /// SPIs GETSPI reserved and no UPDATE has filled in yet, with the
    /// time their larval SA lapses.
    reserved: BTreeMap<SaKey, Instant>,
}

fn sad_error(e: SadError) -> Errno {
    match e {
        SadError::Exists => Errno::Exists(e.to_string()),
        SadError::NotFound => Errno::NotFound(e.to_string()),
        SadError::Crypto(_) => Errno::Invalid(e.to_string()),
    }
}

impl KeyKernel for IpsecEngine {
    fn request(&mut self, now: Instant, request: Request) -> Result<Reply, Errno> {
        // What the SAD raised so far goes first, so the daemon reads the
        // messages in the order they happened.
        self.collect_sa_events();
        match request {
            Request::Flush(proto) => Ok(self.flush(now, proto)),
            Request::Ipcomp(request) => self.ipcomp_request(now, request),
            Request::SpdFlush => {
                self.spd.flush();
                Ok(Reply::Done)
            }
            Request::GetSpi {
                dst, proto, range, ..
            } => self.get_spi(now, (dst, proto), range),
            Request::Update(spec) => self.install(now, spec, true),
            Request::Add(spec) => self.install(now, spec, false),
            Request::Delete {
                dst, proto, spi, ..
            } => self.delete(now, (dst.into(), proto, spi)),
            Request::DeleteAll { src, dst, proto } => Ok(self.delete_all(now, src, dst, proto)),
            Request::Get {
                dst, proto, spi, ..
            } => self.get_sa((dst.into(), proto, spi)),
            Request::SpdAdd(policy) => self.add_policy(policy, None),
            Request::SpdAddWithIpcomp { policy, ipcomp } => self.add_policy(policy, Some(ipcomp)),
            Request::SpdDelete { selector, dir } => self.delete_policy(&selector, dir),
            Request::SpdGet { selector, dir } => self.get_policy(&selector, dir),
            Request::Dump(proto) => Ok(self.dump(proto)),
            Request::SpdDump => Ok(Reply::Policies(
                self.spd.iter().map(|p| p.spec.clone()).collect(),
            )),
        }
    }
}

impl IpsecEngine {
    /// Runs one setkey command, as `setkey -f` would against the kernel.
    pub fn apply(&mut self, command: &Request, now: Instant) -> Result<(), Errno> {
        self.request(now, command.clone()).map(|_| ())
    }

    /// The next message for the key daemon: pending ACQUIREs first (as
    /// the node has always handed them over), then the others in order.
    pub fn poll_event(&mut self) -> Option<Event> {
        if let Some(a) = self.keying.acquires.pop_front() {
            return Some(Event::Acquire(a));
        }
        self.collect_sa_events();
        self.keying.events.pop_front()
    }

    /// Whether an ACQUIRE waits for the key daemon.
    pub fn acquire_pending(&self) -> bool {
        !self.keying.acquires.is_empty()
    }

    /// A restarted daemon's PF_KEY socket is new: the SA messages queued
    /// on the old one are lost (ACQUIREs stay, as the node has always
    /// kept them).
    pub fn drop_sa_events(&mut self) {
        self.sad.events.clear();
        self.keying.events.clear();
    }

    /// Records an ACQUIRE unless one for the same SA is still pending: Linux
    /// sends one per missing SA, not one per packet, and its larval state
    /// holds off the next for `XFRM_ACQ_EXPIRES` (30 s) unless an SA comes.
    /// The larval state is found as `xfrm_state_find` finds states: by
    /// addresses, protocol, mode and reqid, so two `unique` policies to
    /// the same peer raise an ACQUIRE each.
    pub(super) fn acquire(&mut self, a: Acquire) {
        let k = &mut self.keying;
        let now = a.at;
        let same = |p: &Acquire| {
            (p.src, p.dst, p.proto, p.mode, p.reqid) == (a.src, a.dst, a.proto, a.mode, a.reqid)
        };
        k.larval.retain(|(_, until)| *until > now);
        if k.larval.iter().any(|(p, _)| same(p)) || k.acquires.iter().any(same) {
            return;
        }
        k.larval.push((a.clone(), now + LARVAL_LIFETIME));
        k.acquires.push_back(a);
    }

    /// The SAD's lifetime events (SADB_EXPIRE) join the queue.
    fn collect_sa_events(&mut self) {
        for e in self.sad.events.drain(..) {
            let (sa, hard) = match e {
                SaEvent::SoftExpired(key) => (key, false),
                SaEvent::HardExpired(key) => (key, true),
            };
            self.keying.events.push_back(Event::Expire { sa, hard });
        }
    }

    /// GETSPI: an SPI in `range` that no SA and no reservation towards
    /// the destination uses. A one-SPI range gives exactly it; a wider one
    /// the first free SPI from its bottom (Linux draws at random: counting
    /// keeps the engine's random stream, which ESP's IVs draw from, as it
    /// was).
    fn get_spi(
        &mut self,
        now: Instant,
        to: (std::net::Ipv4Addr, IpsecProto),
        range: SpiRange,
    ) -> Result<Reply, Errno> {
        self.keying.reserved.retain(|_, until| *until > now);
        let min = range.min.max(FIRST_SPI);
        if min > range.max {
            return Err(Errno::Invalid(format!(
                "no SPI from {} to {} is usable",
                range.min, range.max
            )));
        }
        let taken = |spi| {
            let key = (to.0.into(), to.1, spi);
            self.sad.get(&key).is_some() || self.keying.reserved.contains_key(&key)
        };
        let Some(spi) = (min..=range.max).find(|&spi| !taken(spi)) else {
            return Err(Errno::Exists(
                "an SA with this destination, protocol and SPI exists".into(),
            ));
        };
        self.keying
            .reserved
            .insert((to.0.into(), to.1, spi), now + LARVAL_LIFETIME);
        Ok(Reply::Spi(spi))
    }

    /// ADD, or UPDATE of the larval SA GETSPI made. Linux answers an
    /// UPDATE whose larval SA lapsed (or never was) with ESRCH; vpnlab
    /// installs it as an ADD, so a Quick Mode drawn out past 30 s by
    /// retransmissions completes as it always has here. An ADD of a
    /// reserved SPI is refused, as the larval SA holds it.
    fn install(&mut self, now: Instant, spec: SaSpec, update: bool) -> Result<Reply, Errno> {
        let key = (spec.dst.into(), spec.proto, spec.spi);
        let reserved = self.keying.reserved.get(&key).is_some_and(|t| *t > now);
        if reserved && !update {
            return Err(sad_error(SadError::Exists));
        }
        let (src, dst, proto, reqid) = (spec.src, spec.dst, spec.proto, spec.reqid);
        self.sad.add(spec, now).map_err(sad_error)?;
        self.keying.reserved.remove(&key);
        self.keying.larval.retain(|(a, _)| {
            (a.src, a.dst, a.proto) != (src, dst, proto) || (a.reqid != 0 && a.reqid != reqid)
        });
        self.keying.events.push_back(Event::Added(key));
        Ok(Reply::Done)
    }

    /// DELETE of an SA, or of the larval SA a GETSPI reserved.
    fn delete(&mut self, now: Instant, key: SaKey) -> Result<Reply, Errno> {
        if self.keying.reserved.remove(&key).is_some() && self.sad.get(&key).is_none() {
            return Ok(Reply::Done);
        }
        self.sad.delete(key, now).map_err(sad_error)?;
        self.keying.events.push_back(Event::Deleted(key));
        Ok(Reply::Done)
    }

    fn delete_all(
        &mut self,
        now: Instant,
        src: std::net::Ipv4Addr,
        dst: std::net::Ipv4Addr,
        proto: IpsecProto,
    ) -> Reply {
        let keys: Vec<SaKey> = self
            .sad
            .iter()
            .filter(|sa| (sa.spec.src, sa.spec.dst, sa.spec.proto) == (src, dst, proto))
            .map(|sa| sa.key())
            .collect();
        for key in keys {
            if self.sad.delete(key, now).is_ok() {
                self.keying.events.push_back(Event::Deleted(key));
            }
        }
        Reply::Done
    }

    fn flush(&mut self, now: Instant, proto: Option<IpsecProto>) -> Reply {
        self.sad.flush(proto, now);
        if proto.is_none() {
            self.ipcomp.flush();
        }
        self.keying
            .reserved
            .retain(|key, _| proto.is_some_and(|p| p != key.1));
        self.keying.events.push_back(Event::Flushed(proto));
        Reply::Done
    }

    fn get_sa(&self, key: SaKey) -> Result<Reply, Errno> {
        match self.sad.get(&key) {
            Some(sa) => Ok(Reply::Sa(sa.spec.clone())),
            None => Err(sad_error(SadError::NotFound)),
        }
    }

    fn dump(&self, proto: Option<IpsecProto>) -> Reply {
        let sas = self.sad.iter().map(|sa| &sa.spec);
        Reply::Sas(
            sas.filter(|s| proto.is_none_or(|p| p == s.proto))
                .cloned()
                .collect(),
        )
    }

    fn add_policy(
        &mut self,
        policy: PolicySpec,
        ipcomp: Option<IpcompTemplate>,
    ) -> Result<Reply, Errno> {
        let (selector, dir) = (policy.selector, policy.dir);
        match self.spd.add_with_ipcomp(policy, ipcomp) {
            Ok(_) => Ok(Reply::Done),
            Err(e) if self.policy(&selector, dir).is_some() => Err(Errno::Exists(e.into())),
            Err(e) => Err(Errno::Invalid(e.into())),
        }
    }

    /// The requests on IPComp SAs. They raise no [`Event`]s: an event
    /// names an ESP or AH SA by its [`SaKey`].
    fn ipcomp_request(&mut self, now: Instant, request: IpcompRequest) -> Result<Reply, Errno> {
        let sas = &mut self.ipcomp;
        match request {
            IpcompRequest::Add(spec) => sas.add(spec, now).map(|_| Reply::Done),
            IpcompRequest::Delete { dst, spi, .. } => {
                sas.delete((dst.into(), spi)).map(|_| Reply::Done)
            }
            IpcompRequest::DeleteAll { src, dst } => {
                sas.delete_all(src, dst);
                Ok(Reply::Done)
            }
            IpcompRequest::Get { dst, spi, .. } => match sas.get(&(dst.into(), spi)) {
                Some(sa) => Ok(Reply::IpcompSa(sa.spec.clone())),
                None => Err(SadError::NotFound),
            },
            IpcompRequest::Flush => {
                sas.flush();
                Ok(Reply::Done)
            }
            IpcompRequest::Dump => Ok(Reply::IpcompSas(
                sas.iter().map(|sa| sa.spec.clone()).collect(),
            )),
            IpcompRequest::GetCpi { dst, range } => {
                let free = (range.min..=range.max.min(0xffff))
                    .find(|&cpi| sas.get(&(dst.into(), cpi)).is_none());
                return free.map(Reply::Spi).ok_or_else(|| {
                    Errno::Exists(format!(
                        "no CPI from {} to {} is free",
                        range.min, range.max
                    ))
                });
            }
            IpcompRequest::PolicyStep { selector, dir } => {
                return match self.policy(&selector, dir) {
                    Some(_) => Ok(Reply::IpcompStep(self.ipcomp_step(&selector, dir))),
                    None => Err(Errno::NotFound("no such policy".into())),
                };
            }
        }
        .map_err(sad_error)
    }

    /// The policy for exactly `selector` in `dir` (`spdadd` allows one).
    fn policy(&self, selector: &Selector, dir: Direction) -> Option<&PolicySpec> {
        self.spd.get(selector, dir).map(|p| &p.spec)
    }

    fn ipcomp_step(&self, selector: &Selector, dir: Direction) -> Option<IpcompTemplate> {
        self.spd.get(selector, dir).and_then(|p| p.ipcomp)
    }

    fn delete_policy(&mut self, selector: &Selector, dir: Direction) -> Result<Reply, Errno> {
        if self.spd.delete(selector, dir) {
            Ok(Reply::Done)
        } else {
            Err(Errno::NotFound("no such policy".into()))
        }
    }

    fn get_policy(&self, selector: &Selector, dir: Direction) -> Result<Reply, Errno> {
        match self.policy(selector, dir) {
            Some(p) => Ok(Reply::Policy(p.clone())),
            None => Err(Errno::NotFound("no such policy".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::crypto::AuthAlg;
    use crate::ipsec::spec::{Lifetime, Mode};

    const PEER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
    const ME: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    fn hosts() -> Selector {
        Selector {
            src: crate::net::Prefix::new(ME, 32).into(),
            dst: crate::net::Prefix::new(PEER, 32).into(),
            src_port: None,
            dst_port: None,
            upper: crate::ipsec::spec::Upper::Any,
        }
    }

    fn engine() -> IpsecEngine {
        IpsecEngine::new(crate::net::rng::stream(1, "keying"))
    }

    fn get_spi(range: SpiRange) -> Request {
        Request::GetSpi {
            src: PEER,
            dst: ME,
            proto: IpsecProto::Ah,
            mode: Mode::Transport,
            reqid: 0,
            range,
        }
    }

    fn inbound(spi: u32, soft_secs: u64) -> SaSpec {
        SaSpec {
            encap: None,
            src: PEER,
            dst: ME,
            proto: IpsecProto::Ah,
            spi,
            mode: Mode::Transport,
            reqid: 0,
            replay_window: 0,
            enc: None,
            auth: Some((AuthAlg::HmacSha1, vec![1; 20])),
            hard: Lifetime::default(),
            soft: Lifetime {
                seconds: soft_secs,
                bytes: 0,
            },
        }
    }

    /// RFC 2367 §3.1.1–3.1.2: GETSPI reserves, UPDATE fills in; the
    /// reserved SPI is refused to a second GETSPI and to ADD until then.
    #[test]
    fn getspi_reserves_until_update() {
        let mut e = engine();
        let t = Instant::ZERO;
        assert_eq!(
            e.request(t, get_spi(SpiRange::exactly(0x300))),
            Ok(Reply::Spi(0x300))
        );
        assert!(matches!(
            e.request(t, get_spi(SpiRange::exactly(0x300))),
            Err(Errno::Exists(_))
        ));
        assert!(matches!(
            e.request(t, Request::Add(inbound(0x300, 0))),
            Err(Errno::Exists(_))
        ));
        assert_eq!(
            e.request(t, Request::Update(inbound(0x300, 0))),
            Ok(Reply::Done)
        );
        assert!(e.sad.get(&(ME.into(), IpsecProto::Ah, 0x300)).is_some());
        assert_eq!(
            e.poll_event(),
            Some(Event::Added((ME.into(), IpsecProto::Ah, 0x300)))
        );
        // A wide range counts up past what is taken; the reserved range is never given.
        assert_eq!(
            e.request(t, get_spi(SpiRange { min: 0, max: 0x301 })),
            Ok(Reply::Spi(256))
        );
        assert!(matches!(
            e.request(t, get_spi(SpiRange::exactly(7))),
            Err(Errno::Invalid(_))
        ));
    }

    /// Linux `XFRM_ACQ_EXPIRES`: an unused reservation lapses after 30 s.
    #[test]
    fn reservations_lapse() {
        let mut e = engine();
        let spi = SpiRange::exactly(0x400);
        assert!(e.request(Instant::ZERO, get_spi(spi)).is_ok());
        assert!(e.request(Instant::from_secs(29), get_spi(spi)).is_err());
        assert_eq!(
            e.request(Instant::from_secs(30), get_spi(spi)),
            Ok(Reply::Spi(0x400))
        );
    }

    /// ACQUIREs first; then the rest as it happened: an EXPIRE raised
    /// before a DELETE is read before it.
    #[test]
    fn events_in_order_acquires_first() {
        let mut e = engine();
        e.apply(&Request::Add(inbound(0x500, 10)), Instant::ZERO)
            .unwrap();
        e.on_timer(Instant::from_secs(10));
        let key = (ME.into(), IpsecProto::Ah, 0x500);
        let delete = Request::Delete {
            src: PEER,
            dst: ME,
            proto: IpsecProto::Ah,
            spi: 0x500,
        };
        e.apply(&delete, Instant::from_secs(11)).unwrap();
        let a = Acquire {
            at: Instant::from_secs(12),
            src: ME,
            dst: PEER,
            proto: IpsecProto::Esp,
            mode: Mode::Transport,
            selector: hosts(),
            reqid: 0,
        };
        e.acquire(a.clone());
        assert!(e.acquire_pending());
        let events: Vec<Event> = std::iter::from_fn(|| e.poll_event()).collect();
        assert_eq!(
            events,
            [
                Event::Acquire(a),
                Event::Added(key),
                Event::Expire {
                    sa: key,
                    hard: false
                },
                Event::Deleted(key),
            ]
        );
    }

    #[test]
    fn spdget_finds_exactly_the_selector_and_direction() {
        let mut e = engine();
        let policy = PolicySpec {
            selector: hosts(),
            dir: Direction::Out,
            action: crate::ipsec::spec::Action::None,
            templates: Vec::new(),
            priority: 0,
        };
        e.apply(&Request::SpdAdd(policy.clone()), Instant::ZERO)
            .unwrap();
        let get = |e: &mut IpsecEngine, dir| {
            e.request(
                Instant::ZERO,
                Request::SpdGet {
                    selector: policy.selector,
                    dir,
                },
            )
        };
        assert_eq!(
            get(&mut e, Direction::Out),
            Ok(Reply::Policy(policy.clone()))
        );
        assert!(matches!(
            get(&mut e, Direction::In),
            Err(Errno::NotFound(_))
        ));
        assert!(matches!(
            e.request(Instant::ZERO, Request::SpdAdd(policy)),
            Err(Errno::Exists(_))
        ));
    }
}
