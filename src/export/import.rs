//! `import-map`: a map edited in another tool, brought back. Reads argmap JSON (all of
//! it), Argdown (statements, `+`/`-`/`_` relations, tags, and the `#proposal`,
//! `#(debate …)` and `#(raises …)` tags argmap writes) and Kialo text (pros and cons under
//! a thesis). Everything is written in the caller's transaction through the same store
//! as the map loader, so it is upserted by slug with a revision per change. What argmap
//! cannot represent (Argdown arguments, a quote of a source this instance lacks, ...) is
//! listed in the report, never silently dropped.

use std::collections::BTreeMap;
use std::fmt;

use sqlx::PgConnection;

use super::argdown::SPECIAL;
use super::model::MapDocument;
use crate::map::LoadSummary;
use crate::map::quotes::locate;
use crate::map::store::Store;
use crate::slug::{is_slug, slugify};

#[derive(Debug, thiserror::Error)]
pub enum ImportMapError {
    #[error("{origin}:{line}: {message}")]
    Parse {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// What an import did, and what it could not carry over.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub summary: LoadSummary,
    pub not_represented: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        write!(
            f,
            "imported: {} objects created, {} changed, {} links added",
            s.objects_created, s.objects_changed, s.links_added
        )?;
        if !self.not_represented.is_empty() {
            write!(f, "\nnot represented ({}):", self.not_represented.len())?;
            for item in &self.not_represented {
                write!(f, "\n  - {item}")?;
            }
        }
        Ok(())
    }
}

/// The claims, proposals and relations of a file, however it was written.
#[derive(Debug, Default)]
struct Parsed {
    proposals: Vec<ParsedProposal>,
    claims: Vec<ParsedClaim>,
    /// (kind, from claim slug, to claim slug or "proposal:slug")
    relations: Vec<(String, String, String)>,
    not_represented: Vec<String>,
}

#[derive(Debug)]
struct ParsedProposal {
    slug: String,
    title: String,
    debate: Option<String>,
    raises: Vec<(String, String)>,
}

#[derive(Debug)]
struct ParsedClaim {
    slug: String,
    text: String,
    tags: Vec<String>,
}

pub async fn import(
    conn: &mut PgConnection,
    origin: &str,
    text: &str,
    format: &str,
    debate: Option<&str>,
) -> Result<ImportReport, ImportMapError> {
    match format {
        "json" => {
            let doc: MapDocument =
                serde_json::from_str(text).map_err(|err| ImportMapError::Parse {
                    origin: origin.into(),
                    line: err.line(),
                    message: err.to_string(),
                })?;
            if doc.format != super::model::FORMAT || doc.version != super::model::VERSION {
                return Err(ImportMapError::Invalid {
                    origin: origin.into(),
                    message: format!(
                        "format {:?} version {} is not argmap-map version 1",
                        doc.format, doc.version
                    ),
                });
            }
            import_document(conn, origin, &doc).await
        }
        "argdown" => {
            let parsed = parse_argdown(origin, text)?;
            write_parsed(conn, origin, parsed, debate).await
        }
        "kialo" => {
            let parsed = parse_kialo(origin, text, conn).await?;
            write_parsed(conn, origin, parsed, debate).await
        }
        other => Err(ImportMapError::Invalid {
            origin: origin.into(),
            message: format!("unknown format {other:?}"),
        }),
    }
}

async fn import_document(
    conn: &mut PgConnection,
    origin: &str,
    doc: &MapDocument,
) -> Result<ImportReport, ImportMapError> {
    let mut report = ImportReport::default();
    let mut missing = Vec::new();
    {
        let mut store = Store {
            conn: &mut *conn,
            summary: &mut report.summary,
        };
        let mut actors = BTreeMap::new();
        for a in &doc.actors {
            actors.insert(
                a.slug.clone(),
                store
                    .actor(
                        &a.slug,
                        &a.name,
                        &a.kind,
                        a.handle.as_deref(),
                        a.about.as_deref(),
                    )
                    .await?,
            );
        }
        let mut debates = BTreeMap::new();
        for d in &doc.debates {
            debates.insert(
                d.slug.clone(),
                store
                    .debate(&d.slug, &d.title, &d.summary, d.started, d.ended)
                    .await?,
            );
        }
        let mut tensions = BTreeMap::new();
        for t in &doc.tensions {
            tensions.insert(
                t.slug.clone(),
                store
                    .tension(&t.slug, &t.title, &t.pole_a, &t.pole_b, &t.description)
                    .await?,
            );
        }
        let mut proposals = BTreeMap::new();
        for p in &doc.proposals {
            let Some(&debate) = debates.get(&p.debate) else {
                missing.push(format!(
                    "proposal {}: its debate {:?} is not in the file",
                    p.slug, p.debate
                ));
                continue;
            };
            proposals.insert(
                p.slug.clone(),
                store
                    .proposal(&p.slug, debate, &p.title, &p.summary)
                    .await?,
            );
        }
        let mut claims = BTreeMap::new();
        for c in &doc.claims {
            if !valid_claim(&c.slug, &c.text, &mut missing) {
                continue;
            }
            let actor = c.actor.as_ref().and_then(|a| actors.get(a)).copied();
            let id = store.claim(&c.slug, &c.text, actor).await?;
            store
                .tags(id, &c.tags.iter().map(String::as_str).collect::<Vec<_>>())
                .await?;
            claims.insert(c.slug.clone(), id);
            for quote in &c.quotes {
                let segment = sqlx::query!(
                    r#"select g.id, g.body from segments g
                       join source_versions v on v.id = g.source_version_id
                       join sources s on s.id = v.source_id
                       where s.slug = $1::text and g.anchor = $2
                       order by v.number desc limit 1"#,
                    quote.source,
                    quote.anchor
                )
                .fetch_optional(&mut *store.conn)
                .await?;
                let Some(segment) = segment else {
                    missing.push(format!(
                        "quote of {}: source {:?} ({}) is not in this instance",
                        c.slug, quote.source, quote.locator
                    ));
                    continue;
                };
                match locate(&quote.text, &segment.body).first() {
                    Some(&(start, end)) => {
                        store
                            .quote(id, segment.id, &segment.body, start, end, quote.primary)
                            .await?
                    }
                    None => missing.push(format!(
                        "quote of {}: not found in {} {}",
                        c.slug, quote.source, quote.locator
                    )),
                }
            }
        }
        for r in &doc.relations {
            let (Some(&from), to_claim, to_proposal) = (
                claims.get(&r.from),
                r.to_claim().and_then(|s| claims.get(s)).copied(),
                r.to_proposal().and_then(|s| proposals.get(s)).copied(),
            ) else {
                missing.push(format!(
                    "relation {} {} {}: its claim is not in the file",
                    r.from, r.kind, r.to
                ));
                continue;
            };
            if to_claim.is_none() && to_proposal.is_none() {
                missing.push(format!(
                    "relation {} {} {}: its target is not in the file",
                    r.from, r.kind, r.to
                ));
                continue;
            }
            store.relation(&r.kind, from, to_claim, to_proposal).await?;
        }
        for raise in &doc.raises {
            let (Some(&proposal), Some(&tension)) =
                (proposals.get(&raise.proposal), tensions.get(&raise.tension))
            else {
                missing.push(format!(
                    "{} raises {}: not both in the file",
                    raise.proposal, raise.tension
                ));
                continue;
            };
            let link = store
                .raise(proposal, tension, &raise.leaning, &raise.note)
                .await?;
            for evidence in &raise.evidence {
                match claims.get(&evidence.claim) {
                    Some(&claim) => store.evidence(link, claim, &evidence.pole).await?,
                    None => missing.push(format!(
                        "evidence {} for {}: the claim is not in the file",
                        evidence.claim, raise.tension
                    )),
                }
            }
        }
    }
    report.not_represented = missing
        .into_iter()
        .map(|m| format!("{origin}: {m}"))
        .collect();
    Ok(report)
}

fn valid_claim(slug: &str, text: &str, missing: &mut Vec<String>) -> bool {
    if !is_slug(slug) {
        missing.push(format!("claim {slug:?}: not a valid slug"));
        false
    } else if let Err(err) = crate::domain::ClaimText::parse(text) {
        missing.push(format!(
            "claim {slug}: its text is {} characters; argmap's claims are {} to {}",
            err.length,
            crate::domain::ClaimText::MIN_CHARS,
            crate::domain::ClaimText::MAX_CHARS
        ));
        false
    } else {
        true
    }
}

/// Writes what an Argdown or Kialo file held.
async fn write_parsed(
    conn: &mut PgConnection,
    origin: &str,
    parsed: Parsed,
    debate: Option<&str>,
) -> Result<ImportReport, ImportMapError> {
    let mut report = ImportReport::default();
    let mut notes = parsed.not_represented;
    let mut store = Store {
        conn,
        summary: &mut report.summary,
    };
    let mut proposals = BTreeMap::new();
    for p in &parsed.proposals {
        let existing =
            sqlx::query_scalar!("select id from proposals where slug = $1::text", p.slug)
                .fetch_optional(&mut *store.conn)
                .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let Some(debate_slug) = p.debate.as_deref().or(debate) else {
                    return Err(ImportMapError::Invalid {
                        origin: origin.into(),
                        message: format!(
                            "proposal {:?} is new and names no debate: pass --debate SLUG",
                            p.slug
                        ),
                    });
                };
                let debate_id = match sqlx::query_scalar!(
                    "select id from debates where slug = $1::text",
                    debate_slug
                )
                .fetch_optional(&mut *store.conn)
                .await?
                {
                    Some(id) => id,
                    None => {
                        notes.push(format!(
                            "debate {debate_slug:?} did not exist: created with its slug as title"
                        ));
                        store
                            .debate(debate_slug, debate_slug, "", None, None)
                            .await?
                    }
                };
                store.proposal(&p.slug, debate_id, &p.title, "").await?
            }
        };
        for (tension, leaning) in &p.raises {
            match sqlx::query_scalar!("select id from tensions where slug = $1::text", tension)
                .fetch_optional(&mut *store.conn)
                .await?
            {
                Some(tension_id) => {
                    store.raise(id, tension_id, leaning, "").await?;
                }
                None => notes.push(format!(
                    "{} raises {tension:?}: no such tension here",
                    p.slug
                )),
            }
        }
        proposals.insert(p.slug.clone(), id);
    }
    let mut claims = BTreeMap::new();
    for c in &parsed.claims {
        if !valid_claim(&c.slug, &c.text, &mut notes) {
            continue;
        }
        let id = store.claim(&c.slug, &c.text, None).await?;
        store
            .tags(id, &c.tags.iter().map(String::as_str).collect::<Vec<_>>())
            .await?;
        claims.insert(c.slug.clone(), id);
    }
    for (kind, from, to) in &parsed.relations {
        let Some(&from_id) = claims.get(from) else {
            continue;
        };
        let (to_claim, to_proposal) = match to.strip_prefix("proposal:") {
            Some(slug) => (None, proposals.get(slug).copied()),
            None => (claims.get(to).copied(), None),
        };
        if to_claim.is_none() && to_proposal.is_none() {
            notes.push(format!(
                "relation {from} {kind} {to}: its target was not imported"
            ));
            continue;
        }
        if to_claim == Some(from_id) {
            notes.push(format!(
                "relation {from} {kind} itself: argmap has no self-relations"
            ));
            continue;
        }
        store.relation(kind, from_id, to_claim, to_proposal).await?;
    }
    report.not_represented = notes;
    Ok(report)
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

/// The Argdown argmap writes, and what common Argdown files use of it: statements
/// `[title]: text #tags`, references `[title]`, nested `+`, `-`, `_` relations (and their
/// `<+`/`+>` spellings), headings, front matter and comments. Arguments (`<title>`) and
/// premise–conclusion structures are reported, not imported.
fn parse_argdown(origin: &str, text: &str) -> Result<Parsed, ImportMapError> {
    let mut parsed = Parsed::default();
    let mut defined: BTreeMap<String, String> = BTreeMap::new(); // title → slug
    // The statement at each indentation depth, for nested relations.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut in_front_matter = false;
    let mut in_block_comment = false;
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = raw_line.trim();
        if trimmed == "===" {
            in_front_matter = !in_front_matter;
            continue;
        }
        if in_front_matter {
            continue;
        }
        if in_block_comment {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.is_empty() {
            stack.clear();
            continue;
        }
        if trimmed.starts_with("//") || trimmed.starts_with('#') {
            if trimmed.starts_with('#') {
                stack.clear();
            }
            continue;
        }
        let indent = raw_line.len() - raw_line.trim_start().len();
        let (relation, rest) = relation_prefix(trimmed);
        if rest.starts_with('<') {
            let name = rest.split('>').next().unwrap_or(rest);
            parsed.not_represented.push(format!("{origin}:{line_no}: argument {name}> skipped: argmap maps statements, not arguments"));
            continue;
        }
        let Some(after_open) = rest.strip_prefix('[') else {
            if relation.is_none() && !stack.is_empty() {
                parsed
                    .not_represented
                    .push(format!("{origin}:{line_no}: line skipped: {trimmed:?}"));
                continue;
            }
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: format!("expected a statement like [title]: text, found {trimmed:?}"),
            });
        };
        let Some(close) = after_open.find(']') else {
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: "a statement title has no closing ]".into(),
            });
        };
        let title = after_open[..close].trim().to_owned();
        let definition = after_open[close + 1..]
            .trim_start()
            .strip_prefix(':')
            .map(str::trim);
        let slug = match defined.get(&title) {
            Some(slug) => slug.clone(),
            None => {
                let slug = if is_slug(&title) {
                    title.clone()
                } else {
                    slugify(&title, 60)
                };
                defined.insert(title.clone(), slug.clone());
                slug
            }
        };
        if let Some(definition) = definition {
            let (body, tags) = split_tags(definition);
            if tags.iter().any(|t| t == "proposal") {
                let debate = tags
                    .iter()
                    .find_map(|t| t.strip_prefix("debate ").map(str::to_owned));
                let raises = tags
                    .iter()
                    .filter_map(|t| t.strip_prefix("raises "))
                    .filter_map(|t| t.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())))
                    .collect();
                parsed.proposals.push(ParsedProposal {
                    slug: slug.clone(),
                    title: body,
                    debate,
                    raises,
                });
            } else if !parsed.claims.iter().any(|c| c.slug == slug) {
                parsed.claims.push(ParsedClaim {
                    slug: slug.clone(),
                    text: body,
                    tags,
                });
            }
        }
        let key = |slug: &str, parsed: &Parsed| {
            if parsed.proposals.iter().any(|p| p.slug == slug) {
                format!("proposal:{slug}")
            } else {
                slug.to_owned()
            }
        };
        while stack.last().is_some_and(|(depth, _)| *depth >= indent) {
            stack.pop();
        }
        if let Some((kind, incoming)) = relation {
            let Some((_, parent)) = stack.last().cloned() else {
                return Err(ImportMapError::Parse {
                    origin: origin.into(),
                    line: line_no,
                    message: "a relation with no statement above it".into(),
                });
            };
            let (from, to) = if incoming {
                (slug.clone(), parent)
            } else {
                (
                    parent.trim_start_matches("proposal:").to_owned(),
                    key(&slug, &parsed),
                )
            };
            parsed.relations.push((kind.to_owned(), from, to));
        }
        stack.push((indent, key(&slug, &parsed)));
    }
    Ok(parsed)
}

/// `+ `, `- `, `_ ` and `<+`, `<-`, `<_` (incoming: the line's statement relates to the
/// one above), `+>`, `->`, `_>` (outgoing: the statement above relates to this one).
fn relation_prefix(line: &str) -> (Option<(&'static str, bool)>, &str) {
    let kinds = [("+", "supports"), ("-", "attacks"), ("_", "undercuts")];
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

/// Kialo text: `Discussion Title:`, the thesis `1. …` (a proposal: matched by slug or
/// title, or created in --debate), and `1.1. Pro: …` / `Con: …` claims; `-> See 1.2.` is
/// a second link to a claim already numbered. Kialo has no undercuts, so a con attacks.
async fn parse_kialo(
    origin: &str,
    text: &str,
    conn: &mut PgConnection,
) -> Result<Parsed, ImportMapError> {
    let mut parsed = Parsed::default();
    let mut numbered: BTreeMap<String, String> = BTreeMap::new(); // "1.2." → key
    let mut thesis: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with("Discussion Title:") {
            continue;
        }
        let Some((number, rest)) = line.split_once(' ') else {
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: format!("expected a numbered line, found {line:?}"),
            });
        };
        if !number.ends_with('.')
            || !number
                .trim_end_matches('.')
                .split('.')
                .all(|n| n.parse::<u32>().is_ok())
        {
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: format!("{number:?} is not a Kialo number like 1.2."),
            });
        }
        let depth = number.trim_end_matches('.').split('.').count();
        if depth == 1 {
            if thesis.is_some() {
                parsed.not_represented.push(format!(
                    "{origin}:{line_no}: a second thesis skipped: one discussion per file"
                ));
                continue;
            }
            let title = rest.trim().to_owned();
            let slug = sqlx::query_scalar!(
                r#"select slug as "slug!: String" from proposals where title = $1 or slug = $2::text limit 1"#,
                title,
                slugify(&title, 60)
            )
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or_else(|| slugify(&title, 60));
            numbered.insert(number.to_owned(), format!("proposal:{slug}"));
            parsed.proposals.push(ParsedProposal {
                slug: slug.clone(),
                title,
                debate: None,
                raises: Vec::new(),
            });
            thesis = Some(slug);
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
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: format!("{number} has no parent {parent_number}"),
            });
        };
        let (kind, body) = if let Some(body) = rest.strip_prefix("Pro:") {
            ("supports", body.trim())
        } else if let Some(body) = rest.strip_prefix("Con:") {
            ("attacks", body.trim())
        } else {
            return Err(ImportMapError::Parse {
                origin: origin.into(),
                line: line_no,
                message: "expected Pro: or Con:".into(),
            });
        };
        if let Some(target) = body.strip_prefix("-> See ") {
            let Some(linked) = numbered.get(target.trim()).cloned() else {
                return Err(ImportMapError::Parse {
                    origin: origin.into(),
                    line: line_no,
                    message: format!("links to {target}, which is not above"),
                });
            };
            parsed.relations.push((kind.to_owned(), linked, parent));
            numbered.insert(number.to_owned(), numbered[target.trim()].clone());
            continue;
        }
        let mut slug = slugify(body, 60);
        let base = slug.clone();
        let mut n = 2;
        while parsed
            .claims
            .iter()
            .any(|c| c.slug == slug && c.text != body)
        {
            slug = format!("{base}-{n}");
            n += 1;
        }
        if !parsed.claims.iter().any(|c| c.slug == slug) {
            parsed.claims.push(ParsedClaim {
                slug: slug.clone(),
                text: body.to_owned(),
                tags: Vec::new(),
            });
        }
        parsed
            .relations
            .push((kind.to_owned(), slug.clone(), parent));
        numbered.insert(number.to_owned(), slug);
    }
    if thesis.is_none() {
        return Err(ImportMapError::Invalid {
            origin: origin.into(),
            message: "no thesis (a line numbered 1.)".into(),
        });
    }
    parsed.not_represented.push(
        "Kialo has pros and cons only: any undercut in the original arrived as an attack".into(),
    );
    Ok(parsed)
}
