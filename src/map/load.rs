//! Loading a map folder: parse every file, import its sources, check every reference and
//! quote, then write it all in the caller's transaction. Nothing is written unless
//! everything checks out; every problem found is reported with its file and line.
//! Loading the same map twice changes nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use sqlx::PgConnection;
use toml::Spanned;

use super::document;
use super::format::{
    ActorDef, ClaimDef, ClaimsFile, DebateDef, Located, MapFile, ProposalDef, TensionDef, to_date,
};
use super::quotes::locate;
use super::store::{DefinitionIds, LoadSummary, Store, To};
use crate::domain::RelationKind;
use crate::slug::is_slug;
use crate::sources::{ImportError, SourceInput, import_source};

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
    #[error("cannot load the map: {}", crate::sources::import::describe_db_error(.0))]
    Database(#[from] sqlx::Error),
}

/// A parsed file and the text it came from (for turning spans into lines).
struct LoadedFile<T> {
    path: PathBuf,
    text: String,
    value: T,
}

impl<T> LoadedFile<T> {
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

/// The largest map file read (the shipped map's largest is a few tens of KB).
const MAX_MAP_FILE_BYTES: usize = 16 * 1024 * 1024;

fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<LoadedFile<T>> {
    // Bounded, and never a pipe or device (which would hang or never end).
    let text = match crate::files::read_bounded(path, MAX_MAP_FILE_BYTES)
        .map_err(|err| err.to_string())
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| "cannot read it: not UTF-8 text".to_owned())
        }) {
        Ok(text) => text,
        Err(message) => {
            problems.push(Problem {
                file: path.to_owned(),
                line: 0,
                message,
            });
            return None;
        }
    };
    match toml::from_str::<T>(&text) {
        Ok(value) => Some(LoadedFile {
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

/// Loads the map in `dir` (its `map.toml` and `claims/*.toml`). Nothing is written unless
/// the whole map checks out; the caller's transaction holds whatever is.
pub async fn load_map(conn: &mut PgConnection, dir: &Path) -> Result<LoadSummary, LoadError> {
    let (map, claim_files, outside) = read_map(dir)?;
    // Claims the map names but does not define must be in the instance already.
    let existing = existing_claims(conn, &outside).await?;
    let mut summary = LoadSummary::default();
    let mut store = Store {
        conn,
        summary: &mut summary,
    };
    let m = &map.value;
    let actors: Vec<document::Actor> = m.actors.iter().map(ActorDef::to_document).collect();
    let debates: Vec<document::Debate> = m.debates.iter().map(DebateDef::to_document).collect();
    let tensions: Vec<document::Tension> = m.tensions.iter().map(TensionDef::to_document).collect();
    let proposals: Vec<document::Proposal> =
        m.proposals.iter().map(ProposalDef::to_document).collect();
    // Every proposal's debate is in the map: check_references said so.
    let (ids, _) = store
        .definitions(&actors, &debates, &tensions, &proposals)
        .await?;

    // Sources first: quotes are checked against their segments.
    let mut claims = existing;
    let mut pending_quotes = Vec::new();
    let mut problems = Vec::new();
    for file in &claim_files {
        let found = claims_of_source(&mut store, dir, &map, file, &ids, &mut problems).await?;
        for (slug, id, quotes) in found {
            claims.insert(slug, id);
            pending_quotes.extend(quotes);
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid { problems });
    }
    // Unmarked quotes first, so that moving a claim's primary mark never finds two.
    pending_quotes.sort_by_key(|quote| quote.primary);
    for quote in pending_quotes {
        store
            .quote(
                quote.claim,
                quote.segment,
                &quote.body,
                quote.span.0,
                quote.span.1,
                quote.primary,
            )
            .await?;
    }
    let mut relations = HashMap::new();
    for claim in claim_files.iter().flat_map(|f| &f.value.claims) {
        link_claim(&mut store, claim, &claims, &ids.proposals, &mut relations).await?;
    }
    link_undercuts(&mut store, &claim_files, &claims, &mut relations).await?;
    for raise in &m.raises {
        let link = store
            .raise(
                ids.proposals[raise.proposal.get_ref()],
                ids.tensions[raise.tension.get_ref()],
                *raise.leaning.get_ref(),
                &raise.note,
            )
            .await?;
        for evidence in &raise.shown_by {
            store
                .evidence(
                    link,
                    claims[evidence.claim.get_ref()],
                    *evidence.pole.get_ref(),
                )
                .await?;
        }
    }
    Ok(summary)
}

/// Reads and checks the map's files; every problem found, located, if any.
/// What a map read from its folder is: its `map.toml`, its claims files, and the claims
/// it names that it does not define (claims already in the instance, by slug).
type ReadMap = (
    LoadedFile<MapFile>,
    Vec<LoadedFile<ClaimsFile>>,
    Vec<Outside>,
);

fn read_map(dir: &Path) -> Result<ReadMap, LoadError> {
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
    let claim_files: Vec<LoadedFile<ClaimsFile>> = claim_paths
        .iter()
        .filter_map(|p| read_toml(p, &mut problems))
        .collect();
    let Some(map) = map else {
        return Err(LoadError::Invalid { problems });
    };
    let outside = check_references(&map, &claim_files, &mut problems);
    if problems.is_empty() {
        Ok((map, claim_files, outside))
    } else {
        Err(LoadError::Invalid { problems })
    }
}

/// A quote found in its source, written once every quote of the map is found.
struct PendingQuote {
    claim: i64,
    segment: i64,
    body: String,
    span: (usize, usize),
    /// Marked as the quote that carries the claim.
    primary: bool,
}

/// Imports the source of one claims file and writes its claims; returns each claim's slug,
/// id and located quotes. A source that cannot be read or a quote not found (or found
/// twice) is a problem of the file.
async fn claims_of_source(
    store: &mut Store<'_>,
    dir: &Path,
    map: &LoadedFile<MapFile>,
    file: &LoadedFile<ClaimsFile>,
    ids: &DefinitionIds,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(String, i64, Vec<PendingQuote>)>, LoadError> {
    let source = &file.value.source;
    let source_path = dir.join(source.file.get_ref());
    if let Err(message) = inside(dir, &source_path) {
        problems.push(file.problem(&source.file, message));
        return Ok(Vec::new());
    }
    let text = match crate::sources::read_file(&source_path) {
        Ok(text) => text,
        Err(err) => {
            problems.push(file.problem(&source.file, err.to_string()));
            return Ok(Vec::new());
        }
    };
    let author = source
        .author
        .as_ref()
        .and_then(|a| ids.actors.get(a.get_ref()).copied());
    let input = SourceInput {
        origin: source_path.display().to_string(),
        text,
        kind: source.kind.as_ref().map(|k| *k.get_ref()),
        slug: Some(source.slug.get_ref().clone()),
        title: source.title.clone(),
        author: source
            .author
            .as_ref()
            .and_then(|a| actor_name(&map.value, a.get_ref())),
        outlet: source.outlet.clone(),
        url: source.url.as_ref().map(|u| u.get_ref().clone()),
        published: source.published.as_ref().and_then(|d| to_date(d.get_ref())),
        debate: None,
    };
    let outcome = import_source(store.conn, &input).await?;
    if outcome.changed {
        store.summary.sources_imported += 1;
    }
    let debates: Vec<(i64, &str)> = source
        .debates
        .iter()
        .map(|d| (ids.debates[d.get_ref()], d.get_ref().as_str()))
        .collect();
    store
        .source_links(outcome.source_id, author, &debates)
        .await?;
    let segments = sqlx::query!(
        "select g.id, g.body from segments g
             join current_source_versions v on v.id = g.source_version_id
             where v.source_id = $1
             order by g.position",
        outcome.source_id
    )
    .fetch_all(&mut *store.conn)
    .await?;

    let mut written = Vec::new();
    for claim in &file.value.claims {
        let actor = claim
            .by
            .as_ref()
            .and_then(|by| ids.actors.get(by.get_ref()).copied())
            .or(author);
        let id = store
            .claim(claim.slug.get_ref(), claim.text.get_ref().as_str(), actor)
            .await?;
        let mut quotes = Vec::new();
        for quote in &claim.quotes {
            let mut found = segments.iter().flat_map(|segment| {
                locate(quote.get_ref().text(), &segment.body)
                    .into_iter()
                    .map(move |span| (segment, span))
            });
            let (slug, words) = (source.slug.get_ref(), quote.get_ref().text());
            let message = match (found.next(), found.next()) {
                (Some((segment, span)), None) => {
                    quotes.push(PendingQuote {
                        claim: id,
                        segment: segment.id,
                        body: segment.body.clone(),
                        span,
                        primary: quote.get_ref().primary(),
                    });
                    continue;
                }
                (None, _) => format!("quote not found in source {slug:?}: {words:?}"),
                (Some(_), Some(_)) => format!(
                    "quote occurs more than once in source {slug:?}; quote more of it: {words:?}"
                ),
            };
            problems.push(file.problem(quote, message));
        }
        written.push((claim.slug.get_ref().clone(), id, quotes));
    }
    Ok(written)
}

/// Writes a claim's tags and its relations to claims and proposals, noting each
/// relation's id under the name an undercut gives it.
async fn link_claim(
    store: &mut Store<'_>,
    claim: &ClaimDef,
    claims: &HashMap<String, i64>,
    proposals: &HashMap<String, i64>,
    relations: &mut HashMap<document::Inference, i64>,
) -> Result<(), sqlx::Error> {
    let from = claims[claim.slug.get_ref()];
    let tags: Vec<&str> = claim.tags.iter().map(|t| t.get_ref().as_str()).collect();
    store.tags(from, &tags).await?;
    for (kind, targets) in [
        (RelationKind::Supports, &claim.supports),
        (RelationKind::Attacks, &claim.attacks),
    ] {
        for target in targets {
            let to = match target.get_ref().strip_prefix("proposal:") {
                Some(slug) => To::Proposal(proposals[slug]),
                None => To::Claim(claims[target.get_ref()]),
            };
            let id = store.relation(kind, from, to).await?;
            let key = document::Inference {
                kind,
                from: claim.slug.get_ref().clone(),
                to: document::RelationTarget::Node(target.get_ref().clone()),
            };
            relations.insert(key, id);
        }
    }
    Ok(())
}

/// Writes the undercuts, after every support and attack and shallowest first, so that
/// each names a relation already written (check_references made sure the map makes it).
async fn link_undercuts(
    store: &mut Store<'_>,
    claim_files: &[LoadedFile<ClaimsFile>],
    claims: &HashMap<String, i64>,
    relations: &mut HashMap<document::Inference, i64>,
) -> Result<(), sqlx::Error> {
    let mut undercuts: Vec<document::Inference> = claim_files
        .iter()
        .flat_map(|file| &file.value.claims)
        .flat_map(|claim| {
            claim.undercuts.iter().filter_map(|u| {
                Some(document::Inference {
                    kind: RelationKind::Undercuts,
                    from: claim.slug.get_ref().clone(),
                    to: document::RelationTarget::Inference(Box::new(u.get_ref().key().ok()?)),
                })
            })
        })
        .collect();
    undercuts.sort_by_key(|key| key.to.depth());
    for key in undercuts {
        let Some(target) = key.to.inference().and_then(|of| relations.get(of)) else {
            continue;
        };
        let id = store
            .relation(key.kind, claims[&key.from], To::Relation(*target))
            .await?;
        relations.insert(key, id);
    }
    Ok(())
}

fn actor_name(map: &MapFile, slug: &str) -> Option<String> {
    map.actors
        .iter()
        .find(|a| a.slug.get_ref() == slug)
        .map(|a| a.name.clone())
}

/// Checks slugs, enumerations, lengths and that every reference names something defined.
fn check_references(
    map: &LoadedFile<MapFile>,
    claim_files: &[LoadedFile<ClaimsFile>],
    problems: &mut Vec<Problem>,
) -> Vec<Outside> {
    let mut outside = Vec::new();
    let m = &map.value;
    let in_map = |at: &Located, message: String| map.problem(at, message);
    // Each kind's slugs, all in the map file.
    let mut in_map_file = |kind: &str, slugs: Vec<&Located>| {
        let slugs = slugs.into_iter().map(|slug| (slug, map.locate()));
        defined(kind, slugs, problems)
    };
    let actors = in_map_file("actor", m.actors.iter().map(|a| &a.slug).collect());
    let debates = in_map_file("debate", m.debates.iter().map(|d| &d.slug).collect());
    let tensions = in_map_file("tension", m.tensions.iter().map(|t| &t.slug).collect());
    let proposals = in_map_file("proposal", m.proposals.iter().map(|p| &p.slug).collect());
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
        for evidence in &raise.shown_by {
            if !claims.contains(evidence.claim.get_ref()) {
                outside.push(Outside::at(&evidence.claim, map.locate(), problems));
            }
        }
    }
    let relations = declared_relations(claim_files);
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
        if let Some(author) = &source.author {
            need(&actors, "actor", author, &in_file, problems);
        }
        for debate in &source.debates {
            need(&debates, "debate", debate, &in_file, problems);
        }
        for claim in &file.value.claims {
            check_claim(claim, &in_file, &actors, &proposals, problems);
            check_undercuts(claim, &in_file, &claims, &relations, problems);
            for target in
                claim.supports.iter().chain(&claim.attacks).filter(|t| {
                    !t.get_ref().starts_with("proposal:") && !claims.contains(t.get_ref())
                })
            {
                outside.push(Outside::at(target, file.locate(), problems));
            }
        }
    }
    outside
}

/// A claim the map names (as a relation's target, or a tension's evidence) without
/// defining it: one already in the instance, found by slug when the map is loaded.
struct Outside {
    slug: String,
    /// Where it is named, for the problem if no claim here has that slug.
    at: Problem,
}

impl Outside {
    /// The claim named at `at` in `file`; a malformed slug is a problem at once.
    fn at(at: &Located, file: FileText<'_>, problems: &mut Vec<Problem>) -> Outside {
        let slug = at.get_ref().clone();
        if !is_slug(&slug) {
            problems.push(file.problem(
                at,
                format!(
                    "no claim has the slug {slug:?} (a slug is lowercase words joined by hyphens)"
                ),
            ));
        }
        Outside {
            at: file.problem(
                at,
                format!("no claim has the slug {slug:?}, in the map or already loaded"),
            ),
            slug,
        }
    }
}

/// The ids of the claims `outside` names, found in the instance (a merged claim is its
/// survivor); every one not found is a problem where it is named.
async fn existing_claims(
    conn: &mut PgConnection,
    outside: &[Outside],
) -> Result<HashMap<String, i64>, LoadError> {
    if outside.is_empty() {
        return Ok(HashMap::new());
    }
    let slugs: Vec<String> = outside.iter().map(|o| o.slug.clone()).collect();
    let found: HashMap<String, i64> = sqlx::query!(
        r#"select slug as "slug!: String", coalesce(merged_into_id, id) as "id!"
           from claims where slug::text = any($1)"#,
        &slugs
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| (row.slug, row.id))
    .collect();
    let problems: Vec<Problem> = outside
        .iter()
        .filter(|o| !found.contains_key(&o.slug))
        .map(|o| o.at.clone())
        .collect();
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(LoadError::Invalid { problems })
    }
}

fn check_claim(
    claim: &ClaimDef,
    problem: &dyn Fn(&Located, String) -> Problem,
    actors: &HashSet<String>,
    proposals: &HashSet<String>,
    problems: &mut Vec<Problem>,
) {
    if claim.quotes.is_empty() {
        problems.push(problem(
            &claim.slug,
            "a claim needs at least one quote".into(),
        ));
    }
    let primaries = claim
        .quotes
        .iter()
        .filter(|q| q.get_ref().primary())
        .count();
    if primaries > 1 {
        problems.push(problem(
            &claim.slug,
            format!("{primaries} quotes are marked primary: mark at most one"),
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
    for target in claim.supports.iter().chain(&claim.attacks) {
        match target.get_ref().strip_prefix("proposal:") {
            Some(slug) if !proposals.contains(slug) => {
                problems.push(problem(
                    target,
                    format!("no proposal has the slug {slug:?}"),
                ));
            }
            Some(_) => {}
            // A claim the map does not define is looked for in the instance (`Outside`).
            None if target.get_ref() == claim.slug.get_ref() => {
                problems.push(problem(target, "a claim cannot relate to itself".into()));
            }
            None => {}
        }
    }
}

/// Checks a claim's undercuts: each names, with exactly one of supports, attacks or
/// undercuts, a relation a claims file of the map makes, and not one of its own.
fn check_undercuts(
    claim: &ClaimDef,
    problem: &impl Fn(&Located, String) -> Problem,
    claims: &HashSet<String>,
    relations: &HashSet<document::Inference>,
    problems: &mut Vec<Problem>,
) {
    for undercut in &claim.undercuts {
        let at = &undercut.get_ref().from;
        let key = match undercut.get_ref().key() {
            Ok(key) => key,
            Err(message) => {
                problems.push(problem(at, message));
                continue;
            }
        };
        let message = if key.from == *claim.slug.get_ref() {
            "a claim cannot undercut its own inference".to_owned()
        } else if relations.contains(&key) {
            continue;
        } else if !claims.contains(&key.from) {
            format!("no claim in the map has the slug {:?}", key.from)
        } else {
            format!(
                "no such inference in the map to undercut: {key} (an undercut names a relation a claims file makes)"
            )
        };
        problems.push(problem(at, message));
    }
}

/// Every relation the claims files make, as the map names them (undercuts included, so
/// an undercut can name another).
fn declared_relations(claim_files: &[LoadedFile<ClaimsFile>]) -> HashSet<document::Inference> {
    let mut relations = HashSet::new();
    for claim in claim_files.iter().flat_map(|f| &f.value.claims) {
        let from = claim.slug.get_ref();
        for (kind, targets) in [
            (RelationKind::Supports, &claim.supports),
            (RelationKind::Attacks, &claim.attacks),
        ] {
            for to in targets {
                relations.insert(document::Inference {
                    kind,
                    from: from.clone(),
                    to: document::RelationTarget::Node(to.get_ref().clone()),
                });
            }
        }
        for undercut in &claim.undercuts {
            if let Ok(of) = undercut.get_ref().key() {
                relations.insert(document::Inference {
                    kind: RelationKind::Undercuts,
                    from: from.clone(),
                    to: document::RelationTarget::Inference(Box::new(of)),
                });
            }
        }
    }
    relations
}

/// Refuses a source file outside the map folder (`../../etc/hostname`, an absolute path,
/// or a symbolic link leading out): a map is a folder, and loading it reads only that.
fn inside(dir: &Path, path: &Path) -> Result<(), String> {
    use std::path::Component;
    let named = path.strip_prefix(dir).unwrap_or(path);
    if named
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "{}: a source file must be a path inside the map folder",
            named.display()
        ));
    }
    if let (Ok(dir), Ok(real)) = (dir.canonicalize(), path.canonicalize()) {
        if !real.starts_with(&dir) {
            return Err(format!(
                "{}: leads outside the map folder (to {})",
                named.display(),
                real.display()
            ));
        }
    }
    Ok(())
}
