//! Finding scenario files and running one file to a report; shared by the
//! CLI and the test harness.

use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

use crate::html;
use crate::report::ScenarioReport;
use crate::scenario;
use crate::sim::{self, RunOptions};
use crate::verdict::expect;

/// Scenario files under `paths` (files as given, folders searched
/// recursively for `*.yaml` / `*.yml`), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect(p, &mut files)
                .map_err(|e| format!("{}: cannot read folder: {e}", p.display()))?;
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads, runs and checks one scenario file; its warnings come back in
/// the report (runs in parallel print them in file order).
pub fn run_file(
    path: &Path,
    opts: &RunOptions,
    progress: impl FnMut(&str, Instant, Instant),
) -> ScenarioReport {
    let started = std::time::Instant::now();
    let file = path.display().to_string();
    let fallback_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s = match scenario::load_file(path) {
        Ok(s) => s,
        Err(e) => return failed(file, fallback_name, e.to_string(), started),
    };
    let name = s.name.value.clone();
    let end = Instant::ZERO + s.duration.0;
    let mut progress = progress;
    let mut outcome = match sim::run(&s, opts, |now| progress(&name, now, end)) {
        Ok(o) => o,
        Err(e) => {
            let mut report = failed(file, name, format!("{}: {e}", path.display()), started);
            report.warnings = s.warnings;
            return report;
        }
    };
    let verdicts = expect::check_all(&s, &outcome);
    let wall = started.elapsed();
    let page = html::Run {
        scenario: &s,
        file: &file,
        outcome: &outcome,
        verdicts: &verdicts,
    };
    let error = html::write_report(&page)
        .err()
        .map(|e| format!("{}: cannot write report.html: {e}", path.display()));
    // The report drew every packet; the summary needs none of them.
    outcome.hops = Vec::new();
    ScenarioReport {
        file,
        name,
        outcome: Some(outcome),
        verdicts,
        skipped: s.skipped.clone(),
        error,
        warnings: s.warnings,
        wall,
    }
}

fn failed(
    file: String,
    name: String,
    error: String,
    started: std::time::Instant,
) -> ScenarioReport {
    ScenarioReport {
        file,
        name,
        outcome: None,
        verdicts: Vec::new(),
        skipped: Vec::new(),
        error: Some(error),
        warnings: Vec::new(),
        wall: started.elapsed(),
    }
}
