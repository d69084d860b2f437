//! A node's racoon.conf and the files it names (psk.txt), checked at load
//! time with errors and warnings pointing into the YAML file, and read
//! again when the node is built.

use super::embedded::yaml_pos;
use super::located::{Located, Pos};
use super::model::{NodeSpec, Scenario};
use crate::config::psk::{self, PskFile};
use crate::config::racoon::{self, RacoonConf};

/// Problems or warnings: where, and what.
pub type Notes = Vec<(Pos, String)>;

/// The daemon's configuration of a valid node.
pub fn load(spec: &NodeSpec) -> Option<(RacoonConf, PskFile)> {
    let (conf, _) = racoon::parse(spec.racoon.as_ref()?).ok()?;
    let psk = conf
        .psk_path()
        .and_then(|path| spec.files.get(path))
        .and_then(|text| psk::parse(text).ok())
        .unwrap_or_default();
    Some((conf, psk))
}

/// Checks every node's racoon.conf and psk.txt: syntax errors into
/// `problems`, what vpnlab does not implement into `warnings`.
pub fn check(s: &Scenario, source: Option<&str>, problems: &mut Notes, warnings: &mut Notes) {
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
    source: Option<&str>,
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
            Some(text) => check_psk(node, path, text, source, problems, warnings),
        }
    }
    for (path, file) in &spec.files {
        if Some(path.as_str()) != wanted {
            warnings.push((
                file.pos,
                format!("node `{node}`: file `{path}` is not named by its racoon.conf"),
            ));
        }
    }
}

fn check_psk(
    node: &str,
    path: &str,
    text: &Located<String>,
    source: Option<&str>,
    problems: &mut Notes,
    warnings: &mut Notes,
) {
    match psk::parse(text) {
        Ok(file) => {
            for w in file.warnings {
                let at = yaml_pos(text, source, w.line, w.column);
                warnings.push((
                    at,
                    format!("{path} of node `{node}`, line {}: {}", w.line, w.message),
                ));
            }
        }
        Err(e) => {
            let at = yaml_pos(text, source, e.line, e.column);
            let msg = format!(
                "{path} of node `{node}`, line {} column {}: {}",
                e.line, e.column, e.message
            );
            problems.push((at, msg));
        }
    }
}
