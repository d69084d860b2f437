//! Parsers for the configuration files of the Linux/KAME IPsec world:
//! setkey scripts, racoon.conf and psk.txt.

mod lexer;
pub mod psk;
pub mod racoon;
pub mod setkey;
