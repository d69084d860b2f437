//! A value together with where it was written, so that semantic errors
//! (an unknown node, an address on no subnet) can point at it.

use serde::{Deserialize, Deserializer};

/// Line and column (1-based) in the scenario file; 0 when built in code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn known(&self) -> bool {
        self.line > 0
    }
}

/// A value and the position of its text in the scenario file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Located<T> {
    /// A value built in code, with no position in a file.
    pub fn new(value: T) -> Self {
        Located {
            value,
            pos: Pos::default(),
        }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> From<T> for Located<T> {
    fn from(value: T) -> Self {
        Located::new(value)
    }
}

impl From<&str> for Located<String> {
    fn from(value: &str) -> Self {
        Located::new(value.to_string())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let at = spanned.referenced;
        Ok(Located {
            value: spanned.value,
            pos: Pos {
                line: at.line() as u32,
                column: at.column() as u32,
            },
        })
    }
}
