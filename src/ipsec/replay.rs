//! The anti-replay window of an inbound SA (RFC 4303 §3.4.3, RFC 4302
//! §3.4.3): a sliding bitmap whose right edge is the highest sequence
//! number authenticated so far.

/// setkey's `-r` counts packets; Linux caps non-ESN windows, we allow 4096.
pub const MAX_WINDOW: u32 = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// Sequence number zero is never sent (RFC 4303 §3.3.3).
    Zero,
    /// Already received.
    Duplicate,
    /// Left of the window.
    TooOld,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayWindow {
    size: u32,
    /// Highest sequence number accepted so far (0: none yet).
    top: u32,
    /// Bit i set: sequence number `top - i` was received.
    bits: Vec<u64>,
}

impl ReplayWindow {
    /// A window of `size` packets; 0 disables the check (setkey's default).
    pub fn new(size: u32) -> ReplayWindow {
        let size = size.min(MAX_WINDOW);
        ReplayWindow {
            size,
            top: 0,
            bits: vec![0; size.div_ceil(64) as usize],
        }
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn top(&self) -> u32 {
        self.top
    }

    fn bit(&self, age: u32) -> bool {
        let (word, bit) = ((age / 64) as usize, age % 64);
        self.bits.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    fn set(&mut self, age: u32) {
        let (word, bit) = ((age / 64) as usize, age % 64);
        if let Some(w) = self.bits.get_mut(word) {
            *w |= 1 << bit;
        }
    }

    /// Whether `seq` may be accepted; call before the ICV check, and
    /// [`ReplayWindow::accept`] only after it verified (RFC 4303 §3.4.3).
    pub fn check(&self, seq: u32) -> Result<(), ReplayError> {
        if self.size == 0 {
            return Ok(());
        }
        if seq == 0 {
            return Err(ReplayError::Zero);
        }
        if seq > self.top {
            return Ok(());
        }
        let age = self.top - seq;
        if age >= self.size {
            Err(ReplayError::TooOld)
        } else if self.bit(age) {
            Err(ReplayError::Duplicate)
        } else {
            Ok(())
        }
    }

    /// Records an authenticated `seq`, sliding the window if it is new.
    pub fn accept(&mut self, seq: u32) {
        if self.size == 0 {
            self.top = self.top.max(seq);
            return;
        }
        if seq > self.top {
            self.shift(seq - self.top);
            self.top = seq;
            self.set(0);
        } else {
            self.set(self.top - seq);
        }
    }

    /// Moves every bit `by` places older, dropping those past the window.
    fn shift(&mut self, by: u32) {
        if by >= self.size {
            self.bits.iter_mut().for_each(|w| *w = 0);
            return;
        }
        let (words, bits) = ((by / 64) as usize, by % 64);
        let n = self.bits.len();
        for i in (0..n).rev() {
            let from = i.checked_sub(words);
            let high = from.map_or(0, |f| self.bits[f] << bits);
            let carry = match (from.and_then(|f| f.checked_sub(1)), bits) {
                (Some(f), b) if b > 0 => self.bits[f] >> (64 - b),
                _ => 0,
            };
            self.bits[i] = high | carry;
        }
        // Bits beyond the window size are forgotten.
        let extra = (n as u32) * 64 - self.size;
        if extra > 0 {
            if let Some(last) = self.bits.last_mut() {
                *last &= u64::MAX >> extra;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn duplicates_old_and_far_ahead() {
        let mut w = ReplayWindow::new(32);
        for seq in [1, 2, 3, 5] {
            assert_eq!(w.check(seq), Ok(()));
            w.accept(seq);
        }
        assert_eq!(w.check(3), Err(ReplayError::Duplicate));
        assert_eq!(w.check(4), Ok(()), "a late packet inside the window");
        assert_eq!(w.check(0), Err(ReplayError::Zero));
        w.accept(1000);
        assert_eq!(w.check(968), Err(ReplayError::TooOld));
        assert_eq!(w.check(969), Ok(()));
        assert_eq!(w.check(1000), Err(ReplayError::Duplicate));
        assert_eq!(w.check(5), Err(ReplayError::TooOld));
    }

    #[test]
    fn disabled_window_accepts_everything() {
        let mut w = ReplayWindow::new(0);
        w.accept(7);
        assert_eq!(w.check(7), Ok(()));
        assert_eq!(w.check(0), Ok(()));
    }

    #[test]
    fn near_the_end_of_the_sequence_space() {
        let mut w = ReplayWindow::new(64);
        w.accept(u32::MAX - 1);
        assert_eq!(w.check(u32::MAX), Ok(()));
        w.accept(u32::MAX);
        assert_eq!(w.check(u32::MAX), Err(ReplayError::Duplicate));
        assert_eq!(w.check(u32::MAX - 1), Err(ReplayError::Duplicate));
        assert_eq!(w.check(u32::MAX - 64), Err(ReplayError::TooOld));
    }

    proptest! {
        /// The bitmap agrees with a plain set of what was accepted, for any
        /// window size and any arrival order.
        #[test]
        fn agrees_with_a_model(size in 1u32..300, seqs in prop::collection::vec(1u32..2000, 1..400)) {
            let mut w = ReplayWindow::new(size);
            let mut seen = std::collections::BTreeSet::new();
            let mut top = 0u32;
            for seq in seqs {
                let expected = if seq > top {
                    Ok(())
                } else if top - seq >= size {
                    Err(ReplayError::TooOld)
                } else if seen.contains(&seq) {
                    Err(ReplayError::Duplicate)
                } else {
                    Ok(())
                };
                prop_assert_eq!(w.check(seq), expected);
                if expected.is_ok() {
                    w.accept(seq);
                    seen.insert(seq);
                    top = top.max(seq);
                }
            }
        }
    }
}
