//! The HTML report as a person opens it: the failing expectation links to
//! the trace line that explains it, the page needs nothing from outside,
//! and headless Chromium renders it without console errors with the
//! nodes, tunnels and arrows the run had.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use vpnlab::runner::run_file;
use vpnlab::sim::RunOptions;

/// Runs one scenario file into a scratch folder; its report.html.
fn report(file: &str, test: &str) -> (String, PathBuf) {
    let out = common::scratch(&format!("html-{test}"));
    let opts = RunOptions {
        out: Some(out),
        ..RunOptions::default()
    };
    let r = run_file(Path::new(file), &opts, |_, _, _| {});
    assert!(r.error.is_none(), "{:?}", r.error);
    let dir = r.outcome.and_then(|o| o.dir).expect("capture folder");
    let path = dir.join("report.html");
    let html = std::fs::read_to_string(&path).expect("report.html");
    (html, path)
}

/// Every value of `attr="..."` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!("{attr}=\"");
    html.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest.split_once('"').map(|(v, _)| v)
        })
        .collect()
}

/// The verdict table's rows with their evidence links.
fn verdict_rows(html: &str) -> Vec<&str> {
    html.split("<tr class=\"verdict\"").skip(1).collect()
}

/// The fixture's ping into a wire that loses everything fails, and its
/// row links to trace lines that are the lost echo requests, each of
/// which the page carries under its anchor; the ladder marks them lost.
#[test]
fn a_failing_expectation_links_to_the_lines_that_explain_it() {
    let (html, _) = report("tests/fixtures/failing/ping-into-the-void.yaml", "failing");
    let rows = verdict_rows(&html);
    let ping = rows
        .iter()
        .find(|r| r.contains("ping lost"))
        .expect("ping verdict");
    assert!(ping.starts_with(" data-passed=\"false\""), "{ping}");
    let links: Vec<&str> = attrs(ping, "href");
    assert_eq!(links.len(), 3, "three echo requests: {ping}");
    for link in links {
        let id = link.strip_prefix('#').expect("an anchor in the page");
        let at = html
            .find(&format!("<span id=\"{id}\">"))
            .expect("the anchored line is in the page");
        let line = &html[at..at + html[at..].find("</span>").unwrap()];
        assert!(line.contains("ICMP echo request"), "{line}");
    }
    assert_eq!(
        attrs(&html, "data-kind")
            .iter()
            .filter(|k| **k == "drop")
            .count(),
        3,
        "each lost request ends in a cross"
    );
}

/// No script, nothing loaded from elsewhere: the only URL is SVG's
/// namespace name.
#[test]
fn the_report_is_self_contained() {
    let (html, _) = report("scenarios/natt-roadwarrior.yaml", "contained");
    assert!(!html.contains("<script"));
    assert!(attrs(&html, "src").is_empty());
    let outside: Vec<&str> = attrs(&html, "href")
        .into_iter()
        .filter(|h| h.contains("://"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    let namespaces = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(html.matches("://").count(), namespaces);
}

/// Chromium's DOM of a page and the console messages it logged.
fn chromium(page: &Path, test: &str) -> (String, Vec<String>) {
    let profile = common::scratch(&format!("html-chromium-{test}"));
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--log-level=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

fn have_chromium() -> bool {
    if common::tool_available("chromium") {
        return true;
    }
    eprintln!("SKIPPED: chromium is not installed (apt-get install chromium)");
    false
}

/// The console check sees what a broken page logs (so that it can fail).
#[test]
fn chromium_console_check_sees_errors() {
    if !have_chromium() {
        return;
    }
    let dir = common::scratch("html-broken");
    let page = dir.join("broken.html");
    std::fs::write(
        &page,
        "<p>x</p><script>console.error('broken page')</script>",
    )
    .unwrap();
    let (_, console) = chromium(&page, "broken");
    assert!(
        console.iter().any(|l| l.contains("broken page")),
        "{console:?}"
    );
}

/// natt-roadwarrior's page loads without console messages; its topology
/// has the scenario's nodes and links and the NAT-T tunnel between rw
/// and gw; the ladder has their lifelines, IKE arrows and ESP arrows.
#[test]
fn chromium_renders_the_report_with_its_pictures() {
    if !have_chromium() {
        return;
    }
    let (_, page) = report("scenarios/natt-roadwarrior.yaml", "chromium");
    let (dom, console) = chromium(&page, "report");
    assert!(console.is_empty(), "{console:?}");
    let topology = &dom[dom.find("class=\"topology\"").expect("topology picture")..];
    let topology = &topology[..topology.find("</svg>").unwrap()];
    let mut nodes: Vec<&str> = topology
        .split("<g class=\"node\" data-name=\"")
        .skip(1)
        .filter_map(|g| g.split_once('"').map(|(n, _)| n))
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["gw", "nat", "rw", "server"]);
    assert_eq!(topology.matches("<g class=\"link\"").count(), 3);
    let tunnel = topology
        .split("<g class=\"tunnel\" data-ends=\"")
        .nth(1)
        .expect("a tunnel");
    assert!(tunnel.starts_with("gw rw\""), "{tunnel}");
    assert!(tunnel.contains("NAT-T"), "{tunnel}");
    let ladder = &dom[dom.find("class=\"ladder\"").expect("ladder picture")..];
    let lifelines: Vec<&str> = ladder
        .split("<g class=\"lifeline\" data-name=\"")
        .skip(1)
        .filter_map(|g| g.split_once('"').map(|(n, _)| n))
        .collect();
    assert_eq!(lifelines, ["rw", "nat", "gw", "server"]);
    let kinds = attrs(ladder, "data-kind");
    let ike = kinds.iter().filter(|k| **k == "ike").count();
    // Main mode is 6 messages and quick mode 3, each on two links.
    assert!(ike >= 18, "{ike} IKE arrows");
    assert!(kinds.contains(&"esp"), "ESP arrows");
}
