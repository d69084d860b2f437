//! The node-group example as a user meets it: the 1,000-roadwarrior file
//! is a page long and loads; the same file with ten members runs and
//! passes, one ping verdict per member.

mod common;

use std::path::Path;

use vpnlab::runner::run_file;
use vpnlab::scenario::load_str;
use vpnlab::sim::RunOptions;

const EXAMPLE: &str = "examples/groups/roadwarriors-1000.yaml";

#[test]
fn the_thousand_roadwarriors_fit_on_a_page_and_load() {
    let text = std::fs::read_to_string(EXAMPLE).expect("example");
    assert!(text.lines().count() < 80);
    let s = load_str(Path::new(EXAMPLE), &text).expect("valid");
    assert_eq!(s.nodes.len(), 2002);
    assert_eq!(s.links.len(), 1002);
    assert_eq!(s.traffic.len(), 1000);
    assert_eq!(s.expect.len(), 1005);
    assert!(s.nodes["rw1000"].racoon.as_deref().is_some());
    let eth1 = &s.nodes["nat1000"].interfaces["eth1"];
    assert_eq!(eth1.address.value.to_string(), "100.64.5.10/16");
}

#[test]
fn ten_members_negotiate_and_ping() {
    let text = std::fs::read_to_string(EXAMPLE)
        .expect("example")
        .replace("count: 1000", "count: 10")
        .replace("at_least: 1000", "at_least: 10")
        .replace("at_least: 2000", "at_least: 20");
    let dir = common::scratch("groups-ten");
    let file = dir.join("roadwarriors-10.yaml");
    std::fs::write(&file, text).unwrap();
    let opts = RunOptions {
        out: Some(dir.join("captures")),
        ..RunOptions::default()
    };
    let r = run_file(&file, &opts, |_, _, _| {});
    assert!(r.error.is_none(), "{:?}", r.error);
    let failed: Vec<_> = r.verdicts.iter().filter(|v| !v.passed).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(r.verdicts.len(), 15);
    // Verdicts of members point at the template's line.
    let pings: Vec<u32> = r
        .verdicts
        .iter()
        .filter(|v| v.what.starts_with("ping"))
        .map(|v| v.line)
        .collect();
    assert_eq!(pings.len(), 10);
    let template = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.contains("ping: { flow: p{i}"))
        .unwrap() as u32
        + 1;
    assert!(pings.iter().all(|l| *l == template), "{pings:?}");
}
