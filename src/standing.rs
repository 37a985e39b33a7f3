//! Each claim's standing, and whether each relation still carries its inference, under
//! grounded semantics where relations can be attacked, with the reason for each.
//!
//! Claims attack claims (`A attacks B`); undercuts attack relations (`U undercuts the
//! inference from A to B`, or another undercut). An attack or undercut *fires* when its
//! claim stands and the relation itself is not disabled. Then:
//! - a claim *stands* when none of the attacks on it can fire (each attacker is defeated
//!   or each attack is disabled), so a claim with no attackers stands; it is *defeated*
//!   when some attack on it fires; it is *contested* otherwise;
//! - a relation *holds* (it carries its support or attack) when none of the undercuts of
//!   it can fire, is *disabled* when one fires, and is *contested* otherwise.
//!
//! An undercut that fires disables the relation; it never touches the relation's premise,
//! which keeps its own standing. Undercuts of undercuts compose: a disabled undercut
//! disables nothing.
//!
//! This is the grounded (least) labelling of the Dung framework obtained by making each
//! relation an argument of its own (see the brute-force test below, which builds that
//! framework explicitly), computed here in O(claims + relations) by propagating from what
//! nothing attacks.

use std::collections::{BTreeMap, VecDeque};

pub type ClaimId = i64;
pub type RelationId = i64;

/// What a relation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Claim(ClaimId),
    Relation(RelationId),
    /// Something outside the framework (a proposal): the relation can be undercut, but
    /// what it points at has no standing.
    Outside,
}

/// A relation between claims, as the framework sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relation {
    pub id: RelationId,
    pub from: ClaimId,
    pub to: Target,
    /// Whether it attacks its target (an attack or an undercut) rather than supporting it.
    pub attacks: bool,
}

/// A claim or a relation: the arguments of the framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Node {
    Claim(ClaimId),
    Relation(RelationId),
}

impl Node {
    fn id(self) -> i64 {
        match self {
            Node::Claim(id) | Node::Relation(id) => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "standing", rename_all = "lowercase")]
pub enum Standing {
    /// A claim stands; a relation holds.
    Stands,
    /// Defeated (a relation: disabled) by the claim `by`, which stands, through the
    /// attack or undercut `via`, which holds.
    Defeated { by: ClaimId, via: RelationId },
    /// Undecided because of this cycle: each member is attacked by the next one (a claim
    /// by a claim through an attack, or through the undercut of the inference it depends
    /// on), and the last by the first. The node is in it or is attacked from it.
    Contested { cycle: Vec<Node> },
}

crate::domain::vocabulary! {
    /// A standing without its reason: what pages, exports and the API show.
    pub enum StandingLabel ("standing") {
        Stands = "stands",
        Defeated = "defeated",
        Contested = "contested",
    }
}

crate::domain::vocabulary! {
    /// Whether a support, attack or undercut still carries its inference: it holds, an
    /// undercut that stands disables it, or an undercut in question contests it.
    pub enum InferenceLabel ("inference standing") {
        Holds = "holds",
        Disabled = "disabled",
        Contested = "contested",
    }
}

impl Default for StandingLabel {
    /// A claim nothing attacks stands.
    fn default() -> Self {
        StandingLabel::Stands
    }
}

impl Standing {
    /// The word for a claim: stands, defeated or contested.
    pub fn label(&self) -> StandingLabel {
        match self {
            Standing::Stands => StandingLabel::Stands,
            Standing::Defeated { .. } => StandingLabel::Defeated,
            Standing::Contested { .. } => StandingLabel::Contested,
        }
    }

    /// What it means for a relation's inference.
    pub fn relation_label(&self) -> InferenceLabel {
        match self {
            Standing::Stands => InferenceLabel::Holds,
            Standing::Defeated { .. } => InferenceLabel::Disabled,
            Standing::Contested { .. } => InferenceLabel::Contested,
        }
    }
}

/// The result: every claim's standing and every relation's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standings {
    pub claims: BTreeMap<ClaimId, Standing>,
    pub relations: BTreeMap<RelationId, Standing>,
}

impl Standings {
    pub fn claim(&self, id: ClaimId) -> Option<&Standing> {
        self.claims.get(&id)
    }

    pub fn relation(&self, id: RelationId) -> Option<&Standing> {
        self.relations.get(&id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    In,
    Out,
    Undecided,
}

/// A framework of claims and relations, where relations can be attacked (undercut).
///
/// Nodes are numbered densely (the claims, then the relations in order of id) and every
/// lookup is an index: at 86,000 claims the ordered maps this replaced spent most of the
/// first request after a write computing standings (see `cargo bench --bench core`).
#[derive(Debug, Clone, Default)]
pub struct Framework {
    /// Each node by number: claims first, then relations.
    nodes: Vec<Node>,
    /// The relations by id; relation `r` is node `claims + r`.
    relations: Vec<Relation>,
    /// How many of the nodes are claims.
    claims: usize,
    /// Each relation's claim, as a node number.
    from: Vec<usize>,
    /// The node each attack or undercut points at, when it is in the framework.
    target: Vec<Option<usize>>,
    /// The attacks and undercuts pointing at each node, in order of id.
    attacked_by: Adjacency,
    /// For each node, the attacks and undercuts whose firing depends on it: those it makes
    /// (a claim) or those it is (a relation).
    enables: Adjacency,
}

/// For each node, a list of relations, all in one vector (one allocation, not one a node).
#[derive(Debug, Clone, Default)]
struct Adjacency {
    /// Node `n`'s list is `relations[starts[n]..starts[n + 1]]`.
    starts: Vec<usize>,
    relations: Vec<usize>,
}

impl Adjacency {
    /// From `(node, relation)` pairs in the order each list is to have.
    fn new(nodes: usize, pairs: &[(usize, usize)]) -> Self {
        let mut starts = vec![0; nodes + 1];
        for &(node, _) in pairs {
            starts[node + 1] += 1;
        }
        for n in 0..nodes {
            starts[n + 1] += starts[n];
        }
        let mut next = starts.clone();
        let mut relations = vec![0; pairs.len()];
        for &(node, relation) in pairs {
            relations[next[node]] = relation;
            next[node] += 1;
        }
        Self { starts, relations }
    }

    fn of(&self, node: usize) -> &[usize] {
        &self.relations[self.starts[node]..self.starts[node + 1]]
    }
}

impl Framework {
    /// Claims named only by relations are added too. A relation pointing at a relation
    /// not given is ignored (as if its target were outside the framework); so is a second
    /// relation with the same id.
    pub fn new(
        claims: impl IntoIterator<Item = ClaimId>,
        relations: impl IntoIterator<Item = Relation>,
    ) -> Self {
        let mut relations: Vec<Relation> = relations.into_iter().collect();
        // Stable, so the first of two relations with one id is the one kept.
        relations.sort_by_key(|r| r.id);
        relations.dedup_by_key(|r| r.id);
        let mut claim_ids: Vec<ClaimId> = claims.into_iter().collect();
        for relation in &relations {
            claim_ids.push(relation.from);
            if let Target::Claim(claim) = relation.to {
                claim_ids.push(claim);
            }
        }
        claim_ids.sort_unstable();
        claim_ids.dedup();
        let claim_count = claim_ids.len();
        let claim_node = |id: ClaimId| claim_ids.binary_search(&id).expect("added above");
        let relation_node = |id: RelationId| {
            relations
                .binary_search_by_key(&id, |r| r.id)
                .ok()
                .map(|r| claim_count + r)
        };
        let node_count = claim_count + relations.len();
        let from: Vec<usize> = relations.iter().map(|r| claim_node(r.from)).collect();
        let mut target = vec![None; relations.len()];
        let mut attacked_by = Vec::new();
        let mut enables = Vec::new();
        for (r, relation) in relations.iter().enumerate() {
            let node = match relation.to {
                Target::Claim(claim) => Some(claim_node(claim)),
                Target::Relation(id) => relation_node(id),
                Target::Outside => None,
            };
            let Some(node) = node.filter(|_| relation.attacks) else {
                continue;
            };
            target[r] = Some(node);
            attacked_by.push((node, r));
            enables.push((from[r], r));
            enables.push((claim_count + r, r));
        }
        let mut nodes: Vec<Node> = claim_ids.iter().map(|&id| Node::Claim(id)).collect();
        nodes.extend(relations.iter().map(|r| Node::Relation(r.id)));
        Framework {
            nodes,
            claims: claim_count,
            from,
            target,
            attacked_by: Adjacency::new(node_count, &attacked_by),
            enables: Adjacency::new(node_count, &enables),
            relations,
        }
    }

    /// The standing of every claim and relation.
    pub fn standings(&self) -> Standings {
        let labels = self.grounded_labelling();
        let cycles = self.cycles_behind(&labels);
        let standings = labels.iter().enumerate().map(|(node, &label)| match label {
            Label::In => Standing::Stands,
            Label::Out => {
                let via = self
                    .attacked_by
                    .of(node)
                    .iter()
                    .copied()
                    .find(|&r| self.fires(r, &labels))
                    .expect("a defeated node has an attack that fires");
                Standing::Defeated {
                    by: self.relations[via].from,
                    via: self.relations[via].id,
                }
            }
            Label::Undecided => Standing::Contested {
                cycle: cycles[node].clone(),
            },
        });
        let mut standings = standings.collect::<Vec<_>>().into_iter();
        // Nodes are in order of id, claims then relations: the maps are built in bulk.
        Standings {
            claims: self.nodes[..self.claims]
                .iter()
                .map(|node| (node.id(), standings.next().expect("one a node")))
                .collect(),
            relations: self.nodes[self.claims..]
                .iter()
                .map(|node| (node.id(), standings.next().expect("one a node")))
                .collect(),
        }
    }

    fn fires(&self, relation: usize, labels: &[Label]) -> bool {
        labels[self.from[relation]] == Label::In && labels[self.claims + relation] == Label::In
    }

    fn grounded_labelling(&self) -> Vec<Label> {
        let mut labels = vec![Label::Undecided; self.nodes.len()];
        // How many attacks on each node may still fire.
        let mut live: Vec<usize> = (0..self.nodes.len())
            .map(|node| self.attacked_by.of(node).len())
            .collect();
        // Attacks known never to fire (their claim or themselves are out).
        let mut dead = vec![false; self.relations.len()];
        let mut decided: VecDeque<(usize, Label)> = live
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n == 0)
            .map(|(node, _)| (node, Label::In))
            .collect();
        while let Some((node, label)) = decided.pop_front() {
            if labels[node] != Label::Undecided {
                continue;
            }
            labels[node] = label;
            for &relation in self.enables.of(node) {
                let target = self.target[relation].expect("only attacks are enabled");
                match label {
                    Label::In if self.fires(relation, &labels) => {
                        decided.push_back((target, Label::Out));
                    }
                    Label::Out if !std::mem::replace(&mut dead[relation], true) => {
                        live[target] -= 1;
                        if live[target] == 0 {
                            decided.push_back((target, Label::In));
                        }
                    }
                    _ => {}
                }
            }
        }
        labels
    }

    /// The undecided node an undecided `node` is attacked from: an undecided node has an
    /// attack that neither fires nor is dead, so its claim or the attack itself is
    /// undecided (the claim is named first).
    fn undecided_attacker(&self, node: usize, labels: &[Label]) -> usize {
        self.attacked_by
            .of(node)
            .iter()
            .find_map(|&r| {
                let (claim, relation) = (self.from[r], self.claims + r);
                match (labels[claim], labels[relation]) {
                    (Label::Out, _) | (_, Label::Out) => None,
                    (Label::Undecided, _) => Some(claim),
                    _ => Some(relation),
                }
            })
            .expect("an undecided node has an undecided attack")
    }

    /// For each undecided node, the cycle its undecided attackers lead back to: following
    /// them from the node until one repeats, the cycle from the first node reached on it.
    /// Each node has one such attacker, so the walks form chains into cycles; each chain is
    /// walked once and every node on it remembers where it meets its cycle.
    fn cycles_behind(&self, labels: &[Label]) -> Vec<Vec<Node>> {
        const UNSEEN: usize = usize::MAX;
        const ON_PATH: usize = usize::MAX - 1;
        // Where each undecided node's walk first meets its cycle.
        let mut entry = vec![UNSEEN; labels.len()];
        let mut path = Vec::new();
        for start in 0..labels.len() {
            if labels[start] != Label::Undecided || entry[start] != UNSEEN {
                continue;
            }
            let mut node = start;
            while entry[node] == UNSEEN {
                entry[node] = ON_PATH;
                path.push(node);
                node = self.undecided_attacker(node, labels);
            }
            let meets = if entry[node] == ON_PATH {
                // A new cycle: each of its nodes meets it at itself.
                let at = path.iter().position(|&n| n == node).expect("on the path");
                for &member in &path[at..] {
                    entry[member] = member;
                }
                path.truncate(at);
                node
            } else {
                entry[node]
            };
            for &tail in &path {
                entry[tail] = meets;
            }
            path.clear();
        }
        let mut cycles: Vec<Vec<Node>> = vec![Vec::new(); labels.len()];
        let mut from_entry: std::collections::HashMap<usize, Vec<Node>> = Default::default();
        for node in 0..labels.len() {
            if labels[node] != Label::Undecided {
                continue;
            }
            let meets = entry[node];
            cycles[node] = from_entry
                .entry(meets)
                .or_insert_with(|| {
                    let mut cycle = vec![self.nodes[meets]];
                    let mut next = self.undecided_attacker(meets, labels);
                    while next != meets {
                        cycle.push(self.nodes[next]);
                        next = self.undecided_attacker(next, labels);
                    }
                    cycle
                })
                .clone();
        }
        cycles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims `claims`; `attacks` are `(attacker, attacked)` claim pairs, numbered as
    /// relations 100, 101, … in order.
    fn standings(
        claims: &[ClaimId],
        attacks: &[(ClaimId, ClaimId)],
    ) -> BTreeMap<ClaimId, Standing> {
        let relations = attacks.iter().enumerate().map(|(i, &(a, b))| Relation {
            id: 100 + i as i64,
            from: a,
            to: Target::Claim(b),
            attacks: true,
        });
        Framework::new(claims.iter().copied(), relations)
            .standings()
            .claims
    }

    fn rel(id: RelationId, from: ClaimId, to: Target, attacks: bool) -> Relation {
        Relation {
            id,
            from,
            to,
            attacks,
        }
    }

    #[test]
    fn an_unattacked_claim_stands() {
        assert_eq!(standings(&[1], &[])[&1], Standing::Stands);
    }

    #[test]
    fn in_a_chain_the_standing_alternates() {
        // 1 attacks 2 attacks 3 attacks 4.
        let s = standings(&[1, 2, 3, 4], &[(1, 2), (2, 3), (3, 4)]);
        assert_eq!(s[&1], Standing::Stands);
        assert_eq!(s[&2], Standing::Defeated { by: 1, via: 100 });
        assert_eq!(s[&3], Standing::Stands, "its only attacker is defeated");
        assert_eq!(s[&4], Standing::Defeated { by: 3, via: 102 });
    }

    #[test]
    fn an_even_cycle_is_contested() {
        let s = standings(&[1, 2], &[(1, 2), (2, 1)]);
        let (c1, c2) = (Node::Claim(1), Node::Claim(2));
        assert_eq!(
            s[&1],
            Standing::Contested {
                cycle: vec![c1, c2]
            }
        );
        assert_eq!(
            s[&2],
            Standing::Contested {
                cycle: vec![c2, c1]
            }
        );
    }

    #[test]
    fn an_odd_cycle_is_contested_and_so_is_what_it_attacks() {
        let s = standings(&[1, 2, 3, 4], &[(1, 2), (2, 3), (3, 1), (3, 4)]);
        for claim in [1, 2, 3] {
            assert_eq!(s[&claim].label(), StandingLabel::Contested, "{claim}");
        }
        assert_eq!(
            s[&4],
            Standing::Contested {
                cycle: vec![Node::Claim(3), Node::Claim(2), Node::Claim(1)]
            },
            "attacked from the cycle"
        );
    }

    #[test]
    fn a_self_attacking_claim_is_contested_by_itself() {
        let s = standings(&[1, 2], &[(1, 1), (1, 2)]);
        assert_eq!(
            s[&1],
            Standing::Contested {
                cycle: vec![Node::Claim(1)]
            }
        );
        assert_eq!(s[&2].label(), StandingLabel::Contested);
    }

    #[test]
    fn a_standing_attacker_defeats_even_when_a_cycle_also_attacks() {
        let s = standings(&[1, 2, 3, 4], &[(1, 2), (2, 1), (1, 4), (3, 4)]);
        assert_eq!(s[&4], Standing::Defeated { by: 3, via: 103 });
    }

    #[test]
    fn a_cycle_broken_from_outside_is_decided() {
        // 3 stands and defeats 1, so 2 (attacked only by 1) stands, and defeats 1 too.
        let s = standings(&[1, 2, 3], &[(1, 2), (2, 1), (3, 1)]);
        assert_eq!(s[&3], Standing::Stands);
        assert_eq!(s[&2], Standing::Stands);
        assert_eq!(
            s[&1],
            Standing::Defeated { by: 2, via: 101 },
            "the first standing attack is named"
        );
    }

    #[test]
    fn disconnected_parts_are_independent() {
        let s = standings(&[1, 2, 3, 4, 5], &[(1, 2), (3, 4), (4, 3)]);
        assert_eq!(s[&1], Standing::Stands);
        assert_eq!(s[&2], Standing::Defeated { by: 1, via: 100 });
        assert_eq!(s[&3].label(), StandingLabel::Contested);
        assert_eq!(s[&5], Standing::Stands);
    }

    #[test]
    fn a_standing_undercut_disables_the_attack_and_leaves_both_claims_standing() {
        // 1 attacks 2 (relation 10); 3 undercuts that inference (relation 11).
        let s = Framework::new(
            [1, 2, 3],
            [
                rel(10, 1, Target::Claim(2), true),
                rel(11, 3, Target::Relation(10), true),
            ],
        )
        .standings();
        assert_eq!(
            s.claims[&1],
            Standing::Stands,
            "the premise is not defeated"
        );
        assert_eq!(
            s.claims[&2],
            Standing::Stands,
            "the attack no longer carries"
        );
        assert_eq!(s.claims[&3], Standing::Stands);
        assert_eq!(s.relations[&10], Standing::Defeated { by: 3, via: 11 });
        assert_eq!(s.relations[&10].relation_label(), InferenceLabel::Disabled);
        assert_eq!(s.relations[&11], Standing::Stands);
    }

    #[test]
    fn an_undercut_of_a_support_disables_it_and_defeats_nothing() {
        let s = Framework::new(
            [1, 2, 3],
            [
                rel(10, 1, Target::Claim(2), false),
                rel(11, 3, Target::Relation(10), true),
                rel(12, 2, Target::Outside, false),
            ],
        )
        .standings();
        assert!(s.claims.values().all(|c| *c == Standing::Stands));
        assert_eq!(s.relations[&10], Standing::Defeated { by: 3, via: 11 });
        assert_eq!(s.relations[&12], Standing::Stands);
    }

    #[test]
    fn undercuts_of_undercuts_compose() {
        // 1 attacks 2 (10); 3 undercuts 10 (11); 4 undercuts 11 (12): 11 is disabled, so
        // 10 holds and 2 is defeated again. 5 undercuts 12 (13): 12 disabled, 11 holds,
        // 10 disabled, 2 stands.
        let base = [
            rel(10, 1, Target::Claim(2), true),
            rel(11, 3, Target::Relation(10), true),
            rel(12, 4, Target::Relation(11), true),
        ];
        let s = Framework::new([], base).standings();
        assert_eq!(s.relations[&11], Standing::Defeated { by: 4, via: 12 });
        assert_eq!(s.relations[&10], Standing::Stands);
        assert_eq!(s.claims[&2], Standing::Defeated { by: 1, via: 10 });
        assert_eq!(
            s.claims[&3],
            Standing::Stands,
            "an undercut claim keeps standing"
        );

        let more = base
            .into_iter()
            .chain([rel(13, 5, Target::Relation(12), true)]);
        let s = Framework::new([], more).standings();
        assert_eq!(s.relations[&12].relation_label(), InferenceLabel::Disabled);
        assert_eq!(s.relations[&11], Standing::Stands);
        assert_eq!(s.relations[&10].relation_label(), InferenceLabel::Disabled);
        assert_eq!(s.claims[&2], Standing::Stands);
    }

    #[test]
    fn a_defeated_undercutter_disables_nothing() {
        // 4 attacks 3, which undercuts 1's attack on 2.
        let s = Framework::new(
            [],
            [
                rel(10, 1, Target::Claim(2), true),
                rel(11, 3, Target::Relation(10), true),
                rel(12, 4, Target::Claim(3), true),
            ],
        )
        .standings();
        assert_eq!(s.claims[&3], Standing::Defeated { by: 4, via: 12 });
        assert_eq!(s.relations[&10], Standing::Stands);
        assert_eq!(s.claims[&2], Standing::Defeated { by: 1, via: 10 });
    }

    #[test]
    fn a_cycle_through_an_undercut_is_contested_and_named_with_the_relation() {
        // 1 attacks 2 (10); 2 undercuts that very attack (11). 2 stands only if 10 is
        // disabled, which it is only if 2 stands: grounded semantics leaves both open.
        let s = Framework::new(
            [],
            [
                rel(10, 1, Target::Claim(2), true),
                rel(11, 2, Target::Relation(10), true),
            ],
        )
        .standings();
        assert_eq!(s.claims[&1], Standing::Stands);
        assert_eq!(
            s.claims[&2],
            Standing::Contested {
                cycle: vec![Node::Claim(2), Node::Relation(10)]
            }
        );
        assert_eq!(s.relations[&10].relation_label(), InferenceLabel::Contested);
    }

    #[test]
    fn a_relation_to_a_missing_relation_is_ignored() {
        let s = Framework::new([1, 2], [rel(11, 1, Target::Relation(99), true)]).standings();
        assert_eq!(s.claims[&2], Standing::Stands);
        assert_eq!(s.relations[&11], Standing::Stands);
    }

    mod against_brute_force {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        /// An argument of the plain Dung framework the claims and relations expand to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Arg {
            /// The claim is accepted.
            Claim(ClaimId),
            /// The relation is enabled (no undercut of it fires).
            Enabled(RelationId),
            /// The attack's claim is not accepted.
            NoPremise(RelationId),
            /// The attack is not enabled.
            NotEnabled(RelationId),
            /// The attack fires: attacked by the two above, so in exactly when both are out.
            Fires(RelationId),
        }

        /// The expanded framework, built from the definitions without sharing any code
        /// with the solver: every relation is an argument, every attack a small gadget
        /// that makes it fire exactly when its claim and itself are accepted.
        fn expand(claims: &[ClaimId], relations: &[Relation]) -> (Vec<Arg>, BTreeSet<(Arg, Arg)>) {
            let ids: BTreeSet<RelationId> = relations.iter().map(|r| r.id).collect();
            let mut args: Vec<Arg> = claims.iter().map(|&c| Arg::Claim(c)).collect();
            let mut attacks = BTreeSet::new();
            for r in relations {
                args.push(Arg::Enabled(r.id));
                let target = match r.to {
                    Target::Claim(c) => Arg::Claim(c),
                    Target::Relation(t) if ids.contains(&t) => Arg::Enabled(t),
                    _ => continue,
                };
                if !r.attacks {
                    continue;
                }
                args.extend([
                    Arg::NoPremise(r.id),
                    Arg::NotEnabled(r.id),
                    Arg::Fires(r.id),
                ]);
                attacks.insert((Arg::Claim(r.from), Arg::NoPremise(r.id)));
                attacks.insert((Arg::Enabled(r.id), Arg::NotEnabled(r.id)));
                attacks.insert((Arg::NoPremise(r.id), Arg::Fires(r.id)));
                attacks.insert((Arg::NotEnabled(r.id), Arg::Fires(r.id)));
                attacks.insert((Arg::Fires(r.id), target));
            }
            (args, attacks)
        }

        /// The grounded extension as the least fixed point of the characteristic function
        /// F(S) = {a | every attacker of a is attacked by S}, iterated naively from ∅.
        fn grounded(args: &[Arg], attacks: &BTreeSet<(Arg, Arg)>) -> BTreeSet<Arg> {
            let mut set = BTreeSet::new();
            loop {
                let next: BTreeSet<Arg> = args
                    .iter()
                    .copied()
                    .filter(|&a| {
                        attacks
                            .iter()
                            .filter(|(_, t)| *t == a)
                            .all(|&(b, _)| set.iter().any(|&c| attacks.contains(&(c, b))))
                    })
                    .collect();
                if next == set {
                    return set;
                }
                set = next;
            }
        }

        /// Up to `claims` claims and `relations` relations of every kind, undercuts of
        /// undercuts, of themselves and of relations made after them included.
        fn graph(
            claims: i64,
            relations: usize,
        ) -> impl Strategy<Value = (Vec<ClaimId>, Vec<Relation>)> {
            (1i64..=claims, 0usize..=relations).prop_flat_map(|(n, m)| {
                let relation = (0..n, 0..n, 0usize..m.max(1), 0u8..4);
                proptest::collection::vec(relation, m).prop_map(move |raw| {
                    let relations = raw
                        .into_iter()
                        .enumerate()
                        .map(|(i, (from, to, target, kind))| {
                            let id = 100 + i as i64;
                            // Undercuts point at any relation (itself and later ones too,
                            // so cycles through relations are covered).
                            let (to, attacks) = match kind {
                                0 => (Target::Claim(to), false),
                                1 => (Target::Claim(to), true),
                                2 => (Target::Relation(100 + target as i64), true),
                                _ if to == 0 => (Target::Outside, false),
                                _ => (Target::Relation(100 + target as i64), true),
                            };
                            Relation {
                                id,
                                from,
                                to,
                                attacks,
                            }
                        })
                        .collect();
                    ((0..n).collect(), relations)
                })
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn the_labelling_matches_the_grounded_extension_of_the_expanded_framework(
                (claims, relations) in graph(6, 9)
            ) {
                let standings = Framework::new(claims.iter().copied(), relations.iter().copied()).standings();
                let (args, attacks) = expand(&claims, &relations);
                let grounded = grounded(&args, &attacks);
                let label = |a: Arg| {
                    if grounded.contains(&a) {
                        "in"
                    } else if attacks.iter().any(|&(b, t)| t == a && grounded.contains(&b)) {
                        "out"
                    } else {
                        "undecided"
                    }
                };
                let nodes = claims.iter().map(|&c| (Node::Claim(c), Arg::Claim(c)))
                    .chain(relations.iter().map(|r| (Node::Relation(r.id), Arg::Enabled(r.id))));
                for (node, arg) in nodes {
                    let standing = match node {
                        Node::Claim(c) => &standings.claims[&c],
                        Node::Relation(r) => &standings.relations[&r],
                    };
                    match standing {
                        Standing::Stands => prop_assert_eq!(label(arg), "in", "{:?}", node),
                        Standing::Defeated { by, via } => {
                            prop_assert_eq!(label(arg), "out", "{:?}", node);
                            // The named attack fires on this node.
                            let r = relations.iter().find(|r| r.id == *via).expect("a relation");
                            prop_assert_eq!(r.from, *by);
                            prop_assert!(r.attacks);
                            prop_assert!(grounded.contains(&Arg::Fires(*via)));
                            let target = match r.to {
                                Target::Claim(c) => Node::Claim(c),
                                Target::Relation(t) => Node::Relation(t),
                                Target::Outside => unreachable!("an attack on the outside fires on nothing"),
                            };
                            prop_assert_eq!(target, node);
                        }
                        Standing::Contested { cycle } => {
                            prop_assert_eq!(label(arg), "undecided", "{:?}", node);
                            // Each member is attacked by the next: a claim through one of
                            // its attacks, a relation (an attack) by way of its own firing.
                            for (i, member) in cycle.iter().enumerate() {
                                let next = cycle[(i + 1) % cycle.len()];
                                let attacked_through = |r: &Relation| match *member {
                                    Node::Claim(c) => r.attacks && r.to == Target::Claim(c),
                                    Node::Relation(t) => r.attacks && r.to == Target::Relation(t),
                                };
                                let linked = match next {
                                    Node::Claim(c) => relations.iter().any(|r| r.from == c && attacked_through(r)),
                                    Node::Relation(t) => relations.iter().any(|r| r.id == t && attacked_through(r)),
                                };
                                prop_assert!(linked, "{:?} does not lead to {:?} in {:?}", next, member, cycle);
                                let member_arg = match *member {
                                    Node::Claim(c) => Arg::Claim(c),
                                    Node::Relation(r) => Arg::Enabled(r),
                                };
                                prop_assert_eq!(label(member_arg), "undecided");
                            }
                        }
                    }
                }
            }
        }

        /// Every complete labelling, found by trying every set of accepted claims and
        /// relations: a set is complete when a node is in it exactly when every attack on
        /// it is dead (its claim or itself is out), a node being out when an attack on it
        /// fires (its claim and itself are in). Each labelling as the set of nodes in.
        fn complete_labellings(claims: &[ClaimId], relations: &[Relation]) -> Vec<BTreeSet<Node>> {
            let nodes: Vec<Node> = claims
                .iter()
                .map(|&c| Node::Claim(c))
                .chain(relations.iter().map(|r| Node::Relation(r.id)))
                .collect();
            let ids: BTreeSet<RelationId> = relations.iter().map(|r| r.id).collect();
            let on = |r: &Relation, node: Node| {
                r.attacks
                    && match (r.to, node) {
                        (Target::Claim(c), Node::Claim(n)) => c == n,
                        (Target::Relation(t), Node::Relation(n)) => t == n && ids.contains(&t),
                        _ => false,
                    }
            };
            let mut found = Vec::new();
            for mask in 0u64..(1 << nodes.len()) {
                let accepted: BTreeSet<Node> = nodes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, &n)| n)
                    .collect();
                let fires = |r: &Relation| {
                    accepted.contains(&Node::Claim(r.from))
                        && accepted.contains(&Node::Relation(r.id))
                };
                let out = |node: Node| relations.iter().any(|r| on(r, node) && fires(r));
                let dead = |r: &Relation| out(Node::Claim(r.from)) || out(Node::Relation(r.id));
                let complete = nodes.iter().all(|&node| {
                    accepted.contains(&node) == relations.iter().filter(|r| on(r, node)).all(dead)
                });
                if complete {
                    found.push(accepted);
                }
            }
            found
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn the_labelling_is_the_least_of_all_complete_labellings(
                (claims, relations) in graph(4, 7)
            ) {
                let standings = Framework::new(claims.iter().copied(), relations.iter().copied()).standings();
                let complete = complete_labellings(&claims, &relations);
                // The grounded labelling is the complete one accepting least: every other
                // complete labelling accepts all it accepts.
                let grounded = complete.iter().min_by_key(|s| s.len()).expect("one always exists");
                prop_assert!(complete.iter().all(|s| grounded.is_subset(s)), "not the least: {:?}", complete);
                let attacked_from = |node: Node| relations.iter().any(|r| {
                    let target = match r.to {
                        Target::Claim(c) => Some(Node::Claim(c)),
                        Target::Relation(t) => Some(Node::Relation(t)),
                        Target::Outside => None,
                    };
                    r.attacks && target == Some(node)
                        && grounded.contains(&Node::Claim(r.from)) && grounded.contains(&Node::Relation(r.id))
                });
                let all = claims.iter().map(|&c| (Node::Claim(c), &standings.claims[&c]))
                    .chain(relations.iter().map(|r| (Node::Relation(r.id), &standings.relations[&r.id])));
                for (node, standing) in all {
                    let expected = if grounded.contains(&node) {
                        StandingLabel::Stands
                    } else if attacked_from(node) {
                        StandingLabel::Defeated
                    } else {
                        StandingLabel::Contested
                    };
                    prop_assert_eq!(standing.label(), expected, "{:?} in {:?}", node, relations);
                }
            }
        }
    }
}
