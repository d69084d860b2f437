//! The parts every page shares: escaping, the stylesheet, head and foot.
//!
//! The pages are written with `format!` rather than a template crate:
//! they are a few tables, lists and inline SVG drawings whose every value
//! passes through [`esc`]; a template engine would add a macro layer and
//! a dependency for no check we do not already have.

use std::fmt::Write as _;

/// Text made safe for HTML and SVG: the JUnit report's escaping, which
/// covers element content and quoted attributes alike.
pub use crate::report::xml_escape as esc;

/// One stylesheet for the index and the reports; `:target` highlights the
/// trace or log line a verdict links to, without any script.
const STYLE: &str = "
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2327;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.pass{color:#116b2e;font-weight:600}.fail{color:#b3261e;font-weight:600}
.muted{color:#666}code,pre{font:12px/1.35 ui-monospace,monospace}
pre.listing{max-height:32em;overflow:auto;background:#fafafa;border:1px solid #ddd;padding:.4em}
pre.listing span{display:block;white-space:pre}pre.listing span:target{background:#ffe08a}
pre.listing a.n{display:inline-block;width:5em;color:#999;text-decoration:none}
.refs a{margin-right:.4em}
svg{display:block;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif}
svg .mono{font:10px ui-monospace,monospace}
.scroll{overflow:auto;max-height:60em;border:1px solid #eee}
";

/// The document up to the opening of its body.
pub fn head(title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    );
    s
}

pub const FOOT: &str = "</body></html>\n";

/// `PASS` or `FAIL` in its colour.
pub fn status(passed: bool) -> &'static str {
    if passed {
        "<span class=\"pass\">PASS</span>"
    } else {
        "<span class=\"fail\">FAIL</span>"
    }
}

/// Seconds with milliseconds, as the summary line prints them.
pub fn seconds(micros: i64) -> String {
    format!("{:.3}s", micros as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt; "
        );
    }
}
