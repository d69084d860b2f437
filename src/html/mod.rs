//! What a person opens after a run: `captures/index.html` (every
//! scenario, pass or fail, wall and simulated time) and, per scenario,
//! `report.html`: each expectation with what was expected and seen,
//! linked to its trace and log lines; the topology; the message-sequence
//! picture; SA lifetimes; the trace and logs themselves. Self-contained:
//! inline SVG and CSS, no script, nothing fetched. A report is the same
//! bytes for the same scenario and seed (its wall time is in the index
//! only).

mod ladder;
mod layout;
mod lifetimes;
mod listing;
mod page;
mod rows;
mod said;
mod topology;

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::observe::TmpFile;
use crate::report::ScenarioReport;
use crate::scenario::Scenario;
use crate::sim::Outcome;
use crate::verdict::Verdict;
use page::{esc, head, seconds, status};

/// Evidence links shown per verdict; the rest are counted.
const LINKS_SHOWN: usize = 24;
/// Node logs the report carries (those a verdict points to come first).
const LOGS_SHOWN: usize = 20;

/// What one scenario's page is made from.
pub struct Run<'a> {
    pub scenario: &'a Scenario,
    /// The scenario file, as the command line named it.
    pub file: &'a str,
    pub outcome: &'a Outcome,
    pub verdicts: &'a [Verdict],
}

/// Writes `report.html` into the run's capture folder (none without one).
pub fn write_report(run: &Run<'_>) -> io::Result<Option<PathBuf>> {
    let Some(dir) = &run.outcome.dir else {
        return Ok(None);
    };
    let trace = std::fs::read_to_string(dir.join("trace.txt")).unwrap_or_default();
    let html = report(run, &trace);
    write(&dir.join("report.html"), &html).map(Some)
}

fn write(path: &Path, html: &str) -> io::Result<PathBuf> {
    let mut f = TmpFile::create(path)?;
    f.write_all(html.as_bytes())?;
    f.finish()
}

fn report(run: &Run<'_>, trace: &str) -> String {
    let o = run.outcome;
    let passed = run.verdicts.iter().all(|v| v.passed);
    let mut h = head(&format!("vpnlab: {}", o.scenario));
    let _ = write!(
        h,
        "<p><a href=\"../index.html\">all scenarios</a></p><h1>{} {}</h1>\
         <p class=\"muted\">{} · seed {} · simulated {} · {} packets</p>",
        status(passed),
        esc(&o.scenario),
        esc(run.file),
        o.seed,
        seconds(o.end.total_micros()),
        o.total_packets()
    );
    if !run.scenario.description.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(run.scenario.description.trim()));
    }
    expectations(&mut h, run);
    let drawing = topology::draw(run.scenario, o);
    let _ = write!(
        h,
        "<h2 id=\"topology\">Topology</h2>{}\
         <h2 id=\"ladder\">Message sequence</h2><p class=\"muted\">Time runs down; each arrow \
         opens its trace line. IKE messages, drops and the first and last ESP packet of each SA \
         have rows of their own; other repeats fold into ×N.</p><div class=\"scroll\">{}</div>\
         <h2 id=\"lifetimes\">SA lifetimes</h2>{}",
        drawing.svg,
        ladder::draw(o, &drawing.order),
        lifetimes::draw(&o.sa_history, o.end)
    );
    let _ = write!(h, "<h2 id=\"trace\">trace.txt</h2>");
    listing::trace(&mut h, trace);
    logs(&mut h, run);
    files(&mut h, o);
    h.push_str(page::FOOT);
    h
}

/// Failing verdicts shown per template line of a group; the rest are
/// counted.
const FAILURES_SHOWN: usize = 50;

fn expectations(h: &mut String, run: &Run<'_>) {
    h.push_str(
        "<h2 id=\"expectations\">Expectations</h2><table class=\"verdicts\"><tr><th></th>\
         <th>line</th><th>expected</th><th>seen</th><th>about</th></tr>",
    );
    // A group's expectations share their template's line: the passing
    // ones of a line are one row, its failures each their own.
    let mut at = 0;
    while at < run.verdicts.len() {
        let line = run.verdicts[at].line;
        let same = run.verdicts[at..]
            .iter()
            .take_while(|v| v.line == line)
            .count();
        let group = &run.verdicts[at..at + same];
        at += same;
        if same == 1 {
            verdict_row(h, run.file, &group[0], "");
            continue;
        }
        let failed: Vec<&Verdict> = group.iter().filter(|v| !v.passed).collect();
        for v in failed.iter().take(FAILURES_SHOWN) {
            verdict_row(h, run.file, v, "");
        }
        let passed = same - failed.len();
        if let Some(first) = group.iter().find(|v| v.passed) {
            let note = format!(
                " (and {} more members like it: {passed} of {same} passed)",
                passed - 1
            );
            verdict_row(h, run.file, first, &note);
        }
        if failed.len() > FAILURES_SHOWN {
            let _ = write!(
                h,
                "<tr><td></td><td></td><td colspan=\"3\">{} more failures on line {line}</td></tr>",
                failed.len() - FAILURES_SHOWN
            );
        }
    }
    for (line, when) in &run.scenario.skipped {
        let _ = write!(
            h,
            "<tr class=\"skip\"><td>–</td><td>{}:{line}</td><td colspan=\"3\">not checked: <code>when: {}</code> does not hold</td></tr>",
            esc(run.file),
            esc(when)
        );
    }
    h.push_str("</table>\n");
}

fn verdict_row(h: &mut String, file: &str, v: &Verdict, note: &str) {
    let mut refs = String::new();
    for e in v.evidence.iter().take(LINKS_SHOWN) {
        let (href, text) = listing::link(e);
        let _ = write!(refs, "<a href=\"{}\">{}</a>", esc(&href), esc(&text));
    }
    if v.evidence.len() > LINKS_SHOWN {
        let _ = write!(refs, "+{} more", v.evidence.len() - LINKS_SHOWN);
    }
    let _ = write!(
        h,
        "<tr class=\"verdict\" data-passed=\"{}\"><td>{}</td><td>{}:{}</td><td>{}{}</td>\
         <td>{}</td><td class=\"refs\">{refs}</td></tr>",
        v.passed,
        status(v.passed),
        esc(file),
        v.line,
        esc(&v.what),
        esc(note),
        esc(&v.detail)
    );
}

/// The logs of the key daemons: those a verdict points to, then the
/// others, up to [`LOGS_SHOWN`].
fn logs(h: &mut String, run: &Run<'_>) {
    let pointed: std::collections::HashSet<&str> = run
        .verdicts
        .iter()
        .flat_map(|v| &v.evidence)
        .filter_map(|e| match e {
            crate::verdict::Evidence::Log { node, .. } => Some(node.as_str()),
            crate::verdict::Evidence::Trace(_) => None,
        })
        .collect();
    let mut reports: Vec<_> = run.outcome.ike.iter().collect();
    reports.sort_by_key(|r| !pointed.contains(r.node.as_str()));
    for r in reports.iter().take(LOGS_SHOWN) {
        let _ = write!(h, "<h2 id=\"log-{0}\">{0}.log</h2>", esc(&r.node));
        listing::log(h, &r.node, &r.log);
    }
    if reports.len() > LOGS_SHOWN {
        let _ = write!(
            h,
            "<p class=\"muted\">{} more node logs are in the capture folder.</p>",
            reports.len() - LOGS_SHOWN
        );
    }
}

/// Links to the run's other files, by name, beside the report.
fn files(h: &mut String, o: &Outcome) {
    let Some(dir) = &o.dir else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "report.html" && !n.ends_with(".tmp"))
        .collect();
    names.sort();
    h.push_str("<h2 id=\"files\">Files</h2><p>");
    for n in names.iter().take(200) {
        let _ = write!(h, "<a href=\"{0}\">{0}</a> ", esc(n));
    }
    h.push_str("</p>\n");
}

/// Writes `index.html` into `out`: a row per scenario, linked to its page.
pub fn write_index(out: &Path, reports: &[ScenarioReport]) -> io::Result<PathBuf> {
    let passed = reports.iter().filter(|r| r.passed()).count();
    let mut h = head("vpnlab: scenarios");
    let _ = write!(
        h,
        "<h1>vpnlab</h1><p>{passed} passed, {} failed</p><table class=\"scenarios\"><tr>\
         <th></th><th>scenario</th><th>simulated</th><th>wall</th><th>packets</th>\
         <th>expectations</th></tr>",
        reports.len() - passed
    );
    for r in reports {
        index_row(&mut h, r);
    }
    h.push_str("</table>\n");
    h.push_str(page::FOOT);
    std::fs::create_dir_all(out)?;
    write(&out.join("index.html"), &h)
}

fn index_row(h: &mut String, r: &ScenarioReport) {
    let ok = r.verdicts.iter().filter(|v| v.passed).count();
    let (name, sim, packets) = match &r.outcome {
        Some(o) => {
            let folder = o
                .dir
                .as_ref()
                .and_then(|d| d.file_name())
                .map(|f| f.to_string_lossy());
            let name = match folder {
                Some(f) => format!("<a href=\"{}/report.html\">{}</a>", esc(&f), esc(&r.name)),
                None => esc(&r.name),
            };
            (
                name,
                seconds(o.end.total_micros()),
                o.total_packets().to_string(),
            )
        }
        None => (esc(&r.name), String::new(), String::new()),
    };
    let error = r
        .error
        .as_ref()
        .map(|e| format!("<br><span class=\"fail\">{}</span>", esc(e)))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<tr class=\"scenario\" data-passed=\"{}\"><td>{}</td><td>{name}{error}</td><td>{sim}</td>\
         <td class=\"wall\">{}</td><td>{packets}</td><td>{ok}/{}</td></tr>",
        r.passed(),
        status(r.passed()),
        seconds(r.wall.as_micros() as i64),
        r.verdicts.len()
    );
}
