//! Which variations an exploration runs: variation k's seed and values
//! come from the exploration's seed and k alone, so any machine computes
//! the same variation k, and `--partition K/N` can hand each machine a
//! share of the k's.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::scenario::vary::Variable;

/// One variation: a seed for the run and a value for every variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variation {
    /// 1-based, as the summary numbers them.
    pub index: usize,
    pub seed: u64,
    pub values: Vec<(String, String)>,
}

impl Variation {
    /// `seed=… name=value …`, as the summary and JUnit name it.
    pub fn describe(&self) -> String {
        let mut s = format!("seed={}", self.seed);
        for (name, value) in &self.values {
            s.push_str(&format!(" {name}={value}"));
        }
        s
    }
}

/// `--partition K/N` (also written `count:K/N`, as `cargo nextest` does):
/// this machine runs the variations whose index is K modulo N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    pub share: usize,
    pub of: usize,
}

impl Partition {
    pub const WHOLE: Partition = Partition { share: 1, of: 1 };

    pub fn parse(text: &str) -> Result<Partition, String> {
        let t = text.strip_prefix("count:").unwrap_or(text);
        let bad = || format!("`{text}`: expected K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = t.split_once('/').ok_or_else(bad)?;
        let (share, of) = (
            k.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if share == 0 || share > of {
            return Err(bad());
        }
        Ok(Partition { share, of })
    }

    /// Whether variation `index` (1-based) is this partition's.
    pub fn has(&self, index: usize) -> bool {
        (index - 1) % self.of == self.share - 1
    }
}

/// SplitMix64's finaliser: an exploration seed and an index to a seed
/// for that variation's generator, well spread for nearby inputs.
fn mix(seed: u64, index: usize) -> u64 {
    let mut z = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Variation `index` of an exploration seeded with `seed`.
pub fn variation(seed: u64, index: usize, vars: &[Variable]) -> Variation {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, index));
    let run_seed = rng.next_u64();
    let values = vars
        .iter()
        .map(|v| (v.name.clone(), v.domain.sample(&mut rng)))
        .collect();
    Variation {
        index,
        seed: run_seed,
        values,
    }
}

/// The variations 1..=runs that `part` runs.
pub fn variations(seed: u64, runs: usize, vars: &[Variable], part: Partition) -> Vec<Variation> {
    (1..=runs)
        .filter(|k| part.has(*k))
        .map(|k| variation(seed, k, vars))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_split_the_runs_without_overlap_or_gaps() {
        let parts: Vec<Partition> = (1..=3).map(|k| Partition { share: k, of: 3 }).collect();
        for i in 1..=10 {
            assert_eq!(parts.iter().filter(|p| p.has(i)).count(), 1, "run {i}");
        }
        assert_eq!(Partition::parse("count:2/3"), Ok(parts[1]));
        assert_eq!(Partition::parse("3/3"), Ok(parts[2]));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Partition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_variation_depends_on_the_seed_and_its_index_only() {
        let whole = variations(9, 6, &[], Partition::WHOLE);
        let second = variations(9, 6, &[], Partition { share: 2, of: 2 });
        assert_eq!(
            second,
            vec![whole[1].clone(), whole[3].clone(), whole[5].clone()]
        );
        assert_ne!(whole[0].seed, whole[1].seed);
        assert_ne!(variation(8, 1, &[]).seed, whole[0].seed);
    }
}
