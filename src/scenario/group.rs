//! Node groups. An entry under `nodes:` or `links:` with `count: N`
//! stands for N entries, members 1 to N, each its own copy of the entry's
//! text with every `{expression}` of `i` (see [`super::expr`]) worked out
//! for that member: in its name, addresses, routes, setkey script,
//! racoon.conf and files. A `traffic:` or `expect:` item that uses `{i}`
//! is one item per member of the group it names (`from: rw{i}`).
//!
//! Expansion works on the text, before YAML parsing, so that every later
//! check sees ordinary entries; [`LineMap`] takes each position in the
//! expanded text back to the template's line and column and names the
//! member, so that an error in member 7 points at the template.

use super::expr::{eval, is_expression};
use super::located::Pos;

/// Where an expanded line came from.
#[derive(Clone, Copy, Debug)]
struct Origin {
    line: u32,
    /// Index into [`LineMap::groups`] and member number; member 0: the
    /// line is not part of a group.
    group: u32,
    member: u32,
}

/// Expanded positions back to the file's.
#[derive(Clone, Debug, Default)]
pub struct LineMap {
    lines: Vec<Origin>,
    /// Each group's template name (`rw{i}`).
    groups: Vec<String>,
    /// Per expanded line with a substitution: (expanded column after
    /// which, columns shift by) pairs, to take a column back.
    shifts: std::collections::HashMap<u32, Vec<(u32, i64)>>,
    /// The same for the `vary:` values filled in before expansion (see
    /// `vary`), per file line.
    vary_shifts: std::collections::HashMap<u32, Vec<(u32, i64)>>,
}

/// The column before the `shifts` of a line were made.
fn unshift(shifts: Option<&Vec<(u32, i64)>>, column: u32) -> u32 {
    let shift: i64 = shifts
        .map(|s| {
            s.iter()
                .filter(|(after, _)| column > *after)
                .map(|(_, d)| d)
                .sum()
        })
        .unwrap_or(0);
    (i64::from(column) - shift).max(1) as u32
}

impl LineMap {
    /// The file position of an expanded position, and which member it is
    /// in (`rw7, member 7 of rw{i}`) when it is in a group.
    pub fn locate(&self, pos: Pos) -> (Pos, Option<String>) {
        let Some(o) = pos
            .line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i as usize))
        else {
            return (self.before_vary(pos), None);
        };
        let column = unshift(self.shifts.get(&pos.line), pos.column);
        let at = self.before_vary(Pos {
            line: o.line,
            column: if pos.known() { column } else { 0 },
        });
        let member = (o.member > 0).then(|| {
            let template = &self.groups[o.group as usize];
            let name = substitute(template, i64::from(o.member)).map_or(template.clone(), |s| s.0);
            format!("{name}, member {} of {template}", o.member)
        });
        (at, member)
    }

    /// Records the columns the `vary:` values moved, per file line.
    pub fn set_vary_shifts(&mut self, shifts: std::collections::HashMap<u32, Vec<(u32, i64)>>) {
        self.vary_shifts = shifts;
    }

    fn before_vary(&self, pos: Pos) -> Pos {
        match self.vary_shifts.get(&pos.line) {
            Some(s) if pos.column > 0 => Pos {
                line: pos.line,
                column: unshift(Some(s), pos.column),
            },
            _ => pos,
        }
    }

    /// The file line of an expanded line.
    pub fn line(&self, line: u32) -> u32 {
        self.locate(Pos { line, column: 1 }).0.line
    }
}

/// The text with its groups expanded, and the map back.
pub struct Expanded {
    pub text: String,
    pub map: LineMap,
}

/// A problem at a file position.
pub type Problem = (Pos, String);

/// Replaces every `{expression}` in `line` for member `i`; the new line
/// and per substitution (end column in the new line, columns added).
fn substitute(line: &str, i: i64) -> Result<(String, Vec<(u32, i64)>), String> {
    let mut out = String::with_capacity(line.len() + 8);
    let mut shifts = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        if !is_expression(inside) {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        out.push_str(&rest[..open]);
        let value = eval(inside, i)?;
        let text = value.to_string();
        out.push_str(&text);
        let added = text.chars().count() as i64 - (close - open + 1) as i64;
        shifts.push((out.chars().count() as u32, added));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok((out, shifts))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line that holds YAML content (not blank, not only a comment).
fn content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// A range of lines (0-based, end exclusive).
type Lines = std::ops::Range<usize>;

/// The top-level sections `nodes:`, `links:`, `traffic:`, `expect:` by
/// name with the lines of their bodies.
fn sections<'a>(lines: &[&'a str]) -> Vec<(&'a str, Lines)> {
    let mut out = Vec::new();
    let mut current: Option<(&str, usize)> = None;
    for (n, line) in lines.iter().enumerate() {
        if !content(line) || indent(line) > 0 {
            continue;
        }
        if let Some((name, start)) = current.take() {
            out.push((name, start..n));
        }
        let key = line.split(':').next().unwrap_or("").trim();
        if ["nodes", "links", "traffic", "expect"].contains(&key) {
            current = Some((key, n + 1));
        }
    }
    if let Some((name, start)) = current {
        out.push((name, start..lines.len()));
    }
    out
}

/// The entries (map keys or list items) of a section body: each starts
/// at the body's first indentation and runs to the next one.
fn entries(lines: &[&str], body: Lines) -> Vec<Lines> {
    let Some(first) = body.clone().find(|n| content(lines[*n])) else {
        return Vec::new();
    };
    let at = indent(lines[first]);
    let starts: Vec<usize> = (first..body.end)
        .filter(|n| content(lines[*n]) && indent(lines[*n]) == at)
        .collect();
    let mut out = Vec::new();
    for (k, s) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).copied().unwrap_or(body.end);
        // Trailing blank and comment lines stay outside the entry.
        while end > *s + 1 && !content(lines[end - 1]) {
            end -= 1;
        }
        out.push(*s..end);
    }
    out
}

/// A group entry's `count: N`: the line it is on (None: written inline
/// in the entry's first line, `{ count: N, ... }`) and N.
fn group_count(lines: &[&str], entry: &Lines) -> Option<(Option<usize>, Result<u32, Pos>)> {
    let head = lines[entry.start];
    let child = (entry.start + 1..entry.end)
        .find(|n| content(lines[*n]))
        .map(|n| indent(lines[n]));
    for (n, l) in lines
        .iter()
        .enumerate()
        .take(entry.end)
        .skip(entry.start + 1)
    {
        if Some(indent(l)) == child {
            if let Some(v) = l.trim_start().strip_prefix("count:") {
                let col = (l.len() - v.len() + 1) as u32;
                return Some((Some(n), parse_count(v, n, col)));
            }
        }
    }
    let at = head.find("count:")?;
    let flow = head[..at].contains('{');
    flow.then(|| {
        let v = &head[at + 6..];
        let v = v.split([',', '}']).next().unwrap_or("");
        (None, parse_count(v, entry.start, (at + 7) as u32))
    })
}

fn parse_count(v: &str, line: usize, column: u32) -> Result<u32, Pos> {
    let v = v.split('#').next().unwrap_or("").trim();
    v.parse::<u32>()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or(Pos {
            line: line as u32 + 1,
            column,
        })
}

/// `count: N,` taken out of an inline entry's first line.
fn without_inline_count(head: &str) -> String {
    let Some(at) = head.find("count:") else {
        return head.to_string();
    };
    let rest = &head[at..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    let skip = if rest[end..].starts_with(',') {
        end + 1
    } else {
        end
    };
    let tail = rest[skip..].trim_start();
    let before = &head[..at];
    // `{ latency: 2ms, count: 3 }`: the comma before it goes too.
    match before.trim_end().strip_suffix(',') {
        Some(kept) if tail.starts_with('}') => format!("{kept} {tail}"),
        _ => format!("{before}{tail}"),
    }
}

/// A group found in the file.
struct Group {
    name: String,
    count: u32,
    entry: Lines,
    count_line: Option<usize>,
}

/// Expands the groups of `text`; the problems found, located in the file.
pub fn expand(text: &str) -> Result<Expanded, Vec<Problem>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let sections = sections(&lines);
    let mut groups: Vec<Group> = Vec::new();
    let mut problems = Vec::new();
    for (name, body) in &sections {
        if !["nodes", "links"].contains(name) {
            continue;
        }
        for entry in entries(&lines, body.clone()) {
            let Some((count_line, count)) = group_count(&lines, &entry) else {
                continue;
            };
            let key = lines[entry.start].trim().split(':').next().unwrap_or("");
            let key = key.trim_matches(['"', '\'']).to_string();
            match count {
                Err(pos) => problems.push((pos, "count: expected a number of members, 1 to 1000000".into())),
                Ok(_) if !key.contains('{') => problems.push((
                    Pos { line: entry.start as u32 + 1, column: indent(lines[entry.start]) as u32 + 1 },
                    format!("`{key}` has `count:` but no `{{i}}` in its name: its members would share one name"),
                )),
                Ok(count) => groups.push(Group { name: key, count, entry, count_line }),
            }
        }
    }
    let in_sections = sections
        .iter()
        .flat_map(|(_, body)| lines[body.clone()].iter());
    if groups.is_empty() && problems.is_empty() && !in_sections.clone().any(|l| uses_i(l)) {
        return Ok(Expanded {
            text: text.to_string(),
            map: LineMap::default(),
        });
    }
    let items = items_per_member(&lines, &sections, &groups, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let checked: Vec<Lines> = sections.iter().map(|(_, body)| body.clone()).collect();
    write(&lines, &groups, &items, &checked).map_err(|e| vec![e])
}

/// `traffic:` and `expect:` items that use `{i}`, with the group whose
/// members they repeat for.
fn items_per_member(
    lines: &[&str],
    sections: &[(&str, Lines)],
    groups: &[Group],
    problems: &mut Vec<Problem>,
) -> Vec<(Lines, usize)> {
    let mut out = Vec::new();
    for (name, body) in sections {
        if !["traffic", "expect"].contains(name) {
            continue;
        }
        for item in entries(lines, body.clone()) {
            if !item.clone().any(|n| uses_i(lines[n])) {
                continue;
            }
            let text: Vec<&str> = lines[item.clone()].to_vec();
            let named: Vec<usize> = (0..groups.len())
                .filter(|g| text.iter().any(|l| l.contains(groups[*g].name.as_str())))
                .collect();
            let counts: std::collections::BTreeSet<u32> = match named.is_empty() {
                true => groups.iter().map(|g| g.count).collect(),
                false => named.iter().map(|g| groups[*g].count).collect(),
            };
            let at = Pos {
                line: item.start as u32 + 1,
                column: indent(lines[item.start]) as u32 + 1,
            };
            let group = named.first().copied().or((!groups.is_empty()).then_some(0));
            match (group, counts.len()) {
                (Some(g), 1) => out.push((item, g)),
                _ => problems.push((at, format!(
                    "this {} item uses {{i}} but names no one group to repeat it for; name its members, e.g. `{}`",
                    name.trim_end_matches('s'),
                    groups.first().map_or("rw{i}", |g| g.name.as_str())
                ))),
            }
        }
    }
    out
}

/// Whether a line (not a comment) uses an `{i}` expression.
fn uses_i(line: &str) -> bool {
    first_expression(line).is_some()
}

/// The expanded text: groups' and items' lines once per member, every
/// other line as it is (an `{i}` there is an error within the `checked`
/// sections; a description may speak of `{i}`).
fn write(
    lines: &[&str],
    groups: &[Group],
    items: &[(Lines, usize)],
    checked: &[Lines],
) -> Result<Expanded, Problem> {
    let mut repeated: Vec<(Lines, usize, Option<usize>)> = groups
        .iter()
        .enumerate()
        .map(|(g, grp)| (grp.entry.clone(), g, grp.count_line))
        .collect();
    repeated.extend(items.iter().map(|(r, g)| (r.clone(), *g, None)));
    repeated.sort_by_key(|(r, _, _)| r.start);
    let mut map = LineMap {
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        ..LineMap::default()
    };
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    let mut n = 0;
    let mut next = repeated.iter().peekable();
    while n < lines.len() {
        if let Some((range, g, count_line)) = next.next_if(|(r, _, _)| r.start == n) {
            let inline = groups[*g].entry == *range && count_line.is_none();
            for member in 1..=groups[*g].count {
                for k in range.clone() {
                    if Some(k) == *count_line {
                        continue;
                    }
                    let line = if inline && k == range.start {
                        without_inline_count(lines[k])
                    } else {
                        lines[k].to_string()
                    };
                    let (text, shifts) = substitute(&line, i64::from(member)).map_err(|e| {
                        (
                            Pos {
                                line: k as u32 + 1,
                                column: 1,
                            },
                            format!("{e} (member {member} of {})", groups[*g].name),
                        )
                    })?;
                    push(
                        &mut out,
                        &mut map,
                        &text,
                        Origin {
                            line: k as u32 + 1,
                            group: *g as u32,
                            member,
                        },
                        shifts,
                    );
                }
            }
            n = range.end;
            continue;
        }
        let in_section = checked.iter().any(|r| r.contains(&n));
        if let Some(col) = first_expression(lines[n]).filter(|_| in_section) {
            let at = Pos {
                line: n as u32 + 1,
                column: col,
            };
            return Err((at, "`{i}` outside a group: only an entry with `count:` and the traffic and expectations that name its members can use it".into()));
        }
        push(
            &mut out,
            &mut map,
            lines[n],
            Origin {
                line: n as u32 + 1,
                group: 0,
                member: 0,
            },
            Vec::new(),
        );
        n += 1;
    }
    out.pop();
    Ok(Expanded { text: out, map })
}

/// The column of the first `{i}` expression of a content line.
fn first_expression(line: &str) -> Option<u32> {
    if !content(line) || line.trim_start().starts_with('#') {
        return None;
    }
    let mut from = 0;
    while let Some(open) = line[from..].find('{').map(|o| from + o) {
        let close = line[open..].find('}')? + open;
        if is_expression(&line[open + 1..close]) {
            return Some(line[..open].chars().count() as u32 + 1);
        }
        from = open + 1;
    }
    None
}

fn push(out: &mut String, map: &mut LineMap, text: &str, origin: Origin, shifts: Vec<(u32, i64)>) {
    out.push_str(text);
    out.push('\n');
    map.lines.push(origin);
    if !shifts.is_empty() {
        map.shifts.insert(map.lines.len() as u32, shifts);
    }
}
