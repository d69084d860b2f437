//! The tokenizer and token cursor shared by the setkey and racoon.conf
//! parsers: words, quoted strings and single punctuation characters, `#`
//! comments to the end of the line, positions in lines and characters
//! (1-based), and "expected X, found Y" errors at the next token.

use super::ConfigError;

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
pub enum Tok {
    Word(String),
    /// `"..."` without the quotes: no escapes, may span lines (token.l and
    /// cftoken.l alike).
    Quoted(String),
    Punct(char),
}

impl Tok {
    /// How the token is named in "found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Quoted(q) => format!("the quoted string \"{q}\""),
            Tok::Punct(c) => format!("`{c}`"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// How one configuration language splits its text.
pub struct Rules {
    pub word_char: fn(char) -> bool,
    pub punctuation: &'static [char],
    /// A backslash ending a line joins the next one (setkey scripts).
    pub continuation: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct LexError {
    pos: Pos,
    message: String,
}

/// The tokens, and the position just after the last character (where
/// "the text ended" errors point).
pub fn tokenize(text: &str, rules: &Rules) -> Result<(Vec<Token>, Pos), ConfigError> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        i: 0,
        pos: Pos { line: 1, column: 1 },
        out: Vec::new(),
    };
    lexer.run(rules).map_err(|e| error_at(e.pos, e.message))?;
    Ok((lexer.out, lexer.pos))
}

/// A [`ConfigError`] at `pos`.
pub fn error_at(pos: Pos, message: impl Into<String>) -> ConfigError {
    ConfigError {
        line: pos.line,
        column: pos.column,
        message: message.into(),
    }
}

/// A parser's position in its tokens.
pub struct Cursor {
    pub tokens: Vec<Token>,
    pub pos: usize,
    /// Just after the last character.
    pub end: Pos,
    /// How the end is named in messages: "the end of the script".
    pub end_name: &'static str,
}

impl Cursor {
    pub fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    pub fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    pub fn peek_word(&self) -> Option<&str> {
        match self.peek_tok() {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    pub fn peek_is(&self, tok: &Tok) -> bool {
        self.peek_tok() == Some(tok)
    }

    /// Where the next token starts, or the end of the text.
    pub fn here(&self) -> Pos {
        self.peek().map_or(self.end, |t| t.pos)
    }

    pub fn advance(&mut self) {
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
    }

    pub fn next(&mut self) -> Option<Token> {
        let token = self.peek().cloned();
        self.advance();
        token
    }

    /// "expected X, found Y" at the next token.
    pub fn expected(&self, what: &str) -> ConfigError {
        let found = self
            .peek()
            .map_or(self.end_name.to_string(), |t| t.tok.describe());
        error_at(self.here(), format!("expected {what}, found {found}"))
    }

    pub fn word(&mut self, what: &str) -> Result<(String, Pos), ConfigError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                pos,
            }) => {
                let found = (w.clone(), *pos);
                self.advance();
                Ok(found)
            }
            _ => Err(self.expected(what)),
        }
    }

    pub fn quoted(&mut self, what: &str) -> Result<(String, Pos), ConfigError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Quoted(q),
                pos,
            }) => {
                let found = (q.clone(), *pos);
                self.advance();
                Ok(found)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// Consumes the next token if it is `tok`.
    pub fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.peek_is(tok);
        if found {
            self.advance();
        }
        found
    }

    pub fn expect(&mut self, tok: Tok, what: &str) -> Result<Pos, ConfigError> {
        let pos = self.here();
        if self.eat(&tok) {
            Ok(pos)
        } else {
            Err(self.expected(what))
        }
    }
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    pos: Pos,
    out: Vec<Token>,
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
                    self.out.push(Token {
                        tok: Tok::Punct(c),
                        pos: start,
                    });
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
        self.out.push(Token {
            tok: Tok::Quoted(text),
            pos: start,
        });
        Ok(())
    }

    fn word(&mut self, start: Pos, word_char: fn(char) -> bool) {
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| word_char(*c)) {
            text.push(c);
            self.bump();
        }
        self.out.push(Token {
            tok: Tok::Word(text),
            pos: start,
        });
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
            .map(|t| (t.tok.clone(), t.pos.line, t.pos.column))
            .collect();
        assert_eq!(
            words,
            vec![
                (Tok::Word("a.b".into()), 1, 1),
                (Tok::Punct('{'), 1, 5),
                (Tok::Quoted("x y".into()), 1, 7),
                (Tok::Punct(';'), 1, 12),
                (Tok::Punct('}'), 1, 14),
                (Tok::Word("z".into()), 3, 1),
            ]
        );
        assert_eq!(end, Pos { line: 3, column: 2 });
    }

    #[test]
    fn errors_point_at_the_character() {
        let e = tokenize("ab $", &RULES).map(|_| ()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 4));
        let e = tokenize("x \"open", &RULES).map(|_| ()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        let e = tokenize("a \\ b", &RULES).map(|_| ()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
    }
}
