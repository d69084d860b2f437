//! The `{i}` expressions of node groups: `i`, integers, `+ - * / %` and
//! parentheses, as in `10.{i/250}.{i%250}.1` or `rw{i+10}`. Hand-written:
//! a dozen lines of recursive descent, where an expression crate would
//! bring floats, variables and functions we must then refuse.

/// Whether `{…}`'s inside is an expression (it uses `i` and nothing but
/// the grammar's characters); YAML flow mappings and regex counts are not.
pub fn is_expression(inside: &str) -> bool {
    inside.contains('i')
        && inside
            .chars()
            .all(|c| c == 'i' || c.is_ascii_digit() || "+-*/%() ".contains(c))
}

/// The value of `text` for member `i`.
pub fn eval(text: &str, i: i64) -> Result<i64, String> {
    let tokens: Vec<char> = text.chars().filter(|c| *c != ' ').collect();
    let mut p = Parser {
        t: &tokens,
        at: 0,
        i,
    };
    let v = p.sum()?;
    match p.t.get(p.at) {
        None => Ok(v),
        Some(c) => Err(format!("unexpected `{c}` in `{{{text}}}`")),
    }
}

struct Parser<'a> {
    t: &'a [char],
    at: usize,
    i: i64,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.t.get(self.at).copied()
    }

    fn sum(&mut self) -> Result<i64, String> {
        let mut v = self.product()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.at += 1;
            let r = self.product()?;
            v = if op == '+' {
                v.checked_add(r)
            } else {
                v.checked_sub(r)
            }
            .ok_or("the value overflows")?;
        }
        Ok(v)
    }

    fn product(&mut self) -> Result<i64, String> {
        let mut v = self.atom()?;
        while let Some(op @ ('*' | '/' | '%')) = self.peek() {
            self.at += 1;
            let r = self.atom()?;
            v = match op {
                '*' => v.checked_mul(r).ok_or("the value overflows")?,
                _ if r == 0 => return Err("division by zero".into()),
                '/' => v / r,
                _ => v % r,
            };
        }
        Ok(v)
    }

    fn atom(&mut self) -> Result<i64, String> {
        match self.peek() {
            Some('i') => {
                self.at += 1;
                Ok(self.i)
            }
            Some('(') => {
                self.at += 1;
                let v = self.sum()?;
                if self.peek() != Some(')') {
                    return Err("expected `)`".into());
                }
                self.at += 1;
                Ok(v)
            }
            Some('-') => {
                self.at += 1;
                Ok(-self.atom()?)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
                let digits: String = self.t[start..self.at].iter().collect();
                digits
                    .parse()
                    .map_err(|_| format!("`{digits}` is too large"))
            }
            Some(c) => Err(format!("unexpected `{c}`")),
            None => Err("the expression ends early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_with_precedence_and_parentheses() {
        assert_eq!(eval("i", 7), Ok(7));
        assert_eq!(eval("i+10", 7), Ok(17));
        assert_eq!(eval("i / 250", 501), Ok(2));
        assert_eq!(eval("i%250", 501), Ok(1));
        assert_eq!(eval("2*(i-1)+1", 3), Ok(5));
        assert_eq!(eval("-i+1", 3), Ok(-2));
        assert!(eval("i/(i-3)", 3).is_err());
        assert!(eval("i+", 3).is_err());
        assert!(eval("(i", 3).is_err());
    }

    #[test]
    fn flow_mappings_and_regex_counts_are_not_expressions() {
        assert!(is_expression("i"));
        assert!(is_expression("i * 2 + 1"));
        assert!(!is_expression(" link: lan "));
        assert!(!is_expression("8"));
        assert!(!is_expression("1,3"));
        assert!(!is_expression(""));
    }
}
