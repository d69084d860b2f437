//! A scenario's `vary:` section: the values `vpnlab explore` varies.
//!
//! ```yaml
//! vary:
//!   kind: [full-cone, address-restricted, port-restricted, symmetric]
//!   natt: [on, off]                       # a choice; the default is the first
//!   loss: 0% .. 30%                       # a range; the default is its low end
//!   mtu: { range: 576 .. 1500, default: 1500 }
//! ```
//!
//! Anywhere else in the file `${name}` stands for the variable's value:
//! its default when the file is run, a sampled value in an exploration.
//! Substitution works on the text before YAML parsing, like node groups,
//! so a value can go into a link, a NAT's kind, racoon.conf, an event's
//! time or an expectation's `when:`; the line numbers stay the file's and
//! [`Substituted::shifts`] takes columns back to it.

use std::collections::BTreeMap;

use rand_core::RngCore;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::located::{Located, Pos};

/// A number with a unit suffix (`12.5%`, `80ms`, `1500`), kept as an
/// integer count of `10^-decimals`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub scaled: i64,
    pub decimals: u32,
    pub unit: String,
}

impl Quantity {
    pub fn parse(text: &str) -> Option<Quantity> {
        let t = text.trim();
        let end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(end);
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() || whole == "-" || frac.contains(['.', '-']) || frac.len() > 6 {
            return None;
        }
        let digits: i64 = format!("{whole}{frac}").parse().ok()?;
        let unit = unit.trim();
        (unit.chars().all(|c| c.is_ascii_alphabetic() || c == '%')).then(|| Quantity {
            scaled: digits,
            decimals: frac.len() as u32,
            unit: unit.to_string(),
        })
    }

    /// The same quantity with `decimals` decimals (at least its own).
    fn at(&self, decimals: u32) -> i64 {
        self.scaled * 10i64.pow(decimals.saturating_sub(self.decimals))
    }

    fn show(scaled: i64, decimals: u32, unit: &str) -> String {
        if decimals == 0 {
            return format!("{scaled}{unit}");
        }
        let p = 10i64.pow(decimals);
        let sign = if scaled < 0 { "-" } else { "" };
        let a = scaled.abs();
        format!("{sign}{}.{:0w$}{unit}", a / p, a % p, w = decimals as usize)
    }
}

/// What values a variable takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Domain {
    Choice(Vec<String>),
    /// Inclusive, in steps of `10^-decimals` of `unit`.
    Range {
        low: i64,
        high: i64,
        decimals: u32,
        unit: String,
    },
}

impl Domain {
    /// A value drawn uniformly from the domain.
    pub fn sample(&self, rng: &mut impl RngCore) -> String {
        match self {
            Domain::Choice(c) => c[(rng.next_u64() % c.len() as u64) as usize].clone(),
            Domain::Range {
                low,
                high,
                decimals,
                unit,
            } => {
                let span = (high - low) as u64 + 1;
                Quantity::show(low + (rng.next_u64() % span) as i64, *decimals, unit)
            }
        }
    }

    /// The value as a point of the range (None: not in it, or a choice).
    pub fn point(&self, value: &str) -> Option<i64> {
        let Domain::Range {
            low,
            high,
            decimals,
            unit,
        } = self
        else {
            return None;
        };
        let q = Quantity::parse(value).filter(|q| q.unit == *unit && q.decimals <= *decimals)?;
        let v = q.at(*decimals);
        (*low..=*high).contains(&v).then_some(v)
    }

    /// The range's value at a point.
    pub fn value_at(&self, point: i64) -> String {
        match self {
            Domain::Range { decimals, unit, .. } => Quantity::show(point, *decimals, unit),
            Domain::Choice(c) => c.first().cloned().unwrap_or_default(),
        }
    }

    pub fn contains(&self, value: &str) -> bool {
        match self {
            Domain::Choice(c) => c.iter().any(|v| v == value),
            Domain::Range { .. } => self.point(value).is_some(),
        }
    }

    /// The domain as the `vary:` section writes it.
    pub fn describe(&self) -> String {
        match self {
            Domain::Choice(c) => format!("[{}]", c.join(", ")),
            Domain::Range {
                low,
                high,
                decimals,
                unit,
            } => format!(
                "{} .. {}",
                Quantity::show(*low, *decimals, unit),
                Quantity::show(*high, *decimals, unit)
            ),
        }
    }
}

/// One variable of the `vary:` section.
#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub domain: Domain,
    pub default: String,
    pub pos: Pos,
}

/// A variable's entry as written: `[a, b]`, `lo .. hi`, or a mapping
/// with `choice:` or `range:` and `default:`.
#[derive(Debug, Default)]
struct Entry {
    choice: Option<Vec<String>>,
    range: Option<String>,
    default: Option<String>,
}

/// Any YAML scalar, as its text.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_string(V)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of choices `[a, b]`, a range `low .. high`, or `{ choice: [...] | range: low .. high, default: value }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Entry, E> {
                Ok(Entry {
                    range: Some(v.to_string()),
                    ..Entry::default()
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
                let mut choice = Vec::new();
                while let Some(Scalar(v)) = seq.next_element()? {
                    choice.push(v);
                }
                Ok(Entry {
                    choice: Some(choice),
                    ..Entry::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut e = Entry::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "choice" => {
                            e.choice = Some(
                                map.next_value::<Vec<Scalar>>()?
                                    .into_iter()
                                    .map(|s| s.0)
                                    .collect(),
                            )
                        }
                        "range" => e.range = Some(map.next_value::<Scalar>()?.0),
                        "default" => e.default = Some(map.next_value::<Scalar>()?.0),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["choice", "range", "default"],
                            ));
                        }
                    }
                }
                Ok(e)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Section {
    vary: Option<BTreeMap<String, Located<Entry>>>,
}

/// A problem at a file position.
pub type Problem = (Pos, String);

/// The lines (0-based, end exclusive) of the top-level `vary:` section,
/// key line included.
fn section_lines(lines: &[&str]) -> Option<std::ops::Range<usize>> {
    let top = |l: &str| !l.starts_with([' ', '\t', '#']) && !l.trim().is_empty();
    let start = lines
        .iter()
        .position(|l| top(l) && l.split(':').next().map(str::trim) == Some("vary"))?;
    let end = (start + 1..lines.len())
        .find(|n| top(lines[*n]))
        .unwrap_or(lines.len());
    Some(start..end)
}

/// The variables the file's `vary:` section declares (none without one).
pub fn variables(text: &str) -> Result<Vec<Variable>, Vec<Problem>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(range) = section_lines(&lines) else {
        return Ok(Vec::new());
    };
    // The section alone, on its own lines, so positions are the file's.
    let alone: String = lines
        .iter()
        .enumerate()
        .map(|(n, l)| if range.contains(&n) { *l } else { "" })
        .collect::<Vec<_>>()
        .join("\n");
    let section: Section = serde_saphyr::from_str(&alone).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos {
                line: l.line() as u32,
                column: l.column() as u32,
            })
            .unwrap_or(Pos {
                line: range.start as u32 + 1,
                column: 1,
            });
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("invalid vary: section");
        vec![(
            pos,
            format!("vary: {}", first.trim_start_matches("error: ")),
        )]
    })?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (name, entry) in section.vary.unwrap_or_default() {
        match variable(&name, &entry.value) {
            Ok((domain, default)) => out.push(Variable {
                name,
                domain,
                default,
                pos: entry.pos,
            }),
            Err(m) => problems.push((entry.pos, format!("vary: `{name}`: {m}"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn variable(name: &str, e: &Entry) -> Result<(Domain, String), String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("a variable's name is letters, digits and `_`".into());
    }
    let domain = match (&e.choice, &e.range) {
        (Some(c), None) if !c.is_empty() => Domain::Choice(c.clone()),
        (None, Some(r)) => range(r)?,
        (Some(_), Some(_)) => return Err("give `choice:` or `range:`, not both".into()),
        _ => return Err("expected a list of choices or a range `low .. high`".into()),
    };
    let default = match (&e.default, &domain) {
        (Some(d), _) if domain.contains(d) => d.clone(),
        (Some(d), _) => return Err(format!("default `{d}` is not in {}", domain.describe())),
        (None, Domain::Choice(c)) => c[0].clone(),
        (None, Domain::Range { low, .. }) => domain.value_at(*low),
    };
    Ok((domain, default))
}

fn range(text: &str) -> Result<Domain, String> {
    let bad =
        || format!("`{text}`: expected a range `low .. high`, e.g. `0% .. 30%` or `10ms .. 200ms`");
    let (lo, hi) = text.split_once("..").ok_or_else(bad)?;
    let (lo, hi) = (
        Quantity::parse(lo).ok_or_else(bad)?,
        Quantity::parse(hi).ok_or_else(bad)?,
    );
    if lo.unit != hi.unit {
        return Err(format!(
            "`{text}`: both ends need the same unit (`{}` and `{}`)",
            lo.unit, hi.unit
        ));
    }
    let decimals = lo.decimals.max(hi.decimals);
    let (low, high) = (lo.at(decimals), hi.at(decimals));
    if low > high {
        return Err(format!("`{text}`: the low end is above the high end"));
    }
    Ok(Domain::Range {
        low,
        high,
        decimals,
        unit: lo.unit,
    })
}

/// The value of every variable: the defaults, with `overrides` (checked
/// against each domain) in their place.
pub fn assign(
    vars: &[Variable],
    overrides: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    for (name, value) in overrides {
        let Some(v) = vars.iter().find(|v| v.name == *name) else {
            return Err(format!("no variable `{name}` in the vary: section"));
        };
        if !v.domain.contains(value) {
            return Err(format!(
                "`{name}` = `{value}` is not in {}",
                v.domain.describe()
            ));
        }
    }
    Ok(vars
        .iter()
        .map(|v| {
            let value = overrides
                .iter()
                .find(|(n, _)| *n == v.name)
                .map_or(v.default.clone(), |(_, x)| x.clone());
            (v.name.clone(), value)
        })
        .collect())
}

/// The text with every `${name}` replaced, the `vary:` section blanked
/// (its lines stay, empty), and per line the column shifts.
pub struct Substituted {
    pub text: String,
    /// Per 1-based line: (column in the new line after which, columns
    /// added) for each substitution.
    pub shifts: std::collections::HashMap<u32, Vec<(u32, i64)>>,
}

/// Fills in the values; a `${name}` naming no variable is an error at
/// its position. A file without a `vary:` section is left as it is.
pub fn substitute(text: &str, values: &[(String, String)]) -> Result<Substituted, Vec<Problem>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(section) = section_lines(&lines) else {
        return Ok(Substituted {
            text: text.to_string(),
            shifts: Default::default(),
        });
    };
    let mut out = Vec::with_capacity(lines.len());
    let mut shifts = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if section.contains(&n) {
            out.push(String::new());
            continue;
        }
        let (filled, moved) = fill(line, values, n as u32 + 1, &mut problems);
        if !moved.is_empty() {
            shifts.insert(n as u32 + 1, moved);
        }
        out.push(filled);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Substituted {
        text: out.join("\n"),
        shifts,
    })
}

fn fill(
    line: &str,
    values: &[(String, String)],
    number: u32,
    problems: &mut Vec<Problem>,
) -> (String, Vec<(u32, i64)>) {
    let mut out = String::with_capacity(line.len());
    let mut moved = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("${") {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 2..close];
        out.push_str(&rest[..open]);
        let column = out.chars().count() as u32 + 1;
        match values.iter().find(|(n, _)| n == name) {
            Some((_, value)) => {
                out.push_str(value);
                let added = value.chars().count() as i64 - (close - open + 1) as i64;
                moved.push((out.chars().count() as u32, added));
            }
            None => {
                let at = Pos {
                    line: number,
                    column,
                };
                problems.push((
                    at,
                    format!("`${{{name}}}`: the vary: section declares no such variable"),
                ));
                out.push_str(&rest[open..=close]);
            }
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out, moved)
}

/// A standalone copy of the file with `values` filled in and `seed` as
/// its seed: no `vary:` section, a comment in its place saying where
/// it came from.
pub fn standalone(
    text: &str,
    values: &[(String, String)],
    seed: u64,
    note: &str,
) -> Result<String, Vec<Problem>> {
    let filled = substitute(text, values)?.text;
    let original: Vec<&str> = text.split('\n').collect();
    let section = section_lines(&original);
    let mut seeded = false;
    let mut out: Vec<String> = Vec::new();
    for (n, line) in filled.split('\n').enumerate() {
        if section.as_ref().is_some_and(|s| s.start == n) {
            out.extend(note.lines().map(|l| format!("# {l}")));
            continue;
        }
        if section.as_ref().is_some_and(|s| s.contains(&n)) {
            continue;
        }
        if line.starts_with("seed:") {
            out.push(format!("seed: {seed}"));
            seeded = true;
            continue;
        }
        out.push(line.to_string());
    }
    if !seeded {
        let at = out
            .iter()
            .position(|l| l.starts_with("name:"))
            .map_or(0, |n| n + 1);
        out.insert(at, format!("seed: {seed}"));
    }
    Ok(out.join("\n"))
}
