//! Argdown: the Argdown argmap writes, and what common Argdown files use of it.
//! Statements `[title]: text #tags {data}`, references `[title]`, nested `+`, `-`, `_`
//! relations (and their `<+`/`+>` spellings), headings, comments, and front matter. A
//! proposal is a statement tagged `#proposal`, with `#(debate SLUG)` and
//! `#(raises TENSION LEANING)`. argmap's own data is read where argmap writes it: the
//! actors, debates, tensions and sources in the front matter's `argmap:` block (one JSON
//! object per item), a claim's speaker and quotes and a proposal's summary and tension
//! notes in the statement's `{…}` data (JSON, which is YAML too). A reference to a
//! statement the file does not define is a claim (or proposal) of the instance, by slug.
//! Arguments (`<title>`) and premise–conclusion structures are reported, not imported.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    ImportMapError, ImportedClaim, ImportedMap, ImportedProposal, ImportedRaise, Named, parse_error,
};
use crate::domain::{Leaning, RelationKind};
use crate::export::argdown::{SPECIAL, StatementData};
use crate::export::model::{Inference, Relation, RelationTarget};

/// How the statement stack names an argument for an inference: this, then its title.
const INFERENCE: &str = "inference:";
use crate::slug::{is_slug, slugify};

/// The lists of the front matter's `argmap:` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Actors,
    Debates,
    Tensions,
    Sources,
}

impl List {
    fn named(key: &str) -> Option<List> {
        match key {
            "actors" => Some(List::Actors),
            "debates" => Some(List::Debates),
            "tensions" => Some(List::Tensions),
            "sources" => Some(List::Sources),
            _ => None,
        }
    }
}

/// Where a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Body,
    FrontMatter { argmap: bool, list: Option<List> },
    BlockComment,
}

struct Parser<'a> {
    origin: &'a str,
    parsed: ImportedMap,
    /// Statement title → slug.
    defined: BTreeMap<String, String>,
    /// The statement at each indentation depth, for nested relations.
    stack: Vec<(usize, String)>,
    place: Place,
}

pub(super) fn parse(origin: &str, text: &str) -> Result<ImportedMap, ImportMapError> {
    let mut parser = Parser {
        origin,
        parsed: ImportedMap::default(),
        defined: BTreeMap::new(),
        stack: Vec::new(),
        place: Place::Body,
    };
    for (index, line) in text.lines().enumerate() {
        parser.line(index + 1, line.trim_start_matches('\u{feff}'))?;
    }
    Ok(parser.parsed)
}

fn item<T: for<'de> Deserialize<'de>>(
    origin: &str,
    line_no: usize,
    json: &str,
) -> Result<T, ImportMapError> {
    serde_json::from_str(json).map_err(|err| parse_error(origin, line_no, err.to_string()))
}

impl Parser<'_> {
    fn line(&mut self, line_no: usize, raw: &str) -> Result<(), ImportMapError> {
        let trimmed = raw.trim();
        match self.place {
            Place::FrontMatter { .. } if trimmed.starts_with("===") => {
                self.place = Place::Body;
                return Ok(());
            }
            Place::FrontMatter { argmap, list } => {
                return self.front_matter(line_no, raw, argmap, list);
            }
            Place::BlockComment => {
                if trimmed.contains("*/") {
                    self.place = Place::Body;
                }
                return Ok(());
            }
            Place::Body => {}
        }
        if trimmed.starts_with("===") {
            self.place = Place::FrontMatter {
                argmap: false,
                list: None,
            };
            return Ok(());
        }
        if trimmed.starts_with("/*") {
            if !trimmed.contains("*/") {
                self.place = Place::BlockComment;
            }
            return Ok(());
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            // A blank line ends a paragraph; a heading starts a section.
            self.stack.clear();
            return Ok(());
        }
        if trimmed.starts_with("//") {
            return Ok(());
        }
        self.statement(line_no, raw, trimmed)
    }

    /// The front matter is YAML; argmap reads its own `argmap:` block of JSON items and
    /// leaves Argdown's settings alone.
    fn front_matter(
        &mut self,
        line_no: usize,
        raw: &str,
        argmap: bool,
        list: Option<List>,
    ) -> Result<(), ImportMapError> {
        let indent = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let origin = self.origin;
        let place = if trimmed.is_empty() || trimmed.starts_with('#') {
            Place::FrontMatter { argmap, list }
        } else if indent == 0 {
            Place::FrontMatter {
                argmap: trimmed == "argmap:",
                list: None,
            }
        } else if let (true, Some(json)) = (argmap, trimmed.strip_prefix("- ")) {
            match list {
                Some(List::Actors) => self.parsed.actors.push(item(origin, line_no, json)?),
                Some(List::Debates) => self.parsed.debates.push(item(origin, line_no, json)?),
                Some(List::Tensions) => self.parsed.tensions.push(item(origin, line_no, json)?),
                Some(List::Sources) => self.parsed.sources.push(item(origin, line_no, json)?),
                None => {}
            }
            Place::FrontMatter { argmap, list }
        } else if argmap {
            let key = trimmed.trim_end_matches(':');
            Place::FrontMatter {
                argmap,
                list: List::named(key),
            }
        } else {
            Place::FrontMatter { argmap, list }
        };
        self.place = place;
        Ok(())
    }

    fn statement(
        &mut self,
        line_no: usize,
        raw: &str,
        trimmed: &str,
    ) -> Result<(), ImportMapError> {
        let origin = self.origin;
        let indent = raw.len() - raw.trim_start().len();
        let (relation, rest) = relation_prefix(trimmed);
        // An argument argmap wrote for an undercut inference, `<a supports b>: words`, its
        // undercuts nested beneath it.
        if let Some(inference) = rest
            .strip_prefix('<')
            .and_then(|r| r.split_once('>'))
            .and_then(|(title, _)| Inference::parse(title))
            .filter(|_| relation.is_none())
        {
            self.stack.clear();
            self.stack.push((indent, format!("{INFERENCE}{inference}")));
            return Ok(());
        }
        if rest.starts_with('<') {
            let name = rest.split('>').next().unwrap_or(rest);
            self.parsed.notes.push(format!(
                "{origin}:{line_no}: argument {name}> skipped: argmap maps statements, not arguments"
            ));
            return Ok(());
        }
        let Some(after_open) = rest.strip_prefix('[') else {
            if relation.is_none() && !self.stack.is_empty() {
                self.parsed
                    .notes
                    .push(format!("{origin}:{line_no}: line skipped: {trimmed:?}"));
                return Ok(());
            }
            return Err(parse_error(
                origin,
                line_no,
                format!("expected a statement like [title]: text, found {trimmed:?}"),
            ));
        };
        let Some(close) = after_open.find(']') else {
            return Err(parse_error(
                origin,
                line_no,
                "a statement title has no closing ]",
            ));
        };
        let title = after_open[..close].trim().to_owned();
        let slug = self
            .defined
            .entry(title.clone())
            .or_insert_with(|| {
                if is_slug(&title) {
                    title.clone()
                } else {
                    slugify(&title, 60)
                }
            })
            .clone();
        if let Some(definition) = after_open[close + 1..].trim_start().strip_prefix(':') {
            self.definition(line_no, &slug, definition.trim());
        }
        let key = self.key(&slug);
        while self.stack.last().is_some_and(|(depth, _)| *depth >= indent) {
            self.stack.pop();
        }
        if let Some((kind, incoming)) = relation {
            let Some((_, parent)) = self.stack.last().cloned() else {
                return Err(parse_error(
                    origin,
                    line_no,
                    "a relation with no statement above it",
                ));
            };
            let (from, to) = if let Some(title) = parent.strip_prefix(INFERENCE) {
                if !incoming || kind != RelationKind::Undercuts {
                    return Err(parse_error(
                        origin,
                        line_no,
                        "only undercuts (`<_` or `_`) go beneath an argument for an inference",
                    ));
                }
                let inference = Inference::parse(title).expect("parsed when it was stacked");
                let to = RelationTarget::Inference(Box::new(inference));
                self.parsed.relations.push(Relation {
                    kind,
                    from: slug.clone(),
                    to,
                });
                self.stack.push((indent, key));
                return Ok(());
            } else if incoming {
                (slug.clone(), parent)
            } else {
                (
                    parent.trim_start_matches("proposal:").to_owned(),
                    key.clone(),
                )
            };
            let to = RelationTarget::Node(to);
            self.parsed.relations.push(Relation { kind, from, to });
        }
        self.stack.push((indent, key));
        Ok(())
    }

    /// How relations name a statement: a proposal as `proposal:SLUG`, a claim by its slug.
    fn key(&self, slug: &str) -> String {
        if self.parsed.proposals.iter().any(|p| p.slug == slug) {
            format!("proposal:{slug}")
        } else {
            slug.to_owned()
        }
    }

    /// `text #tags {data}` of the statement `slug`; the first definition counts.
    fn definition(&mut self, line_no: usize, slug: &str, definition: &str) {
        let origin = self.origin;
        let (content, data) = split_data(definition);
        let data = match data {
            None => StatementData::default(),
            Some(json) => serde_json::from_str(json).unwrap_or_else(|err| {
                self.parsed.notes.push(format!(
                    "{origin}:{line_no}: the data of [{slug}] not read (argmap reads data written as JSON): {err}"
                ));
                StatementData::default()
            }),
        };
        let (body, tags) = split_tags(content);
        if tags.iter().any(|t| t == "proposal") {
            if self.parsed.proposals.iter().any(|p| p.slug == slug) {
                return;
            }
            self.proposal(
                slug,
                data.text.unwrap_or(body),
                &tags,
                data.summary,
                data.raises,
            );
        } else if !self.parsed.claims.iter().any(|c| c.slug == slug) {
            self.parsed.claims.push(ImportedClaim {
                slug: slug.to_owned(),
                text: data.text.unwrap_or(body),
                actor: data.speaker.map(Some),
                tags,
                quotes: data.quotes,
                named: Named::BySlug,
            });
        }
    }

    fn proposal(
        &mut self,
        slug: &str,
        title: String,
        tags: &[String],
        summary: Option<String>,
        raises: Vec<crate::export::argdown::RaiseData>,
    ) {
        let debate = tags
            .iter()
            .find_map(|t| t.strip_prefix("debate ").map(str::to_owned));
        // The data's raises carry notes and evidence; a tag alone says only the leaning.
        let mut all: Vec<ImportedRaise> = raises
            .into_iter()
            .map(|r| ImportedRaise {
                proposal: slug.to_owned(),
                tension: r.tension,
                leaning: r.leaning,
                note: Some(r.note),
                evidence: r.evidence,
            })
            .collect();
        for (tension, leaning) in tags
            .iter()
            .filter_map(|t| t.strip_prefix("raises "))
            .filter_map(|t| t.split_once(' '))
        {
            let Ok(leaning) = leaning.parse::<Leaning>() else {
                self.parsed.notes.push(format!(
                    "{}: {slug} raises {tension}: the leaning {leaning:?} is not one argmap knows",
                    self.origin
                ));
                continue;
            };
            if !all.iter().any(|r| r.tension == tension) {
                all.push(ImportedRaise {
                    proposal: slug.to_owned(),
                    tension: tension.to_owned(),
                    leaning,
                    note: None,
                    evidence: Vec::new(),
                });
            }
        }
        self.parsed.raises.extend(all);
        self.parsed.proposals.push(ImportedProposal {
            slug: slug.to_owned(),
            title,
            debate,
            summary,
            named: Named::BySlug,
        });
    }
}

/// Splits `text #tags {data}` at the first unescaped `{`.
fn split_data(definition: &str) -> (&str, Option<&str>) {
    let mut escaped = false;
    for (i, c) in definition.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => return (definition[..i].trim_end(), Some(definition[i..].trim())),
            _ => {}
        }
    }
    (definition, None)
}

/// Removes Argdown's backslash escapes.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| SPECIAL.contains(n) || *n == '+' || *n == '-')
        {
            out.push(chars.next().expect("peeked"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits `text #tag #(tag with spaces)` into text and tags (escaped `\#` is text).
fn split_tags(text: &str) -> (String, Vec<String>) {
    let mut body = String::new();
    let mut tags = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                body.push('\\');
                body.push(chars[i + 1]);
                i += 2;
            }
            '#' if chars.get(i + 1) == Some(&'(') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ')')
                    .map_or(chars.len(), |p| i + p);
                tags.push(chars[i + 2..end].iter().collect());
                i = end + 1;
            }
            '#' if chars.get(i + 1).is_some_and(|c| c.is_alphanumeric()) => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
                    .map_or(chars.len(), |p| i + 1 + p);
                tags.push(chars[i + 1..end].iter().collect());
                i = end;
            }
            c => {
                body.push(c);
                i += 1;
            }
        }
    }
    (unescape(body.trim()), tags)
}

/// `+ `, `- `, `_ ` and `<+`, `<-`, `<_` (incoming: the line's statement relates to the
/// one above), `+>`, `->`, `_>` (outgoing: the statement above relates to this one).
fn relation_prefix(line: &str) -> (Option<(RelationKind, bool)>, &str) {
    let kinds = [
        ("+", RelationKind::Supports),
        ("-", RelationKind::Attacks),
        ("_", RelationKind::Undercuts),
    ];
    for (sign, kind) in kinds {
        for (prefix, incoming) in [
            (format!("<{sign}"), true),
            (format!("{sign}>"), false),
            (format!("{sign} "), true),
        ] {
            if let Some(rest) = line.strip_prefix(prefix.as_str()) {
                return (Some((kind, incoming)), rest.trim_start());
            }
        }
    }
    (None, line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Pole;

    #[test]
    fn nested_relations_and_their_arrow_spellings_relate_the_right_statements() {
        let text = "[a]: The first statement here.\n  + [b]: The second statement here.\n    - [c]: The third statement.\n  <_ [d]: An undercutting one.\n  +> [e]: What a supports here.\n";
        let parsed = parse("x.argdown", text).unwrap();
        assert_eq!(
            parsed.relation_triples(),
            [
                ("supports".into(), "b".into(), "a".into()),
                ("attacks".into(), "c".into(), "b".into()),
                ("undercuts".into(), "d".into(), "a".into()),
                ("supports".into(), "a".into(), "e".into()),
            ]
        );
        assert_eq!(parsed.claims.len(), 5);
    }

    #[test]
    fn a_claim_brings_its_speaker_quotes_and_tags_from_its_data() {
        let text = r#"[nhs-short]: The NHS is short of \#money\_now. #finance {"speaker":"ann","quotes":[{"source":"s","locator":"post 2","anchor":"s2","text":"short of money"}]}"#;
        let parsed = parse("x.argdown", text).unwrap();
        let claim = &parsed.claims[0];
        assert_eq!(claim.text, "The NHS is short of #money_now.");
        assert_eq!(claim.tags, ["finance"]);
        assert_eq!(claim.actor, Some(Some("ann".to_owned())));
        assert_eq!(claim.quotes[0].locator, "post 2");
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
    }

    #[test]
    fn a_statement_without_data_leaves_its_speaker_unsaid() {
        let parsed = parse("x.argdown", "[c]: A claim with no data at all.\n").unwrap();
        assert_eq!(parsed.claims[0].actor, None);
    }

    #[test]
    fn a_proposal_brings_its_debate_summary_and_tension_notes() {
        let text = r#"[p]: Put ICSs on a statutory footing #proposal #(debate d) #(raises t a) #(raises u b) {"summary":"In law.","raises":[{"tension":"t","leaning":"a","note":"A note.","evidence":[{"claim":"c","pole":"b"}]}]}
  + [c]: Statutory footing brings accountability."#;
        let parsed = parse("x.argdown", text).unwrap();
        let proposal = &parsed.proposals[0];
        assert_eq!(proposal.debate.as_deref(), Some("d"));
        assert_eq!(proposal.summary.as_deref(), Some("In law."));
        assert_eq!(parsed.raises.len(), 2);
        assert_eq!(parsed.raises[0].note.as_deref(), Some("A note."));
        assert_eq!(parsed.raises[0].evidence[0].pole, Pole::B);
        assert_eq!(parsed.raises[1].note, None, "a tag says no note");
        assert_eq!(parsed.relation_triples()[0].2, "proposal:p");
    }

    #[test]
    fn the_front_matter_brings_actors_debates_tensions_and_sources() {
        let text = "===\ntitle: \"A map\"\ngenerator: argmap\nargmap:\n  actors:\n    - {\"slug\":\"ann\",\"name\":\"Ann\",\"kind\":\"person\"}\n  tensions:\n    - {\"slug\":\"t\",\"title\":\"T\",\"pole_a\":\"a\",\"pole_b\":\"b\",\"description\":\"\"}\n  sources:\n    - {\"slug\":\"s\",\"kind\":\"thread\",\"title\":\"S\",\"debates\":[\"d\"]}\ncolor:\n  - {\"not\":\"ours\"}\n===\n\n[c]: A claim after the front matter.\n";
        let parsed = parse("x.argdown", text).unwrap();
        assert_eq!(parsed.actors[0].name, "Ann");
        assert_eq!(parsed.tensions[0].slug, "t");
        assert_eq!(parsed.sources[0].debates, ["d"]);
        assert_eq!(parsed.claims.len(), 1);
    }

    #[test]
    fn a_reference_to_an_undefined_statement_is_kept_for_the_instance_to_resolve() {
        let parsed = parse(
            "x.argdown",
            "[existing-claim]\n  + [n]: A new supporting claim.\n",
        )
        .unwrap();
        assert_eq!(parsed.claims.len(), 1);
        assert_eq!(
            parsed.relation_triples(),
            [("supports".into(), "n".into(), "existing-claim".into())]
        );
    }

    #[test]
    fn arguments_and_unreadable_data_are_reported_not_dropped() {
        let text = "[a]: A statement with YAML data. {isInMap: false}\n\n<Arg>: An argument.\n";
        let parsed = parse("x.argdown", text).unwrap();
        assert_eq!(parsed.notes.len(), 2, "{:?}", parsed.notes);
        assert!(parsed.notes[0].starts_with("x.argdown:1: the data of [a] not read"));
        assert!(parsed.notes[1].starts_with("x.argdown:3: argument <Arg> skipped"));
    }

    #[test]
    fn a_malformed_argdown_file_is_refused_with_its_line() {
        let err = parse(
            "bad.argdown",
            "[a]: A first statement.\n  + this is not a statement\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad.argdown:2: expected a statement like [title]: text, found \"+ this is not a statement\""
        );
        let err = parse(
            "bad.argdown",
            "===\nargmap:\n  actors:\n    - {oops}\n===\n",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("bad.argdown:4: "), "{err}");
    }
}
