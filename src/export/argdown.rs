//! Argdown (https://argdown.org): a statement per claim and proposal, support (`+`),
//! attack (`-`) and undercut (`_`) relations nested under what they relate to, tags, and
//! a section per proposal. Each statement is defined once and referenced by its slug
//! after that, so each relation appears exactly once.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::model::MapDocument;
use crate::domain::RelationKind;

/// Characters with a meaning in Argdown text, written with a backslash.
pub const SPECIAL: &[char] = &['[', ']', '<', '>', '#', '@', '*', '_', '{', '}', '/'];

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        // A line break would end the statement.
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

pub fn sign(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Supports => "+",
        RelationKind::Attacks => "-",
        RelationKind::Undercuts => "_",
    }
}

struct Writer<'a> {
    doc: &'a MapDocument,
    out: String,
    defined: BTreeSet<String>,
}

impl Writer<'_> {
    fn claim_statement(&self, slug: &str) -> String {
        let claim = self
            .doc
            .claim(slug)
            .expect("relations only name included claims");
        let mut line = format!("[{slug}]: {}", escape(&claim.text));
        for tag in &claim.tags {
            let _ = write!(line, " #{tag}");
        }
        line
    }

    /// Writes the relations pointing at `target` beneath it, defining each claim the
    /// first time it appears.
    fn children(&mut self, target: &str, depth: usize) {
        let relations: Vec<_> = self.doc.relations_to(target).cloned().collect();
        for relation in relations {
            let indent = "  ".repeat(depth);
            let sign = sign(relation.kind);
            if self.defined.contains(&relation.from) {
                let _ = writeln!(self.out, "{indent}{sign} [{}]", relation.from);
            } else {
                self.defined.insert(relation.from.clone());
                let statement = self.claim_statement(&relation.from);
                let _ = writeln!(self.out, "{indent}{sign} {statement}");
                self.children(&relation.from, depth + 1);
            }
        }
    }
}

pub fn write(doc: &MapDocument) -> String {
    let mut writer = Writer {
        doc,
        out: String::new(),
        defined: BTreeSet::new(),
    };
    let _ = writeln!(
        writer.out,
        "===\ntitle: {}\ngenerator: argmap\n===",
        doc.title.replace('\n', " ")
    );
    for proposal in &doc.proposals {
        let _ = writeln!(writer.out, "\n# {}\n", escape(&proposal.title));
        let mut line = format!(
            "[{}]: {} #proposal #(debate {})",
            proposal.slug,
            escape(&proposal.title),
            proposal.debate
        );
        for raise in doc.raises.iter().filter(|r| r.proposal == proposal.slug) {
            let _ = write!(line, " #(raises {} {})", raise.tension, raise.leaning);
        }
        let _ = writeln!(writer.out, "{line}");
        writer.children(&format!("proposal:{}", proposal.slug), 1);
    }
    let rest: Vec<String> = doc
        .claims
        .iter()
        .map(|c| c.slug.clone())
        .filter(|s| !writer.defined.contains(s))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(writer.out, "\n# Other claims\n");
        for slug in rest {
            if writer.defined.insert(slug.clone()) {
                let statement = writer.claim_statement(&slug);
                // Top-level statements are paragraphs: a blank line between them.
                let _ = writeln!(writer.out, "{statement}");
                writer.children(&slug, 1);
                writer.out.push('\n');
            }
        }
    }
    writer.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(
            escape("#NHSBill [x] <y> @who a_b 1/2"),
            r"\#NHSBill \[x\] \<y\> \@who a\_b 1\/2"
        );
    }
}
