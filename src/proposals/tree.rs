//! The claims for and against a proposal as a tree: the claims that support or attack it,
//! then the claims that support or attack those, and so on.

use std::collections::{BTreeMap, BTreeSet};

use crate::claims::read::item;
use crate::domain::RelationKind;
use crate::views::{ClaimItem, Standings};

/// Rebuttal chains deeper than this are cut (and said to be).
pub const MAX_DEPTH: usize = 8;

/// A relation in the tree: `from` supports, attacks or undercuts `to` (None: the proposal).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TreeEdge {
    pub from: i64,
    pub to: Option<i64>,
    pub kind: RelationKind,
}

#[derive(Debug, Clone)]
pub struct TreeClaim {
    pub slug: String,
    pub body: String,
    pub actor: Option<String>,
}

/// The claims around a proposal and how they relate.
#[derive(Debug, Clone, Default)]
pub struct ClaimTree {
    pub claims: BTreeMap<i64, TreeClaim>,
    pub edges: BTreeSet<TreeEdge>,
}

/// Rendering steps for nested lists, since templates cannot recurse.
#[derive(Debug, Clone)]
pub enum TreeEvent {
    Open,
    Item {
        claim: ClaimItem,
        kind: RelationKind,
    },
    /// A claim already shown higher on this branch: the argument loops back.
    Loop {
        claim: ClaimItem,
        kind: RelationKind,
    },
    EndItem,
    Close,
}

impl ClaimTree {
    fn children(&self, of: Option<i64>) -> Vec<&TreeEdge> {
        let mut children: Vec<&TreeEdge> = self.edges.iter().filter(|e| e.to == of).collect();
        // Supports first, then attacks, then undercuts (the kinds' order); within each, in
        // claim order.
        children.sort_by_key(|e| (e.kind, e.from));
        children
    }

    pub fn claim_ids(&self) -> Vec<i64> {
        self.claims.keys().copied().collect()
    }

    fn item(&self, id: i64, standings: &Standings) -> ClaimItem {
        let claim = &self.claims[&id];
        item(
            standings,
            id,
            claim.slug.clone(),
            claim.body.clone(),
            claim.actor.clone(),
        )
    }

    /// The nested list of the claims for (`supporting`) or against the proposal.
    pub fn events(&self, supporting: bool, standings: &Standings) -> Vec<TreeEvent> {
        let roots: Vec<&TreeEdge> = self
            .children(None)
            .into_iter()
            .filter(|e| (e.kind == RelationKind::Supports) == supporting)
            .collect();
        let mut events = Vec::new();
        if roots.is_empty() {
            return events;
        }
        events.push(TreeEvent::Open);
        for root in roots {
            self.walk(root, &mut vec![], standings, &mut events);
        }
        events.push(TreeEvent::Close);
        events
    }

    fn walk(
        &self,
        edge: &TreeEdge,
        path: &mut Vec<i64>,
        standings: &Standings,
        events: &mut Vec<TreeEvent>,
    ) {
        let claim = self.item(edge.from, standings);
        if path.contains(&edge.from) {
            events.push(TreeEvent::Loop {
                claim,
                kind: edge.kind,
            });
            events.push(TreeEvent::EndItem);
            return;
        }
        events.push(TreeEvent::Item {
            claim,
            kind: edge.kind,
        });
        let children = self.children(Some(edge.from));
        if !children.is_empty() && path.len() + 1 < MAX_DEPTH {
            path.push(edge.from);
            events.push(TreeEvent::Open);
            for child in children {
                self.walk(child, path, standings, events);
            }
            events.push(TreeEvent::Close);
            path.pop();
        }
        events.push(TreeEvent::EndItem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(edges: &[(i64, Option<i64>, &str)]) -> ClaimTree {
        let mut tree = ClaimTree::default();
        for &(from, to, kind) in edges {
            tree.claims.insert(
                from,
                TreeClaim {
                    slug: format!("c{from}"),
                    body: format!("Claim {from}"),
                    actor: None,
                },
            );
            tree.edges.insert(TreeEdge {
                from,
                to,
                kind: kind.parse().unwrap(),
            });
        }
        tree
    }

    fn shape(events: &[TreeEvent]) -> String {
        events
            .iter()
            .map(|e| match e {
                TreeEvent::Open => "(".to_owned(),
                TreeEvent::Close => ")".to_owned(),
                TreeEvent::Item { claim, .. } => claim.slug.clone(),
                TreeEvent::Loop { claim, .. } => format!("↻{}", claim.slug),
                TreeEvent::EndItem => ";".to_owned(),
            })
            .collect()
    }

    #[test]
    fn claims_for_and_against_nest_their_rebuttals() {
        let tree = tree(&[
            (1, None, "supports"),
            (2, None, "attacks"),
            (3, Some(2), "attacks"),
            (4, Some(3), "supports"),
        ]);
        let standings = Standings::default();
        assert_eq!(shape(&tree.events(true, &standings)), "(c1;)");
        assert_eq!(shape(&tree.events(false, &standings)), "(c2(c3(c4;););)");
    }

    #[test]
    fn a_cycle_is_shown_once_and_marked_as_a_loop() {
        let tree = tree(&[
            (1, None, "attacks"),
            (2, Some(1), "attacks"),
            (1, Some(2), "attacks"),
        ]);
        assert_eq!(
            shape(&tree.events(false, &Standings::default())),
            "(c1(c2(↻c1;););)"
        );
    }
}
