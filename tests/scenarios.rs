//! Every scenario under scenarios/ becomes its own test (sorted), with
//! companion tests per scenario: determinism, tcpdump agreement and
//! tshark decoding. Invalid fixtures assert their exact error location;
//! failing fixtures must fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};
use vpnlab::runner::{run_file, scenario_files};
use vpnlab::scenario;
use vpnlab::sim::RunOptions;

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let tshark = common::tool_available("tshark");
    let tcpdump = common::tool_available("tcpdump");
    if !tshark || !tcpdump {
        eprintln!(
            "NOTE: tshark or tcpdump is not installed: their checks are ignored (they are mandatory when CI is set)"
        );
    }
    for file in files("scenarios") {
        let name = stem(&file);
        let f = file.clone();
        trials.push(Trial::test(format!("scenario::{name}"), move || passes(&f)));
        let f = file.clone();
        trials.push(Trial::test(format!("determinism::{name}"), move || {
            deterministic(&f)
        }));
        let f = file.clone();
        trials.push(
            Trial::test(format!("tcpdump::{name}"), move || agrees_with_tcpdump(&f))
                .with_ignored_flag(!tcpdump),
        );
        let f = file.clone();
        trials.push(
            Trial::test(format!("tshark::{name}"), move || tshark_clean(&f))
                .with_ignored_flag(!tshark),
        );
        let f = file.clone();
        trials.push(
            Trial::test(format!("tshark-decrypt::{name}"), move || {
                tshark_decrypts(&f)
            })
            .with_ignored_flag(!tshark),
        );
    }
    for file in files("tests/fixtures/invalid") {
        trials.push(Trial::test(
            format!("invalid::{}", stem(&file)),
            move || located_error(&file),
        ));
    }
    for file in files("tests/fixtures/failing") {
        trials.push(Trial::test(
            format!("failing::{}", stem(&file)),
            move || fails(&file),
        ));
    }
    libtest_mimic::run(&args, trials).exit();
}

fn files(dir: &str) -> Vec<PathBuf> {
    scenario_files(&[PathBuf::from(dir)]).unwrap_or_default()
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs a scenario into a scratch folder; returns the capture folder.
fn run_into(file: &Path, tag: &str) -> Result<(PathBuf, vpnlab::report::ScenarioReport), Failed> {
    let out = common::scratch(&format!("{tag}-{}", stem(file)));
    let report = run_file(
        file,
        &RunOptions {
            seed: None,
            out: Some(out.clone()),
            ..Default::default()
        },
        |_, _, _| {},
    );
    if let Some(e) = &report.error {
        return Err(e.clone().into());
    }
    let dir = out.join(&report.name);
    Ok((dir, report))
}

fn passes(file: &Path) -> Result<(), Failed> {
    let (_, report) = run_into(file, "run")?;
    if report.passed() {
        Ok(())
    } else {
        Err(format!(
            "{}\n{}",
            report.summary_line(),
            report.verdict_lines(false).join("\n")
        )
        .into())
    }
}

fn fails(file: &Path) -> Result<(), Failed> {
    let (dir, report) = run_into(file, "failing")?;
    if report.passed() {
        return Err("expected this scenario to fail".into());
    }
    // Captures are complete even when the scenario fails.
    for link in report.outcome.iter().flat_map(|o| o.links.iter()) {
        let pcap = dir.join(format!("{}.pcap", link.name));
        let len = std::fs::metadata(&pcap)
            .map_err(|e| format!("{}: {e}", pcap.display()))?
            .len();
        if len < 24 {
            return Err(format!("{} is incomplete", pcap.display()).into());
        }
    }
    Ok(())
}

fn deterministic(file: &Path) -> Result<(), Failed> {
    let (a, _) = run_into(file, "det-a")?;
    let (b, _) = run_into(file, "det-b")?;
    let mut names: Vec<_> = std::fs::read_dir(&a)?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err("no capture files".into());
    }
    for name in names {
        let (x, y) = (std::fs::read(a.join(&name))?, std::fs::read(b.join(&name))?);
        if x != y {
            return Err(format!(
                "{} differs between two runs with the same seed",
                name.to_string_lossy()
            )
            .into());
        }
    }
    Ok(())
}

/// Whether a trace or tcpdump line starts a packet's record: it begins with
/// the `HH:MM:SS.uuuuuu ` time; continuation lines (hex dumps, inner
/// frames) do not.
fn starts_record(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 16
        && b.iter().take(15).enumerate().all(|(i, c)| match i {
            2 | 5 => *c == b':',
            8 => *c == b'.',
            _ => c.is_ascii_digit(),
        })
        && b[15] == b' '
}

/// Groups lines into packet records: a first line and its continuations.
fn records<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        match out.last_mut() {
            Some(record) if !starts_record(line) => record.push(line),
            _ => out.push(vec![line]),
        }
    }
    out
}

/// A record as one string: the first line, then each continuation line.
fn joined(first: String, continuations: &[&str]) -> String {
    continuations.iter().fold(first, |acc, l| acc + "\n" + l)
}

/// trace.txt records of one link (first line without the link name, then
/// the continuation lines) must equal `tcpdump -n -r <link>.pcap`'s.
fn agrees_with_tcpdump(file: &Path) -> Result<(), Failed> {
    let (dir, report) = run_into(file, "tcpdump")?;
    let trace = std::fs::read_to_string(dir.join("trace.txt"))?;
    let trace_records = records(trace.lines());
    for link in report.outcome.iter().flat_map(|o| o.links.iter()) {
        let prefix = format!(" {} ", link.name);
        let ours: Vec<String> = trace_records
            .iter()
            .filter_map(|r| {
                let (t, rest) = r.first()?.split_at_checked(15)?;
                let first = format!("{t} {}", rest.strip_prefix(&prefix)?);
                Some(joined(first, &r[1..]))
            })
            .collect();
        let output = Command::new("tcpdump")
            .env("TZ", "UTC")
            .args(["-n", "-r"])
            .arg(dir.join(format!("{}.pcap", link.name)))
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "tcpdump failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let theirs: Vec<String> = records(stdout.lines())
            .iter()
            .map(|r| {
                let first = match r[0].split_at_checked(16) {
                    Some((t, rest)) => format!("{t}{}", rest.strip_prefix("IP ").unwrap_or(rest)),
                    None => r[0].to_string(),
                };
                joined(first, &r[1..])
            })
            .collect();
        if ours.len() != theirs.len() {
            return Err(format!(
                "link {}: {} trace records, tcpdump printed {}",
                link.name,
                ours.len(),
                theirs.len()
            )
            .into());
        }
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            if o != t {
                return Err(format!(
                    "link {} packet {}:\n  ours:    {o}\n  tcpdump: {t}",
                    link.name,
                    i + 1
                )
                .into());
            }
        }
    }
    Ok(())
}

/// tshark decodes every capture with no malformed packet, no error and no
/// bad checksum.
fn tshark_clean(file: &Path) -> Result<(), Failed> {
    let (dir, report) = run_into(file, "tshark")?;
    for link in report.outcome.iter().flat_map(|o| o.links.iter()) {
        let pcap = dir.join(format!("{}.pcap", link.name));
        let output = Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&pcap)
            .args(["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"])
            .args(["-Y", "_ws.malformed || _ws.expert.severity >= 0x800000 || _ws.expert.group == 0x01000000"])
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "tshark failed on {}: {}",
                pcap.display(),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let bad = String::from_utf8_lossy(&output.stdout);
        if !bad.trim().is_empty() {
            return Err(format!("tshark flags packets in {}:\n{bad}", pcap.display()).into());
        }
    }
    Ok(())
}

/// The first line of an invalid fixture reads `# error: LINE:COL: message`.
fn located_error(file: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(file)?;
    let wanted = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# error: "))
        .ok_or("fixture lacks a `# error: L:C: message` first line")?;
    let errors = match scenario::load_file(file) {
        Ok(_) => return Err("expected a validation error".into()),
        Err(e) => e,
    };
    let first = errors.0.first().map(|e| e.to_string()).unwrap_or_default();
    let expected = format!("{}:{wanted}", file.display());
    if first.starts_with(&expected) {
        Ok(())
    } else {
        Err(format!("expected an error starting with\n  {expected}\ngot\n  {first}").into())
    }
}

/// With the exported `esp_sa` and `ikev1_decryption_table`, tshark
/// decrypts every ESP packet and every encrypted ISAKMP message
/// (common::tshark).
fn tshark_decrypts(file: &Path) -> Result<(), Failed> {
    let (dir, report) = run_into(file, "decrypt")?;
    let links: Vec<String> = report
        .outcome
        .iter()
        .flat_map(|o| o.links.iter().map(|l| l.name.clone()))
        .collect();
    common::tshark::decrypts_folder(&dir, &links).map_err(|e| e.to_string().into())
}
