//! Finding an exchange without walking them all: racoon's `getph1byindex`
//! and friends walk a list, which a gateway with thousands of peers cannot
//! afford per message. ISAKMP SAs are found by their initiator cookie
//! (which never changes) through `by_cookie` (once there are more than a
//! walk is worth), and any exchange by its
//! serial: `ph1` and `ph2` keep their exchanges in serial order (each is
//! pushed as it is made, with the newest serial), so a binary search
//! finds it. Each lookup gives the position a walk would give.

use std::collections::HashMap;

use super::Racoon;
use super::answered::Answered;
use super::phase1::Phase1;

impl Racoon {
    /// Adds an ISAKMP SA (the newest serial) to the list and the index,
    /// which starts once there are more than a walk is worth.
    pub(super) fn add_phase1(&mut self, p: Phase1) {
        debug_assert!(self.ph1.last().is_none_or(|q| q.serial < p.serial));
        self.ph1.push(p);
        match &mut self.by_cookie {
            Some(index) => {
                let p = &self.ph1[self.ph1.len() - 1];
                index.entry(p.cky_i).or_default().push(p.serial);
            }
            None if self.ph1.len() > Answered::WALK => {
                let mut index: HashMap<[u8; 8], Vec<u32>> = HashMap::new();
                for p in &self.ph1 {
                    index.entry(p.cky_i).or_default().push(p.serial);
                }
                self.by_cookie = Some(index);
            }
            None => {}
        }
    }

    /// Takes ISAKMP SA `i` out of the list and the index.
    pub(super) fn remove_phase1(&mut self, i: usize) -> Phase1 {
        let p = self.ph1.remove(i);
        if let Some(index) = &mut self.by_cookie {
            if let Some(serials) = index.get_mut(&p.cky_i) {
                serials.retain(|s| *s != p.serial);
                if serials.is_empty() {
                    index.remove(&p.cky_i);
                }
            }
        }
        p
    }

    pub(super) fn forget_all_phases(&mut self) {
        self.ph1.clear();
        self.ph2.clear();
        self.by_cookie = None;
        self.ctx.answered.clear();
    }

    /// The position of ISAKMP SA `serial`.
    pub(super) fn ph1_at(&self, serial: u32) -> Option<usize> {
        self.ph1.binary_search_by_key(&serial, |p| p.serial).ok()
    }

    /// The position of phase 2 exchange `serial`.
    pub(super) fn ph2_at(&self, serial: u32) -> Option<usize> {
        debug_assert!(self.ph2.windows(2).all(|w| w[0].serial < w[1].serial));
        self.ph2.binary_search_by_key(&serial, |p| p.serial).ok()
    }

    /// The first ISAKMP SA with initiator cookie `cky_i` that `takes`.
    pub(super) fn ph1_by_cookie(
        &self,
        cky_i: [u8; 8],
        takes: impl Fn(&Phase1) -> bool,
    ) -> Option<usize> {
        let walk = || self.ph1.iter().position(|p| p.cky_i == cky_i && takes(p));
        let Some(index) = &self.by_cookie else {
            return walk();
        };
        let found = index
            .get(&cky_i)
            .into_iter()
            .flatten()
            .filter_map(|s| self.ph1_at(*s))
            .find(|i| takes(&self.ph1[*i]));
        debug_assert_eq!(found, walk());
        found
    }
}
