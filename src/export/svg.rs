//! The map of a debate or proposal as SVG: proposals at the top, each claim once at its
//! shortest distance from one.

use std::collections::BTreeMap;

use super::model::{Inference, MapDocument, Relation, RelationTarget};
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
    let mut frontier: Vec<String> = index.keys().cloned().collect();
    let mut depth = 0;
    while !frontier.is_empty() {
        depth += 1;
        let mut next = Vec::new();
        for relation in doc.relations.iter().filter(|r| {
            // An undercut joins at the depth of the inference's premise.
            let target = match &r.to {
                RelationTarget::Node(node) => node,
                RelationTarget::Inference(inference) => &inference.from,
            };
            frontier.contains(target)
        }) {
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
                standing: Some(
                    claim
                        .standing
                        .parse()
                        .unwrap_or(crate::standing::StandingLabel::Stands),
                ),
                depth,
            });
            next.push(claim.slug.clone());
        }
        frontier = next;
    }
    // Supports and attacks first, then undercuts from the shallowest, so each undercut
    // can point at the edge of the inference it undercuts.
    let mut relations: Vec<&Relation> = doc.relations.iter().collect();
    relations.sort_by_key(|r| r.to.depth());
    let mut edges: Vec<MapEdge> = Vec::new();
    let mut drawn: BTreeMap<Inference, usize> = BTreeMap::new();
    for r in relations {
        let Some(&from) = index.get(&r.from) else {
            continue;
        };
        let (to, onto) = match &r.to {
            RelationTarget::Node(node) => match index.get(node) {
                Some(&to) => (to, None),
                None => continue,
            },
            RelationTarget::Inference(inference) => match drawn.get(inference.as_ref()) {
                Some(&k) => (edges[k].to, Some(k)),
                None => continue,
            },
        };
        drawn.insert(r.inference(), edges.len());
        edges.push(MapEdge {
            from,
            to,
            kind: r.kind.clone(),
            onto,
            disabled: !r.carries(),
        });
    }
    map_svg::render(
        "map",
        &format!("Argument map: {}", doc.title),
        &nodes,
        &edges,
    )
}
