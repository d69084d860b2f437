//! `vpnlab wireshark`: a Wireshark profile beside a run's captures that
//! decrypts them, and the command that opens them with it.
//!
//! Wireshark looks for profiles under its personal configuration folder,
//! `profiles/<name>/`, and the `WIRESHARK_CONFIG_DIR` environment variable
//! moves that folder (wsutil/filesystem.c `get_persconffile_dir_no_profile`);
//! `-C <name>` picks the profile. So the profile lives at
//! `<capture folder>/wireshark/profiles/vpnlab/` and nothing in the user's
//! own configuration changes. Its UAT files are the key tables the run
//! exported (the same line format Wireshark writes), and `preferences`
//! switches ESP decryption and ICV checking on.

use std::io;
use std::path::{Path, PathBuf};

use crate::observe::pcapng::ALL_LINKS;

/// The profile's name, as `-C` takes it.
pub const PROFILE: &str = "vpnlab";

/// The key tables a run may write, copied into the profile when present.
const TABLES: [&str; 3] = ["esp_sa", "ikev1_decryption_table", "ikev2_decryption_table"];

/// packet-esp.c preferences: decrypt with the `esp_sa` table and check
/// each packet's ICV.
const PREFERENCES: &str = "\
# Written by vpnlab: decrypt ESP with this profile's esp_sa table.
esp.enable_encryption_decode: TRUE
esp.enable_authentication_check: TRUE
";

/// A written profile and the capture it is for.
#[derive(Debug)]
pub struct Profile {
    /// What `WIRESHARK_CONFIG_DIR` must name.
    pub config_dir: PathBuf,
    /// The capture to open: `all.pcapng`, or one link's pcap.
    pub capture: PathBuf,
    /// The key tables the profile carries.
    pub tables: Vec<&'static str>,
    /// The capture holds links on both sides of a NAT (the run wrote a
    /// `<node>.nat`). packet-isakmp.c tells an IKEv1 initiator's KE from
    /// the responder's by the initiator's address, which the NAT changes,
    /// so in such a file IKEv1 messages do not decrypt; one link's pcap
    /// does. ESP decrypts either way.
    pub crosses_nat: bool,
}

impl Profile {
    /// The command line, as a shell takes it, for `program` (wireshark
    /// or tshark).
    pub fn command(&self, program: &str) -> String {
        format!(
            "WIRESHARK_CONFIG_DIR={} {program} -C {PROFILE} -r {}",
            quoted(&self.config_dir),
            quoted(&self.capture)
        )
    }
}

/// Writes the profile for the captures in `dir`; `link`: open that link's
/// pcap instead of all links.
pub fn write_profile(dir: &Path, link: Option<&str>) -> io::Result<Profile> {
    let capture = match link {
        Some(l) => dir.join(format!("{l}.pcap")),
        None => dir.join(ALL_LINKS),
    };
    if !capture.is_file() {
        let what = link.map_or("all links".to_string(), |l| format!("link `{l}`"));
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{}: no capture of {what} here", capture.display()),
        ));
    }
    let config_dir = dir.join("wireshark");
    let profile = config_dir.join("profiles").join(PROFILE);
    std::fs::create_dir_all(&profile)?;
    std::fs::write(profile.join("preferences"), PREFERENCES)?;
    let mut tables = Vec::new();
    for table in TABLES {
        let (from, to) = (dir.join(table), profile.join(table));
        if from.is_file() {
            std::fs::copy(&from, &to)?;
            tables.push(table);
        } else if to.exists() {
            std::fs::remove_file(&to)?;
        }
    }
    let crosses_nat = link.is_none() && has_nat(dir)?;
    Ok(Profile {
        config_dir,
        capture,
        tables,
        crosses_nat,
    })
}

/// Whether the run behind `dir` had a NAT: it wrote a `<node>.nat`.
fn has_nat(dir: &Path) -> io::Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "nat") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A path as one shell word: single-quoted unless it needs no quoting.
fn quoted(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_a_shell_only_when_they_need_it() {
        assert_eq!(
            quoted(Path::new("captures/a-b/all.pcapng")),
            "captures/a-b/all.pcapng"
        );
        assert_eq!(quoted(Path::new("my captures/x")), "'my captures/x'");
        assert_eq!(quoted(Path::new("it's")), "'it'\\''s'");
    }
}
