//! How one claim bears on another claim or a proposal.

use super::vocabulary;

vocabulary! {
    /// A relation's kind: a claim supports or attacks its target, or undercuts it (attacks
    /// the inference rather than the conclusion). Attacks and undercuts both count as
    /// attacks for standing.
    pub enum RelationKind ("relation kind") {
        Supports = "supports",
        Attacks = "attacks",
        Undercuts = "undercuts",
    }
}

impl RelationKind {
    /// Whether it counts against its target (attacks and undercuts).
    pub fn is_attack(self) -> bool {
        self != RelationKind::Supports
    }
}
