//! Interop against a real strongSwan 5.9.8 charon (IKEv1). Each case is a
//! scenario under tests/interop/ with one or more `tun:` link ends, and a
//! swanctl.conf per charon: vpnlab runs the scenario in a lab network
//! namespace, each TUN device moves into a namespace of its own where a
//! private charon uses it (lab.rs, charon.rs). Every case checks that
//! - the scenario's own expectations pass (vpnlab's `PASS`, exit 0);
//! - the pings the case sends from charon's side get their replies;
//! - the ESP and ISAKMP keys vpnlab exports (`esp_sa`,
//!   `ikev1_decryption_table`) are the ones charon derived, SA by SA
//!   (keylog.rs);
//! - tshark decrypts every ESP and ISAKMP packet of every capture with
//!   the exported tables (common/tshark.rs).
//!
//! The cases need root, /dev/net/tun, charon and swanctl (packages
//! strongswan-charon, strongswan-swanctl, libcharon-extra-plugins,
//! libstrongswan-extra-plugins) and tshark; without them they are
//! skipped with a note, unless `CI` is set, where they are mandatory.

#[path = "common/mod.rs"]
mod common;

#[path = "interop/cases.rs"]
mod cases;
#[path = "interop/charon.rs"]
mod charon;
#[path = "interop/keylog.rs"]
mod keylog;
#[path = "interop/lab.rs"]
mod lab;
#[path = "interop/ping.rs"]
mod ping;
#[path = "interop/sweep.rs"]
mod sweep;

use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    let missing = missing_requirements();
    if let Some(why) = &missing {
        if std::env::var_os("CI").is_some() {
            panic!("the interop suite is mandatory when CI is set: {why}");
        }
        eprintln!("NOTE: interop cases are skipped: {why} (they are mandatory when CI is set)");
    }
    let mut trials = vec![Trial::test("keylog::pairs_seeds_with_spis", || {
        keylog::pairs_seeds_with_spis()
    })];
    for (name, case) in cases::all() {
        trials
            .push(Trial::test(format!("case::{name}"), case).with_ignored_flag(missing.is_some()));
    }
    trials.push(
        Trial::test("sweep::proposals", sweep::proposals).with_ignored_flag(missing.is_some()),
    );
    libtest_mimic::run(&args, trials).exit();
}

/// Why the cases cannot run here, if they cannot.
fn missing_requirements() -> Option<String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Some("not root (network namespaces and TUN devices need it)".into());
    }
    if !std::path::Path::new("/dev/net/tun").exists() {
        return Some("no /dev/net/tun".into());
    }
    if !std::path::Path::new(charon::CHARON).exists() {
        return Some(format!(
            "no {} (apt-get install strongswan-charon)",
            charon::CHARON
        ));
    }
    let libipsec = "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so";
    if !std::path::Path::new(libipsec).exists() {
        return Some(format!(
            "no {libipsec} (apt-get install libcharon-extra-plugins)"
        ));
    }
    // swanctl --version asks a daemon: that it starts at all is enough.
    if std::process::Command::new("swanctl")
        .arg("--help")
        .output()
        .is_err()
    {
        return Some("no swanctl (apt-get install strongswan-swanctl)".into());
    }
    if !common::tool_available("tshark") {
        return Some("no tshark (apt-get install tshark)".into());
    }
    None
}
