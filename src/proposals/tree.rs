//! The claims for and against a proposal as a tree: the claims that support or attack it,
//! then the claims that support or attack those, and so on.

use std::collections::{BTreeMap, BTreeSet};

use crate::claims::read::item;
use crate::domain::RelationKind;
use crate::standing::StandingLabel;
use crate::views::{Balance, ClaimItem, Standings};

/// Rebuttal chains deeper than this are cut (and said to be).
pub const MAX_DEPTH: usize = 8;

/// A relation in the tree: `from` supports or attacks `to` (None: the proposal), or
/// undercuts the inference from `to` to what `to` bears on above it in the tree.
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
    /// A list opens; below the first level it is folded under a summary ("3 replies: 1
    /// supports, 2 attack") that the reader opens on demand.
    Open {
        folded: Option<String>,
    },
    Item {
        claim: ClaimItem,
        kind: RelationKind,
    },
    /// A claim already listed in this tree (higher on this branch when the argument loops
    /// back): a reference to it, not the claim again.
    Again {
        claim: ClaimItem,
        kind: RelationKind,
        looping: bool,
    },
    EndItem,
    Close {
        folded: bool,
    },
}

/// How the argument about a proposal comes out: the balance of its direct claims, and on
/// each side the strongest claim still standing.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub balance: Balance,
    pub strongest_for: Option<ClaimItem>,
    pub strongest_against: Option<ClaimItem>,
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

    /// The claims bearing on the proposal directly, for (`supporting`) or against it.
    fn roots(&self, supporting: bool) -> Vec<&TreeEdge> {
        self.children(None)
            .into_iter()
            .filter(|e| (e.kind == RelationKind::Supports) == supporting)
            .collect()
    }

    /// The balance of the direct claims and the strongest standing claim on each side:
    /// the one with the most standing claims supporting it (then the fewest attackers,
    /// then the first recorded).
    pub fn verdict(&self, standings: &Standings) -> Verdict {
        let ids = |supporting| -> Vec<i64> {
            let mut ids: Vec<i64> = self.roots(supporting).iter().map(|e| e.from).collect();
            ids.dedup();
            ids
        };
        let (supporting, opposing) = (ids(true), ids(false));
        let strongest = |ids: &[i64]| {
            ids.iter()
                .filter(|&&id| standings.label(id) == StandingLabel::Stands)
                .max_by_key(|&&id| {
                    let bearing = self.children(Some(id));
                    let backed = bearing
                        .iter()
                        .filter(|e| e.kind == RelationKind::Supports)
                        .filter(|e| standings.label(e.from) == StandingLabel::Stands)
                        .count();
                    let attacked = bearing
                        .iter()
                        .filter(|e| e.kind != RelationKind::Supports)
                        .count();
                    (backed, std::cmp::Reverse(attacked), std::cmp::Reverse(id))
                })
                .map(|&id| self.item(id, standings))
        };
        Verdict {
            balance: Balance::of(&supporting, &opposing, standings),
            strongest_for: strongest(&supporting),
            strongest_against: strongest(&opposing),
        }
    }

    /// The nested lists of the claims for and against the proposal. Each claim is listed
    /// once across both: where it comes back it is a reference to where it was listed.
    /// The claims bearing on the proposal directly are listed at the first level, so
    /// deeper down they are references too.
    pub fn events(&self, standings: &Standings) -> (Vec<TreeEvent>, Vec<TreeEvent>) {
        let direct: BTreeSet<i64> = self.children(None).iter().map(|e| e.from).collect();
        let mut listed = BTreeSet::new();
        let mut side = |supporting| {
            let roots = self.roots(supporting);
            let mut events = Vec::new();
            if roots.is_empty() {
                return events;
            }
            events.push(TreeEvent::Open { folded: None });
            for root in roots {
                self.walk(
                    root,
                    &mut vec![],
                    &direct,
                    &mut listed,
                    standings,
                    &mut events,
                );
            }
            events.push(TreeEvent::Close { folded: false });
            events
        };
        let claims_for = side(true);
        let claims_against = side(false);
        (claims_for, claims_against)
    }

    fn walk(
        &self,
        edge: &TreeEdge,
        path: &mut Vec<i64>,
        direct: &BTreeSet<i64>,
        listed: &mut BTreeSet<i64>,
        standings: &Standings,
        events: &mut Vec<TreeEvent>,
    ) {
        let claim = self.item(edge.from, standings);
        let nested_direct = !path.is_empty() && direct.contains(&edge.from);
        if nested_direct || !listed.insert(edge.from) {
            events.push(TreeEvent::Again {
                claim,
                kind: edge.kind,
                looping: path.contains(&edge.from),
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
            events.push(TreeEvent::Open {
                folded: Some(replies(&children)),
            });
            for child in children {
                self.walk(child, path, direct, listed, standings, events);
            }
            events.push(TreeEvent::Close { folded: true });
            path.pop();
        }
        events.push(TreeEvent::EndItem);
    }
}

/// What a folded list holds: "1 reply: 1 supporting", "3 replies: 1 supporting, 2
/// attacking".
fn replies(children: &[&TreeEdge]) -> String {
    let kinds: Vec<String> = RelationKind::ALL
        .iter()
        .filter_map(|&kind| {
            let n = children.iter().filter(|e| e.kind == kind).count();
            let doing = match kind {
                RelationKind::Supports => "supporting",
                RelationKind::Attacks => "attacking",
                RelationKind::Undercuts => "undercutting",
            };
            (n > 0).then(|| format!("{n} {doing}"))
        })
        .collect();
    let n = children.len();
    format!(
        "{n} {}: {}",
        if n == 1 { "reply" } else { "replies" },
        kinds.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree that `edges` describes, one relation to a comma: "3 attacks 2" (claim c3
    /// attacks claim c2), "1 supports" (claim c1 supports the proposal).
    fn tree(edges: &str) -> ClaimTree {
        let mut tree = ClaimTree::default();
        for edge in edges.split(',') {
            let words: Vec<&str> = edge.split_whitespace().collect();
            let (from, kind) = (words[0].parse().unwrap(), words[1]);
            let to = words.get(2).map(|to| to.parse().unwrap());
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
                TreeEvent::Open { .. } => "(".to_owned(),
                TreeEvent::Close { .. } => ")".to_owned(),
                TreeEvent::Item { claim, .. } => claim.slug.clone(),
                TreeEvent::Again {
                    claim,
                    looping: true,
                    ..
                } => format!("↻{}", claim.slug),
                TreeEvent::Again { claim, .. } => format!("^{}", claim.slug),
                TreeEvent::EndItem => ";".to_owned(),
            })
            .collect()
    }

    /// The shapes of the claims for and of the claims against in the tree of `edges`.
    fn shapes(edges: &str) -> (String, String) {
        let (claims_for, claims_against) = tree(edges).events(&Standings::default());
        (shape(&claims_for), shape(&claims_against))
    }

    /// Each tree, and its claims for and against as `shape` writes them: "(" and ")" open
    /// and close a level, ";" ends an item, "^" refers back to a claim listed already and
    /// "↻" marks a loop.
    #[test]
    fn claims_nest_their_rebuttals_and_each_is_listed_once() {
        for (edges, claims_for, claims_against) in [
            // Claims for and against nest their rebuttals.
            (
                "1 supports, 2 attacks, 3 attacks 2, 4 supports 3",
                "(c1;)",
                "(c2(c3(c4;););)",
            ),
            // A cycle is shown once and marked as a loop.
            (
                "1 attacks, 2 attacks 1, 1 attacks 2",
                "",
                "(c1(c2(↻c1;););)",
            ),
            // A claim bearing on two others is listed once, then referred to.
            (
                "1 supports, 2 attacks, 3 attacks 1, 3 supports 2",
                "(c1(c3;);)",
                "(c2(^c3;);)",
            ),
            // A claim bearing on the proposal is listed at the first level.
            ("1 supports, 2 attacks, 2 attacks 1", "(c1(^c2;);)", "(c2;)"),
        ] {
            let expected = (claims_for.to_owned(), claims_against.to_owned());
            assert_eq!(shapes(edges), expected, "{edges}");
        }
    }

    #[test]
    fn the_strongest_standing_claim_has_the_most_standing_support() {
        let tree = tree("1 supports, 2 supports, 3 supports 2, 4 attacks, 5 attacks 4");
        let standings = Standings::default();
        let verdict = tree.verdict(&standings);
        assert_eq!(
            verdict.balance.phrase(),
            "2 for (all stand) · 1 against (it stands)"
        );
        assert_eq!(verdict.strongest_for.unwrap().slug, "c2");
        assert_eq!(verdict.strongest_against.unwrap().slug, "c4");
    }
}
