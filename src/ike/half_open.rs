//! Bounds on half-open responder exchanges, so that a flood of first
//! messages cannot grow the daemon's state, log and events without end.
//!
//! racoon has no limit: each responder phase 1 lives until it completes
//! or its `timer { phase1 }` runs out. strongSwan refuses new exchanges
//! past two thresholds (strongswan.conf(5), "IKE_SA_INIT DROPPING"):
//! `charon.block_threshold`, half-open SAs one peer address may hold
//! (default 5), and `charon.init_limit_half_open`, half-open SAs in all
//! (default off). vpnlab follows it with [`PER_PEER`] and [`IN_ALL`].
//!
//! One difference: an exchange counts from its first message until it is
//! established or its phase 1 time is up, even if it failed before — a
//! first message that fails at once (no proposal chosen, malformed
//! payloads) would otherwise cost a log line and an event each and hold
//! no slot at all.

use std::collections::{HashMap, VecDeque};
use std::net::Ipv4Addr;

use smoltcp::time::Instant;

/// strongSwan's `charon.block_threshold` default.
pub const PER_PEER: u32 = 5;
/// strongSwan's `charon.init_limit_half_open`, which is off by default;
/// 1000 holds well under a megabyte of exchanges.
pub const IN_ALL: usize = 1000;

/// One responder exchange begun and not established.
#[derive(Debug)]
struct Begun {
    serial: u32,
    peer: Ipv4Addr,
    until: Instant,
}

/// The responder exchanges counted against the limits, oldest first
/// (each ends a fixed phase 1 time after it began, so also in order of
/// ending).
#[derive(Debug, Default)]
pub(crate) struct HalfOpen {
    begun: VecDeque<Begun>,
    per_peer: HashMap<Ipv4Addr, u32>,
}

impl HalfOpen {
    /// The drop reason if a new exchange with `peer` must be refused now.
    pub fn refusal(&mut self, now: Instant, peer: Ipv4Addr) -> Option<&'static str> {
        self.forget_ended(now);
        if self.per_peer.get(&peer).is_some_and(|n| *n >= PER_PEER) {
            Some("half-open-per-peer")
        } else if self.begun.len() >= IN_ALL {
            Some("half-open-in-all")
        } else {
            None
        }
    }

    /// A responder exchange began; it counts until `until` at most.
    pub fn begin(&mut self, serial: u32, peer: Ipv4Addr, until: Instant) {
        self.begun.push_back(Begun {
            serial,
            peer,
            until,
        });
        *self.per_peer.entry(peer).or_default() += 1;
    }

    /// The exchange `serial` is established: it no longer counts.
    pub fn established(&mut self, serial: u32) {
        if let Some(i) = self.begun.iter().position(|b| b.serial == serial) {
            if let Some(b) = self.begun.remove(i) {
                self.uncount(b.peer);
            }
        }
    }

    pub fn clear(&mut self) {
        self.begun.clear();
        self.per_peer.clear();
    }

    fn forget_ended(&mut self, now: Instant) {
        while self.begun.front().is_some_and(|b| b.until <= now) {
            if let Some(b) = self.begun.pop_front() {
                self.uncount(b.peer);
            }
        }
    }

    fn uncount(&mut self, peer: Ipv4Addr) {
        if let Some(n) = self.per_peer.get_mut(&peer) {
            *n -= 1;
            if *n == 0 {
                self.per_peer.remove(&peer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    #[test]
    fn a_peer_holds_at_most_five_until_they_end_or_establish() {
        let mut h = HalfOpen::default();
        let end = Instant::from_secs(30);
        for serial in 0..PER_PEER {
            assert_eq!(h.refusal(Instant::ZERO, PEER), None);
            h.begin(serial, PEER, end);
        }
        assert_eq!(h.refusal(Instant::ZERO, PEER), Some("half-open-per-peer"));
        assert_eq!(h.refusal(Instant::ZERO, Ipv4Addr::new(10, 0, 0, 9)), None);
        h.established(0);
        assert_eq!(h.refusal(Instant::ZERO, PEER), None);
        h.begin(99, PEER, end);
        assert_eq!(h.refusal(end, PEER), None);
        assert!(h.begun.is_empty() && h.per_peer.is_empty());
    }

    #[test]
    fn at_most_a_thousand_in_all() {
        let mut h = HalfOpen::default();
        for i in 0..IN_ALL as u32 {
            h.begin(i, Ipv4Addr::from(i), Instant::from_secs(30));
        }
        assert_eq!(h.refusal(Instant::ZERO, PEER), Some("half-open-in-all"));
    }
}
