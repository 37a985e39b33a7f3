//! The attack graph as an ICCMA 2023 abstract argumentation framework (`.i23`): claims
//! are arguments 1..n and attacks are attacks. An undercut attacks an inference, which a
//! plain framework has not got, so each undercut attack or undercut gets two auxiliary
//! arguments after the claims: "its premise is out" (attacked by the premise) and "it
//! fires" (attacked by that one and by the undercuts; it attacks the target), which makes
//! it fire exactly when its premise stands and no undercut of it does. Comment lines map
//! each number to its claim's URL (or name the inference), so any reference solver's
//! grounded extension, restricted to the claims, is the set of claims that stand.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::model::{Inference, MapDocument, Relation, RelationTarget};

pub fn write(doc: &MapDocument) -> String {
    let numbers: BTreeMap<&str, usize> = doc
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i + 1))
        .collect();
    // The attacks and undercuts that bear on claims' standing (an undercut does when what
    // it undercuts does), keyed by the inference each is.
    let mut arrows: BTreeMap<Inference, &Relation> = BTreeMap::new();
    let mut relations: Vec<&Relation> = doc.relations.iter().collect();
    relations.sort_by_key(|r| r.to.depth());
    for r in relations {
        let bears = match &r.to {
            RelationTarget::Node(_) => {
                r.kind == "attacks"
                    && numbers.contains_key(r.from.as_str())
                    && r.to_claim().is_some_and(|to| numbers.contains_key(to))
            }
            RelationTarget::Inference(target) => {
                numbers.contains_key(r.from.as_str()) && arrows.contains_key(target.as_ref())
            }
        };
        if bears {
            arrows.insert(r.inference(), r);
        }
    }
    // An undercut inference needs two more arguments: "its premise is out" (attacked by
    // the premise) and "it fires" (attacked by that one and by its undercuts; it attacks
    // the target). Numbered after the claims.
    let undercut: BTreeSet<&Inference> = arrows.keys().filter_map(|i| i.to.inference()).collect();
    let mut next = doc.claims.len();
    let mut gadgets: BTreeMap<&Inference, (usize, usize)> = BTreeMap::new();
    for inference in &undercut {
        gadgets.insert(inference, (next + 1, next + 2));
        next += 2;
    }
    let mut out = format!("p af {next}\n");
    for claim in &doc.claims {
        let _ = writeln!(
            out,
            "# {} /claims/{} {}",
            numbers[claim.slug.as_str()],
            claim.slug,
            claim.standing
        );
    }
    for (inference, (premise_out, fires)) in &gadgets {
        let _ = writeln!(out, "# {premise_out} premise-out {inference}");
        let _ = writeln!(out, "# {fires} fires {inference}");
    }
    let mut attacks: Vec<(usize, usize)> = Vec::new();
    for (inference, r) in &arrows {
        let premise = numbers[r.from.as_str()];
        let target = match &r.to {
            RelationTarget::Node(node) => numbers[node.as_str()],
            RelationTarget::Inference(target) => gadgets[target.as_ref()].1,
        };
        match gadgets.get(inference) {
            Some(&(premise_out, fires)) => {
                attacks.extend([
                    (premise, premise_out),
                    (premise_out, fires),
                    (fires, target),
                ]);
            }
            None => attacks.push((premise, target)),
        }
    }
    attacks.sort();
    attacks.dedup();
    for (from, to) in attacks {
        let _ = writeln!(out, "{from} {to}");
    }
    out
}
