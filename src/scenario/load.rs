//! Reading a scenario file: YAML syntax and schema errors, then semantic
//! validation, each reported as `file:line:column: what was expected`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::group;
use super::located::Pos;
use super::model::Scenario;
use super::validate::validate_with_warnings;

/// One located problem in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pos.known() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.pos.line,
                self.pos.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

/// All problems found in one file (at least one).
#[derive(Clone, Debug)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// Reads, parses and validates one scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ScenarioErrors(vec![ScenarioError {
            file: path.to_path_buf(),
            pos: Pos::default(),
            message: format!("cannot read file: {e}"),
        }])
    })?;
    load_str(path, &text)
}

/// Parses and validates scenario text; `path` is used in messages only.
/// Node groups are expanded first ([`group`]); every position reported
/// is the file's, with the group member it is in.
pub fn load_str(path: &Path, text: &str) -> Result<Scenario, ScenarioErrors> {
    let located = |problems: Vec<(Pos, String)>| {
        let errors = problems.into_iter().map(|(pos, message)| ScenarioError {
            file: path.to_path_buf(),
            pos,
            message,
        });
        ScenarioErrors(errors.collect())
    };
    let group::Expanded { text, map } = group::expand(text).map_err(located)?;
    let back = |problems: Vec<(Pos, String)>| -> Vec<(Pos, String)> {
        problems
            .into_iter()
            .map(|(pos, message)| match map.locate(pos) {
                (at, Some(member)) => (at, format!("{message} (in {member})")),
                (at, None) => (at, message),
            })
            .collect()
    };
    let mut scenario: Scenario = serde_saphyr::from_str_with_options(&text, options(&text))
        .map_err(|e| {
            let e = syntax_error(path, &e);
            located(back(vec![(e.pos, e.message)]))
        })?;
    let mut problems = super::pki_files::apply(&mut scenario);
    let (more, warnings) = validate_with_warnings(&scenario, Some(&text));
    problems.extend(more);
    if !problems.is_empty() {
        return Err(located(back(problems)));
    }
    scenario.warnings = located(back(warnings))
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    scenario.lines = std::sync::Arc::new(map);
    Ok(scenario)
}

/// serde-saphyr's limits against YAML bombs, with the counts of nodes
/// and events scaled to the text: a node or event takes at least one byte
/// of it, so a large scenario (10,000 roadwarriors) is not refused while
/// aliases, anchors and depth keep their default caps.
fn options(text: &str) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(text.len());
    budget.max_events = budget.max_events.max(2 * text.len());
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(text.len());
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

fn syntax_error(path: &Path, error: &serde_saphyr::Error) -> ScenarioError {
    let pos = error
        .location()
        .map(|l| Pos {
            line: l.line() as u32,
            column: l.column() as u32,
        })
        .unwrap_or_default();
    ScenarioError {
        file: path.to_path_buf(),
        pos,
        message: plain_message(error),
    }
}

/// serde-saphyr renders a message followed by a location and a source
/// snippet; we keep the message (the location goes in front, compiler-style).
fn plain_message(error: &serde_saphyr::Error) -> String {
    let rendered = error.to_string();
    let first = rendered.lines().next().unwrap_or("invalid scenario").trim();
    let trimmed = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    let trimmed = trimmed.trim_start_matches("error: ");
    // Drop serde-saphyr's own "line L column C: " prefix.
    match trimmed
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, message)) if position.contains(" column ") => message.to_string(),
        _ => trimmed.to_string(),
    }
}
