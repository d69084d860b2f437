//! Parsers for the configuration files of the Linux/KAME IPsec world:
//! setkey scripts, racoon.conf and psk.txt, and the user database
//! racoon's XAuth checks logins against.

mod lexer;
pub mod passwd;
pub mod psk;
pub mod racoon;
pub mod setkey;

use std::fmt;

/// A problem at a line and column (1-based, in characters) of a
/// configuration file, saying what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}
