//! Kialo's plain-text discussion format: one discussion per proposal, its claims as
//! numbered pros and cons (`1.1. Pro:`, `1.1.2. Con:`). Kialo has only pros and cons, so an
//! undercut is written as a con; a claim met again is a link (`-> See 1.2.`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::MapDocument;
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
    fn children(&mut self, target: &str, number: &str) {
        let relations: Vec<_> = self.doc.relations_to(target).cloned().collect();
        for (i, relation) in relations.iter().enumerate() {
            let child = format!("{number}{}.", i + 1);
            let side = side(relation.kind);
            if let Some(first) = self.numbered.get(&relation.from) {
                let _ = writeln!(self.out, "{child} {side}: -> See {first}");
                continue;
            }
            self.numbered.insert(relation.from.clone(), child.clone());
            let text = self
                .doc
                .claim(&relation.from)
                .map_or("", |c| c.text.as_str())
                .replace('\n', " ");
            let _ = writeln!(self.out, "{child} {side}: {text}");
            self.children(&relation.from, &child);
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
