//! Shrinking a failing variation: the fewest values that differ from the
//! file's own (its seed and the `vary:` defaults), and each range value
//! as near its default as still fails, the way proptest shrinks a case
//! towards its simplest value.

use crate::scenario::vary::Variable;

use super::plan::Variation;
use super::trial::Trial;

/// How far bisection goes on one range value.
const BISECTIONS: usize = 12;

/// What shrinking found.
pub struct Shrunk {
    pub variation: Variation,
    /// The trial of the shrunk values (it fails like the first).
    pub trial: Trial,
    /// Runs it took.
    pub runs: usize,
}

/// Shrinks `failing` (whose trial is `first`): `try_it` runs a
/// variation. A value goes back to the file's when the failure stays
/// without it; then each range value left moves towards its default by
/// bisection while the failure stays.
pub fn shrink(
    failing: &Variation,
    first: &Trial,
    file_seed: u64,
    vars: &[Variable],
    mut try_it: impl FnMut(&Variation) -> Trial,
) -> Shrunk {
    let mut best = failing.clone();
    let mut trial = first.clone();
    let mut runs = 0;
    let mut attempt = |v: &Variation, best: &mut Variation, trial: &mut Trial| {
        runs += 1;
        let t = try_it(v);
        let keep = t.fails_like(first);
        if keep {
            *best = v.clone();
            *trial = t;
        }
        keep
    };
    if best.seed != file_seed {
        let v = Variation {
            seed: file_seed,
            ..best.clone()
        };
        attempt(&v, &mut best, &mut trial);
    }
    for (k, var) in vars.iter().enumerate() {
        if best.values[k].1 != var.default {
            let mut v = best.clone();
            v.values[k].1 = var.default.clone();
            attempt(&v, &mut best, &mut trial);
        }
    }
    for (k, var) in vars.iter().enumerate() {
        let (Some(goal), Some(mut bad)) = (
            var.domain.point(&var.default),
            var.domain.point(&best.values[k].1),
        ) else {
            continue;
        };
        // `good` passes (or fails otherwise), `bad` fails like the first.
        let mut good = goal;
        for _ in 0..BISECTIONS {
            let mid = good + (bad - good) / 2;
            if mid == good || mid == bad {
                break;
            }
            let mut v = best.clone();
            v.values[k].1 = var.domain.value_at(mid);
            if attempt(&v, &mut best, &mut trial) {
                bad = mid;
            } else {
                good = mid;
            }
        }
    }
    Shrunk {
        variation: best,
        trial,
        runs,
    }
}

/// The variables whose shrunk value differs from the default.
pub fn differing<'a>(v: &'a Variation, vars: &'a [Variable]) -> Vec<(&'a str, &'a str)> {
    v.values
        .iter()
        .zip(vars)
        .filter(|((_, value), var)| *value != var.default)
        .map(|((name, value), _)| (name.as_str(), value.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::trial::Failure;
    use crate::scenario::Pos;
    use crate::scenario::vary::Domain;

    fn var(name: &str, domain: Domain, default: &str) -> Variable {
        Variable {
            name: name.into(),
            domain,
            default: default.into(),
            pos: Pos::default(),
        }
    }

    fn fails(line: u32) -> Trial {
        Trial {
            failures: vec![Failure {
                line,
                what: String::new(),
                seen: String::new(),
            }],
            ..Trial::default()
        }
    }

    /// A failure planted at loss >= 7% whatever the mode: shrinking puts
    /// the mode and the seed back and finds 7% exactly.
    #[test]
    fn shrinks_to_the_one_value_that_matters_at_its_threshold() {
        let vars = vec![
            var(
                "loss",
                Domain::Range {
                    low: 0,
                    high: 40,
                    decimals: 0,
                    unit: "%".into(),
                },
                "0%",
            ),
            var(
                "mode",
                Domain::Choice(vec!["main".into(), "aggressive".into()]),
                "main",
            ),
        ];
        let failing = Variation {
            index: 3,
            seed: 99,
            values: vec![
                ("loss".into(), "31%".into()),
                ("mode".into(), "aggressive".into()),
            ],
        };
        let run = |v: &Variation| {
            let loss: i64 = v.values[0].1.trim_end_matches('%').parse().unwrap();
            if loss >= 7 {
                fails(10)
            } else {
                Trial::default()
            }
        };
        let s = shrink(&failing, &fails(10), 1, &vars, run);
        assert_eq!(s.variation.seed, 1);
        assert_eq!(differing(&s.variation, &vars), vec![("loss", "7%")]);
        assert!(s.runs < 12, "{} runs", s.runs);
    }

    /// A different expectation failing is not the same failure.
    #[test]
    fn keeps_a_value_whose_removal_changes_which_expectation_fails() {
        let vars = vec![var(
            "mode",
            Domain::Choice(vec!["a".into(), "b".into()]),
            "a",
        )];
        let failing = Variation {
            index: 1,
            seed: 5,
            values: vec![("mode".into(), "b".into())],
        };
        let run = |v: &Variation| {
            if v.values[0].1 == "b" {
                fails(10)
            } else {
                fails(20)
            }
        };
        let s = shrink(&failing, &fails(10), 5, &vars, run);
        assert_eq!(differing(&s.variation, &vars), vec![("mode", "b")]);
    }
}
