//! `vpnlab explore` as a user runs it: a failure planted in a fixture is
//! found, shrunk and written as a standalone scenario that fails on its
//! own; partitions add up to one full run; the shipped example holds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PLANTED: &str = "tests/fixtures/explore/planted.yaml";
const EXAMPLE: &str = "examples/explore/nat-kinds-natt-loss.yaml";

fn vpnlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpnlab"))
        .args(args)
        .env_remove("CI")
        .output()
        .expect("run vpnlab")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vpnlab-explore-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `# shrunk: seed=… name=value …` line of a failure file.
fn shrunk_values(text: &str) -> Vec<(String, String)> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# shrunk: "))
        .expect("a shrunk: line");
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fixture's only expectation that can fail needs every echo
/// answered: variations with loss fail, and shrinking puts the latency
/// and the size back to their defaults and leaves the loss, above zero.
#[test]
fn a_planted_failure_is_found_shrunk_and_written_as_a_standalone_scenario() {
    let out = out_dir("planted");
    let o = vpnlab(&[
        "explore",
        PLANTED,
        "--runs",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL #"), "{text}");
    let dir = out.join("explore/planted-loss");
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), 10, "{junit}");
    let failures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("failure-")
        })
        .collect();
    assert!(!failures.is_empty(), "{summary}");
    for f in &failures {
        let file = std::fs::read_to_string(f).unwrap();
        let values = shrunk_values(&file);
        let get = |k: &str| values.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert_eq!(
            (get("latency"), get("size")),
            ("5ms".into(), "56".into()),
            "{file}"
        );
        assert_ne!(get("loss"), "0%", "{file}");
        assert!(
            file.contains(&format!("loss: {} }}", get("loss"))),
            "{file}"
        );
        assert!(!file.contains("${") && !file.contains("vary:"), "{file}");
        // The standalone file fails on its own, on the ping's line.
        let run_out = out.join("standalone");
        let o = vpnlab(&[
            "run",
            f.to_str().unwrap(),
            "--out",
            run_out.to_str().unwrap(),
        ]);
        let run = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{run}");
        assert!(run.contains("ping p: replies = 20"), "{run}");
    }
    // Every variation without loss passed.
    for line in summary.lines().filter(|l| l.contains(" loss=0% ")) {
        assert!(line.starts_with("PASS"), "{summary}");
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// The variations' lines of a summary, without the heading and totals.
fn variation_lines(dir: &Path) -> Vec<String> {
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    let mut runs = Vec::new();
    for line in summary.lines().skip(1) {
        if line.starts_with("PASS") || line.starts_with("FAIL") {
            runs.push(line.to_string());
        } else if line.starts_with("       standalone: ") || line.contains(" passed, ") {
            // The folder differs per partition; the totals are the part's.
            continue;
        } else if let Some(last) = runs.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    runs
}

/// `--partition K/N` as `cargo nextest` splits: the three partitions
/// together run exactly the variations of one full run, with the same
/// values and the same verdicts; and a run is the same when repeated.
#[test]
fn partitions_add_up_to_one_full_run() {
    let out = out_dir("parts");
    let o = out.to_str().unwrap();
    let full = vpnlab(&["explore", PLANTED, "--runs", "9", "--out", o]);
    assert_eq!(full.status.code(), Some(1));
    let whole = variation_lines(&out.join("explore/planted-loss"));
    assert_eq!(whole.len(), 9);
    let again = vpnlab(&["explore", PLANTED, "--runs", "9", "--out", o, "-q"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(variation_lines(&out.join("explore/planted-loss")), whole);
    let mut union = BTreeSet::new();
    for k in 1..=3 {
        let part = format!("{k}/3");
        let p = vpnlab(&[
            "explore",
            PLANTED,
            "--runs",
            "9",
            "--partition",
            &part,
            "--out",
            o,
        ]);
        assert!(p.status.code().is_some_and(|c| c <= 1), "{}", stdout(&p));
        let lines = variation_lines(&out.join(format!("explore/planted-loss.part-{k}-of-3")));
        assert_eq!(lines.len(), 3, "{lines:?}");
        for l in lines {
            assert!(union.insert(l), "a variation in two partitions");
        }
    }
    assert_eq!(union, whole.into_iter().collect::<BTreeSet<_>>());
    let bad = vpnlab(&["explore", PLANTED, "--partition", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&out);
}

/// The shipped example: NAT kinds × NAT-T × what the NAT does with ESP
/// × loss, every variation's expectations holding.
#[test]
fn the_nat_example_holds_in_every_variation() {
    let out = out_dir("example");
    let o = vpnlab(&[
        "explore",
        EXAMPLE,
        "--runs",
        "40",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("40 passed, 0 failed"), "{text}");
    let _ = std::fs::remove_dir_all(&out);
}

/// A scenario that does not load with its defaults is refused, located.
#[test]
fn a_bad_vary_section_is_a_located_error() {
    let out = out_dir("bad");
    std::fs::create_dir_all(&out).unwrap();
    let file = out.join("bad.yaml");
    let text = std::fs::read_to_string(PLANTED).unwrap().replace(
        "size: [56, 1000, 1400]",
        "size: { range: 1 .. 2, choice: [1] }",
    );
    std::fs::write(&file, text).unwrap();
    let o = vpnlab(&["explore", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.yaml:12:9: vary: `size`: give `choice:` or `range:`, not both"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
