//! `vpnlab wireshark <scenario> [link]`: writes the decrypting profile
//! beside the scenario's captures and starts Wireshark with it, or, where
//! Wireshark is not installed, prints the tshark command that reads the
//! captures the same way.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use vpnlab::scenario;
use vpnlab::wireshark::{PROFILE, Profile, write_profile};

/// `scenario`: a scenario's name, or its file (its `name:` then names the
/// capture folder under `out`).
pub fn open(out: &Path, scenario: &str, link: Option<&str>) -> ExitCode {
    let launched = profile_for(out, scenario, link).and_then(|profile| {
        tell(&profile, scenario);
        launch(&profile)
    });
    match launched {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(crate::EXIT_INVALID)
        }
    }
}

fn profile_for(out: &Path, scenario: &str, link: Option<&str>) -> Result<Profile, String> {
    let name = scenario_name(scenario)?;
    let dir = out.join(&name);
    if !dir.is_dir() {
        return Err(format!(
            "{}: no captures of scenario `{name}`: run it first (vpnlab run --out {} <its file>)",
            dir.display(),
            out.display()
        ));
    }
    write_profile(&dir, link).map_err(|e| e.to_string())
}

/// Which profile was written, and why IKE may not decrypt in it.
fn tell(profile: &Profile, scenario: &str) {
    let tables = profile.tables.join(", ");
    let carried = if tables.is_empty() {
        "no key tables"
    } else {
        &tables
    };
    println!(
        "profile `{PROFILE}` ({carried}): {}",
        profile.config_dir.join("profiles").join(PROFILE).display()
    );
    if profile.crosses_nat {
        println!(
            "note: these links cross a NAT; Wireshark knows an IKEv1 initiator by its address, \
             which the NAT changes, so IKE messages decrypt only in one link's capture \
             (vpnlab wireshark {scenario} <link>); ESP decrypts here"
        );
    }
}

/// Starts Wireshark on the capture, or prints the tshark command.
fn launch(profile: &Profile) -> Result<(), String> {
    if !installed("wireshark") {
        println!("Wireshark is not installed; tshark reads the captures decrypted with:");
        println!("  {}", profile.command("tshark"));
        return Ok(());
    }
    println!("{}", profile.command("wireshark"));
    Command::new("wireshark")
        .env("WIRESHARK_CONFIG_DIR", &profile.config_dir)
        .args(["-C", PROFILE, "-r"])
        .arg(&profile.capture)
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start wireshark: {e}"))
}

fn scenario_name(scenario: &str) -> Result<String, String> {
    let path = PathBuf::from(scenario);
    if !path.is_file() {
        return Ok(scenario.to_string());
    }
    scenario::load_file(&path)
        .map(|s| s.name.value)
        .map_err(|e| e.to_string())
}

/// Whether `program` is on the PATH.
fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
