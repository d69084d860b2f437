//! trace.txt and the node logs inside the report, one anchor per line,
//! so that a verdict links to the line it is about.

use std::fmt::Write as _;

use super::page::esc;
use crate::verdict::Evidence;

/// Lines of trace.txt the report carries; later ones are in the file.
pub const TRACE_CAP: usize = 5000;
/// Lines per node log the report carries.
pub const LOG_CAP: usize = 3000;

/// The anchor of a log line.
pub fn log_anchor(node: &str, line: usize) -> String {
    format!(
        "l-{}-{line}",
        node.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    )
}

/// The link to one piece of evidence and its text.
pub fn link(e: &Evidence) -> (String, String) {
    match e {
        Evidence::Trace(n) if *n as usize <= TRACE_CAP => (format!("#t{n}"), format!("trace {n}")),
        Evidence::Trace(n) => ("trace.txt".into(), format!("trace {n}")),
        Evidence::Log { node, line } if *line <= LOG_CAP => (
            format!("#{}", log_anchor(node, *line)),
            format!("{node}.log {line}"),
        ),
        Evidence::Log { node, line } => (format!("{node}.log"), format!("{node}.log {line}")),
    }
}

/// A `<pre>` of numbered lines, each with its anchor `{prefix}{n}`.
fn numbered<'a>(
    out: &mut String,
    lines: impl Iterator<Item = &'a str>,
    anchor: impl Fn(usize) -> String,
    cap: usize,
    file: &str,
) {
    out.push_str("<pre class=\"listing\">");
    let mut n = 0;
    for line in lines {
        n += 1;
        if n > cap {
            continue;
        }
        let id = anchor(n);
        let _ = write!(
            out,
            "<span id=\"{id}\"><a class=\"n\" href=\"#{id}\">{n}</a>{}</span>",
            esc(line)
        );
    }
    if n > cap {
        let _ = write!(
            out,
            "<span class=\"muted\">… {} more lines in <a href=\"{f}\">{f}</a></span>",
            n - cap,
            f = esc(file)
        );
    }
    out.push_str("</pre>\n");
}

pub fn trace(out: &mut String, text: &str) {
    numbered(
        out,
        text.lines(),
        |n| format!("t{n}"),
        TRACE_CAP,
        "trace.txt",
    );
}

pub fn log(out: &mut String, node: &str, lines: &[String]) {
    let file = format!("{node}.log");
    numbered(
        out,
        lines.iter().map(String::as_str),
        |n| log_anchor(node, n),
        LOG_CAP,
        &file,
    );
}
