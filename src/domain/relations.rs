//! How one claim bears on another claim or a proposal, or on an inference.

use super::vocabulary;

vocabulary! {
    /// A relation's kind: a claim supports or attacks its target (a claim or proposal), or
    /// undercuts an inference (another relation: it denies that the premise bears on the
    /// conclusion, and leaves the premise alone).
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

    /// Whether its target is a relation (an undercut) rather than a claim or proposal.
    pub fn targets_relation(self) -> bool {
        self == RelationKind::Undercuts
    }
}
