//! argmap JSON: the whole export model, read back as it was written.

use super::{ImportMapError, ImportedClaim, ImportedMap, ImportedProposal, ImportedRaise, Named};
use crate::export::model::{self, MapDocument};

pub(super) fn parse(origin: &str, text: &str) -> Result<ImportedMap, ImportMapError> {
    let doc: MapDocument = serde_json::from_str(text)
        .map_err(|err| super::parse_error(origin, err.line(), err.to_string()))?;
    // Escapes (`\u0000`) get past the check of the file's characters: the decoded strings
    // are checked here, each named by its path.
    let strings: serde_json::Value = serde_json::from_str(text)
        .map_err(|err| super::parse_error(origin, err.line(), err.to_string()))?;
    crate::http::input::check_json_document(&strings).map_err(|err| ImportMapError::Invalid {
        origin: origin.into(),
        message: err.to_string(),
    })?;
    if doc.format != model::FORMAT || doc.version != model::VERSION {
        return Err(ImportMapError::Invalid {
            origin: origin.into(),
            message: format!(
                "format {:?} version {} is not argmap-map version 1",
                doc.format, doc.version
            ),
        });
    }
    if let Some(claim) = doc
        .claims
        .iter()
        .find(|c| c.quotes.iter().filter(|q| q.primary).count() > 1)
    {
        return Err(ImportMapError::Invalid {
            origin: origin.into(),
            message: format!(
                "claim {:?}: more than one quote is marked primary: mark at most one",
                claim.slug
            ),
        });
    }
    Ok(from_document(doc))
}

/// Everything the document holds; nothing is left for the instance to fill in.
fn from_document(doc: MapDocument) -> ImportedMap {
    ImportedMap {
        actors: doc.actors,
        debates: doc.debates,
        tensions: doc.tensions,
        sources: doc.sources,
        proposals: doc
            .proposals
            .into_iter()
            .map(|p| ImportedProposal {
                slug: p.slug,
                title: p.title,
                debate: Some(p.debate),
                summary: Some(p.summary),
                named: Named::BySlug,
            })
            .collect(),
        claims: doc
            .claims
            .into_iter()
            .map(|c| ImportedClaim {
                slug: c.slug,
                text: c.text,
                actor: Some(c.actor),
                tags: c.tags,
                quotes: c.quotes,
                named: Named::BySlug,
            })
            .collect(),
        relations: doc.relations,
        raises: doc
            .raises
            .into_iter()
            .map(|r| ImportedRaise {
                proposal: r.proposal,
                tension: r.tension,
                leaning: r.leaning,
                note: Some(r.note),
                evidence: r.evidence,
            })
            .collect(),
        ..ImportedMap::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
      "format": "argmap-map", "version": 1, "scope": {"kind": "all"}, "title": "t",
      "actors": [{"slug": "ann", "name": "Ann", "kind": "person"}],
      "debates": [{"slug": "d", "title": "D"}],
      "tensions": [{"slug": "t", "title": "T", "pole_a": "a", "pole_b": "b"}],
      "proposals": [{"slug": "p", "debate": "d", "title": "P"}],
      "claims": [{"slug": "c", "text": "A claim of some length.", "actor": "ann", "tags": ["x"],
                  "quotes": [{"source": "s", "locator": "post 1", "anchor": "s1", "text": "words"}]}],
      "relations": [{"kind": "supports", "from": "c", "to": "proposal:p"}],
      "raises": [{"proposal": "p", "tension": "t", "leaning": "a", "note": "why",
                  "evidence": [{"claim": "c", "pole": "a"}]}]
    }"#;

    #[test]
    fn a_json_document_is_read_whole_with_its_speakers_quotes_and_tension_notes() {
        let parsed = parse("map.json", SMALL).unwrap();
        assert_eq!(parsed.actors[0].slug, "ann");
        assert_eq!(parsed.tensions[0].slug, "t");
        assert_eq!(parsed.proposals[0].debate.as_deref(), Some("d"));
        let claim = &parsed.claims[0];
        assert_eq!(claim.actor, Some(Some("ann".to_owned())));
        assert_eq!(claim.quotes[0].anchor, "s1");
        assert_eq!(parsed.relations[0].to.to_string(), "proposal:p");
        assert_eq!(parsed.raises[0].note.as_deref(), Some("why"));
        assert_eq!(parsed.raises[0].evidence[0].claim, "c");
        assert!(parsed.notes.is_empty() && parsed.format_lacks.is_none());
    }

    #[test]
    fn a_claim_without_a_speaker_in_json_says_it_has_none() {
        let text = SMALL.replace(r#""actor": "ann", "#, "");
        assert_eq!(
            parse("map.json", &text).unwrap().claims[0].actor,
            Some(None)
        );
    }

    #[test]
    fn malformed_json_is_refused_with_its_line_and_another_format_by_name() {
        let err = parse(
            "bad.json",
            "{\"format\": \"argmap-map\",\n \"version\": 1,\n oops}",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("bad.json:3: "), "{err}");
        let err = parse("other.json", &SMALL.replace("argmap-map", "other")).unwrap_err();
        assert!(
            err.to_string().contains("is not argmap-map version 1"),
            "{err}"
        );
    }
}
