//! A simulated wire: point-to-point or a shared segment. It delays, paces
//! (rate and queue), loses, duplicates and reorders packets, all drawn
//! from the link's own seeded stream.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use rand_chacha::ChaCha8Rng;
use smoltcp::time::{Duration, Instant};

use super::end::EndId;
use crate::net::hash::FastMap;
use crate::net::rng;
use crate::scenario::LinkSpec;

/// One end of the link: which endpoint port sits there (a node interface,
/// a TUN device, an attacker), and the address it has on the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    pub id: EndId,
    pub addr: Ipv4Addr,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkCounters {
    pub sent: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub dropped_queue_full: u64,
    pub dropped_down: u64,
}

impl LinkCounters {
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "sent" => self.sent,
            "delivered" => self.delivered,
            "lost" => self.lost,
            "duplicated" => self.duplicated,
            "reordered" => self.reordered,
            "dropped.queue-full" => self.dropped_queue_full,
            "dropped.down" => self.dropped_down,
            _ => return None,
        })
    }
}

/// A packet waiting for, or in, transmission from one end.
#[derive(Debug)]
pub struct Frame {
    pub to: EndId,
    pub packet: Vec<u8>,
}

/// One sender's transmit queue (with a rate, packets wait their turn).
#[derive(Debug)]
pub struct Transmitter {
    pub busy_until: Instant,
    pub queue: VecDeque<Frame>,
}

/// When copies of a departing packet reach the far end: none if lost,
/// two if duplicated.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fate {
    pub arrivals: [Option<Instant>; 2],
}

impl Fate {
    pub fn copies(&self) -> impl Iterator<Item = Instant> + '_ {
        self.arrivals.iter().flatten().copied()
    }
}

/// Up to this many ends, finding one by scanning beats hashing (a
/// point-to-point link has two; both lookups run for every packet sent).
const SCAN_ENDS: usize = 4;

pub struct Link {
    pub name: String,
    pub spec: LinkSpec,
    pub ends: Vec<End>,
    pub up: bool,
    pub counters: LinkCounters,
    pub transmitters: Vec<Transmitter>,
    rng: ChaCha8Rng,
    /// Which end has an address, and which end an endpoint port is:
    /// shared segments may have a thousand ends.
    by_addr: FastMap<Ipv4Addr, usize>,
    by_id: FastMap<EndId, usize>,
}

impl Link {
    pub fn new(name: String, spec: LinkSpec, ends: Vec<End>, seed: u64) -> Link {
        let rng = rng::stream(seed, &format!("link:{name}"));
        let mut link = Link {
            name,
            spec,
            ends: Vec::with_capacity(ends.len()),
            up: true,
            counters: LinkCounters::default(),
            transmitters: Vec::with_capacity(ends.len()),
            rng,
            by_addr: FastMap::default(),
            by_id: FastMap::default(),
        };
        for end in ends {
            link.attach(end);
        }
        link
    }

    /// Adds an end; it is the link's last. An address another end has
    /// already is found at the newer end; with a third end a point-to-point
    /// link becomes a segment, where only addresses find neighbours.
    pub fn attach(&mut self, end: End) {
        let i = self.ends.len();
        self.ends.push(end);
        self.transmitters.push(Transmitter {
            busy_until: Instant::ZERO,
            queue: VecDeque::new(),
        });
        self.by_addr.insert(end.addr, i);
        self.by_id.insert(end.id, i);
    }

    pub fn mtu(&self) -> usize {
        usize::from(self.spec.mtu.value)
    }

    /// The end that receives a packet for `next_hop` sent from `from`: the
    /// interface with that address, or on a point-to-point link the other end.
    pub fn neighbour(&self, from: usize, next_hop: Ipv4Addr) -> Option<End> {
        let by_addr = if self.ends.len() <= SCAN_ENDS {
            // Last match, as the map built from the ends keeps the last.
            self.ends.iter().rposition(|e| e.addr == next_hop)
        } else {
            self.by_addr.get(&next_hop).copied()
        };
        match by_addr {
            Some(i) if i != from => Some(self.ends[i]),
            _ if self.ends.len() == 2 => Some(self.ends[1 - from]),
            _ => None,
        }
    }

    pub fn end_index(&self, id: EndId) -> Option<usize> {
        if self.ends.len() <= SCAN_ENDS {
            return self.ends.iter().rposition(|e| e.id == id);
        }
        self.by_id.get(&id).copied()
    }

    /// Time to clock `bytes` onto the wire.
    pub fn serialization(&self, bytes: usize) -> Duration {
        match self.spec.rate {
            Some(rate) => Duration::from_micros((bytes as u64 * 8 * 1_000_000).div_ceil(rate.0)),
            None => Duration::ZERO,
        }
    }

    /// Draws loss, duplication, jitter and reordering for a packet that
    /// finishes transmission at `done`.
    pub fn fate(&mut self, done: Instant) -> Fate {
        if self.chance(self.spec.loss.0) {
            self.counters.lost += 1;
            return Fate::default();
        }
        let first = Some(done + self.delay());
        let second = if self.chance(self.spec.duplicate.0) {
            self.counters.duplicated += 1;
            Some(done + self.delay())
        } else {
            None
        };
        Fate {
            arrivals: [first, second],
        }
    }

    /// A draw from the link's stream; none is made for an impossible event,
    /// so an ideal link costs no randomness.
    fn chance(&mut self, probability: f64) -> bool {
        probability > 0.0 && rng::unit(&mut self.rng) < probability
    }

    fn delay(&mut self) -> Duration {
        let jitter_us = self.spec.jitter.0.total_micros();
        let jitter = if jitter_us > 0 {
            (rng::unit(&mut self.rng) * jitter_us as f64) as u64
        } else {
            0
        };
        let mut delay = self.spec.latency.0 + Duration::from_micros(jitter);
        if self.chance(self.spec.reorder.0) {
            self.counters.reordered += 1;
            delay += self.spec.reorder_delay.0;
        }
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::units::{BitRate, Probability, Span};

    fn link(spec: LinkSpec) -> Link {
        let end = |node, addr: &str| End {
            id: EndId::iface(node, 0),
            addr: addr.parse().unwrap(),
        };
        Link::new(
            "l".into(),
            spec,
            vec![end(0, "10.0.0.1"), end(1, "10.0.0.2"), end(2, "10.0.0.3")],
            1,
        )
    }

    #[test]
    fn neighbours_by_address_on_segments() {
        let l = link(LinkSpec::default());
        let to = l.neighbour(0, "10.0.0.3".parse().unwrap()).unwrap();
        assert_eq!(to.id, EndId::iface(2, 0));
        assert_eq!(l.neighbour(0, "10.0.0.9".parse().unwrap()), None);
    }

    #[test]
    fn serialization_delay_follows_rate() {
        let l = link(LinkSpec {
            rate: Some(BitRate(1_000_000)),
            ..LinkSpec::default()
        });
        assert_eq!(l.serialization(1250), Duration::from_millis(10));
    }

    #[test]
    fn loss_rate_is_close_to_spec() {
        let mut l = link(LinkSpec {
            loss: Probability(0.1),
            latency: Span::from_millis(5),
            ..LinkSpec::default()
        });
        let lost = (0..10_000)
            .filter(|_| l.fate(Instant::ZERO).copies().next().is_none())
            .count();
        assert!((800..1200).contains(&lost), "{lost}");
        assert_eq!(l.counters.lost, lost as u64);
    }

    #[test]
    fn duplicates_and_jitter_stay_in_bounds() {
        let spec = LinkSpec {
            duplicate: Probability(1.0),
            latency: Span::from_millis(5),
            jitter: Span::from_millis(2),
            ..LinkSpec::default()
        };
        let mut l = link(spec);
        let fate = l.fate(Instant::ZERO);
        assert_eq!(fate.copies().count(), 2);
        for t in fate.copies() {
            assert!(t >= Instant::from_millis(5) && t <= Instant::from_millis(7));
        }
    }
}
