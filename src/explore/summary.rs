//! What an exploration says: lines for the terminal and `summary.txt`,
//! JUnit XML (one test case per variation), and each shrunk failure as a
//! standalone scenario file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::report::xml_escape;
use crate::scenario::vary;

use super::shrink::differing;
use super::{Exploration, Explored};

/// `explore planted-loss: runs 1-20 of 20 (partition 1/1), seed 7`
pub fn heading(e: &Exploration) -> String {
    format!(
        "explore {} ({}): {} of {} runs (partition {}/{}), explore seed {}",
        e.name,
        e.file.display(),
        e.results.len(),
        e.runs,
        e.part.share,
        e.part.of,
        e.seed
    )
}

/// The lines of one variation: a PASS line, or FAIL with what failed,
/// the shrunk values and the file they were written to.
pub fn lines(e: &Exploration, r: &Explored, file: Option<&Path>) -> Vec<String> {
    let status = if r.trial.passed() { "PASS" } else { "FAIL" };
    let mut out = vec![format!(
        "{status} #{:<4} {}",
        r.variation.index,
        r.variation.describe()
    )];
    if let Some(err) = &r.trial.error {
        out.push(format!("       error: {}", first_line(err)));
    }
    for f in &r.trial.failures {
        out.push(format!(
            "       {}:{}: {}\n         seen: {}",
            e.file.display(),
            f.line,
            f.what,
            f.seen
        ));
    }
    if let Some(s) = &r.shrunk {
        let diff: Vec<String> = differing(&s.variation, &e.vars)
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let seed = if s.variation.seed == e.file_seed {
            String::new()
        } else {
            format!(" seed={}", s.variation.seed)
        };
        let values = if diff.is_empty() && seed.is_empty() {
            "the file's own values".to_string()
        } else {
            format!("{}{seed}", diff.join(" "))
        };
        out.push(format!(
            "       shrunk in {} runs to {}",
            s.runs,
            values.trim()
        ));
        if let Some(f) = file {
            out.push(format!("       standalone: {}", f.display()));
        }
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `N passed, M failed`, and how many checks `when:` left out.
pub fn totals(e: &Exploration) -> String {
    let failed = e.failed();
    let skipped: usize = e.results.iter().map(|r| r.trial.skipped).sum();
    let checked: usize = e.results.iter().map(|r| r.trial.checked).sum();
    format!(
        "{} passed, {failed} failed ({checked} expectations checked, {skipped} left out by `when:`)",
        e.results.len() - failed
    )
}

/// JUnit XML: a test suite for the exploration, a test case per
/// variation named by its number and values.
pub fn junit(e: &Exploration) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vpnlab explore\">\n",
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"explore {}\" tests=\"{}\" failures=\"{}\">",
        xml_escape(&e.name),
        e.results.len(),
        e.failed()
    );
    for r in &e.results {
        let _ = write!(
            x,
            "    <testcase name=\"#{} {}\" classname=\"{}\"",
            r.variation.index,
            xml_escape(&r.variation.describe()),
            xml_escape(&e.name)
        );
        if r.trial.passed() {
            x.push_str("/>\n");
            continue;
        }
        let message = lines(e, r, None)[1..].join("\n");
        let _ = writeln!(
            x,
            ">\n      <failure message=\"{}\"/>\n    </testcase>",
            xml_escape(message.trim())
        );
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

/// A shrunk failure as a scenario file of its own.
pub fn standalone(e: &Exploration, r: &Explored) -> Option<String> {
    let s = r.shrunk.as_ref()?;
    let mut note = format!(
        "vpnlab explore: variation #{} of {} (explore seed {}), shrunk in {} runs.\n",
        r.variation.index,
        e.file.display(),
        e.seed,
        s.runs
    );
    let _ = writeln!(note, "first: {}", r.variation.describe());
    let _ = writeln!(note, "shrunk: {}", s.variation.describe());
    for f in &s.trial.failures {
        let _ = writeln!(
            note,
            "fails: line {}: {} (seen: {})",
            f.line, f.what, f.seen
        );
    }
    if let Some(err) = &s.trial.error {
        let _ = writeln!(note, "fails: {}", first_line(err));
    }
    vary::standalone(
        &e.text,
        &s.variation.values,
        s.variation.seed,
        note.trim_end(),
    )
    .ok()
}

/// Writes `summary.txt`, `junit.xml` and a `failure-N.yaml` per failing
/// variation under `dir`, where N is the first variation that shrank to
/// those values (later ones name its file); the files by variation.
pub fn write(e: &Exploration, dir: &Path) -> std::io::Result<Vec<(usize, PathBuf)>> {
    std::fs::create_dir_all(dir)?;
    remove_old_failures(dir)?;
    let mut files: Vec<(usize, PathBuf)> = Vec::new();
    let mut written: Vec<(&super::plan::Variation, PathBuf)> = Vec::new();
    for r in &e.results {
        let Some(s) = &r.shrunk else { continue };
        let same = |w: &super::plan::Variation| {
            w.seed == s.variation.seed && w.values == s.variation.values
        };
        if let Some((_, path)) = written.iter().find(|(w, _)| same(w)) {
            files.push((r.variation.index, path.clone()));
            continue;
        }
        if let Some(text) = standalone(e, r) {
            let path = dir.join(format!("failure-{}.yaml", r.variation.index));
            std::fs::write(&path, text + "\n")?;
            written.push((&s.variation, path.clone()));
            files.push((r.variation.index, path));
        }
    }
    let mut text = heading(e) + "\n";
    for r in &e.results {
        let file = files
            .iter()
            .find(|(k, _)| *k == r.variation.index)
            .map(|(_, p)| p.as_path());
        for line in lines(e, r, file) {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text.push_str(&totals(e));
    text.push('\n');
    std::fs::write(dir.join("summary.txt"), text)?;
    std::fs::write(dir.join("junit.xml"), junit(e))?;
    Ok(files)
}

/// The failure files of an earlier exploration into the same folder.
fn remove_old_failures(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("failure-") && name.ends_with(".yaml") {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
