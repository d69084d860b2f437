//! `vpnlab wireshark`: the profile it writes makes tshark (Wireshark's
//! own dissectors, packet-esp.c and packet-isakmp.c) decrypt every ESP
//! packet of all.pcapng with a good ICV and every encrypted ISAKMP
//! message, with nothing malformed; the command it prints without
//! Wireshark is that tshark command.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};
use vpnlab::wireshark::{PROFILE, write_profile};

/// Runs scenarios/`name` into a scratch folder; its capture folder.
fn captured(name: &str) -> (PathBuf, PathBuf) {
    let text = common::edited::scenario_text(&format!("{name}.yaml"));
    let s = load_str(Path::new(name), &text).expect("valid scenario");
    let out = common::scratch(&format!("wireshark-{name}"));
    let opts = RunOptions {
        out: Some(out.clone()),
        ..RunOptions::default()
    };
    let outcome = sim::run(&s, &opts, |_| {}).expect("run");
    (out, outcome.dir.expect("capture folder"))
}

/// tshark with the profile only (no `-o` of ours): per ESP packet its
/// SPI, pad length, ICV verdict and malformed flag; per ISAKMP message
/// its flags, HASH or SIG, and malformed flag.
fn fields(config_dir: &Path, capture: &Path, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.env("WIRESHARK_CONFIG_DIR", config_dir)
        .args(["-C", PROFILE, "-n", "-r"])
        .arg(capture)
        .args(["-Y", filter, "-T", "fields", "-E", "separator=|"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('|').map(str::to_string).collect())
        .collect()
}

/// Every ESP packet of all.pcapng decrypts; every first copy of an
/// encrypted ISAKMP message too, in all.pcapng or, when the links cross
/// a NAT, in each link's pcap with the profile written for that link.
fn every_esp_packet_decrypts(name: &str) {
    if !common::tool_available("tshark") {
        eprintln!("SKIPPED: tshark is not installed");
        return;
    }
    let (_, dir) = captured(name);
    let profile = write_profile(&dir, None).expect("profile");
    assert!(profile.tables.contains(&"esp_sa"), "{:?}", profile.tables);
    let esp = fields(
        &profile.config_dir,
        &profile.capture,
        "esp",
        &["esp.spi", "esp.pad_len", "esp.icv_good", "_ws.malformed"],
    );
    assert!(esp.len() > 4, "{name}: ESP packets in the capture");
    for row in &esp {
        let decrypted = !row[1].is_empty() && row[2] == "1" && row[3].is_empty();
        assert!(decrypted, "{name}: not decrypted with the profile: {row:?}");
    }
    if profile.crosses_nat {
        let links = common::tshark::links_in(&dir);
        assert!(links.len() > 1, "{links:?}");
        let mut checked = 0;
        for link in links {
            let one = write_profile(&dir, Some(&link)).expect("profile");
            assert!(!one.crosses_nat);
            checked += isakmp_decrypts(&format!("{name} {link}"), &one);
        }
        assert!(checked > 0, "{name}: encrypted ISAKMP messages");
    } else {
        assert!(
            isakmp_decrypts(name, &profile) > 0,
            "{name}: encrypted ISAKMP"
        );
    }
}

/// How many distinct encrypted ISAKMP messages the capture has; each
/// must decrypt.
fn isakmp_decrypts(name: &str, profile: &vpnlab::wireshark::Profile) -> usize {
    let isakmp = fields(
        &profile.config_dir,
        &profile.capture,
        "isakmp.flags & 1",
        &["udp.payload", "isakmp.hash", "isakmp.sig", "_ws.malformed"],
    );
    // Wireshark 4.0 (packet-isakmp.c) moves a message ID's IV on after
    // the first copy of a message it decrypts, so the copy of the same
    // datagram on a second link (behind and after a NAT), like a
    // retransmission, shows as malformed; each first copy must decrypt.
    let mut seen = std::collections::HashSet::new();
    for row in isakmp.iter().filter(|r| seen.insert(r[0].clone())) {
        let shown = !row[1].is_empty() || !row[2].is_empty();
        assert!(shown && row[3].is_empty(), "{name}: not decrypted: {row:?}");
    }
    seen.len()
}

/// The article's tunnel: ESP in transport mode between two racoons.
#[test]
fn profile_decrypts_the_article_capture() {
    every_esp_packet_decrypts("article-racoon");
}

/// ESP in UDP (RFC 3948) through a NAT, on two links in one file.
#[test]
fn profile_decrypts_nat_traversal() {
    let (_, dir) = captured("natt-roadwarrior");
    assert!(write_profile(&dir, None).expect("profile").crosses_nat);
    every_esp_packet_decrypts("natt-roadwarrior");
}

/// Without Wireshark on the PATH the command prints the tshark command;
/// run as printed, it reads the capture decrypted.
#[test]
fn without_wireshark_the_printed_tshark_command_works() {
    if !common::tool_available("tshark") {
        eprintln!("SKIPPED: tshark is not installed");
        return;
    }
    let (out, _) = captured("article-racoon");
    let tshark = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v tshark"])
            .output()
            .expect("sh")
            .stdout,
    )
    .expect("path");
    let bin = common::scratch("wireshark-path");
    std::os::unix::fs::symlink(tshark.trim(), bin.join("tshark")).expect("symlink");
    let printed = Command::new(env!("CARGO_BIN_EXE_vpnlab"))
        .arg("--out")
        .arg(&out)
        .args(["wireshark", "article-racoon"])
        .env("PATH", &bin)
        .output()
        .expect("vpnlab");
    assert!(printed.status.success());
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(text.contains("Wireshark is not installed"), "{text}");
    let command = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("WIRESHARK_CONFIG_DIR="))
        .expect("a tshark command");
    let run = Command::new("sh")
        .args([
            "-c",
            &format!("{command} -Y esp -T fields -e esp.pad_len -e esp.icv_good"),
        ])
        .output()
        .expect("sh");
    let rows = String::from_utf8_lossy(&run.stdout);
    assert!(rows.lines().count() > 4, "{rows}");
    assert!(
        rows.lines().all(|r| r.split('\t').nth(1) == Some("1")),
        "{rows}"
    );
}
