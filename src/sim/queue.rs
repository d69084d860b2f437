//! The event queue: events come out ordered by (time, sequence number),
//! so events at the same instant run in the order they were scheduled.
//!
//! It is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990), which
//! suits a simulator's clock: no event is scheduled before the last one
//! taken out, so keys only grow. An event waits in the bucket named by the
//! highest bit in which its time differs from that of the last event taken
//! (the floor); bucket 0 holds the events at the floor itself, in order.
//! Taking an event when bucket 0 is empty moves the lowest non-empty bucket
//! down: its earliest time becomes the floor and each of its events drops
//! to a lower bucket. So an event moves a few times at most, with no
//! comparisons between events, where a binary heap sifts (with a branch
//! the processor cannot predict) through every level on each pop. An event
//! scheduled before the floor anyway still comes out first, in order.

use std::collections::VecDeque;

use smoltcp::time::Instant;

/// An event's place in the order and the slot where it waits: the buckets
/// move these 24-byte keys, never the events.
#[derive(Clone, Copy)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

/// Times as unsigned keys that order like the signed microseconds.
fn key_of(at: Instant) -> u64 {
    (at.total_micros() as u64) ^ (1 << 63)
}

fn instant_of(time: u64) -> Instant {
    Instant::from_micros((time ^ (1 << 63)) as i64)
}

pub struct EventQueue<E> {
    /// Events at `floor` (and any scheduled before it), ordered by time
    /// and sequence number.
    now: VecDeque<Key>,
    /// `buckets[i]` (i in 0..64) holds the events whose time differs from
    /// `floor` first in bit i; each in scheduling order.
    buckets: Vec<Vec<Key>>,
    /// Bit i set when `buckets[i]` is not empty.
    nonempty: u64,
    floor: u64,
    /// Queued events by slot; a taken event's slot is reused.
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            now: VecDeque::new(),
            buckets: (0..64).map(|_| Vec::new()).collect(),
            nonempty: 0,
            floor: key_of(Instant::ZERO),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Instant, event: E) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                // More than 2^32 events waiting at once would not fit in
                // memory anyway.
                let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 queued events");
                self.slots.push(Some(event));
                slot
            }
        };
        let key = Key {
            time: key_of(at),
            seq: self.next_seq,
            slot,
        };
        self.next_seq += 1;
        self.place(key);
    }

    /// Puts `key` in the bucket its time names relative to the floor.
    fn place(&mut self, key: Key) {
        let diff = key.time ^ self.floor;
        if diff == 0 {
            // Later than everything in `now`: its sequence number is the highest.
            self.now.push_back(key);
        } else if key.time < self.floor {
            // Before the floor (never, as the simulator schedules): first out.
            let at = self
                .now
                .partition_point(|k| (k.time, k.seq) <= (key.time, key.seq));
            self.now.insert(at, key);
        } else {
            let bucket = 63 - diff.leading_zeros() as usize;
            self.buckets[bucket].push(key);
            self.nonempty |= 1 << bucket;
        }
    }

    /// Makes `now` non-empty if any event waits; false if none does.
    fn refill(&mut self) -> bool {
        if !self.now.is_empty() {
            return true;
        }
        if self.nonempty == 0 {
            return false;
        }
        let lowest = self.nonempty.trailing_zeros() as usize;
        self.nonempty &= !(1 << lowest);
        let mut moving = std::mem::take(&mut self.buckets[lowest]);
        self.floor = moving.iter().map(|k| k.time).min().unwrap_or(self.floor);
        // Every event here drops to a lower bucket (or to `now`), keeping
        // its order: the lower buckets are empty, so each stays in
        // scheduling order.
        for key in moving.drain(..) {
            self.place(key);
        }
        // The emptied vector keeps its allocation for the next events.
        self.buckets[lowest] = moving;
        !self.now.is_empty()
    }

    pub fn pop(&mut self) -> Option<(Instant, E)> {
        if !self.refill() {
            return None;
        }
        let key = self.now.pop_front()?;
        let event = self.slots[key.slot as usize].take()?;
        self.free.push(key.slot);
        Some((instant_of(key.time), event))
    }

    /// Whether no event waits at `at` or before: then an event pushed now
    /// for `at` would be the very next one out. (The buckets hold only
    /// times past the floor; when the floor is before `at`, this answers
    /// false rather than search them.)
    pub fn nothing_due_by(&self, at: Instant) -> bool {
        let t = key_of(at);
        match self.now.front() {
            Some(first) => first.time > t,
            None => self.floor >= t,
        }
    }

    /// The time of the next event (moving buckets down to find it).
    pub fn peek_time(&mut self) -> Option<Instant> {
        if !self.refill() {
            return None;
        }
        self.now.front().map(|k| instant_of(k.time))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_fifo() {
        let mut q = EventQueue::default();
        q.push(Instant::from_millis(5), "c");
        q.push(Instant::from_millis(1), "a");
        q.push(Instant::from_millis(5), "d");
        q.push(Instant::from_millis(1), "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    /// Against the definition (a sort by time, then scheduling order),
    /// with pushes interleaved with pops as the simulator makes them: at or
    /// after the last event taken, now and then at the same instant, and
    /// a few before it.
    #[test]
    fn matches_a_sort_by_time_then_order() {
        let mut x = 0x853c_49e6_748f_ea9bu64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut q = EventQueue::default();
        let mut waiting: Vec<(i64, u64)> = Vec::new();
        let (mut seq, mut now) = (0u64, 0i64);
        for _ in 0..20_000 {
            if next(3) > 0 || waiting.is_empty() {
                let at = match next(10) {
                    0 => now,
                    1 => now - next(50) as i64,
                    2 => now + next(1 << 30) as i64,
                    _ => now + next(2000) as i64,
                };
                q.push(Instant::from_micros(at), seq);
                waiting.push((at, seq));
                seq += 1;
            } else {
                let (i, _) = waiting.iter().enumerate().min_by_key(|(_, w)| **w).unwrap();
                let want = waiting.remove(i);
                assert_eq!(q.peek_time(), Some(Instant::from_micros(want.0)));
                let (at, got) = q.pop().unwrap();
                assert_eq!((at.total_micros(), got), want);
                now = now.max(want.0);
            }
        }
        waiting.sort();
        for want in waiting {
            let (at, got) = q.pop().unwrap();
            assert_eq!((at.total_micros(), got), want);
        }
        assert!(q.pop().is_none());
    }
}
