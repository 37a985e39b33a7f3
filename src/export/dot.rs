//! Graphviz DOT of a map: proposals and claims as boxes (claims shaded by standing),
//! supports solid, attacks dashed, undercuts dotted, each node linking to its page. An
//! undercut points into the inference it undercuts: that relation is drawn through a small
//! point node in its middle, where the undercut's edge ends.

use std::fmt::Write;

use super::model::{Inference, MapDocument, RelationTarget};
use crate::domain::RelationKind;
use crate::standing::StandingLabel;

/// A DOT string literal: quotes and backslashes escaped, line breaks written `\n`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Wraps text into lines of about 32 characters for node labels.
fn wrap(text: &str) -> String {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.chars().count() + word.chars().count() > 32 {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

/// The node id of the midpoint of an undercut inference.
fn midpoint(inference: &Inference) -> String {
    quote(&format!("inference:{inference}"))
}

pub fn write(doc: &MapDocument) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph argmap {{");
    let _ = writeln!(
        out,
        "  graph [rankdir=BT, label={}, labelloc=t, fontname=\"Helvetica\", fontsize=14];",
        quote(&doc.title)
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8];");
    for proposal in &doc.proposals {
        let _ = writeln!(
            out,
            "  {} [label={}, fillcolor=\"#e8f0f7\", color=\"#005a8d\", penwidth=2, URL={}];",
            quote(&format!("proposal:{}", proposal.slug)),
            quote(&wrap(&proposal.title)),
            quote(&format!("/proposals/{}", proposal.slug))
        );
    }
    for claim in &doc.claims {
        let fill = match claim.standing {
            StandingLabel::Defeated => "#eeeeee",
            StandingLabel::Contested => "#fff6e0",
            StandingLabel::Stands => "#ffffff",
        };
        let _ = writeln!(
            out,
            "  {} [label={}, fillcolor=\"{fill}\", tooltip={}, URL={}];",
            quote(&claim.slug),
            quote(&format!("{}\n({})", wrap(&claim.text), claim.standing)),
            quote(&claim.text),
            quote(&format!("/claims/{}", claim.slug))
        );
    }
    // The inferences something undercuts get a midpoint node, named by the inference.
    let undercut: std::collections::BTreeSet<&Inference> = doc
        .relations
        .iter()
        .filter_map(|r| r.to.inference())
        .collect();
    for relation in &doc.relations {
        let style = match relation.kind {
            RelationKind::Supports => "color=\"#2f6f3e\"",
            RelationKind::Attacks => "color=\"#b3261e\", style=dashed",
            RelationKind::Undercuts => "color=\"#a06800\", style=dotted",
        };
        let to = match &relation.to {
            RelationTarget::Node(node) => quote(node),
            RelationTarget::Inference(inference) => midpoint(inference),
        };
        let kind = quote(relation.kind.as_str());
        let from = quote(&relation.from);
        let inference = relation.inference();
        if undercut.contains(&inference) {
            let mid = midpoint(&inference);
            let _ = writeln!(
                out,
                "  {mid} [shape=point, width=0.08, color=\"#a06800\", tooltip={}];",
                quote(&format!("the inference: {inference}"))
            );
            let _ = writeln!(out, "  {from} -> {mid} [{style}, arrowhead=none];");
            let _ = writeln!(out, "  {mid} -> {to} [{style}, label={kind}];");
        } else {
            let _ = writeln!(out, "  {from} -> {to} [{style}, label={kind}];");
        }
    }
    out.push_str("}\n");
    out
}
