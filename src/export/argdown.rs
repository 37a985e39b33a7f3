//! Argdown (https://argdown.org): a statement per claim and proposal, support (`+`) and
//! attack (`-`) relations nested under what they relate to, tags, and a section per
//! proposal. Each statement is defined once and referenced by its slug after that, so
//! each relation appears exactly once. Undercuts attack inferences, which Argdown writes
//! as arguments: each undercut inference becomes an argument `<a supports b>` (titled by
//! the relation, described in words) with its undercuts (`_`) beneath it.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::model::{Inference, MapDocument, RelationTarget};

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

pub fn sign(kind: &str) -> &'static str {
    match kind {
        "supports" => "+",
        "attacks" => "-",
        _ => "_",
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
            self.relation_line(&relation.kind, &relation.from, depth);
        }
    }

    /// `sign [from]` at `depth`, defining `from` (and its children) the first time.
    fn relation_line(&mut self, kind: &str, from: &str, depth: usize) {
        let indent = "  ".repeat(depth);
        let sign = sign(kind);
        if self.defined.contains(from) {
            let _ = writeln!(self.out, "{indent}{sign} [{from}]");
        } else {
            self.defined.insert(from.to_owned());
            let statement = self.claim_statement(from);
            let _ = writeln!(self.out, "{indent}{sign} {statement}");
            self.children(from, depth + 1);
        }
    }

    /// The text of a claim, a proposal or an inference, for a description.
    fn words(&self, target: &RelationTarget) -> String {
        match target {
            RelationTarget::Node(node) => match node.strip_prefix("proposal:") {
                Some(slug) => self.doc.proposal(slug).map(|p| p.title.clone()),
                None => self.doc.claim(node).map(|c| c.text.clone()),
            }
            .map_or_else(|| node.clone(), |text| format!("“{text}”")),
            RelationTarget::Inference(inference) => self.inference_words(inference),
        }
    }

    fn inference_words(&self, inference: &Inference) -> String {
        let from = self
            .doc
            .claim(&inference.from)
            .map_or_else(|| inference.from.clone(), |c| format!("“{}”", c.text));
        match &inference.to {
            RelationTarget::Inference(inner) => {
                format!("the undercut by {from} of {}", self.inference_words(inner))
            }
            to => format!("the inference from {from} to {}", self.words(to)),
        }
    }

    /// An argument per undercut inference, its undercuts beneath it.
    fn undercut_inferences(&mut self) {
        let mut inferences: Vec<&Inference> = self
            .doc
            .relations
            .iter()
            .filter_map(|r| r.to.inference())
            .collect();
        inferences.sort_by_key(|i| (i.to.depth(), (*i).clone()));
        inferences.dedup();
        if inferences.is_empty() {
            return;
        }
        let _ = writeln!(self.out, "\n# Undercut inferences\n");
        for inference in inferences {
            let description = escape(&self.inference_words(inference));
            let mut words = description.chars();
            let description: String = words
                .next()
                .map(|c| c.to_uppercase().chain(words).collect())
                .unwrap_or_default();
            let _ = writeln!(self.out, "<{}>: {description}.", argument_title(inference));
            let undercuts: Vec<String> = self
                .doc
                .relations
                .iter()
                .filter(|r| r.to.inference() == Some(inference))
                .map(|r| r.from.clone())
                .collect();
            for from in undercuts {
                self.relation_line("undercuts", &from, 1);
            }
            self.out.push('\n');
        }
    }
}

/// The title of the argument standing for an inference: `a supports b`,
/// `a attacks proposal:p`, `u undercuts (a supports b)`.
pub fn argument_title(inference: &Inference) -> String {
    inference.to_string()
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
    writer.undercut_inferences();
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
