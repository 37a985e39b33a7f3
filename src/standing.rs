//! Each claim's standing under grounded semantics, over the attack relations (attacks and
//! undercuts both count as attacks), with the reason for it.
//!
//! A claim *stands* when every attacker is defeated (so one with no attackers stands), is
//! *defeated* when some attacker stands, and is *contested* otherwise: it depends on a
//! cycle of attacks that grounded semantics leaves undecided. This is the grounded
//! labelling, computed in O(claims + attacks) by propagating from unattacked claims.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub type ClaimId = i64;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "standing", rename_all = "lowercase")]
pub enum Standing {
    Stands,
    /// Defeated by this attacker, which stands.
    Defeated {
        by: ClaimId,
    },
    /// Undecided because of this cycle of attacks: each member attacks the one before it,
    /// and the first attacks the last. The claim is in it or is attacked from it.
    Contested {
        cycle: Vec<ClaimId>,
    },
}

crate::domain::vocabulary! {
    /// A standing without its reason: what pages, exports and the API show.
    pub enum StandingLabel ("standing") {
        Stands = "stands",
        Defeated = "defeated",
        Contested = "contested",
    }
}

impl Standing {
    pub fn label(&self) -> StandingLabel {
        match self {
            Standing::Stands => StandingLabel::Stands,
            Standing::Defeated { .. } => StandingLabel::Defeated,
            Standing::Contested { .. } => StandingLabel::Contested,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    In,
    Out,
    Undecided,
}

/// An abstract argumentation framework: claims and who attacks whom.
#[derive(Debug, Clone, Default)]
pub struct Framework {
    attackers: BTreeMap<ClaimId, BTreeSet<ClaimId>>,
    targets: BTreeMap<ClaimId, BTreeSet<ClaimId>>,
}

impl Framework {
    /// `attacks` are `(attacker, attacked)` pairs; claims named only there are added too.
    pub fn new(
        claims: impl IntoIterator<Item = ClaimId>,
        attacks: impl IntoIterator<Item = (ClaimId, ClaimId)>,
    ) -> Self {
        let mut framework = Framework::default();
        for claim in claims {
            framework.attackers.entry(claim).or_default();
            framework.targets.entry(claim).or_default();
        }
        for (attacker, attacked) in attacks {
            framework.attackers.entry(attacker).or_default();
            framework.targets.entry(attacked).or_default();
            framework
                .attackers
                .entry(attacked)
                .or_default()
                .insert(attacker);
            framework
                .targets
                .entry(attacker)
                .or_default()
                .insert(attacked);
        }
        framework
    }

    /// The standing of every claim.
    pub fn standings(&self) -> BTreeMap<ClaimId, Standing> {
        let labels = self.grounded_labelling();
        labels
            .iter()
            .map(|(&claim, &label)| {
                let standing = match label {
                    Label::In => Standing::Stands,
                    Label::Out => {
                        let by = self.attackers[&claim]
                            .iter()
                            .copied()
                            .find(|a| labels[a] == Label::In);
                        Standing::Defeated {
                            by: by.expect("a defeated claim has a standing attacker"),
                        }
                    }
                    Label::Undecided => Standing::Contested {
                        cycle: self.cycle_behind(claim, &labels),
                    },
                };
                (claim, standing)
            })
            .collect()
    }

    fn grounded_labelling(&self) -> BTreeMap<ClaimId, Label> {
        let mut labels: BTreeMap<ClaimId, Label> = self
            .attackers
            .keys()
            .map(|&c| (c, Label::Undecided))
            .collect();
        // How many attackers of each claim are not yet known to be defeated.
        let mut live_attackers: BTreeMap<ClaimId, usize> =
            self.attackers.iter().map(|(&c, a)| (c, a.len())).collect();
        let mut stands: VecDeque<ClaimId> = live_attackers
            .iter()
            .filter(|&(_, &n)| n == 0)
            .map(|(&c, _)| c)
            .collect();
        while let Some(claim) = stands.pop_front() {
            if labels[&claim] != Label::Undecided {
                continue;
            }
            labels.insert(claim, Label::In);
            for &attacked in &self.targets[&claim] {
                if labels[&attacked] != Label::Undecided {
                    continue;
                }
                labels.insert(attacked, Label::Out);
                for &next in &self.targets[&attacked] {
                    let live = live_attackers
                        .get_mut(&next)
                        .expect("every claim is counted");
                    *live -= 1;
                    if *live == 0 && labels[&next] == Label::Undecided {
                        stands.push_back(next);
                    }
                }
            }
        }
        labels
    }

    /// Follows undecided attackers back from `claim` until one repeats. Every undecided
    /// claim has an undecided attacker (none of its attackers stands, not all are
    /// defeated), so the walk always finds a cycle.
    fn cycle_behind(&self, claim: ClaimId, labels: &BTreeMap<ClaimId, Label>) -> Vec<ClaimId> {
        let mut path = vec![claim];
        let mut current = claim;
        loop {
            let next = self.attackers[&current]
                .iter()
                .copied()
                .find(|a| labels[a] == Label::Undecided)
                .expect("an undecided claim has an undecided attacker");
            if let Some(start) = path.iter().position(|&c| c == next) {
                return path[start..].to_vec();
            }
            path.push(next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standings(
        claims: &[ClaimId],
        attacks: &[(ClaimId, ClaimId)],
    ) -> BTreeMap<ClaimId, Standing> {
        Framework::new(claims.iter().copied(), attacks.iter().copied()).standings()
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
        assert_eq!(s[&2], Standing::Defeated { by: 1 });
        assert_eq!(s[&3], Standing::Stands, "its only attacker is defeated");
        assert_eq!(s[&4], Standing::Defeated { by: 3 });
    }

    #[test]
    fn an_even_cycle_is_contested() {
        let s = standings(&[1, 2], &[(1, 2), (2, 1)]);
        assert_eq!(s[&1], Standing::Contested { cycle: vec![1, 2] });
        assert_eq!(s[&2], Standing::Contested { cycle: vec![2, 1] });
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
                cycle: vec![3, 2, 1]
            },
            "attacked from the cycle"
        );
    }

    #[test]
    fn a_self_attacking_claim_is_contested_by_itself() {
        let s = standings(&[1, 2], &[(1, 1), (1, 2)]);
        assert_eq!(s[&1], Standing::Contested { cycle: vec![1] });
        assert_eq!(s[&2].label(), StandingLabel::Contested);
    }

    #[test]
    fn a_standing_attacker_defeats_even_when_a_cycle_also_attacks() {
        let s = standings(&[1, 2, 3, 4], &[(1, 2), (2, 1), (1, 4), (3, 4)]);
        assert_eq!(s[&4], Standing::Defeated { by: 3 });
    }

    #[test]
    fn a_cycle_broken_from_outside_is_decided() {
        // 3 stands and defeats 1, so 2 (attacked only by 1) stands, and defeats 1 too.
        let s = standings(&[1, 2, 3], &[(1, 2), (2, 1), (3, 1)]);
        assert_eq!(s[&3], Standing::Stands);
        assert_eq!(s[&2], Standing::Stands);
        assert_eq!(
            s[&1],
            Standing::Defeated { by: 2 },
            "the first standing attacker is named"
        );
    }

    #[test]
    fn disconnected_parts_are_independent() {
        let s = standings(&[1, 2, 3, 4, 5], &[(1, 2), (3, 4), (4, 3)]);
        assert_eq!(s[&1], Standing::Stands);
        assert_eq!(s[&2], Standing::Defeated { by: 1 });
        assert_eq!(s[&3].label(), StandingLabel::Contested);
        assert_eq!(s[&5], Standing::Stands);
    }

    mod against_brute_force {
        use super::*;
        use proptest::prelude::*;

        /// The grounded extension by definition: the least complete extension, found by
        /// trying every subset of a small framework.
        fn grounded_by_enumeration(n: i64, attacks: &[(ClaimId, ClaimId)]) -> BTreeSet<ClaimId> {
            let attacks_set: BTreeSet<(ClaimId, ClaimId)> = attacks.iter().copied().collect();
            let attacks = |a: ClaimId, b: ClaimId| attacks_set.contains(&(a, b));
            let mut least: Option<BTreeSet<ClaimId>> = None;
            for mask in 0u32..(1 << n) {
                let set: BTreeSet<ClaimId> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
                let conflict_free = set.iter().all(|&a| set.iter().all(|&b| !attacks(a, b)));
                let defends = |a: ClaimId| {
                    (0..n)
                        .filter(|&b| attacks(b, a))
                        .all(|b| set.iter().any(|&c| attacks(c, b)))
                };
                let complete = conflict_free && (0..n).all(|a| set.contains(&a) == defends(a));
                if complete && least.as_ref().is_none_or(|l| set.len() < l.len()) {
                    least = Some(set);
                }
            }
            least.expect("every framework has a grounded extension")
        }

        proptest! {
            #[test]
            fn the_labelling_matches_the_grounded_extension(
                n in 1i64..=7,
                raw in proptest::collection::vec((0i64..7, 0i64..7), 0..20),
            ) {
                let attacks: Vec<(ClaimId, ClaimId)> = raw.into_iter().filter(|&(a, b)| a < n && b < n).collect();
                let standings = Framework::new(0..n, attacks.iter().copied()).standings();
                let grounded = grounded_by_enumeration(n, &attacks);
                for claim in 0..n {
                    let attacked_by_grounded = attacks.iter().any(|&(a, b)| b == claim && grounded.contains(&a));
                    match &standings[&claim] {
                        Standing::Stands => prop_assert!(grounded.contains(&claim)),
                        Standing::Defeated { by } => {
                            prop_assert!(attacked_by_grounded);
                            prop_assert!(grounded.contains(by) && attacks.contains(&(*by, claim)));
                        }
                        Standing::Contested { cycle } => {
                            prop_assert!(!grounded.contains(&claim) && !attacked_by_grounded);
                            for (i, member) in cycle.iter().enumerate() {
                                let next = cycle[(i + 1) % cycle.len()];
                                prop_assert!(attacks.contains(&(next, *member)), "{next} attacks {member}");
                                prop_assert_eq!(standings[member].label(), StandingLabel::Contested);
                            }
                        }
                    }
                }
            }
        }
    }
}
