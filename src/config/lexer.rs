//! The tokenizer shared by the setkey and racoon.conf parsers: words,
//! quoted strings and single punctuation characters, `#` comments to the
//! end of the line, positions in lines and characters (1-based).

/// A position in the text: line and column, counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    /// The position `chars` characters to the right on the same line.
    pub fn right(self, chars: usize) -> Pos {
        let chars = u32::try_from(chars).unwrap_or(u32::MAX);
        Pos {
            line: self.line,
            column: self.column.saturating_add(chars),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lexeme {
    Word(String),
    /// `"..."` without the quotes: no escapes, may span lines (token.l and
    /// cftoken.l alike).
    Quoted(String),
    Punct(char),
}

/// How one configuration language splits its text.
pub struct Rules {
    pub word_char: fn(char) -> bool,
    pub punctuation: &'static [char],
    /// A backslash ending a line joins the next one (setkey scripts).
    pub continuation: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub pos: Pos,
    pub message: String,
}

/// The lexemes with their positions, and the position just after the
/// last character (where "the text ended" errors point).
pub fn tokenize(text: &str, rules: &Rules) -> Result<(Vec<(Lexeme, Pos)>, Pos), LexError> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        i: 0,
        pos: Pos { line: 1, column: 1 },
        out: Vec::new(),
    };
    lexer.run(rules)?;
    Ok((lexer.out, lexer.pos))
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    pos: Pos,
    out: Vec<(Lexeme, Pos)>,
}

fn error(pos: Pos, message: impl Into<String>) -> LexError {
    LexError {
        pos,
        message: message.into(),
    }
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.pos.line = self.pos.line.saturating_add(1);
            self.pos.column = 1;
        } else {
            self.pos.column = self.pos.column.saturating_add(1);
        }
        Some(c)
    }

    fn run(&mut self, rules: &Rules) -> Result<(), LexError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c' => {
                    self.bump();
                }
                // token.l and cftoken.l: `comment \#.*`.
                '#' => self.skip_comment(),
                '\\' if rules.continuation => self.continuation(start)?,
                '"' => self.quoted(start)?,
                c if rules.punctuation.contains(&c) => {
                    self.bump();
                    self.out.push((Lexeme::Punct(c), start));
                }
                c if (rules.word_char)(c) => self.word(start, rules.word_char),
                c => {
                    return Err(error(
                        start,
                        format!("unexpected character `{}`", c.escape_debug()),
                    ));
                }
            }
        }
        Ok(())
    }

    fn skip_comment(&mut self) {
        while self.peek().is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    /// A backslash followed only by blanks up to the end of the line joins
    /// the next line to this one.
    fn continuation(&mut self, start: Pos) -> Result<(), LexError> {
        let mut j = self.i + 1;
        while matches!(self.chars.get(j), Some(' ' | '\t' | '\r')) {
            j += 1;
        }
        if !matches!(self.chars.get(j), Some('\n') | None) {
            return Err(error(
                start,
                "unexpected `\\`: a backslash may only end a line, to continue the statement on the next",
            ));
        }
        while self.i < j {
            self.bump();
        }
        Ok(())
    }

    fn quoted(&mut self, start: Pos) -> Result<(), LexError> {
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                Some('"') => break,
                Some(c) => text.push(c),
                None => {
                    return Err(error(
                        start,
                        "unterminated quoted string: expected a closing `\"`",
                    ));
                }
            }
        }
        self.out.push((Lexeme::Quoted(text), start));
        Ok(())
    }

    fn word(&mut self, start: Pos, word_char: fn(char) -> bool) {
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| word_char(*c)) {
            text.push(c);
            self.bump();
        }
        self.out.push((Lexeme::Word(text), start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        word_char: |c| c.is_ascii_alphanumeric() || c == '.',
        punctuation: &[';', '{', '}'],
        continuation: true,
    };

    #[test]
    fn words_quotes_punctuation_comments_and_positions() {
        let (lexed, end) = tokenize("a.b { \"x y\"; } # c\n  \\\nz", &RULES).unwrap();
        let words: Vec<_> = lexed
            .iter()
            .map(|(l, p)| (l.clone(), p.line, p.column))
            .collect();
        assert_eq!(
            words,
            vec![
                (Lexeme::Word("a.b".into()), 1, 1),
                (Lexeme::Punct('{'), 1, 5),
                (Lexeme::Quoted("x y".into()), 1, 7),
                (Lexeme::Punct(';'), 1, 12),
                (Lexeme::Punct('}'), 1, 14),
                (Lexeme::Word("z".into()), 3, 1),
            ]
        );
        assert_eq!(end, Pos { line: 3, column: 2 });
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(
            tokenize("ab $", &RULES).unwrap_err().pos,
            Pos { line: 1, column: 4 }
        );
        assert_eq!(
            tokenize("x \"open", &RULES).unwrap_err().pos,
            Pos { line: 1, column: 3 }
        );
        assert_eq!(
            tokenize("a \\ b", &RULES).unwrap_err().pos,
            Pos { line: 1, column: 3 }
        );
    }
}
