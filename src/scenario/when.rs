//! An expectation's `when:` condition, after `${...}` substitution (see
//! [`super::vary`]): `off == on`, `12% < 20% and symmetric != full-cone`.
//!
//! Grammar: `or` of `and` of `not`-able comparisons or parenthesised
//! conditions; a comparison is `word op word` with `==`, `!=`, `<`,
//! `<=`, `>`, `>=`; `true` and `false` stand alone. Two numbers with the
//! same unit (`5%`, `80ms`, `1500`) compare as numbers, anything else as
//! text, and only numbers can be ordered.

use super::vary::Quantity;

#[derive(Clone, Debug, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Op(&'a str),
    Open,
    Close,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (token, len) = if let Some(op) = ["==", "!=", "<=", ">=", "<", ">"]
            .iter()
            .find(|op| rest.starts_with(**op))
        {
            (Token::Op(op), op.len())
        } else if rest.starts_with('(') {
            (Token::Open, 1)
        } else if rest.starts_with(')') {
            (Token::Close, 1)
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || "()<>=!".contains(c))
                .unwrap_or(rest.len())
                .max(1);
            (Token::Word(&rest[..end]), end)
        };
        out.push(token);
        rest = rest[len..].trim_start();
    }
    out
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = self.peek() == Some(&Token::Word(word));
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.keyword("or") {
            v |= self.and()?;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.unary()?;
        while self.keyword("and") {
            v &= self.unary()?;
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<bool, String> {
        if self.keyword("not") {
            return Ok(!self.unary()?);
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let v = self.or()?;
            return match self.next() {
                Some(Token::Close) => Ok(v),
                _ => Err("a `(` without its `)`".into()),
            };
        }
        let left = match self.next() {
            Some(Token::Word(w)) => w,
            _ => return Err("expected a value, `not` or `(`".into()),
        };
        let op = match self.peek() {
            Some(Token::Op(op)) => *op,
            _ => {
                return match left {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    _ => Err(format!("`{left}` alone: compare it, e.g. `{left} == on`")),
                };
            }
        };
        self.at += 1;
        let right = match self.next() {
            Some(Token::Word(w)) => w,
            _ => return Err(format!("expected a value after `{op}`")),
        };
        compare(left, op, right)
    }
}

fn compare(left: &str, op: &str, right: &str) -> Result<bool, String> {
    let numbers = match (Quantity::parse(left), Quantity::parse(right)) {
        (Some(a), Some(b)) if a.unit == b.unit => {
            let d = a.decimals.max(b.decimals);
            let scale = |q: &Quantity| q.scaled * 10i64.pow(d - q.decimals);
            Some((scale(&a), scale(&b)))
        }
        _ => None,
    };
    let ordering = match numbers {
        Some((a, b)) => a.cmp(&b),
        None if matches!(op, "==" | "!=") => left.cmp(right),
        None => {
            return Err(format!(
                "`{left} {op} {right}`: only numbers with the same unit can be ordered"
            ));
        }
    };
    use std::cmp::Ordering::*;
    Ok(match op {
        "==" => ordering == Equal,
        "!=" => ordering != Equal,
        "<" => ordering == Less,
        "<=" => ordering != Greater,
        ">" => ordering == Greater,
        _ => ordering != Less,
    })
}

/// Whether the condition holds.
pub fn holds(condition: &str) -> Result<bool, String> {
    let mut p = Parser {
        tokens: tokens(condition),
        at: 0,
    };
    let v = p.or()?;
    match p.peek() {
        None => Ok(v),
        Some(t) => Err(format!("unexpected {t:?} after a complete condition")),
    }
}

#[cfg(test)]
mod tests {
    use super::holds;

    #[test]
    fn comparisons_of_words_and_numbers() {
        assert_eq!(holds("on == on"), Ok(true));
        assert_eq!(holds("off == on"), Ok(false));
        assert_eq!(holds("symmetric != full-cone"), Ok(true));
        assert_eq!(holds("12% < 20%"), Ok(true));
        assert_eq!(holds("12.5% >= 12.50%"), Ok(true));
        assert_eq!(holds("80ms > 200ms"), Ok(false));
        assert_eq!(holds("1500<=576"), Ok(false));
    }

    #[test]
    fn and_or_not_and_parentheses() {
        assert_eq!(holds("on == on and 5% < 1%"), Ok(false));
        assert_eq!(holds("on == on and 5% < 1% or true"), Ok(true));
        assert_eq!(holds("on == on and (5% < 1% or true)"), Ok(true));
        assert_eq!(holds("not (a == a)"), Ok(false));
        assert_eq!(holds("not a == b and false"), Ok(false));
    }

    #[test]
    fn mistakes_are_errors() {
        assert!(holds("on").is_err());
        assert!(holds("on <").is_err());
        assert!(holds("a < b").unwrap_err().contains("only numbers"));
        assert!(holds("5ms < 5%").is_err());
        assert!(holds("(a == a").is_err());
        assert!(holds("a == a b").is_err());
        assert!(holds("").is_err());
    }
}
