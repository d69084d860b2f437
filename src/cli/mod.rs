//! The command line's own parts, beside `main.rs`: what a subcommand does
//! at the terminal, over the library's modules.

pub mod progress;
pub mod wireshark;
