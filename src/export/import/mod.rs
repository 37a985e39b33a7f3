//! `import-map`: a map edited in another tool, brought back. Each format has a pure parser
//! (`json`, `argdown`, `kialo`) that turns a file into [`ImportedMap`], argmap's objects as the
//! file names them; one write path then resolves those names against the instance and
//! writes everything in the caller's transaction through the map loader's store, upserted
//! by slug with a revision per change, so a file that matches the instance changes
//! nothing. What argmap cannot represent or place (Argdown arguments, a quote of a source
//! this instance lacks, a speaker the file does not define, ...) is listed in the report,
//! item by item, never silently dropped.

mod argdown;
mod json;
mod kialo;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use sqlx::PgConnection;

use super::model::{self, Evidence, Inference, Quote, Relation, RelationTarget};
use crate::domain::{ClaimText, Leaning, RelationKind};
use crate::map::LoadSummary;
use crate::map::quotes::locate;
use crate::map::store::{DefinitionIds, Store, To};
use crate::slug::is_slug;

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

fn parse_error(origin: &str, line: usize, message: impl Into<String>) -> ImportMapError {
    ImportMapError::Parse {
        origin: origin.into(),
        line,
        message: message.into(),
    }
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

/// How a file names a claim or a proposal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Named {
    /// By its slug (argmap JSON, Argdown): upserted by slug.
    #[default]
    BySlug,
    /// By its text or title alone (Kialo): an existing claim with the same text (a
    /// proposal with the same title) is the one meant; otherwise a new one, under a slug
    /// no other object has.
    ByText,
}

/// A file's objects in argmap's terms, before anything is looked up in the instance.
/// Claims are keyed by slug; relations run from a claim's slug to a claim's slug or
/// `proposal:SLUG`, as in argmap JSON.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ImportedMap {
    pub actors: Vec<model::Actor>,
    pub debates: Vec<model::Debate>,
    pub tensions: Vec<model::Tension>,
    pub sources: Vec<model::Source>,
    pub proposals: Vec<ImportedProposal>,
    pub claims: Vec<ImportedClaim>,
    pub relations: Vec<Relation>,
    pub raises: Vec<ImportedRaise>,
    /// Kialo writes undercuts as cons: a con where an undercut already is, is that undercut.
    pub cons_may_be_undercuts: bool,
    /// What the file held that argmap cannot represent, each with its file and line.
    pub notes: Vec<String>,
    /// What the format cannot carry at all, said once in the report.
    pub format_lacks: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedProposal {
    pub slug: String,
    pub title: String,
    /// None: the file does not say (an existing proposal keeps its debate).
    pub debate: Option<String>,
    /// None: the file does not say (an existing proposal keeps its summary).
    pub summary: Option<String>,
    pub named: Named,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedClaim {
    pub slug: String,
    pub text: String,
    /// None: the file does not say (an existing claim keeps its speaker); Some(None): nobody.
    pub actor: Option<Option<String>>,
    pub tags: Vec<String>,
    pub quotes: Vec<Quote>,
    pub named: Named,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedRaise {
    pub proposal: String,
    pub tension: String,
    pub leaning: Leaning,
    /// None: the file does not say (an existing link keeps its note).
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

#[cfg(test)]
impl ImportedMap {
    /// The relations as (kind, from, to), for tests.
    pub(crate) fn relation_triples(&self) -> Vec<(String, String, String)> {
        self.relations
            .iter()
            .map(|r| (r.kind.as_str().to_owned(), r.from.clone(), r.to.to_string()))
            .collect()
    }
}

/// Whitespace runs as single spaces, trimmed: how Kialo texts are compared.
pub(crate) fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads `text` in `format` ("json", "argdown" or "kialo") and writes it; `debate` is the
/// debate of proposals the file creates without naming one.
pub async fn import(
    conn: &mut PgConnection,
    origin: &str,
    text: &str,
    format: &str,
    debate: Option<&str>,
) -> Result<ImportReport, ImportMapError> {
    // PostgreSQL cannot store NUL, and other control characters break pages for everyone
    // (the HTTP guard refuses them in requests; a file is checked here).
    if let Some((line, c)) = first_control_character(text) {
        let message = format!(
            "control character U+{:04X}: a map file holds text only",
            c as u32
        );
        return Err(parse_error(origin, line, message));
    }
    let parsed = match format {
        "json" => json::parse(origin, text)?,
        "argdown" => argdown::parse(origin, text)?,
        "kialo" => kialo::parse(origin, text)?,
        other => {
            return Err(ImportMapError::Invalid {
                origin: origin.into(),
                message: format!("unknown format {other:?}"),
            });
        }
    };
    check_slugs(origin, &parsed)?;
    write(conn, origin, parsed, debate)
        .await
        .map_err(|err| breaks_a_rule(origin, err))
}

/// Every object the file defines must be named by a well-formed slug: the database would
/// refuse it, as an error nobody could act on.
fn check_slugs(origin: &str, parsed: &ImportedMap) -> Result<(), ImportMapError> {
    let defined = (parsed.actors.iter().map(|a| ("actor", &a.slug)))
        .chain(parsed.debates.iter().map(|d| ("debate", &d.slug)))
        .chain(parsed.tensions.iter().map(|t| ("tension", &t.slug)))
        .chain(parsed.sources.iter().map(|s| ("source", &s.slug)))
        .chain(parsed.proposals.iter().map(|p| ("proposal", &p.slug)));
    for (kind, slug) in defined {
        if !is_slug(slug) {
            return Err(ImportMapError::Invalid {
                origin: origin.into(),
                message: format!(
                    "{kind} {slug:?}: not a slug (lowercase letters and digits in words joined \
                     by single hyphens, at most 80 characters)"
                ),
            });
        }
    }
    Ok(())
}

/// A value the checks above did not foresee and the schema refuses (a CHECK, a NOT NULL,
/// a malformed value) is still the file's fault: said as such, with PostgreSQL's words
/// for the rule, not as a database error.
fn breaks_a_rule(origin: &str, err: ImportMapError) -> ImportMapError {
    let ImportMapError::Database(sqlx::Error::Database(db)) = &err else {
        return err;
    };
    let code = db.code().unwrap_or_default();
    if code.starts_with("22") || code == "23502" || code == "23514" {
        return ImportMapError::Invalid {
            origin: origin.into(),
            message: format!(
                "a value in the file breaks a rule of the map: {}",
                db.message()
            ),
        };
    }
    err
}

/// The line (from 1) and the first character text may not hold, if there is one.
fn first_control_character(text: &str) -> Option<(usize, char)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let c = line.chars().find(|&c| crate::http::input::forbidden(c))?;
        Some((index + 1, c))
    })
}

/// The write path every format shares.
async fn write(
    conn: &mut PgConnection,
    origin: &str,
    mut parsed: ImportedMap,
    debate: Option<&str>,
) -> Result<ImportReport, ImportMapError> {
    let mut report = ImportReport::default();
    let mut notes = Vec::new();
    resolve_named_by_text(conn, &mut parsed).await?;
    let proposals = complete_proposals(conn, origin, &mut parsed, debate, &mut notes).await?;
    let mut store = Store {
        conn,
        summary: &mut report.summary,
    };
    let (ids, orphans) = store
        .definitions(
            &parsed.actors,
            &parsed.debates,
            &parsed.tensions,
            &proposals,
        )
        .await?;
    for p in orphans {
        notes.push(format!(
            "proposal {}: its debate {:?} is neither in the file nor here",
            p.slug, p.debate
        ));
    }
    let mut writer = Writer {
        store,
        ids,
        claims: HashMap::new(),
        notes,
    };
    writer.sources(&parsed.sources).await?;
    writer.claims(&parsed.claims).await?;
    writer
        .relations(&parsed.relations, parsed.cons_may_be_undercuts)
        .await?;
    writer.raises(&parsed.raises).await?;
    let mut notes: Vec<String> = writer
        .notes
        .into_iter()
        .map(|n| format!("{origin}: {n}"))
        .collect();
    let mut all = parsed.notes;
    all.append(&mut notes);
    if let Some(lacks) = parsed.format_lacks {
        all.push(format!("{origin}: {lacks}"));
    }
    report.not_represented = all;
    Ok(report)
}

/// Kialo names claims by their text and proposals by their title: finds the claims and
/// proposals of the instance they mean, and gives new ones slugs no object has.
async fn resolve_named_by_text(
    conn: &mut PgConnection,
    parsed: &mut ImportedMap,
) -> Result<(), sqlx::Error> {
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for claim in parsed
        .claims
        .iter_mut()
        .filter(|c| c.named == Named::ByText)
    {
        let existing = sqlx::query!(
            r#"select slug as "slug!: String", body from claims
               where regexp_replace(btrim(body), '\s+', ' ', 'g') = $1 and merged_into_id is null
               order by hidden_at is not null, id limit 1"#,
            normalise(&claim.text)
        )
        .fetch_optional(&mut *conn)
        .await?;
        let slug = match existing {
            Some(row) => {
                claim.text = row.body;
                row.slug
            }
            None => fresh_claim_slug(conn, &claim.slug, &taken).await?,
        };
        taken.insert(slug.clone());
        if slug != claim.slug {
            renamed.insert(claim.slug.clone(), slug.clone());
            claim.slug = slug;
        }
    }
    for proposal in parsed
        .proposals
        .iter_mut()
        .filter(|p| p.named == Named::ByText)
    {
        let existing = sqlx::query_scalar!(
            r#"select slug as "slug!: String" from proposals where title = $1 or slug = $2::text
               order by title = $1 desc, id limit 1"#,
            proposal.title,
            proposal.slug
        )
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(slug) = existing.filter(|s| *s != proposal.slug) {
            renamed.insert(
                format!("proposal:{}", proposal.slug),
                format!("proposal:{slug}"),
            );
            proposal.slug = slug;
        }
    }
    if renamed.is_empty() {
        return Ok(());
    }
    let mut rename = |key: &mut String| {
        if let Some(new) = renamed.get(key.as_str()) {
            key.clone_from(new);
        }
    };
    for relation in &mut parsed.relations {
        rename(&mut relation.from);
        relation.to.names_mut(&mut rename);
    }
    Ok(())
}

async fn fresh_claim_slug(
    conn: &mut PgConnection,
    base: &str,
    taken: &BTreeSet<String>,
) -> Result<String, sqlx::Error> {
    let base = if base.is_empty() { "claim" } else { base };
    let mut slug = base.to_owned();
    let mut n = 2;
    loop {
        let used = taken.contains(&slug)
            || sqlx::query_scalar!(
                r#"select exists(select 1 from claims where slug = $1::text) as "used!""#,
                slug
            )
            .fetch_one(&mut *conn)
            .await?;
        if !used {
            return Ok(slug);
        }
        slug = format!("{base}-{n}");
        n += 1;
    }
}

/// The proposals as the store writes them: what the file does not say is taken from the
/// proposal already here; a new proposal goes into the debate it names or `--debate`.
async fn complete_proposals(
    conn: &mut PgConnection,
    origin: &str,
    parsed: &mut ImportedMap,
    debate: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<Vec<model::Proposal>, ImportMapError> {
    let mut complete = Vec::new();
    for p in &parsed.proposals {
        let existing = sqlx::query!(
            r#"select d.slug as "debate!: String", p.summary from proposals p
               join debates d on d.id = p.debate_id where p.slug = $1::text"#,
            p.slug
        )
        .fetch_optional(&mut *conn)
        .await?;
        let debate_slug = match (&p.debate, &existing) {
            (Some(named), _) => named.clone(),
            (None, Some(row)) => row.debate.clone(),
            (None, None) => debate
                .map(str::to_owned)
                .ok_or_else(|| ImportMapError::Invalid {
                    origin: origin.into(),
                    message: format!(
                        "proposal {:?} is new and names no debate: pass --debate SLUG",
                        p.slug
                    ),
                })?,
        };
        let known = parsed.debates.iter().any(|d| d.slug == debate_slug)
            || sqlx::query_scalar!(
                r#"select exists(select 1 from debates where slug = $1::text) as "known!""#,
                debate_slug
            )
            .fetch_one(&mut *conn)
            .await?;
        if !known {
            notes.push(format!(
                "debate {debate_slug:?} did not exist: created with its slug as title"
            ));
            parsed.debates.push(model::Debate {
                slug: debate_slug.clone(),
                title: debate_slug.clone(),
                summary: String::new(),
                started: None,
                ended: None,
            });
        }
        let summary = p
            .summary
            .clone()
            .or_else(|| existing.map(|row| row.summary))
            .unwrap_or_default();
        complete.push(model::Proposal {
            slug: p.slug.clone(),
            debate: debate_slug,
            title: p.title.clone(),
            summary,
        });
    }
    Ok(complete)
}

fn valid_claim(slug: &str, text: &str, notes: &mut Vec<String>) -> bool {
    if !is_slug(slug) {
        notes.push(format!("claim {slug:?}: not a valid slug"));
        false
    } else if let Err(err) = ClaimText::parse(text) {
        notes.push(format!(
            "claim {slug}: its text is {} characters; argmap's claims are {} to {}",
            err.length,
            ClaimText::MIN_CHARS,
            ClaimText::MAX_CHARS
        ));
        false
    } else {
        true
    }
}

/// Writes the objects after the definitions, finding what the file names in the file
/// first and in the instance second.
struct Writer<'a> {
    store: Store<'a>,
    ids: DefinitionIds,
    claims: HashMap<String, i64>,
    notes: Vec<String>,
}

/// What the write path looks up by slug.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Actor,
    Debate,
    Tension,
    Proposal,
    Claim,
}

impl Writer<'_> {
    /// The id of the `kind` named `slug`: written from the file, or already here.
    async fn id(&mut self, kind: Kind, slug: &str) -> Result<Option<i64>, sqlx::Error> {
        let written = match kind {
            Kind::Actor => &self.ids.actors,
            Kind::Debate => &self.ids.debates,
            Kind::Tension => &self.ids.tensions,
            Kind::Proposal => &self.ids.proposals,
            Kind::Claim => &self.claims,
        };
        if let Some(&id) = written.get(slug) {
            return Ok(Some(id));
        }
        let conn = &mut *self.store.conn;
        // One checked query a table: `query_scalar!` joins literals with `+`.
        macro_rules! id_in {
            ($table:literal) => {
                sqlx::query_scalar!("select id from " + $table + " where slug = $1::text", slug)
                    .fetch_optional(conn)
                    .await
            };
        }
        match kind {
            Kind::Actor => id_in!("actors"),
            Kind::Debate => id_in!("debates"),
            Kind::Tension => id_in!("tensions"),
            Kind::Proposal => id_in!("proposals"),
            Kind::Claim => id_in!("claims"),
        }
    }

    /// A source's description, author and debates; its text is in no map format, so a
    /// source this instance lacks is listed (with it, its quotes).
    async fn sources(&mut self, sources: &[model::Source]) -> Result<(), sqlx::Error> {
        for source in sources {
            let author = match &source.author {
                Some(slug) => {
                    let id = self.id(Kind::Actor, slug).await?;
                    if id.is_none() {
                        self.notes.push(format!(
                            "source {}: its author {slug:?} is neither in the file nor here",
                            source.slug
                        ));
                    }
                    id
                }
                None => None,
            };
            let Some(id) = self.store.source_description(source).await? else {
                self.notes.push(format!(
                    "source {} ({:?}): not here, and no map format carries a source's text: \
                     import the document (argmap import) and this file again to bring back its quotes",
                    source.slug, source.title
                ));
                continue;
            };
            let mut debates = Vec::new();
            for slug in &source.debates {
                match self.id(Kind::Debate, slug).await? {
                    Some(debate) => debates.push((debate, slug.as_str())),
                    None => self.notes.push(format!(
                        "source {}: its debate {slug:?} is neither in the file nor here",
                        source.slug
                    )),
                }
            }
            self.store.source_links(id, author, &debates).await?;
        }
        Ok(())
    }

    async fn claims(&mut self, claims: &[ImportedClaim]) -> Result<(), sqlx::Error> {
        for c in claims {
            if !valid_claim(&c.slug, &c.text, &mut self.notes) {
                continue;
            }
            let actor = match &c.actor {
                None => {
                    sqlx::query_scalar!("select actor_id from claims where slug = $1::text", c.slug)
                        .fetch_optional(&mut *self.store.conn)
                        .await?
                        .flatten()
                }
                Some(None) => None,
                Some(Some(slug)) => {
                    let id = self.id(Kind::Actor, slug).await?;
                    if id.is_none() {
                        self.notes.push(format!(
                            "claim {}: its speaker {slug:?} is neither in the file nor here",
                            c.slug
                        ));
                    }
                    id
                }
            };
            let id = self.store.claim(&c.slug, &c.text, actor).await?;
            self.store
                .tags(id, &c.tags.iter().map(String::as_str).collect::<Vec<_>>())
                .await?;
            self.claims.insert(c.slug.clone(), id);
            // Unmarked quotes first, so that moving a claim's primary mark never finds two.
            let mut quotes: Vec<&Quote> = c.quotes.iter().collect();
            quotes.sort_by_key(|q| q.primary);
            for quote in quotes {
                self.quote(id, &c.slug, quote).await?;
            }
        }
        Ok(())
    }

    /// A quote is placed in the newest version of its source; one the claim already has
    /// (in whichever version) is left as it is.
    async fn quote(&mut self, claim_id: i64, slug: &str, quote: &Quote) -> Result<(), sqlx::Error> {
        let present = sqlx::query_scalar!(
            r#"select exists(
                   select 1 from quotes q
                   join segments g on g.id = q.segment_id
                   join source_versions v on v.id = g.source_version_id
                   join sources s on s.id = v.source_id
                   where q.claim_id = $1 and s.slug = $2::text and g.anchor = $3 and q.body = $4
               ) as "present!""#,
            claim_id,
            quote.source,
            quote.anchor,
            quote.text
        )
        .fetch_one(&mut *self.store.conn)
        .await?;
        if present {
            return Ok(());
        }
        let segment = sqlx::query!(
            r#"select g.id, g.body from segments g
               join source_versions v on v.id = g.source_version_id
               join sources s on s.id = v.source_id
               where s.slug = $1::text and g.anchor = $2
               order by v.number desc limit 1"#,
            quote.source,
            quote.anchor
        )
        .fetch_optional(&mut *self.store.conn)
        .await?;
        let Some(segment) = segment else {
            self.notes.push(format!(
                "quote of {slug} ({} {}): the source is not here: {:?}",
                quote.source, quote.locator, quote.text
            ));
            return Ok(());
        };
        match locate(&quote.text, &segment.body).first() {
            Some(&(start, end)) => {
                self.store
                    .quote(
                        claim_id,
                        segment.id,
                        &segment.body,
                        start,
                        end,
                        quote.primary,
                    )
                    .await
            }
            None => {
                self.notes.push(format!(
                    "quote of {slug}: not found in {} {}: {:?}",
                    quote.source, quote.locator, quote.text
                ));
                Ok(())
            }
        }
    }

    /// What a relation's target names in this instance: a claim, a proposal (as
    /// `proposal:SLUG` or, from Argdown, by its bare slug), or the inference an undercut
    /// names; None when it is neither in the file nor here.
    async fn target(&mut self, to: &RelationTarget) -> Result<Option<To>, sqlx::Error> {
        let node = match to {
            RelationTarget::Node(node) => node,
            RelationTarget::Inference(inference) => {
                return Ok(self.inference(inference).await?.map(To::Relation));
            }
        };
        if let Some(slug) = node.strip_prefix("proposal:") {
            return Ok(self.id(Kind::Proposal, slug).await?.map(To::Proposal));
        }
        Ok(match self.id(Kind::Claim, node).await? {
            Some(id) => Some(To::Claim(id)),
            None => self.id(Kind::Proposal, node).await?.map(To::Proposal),
        })
    }

    /// The live relation `inference` names, by what it relates (undercuts of undercuts
    /// followed down to the claim or proposal at the bottom).
    async fn inference(&mut self, inference: &Inference) -> Result<Option<i64>, sqlx::Error> {
        let mut chain = vec![inference];
        let mut bottom = &inference.to;
        while let RelationTarget::Inference(inner) = bottom {
            chain.push(inner);
            bottom = &inner.to;
        }
        let Some(mut target) = Box::pin(self.target(bottom)).await? else {
            return Ok(None);
        };
        for link in chain.into_iter().rev() {
            let Some(from) = self.id(Kind::Claim, &link.from).await? else {
                return Ok(None);
            };
            let (to_claim, to_proposal, to_relation) = target.columns();
            let found = sqlx::query_scalar!(
                "select id from relations
                 where kind = $1 and from_claim_id = $2 and to_claim_id is not distinct from $3
                   and to_proposal_id is not distinct from $4 and to_relation_id is not distinct from $5
                   and removed_at is null",
                link.kind.as_str(),
                from,
                to_claim,
                to_proposal,
                to_relation
            )
            .fetch_optional(&mut *self.store.conn)
            .await?;
            match found {
                Some(id) => target = To::Relation(id),
                None => return Ok(None),
            }
        }
        Ok(target.relation())
    }

    async fn relations(
        &mut self,
        relations: &[Relation],
        cons_may_be_undercuts: bool,
    ) -> Result<(), sqlx::Error> {
        // Supports and attacks first, then undercuts from the shallowest: each names an
        // inference written before it.
        let mut relations: Vec<&Relation> = relations.iter().collect();
        relations.sort_by_key(|r| r.to.depth());
        for r in relations {
            let Some(from) = self.id(Kind::Claim, &r.from).await? else {
                self.notes.push(format!(
                    "relation {} {} {}: the claim {:?} is neither in the file nor here",
                    r.from, r.kind, r.to, r.from
                ));
                continue;
            };
            if r.kind.targets_relation() != r.to.inference().is_some() {
                self.notes.push(format!(
                    "relation {} {} {}: argmap's undercuts name the inference they deny (the link from a premise to what it supports or attacks), and only undercuts do, so it was not imported",
                    r.from, r.kind, r.to
                ));
                continue;
            }
            let Some(to) = self.target(&r.to).await? else {
                self.notes.push(format!(
                    "relation {} {} {}: its target is neither in the file nor here",
                    r.from, r.kind, r.to
                ));
                continue;
            };
            if to == To::Claim(from) {
                self.notes.push(format!(
                    "relation {} {} itself: argmap has no self-relations",
                    r.from, r.kind
                ));
                continue;
            }
            let mut kind = r.kind;
            let mut to = to;
            if let (true, RelationKind::Attacks, To::Claim(premise)) =
                (cons_may_be_undercuts, kind, to)
            {
                // Kialo writes an undercut of the inference from a claim to its parent as a
                // con of that claim: where this instance has that undercut, it is the one.
                let undercut = sqlx::query_scalar!(
                    "select i.id from relations u join relations i on i.id = u.to_relation_id
                     where u.from_claim_id = $1 and u.kind = 'undercuts' and u.removed_at is null
                       and i.from_claim_id = $2 and i.removed_at is null
                     order by i.id limit 1",
                    from,
                    premise
                )
                .fetch_optional(&mut *self.store.conn)
                .await?;
                if let Some(inference) = undercut {
                    kind = RelationKind::Undercuts;
                    to = To::Relation(inference);
                }
            }
            self.store.relation(kind, from, to).await?;
        }
        Ok(())
    }

    async fn raises(&mut self, raises: &[ImportedRaise]) -> Result<(), sqlx::Error> {
        for raise in raises {
            let (Some(proposal), Some(tension)) = (
                self.id(Kind::Proposal, &raise.proposal).await?,
                self.id(Kind::Tension, &raise.tension).await?,
            ) else {
                self.notes.push(format!(
                    "{} raises {}: not both in the file or here",
                    raise.proposal, raise.tension
                ));
                continue;
            };
            let note = match &raise.note {
                Some(note) => note.clone(),
                None => sqlx::query_scalar!(
                    "select note from proposal_tensions where proposal_id = $1 and tension_id = $2",
                    proposal,
                    tension
                )
                .fetch_optional(&mut *self.store.conn)
                .await?
                .unwrap_or_default(),
            };
            let link = self
                .store
                .raise(proposal, tension, raise.leaning, &note)
                .await?;
            for evidence in &raise.evidence {
                match self.id(Kind::Claim, &evidence.claim).await? {
                    Some(claim) => self.store.evidence(link, claim, evidence.pole).await?,
                    None => self.notes.push(format!(
                        "evidence {} for {} raising {}: the claim is neither in the file nor here",
                        evidence.claim, raise.proposal, raise.tension
                    )),
                }
            }
        }
        Ok(())
    }
}
