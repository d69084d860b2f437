//! Scenario files: schema, loading with located errors, validation, and the
//! expectations checked after a run.

pub mod embedded;
pub mod expect;
mod expect_ike;
pub mod ipsec_yaml;
pub mod load;
pub mod located;
pub mod model;
pub mod nat_yaml;
pub mod racoon_files;
pub mod units;
pub mod validate;

pub use load::{ScenarioError, ScenarioErrors, load_file, load_str};
pub use located::{Located, Pos};
pub use model::*;
