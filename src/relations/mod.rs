//! Relations as objects of their own: a claim supports or attacks another claim or a
//! proposal, or undercuts an inference (another relation). The claim's own form can start one; these add one between two
//! claims already in the map, and retire one (never deleting it), each with its
//! revision.

pub mod forms;
pub mod inference;
pub(crate) mod targets;
pub mod write;
