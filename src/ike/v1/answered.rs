//! isakmp.c `add_recvdpkt` / `check_recvdpkt`: racoon remembers a hash of
//! every message it answered (its `rcptree`), so that a retransmitted
//! copy is answered again. racoon walks that list; a gateway with
//! thousands of peers here looks the hash up instead. The exchange's own
//! [`crate::ike::retransmit::Retry`] keeps the message and the answer;
//! this index only says which exchanges (by serial) may hold it, and an
//! entry whose exchange has moved on or gone is dropped when met.

use std::collections::BTreeSet;

/// (digest, serial) pairs: a B-tree of 12-byte keys costs a gateway
/// less memory than a map of lists, and one digest's serials are a range.
/// A daemon with a few exchanges (a roadwarrior) keeps none: it walks
/// them, as racoon does, until it has more than [`Answered::WALK`].
#[derive(Debug, Default)]
pub(crate) struct Answered {
    pairs: BTreeSet<(u64, u32)>,
    active: bool,
}

impl Answered {
    /// Exchanges a daemon walks rather than index. Debug builds (the
    /// tests) index from three on, so that the indexed lookups, which
    /// check themselves against a walk there, see every scenario.
    pub(crate) const WALK: usize = if cfg!(debug_assertions) { 2 } else { 16 };

    pub(crate) fn active(&self) -> bool {
        self.active
    }

    /// The exchange `serial` answered a message whose digest is `hash`.
    pub(crate) fn note(&mut self, hash: u64, serial: u32) {
        if self.active {
            self.pairs.insert((hash, serial));
        }
    }

    /// The exchanges that may have answered a message with this digest.
    pub(crate) fn candidates(&self, hash: u64) -> Vec<u32> {
        let of = self.pairs.range((hash, 0)..=(hash, u32::MAX));
        of.map(|(_, s)| *s).collect()
    }

    /// `serial` no longer holds the message with this digest.
    pub(crate) fn forget(&mut self, hash: u64, serial: u32) {
        self.pairs.remove(&(hash, serial));
    }

    /// Entries that may be stale; [`Answered::rebuild`] when far more
    /// than the exchanges alive.
    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Starts (again) from what each live exchange last answered.
    pub(crate) fn rebuild(&mut self, live: impl Iterator<Item = (u64, u32)>) {
        self.pairs = live.collect();
        self.active = true;
    }

    pub(crate) fn clear(&mut self) {
        self.pairs.clear();
        self.active = false;
    }
}
