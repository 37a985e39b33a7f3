//! The hand-written argument map format (docs/map-format.md) and loading it.

pub mod document;
pub mod format;
pub mod load;
pub mod quotes;
pub mod store;

pub use load::{LoadError, Problem, load_map};
pub use store::LoadSummary;
