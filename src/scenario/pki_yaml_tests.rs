use std::path::Path;

use crate::pki::{CertStore, X509Certificate};
use crate::scenario::load_str;

const SCENARIO: &str = "name: pki-small
seed: SEED
epoch: 1767225600
duration: 1s
links:
  wire: {}
nodes:
  moon:
    interfaces: { eth0: { link: wire, address: 10.0.0.1/24 } }
  sun:
    interfaces: { eth0: { link: wire, address: 10.0.0.2/24 } }
pki:
  ca: { dn: \"C=DE, O=Example, CN=Example CA\", key_size: 1024 }
  certs:
    - node: moon
      dn: \"C=DE, O=Example, CN=moon\"
      san: [ \"ip:10.0.0.1\", \"dns:moon.example.org\" ]
      key_size: 1024
      valid_from: -1h
    - { node: sun, dn: \"C=DE, O=Example, CN=sun\", key_size: 1024, revoked: true, cert: /etc/sun.crt, key: /etc/sun.key, ca_dir: /etc/ca }
";

fn load(seed: u64) -> crate::scenario::Scenario {
    let text = SCENARIO.replace("SEED", &seed.to_string());
    load_str(Path::new("pki.yaml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn files(s: &crate::scenario::Scenario, node: &str) -> Vec<(String, String)> {
    s.nodes[node]
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.value.clone()))
        .collect()
}

/// The `pki:` section puts each node's certificate, key, CA under its
/// OpenSSL hash name (`<hash>.0`) and CRL (`<hash>.r0`) into `files:`,
/// at the defaults racoon.conf's `path certificate "/etc/racoon/certs"`
/// names or where the entry says; times count from `epoch`.
#[test]
fn pki_section_fills_node_files() {
    let s = load(3);
    let moon = files(&s, "moon");
    let paths: Vec<&str> = moon.iter().map(|(p, _)| p.as_str()).collect();
    let ca = X509Certificate::parse(
        moon.iter()
            .find(|(p, _)| p.ends_with(".0"))
            .unwrap()
            .1
            .as_bytes(),
    )
    .unwrap();
    let hash = format!("{:08x}", ca.subject().hash().unwrap());
    let dir = "/etc/racoon/certs";
    let mut want = vec![
        format!("{dir}/{hash}.0"),
        format!("{dir}/{hash}.r0"),
        format!("{dir}/moon.key"),
        format!("{dir}/moon.pem"),
    ];
    want.sort();
    assert_eq!(paths, want);
    let cert = X509Certificate::parse(s.nodes["moon"].files[&format!("{dir}/moon.pem")].as_bytes())
        .unwrap();
    assert_eq!(cert.not_before(), 1_767_225_600 - 3600);
    assert_eq!(cert.subject().text(), "C=DE, O=Example, CN=moon");
    let sun: Vec<String> = files(&s, "sun").into_iter().map(|(p, _)| p).collect();
    assert!(
        sun.contains(&"/etc/sun.crt".to_string()) && sun.contains(&format!("/etc/ca/{hash}.r0"))
    );
    // The files make a store in which moon verifies and sun is revoked.
    let mut store = CertStore::new();
    let names: Vec<(String, String)> = moon
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("/etc/racoon/certs/")?.to_string(), t.clone())))
        .collect();
    store.add_hash_dir(names.iter().map(|(n, t)| (n.as_str(), t.as_bytes())));
    let now = 1_767_225_600 + 60;
    let remote = crate::pki::verify::Side::Remote;
    assert_eq!(
        crate::pki::check_x509cert(&cert, &store, now, remote).result,
        Ok(())
    );
    let sun_cert = X509Certificate::parse(s.nodes["sun"].files["/etc/sun.crt"].as_bytes()).unwrap();
    let v = crate::pki::check_x509cert(&sun_cert, &store, now, remote);
    assert!(
        v.lines[0].text.starts_with("certificate revoked(23)"),
        "{v:?}"
    );
}

/// Two loads with the same seed give the same files; another seed others.
#[test]
fn same_seed_same_files() {
    assert_eq!(files(&load(3), "moon"), files(&load(3), "moon"));
    assert_ne!(files(&load(3), "moon"), files(&load(4), "moon"));
}

/// Bad entries are errors at their file:line:column, naming what was expected.
#[test]
fn bad_entries_are_located() {
    let text = SCENARIO.replace("SEED", "1");
    for (from, to, line, col, says) in [
        (
            "dn: \"C=DE, O=Example, CN=moon\"",
            "dn: \"C=DEU, CN=moon\"",
            16,
            11,
            "Invalid DN field: C=DEU",
        ),
        (
            "- node: moon",
            "- node: mars",
            15,
            13,
            "unknown node `mars`",
        ),
        (
            "\"dns:moon.example.org\"",
            "\"dn:x\"",
            17,
            29,
            "expected `ip:ADDRESS`",
        ),
        ("epoch: 1767225600", "epoch: 60", 19, 19, "before 1970"),
        (
            "key_size: 1024\n      valid",
            "key_size: 100\n      valid",
            18,
            17,
            "key_size 100",
        ),
    ] {
        let bad = text.replacen(from, to, 1);
        let err = load_str(Path::new("pki.yaml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("pki.yaml:{line}:{col}: ")) && err.contains(says),
            "{to}: {err}"
        );
    }
    let unknown = text.replace("revoked: true", "revokd: true");
    let err = load_str(Path::new("pki.yaml"), &unknown)
        .unwrap_err()
        .to_string();
    assert!(err.contains("pki.yaml:20:"), "{err}");
}

/// `trusted_by:` gives a node the CA files only (what a hybrid RSA
/// client's `path certificate` needs) and an unknown node is located.
#[test]
fn trusted_nodes_get_the_ca_files_only() {
    let text = SCENARIO.replace("SEED", "3").replace(
        "nodes:\n",
        "nodes:\n  phone:\n    interfaces: { eth0: { link: wire, address: 10.0.0.3/24 } }\n",
    ) + "  trusted_by: [ phone ]\n";
    let s = load_str(Path::new("pki.yaml"), &text).unwrap_or_else(|e| panic!("{e}"));
    let moon_ca: Vec<_> = files(&s, "moon")
        .into_iter()
        .filter(|(p, _)| p.ends_with(".0") || p.ends_with(".r0"))
        .collect();
    assert_eq!(files(&s, "phone"), moon_ca);
    assert_eq!(moon_ca.len(), 2);
    let bad = text.replace("trusted_by: [ phone ]", "trusted_by: [ phono ]");
    let err = load_str(Path::new("pki.yaml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("pki.yaml:23:17: ") && err.contains("unknown node `phono`"),
        "{err}"
    );
}
