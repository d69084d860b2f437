//! tshark as an independent decoder: with the key tables a run exports
//! (Wireshark's `ikev1_decryption_table` and `esp_sa` uat rows), every
//! encrypted ISAKMP message and every ESP packet of a capture must decrypt.

use std::path::Path;
use std::process::Command;

type Failed = Box<dyn std::error::Error + Send + Sync>;

/// The pcap files of a capture folder, as link names (`wan` for
/// `wan.pcap`), sorted.
pub fn links_in(dir: &Path) -> Vec<String> {
    let mut links: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".pcap").map(str::to_string)
        })
        .collect();
    links.sort();
    links
}

/// With `table` (rows of `ikev1_decryption_table`), tshark decrypts every
/// encrypted ISAKMP message in the captures of `links`: each shows its HASH
/// payload (every encrypted IKEv1 message carries one, RFC 2409 §5.5 and
/// §8, but main mode's last two with RSA signatures, which carry a SIG,
/// §5.1), and nothing is malformed or flagged. A retransmission (the same
/// UDP payload as a message already checked on that link) is not checked
/// again: Wireshark 4.0 moves its IV for a message ID on after the first
/// copy (packet-isakmp.c), so an identical resend, as racoon sends them
/// from `sendbuf`, shows as malformed. Returns how many encrypted messages
/// were checked.
///
/// A row that vpnlab wrote as a UAT comment (`# cookie,key (cipher: ...)`,
/// an ISAKMP SA whose cipher Wireshark cannot decrypt) is not given to
/// tshark; that SA's messages are skipped and named on stderr.
pub fn decrypts_isakmp(dir: &Path, links: &[String], table: &str) -> Result<usize, Failed> {
    let mut args: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for row in table.lines().filter(|r| !r.trim().is_empty()) {
        if let Some(comment) = row.strip_prefix("# ") {
            let cookie = comment.split(',').next().unwrap_or_default();
            eprintln!("NOTE: ISAKMP SA {cookie} not decrypted: {comment}");
            skipped.push(cookie.to_string());
            continue;
        }
        args.push("-o".into());
        args.push(format!("uat:ikev1_decryption_table:{row}"));
    }
    let mut decrypted = 0;
    for link in links {
        let pcap = dir.join(format!("{link}.pcap"));
        let output = Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&pcap)
            .args(&args)
            .args(["-Y", "isakmp", "-T", "fields", "-E", "separator=|"])
            .args([
                "-e",
                "frame.number",
                "-e",
                "isakmp.flags",
                "-e",
                "isakmp.hash",
            ])
            .args(["-e", "_ws.malformed", "-e", "_ws.expert.severity"])
            .args(["-e", "udp.payload", "-e", "isakmp.ispi", "-e", "isakmp.sig"])
            .output()?;
        if !output.status.success() {
            return Err(
                format!("tshark failed: {}", String::from_utf8_lossy(&output.stderr)).into(),
            );
        }
        let mut checked: std::collections::HashSet<String> = std::collections::HashSet::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let f: Vec<&str> = line.split('|').collect();
            let field = |i: usize| f.get(i).copied().unwrap_or("");
            if !field(5).is_empty() && checked.contains(field(5)) {
                continue;
            }
            let undecryptable = skipped.iter().any(|c| *c == field(6));
            let encrypted = u8::from_str_radix(field(1).trim_start_matches("0x"), 16)
                .is_ok_and(|flags| flags & 1 == 1);
            // Decrypted: a HASH (pre-shared keys, phase 2) or a SIG
            // (RSA signatures) payload shows.
            let shown = !field(2).is_empty() || !field(7).is_empty();
            let hidden = encrypted && !shown && !undecryptable;
            if hidden || !field(3).is_empty() || !field(4).is_empty() {
                return Err(format!(
                    "{} frame {}: ISAKMP not decrypted, malformed or flagged: `{line}`",
                    pcap.display(),
                    field(0)
                )
                .into());
            }
            decrypted += usize::from(encrypted && !undecryptable);
            checked.insert(field(5).to_string());
        }
    }
    Ok(decrypted)
}

/// With `table` (rows of `esp_sa`), tshark decrypts every ESP packet in the
/// captures of `links` (pad length and next header present: the padding
/// checked out) and finds no bad ICV, nor a missing one where the SA has
/// an integrity algorithm. Returns how many ESP packets were checked.
pub fn decrypts_esp(dir: &Path, links: &[String], table: &str) -> Result<usize, Failed> {
    decrypts_esp_except(dir, links, table, &[])
}

/// [`decrypts_esp`], leaving out the packets of the SPIs (`0x%08x`) in
/// `skip`.
pub fn decrypts_esp_except(
    dir: &Path,
    links: &[String],
    table: &str,
    skip: &[String],
) -> Result<usize, Failed> {
    let mut args: Vec<String> = [
        "-o",
        "esp.enable_encryption_decode:TRUE",
        "-o",
        "esp.enable_authentication_check:TRUE",
    ]
    .map(String::from)
    .to_vec();
    for row in table.lines().filter(|r| !r.trim().is_empty()) {
        args.push("-o".into());
        args.push(format!("uat:esp_sa:{row}"));
    }
    // SPIs whose packets carry an ICV Wireshark can check (an integrity
    // algorithm, or GCM's own tag).
    let with_icv: Vec<String> = table
        .lines()
        .filter(|row| !row.ends_with("\"NULL\",\"\"") || row.contains("GCM"))
        .filter_map(|row| {
            row.split(',')
                .nth(3)
                .map(|spi| spi.trim_matches('"').to_string())
        })
        .collect();
    let mut checked = 0;
    for link in links {
        let pcap = dir.join(format!("{link}.pcap"));
        let output = Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&pcap)
            .args(&args)
            .args(["-Y", "esp", "-T", "fields", "-E", "separator=|"])
            .args([
                "-e",
                "frame.number",
                "-e",
                "esp.spi",
                "-e",
                "esp.pad_len",
                "-e",
                "esp.protocol",
            ])
            .args([
                "-e",
                "esp.icv_good",
                "-e",
                "esp.icv_bad",
                "-e",
                "_ws.malformed",
            ])
            .output()?;
        if !output.status.success() {
            return Err(
                format!("tshark failed: {}", String::from_utf8_lossy(&output.stderr)).into(),
            );
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let f: Vec<&str> = line.split('|').collect();
            let field = |i: usize| f.get(i).copied().unwrap_or("");
            if skip.iter().any(|s| s == field(1)) {
                continue;
            }
            let decrypted = !field(2).is_empty() && !field(3).is_empty();
            let icv_bad = field(5).contains('1') || field(5).eq_ignore_ascii_case("true");
            let icv_missing = with_icv.iter().any(|s| s == field(1)) && field(4) != "1";
            if !decrypted || icv_bad || icv_missing || !field(6).is_empty() {
                return Err(format!(
                    "{} frame {}: spi {} not decrypted or ICV bad: `{line}`",
                    pcap.display(),
                    field(0),
                    field(1)
                )
                .into());
            }
            checked += 1;
        }
    }
    Ok(checked)
}

/// Both checks over a capture folder with the tables the run wrote there
/// (a table that is absent means no SA of that kind: nothing to check);
/// a table written while no packet of its kind was seen is an error.
pub fn decrypts_folder(dir: &Path, links: &[String]) -> Result<(), Failed> {
    if let Ok(table) = std::fs::read_to_string(dir.join("ikev1_decryption_table")) {
        let decryptable = table
            .lines()
            .any(|r| !r.trim().is_empty() && !r.starts_with('#'));
        if decrypts_isakmp(dir, links, &table)? == 0 && decryptable {
            return Err(
                "ikev1_decryption_table was written but no encrypted ISAKMP message was seen"
                    .into(),
            );
        }
    }
    if let Ok(table) = std::fs::read_to_string(dir.join("esp_sa")) {
        let skip = undecryptable_spis(dir);
        if decrypts_esp_except(dir, links, &table, &skip)? == 0 {
            return Err("esp_sa was written but no ESP packet was decoded".into());
        }
    }
    Ok(())
}

/// SPIs (`0x%08x`) of the SAs in the run's `.sad` dumps whose cipher
/// Wireshark cannot decrypt (vpnlab leaves them out of `esp_sa`); each is
/// named on stderr as not checked.
fn undecryptable_spis(dir: &Path) -> Vec<String> {
    let mut skip = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return skip;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "sad") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut spi = None;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.split("spi=").nth(1) {
                spi = rest.split(['(', ')']).nth(1).map(str::to_string);
            }
            let Some(name) = line
                .strip_prefix("E: ")
                .and_then(|r| r.split_whitespace().next())
            else {
                continue;
            };
            let lacking = vpnlab::crypto::EncAlg::from_setkey(name)
                .is_some_and(|a| a.wireshark_name().is_none());
            if let (true, Some(s)) = (lacking, spi.clone()) {
                if !skip.contains(&s) {
                    eprintln!("NOTE: ESP SA {s} ({name}) not decrypted: Wireshark lacks {name}");
                    skip.push(s);
                }
            }
        }
    }
    skip
}
