//! Runs a shipped scenario after exact text edits, with other
//! expectations in place of its own; every one must hold.

use std::path::Path;

use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};
use vpnlab::verdict::expect;

/// The text of scenarios/`name`.
pub fn scenario_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    std::fs::read_to_string(path).expect("scenario")
}

/// Runs `text` after `edits` (each an exact replacement of its first
/// occurrence), with `expect` as its only expectations.
pub fn holds(text: &str, edits: &[(&str, &str)], expect: &str) {
    let mut text = text.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "edit target missing: {from}");
        text = text.replacen(from, to, 1);
    }
    let cut = text.find("\nexpect:\n").expect("expect section");
    text.truncate(cut);
    text.push_str("\nexpect:\n");
    text.push_str(expect);
    let s = load_str(Path::new("edited.yaml"), &text).expect("valid scenario");
    let outcome = sim::run(&s, &RunOptions::default(), |_| {}).expect("run");
    for v in expect::check_all(&s, &outcome) {
        assert!(v.passed, "line {}: {}: {}", v.line, v.what, v.detail);
    }
}
