//! The attack graph as an ICCMA 2023 abstract argumentation framework (`.i23`): claims
//! are arguments 1..n, attacks are attacks, and comment lines map each number to its
//! claim's URL, so any reference solver can check argmap's standings.
//!
//! An abstract framework has no undercuts: attacks only run between arguments. So an
//! undercut that bears on a claim's standing (one of an attack between claims, or of such
//! an undercut) is written as the standard gadget: an argument "the relation is enabled"
//! per undercut relation, which its undercuts attack; and for an attack that is itself
//! undercut, two arguments "its claim is out" and "it is disabled", attacked by the claim
//! and by "enabled", which both attack "it fires", which attacks the target. The grounded
//! extension of the result, restricted to the claims, is argmap's standing. Undercuts of
//! supports change no standing and are left out.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{Inference, MapDocument, RelationTarget};

pub fn write(doc: &MapDocument) -> String {
    let numbers: BTreeMap<&str, usize> = doc
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i + 1))
        .collect();
    let mut comments: Vec<String> = doc
        .claims
        .iter()
        .map(|claim| {
            let n = numbers[claim.slug.as_str()];
            format!("# {n} /claims/{} {}", claim.slug, claim.standing)
        })
        .collect();
    let mut next = doc.claims.len();
    let mut argument = |comments: &mut Vec<String>, what: String| {
        next += 1;
        comments.push(format!("# {next} {what}"));
        next
    };

    // The attacks and undercuts that bear on standing, each with the argument it attacks:
    // undercuts come after what they undercut in the document.
    let undercut: Vec<&Inference> = doc
        .relations
        .iter()
        .filter_map(|r| r.to.inference())
        .collect();
    let mut enabled: BTreeMap<Inference, usize> = BTreeMap::new();
    let mut attacks: Vec<(usize, usize)> = Vec::new();
    for relation in doc.relations.iter().filter(|r| r.kind.is_attack()) {
        let Some(&from) = numbers.get(relation.from.as_str()) else {
            continue;
        };
        let target = match &relation.to {
            RelationTarget::Node(node) => numbers.get(node.as_str()).copied(),
            RelationTarget::Inference(inference) => enabled.get(inference.as_ref()).copied(),
        };
        let Some(target) = target else { continue };
        let inference = relation.inference();
        if !undercut.contains(&&inference) {
            attacks.push((from, target));
            continue;
        }
        let on = argument(&mut comments, format!("enabled: {inference}"));
        let claim_out = argument(&mut comments, format!("its claim is out: {inference}"));
        let disabled = argument(&mut comments, format!("disabled: {inference}"));
        let fires = argument(&mut comments, format!("fires: {inference}"));
        attacks.extend([
            (from, claim_out),
            (on, disabled),
            (claim_out, fires),
            (disabled, fires),
            (fires, target),
        ]);
        enabled.insert(inference, on);
    }
    attacks.sort();
    attacks.dedup();
    let mut out = format!("p af {next}\n");
    for comment in comments {
        let _ = writeln!(out, "{comment}");
    }
    for (from, to) in attacks {
        let _ = writeln!(out, "{from} {to}");
    }
    out
}
