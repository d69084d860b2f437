//! `vpnlab explore`: property testing from the command line. A scenario's
//! `vary:` section (see [`crate::scenario::vary`]) says which values may
//! change; each variation draws a seed and a value for each of them, runs
//! the scenario and checks its expectations (those whose `when:` holds).
//! A failing variation is shrunk ([`shrink`]) and written as a standalone
//! scenario file with the shrunk values filled in.

pub mod plan;
pub mod shrink;
pub mod summary;
pub mod trial;

use std::path::{Path, PathBuf};

use crate::scenario::{self, vary};
use plan::{Partition, Variation};
use shrink::Shrunk;
use trial::Trial;

/// What to explore.
pub struct Options {
    pub runs: usize,
    /// The exploration's seed (default: the scenario's).
    pub seed: Option<u64>,
    pub part: Partition,
    pub jobs: usize,
}

/// One variation's result; a failure comes shrunk.
pub struct Explored {
    pub variation: Variation,
    pub trial: Trial,
    pub shrunk: Option<Shrunk>,
}

/// A whole exploration (or this partition's share of it).
pub struct Exploration {
    pub file: PathBuf,
    pub name: String,
    /// The scenario's text, for the standalone failure files.
    pub text: String,
    pub vars: Vec<vary::Variable>,
    pub file_seed: u64,
    pub seed: u64,
    pub runs: usize,
    pub part: Partition,
    pub results: Vec<Explored>,
}

impl Exploration {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.trial.passed()).count()
    }
}

/// Runs the exploration; `each` sees every result in variation order.
/// The scenario must load with its defaults, else the error comes back.
pub fn explore(
    path: &Path,
    opts: &Options,
    mut each: impl FnMut(&Explored),
) -> Result<Exploration, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read file: {e}", path.display()))?;
    let s = scenario::load_str(path, &text).map_err(|e| e.to_string())?;
    if let Some((name, _)) = s.links.iter().find(|(_, l)| l.tun.is_some()) {
        return Err(format!(
            "{}: link `{name}` has a tun: end; explore runs variations in virtual time, without the host",
            path.display()
        ));
    }
    let vars = vary::variables(&text).map_err(|p| {
        let (pos, m) = &p[0];
        format!("{}:{}:{}: {m}", path.display(), pos.line, pos.column)
    })?;
    let seed = opts.seed.unwrap_or(s.seed);
    let todo = plan::variations(seed, opts.runs, &vars, opts.part);
    let mut results = Vec::with_capacity(todo.len());
    crate::jobs::in_order(
        todo.len(),
        opts.jobs,
        |i| one(path, &text, &todo[i], s.seed, &vars),
        |_, r| {
            each(&r);
            results.push(r);
        },
    );
    Ok(Exploration {
        file: path.to_path_buf(),
        name: s.name.value.clone(),
        text,
        vars,
        file_seed: s.seed,
        seed,
        runs: opts.runs,
        part: opts.part,
        results,
    })
}

fn one(
    path: &Path,
    text: &str,
    v: &Variation,
    file_seed: u64,
    vars: &[vary::Variable],
) -> Explored {
    let t = trial::run(path, text, v);
    let shrunk = (!t.passed())
        .then(|| shrink::shrink(v, &t, file_seed, vars, |w| trial::run(path, text, w)));
    Explored {
        variation: v.clone(),
        trial: t,
        shrunk,
    }
}
