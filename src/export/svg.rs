//! The map of a debate or proposal as SVG: proposals at the top, each claim once at its
//! shortest distance from one.

use std::collections::{BTreeMap, HashSet};

use super::model::{MapDocument, Relation};
use crate::map_svg::{self, MapEdge, MapNode, NodeKind};

pub fn write(doc: &MapDocument) -> String {
    let mut nodes: Vec<MapNode> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for proposal in &doc.proposals {
        index.insert(format!("proposal:{}", proposal.slug), nodes.len());
        nodes.push(MapNode {
            label: proposal.title.clone(),
            href: format!("/proposals/{}", proposal.slug),
            kind: NodeKind::Proposal,
            standing: None,
            depth: 0,
        });
    }
    // A set: with a list, each step scanned the whole frontier once per relation, and the
    // drawing of a large map took minutes.
    let mut frontier: HashSet<String> = index.keys().cloned().collect();
    let mut depth = 0;
    while !frontier.is_empty() {
        depth += 1;
        let mut next = HashSet::new();
        let reached = |r: &&Relation| frontier.contains(r.drawn_to());
        for relation in doc.relations.iter().filter(reached) {
            if index.contains_key(&relation.from) {
                continue;
            }
            let Some(claim) = doc.claim(&relation.from) else {
                continue;
            };
            index.insert(claim.slug.clone(), nodes.len());
            nodes.push(MapNode {
                label: claim.text.clone(),
                href: format!("/claims/{}", claim.slug),
                kind: NodeKind::Claim,
                standing: Some(claim.standing),
                depth,
            });
            next.insert(claim.slug.clone());
        }
        frontier = next;
    }
    let edges: Vec<MapEdge> = doc
        .relations
        .iter()
        .filter_map(|r| {
            Some(MapEdge {
                from: *index.get(&r.from)?,
                to: *index.get(r.drawn_to())?,
                kind: r.kind,
            })
        })
        .collect();
    map_svg::render(
        "map",
        &format!("Argument map: {}", doc.title),
        &nodes,
        &edges,
    )
}
