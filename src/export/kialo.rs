//! Kialo's plain-text discussion format: one discussion per proposal, its claims as
//! numbered pros and cons (`1.1. Pro:`, `1.1.2. Con:`). Kialo has only pros and cons, so an
//! undercut of the inference from a pro or con to its parent is written as a con of that
//! pro or con (after its own children; Kialo's way of saying it does not bear on its
//! parent); a claim met again is a link (`-> See 1.2.`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{MapDocument, Relation};
use crate::domain::RelationKind;

fn side(kind: RelationKind) -> &'static str {
    if kind.is_attack() { "Con" } else { "Pro" }
}

struct Writer<'a> {
    doc: &'a MapDocument,
    out: String,
    numbered: BTreeMap<String, String>,
}

impl Writer<'_> {
    /// Writes the relations pointing at `target` as its numbered children; returns how
    /// many it wrote.
    fn children(&mut self, target: &str, number: &str) -> usize {
        let relations: Vec<Relation> = self.doc.relations_to(target).cloned().collect();
        for (i, relation) in relations.iter().enumerate() {
            self.item(relation, &format!("{number}{}.", i + 1));
        }
        relations.len()
    }

    /// One pro or con, then its own children, then the undercuts of its inference as
    /// further cons.
    fn item(&mut self, relation: &Relation, number: &str) {
        let side = side(relation.kind);
        if let Some(first) = self.numbered.get(&relation.from) {
            let _ = writeln!(self.out, "{number} {side}: -> See {first}");
            return;
        }
        self.numbered
            .insert(relation.from.clone(), number.to_owned());
        let text = self
            .doc
            .claim(&relation.from)
            .map_or("", |c| c.text.as_str())
            .replace('\n', " ");
        let _ = writeln!(self.out, "{number} {side}: {text}");
        let written = self.children(&relation.from, number);
        let undercuts: Vec<Relation> = self.doc.undercuts_of(relation).cloned().collect();
        for (i, undercut) in undercuts.iter().enumerate() {
            self.item(undercut, &format!("{number}{}.", written + i + 1));
        }
    }
}

/// One discussion per proposal, separated by a blank line.
pub fn write(doc: &MapDocument) -> String {
    let mut discussions = Vec::new();
    for proposal in &doc.proposals {
        let mut writer = Writer {
            doc,
            out: String::new(),
            numbered: BTreeMap::new(),
        };
        let title = proposal.title.replace('\n', " ");
        let _ = writeln!(writer.out, "Discussion Title: {title}\n\n1. {title}");
        writer.children(&format!("proposal:{}", proposal.slug), "1.");
        discussions.push(writer.out);
    }
    discussions.join("\n")
}
