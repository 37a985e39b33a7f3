//! Argdown (https://argdown.org): a statement per claim and proposal, support (`+`) and
//! attack (`-`) relations nested under what they relate to, tags, and a section per
//! proposal. Each statement is defined once and referenced by its slug after that, so
//! each relation appears exactly once. Undercuts attack inferences, which Argdown writes
//! as arguments: each undercut inference becomes an argument `<a supports b>` (titled by
//! the relation, described in words) with its undercuts (`<_`) beneath it.
//!
//! What Argdown has no syntax for travels as Argdown data, so that `import-map` brings the
//! map back whole: the actors, debates, tensions and sources in the front matter (YAML;
//! an `argmap:` block with one JSON object per item), a claim's speaker and quotes and a
//! proposal's summary and tension links in the statement's `{…}` data. The data is
//! compact JSON (valid YAML, as Argdown reads it) with `{`, `}` and `=` inside strings
//! written as `\u` escapes, so that no text can end the data or the front matter early.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::model::{Evidence, Inference, MapDocument, Quote, RelationTarget};
use crate::domain::{Leaning, RelationKind};

/// The data argmap writes after a statement (and reads back).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StatementData {
    /// The claim's text, when Argdown's one-line statement cannot hold it (a line break).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The claim's speaker (an actor's slug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
    /// A proposal's summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The tensions a proposal raises, with their notes and evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub raises: Vec<RaiseData>,
}

/// A tension a proposal raises, as its statement's data holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RaiseData {
    pub tension: String,
    pub leaning: Leaning,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// Compact JSON whose strings hold no `{`, `}` or `=`: Argdown's lexer ends data at a
/// brace and front matter at `===`, wherever they are.
struct Guarded;

impl serde_json::ser::Formatter for Guarded {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, '{' | '}' | '=') {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + 1;
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `value` as guarded compact JSON.
pub fn data<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Guarded);
    value
        .serialize(&mut serializer)
        .expect("the model serialises");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Characters with a meaning in Argdown text, written with a backslash.
pub const SPECIAL: &[char] = &['[', ']', '<', '>', '#', '@', '*', '_', '{', '}', '/'];

pub fn escape_argdown(text: &str) -> String {
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
        let mut line = format!("[{slug}]: {}", escape_argdown(&claim.text));
        for tag in &claim.tags {
            let _ = write!(line, " #{tag}");
        }
        let extra = StatementData {
            text: claim.text.contains('\n').then(|| claim.text.clone()),
            speaker: claim.actor.clone(),
            quotes: claim.quotes.clone(),
            ..StatementData::default()
        };
        if extra.text.is_some() || extra.speaker.is_some() || !extra.quotes.is_empty() {
            let _ = write!(line, " {}", data(&extra));
        }
        line
    }

    /// Writes the relations pointing at `target` beneath it, defining each claim the
    /// first time it appears.
    fn children(&mut self, target: &str, depth: usize) {
        let relations: Vec<_> = self.doc.relations_to(target).cloned().collect();
        for relation in relations {
            self.relation_line(sign(relation.kind), &relation.from, depth);
        }
    }

    /// `sign [from]` at `depth`, defining `from` (and its children) the first time.
    fn relation_line(&mut self, sign: &str, from: &str, depth: usize) {
        let indent = "  ".repeat(depth);
        if self.defined.contains(from) {
            let _ = writeln!(self.out, "{indent}{sign} [{from}]");
        } else {
            self.defined.insert(from.to_owned());
            let statement = self.claim_statement(from);
            let _ = writeln!(self.out, "{indent}{sign} {statement}");
            self.children(from, depth + 1);
        }
    }

    /// The words of a claim, a proposal or an inference, for a description.
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
        let from = self.words(&RelationTarget::Node(inference.from.clone()));
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
            let description = escape_argdown(&self.inference_words(inference));
            let mut letters = description.chars();
            let description: String = letters
                .next()
                .map(|c| c.to_uppercase().chain(letters).collect())
                .unwrap_or_default();
            let _ = writeln!(self.out, "<{inference}>: {description}.");
            let undercuts: Vec<String> = self
                .doc
                .relations
                .iter()
                .filter(|r| r.to.inference() == Some(inference))
                .map(|r| r.from.clone())
                .collect();
            for from in undercuts {
                self.relation_line("<_", &from, 1);
            }
            self.out.push('\n');
        }
    }
}

pub fn write(doc: &MapDocument) -> String {
    let mut writer = Writer {
        doc,
        out: String::new(),
        defined: BTreeSet::new(),
    };
    front_matter(&mut writer.out, doc);
    for proposal in &doc.proposals {
        let _ = writeln!(writer.out, "\n# {}\n", escape_argdown(&proposal.title));
        let mut line = format!(
            "[{}]: {} #proposal #(debate {})",
            proposal.slug,
            escape_argdown(&proposal.title),
            proposal.debate
        );
        let mut extra = StatementData {
            text: proposal
                .title
                .contains('\n')
                .then(|| proposal.title.clone()),
            summary: Some(proposal.summary.clone()),
            ..StatementData::default()
        };
        for raise in doc.raises.iter().filter(|r| r.proposal == proposal.slug) {
            let _ = write!(line, " #(raises {} {})", raise.tension, raise.leaning);
            extra.raises.push(RaiseData {
                tension: raise.tension.clone(),
                leaning: raise.leaning,
                note: raise.note.clone(),
                evidence: raise.evidence.clone(),
            });
        }
        let _ = writeln!(writer.out, "{line} {}", data(&extra));
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

/// The title, and argmap's objects that are not statements, as YAML front matter.
fn front_matter(out: &mut String, doc: &MapDocument) {
    let _ = writeln!(
        out,
        "===\ntitle: {}\ngenerator: argmap\nargmap:",
        data(&doc.title)
    );
    fn list<T: Serialize>(out: &mut String, name: &str, items: &[T]) {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "  {name}:");
        for item in items {
            let _ = writeln!(out, "    - {}", data(item));
        }
    }
    list(out, "actors", &doc.actors);
    list(out, "debates", &doc.debates);
    list(out, "tensions", &doc.tensions);
    list(out, "sources", &doc.sources);
    out.push_str("===\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(
            escape_argdown("#NHSBill [x] <y> @who a_b 1/2"),
            r"\#NHSBill \[x\] \<y\> \@who a\_b 1\/2"
        );
    }

    #[test]
    fn data_strings_hold_no_braces_or_equals_signs() {
        assert_eq!(
            data(&vec!["a {b} == c"]),
            r#"["a \u007bb\u007d \u003d\u003d c"]"#
        );
    }
}
