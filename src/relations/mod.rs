//! Relations as objects of their own: a claim supports, attacks or undercuts another
//! claim or a proposal. The claim's own form can start one; these add one between two
//! claims already in the map, and retire one (never deleting it), each with its
//! revision.

pub mod forms;
pub(crate) mod targets;
pub mod write;
