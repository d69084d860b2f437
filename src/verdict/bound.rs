//! The `count` / `at_least` / `at_most` fields every counting expectation has.

/// `count`, `at_least`, `at_most` as one comparison.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bound {
    pub exact: Option<u64>,
    pub at_least: Option<u64>,
    pub at_most: Option<u64>,
}

impl Bound {
    /// The bound given, or "at least one" when none is.
    pub fn or_at_least_one(
        exact: Option<u64>,
        at_least: Option<u64>,
        at_most: Option<u64>,
    ) -> Bound {
        let none = exact.is_none() && at_least.is_none() && at_most.is_none();
        Bound {
            exact,
            at_least: if none { Some(1) } else { at_least },
            at_most,
        }
    }

    pub fn holds(&self, n: u64) -> bool {
        self.exact.is_none_or(|x| n == x)
            && self.at_least.is_none_or(|x| n >= x)
            && self.at_most.is_none_or(|x| n <= x)
    }

    pub fn describe(&self, word: &str) -> String {
        let mut parts = Vec::new();
        if let Some(x) = self.exact {
            parts.push(format!("{word} = {x}"));
        }
        if let Some(x) = self.at_least {
            parts.push(format!("{word} >= {x}"));
        }
        if let Some(x) = self.at_most {
            parts.push(format!("{word} <= {x}"));
        }
        parts.join(" and ")
    }
}
