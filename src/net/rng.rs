//! Seeded random streams: one ChaCha stream per purpose ("link:wan",
//! "node:left"), so adding a node or link changes no other stream's bytes.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// FNV-1a, a stable hash of the purpose name (std's hasher is not stable).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The random stream for `purpose` under the scenario `seed`.
pub fn stream(seed: u64, purpose: &str) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(fnv1a(purpose));
    rng
}

/// A uniform float in [0, 1).
pub fn unit(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a1 = stream(1, "node:a").next_u64();
        let a2 = stream(1, "node:a").next_u64();
        let b = stream(1, "node:b").next_u64();
        let a_other_seed = stream(2, "node:a").next_u64();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
        assert_ne!(a1, a_other_seed);
        let mut r = stream(7, "x");
        assert!(
            (0..1000)
                .map(|_| unit(&mut r))
                .all(|u| (0.0..1.0).contains(&u))
        );
    }
}
