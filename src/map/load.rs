//! Loading a map folder: parse every file, import its sources, check every reference and
//! quote, then write it all in the caller's transaction. Nothing is written unless
//! everything checks out; every problem found is reported with its file and line.
//! Loading the same map twice changes nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sqlx::PgConnection;
use toml::Spanned;

use super::format::{ClaimDef, ClaimsFile, Located, MapFile};
use super::quotes::locate;
use crate::revisions;
use crate::slug::is_slug;
use crate::sources::{ImportError, SourceInput, SourceKind, import_source};

/// One thing wrong with a map, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<Problem> },
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("database error while loading the map: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    pub sources_imported: usize,
    pub objects_created: usize,
    pub objects_changed: usize,
    pub links_added: usize,
}

impl LoadSummary {
    pub fn changed_anything(&self) -> bool {
        self.sources_imported + self.objects_created + self.objects_changed + self.links_added > 0
    }
}

/// A parsed file and the text it came from (for turning spans into lines).
struct Parsed<T> {
    path: PathBuf,
    text: String,
    value: T,
}

impl<T> Parsed<T> {
    fn problem<S>(&self, at: &Spanned<S>, message: impl Into<String>) -> Problem {
        self.locate().problem(at, message)
    }

    fn locate(&self) -> FileText<'_> {
        FileText {
            path: &self.path,
            text: &self.text,
        }
    }
}

/// A file's path and text: enough to turn a value's span into a located problem.
#[derive(Clone, Copy)]
struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
}

impl FileText<'_> {
    fn problem<S>(&self, at: &Spanned<S>, message: impl Into<String>) -> Problem {
        Problem {
            file: self.path.to_owned(),
            line: line_of(self.text, at.span().start),
            message: message.into(),
        }
    }
}

/// The slugs of one kind of object, reporting malformed and duplicate ones.
fn defined<'a>(
    kind: &str,
    slugs: impl IntoIterator<Item = (&'a Located, FileText<'a>)>,
    problems: &mut Vec<Problem>,
) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (slug, file) in slugs {
        if !is_slug(slug.get_ref()) {
            problems.push(file.problem(
                slug,
                format!(
                    "{kind} slug {:?} must be lowercase letters, digits and single hyphens",
                    slug.get_ref()
                ),
            ));
        }
        if !seen.insert(slug.get_ref().clone()) {
            problems.push(file.problem(
                slug,
                format!("{kind} slug {:?} is defined twice", slug.get_ref()),
            ));
        }
    }
    seen
}

fn line_of(text: &str, byte: usize) -> usize {
    1 + text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<Parsed<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            problems.push(Problem {
                file: path.to_owned(),
                line: 0,
                message: format!("cannot read it: {err}"),
            });
            return None;
        }
    };
    match toml::from_str::<T>(&text) {
        Ok(value) => Some(Parsed {
            path: path.to_owned(),
            text,
            value,
        }),
        Err(err) => {
            let line = err.span().map_or(0, |span| line_of(&text, span.start));
            let message = err.message().to_owned();
            problems.push(Problem {
                file: path.to_owned(),
                line,
                message,
            });
            None
        }
    }
}

/// Loads the map in `dir` (its `map.toml` and `claims/*.toml`).
pub async fn load_map(conn: &mut PgConnection, dir: &Path) -> Result<LoadSummary, LoadError> {
    let mut problems = Vec::new();
    let map = read_toml::<MapFile>(&dir.join("map.toml"), &mut problems);
    let mut claim_paths: Vec<PathBuf> = std::fs::read_dir(dir.join("claims"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    claim_paths.sort();
    let claim_files: Vec<Parsed<ClaimsFile>> = claim_paths
        .iter()
        .filter_map(|p| read_toml(p, &mut problems))
        .collect();
    let Some(map) = map else {
        return Err(LoadError::Invalid { problems });
    };

    check_references(&map, &claim_files, &mut problems);
    if !problems.is_empty() {
        return Err(LoadError::Invalid { problems });
    }

    let mut summary = LoadSummary::default();
    let mut writer = Writer {
        conn,
        summary: &mut summary,
    };
    let actors = writer.actors(&map.value).await?;
    let debates = writer.debates(&map.value).await?;
    let tensions = writer.tensions(&map.value).await?;
    let proposals = writer.proposals(&map.value, &debates).await?;

    // Sources first: quotes are checked against their segments.
    let mut claims: HashMap<String, i64> = HashMap::new();
    let mut pending_quotes = Vec::new();
    for file in &claim_files {
        let source = &file.value.source;
        let source_path = dir.join(source.file.get_ref());
        let text = match crate::sources::read_file(&source_path) {
            Ok(text) => text,
            Err(err) => {
                problems.push(file.problem(&source.file, err.to_string()));
                continue;
            }
        };
        let author_name = source
            .author
            .as_ref()
            .and_then(|a| actor_name(&map.value, a.get_ref()));
        let input = SourceInput {
            origin: source_path.display().to_string(),
            text,
            kind: source
                .kind
                .as_ref()
                .and_then(|k| k.get_ref().parse::<SourceKind>().ok()),
            slug: Some(source.slug.get_ref().clone()),
            title: source.title.clone(),
            author: author_name,
            outlet: source.outlet.clone(),
            url: source.url.as_ref().map(|u| u.get_ref().clone()),
            published: source.published.as_ref().and_then(|d| to_date(d.get_ref())),
            debate: None,
        };
        let outcome = import_source(writer.conn, &input).await?;
        if outcome.changed {
            writer.summary.sources_imported += 1;
        }
        writer
            .source_links(
                outcome.source_id,
                source
                    .author
                    .as_ref()
                    .and_then(|a| actors.get(a.get_ref()).copied()),
                &source.debates,
                &debates,
            )
            .await?;
        let segments = sqlx::query!(
            "select g.id, g.body from segments g
             where g.source_version_id = (select id from source_versions where source_id = $1 order by number desc limit 1)
             order by g.position",
            outcome.source_id
        )
        .fetch_all(&mut *writer.conn)
        .await?;

        let default_actor = source
            .author
            .as_ref()
            .and_then(|a| actors.get(a.get_ref()).copied());
        for claim in &file.value.claims {
            let actor = claim
                .by
                .as_ref()
                .and_then(|by| actors.get(by.get_ref()).copied())
                .or(default_actor);
            let id = writer.claim(claim, actor).await?;
            claims.insert(claim.slug.get_ref().clone(), id);
            for quote in &claim.quotes {
                let mut found = segments.iter().flat_map(|segment| {
                    locate(quote.get_ref(), &segment.body)
                        .into_iter()
                        .map(move |span| (segment, span))
                });
                match (found.next(), found.next()) {
                    (Some((segment, span)), None) => {
                        pending_quotes.push((id, segment.id, segment.body.clone(), span))
                    }
                    (None, _) => problems.push(file.problem(
                        quote,
                        format!(
                            "quote not found in source {:?}: {:?}",
                            source.slug.get_ref(),
                            quote.get_ref()
                        ),
                    )),
                    (Some(_), Some(_)) => problems.push(file.problem(
                        quote,
                        format!(
                            "quote occurs more than once in source {:?}; quote more of it: {:?}",
                            source.slug.get_ref(),
                            quote.get_ref()
                        ),
                    )),
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid { problems });
    }

    for (claim_id, segment_id, body, (start, end)) in pending_quotes {
        writer
            .quote(claim_id, segment_id, &body, start, end)
            .await?;
    }
    for file in &claim_files {
        for claim in &file.value.claims {
            let from = claims[claim.slug.get_ref()];
            writer.tags(from, &claim.tags).await?;
            for (kind, targets) in [
                ("supports", &claim.supports),
                ("attacks", &claim.attacks),
                ("undercuts", &claim.undercuts),
            ] {
                for target in targets {
                    let (to_claim, to_proposal) = match target.get_ref().strip_prefix("proposal:") {
                        Some(slug) => (None, Some(proposals[slug])),
                        None => (Some(claims[target.get_ref()]), None),
                    };
                    writer.relation(kind, from, to_claim, to_proposal).await?;
                }
            }
        }
    }
    for raise in &map.value.raises {
        let link = writer
            .raise(
                proposals[raise.proposal.get_ref()],
                tensions[raise.tension.get_ref()],
                raise.leaning.get_ref(),
                &raise.note,
            )
            .await?;
        for evidence in &raise.shown_by {
            writer
                .evidence(
                    link,
                    claims[evidence.claim.get_ref()],
                    evidence.pole.get_ref(),
                )
                .await?;
        }
    }
    Ok(summary)
}

fn actor_name(map: &MapFile, slug: &str) -> Option<String> {
    map.actors
        .iter()
        .find(|a| a.slug.get_ref() == slug)
        .map(|a| a.name.clone())
}

fn to_date(datetime: &toml::value::Datetime) -> Option<time::Date> {
    let date = datetime.date?;
    time::Date::from_calendar_date(
        i32::from(date.year),
        time::Month::try_from(date.month).ok()?,
        date.day,
    )
    .ok()
}

/// Checks slugs, enumerations, lengths and that every reference names something defined.
fn check_references(
    map: &Parsed<MapFile>,
    claim_files: &[Parsed<ClaimsFile>],
    problems: &mut Vec<Problem>,
) {
    let m = &map.value;
    let in_map = |at: &Located, message: String| map.problem(at, message);
    let actors = defined(
        "actor",
        m.actors.iter().map(|a| (&a.slug, map.locate())),
        problems,
    );
    let debates = defined(
        "debate",
        m.debates.iter().map(|d| (&d.slug, map.locate())),
        problems,
    );
    let tensions = defined(
        "tension",
        m.tensions.iter().map(|t| (&t.slug, map.locate())),
        problems,
    );
    let proposals = defined(
        "proposal",
        m.proposals.iter().map(|p| (&p.slug, map.locate())),
        problems,
    );
    let claims = defined(
        "claim",
        claim_files
            .iter()
            .flat_map(|file| file.value.claims.iter().map(|c| (&c.slug, file.locate()))),
        problems,
    );

    let need = |set: &HashSet<String>,
                kind: &str,
                at: &Located,
                problem: &dyn Fn(&Located, String) -> Problem,
                problems: &mut Vec<Problem>| {
        if !set.contains(at.get_ref()) {
            problems.push(problem(
                at,
                format!("no {kind} has the slug {:?}", at.get_ref()),
            ));
        }
    };
    for actor in &m.actors {
        if !["person", "organisation", "office"].contains(&actor.kind.get_ref().as_str()) {
            problems.push(map.problem(
                &actor.kind,
                format!(
                    "actor kind {:?} must be person, organisation or office",
                    actor.kind.get_ref()
                ),
            ));
        }
    }
    for debate in &m.debates {
        if let (Some(started), Some(ended)) = (&debate.started, &debate.ended) {
            if to_date(ended.get_ref()) < to_date(started.get_ref()) {
                problems.push(map.problem(ended, "a debate cannot end before it starts"));
            }
        }
    }
    for tension in &m.tensions {
        if tension.pole_a.trim() == tension.pole_b.trim() {
            problems.push(map.problem(&tension.slug, "a tension's two poles must differ"));
        }
    }
    for proposal in &m.proposals {
        need(&debates, "debate", &proposal.debate, &in_map, problems);
    }
    for raise in &m.raises {
        need(&proposals, "proposal", &raise.proposal, &in_map, problems);
        need(&tensions, "tension", &raise.tension, &in_map, problems);
        if !["a", "b", "balanced"].contains(&raise.leaning.get_ref().as_str()) {
            problems.push(map.problem(
                &raise.leaning,
                "leaning must be \"a\", \"b\" or \"balanced\"",
            ));
        }
        for evidence in &raise.shown_by {
            need(&claims, "claim", &evidence.claim, &in_map, problems);
            if !["a", "b"].contains(&evidence.pole.get_ref().as_str()) {
                problems.push(map.problem(&evidence.pole, "pole must be \"a\" or \"b\""));
            }
        }
    }
    let mut source_slugs = HashSet::new();
    for file in claim_files {
        let in_file = |at: &Located, message: String| file.problem(at, message);
        let source = &file.value.source;
        if !is_slug(source.slug.get_ref()) || !source_slugs.insert(source.slug.get_ref().clone()) {
            problems.push(file.problem(
                &source.slug,
                format!(
                    "source slug {:?} is malformed or used twice",
                    source.slug.get_ref()
                ),
            ));
        }
        if let Some(kind) = &source.kind {
            if kind.get_ref().parse::<SourceKind>().is_err() {
                problems.push(file.problem(kind, "kind must be thread, article or blog"));
            }
        }
        if let Some(author) = &source.author {
            need(&actors, "actor", author, &in_file, problems);
        }
        for debate in &source.debates {
            need(&debates, "debate", debate, &in_file, problems);
        }
        for claim in &file.value.claims {
            check_claim(claim, &in_file, &actors, &claims, &proposals, problems);
        }
    }
}

fn check_claim(
    claim: &ClaimDef,
    problem: &dyn Fn(&Located, String) -> Problem,
    actors: &HashSet<String>,
    claims: &HashSet<String>,
    proposals: &HashSet<String>,
    problems: &mut Vec<Problem>,
) {
    let length = claim.text.get_ref().trim().chars().count();
    if !(10..=400).contains(&length) {
        problems.push(problem(
            &claim.text,
            format!("a claim's text must be 10 to 400 characters, not {length}"),
        ));
    }
    if claim.quotes.is_empty() {
        problems.push(problem(
            &claim.slug,
            "a claim needs at least one quote".into(),
        ));
    }
    if let Some(by) = &claim.by {
        if !actors.contains(by.get_ref()) {
            problems.push(problem(
                by,
                format!("no actor has the slug {:?}", by.get_ref()),
            ));
        }
    }
    for tag in &claim.tags {
        if !is_slug(tag.get_ref()) {
            problems.push(problem(
                tag,
                format!("tag {:?} must be a slug", tag.get_ref()),
            ));
        }
    }
    for target in claim
        .supports
        .iter()
        .chain(&claim.attacks)
        .chain(&claim.undercuts)
    {
        match target.get_ref().strip_prefix("proposal:") {
            Some(slug) if !proposals.contains(slug) => {
                problems.push(problem(
                    target,
                    format!("no proposal has the slug {slug:?}"),
                ));
            }
            Some(_) => {}
            None if !claims.contains(target.get_ref()) => {
                problems.push(problem(
                    target,
                    format!("no claim has the slug {:?}", target.get_ref()),
                ));
            }
            None if target.get_ref() == claim.slug.get_ref() => {
                problems.push(problem(target, "a claim cannot relate to itself".into()));
            }
            None => {}
        }
    }
}

/// Writes objects, recording a revision for each that it creates or changes.
struct Writer<'a> {
    conn: &'a mut PgConnection,
    summary: &'a mut LoadSummary,
}

/// What an upsert returned: nothing when the stored row already matched.
struct Upserted {
    id: i64,
    inserted: bool,
    before: Option<Value>,
    after: Option<Value>,
}

impl Writer<'_> {
    /// Records the revision of an upsert and returns the object's id (looking it up when
    /// the upsert changed nothing).
    async fn settle(
        &mut self,
        kind: &str,
        upserted: Option<Upserted>,
        slug: &str,
    ) -> Result<i64, sqlx::Error> {
        let Some(row) = upserted else {
            return self.existing_id(kind, slug).await;
        };
        let action = if row.inserted { "create" } else { "edit" };
        if row.inserted {
            self.summary.objects_created += 1;
        } else {
            self.summary.objects_changed += 1;
        }
        revisions::record(
            self.conn,
            kind,
            row.id,
            action,
            None,
            if row.inserted { None } else { row.before },
            row.after,
        )
        .await?;
        Ok(row.id)
    }

    async fn existing_id(&mut self, kind: &str, slug: &str) -> Result<i64, sqlx::Error> {
        let id = match kind {
            "actor" => {
                sqlx::query_scalar!("select id from actors where slug = $1::text", slug)
                    .fetch_one(&mut *self.conn)
                    .await?
            }
            "debate" => {
                sqlx::query_scalar!("select id from debates where slug = $1::text", slug)
                    .fetch_one(&mut *self.conn)
                    .await?
            }
            "tension" => {
                sqlx::query_scalar!("select id from tensions where slug = $1::text", slug)
                    .fetch_one(&mut *self.conn)
                    .await?
            }
            "proposal" => {
                sqlx::query_scalar!("select id from proposals where slug = $1::text", slug)
                    .fetch_one(&mut *self.conn)
                    .await?
            }
            _ => {
                sqlx::query_scalar!("select id from claims where slug = $1::text", slug)
                    .fetch_one(&mut *self.conn)
                    .await?
            }
        };
        Ok(id)
    }

    async fn actors(&mut self, map: &MapFile) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut ids = HashMap::new();
        for actor in &map.actors {
            let slug = actor.slug.get_ref();
            let row = sqlx::query_as!(
                Upserted,
                r#"with old as (select to_jsonb(a) as row from actors a where slug = $1::text)
                   insert into actors (slug, name, kind, handle, about) values ($1::text, $2, $3, $4, $5)
                   on conflict (slug) do update
                       set name = excluded.name, kind = excluded.kind, handle = excluded.handle,
                           about = excluded.about, version = actors.version + 1
                       where (actors.name, actors.kind, actors.handle, actors.about)
                             is distinct from (excluded.name, excluded.kind, excluded.handle, excluded.about)
                   returning id, (xmax = 0) as "inserted!", (select row from old) as before, to_jsonb(actors) as after"#,
                slug,
                actor.name,
                actor.kind.get_ref(),
                actor.handle,
                actor.about,
            )
            .fetch_optional(&mut *self.conn)
            .await?;
            ids.insert(slug.clone(), self.settle("actor", row, slug).await?);
        }
        Ok(ids)
    }

    async fn debates(&mut self, map: &MapFile) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut ids = HashMap::new();
        for debate in &map.debates {
            let slug = debate.slug.get_ref();
            let started = debate.started.as_ref().and_then(|d| to_date(d.get_ref()));
            let ended = debate.ended.as_ref().and_then(|d| to_date(d.get_ref()));
            let row = sqlx::query_as!(
                Upserted,
                r#"with old as (select to_jsonb(d) - 'search' as row from debates d where slug = $1::text)
                   insert into debates (slug, title, summary, started_on, ended_on) values ($1::text, $2, $3, $4, $5)
                   on conflict (slug) do update
                       set title = excluded.title, summary = excluded.summary, started_on = excluded.started_on,
                           ended_on = excluded.ended_on, version = debates.version + 1
                       where (debates.title, debates.summary, debates.started_on, debates.ended_on)
                             is distinct from (excluded.title, excluded.summary, excluded.started_on, excluded.ended_on)
                   returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                             to_jsonb(debates) - 'search' as after"#,
                slug,
                debate.title,
                debate.summary,
                started,
                ended,
            )
            .fetch_optional(&mut *self.conn)
            .await?;
            ids.insert(slug.clone(), self.settle("debate", row, slug).await?);
        }
        Ok(ids)
    }

    async fn tensions(&mut self, map: &MapFile) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut ids = HashMap::new();
        for tension in &map.tensions {
            let slug = tension.slug.get_ref();
            let row = sqlx::query_as!(
                Upserted,
                r#"with old as (select to_jsonb(t) - 'search' as row from tensions t where slug = $1::text)
                   insert into tensions (slug, title, pole_a, pole_b, description) values ($1::text, $2, $3, $4, $5)
                   on conflict (slug) do update
                       set title = excluded.title, pole_a = excluded.pole_a, pole_b = excluded.pole_b,
                           description = excluded.description, version = tensions.version + 1
                       where (tensions.title, tensions.pole_a, tensions.pole_b, tensions.description)
                             is distinct from (excluded.title, excluded.pole_a, excluded.pole_b, excluded.description)
                   returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                             to_jsonb(tensions) - 'search' as after"#,
                slug,
                tension.title,
                tension.pole_a,
                tension.pole_b,
                tension.description,
            )
            .fetch_optional(&mut *self.conn)
            .await?;
            ids.insert(slug.clone(), self.settle("tension", row, slug).await?);
        }
        Ok(ids)
    }

    async fn proposals(
        &mut self,
        map: &MapFile,
        debates: &HashMap<String, i64>,
    ) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut ids = HashMap::new();
        for proposal in &map.proposals {
            let slug = proposal.slug.get_ref();
            let row = sqlx::query_as!(
                Upserted,
                r#"with old as (select to_jsonb(p) - 'search' as row from proposals p where slug = $1::text)
                   insert into proposals (slug, debate_id, title, summary) values ($1::text, $2, $3, $4)
                   on conflict (slug) do update
                       set debate_id = excluded.debate_id, title = excluded.title, summary = excluded.summary,
                           version = proposals.version + 1
                       where (proposals.debate_id, proposals.title, proposals.summary)
                             is distinct from (excluded.debate_id, excluded.title, excluded.summary)
                   returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                             to_jsonb(proposals) - 'search' as after"#,
                slug,
                debates[proposal.debate.get_ref()],
                proposal.title,
                proposal.summary,
            )
            .fetch_optional(&mut *self.conn)
            .await?;
            ids.insert(slug.clone(), self.settle("proposal", row, slug).await?);
        }
        Ok(ids)
    }

    async fn claim(&mut self, claim: &ClaimDef, actor_id: Option<i64>) -> Result<i64, sqlx::Error> {
        let slug = claim.slug.get_ref();
        let row = sqlx::query_as!(
            Upserted,
            r#"with old as (select to_jsonb(c) - 'search' as row from claims c where slug = $1::text)
               insert into claims (slug, body, actor_id) values ($1::text, $2, $3)
               on conflict (slug) do update
                   set body = excluded.body, actor_id = excluded.actor_id, version = claims.version + 1
                   where (claims.body, claims.actor_id) is distinct from (excluded.body, excluded.actor_id)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                         to_jsonb(claims) - 'search' as after"#,
            slug,
            claim.text.get_ref().trim(),
            actor_id,
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        self.settle("claim", row, slug).await
    }

    /// Links a source to its author and debates.
    async fn source_links(
        &mut self,
        source_id: i64,
        author_id: Option<i64>,
        debate_slugs: &[Located],
        debates: &HashMap<String, i64>,
    ) -> Result<(), sqlx::Error> {
        let changed = sqlx::query!(
            "update sources set author_id = $2, version = version + 1 where id = $1 and author_id is distinct from $2",
            source_id,
            author_id
        )
        .execute(&mut *self.conn)
        .await?
        .rows_affected();
        if changed > 0 {
            self.summary.objects_changed += 1;
            revisions::record(
                self.conn,
                "source",
                source_id,
                "edit",
                None,
                None,
                Some(json!({ "author_id": author_id })),
            )
            .await?;
        }
        for slug in debate_slugs {
            let debate_id = debates[slug.get_ref()];
            let added = sqlx::query!(
                "insert into debate_sources (debate_id, source_id) values ($1, $2) on conflict do nothing",
                debate_id,
                source_id
            )
            .execute(&mut *self.conn)
            .await?
            .rows_affected();
            if added > 0 {
                self.summary.links_added += 1;
                revisions::record(
                    self.conn,
                    "source",
                    source_id,
                    "link",
                    None,
                    None,
                    Some(json!({ "debate": slug.get_ref() })),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn quote(
        &mut self,
        claim_id: i64,
        segment_id: i64,
        body: &str,
        start: usize,
        end: usize,
    ) -> Result<(), sqlx::Error> {
        let text: String = body.chars().skip(start).take(end - start).collect();
        let inserted = sqlx::query_scalar!(
            "insert into quotes (claim_id, segment_id, start_char, end_char, body) values ($1, $2, $3, $4, $5)
             on conflict do nothing returning id",
            claim_id,
            segment_id,
            start as i32,
            end as i32,
            text,
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        if let Some(id) = inserted {
            self.summary.links_added += 1;
            let after = json!({ "claim_id": claim_id, "segment_id": segment_id, "start": start, "end": end, "body": text });
            revisions::record(self.conn, "quote", id, "create", None, None, Some(after)).await?;
        }
        Ok(())
    }

    async fn tags(&mut self, claim_id: i64, tags: &[Located]) -> Result<(), sqlx::Error> {
        for tag in tags {
            let added = sqlx::query!(
                "with tag as (
                     insert into tags (slug) values ($2::text) on conflict (slug) do update set slug = excluded.slug returning id
                 )
                 insert into claim_tags (claim_id, tag_id) select $1, id from tag on conflict do nothing",
                claim_id,
                tag.get_ref(),
            )
            .execute(&mut *self.conn)
            .await?
            .rows_affected();
            if added > 0 {
                self.summary.links_added += 1;
                revisions::record(
                    self.conn,
                    "claim",
                    claim_id,
                    "link",
                    None,
                    None,
                    Some(json!({ "tag": tag.get_ref() })),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn relation(
        &mut self,
        kind: &str,
        from: i64,
        to_claim: Option<i64>,
        to_proposal: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        let inserted = match (to_claim, to_proposal) {
            (Some(to), _) => {
                sqlx::query_scalar!(
                    "insert into relations (kind, from_claim_id, to_claim_id) values ($1, $2, $3)
                     on conflict (from_claim_id, kind, to_claim_id) where to_claim_id is not null do nothing
                     returning id",
                    kind,
                    from,
                    to
                )
                .fetch_optional(&mut *self.conn)
                .await?
            }
            (None, to) => {
                sqlx::query_scalar!(
                    "insert into relations (kind, from_claim_id, to_proposal_id) values ($1, $2, $3)
                     on conflict (from_claim_id, kind, to_proposal_id) where to_proposal_id is not null do nothing
                     returning id",
                    kind,
                    from,
                    to
                )
                .fetch_optional(&mut *self.conn)
                .await?
            }
        };
        if let Some(id) = inserted {
            self.summary.links_added += 1;
            let after = json!({ "kind": kind, "from_claim_id": from, "to_claim_id": to_claim, "to_proposal_id": to_proposal });
            revisions::record(self.conn, "relation", id, "create", None, None, Some(after)).await?;
        }
        Ok(())
    }

    async fn raise(
        &mut self,
        proposal_id: i64,
        tension_id: i64,
        leaning: &str,
        note: &str,
    ) -> Result<i64, sqlx::Error> {
        let row = sqlx::query_as!(
            Upserted,
            r#"with old as (select to_jsonb(pt) as row from proposal_tensions pt where proposal_id = $1 and tension_id = $2)
               insert into proposal_tensions (proposal_id, tension_id, leaning, note) values ($1, $2, $3, $4)
               on conflict (proposal_id, tension_id) do update
                   set leaning = excluded.leaning, note = excluded.note, removed_at = null,
                       version = proposal_tensions.version + 1
                   where (proposal_tensions.leaning, proposal_tensions.note, proposal_tensions.removed_at)
                         is distinct from (excluded.leaning, excluded.note, null)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before, to_jsonb(proposal_tensions) as after"#,
            proposal_id,
            tension_id,
            leaning,
            note,
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        match row {
            Some(row) => {
                let id = row.id;
                let action = if row.inserted { "create" } else { "edit" };
                if row.inserted {
                    self.summary.objects_created += 1;
                } else {
                    self.summary.objects_changed += 1;
                }
                revisions::record(
                    self.conn,
                    "proposal_tension",
                    id,
                    action,
                    None,
                    row.before.filter(|_| !row.inserted),
                    row.after,
                )
                .await?;
                Ok(id)
            }
            None => {
                sqlx::query_scalar!(
                    "select id from proposal_tensions where proposal_id = $1 and tension_id = $2",
                    proposal_id,
                    tension_id
                )
                .fetch_one(&mut *self.conn)
                .await
            }
        }
    }

    async fn evidence(
        &mut self,
        proposal_tension_id: i64,
        claim_id: i64,
        pole: &str,
    ) -> Result<(), sqlx::Error> {
        let changed = sqlx::query!(
            "insert into tension_evidence (proposal_tension_id, claim_id, pole) values ($1, $2, $3)
             on conflict (proposal_tension_id, claim_id) do update set pole = excluded.pole, removed_at = null
                 where (tension_evidence.pole, tension_evidence.removed_at) is distinct from (excluded.pole, null)",
            proposal_tension_id,
            claim_id,
            pole,
        )
        .execute(&mut *self.conn)
        .await?
        .rows_affected();
        if changed > 0 {
            self.summary.links_added += 1;
            let after = json!({ "claim_id": claim_id, "pole": pole });
            revisions::record(
                self.conn,
                "proposal_tension",
                proposal_tension_id,
                "link",
                None,
                None,
                Some(after),
            )
            .await?;
        }
        Ok(())
    }
}
