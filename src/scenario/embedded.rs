//! Scripts embedded in a scenario (setkey today; racoon.conf later):
//! positions inside the script mapped back to the YAML file.

use super::located::{Located, Pos};

/// The scenario's YAML text with where each line starts, found once: a
/// position lookup is then constant time, and checking a file with
/// thousands of embedded scripts stays linear in its size.
pub struct Source<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, starts }
    }

    /// Line `n` (1-based) without its line break.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |e| *e);
        let line = self.text.get(start..end)?;
        Some(line.trim_end_matches(['\n', '\r']))
    }
}

/// Where line `line`, column `column` (1-based) of the script held in
/// `value` stands in the YAML `source`. A block scalar (`|` or `>`) starts
/// on the next line at the block's indentation; a single-line scalar
/// starts where the value does.
pub fn yaml_pos(
    value: &Located<String>,
    source: Option<&Source<'_>>,
    line: u32,
    column: u32,
) -> Pos {
    let (Some(source), true) = (source, value.pos.known()) else {
        return Pos::default();
    };
    let Some(value_line) = source.line(value.pos.line as usize) else {
        return Pos::default();
    };
    let at = value_line
        .chars()
        .skip(value.pos.column as usize - 1)
        .collect::<String>();
    if at.starts_with('|') || at.starts_with('>') {
        let first = (value.pos.line as usize + 1..)
            .map_while(|n| source.line(n))
            .find(|l| !l.trim().is_empty());
        let indent = first.map_or(0, |l| l.len() - l.trim_start().len()) as u32;
        Pos {
            line: value.pos.line + line,
            column: indent + column,
        }
    } else {
        let quote = u32::from(at.starts_with('"') || at.starts_with('\''));
        Pos {
            line: value.pos.line + line - 1,
            column: value.pos.column + quote + column - 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_inline_scalars() {
        let source = "a:\n  setkey: |\n    flush;\n    spdflush;\n  other: \"x y\"\n";
        let block = Located {
            value: String::new(),
            pos: Pos {
                line: 2,
                column: 11,
            },
        };
        let source = Source::new(source);
        let source = Some(&source);
        assert_eq!(yaml_pos(&block, source, 2, 3), Pos { line: 4, column: 7 });
        let inline = Located {
            value: String::new(),
            pos: Pos {
                line: 5,
                column: 10,
            },
        };
        assert_eq!(
            yaml_pos(&inline, source, 1, 3),
            Pos {
                line: 5,
                column: 13
            }
        );
        assert_eq!(yaml_pos(&inline, None, 1, 3), Pos::default());
    }
}
