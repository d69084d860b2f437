//! A node's racoon.conf and the files it names (psk.txt), checked at load
//! time with errors and warnings pointing into the YAML file (the daemon
//! reads them again when the node is built: `ike::registry`).

use super::embedded::{Source, yaml_pos};
use super::located::{Located, Pos};
use super::model::{NodeSpec, Scenario};
use crate::config::psk::{self, PskFile, PskId};
use crate::config::racoon::{self, AuthMethod, Identifier, Peer, RacoonConf};

/// Problems or warnings: where, and what.
pub type Notes = Vec<(Pos, String)>;

/// Checks every node's racoon.conf and psk.txt: syntax errors into
/// `problems`, what vpnlab does not implement into `warnings`.
pub fn check(
    s: &Scenario,
    source: Option<&Source<'_>>,
    problems: &mut Notes,
    warnings: &mut Notes,
) {
    for (node, spec) in &s.nodes {
        let Some(conf_text) = &spec.racoon else {
            if let Some((path, file)) = spec.files.iter().next() {
                warnings.push((
                    file.pos,
                    format!("node `{node}`: file `{path}` is not used (the node has no racoon)"),
                ));
            }
            continue;
        };
        let conf = match racoon::parse(conf_text) {
            Ok((conf, notes)) => {
                for w in notes {
                    let at = yaml_pos(conf_text, source, w.line, w.column);
                    let msg = format!(
                        "racoon.conf of node `{node}`, line {} column {}: {}",
                        w.line, w.column, w.message
                    );
                    warnings.push((at, msg));
                }
                conf
            }
            Err(e) => {
                let at = yaml_pos(conf_text, source, e.line, e.column);
                let msg = format!(
                    "racoon.conf of node `{node}`, line {} column {}: {}",
                    e.line, e.column, e.message
                );
                problems.push((at, msg));
                continue;
            }
        };
        check_files(node, spec, &conf, conf_text, source, problems, warnings);
    }
}

fn check_files(
    node: &str,
    spec: &Located<NodeSpec>,
    conf: &RacoonConf,
    conf_text: &Located<String>,
    source: Option<&Source<'_>>,
    problems: &mut Notes,
    warnings: &mut Notes,
) {
    let wanted = conf.psk_path();
    if let Some(path) = wanted {
        match spec.files.get(path) {
            None => problems.push((
                conf_text.pos,
                format!("racoon.conf of node `{node}` reads pre-shared keys from `{path}`, which is not under `files`"),
            )),
            Some(text) => {
                if let Some(file) = check_psk(node, path, text, source, problems, warnings) {
                    missing_keys(node, path, conf, &file, conf_text, source, warnings);
                }
            }
        }
    }
    missing_certificates(node, spec, conf, conf_text, problems);
    // Certificates, keys and CRLs in the `path certificate` folder are
    // read by name at negotiation time (the `pki:` section puts them there).
    let cert_dir = conf
        .paths
        .certificate
        .as_deref()
        .map(|d| format!("{}/", d.trim_end_matches('/')));
    let users = xauth_server_files(conf);
    check_user_database(node, spec, source, problems);
    for (path, file) in &spec.files {
        let in_cert_dir = cert_dir.as_deref().is_some_and(|d| path.starts_with(d));
        if Some(path.as_str()) != wanted && !in_cert_dir && !users.contains(&path.as_str()) {
            warnings.push((
                file.pos,
                format!("node `{node}`: file `{path}` is not named by its racoon.conf"),
            ));
        }
    }
}

/// What an XAuth server reads besides racoon.conf: the user database of
/// `auth_source system` and the mode_cfg banner.
fn xauth_server_files(conf: &RacoonConf) -> Vec<&str> {
    let server = conf.remotes.iter().flat_map(|r| &r.proposals).any(|p| {
        matches!(
            p.authentication_method,
            AuthMethod::XauthPskServer | AuthMethod::XauthRsaServer | AuthMethod::HybridRsaServer
        )
    });
    if !server {
        return Vec::new();
    }
    vec![
        "/etc/passwd",
        "/etc/shadow",
        "/etc/group",
        conf.mode_cfg.banner.as_str(),
    ]
}

/// /etc/passwd, /etc/shadow and /etc/group must parse, with a hash crypt
/// can check here (`config::passwd`).
fn check_user_database(
    node: &str,
    spec: &Located<NodeSpec>,
    source: Option<&Source<'_>>,
    problems: &mut Notes,
) {
    let file = |p: &str| spec.files.get(p);
    let text = |p: &str| file(p).map(|t| t.as_str());
    let parsed = crate::config::passwd::Accounts::parse(
        text("/etc/passwd"),
        text("/etc/shadow"),
        text("/etc/group"),
    );
    if let Err((path, e)) = parsed {
        let at = file(path).map_or(spec.pos, |t| yaml_pos(t, source, e.line, e.column));
        problems.push((at, format!("node `{node}`: {}", e.message)));
    }
}

fn check_psk(
    node: &str,
    path: &str,
    text: &Located<String>,
    source: Option<&Source<'_>>,
    problems: &mut Notes,
    warnings: &mut Notes,
) -> Option<PskFile> {
    match psk::parse(text) {
        Ok(file) => {
            for w in &file.warnings {
                let at = yaml_pos(text, source, w.line, w.column);
                warnings.push((
                    at,
                    format!("{path} of node `{node}`, line {}: {}", w.line, w.message),
                ));
            }
            Some(file)
        }
        Err(e) => {
            let at = yaml_pos(text, source, e.line, e.column);
            let msg = format!(
                "{path} of node `{node}`, line {} column {}: {}",
                e.line, e.column, e.message
            );
            problems.push((at, msg));
            None
        }
    }
}

/// A `remote ADDR` that authenticates with pre-shared keys but has no key
/// in psk.txt, by address or by a name its peer may send: racoon starts
/// all the same and fails that phase 1 at run time (oakley.c
/// `oakley_skeyid`: "couldn't find the pskey for ADDR."), so this is a
/// warning, and the run fails as racoon would.
fn missing_keys(
    node: &str,
    path: &str,
    conf: &RacoonConf,
    file: &PskFile,
    conf_text: &Located<String>,
    source: Option<&Source<'_>>,
    warnings: &mut Notes,
) {
    for r in &conf.remotes {
        let Some(Peer::Address(addr)) = r.peer else {
            continue;
        };
        let psk = r
            .proposals
            .iter()
            .any(|p| p.authentication_method == AuthMethod::PreSharedKey);
        let by_name = r.peers_identifiers.iter().any(|id| match id {
            Identifier::Fqdn(n) => file.lookup(&PskId::Fqdn(n.clone())).is_some(),
            Identifier::UserFqdn(n) => file.lookup(&PskId::UserFqdn(n.clone())).is_some(),
            _ => false,
        });
        if psk && !by_name && file.lookup(&PskId::Address(addr)).is_none() {
            let at = yaml_pos(conf_text, source, r.line, r.column);
            warnings.push((
                at,
                format!(
                    "racoon.conf of node `{node}`, line {} column {}: remote {addr} uses pre_shared_key but {path} has no key for it; racoon will fail phase 1 with \"couldn't find the pskey for {addr}.\"",
                    r.line, r.column
                ),
            ));
        }
    }
}

/// cfparse.y `cert_spec`, `peers_certfile`, `ca_type`: racoon loads these
/// certificates with racoon.conf (`load_x509`) and refuses to start
/// without one ("failed to load certificate"); the private key is read
/// only when it signs, so a missing key fails the negotiation instead.
fn missing_certificates(
    node: &str,
    spec: &Located<NodeSpec>,
    conf: &RacoonConf,
    conf_text: &Located<String>,
    problems: &mut Notes,
) {
    for r in &conf.remotes {
        let c = &r.certs;
        let names = c.x509.iter().map(|(cert, _)| cert);
        let names = names.chain(&c.peers_certfile).chain(&c.ca_file);
        for name in names {
            let path = conf.cert_path(name);
            if !spec.files.contains_key(&path) {
                problems.push((
                    conf_text.pos,
                    format!("racoon.conf of node `{node}`: failed to load certificate \"{name}\": `{path}` is not under `files` (nor made by `pki:`)"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::load_str;
    use crate::scenario::validate::validate_with_warnings;

    const SCENARIO: &str = "name: psk-gap\nduration: 1s\nlinks:\n  wire: {}\nnodes:\n  a:\n    interfaces: { eth0: { link: wire, address: 10.0.0.1/24 } }\n    racoon: |\n      path pre_shared_key \"/psk\";\n      remote 10.0.0.2 {\n        exchange_mode main;\n        proposal { encryption_algorithm aes; hash_algorithm sha1; authentication_method pre_shared_key; dh_group modp1024; }\n      }\n      sainfo anonymous { encryption_algorithm aes; authentication_algorithm hmac_sha1; compression_algorithm deflate; }\n    files:\n      /psk: \"KEYS\"\n  b:\n    interfaces: { eth0: { link: wire, address: 10.0.0.2/24 } }\n";

    fn check(keys: &str) -> (usize, Vec<String>) {
        let text = SCENARIO.replace("KEYS", keys);
        let s = load_str(Path::new("psk-gap.yaml"), &text).expect("loads");
        let (problems, warnings) = validate_with_warnings(&s, Some(&text));
        (problems.len(), warnings.into_iter().map(|w| w.1).collect())
    }

    /// oakley.c `oakley_skeyid`: racoon starts without the key and fails
    /// the phase 1 at run time, so `vpnlab check` warns, pointing at the
    /// remote, and does not refuse the scenario.
    #[test]
    fn a_remote_without_a_key_is_a_warning() {
        let (problems, warnings) = check("10.0.0.3 other\\n");
        assert_eq!(problems, 0);
        assert!(
            warnings.iter().any(|w| w.contains(
                "line 2 column 1: remote 10.0.0.2 uses pre_shared_key but /psk has no key"
            )),
            "{warnings:?}"
        );
        for keys in ["10.0.0.2 secret\\n", "* secret\\n"] {
            let (_, warnings) = check(keys);
            assert!(
                !warnings.iter().any(|w| w.contains("no key")),
                "{keys}: {warnings:?}"
            );
        }
    }
}
