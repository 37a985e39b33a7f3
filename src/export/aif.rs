//! The Argument Interchange Format in the JSON shape of AIFdb: I-nodes for claims and
//! proposals, an RA-node for each support, a CA-node for each attack or undercut, the
//! edges between them (an undercut's CA-node points into the RA- or CA-node of the
//! inference it undercuts, which AIF tools read as an undercut, not a rebuttal), and for each quote an L-node (the locution, with its speaker and
//! words) asserting its claim through a YA-node.

use serde::Serialize;

use super::model::{MapDocument, RelationTarget};
use crate::domain::{ActorKind, RelationKind};

#[derive(Debug, Serialize)]
pub struct Aif {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub locutions: Vec<Locution>,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    #[serde(rename = "nodeID")]
    pub node_id: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub timestamp: String,
}

#[derive(Debug, Serialize)]
pub struct Edge {
    #[serde(rename = "edgeID")]
    pub edge_id: String,
    #[serde(rename = "fromID")]
    pub from_id: String,
    #[serde(rename = "toID")]
    pub to_id: String,
    #[serde(rename = "formEdgeID")]
    pub form_edge_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Locution {
    #[serde(rename = "nodeID")]
    pub node_id: String,
    #[serde(rename = "personID")]
    pub person_id: String,
    pub timestamp: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Participant {
    #[serde(rename = "participantID")]
    pub participant_id: String,
    pub firstname: String,
    pub surname: String,
}

struct Ids(u64);

impl Ids {
    fn next(&mut self) -> String {
        self.0 += 1;
        self.0.to_string()
    }
}

/// `timestamp` is stamped on every node, as AIFdb expects ("YYYY-MM-DD HH:MM:SS").
pub fn build(doc: &MapDocument, timestamp: &str) -> Aif {
    let mut ids = Ids(0);
    let mut aif = Aif {
        nodes: Vec::new(),
        edges: Vec::new(),
        locutions: Vec::new(),
        participants: Vec::new(),
    };
    let node = |aif: &mut Aif, ids: &mut Ids, text: &str, kind: &str| {
        let id = ids.next();
        aif.nodes.push(Node {
            node_id: id.clone(),
            text: text.to_owned(),
            kind: kind.to_owned(),
            timestamp: timestamp.to_owned(),
        });
        id
    };
    let edge = |aif: &mut Aif, ids: &mut Ids, from: &str, to: &str| {
        let id = ids.next();
        aif.edges.push(Edge {
            edge_id: id,
            from_id: from.to_owned(),
            to_id: to.to_owned(),
            form_edge_id: None,
        });
    };

    let mut i_nodes = std::collections::BTreeMap::new();
    for proposal in &doc.proposals {
        let id = node(&mut aif, &mut ids, &proposal.title, "I");
        i_nodes.insert(format!("proposal:{}", proposal.slug), id);
    }
    for claim in &doc.claims {
        let id = node(&mut aif, &mut ids, &claim.text, "I");
        i_nodes.insert(claim.slug.clone(), id);
    }
    // The document lists an undercut after what it undercuts, so the S-node of its
    // inference is made first.
    let mut s_nodes = std::collections::BTreeMap::new();
    for relation in &doc.relations {
        let to = match &relation.to {
            RelationTarget::Node(node) => i_nodes.get(node),
            RelationTarget::Inference(inference) => s_nodes.get(inference.as_ref()),
        };
        let (Some(from), Some(to)) = (i_nodes.get(&relation.from).cloned(), to.cloned()) else {
            continue;
        };
        let (text, kind) = match relation.kind {
            RelationKind::Supports => ("Default Inference", "RA"),
            RelationKind::Attacks => ("Default Conflict", "CA"),
            RelationKind::Undercuts => ("Undercut", "CA"),
        };
        let scheme = node(&mut aif, &mut ids, text, kind);
        edge(&mut aif, &mut ids, &from, &scheme);
        edge(&mut aif, &mut ids, &scheme, &to);
        s_nodes.insert(relation.inference(), scheme);
    }

    let mut people = std::collections::BTreeMap::new();
    for actor in &doc.actors {
        let id = ids.next();
        let (firstname, surname) = match actor.name.rsplit_once(' ') {
            Some((first, last)) if actor.kind == ActorKind::Person => {
                (first.to_owned(), last.to_owned())
            }
            _ => (actor.name.clone(), String::new()),
        };
        aif.participants.push(Participant {
            participant_id: id.clone(),
            firstname,
            surname,
        });
        people.insert(actor.slug.clone(), (id, actor.name.clone()));
    }
    for claim in &doc.claims {
        let Some((person, name)) = claim.actor.as_ref().and_then(|a| people.get(a)).cloned() else {
            continue;
        };
        for quote in &claim.quotes {
            let locution = node(&mut aif, &mut ids, &format!("{name}: {}", quote.text), "L");
            aif.locutions.push(Locution {
                node_id: locution.clone(),
                person_id: person.clone(),
                timestamp: timestamp.to_owned(),
                start: None,
                end: None,
                source: Some(format!("/sources/{}#{}", quote.source, quote.anchor)),
            });
            let asserting = node(&mut aif, &mut ids, "Asserting", "YA");
            edge(&mut aif, &mut ids, &locution, &asserting);
            edge(&mut aif, &mut ids, &asserting, &i_nodes[&claim.slug]);
        }
    }
    aif
}
