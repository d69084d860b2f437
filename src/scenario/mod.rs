//! Scenario files: schema, loading with located errors, and validation
//! (expectations are checked after a run, one layer above the simulator).

pub mod embedded;
mod expect_entry;
mod expr;
pub mod group;
#[cfg(test)]
mod group_tests;
pub mod ipsec_yaml;
pub mod load;
pub mod located;
pub mod model;
pub mod nat_config;
pub mod nat_yaml;
pub mod pki_files;
pub mod pki_yaml;
pub mod racoon_files;
pub mod units;
pub mod validate;
mod validate_ike;
pub mod vary;
#[cfg(test)]
mod vary_tests;
mod when;

pub use load::{ScenarioError, ScenarioErrors, load_file, load_str, load_varied};
pub use located::{Located, Pos};
pub use model::*;
