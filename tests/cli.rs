//! The command line as a user meets it: exit codes, located errors,
//! JUnit output, check and list.

mod common;

use std::process::{Command, Output};

fn vpnlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpnlab"))
        .args(args)
        .env_remove("CI")
        .output()
        .expect("run vpnlab")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn shipped_scenarios_pass_with_exit_0_and_junit() {
    let out = common::scratch("cli-pass");
    let junit = out.join("report.xml");
    let o = vpnlab(&[
        "run",
        "scenarios",
        "--out",
        out.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("PASS two-hosts-ping"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.ends_with("passed, 0 failed")),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testsuite name=\"wan-routers\""), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    assert!(out.join("two-hosts-ping/wire.pcap").exists());
    assert!(out.join("two-hosts-ping/trace.txt").exists());
    // The index: one row per scenario, each linked to a report that exists.
    let index = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    let files = std::fs::read_dir("scenarios").unwrap().count();
    let rows: Vec<&str> = index.split("<tr class=\"scenario\"").skip(1).collect();
    assert_eq!(rows.len(), files, "{index}");
    for row in rows {
        assert!(row.starts_with(" data-passed=\"true\""), "{row}");
        let link = row.split("href=\"").nth(1).and_then(|r| r.split_once('"'));
        let (href, _) = link.expect("a link to the report");
        assert!(out.join(href).exists(), "{href}");
    }
}

#[test]
fn failing_expectation_exits_1_and_says_where_to_look() {
    let out = common::scratch("cli-fail");
    let junit = out.join("report.xml");
    let o = vpnlab(&[
        "run",
        "tests/fixtures/failing",
        "--out",
        out.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL ping-into-the-void"), "{stdout}");
    assert!(
        stdout.contains("ping-into-the-void.yaml:17: ping lost: replies = 3"),
        "{stdout}"
    );
    assert!(stdout.contains("3 requests sent, 0 replies"), "{stdout}");
    assert!(stdout.contains("ping-into-the-void/wire.pcap"), "{stdout}");
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<failure")
    );
}

#[test]
fn typo_gives_located_error_and_exit_2() {
    for cmd in ["run", "check", "list"] {
        let o = vpnlab(&[
            cmd,
            "tests/fixtures/invalid/typo-field.yaml",
            "--out",
            common::scratch("cli-typo").to_str().unwrap(),
        ]);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(
            stderr.contains("tests/fixtures/invalid/typo-field.yaml:5:11: unknown field `latncy`"),
            "{cmd}: {stderr}"
        );
    }
}

#[test]
fn missing_path_and_bad_usage_exit_2() {
    assert_eq!(vpnlab(&["run", "no/such/dir"]).status.code(), Some(2));
    assert_eq!(vpnlab(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(vpnlab(&["run", "--seed", "many"]).status.code(), Some(2));
}

#[test]
fn check_and_list() {
    let o = vpnlab(&["check", "scenarios"]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout.contains("ok   scenarios/wan-routers.yaml (wan-routers)"),
        "{stdout}"
    );
    let o = vpnlab(&["list"]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout.contains("two-hosts-ping"), "{stdout}");
    assert!(stdout.contains("Two hosts on one wire"), "{stdout}");
}

#[test]
fn seed_override_changes_lossy_captures() {
    let a = common::scratch("cli-seed-a");
    let b = common::scratch("cli-seed-b");
    for (dir, seed) in [(&a, "1"), (&b, "2")] {
        let o = vpnlab(&[
            "run",
            "scenarios/wan-routers.yaml",
            "--seed",
            seed,
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.code().is_some());
    }
    let x = std::fs::read(a.join("wan-routers/wan.pcap")).unwrap();
    let y = std::fs::read(b.join("wan-routers/wan.pcap")).unwrap();
    assert_ne!(x, y);
}

/// The files of a capture folder tree, by relative path, with contents;
/// the wall times in the HTML reports read `wall -`.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let wall = regex::bytes::Regex::new(r#"wall(">| )[0-9.]+s"#).expect("regex");
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                let mut bytes = std::fs::read(&path).expect("file");
                if rel.ends_with(".html") {
                    bytes = wall.replace_all(&bytes, &b"wall -"[..]).into_owned();
                }
                files.insert(rel, bytes);
            }
        }
    }
    files
}

/// `--jobs 3` runs scenarios at once; the output, but for wall times, and
/// every file are what one job gives.
#[test]
fn jobs_change_neither_output_order_nor_files() {
    let without_wall = |o: &Output| -> String {
        let wall = regex::Regex::new(r"wall [0-9.]+s|report: .*").expect("regex");
        wall.replace_all(&text(o).0, "wall -").into_owned()
    };
    let (one, three) = (common::scratch("cli-jobs-1"), common::scratch("cli-jobs-3"));
    let run = |jobs: &str, out: &std::path::Path| {
        vpnlab(&[
            "run",
            "scenarios",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let (a, b) = (run("1", &one), run("3", &three));
    assert_eq!(a.status.code(), Some(0), "{}", text(&a).1);
    assert_eq!(without_wall(&a), without_wall(&b));
    assert_eq!(text(&a).1, text(&b).1, "warnings in the same order");
    assert!(
        tree(&one) == tree(&three),
        "captures differ between --jobs 1 and 3"
    );
    assert_eq!(vpnlab(&["run", "--jobs", "0"]).status.code(), Some(2));
}
