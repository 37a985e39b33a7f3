//! Kialo text: discussions, each a `Discussion Title:` line, its thesis `1. …` (a
//! proposal, matched by title or slug, or created in --debate) and `1.1. Pro: …` /
//! `Con: …` claims; `-> See 1.2.` is a second link to a claim already numbered in the
//! same discussion. A file may hold many discussions (argmap's whole-map export does):
//! each starts its numbering afresh. Claims are named by their text only, so the write
//! path matches them to the instance's claims by text.

use std::collections::BTreeMap;

use super::{
    ImportMapError, ImportedClaim, ImportedMap, ImportedProposal, Named, normalise, parse_error,
};
use crate::domain::RelationKind;
use crate::export::model::{Relation, RelationTarget};
use crate::slug::slugify;

/// What a Kialo file cannot say, reported with every Kialo import.
pub(super) const LACKS: &str = "Kialo text carries only proposals and claims as pros and cons: \
     no speakers, tags, quotes, sources, tensions or debates came with it (those already here are kept), \
     and Kialo cannot say that a claim undercuts an inference (the link from a pro or con to its parent): \
     such a con arrives as an attack on that pro or con unless this instance already has the undercut";

/// Parses a Kialo file (pure: the claims and proposals are named by text, looked up later).
pub(super) fn parse(origin: &str, text: &str) -> Result<ImportedMap, ImportMapError> {
    let mut parsed = ImportedMap {
        cons_may_be_undercuts: true,
        format_lacks: Some(LACKS),
        ..ImportedMap::default()
    };
    // "1.2." → the key of what that number holds, within the current discussion.
    let mut numbered: BTreeMap<String, String> = BTreeMap::new();
    let mut theses = 0;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        if line.starts_with("Discussion Title:") {
            numbered.clear();
            continue;
        }
        let (number, rest) = numbered_line(origin, line_no, line)?;
        let depth = number.trim_end_matches('.').split('.').count();
        if depth == 1 {
            if numbered.contains_key(number) {
                parsed.notes.push(format!(
                    "{origin}:{line_no}: a second thesis in one discussion skipped: start another with \"Discussion Title:\""
                ));
                continue;
            }
            theses += 1;
            let key = thesis(&mut parsed, rest.trim());
            numbered.insert(number.to_owned(), format!("proposal:{key}"));
            continue;
        }
        let parent_number = format!(
            "{}.",
            number
                .trim_end_matches('.')
                .rsplit_once('.')
                .map_or("", |(p, _)| p)
        );
        let Some(parent) = numbered.get(&parent_number).cloned() else {
            return Err(parse_error(
                origin,
                line_no,
                format!("{number} has no parent {parent_number}"),
            ));
        };
        let (kind, body) = if let Some(body) = rest.strip_prefix("Pro:") {
            (RelationKind::Supports, body.trim())
        } else if let Some(body) = rest.strip_prefix("Con:") {
            (RelationKind::Attacks, body.trim())
        } else {
            return Err(parse_error(origin, line_no, "expected Pro: or Con:"));
        };
        let from = match body.strip_prefix("-> See ") {
            Some(target) => numbered.get(target.trim()).cloned().ok_or_else(|| {
                parse_error(
                    origin,
                    line_no,
                    format!("links to {target}, which is not above"),
                )
            })?,
            None => claim(&mut parsed, body),
        };
        if from.starts_with("proposal:") {
            parsed.notes.push(format!(
                "{origin}:{line_no}: a thesis as a pro or con skipped: argmap's proposals support nothing"
            ));
            continue;
        }
        parsed.relations.push(Relation {
            kind,
            from: from.clone(),
            to: RelationTarget::Node(parent),
        });
        numbered.insert(number.to_owned(), from);
    }
    if theses == 0 {
        return Err(ImportMapError::Invalid {
            origin: origin.into(),
            message: "no thesis (a line numbered 1.)".into(),
        });
    }
    Ok(parsed)
}

/// `1.2.` and the rest of the line.
fn numbered_line<'a>(
    origin: &str,
    line_no: usize,
    line: &'a str,
) -> Result<(&'a str, &'a str), ImportMapError> {
    let Some((number, rest)) = line.split_once(' ') else {
        return Err(parse_error(
            origin,
            line_no,
            format!("expected a numbered line, found {line:?}"),
        ));
    };
    let digits = number.trim_end_matches('.');
    if !number.ends_with('.') || !digits.split('.').all(|n| n.parse::<u32>().is_ok()) {
        return Err(parse_error(
            origin,
            line_no,
            format!("{number:?} is not a Kialo number like 1.2."),
        ));
    }
    Ok((number, rest))
}

/// The proposal a thesis names (the same title twice is the same proposal).
fn thesis(parsed: &mut ImportedMap, title: &str) -> String {
    if let Some(p) = parsed.proposals.iter().find(|p| p.title == title) {
        return p.slug.clone();
    }
    let slug = match slugify(title, 60) {
        slug if slug.is_empty() => "proposal".to_owned(),
        slug => slug,
    };
    parsed.proposals.push(ImportedProposal {
        slug: slug.clone(),
        title: title.to_owned(),
        debate: None,
        summary: None,
        named: Named::ByText,
    });
    slug
}

/// The claim a text names: the same text (whitespace aside) is the same claim.
fn claim(parsed: &mut ImportedMap, text: &str) -> String {
    let wanted = normalise(text);
    if let Some(c) = parsed.claims.iter().find(|c| normalise(&c.text) == wanted) {
        return c.slug.clone();
    }
    let base = slugify(text, 60);
    let mut slug = base.clone();
    let mut n = 2;
    while parsed.claims.iter().any(|c| c.slug == slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    parsed.claims.push(ImportedClaim {
        slug: slug.clone(),
        text: text.to_owned(),
        actor: None,
        tags: Vec::new(),
        quotes: Vec::new(),
        named: Named::ByText,
    });
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_discussion_hangs_its_claims_on_its_own_thesis() {
        let text = "Discussion Title: First plan\n\n1. First plan\n1.1. Pro: The first plan saves money.\n\
                    \nDiscussion Title: Second plan\n\n1. Second plan\n1.1. Con: The second plan costs money.\n";
        let parsed = parse("all.txt", text).unwrap();
        assert_eq!(parsed.proposals.len(), 2);
        assert_eq!(
            parsed.relation_triples(),
            [
                (
                    "supports".into(),
                    "the-first-plan-saves-money".into(),
                    "proposal:first-plan".into()
                ),
                (
                    "attacks".into(),
                    "the-second-plan-costs-money".into(),
                    "proposal:second-plan".into()
                ),
            ]
        );
    }

    #[test]
    fn a_claim_met_again_by_text_or_by_link_is_one_claim() {
        let text = "Discussion Title: P\n\n1. P\n1.1. Pro: Money is short this year.\n\
                    1.2. Con: Staff are short this year.\n1.2.1. Con: -> See 1.1.\n\
                    \nDiscussion Title: Q\n\n1. Q\n1.1. Pro: Money  is short this year.\n";
        let parsed = parse("all.txt", text).unwrap();
        assert_eq!(parsed.claims.len(), 2, "{:?}", parsed.claims);
        assert!(
            parsed
                .claims
                .iter()
                .all(|c| c.named == Named::ByText && c.actor.is_none())
        );
        assert_eq!(
            parsed.relation_triples()[2],
            (
                "attacks".into(),
                "money-is-short-this-year".into(),
                "staff-are-short-this-year".into()
            )
        );
        assert_eq!(parsed.relation_triples()[3].1, "money-is-short-this-year");
    }

    #[test]
    fn kialo_says_what_it_cannot_carry() {
        let parsed = parse("p.txt", "1. P\n1.1. Con: A con of some length.\n").unwrap();
        assert!(parsed.cons_may_be_undercuts);
        assert!(
            parsed
                .format_lacks
                .unwrap()
                .contains("no speakers, tags, quotes")
        );
    }

    #[test]
    fn a_malformed_kialo_file_is_refused_with_its_line() {
        let err = parse(
            "bad.txt",
            "Discussion Title: X\n\n1. X\n1.1. Maybe: text here is fine\n",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "bad.txt:4: expected Pro: or Con:");
        let err = parse("bad.txt", "1. X\n1.2.1. Pro: orphaned claim text\n").unwrap_err();
        assert_eq!(err.to_string(), "bad.txt:2: 1.2.1. has no parent 1.2.");
        let err = parse("bad.txt", "Discussion Title: X\n").unwrap_err();
        assert_eq!(err.to_string(), "bad.txt: no thesis (a line numbered 1.)");
    }
}
