//! The attack graph as an ICCMA 2023 abstract argumentation framework (`.i23`): claims
//! are arguments 1..n, attacks and undercuts are attacks, and comment lines map each
//! number to its claim's URL, so any reference solver can check argmap's standings.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::MapDocument;

pub fn write(doc: &MapDocument) -> String {
    let numbers: BTreeMap<&str, usize> = doc
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i + 1))
        .collect();
    let mut out = format!("p af {}\n", doc.claims.len());
    for claim in &doc.claims {
        let _ = writeln!(
            out,
            "# {} /claims/{} {}",
            numbers[claim.slug.as_str()],
            claim.slug,
            claim.standing
        );
    }
    let mut attacks: Vec<(usize, usize)> = doc
        .relations
        .iter()
        .filter(|r| r.kind.is_attack())
        .filter_map(|r| Some((*numbers.get(r.from.as_str())?, *numbers.get(r.to_claim()?)?)))
        .collect();
    attacks.sort();
    attacks.dedup();
    for (from, to) in attacks {
        let _ = writeln!(out, "{from} {to}");
    }
    out
}
