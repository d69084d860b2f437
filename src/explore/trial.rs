//! Running one variation of a scenario and keeping what failed.

use std::path::Path;

use crate::scenario;
use crate::sim::{self, RunOptions};
use crate::verdict::check_all;

use super::plan::Variation;

/// An expectation that failed: its file line, what it expected and what
/// was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub line: u32,
    pub what: String,
    pub seen: String,
}

/// How one variation went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trial {
    /// The scenario would not load or run with these values.
    pub error: Option<String>,
    pub failures: Vec<Failure>,
    /// Expectations checked, and left out by their `when:`.
    pub checked: usize,
    pub skipped: usize,
}

impl Trial {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }

    /// Whether this trial fails the way `first` did: with an error if
    /// `first` had one, else with one of the same expectations failing.
    pub fn fails_like(&self, first: &Trial) -> bool {
        match &first.error {
            Some(_) => self.error.is_some(),
            None => self
                .failures
                .iter()
                .any(|f| first.failures.iter().any(|g| g.line == f.line)),
        }
    }
}

/// Loads the scenario with the variation's values and runs it, writing
/// no files.
pub fn run(path: &Path, text: &str, v: &Variation) -> Trial {
    let s = match scenario::load_varied(path, text, &v.values) {
        Ok(s) => s,
        Err(e) => return errored(e.to_string()),
    };
    let opts = RunOptions {
        seed: Some(v.seed),
        ..RunOptions::default()
    };
    let outcome = match sim::run(&s, &opts, |_| {}) {
        Ok(o) => o,
        Err(e) => return errored(format!("{}: {e}", path.display())),
    };
    let verdicts = check_all(&s, &outcome);
    Trial {
        error: None,
        checked: verdicts.len(),
        skipped: s.skipped.len(),
        failures: verdicts
            .into_iter()
            .filter(|v| !v.passed)
            .map(|v| Failure {
                line: v.line,
                what: v.what,
                seen: v.detail,
            })
            .collect(),
    }
}

fn errored(error: String) -> Trial {
    Trial {
        error: Some(error),
        ..Trial::default()
    }
}
