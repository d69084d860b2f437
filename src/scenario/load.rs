//! Reading a scenario file: YAML syntax and schema errors, then semantic
//! validation, each reported as `file:line:column: what was expected`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::located::Pos;
use super::model::Scenario;
use super::validate::validate_with_warnings;
use super::{group, vary, when};

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
/// The `vary:` section's defaults are filled in ([`vary`]), then node
/// groups are expanded ([`group`]); every position reported is the
/// file's, with the group member it is in.
pub fn load_str(path: &Path, text: &str) -> Result<Scenario, ScenarioErrors> {
    load_varied(path, text, &[])
}

/// [`load_str`] with some of the `vary:` section's variables set to
/// other values than their defaults (`vpnlab explore`).
pub fn load_varied(
    path: &Path,
    text: &str,
    values: &[(String, String)],
) -> Result<Scenario, ScenarioErrors> {
    let located = |problems: Vec<(Pos, String)>| {
        let errors = problems.into_iter().map(|(pos, message)| ScenarioError {
            file: path.to_path_buf(),
            pos,
            message,
        });
        ScenarioErrors(errors.collect())
    };
    let variables = vary::variables(text).map_err(located)?;
    let values =
        vary::assign(&variables, values).map_err(|e| located(vec![(Pos::default(), e)]))?;
    let filled = vary::substitute(text, &values).map_err(located)?;
    let group::Expanded { text, mut map } = group::expand(&filled.text).map_err(located)?;
    map.set_vary_shifts(filled.shifts);
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
    scenario.skipped = skip_unless_when(&mut scenario, &map).map_err(|p| located(back(p)))?;
    scenario.variables = values;
    scenario.warnings = located(back(warnings))
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    scenario.lines = std::sync::Arc::new(map);
    Ok(scenario)
}

/// Takes out the expectations whose `when:` does not hold: their file
/// lines and conditions. A condition that does not parse is an error.
fn skip_unless_when(
    s: &mut Scenario,
    map: &group::LineMap,
) -> Result<Vec<(u32, String)>, Vec<vary::Problem>> {
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    s.expect.retain(|e| {
        let Some(when) = &e.value.when else {
            return true;
        };
        match when::holds(&when.value) {
            Ok(true) => true,
            Ok(false) => {
                skipped.push((map.line(e.pos.line), when.value.clone()));
                false
            }
            Err(m) => {
                problems.push((when.pos, format!("when: {m}")));
                true
            }
        }
    });
    if problems.is_empty() {
        Ok(skipped)
    } else {
        Err(problems)
    }
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
