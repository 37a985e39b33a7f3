//! The hand-written argument map format (docs/map-format.md) and loading it.

pub mod format;
pub mod load;
pub mod quotes;
pub mod store;

pub use load::{LoadError, LoadSummary, Problem, load_map};
