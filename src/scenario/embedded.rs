//! Scripts embedded in a scenario (setkey today; racoon.conf later):
//! positions inside the script mapped back to the YAML file.

use super::located::{Located, Pos};

/// Where line `line`, column `column` (1-based) of the script held in
/// `value` stands in the YAML `source`. A block scalar (`|` or `>`) starts
/// on the next line at the block's indentation; a single-line scalar
/// starts where the value does.
pub fn yaml_pos(value: &Located<String>, source: Option<&str>, line: u32, column: u32) -> Pos {
    let (Some(source), true) = (source, value.pos.known()) else {
        return Pos::default();
    };
    let lines: Vec<&str> = source.lines().collect();
    let Some(value_line) = lines.get(value.pos.line as usize - 1) else {
        return Pos::default();
    };
    let at = value_line
        .chars()
        .skip(value.pos.column as usize - 1)
        .collect::<String>();
    if at.starts_with('|') || at.starts_with('>') {
        let first = lines
            .iter()
            .skip(value.pos.line as usize)
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
        assert_eq!(
            yaml_pos(&block, Some(source), 2, 3),
            Pos { line: 4, column: 7 }
        );
        let inline = Located {
            value: String::new(),
            pos: Pos {
                line: 5,
                column: 10,
            },
        };
        assert_eq!(
            yaml_pos(&inline, Some(source), 1, 3),
            Pos {
                line: 5,
                column: 13
            }
        );
        assert_eq!(yaml_pos(&inline, None, 1, 3), Pos::default());
    }
}
