//! Reports of a run: the summary line per scenario, verdict lines, and
//! JUnit XML for CI systems.

use std::fmt::Write as _;
use std::time::Duration as WallDuration;

use crate::sim::Outcome;
use crate::verdict::expect::Verdict;

/// The result of one scenario file.
pub struct ScenarioReport {
    pub file: String,
    pub name: String,
    pub outcome: Option<Outcome>,
    pub verdicts: Vec<Verdict>,
    /// Expectations a `when:` left out: file line and condition.
    pub skipped: Vec<(u32, String)>,
    /// Set when the scenario could not be loaded or run.
    pub error: Option<String>,
    /// What `vpnlab check` would warn of, each `file:line:column: ...`.
    pub warnings: Vec<String>,
    pub wall: WallDuration,
}

impl ScenarioReport {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.verdicts.iter().all(|v| v.passed)
    }

    /// `PASS name  sim 10.000s  wall 0.012s  packets 42  expectations 3/3`
    pub fn summary_line(&self) -> String {
        let status = if self.passed() { "PASS" } else { "FAIL" };
        let Some(o) = &self.outcome else {
            return format!("{status} {}", self.name);
        };
        let passed = self.verdicts.iter().filter(|v| v.passed).count();
        format!(
            "{status} {}  sim {:.3}s  wall {:.3}s  packets {}  expectations {}/{}{}",
            self.name,
            o.end.total_micros() as f64 / 1e6,
            self.wall.as_secs_f64(),
            o.total_packets(),
            passed,
            self.verdicts.len(),
            realtime_note(o)
        )
    }

    /// The counters of link ends that are not nodes (TUN devices): what
    /// crossed between the host and the simulation.
    pub fn end_lines(&self) -> Vec<String> {
        let Some(o) = &self.outcome else {
            return Vec::new();
        };
        o.ends
            .iter()
            .map(|(name, counters)| {
                let list: Vec<String> = counters
                    .iter()
                    .filter(|(k, n)| *n > 0 || matches!(*k, "read" | "written"))
                    .map(|(k, n)| format!("{k}={n}"))
                    .collect();
                format!("  {name}: {}", list.join(" "))
            })
            .collect()
    }

    /// Lines for failed expectations (all expectations when `verbose`).
    pub fn verdict_lines(&self, verbose: bool) -> Vec<String> {
        self.verdicts
            .iter()
            .filter(|v| verbose || !v.passed)
            .map(|v| {
                let mark = if v.passed { "ok  " } else { "FAIL" };
                format!(
                    "  {mark} {}:{}: {}\n       seen: {}",
                    self.file, v.line, v.what, v.detail
                )
            })
            .chain(self.skipped.iter().filter(|_| verbose).map(|(line, when)| {
                format!(
                    "  skip {}:{line}: not checked: `when: {when}` does not hold",
                    self.file
                )
            }))
            .collect()
    }

    /// Drop counters of nodes and links that dropped anything.
    pub fn drop_lines(&self) -> Vec<String> {
        let Some(o) = &self.outcome else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for (name, c) in &o.nodes {
            let drops = c.drop_summary();
            if !drops.is_empty() {
                let list: Vec<String> = drops.iter().map(|(r, n)| format!("{r}={n}")).collect();
                lines.push(format!(
                    "  node {name}: forwarded={} dropped {}",
                    c.forwarded,
                    list.join(" ")
                ));
            }
        }
        for ike in o.ike.iter().filter(|r| !r.dropped.is_empty()) {
            let list: Vec<String> = ike
                .dropped
                .iter()
                .map(|(r, n)| format!("{r}={n}"))
                .collect();
            lines.push(format!(
                "  node {}: racoon dropped {}",
                ike.node,
                list.join(" ")
            ));
        }
        for (node, sas) in &o.sas {
            for sa in sas {
                let c = &sa.counters;
                if c.replay_drops + c.integrity_failures > 0 {
                    lines.push(format!(
                        "  node {node}: SA {} {}->{} spi=0x{:08x}: packets={} replay-drops={} integrity-failures={}",
                        sa.proto.name(),
                        sa.src,
                        sa.dst,
                        sa.spi,
                        c.packets,
                        c.replay_drops,
                        c.integrity_failures
                    ));
                }
            }
        }
        for l in &o.links {
            let c = &l.counters;
            if c.lost + c.dropped_down + c.dropped_queue_full > 0 {
                lines.push(format!(
                    "  link {}: sent={} lost={} duplicated={} down={} queue-full={}",
                    l.name, c.sent, c.lost, c.duplicated, c.dropped_down, c.dropped_queue_full
                ));
            }
        }
        lines
    }
}

/// What the summary says of a real-time run.
fn realtime_note(o: &Outcome) -> &'static str {
    match &o.realtime {
        None => "",
        Some(r) if r.interrupted => "  real time, interrupted (not byte-deterministic)",
        Some(_) => "  real time (not byte-deterministic)",
    }
}

/// Text made safe for XML and HTML: element content and quoted
/// attributes (the JUnit report and the HTML pages).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a test suite per scenario, a test case per expectation.
pub fn junit(reports: &[ScenarioReport]) -> String {
    let mut x =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vpnlab\">\n");
    for r in reports {
        let cases = r.verdicts.len().max(1);
        let failures = if r.error.is_some() {
            1
        } else {
            r.verdicts.iter().filter(|v| !v.passed).count()
        };
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{cases}\" failures=\"{failures}\" time=\"{:.3}\">",
            xml_escape(&r.name),
            r.wall.as_secs_f64()
        );
        let note = r.outcome.as_ref().map_or("", realtime_note).trim();
        if !note.is_empty() {
            let _ = writeln!(
                x,
                "    <properties><property name=\"run\" value=\"{note}\"/></properties>"
            );
        }
        if let Some(e) = &r.error {
            let _ = writeln!(
                x,
                "    <testcase name=\"run\" classname=\"{}\">",
                xml_escape(&r.name)
            );
            let _ = writeln!(
                x,
                "      <failure message=\"{}\"/>\n    </testcase>",
                xml_escape(e)
            );
        }
        for v in &r.verdicts {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml_escape(&v.what),
                xml_escape(&r.name)
            );
            if v.passed {
                x.push_str("/>\n");
            } else {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{}\">{}:{}: {}</failure>\n    </testcase>",
                    xml_escape(&v.detail),
                    xml_escape(&r.file),
                    v.line,
                    xml_escape(&v.detail)
                );
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_escapes_and_counts_failures() {
        let r = ScenarioReport {
            warnings: Vec::new(),
            skipped: Vec::new(),
            file: "a.yaml".into(),
            name: "a<b".into(),
            outcome: None,
            verdicts: vec![
                Verdict {
                    what: "x & y".into(),
                    passed: true,
                    detail: "ok".into(),
                    line: 3,
                    evidence: Vec::new(),
                },
                Verdict {
                    what: "z".into(),
                    passed: false,
                    detail: "saw \"0\"".into(),
                    line: 4,
                    evidence: Vec::new(),
                },
            ],
            error: None,
            wall: WallDuration::from_millis(5),
        };
        let xml = junit(&[r]);
        assert!(xml.contains("name=\"a&lt;b\" tests=\"2\" failures=\"1\""));
        assert!(xml.contains("x &amp; y"));
        assert!(xml.contains("saw &quot;0&quot;"));
    }
}
