//! Expectation checking: a scenario's expectations held against the
//! [`crate::sim::Outcome`] of its run. Above the simulator; nothing below
//! reads a verdict.

mod bound;
pub mod evidence;
pub mod expect;
mod ike;

pub use evidence::Evidence;
pub use expect::{Verdict, check_all};
