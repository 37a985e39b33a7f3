//! `argmap generate --scale N [--seed S]`: a synthetic map N times the shipped one in
//! every kind of object, for measuring argmap at size.
//!
//! Each of the N units has the shipped map's counts (11 actors, 3 debates, 12 tensions,
//! 23 proposals, 49 raised tensions, 5 sources of about 5 KB, 86 claims quoting them
//! verbatim) with supports, attacks and undercuts in chains, two- and three-claim cycles
//! and links into the previous unit, plus accounts, annotations, tags and one revision per
//! object. The same seed makes the same map. Rows are built in memory, sent with COPY into
//! staging tables, and inserted from there, so every constraint and trigger of real data
//! (quote spans included) checks them; then the tables are analysed.

mod copy;
pub mod text;

use std::collections::HashSet;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use self::copy::CopyRows;
use crate::sources::{SourceKind, parse};

/// How many of each object one unit of scale holds: the shipped map's counts.
pub const ACTORS: usize = 11;
pub const DEBATES: usize = 3;
pub const TENSIONS: usize = 12;
pub const PROPOSALS: usize = 23;
pub const RAISES: usize = 49;
pub const SOURCES: usize = 5;
pub const CLAIMS: usize = 86;
pub const USERS: usize = 4;
pub const ANNOTATIONS: usize = 12;
/// Tags are shared by all units, as topics are.
const TAGS: &[&str] = &[
    "history",
    "reorganisation",
    "localism",
    "leadership",
    "scale",
    "funding",
    "workforce",
    "competition",
    "integration",
    "accountability",
    "targets",
    "prevention",
    "social-care",
    "primary-care",
    "regulation",
];

/// What `generate` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub scale: u32,
    pub seed: u64,
}

/// What `generate` added.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub actors: usize,
    pub debates: usize,
    pub tensions: usize,
    pub proposals: usize,
    pub raises: usize,
    pub sources: usize,
    pub segments: usize,
    pub claims: usize,
    pub quotes: usize,
    pub relations: usize,
    pub evidence: usize,
    pub users: usize,
    pub annotations: usize,
    pub revisions: usize,
    pub seconds: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated {} claims ({} quotes, {} relations), {} sources ({} segments), {} debates, \
             {} proposals, {} tensions ({} raised, {} evidence links), {} actors, {} accounts, \
             {} annotations and {} revisions in {:.1} s",
            self.claims,
            self.quotes,
            self.relations,
            self.sources,
            self.segments,
            self.debates,
            self.proposals,
            self.tensions,
            self.raises,
            self.evidence,
            self.actors,
            self.users,
            self.annotations,
            self.revisions,
            self.seconds
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("--scale must be between 1 and {max}, not {given}")]
    Scale { given: u32, max: u32 },
    #[error(
        "this database already holds the map generated with --seed {seed}: choose another seed"
    )]
    SeedUsed { seed: u64 },
    #[error("database error while generating: {0}")]
    Database(#[from] sqlx::Error),
}

pub const MAX_SCALE: u32 = 10_000;

struct Source {
    slug: String,
    kind: SourceKind,
    title: String,
    author: usize,
    outlet: String,
    published: time::Date,
    raw: String,
    segments: Vec<crate::sources::text::Segment>,
    debates: Vec<usize>,
}

struct Quote {
    claim: usize,
    source: usize,
    segment: usize,
    start: usize,
    end: usize,
    body: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Claim(usize),
    Proposal(usize),
}

/// The whole synthetic map, with objects referring to each other by index.
#[derive(Default)]
struct Plan {
    actors: Vec<(String, String, &'static str)>,
    debates: Vec<(String, String, String, time::Date, time::Date)>,
    tensions: Vec<(String, String, String, String, String)>,
    proposals: Vec<(String, usize, String, String)>,
    raises: Vec<(usize, usize, &'static str, String)>,
    sources: Vec<Source>,
    claims: Vec<(String, String, usize)>,
    quotes: Vec<Quote>,
    relations: Vec<(&'static str, usize, Target)>,
    evidence: Vec<(usize, usize, &'static str)>,
    claim_tags: Vec<(usize, usize)>,
    users: Vec<(String, String, &'static str)>,
    annotations: Vec<(usize, usize, String, Option<&'static str>)>,
}

fn date(rng: &mut impl Rng, from_year: i32, to_year: i32) -> time::Date {
    let year = rng.random_range(from_year..=to_year);
    let ordinal = rng.random_range(1..=365);
    time::Date::from_ordinal_date(year, ordinal).expect("1..=365 is a valid ordinal")
}

/// Builds the plan: pure, deterministic for `options`.
fn plan(options: Options) -> Plan {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let tag = format!("g{}", options.seed);
    let mut p = Plan::default();
    for unit in 0..options.scale as usize {
        let actor0 = p.actors.len();
        for k in 0..ACTORS {
            let (name, kind) = match k % 6 {
                0..=2 => (text::person(&mut rng), "person"),
                3 | 4 => (text::organisation(&mut rng), "organisation"),
                _ => (text::office(&mut rng), "office"),
            };
            p.actors
                .push((format!("{tag}-actor-{unit}-{k}"), name, kind));
        }
        let debate0 = p.debates.len();
        for k in 0..DEBATES {
            let started = date(&mut rng, 1990, 2020);
            let ended = started + time::Duration::days(rng.random_range(30..900));
            let summary = text::paragraph(&mut rng, 3).join(" ");
            p.debates.push((
                format!("{tag}-debate-{unit}-{k}"),
                format!("{} ({unit}.{k})", text::title(&mut rng)),
                summary,
                started,
                ended,
            ));
        }
        let tension0 = p.tensions.len();
        for k in 0..TENSIONS {
            let (a, b) = text::POLES[k % text::POLES.len()];
            p.tensions.push((
                format!("{tag}-tension-{unit}-{k}"),
                format!("{a} vs {b} ({unit}.{k})"),
                a.to_owned(),
                b.to_owned(),
                text::paragraph(&mut rng, 2).join(" "),
            ));
        }
        let proposal0 = p.proposals.len();
        for k in 0..PROPOSALS {
            p.proposals.push((
                format!("{tag}-proposal-{unit}-{k}"),
                debate0 + k % DEBATES,
                format!("{} ({unit}.{k})", text::title(&mut rng)),
                text::paragraph(&mut rng, 2).join(" "),
            ));
        }
        let raise0 = p.raises.len();
        let mut raised = HashSet::new();
        while p.raises.len() - raise0 < RAISES {
            let proposal = rng.random_range(0..PROPOSALS);
            let tension = rng.random_range(0..TENSIONS);
            if raised.insert((proposal, tension)) {
                let leaning = *["a", "b", "balanced"].choose(&mut rng).unwrap();
                p.raises.push((
                    proposal0 + proposal,
                    tension0 + tension,
                    leaning,
                    text::sentence(&mut rng),
                ));
            }
        }
        let source0 = p.sources.len();
        for k in 0..SOURCES {
            let kind = [SourceKind::Article, SourceKind::Blog][k % 2];
            let title = text::title(&mut rng);
            let mut raw = format!("{title}\n\n");
            let paragraphs = rng.random_range(8..=12);
            for _ in 0..paragraphs {
                let sentences = rng.random_range(3..=5);
                raw.push_str(&text::paragraph(&mut rng, sentences).join(" "));
                raw.push_str("\n\n");
            }
            let segments = parse(&raw, Some(kind)).segments;
            let first = rng.random_range(0..DEBATES);
            let mut debates = vec![debate0 + first];
            if rng.random_bool(0.3) {
                debates.push(debate0 + (first + 1) % DEBATES);
            }
            p.sources.push(Source {
                slug: format!("{tag}-source-{unit}-{k}"),
                kind,
                title: format!("{title} ({unit}.{k})"),
                author: actor0 + k % 3,
                outlet: text::outlet(&mut rng),
                published: date(&mut rng, 2000, 2024),
                raw,
                segments,
                debates,
            });
        }
        let claim0 = p.claims.len();
        let mut used_spans = HashSet::new();
        for k in 0..CLAIMS {
            let source = source0 + k % SOURCES;
            let (segment, start, end, body) = loop {
                let segments = &p.sources[source].segments;
                let segment = rng.random_range(0..segments.len());
                let sentences = sentence_spans(&segments[segment].body);
                let (start, end) = *sentences.choose(&mut rng).unwrap();
                if used_spans.insert((source, segment, start)) || used_spans.len() > 10_000 {
                    let body: String = segments[segment]
                        .body
                        .chars()
                        .skip(start)
                        .take(end - start)
                        .collect();
                    break (segment, start, end, body);
                }
            };
            let actor = if rng.random_bool(0.8) {
                p.sources[source].author
            } else {
                actor0 + rng.random_range(0..ACTORS)
            };
            let claim = p.claims.len();
            p.claims.push((
                format!("{tag}-claim-{unit}-{k}"),
                text::claim_from(&body, &mut rng),
                actor,
            ));
            p.quotes.push(Quote {
                claim,
                source,
                segment,
                start,
                end,
                body,
            });
            let tags = rng.random_range(1..=2);
            let mut chosen = HashSet::new();
            for _ in 0..tags {
                let tag = rng.random_range(0..TAGS.len());
                if chosen.insert(tag) {
                    p.claim_tags.push((claim, tag));
                }
            }
        }
        let mut links = HashSet::new();
        let mut link = |p: &mut Plan, kind: &'static str, from: usize, to: Target| {
            if to != Target::Claim(from) && links.insert((kind, from, to)) {
                p.relations.push((kind, from, to));
            }
        };
        for k in 0..CLAIMS {
            let from = claim0 + k;
            if k < PROPOSALS {
                // The first claims argue for or against a proposal each.
                let kind = if rng.random_bool(0.75) {
                    "supports"
                } else {
                    "attacks"
                };
                link(&mut p, kind, from, Target::Proposal(proposal0 + k));
                continue;
            }
            // The rest argue about earlier claims: chains that reach the proposals.
            let roll: f64 = rng.random();
            let kind = if roll < 0.68 {
                "supports"
            } else if roll < 0.92 {
                "attacks"
            } else {
                "undercuts"
            };
            let target = if unit > 0 && rng.random_bool(0.04) {
                claim0 - CLAIMS + rng.random_range(0..CLAIMS)
            } else {
                claim0 + rng.random_range(0..k)
            };
            link(&mut p, kind, from, Target::Claim(target));
        }
        // Cycles: a two-claim one in every unit, a three-claim one in every third.
        let c = |k: usize| claim0 + CLAIMS - 1 - k;
        link(&mut p, "attacks", c(0), Target::Claim(c(1)));
        link(&mut p, "attacks", c(1), Target::Claim(c(0)));
        if unit % 3 == 0 {
            link(&mut p, "attacks", c(2), Target::Claim(c(3)));
            link(&mut p, "attacks", c(3), Target::Claim(c(4)));
            link(&mut p, "attacks", c(4), Target::Claim(c(2)));
        }
        for raise in raise0..p.raises.len() {
            let mut shown = HashSet::new();
            for _ in 0..rng.random_range(1..=3) {
                let claim = claim0 + rng.random_range(0..CLAIMS);
                if shown.insert(claim) {
                    let pole = *["a", "b"].choose(&mut rng).unwrap();
                    p.evidence.push((raise, claim, pole));
                }
            }
        }
        let user0 = p.users.len();
        for k in 0..USERS {
            let role = if k == 0 && unit % 10 == 0 {
                "moderator"
            } else {
                "contributor"
            };
            p.users.push((
                format!("{tag}-user-{unit}-{k}@example.org"),
                text::person(&mut rng),
                role,
            ));
        }
        for _ in 0..ANNOTATIONS {
            let stance = *[Some("agree"), Some("disagree"), Some("unsure"), None]
                .choose(&mut rng)
                .unwrap();
            p.annotations.push((
                claim0 + rng.random_range(0..CLAIMS),
                user0 + rng.random_range(0..USERS),
                text::paragraph(&mut rng, 2).join(" "),
                stance,
            ));
        }
    }
    p
}

/// The char spans of the sentences of `body` (each ending with a full stop).
fn sentence_spans(body: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' && chars.get(i + 1).is_none_or(|n| *n == ' ') {
            spans.push((start, i + 1));
            start = i + 2;
        }
    }
    if spans.is_empty() {
        spans.push((0, chars.len()));
    }
    spans
}

/// `n` new ids from the identity sequence of `table`.
async fn reserve(conn: &mut PgConnection, table: &str, n: usize) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "select nextval(pg_get_serial_sequence($1, 'id')) from generate_series(1, $2)",
    )
    .bind(table)
    .bind(n as i64)
    .fetch_all(&mut *conn)
    .await
}

/// Sends `rows` into a staging copy of `table` and inserts them from there, so the table's
/// constraints and triggers check every row.
async fn load(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: CopyRows,
    identity: bool,
) -> Result<usize, sqlx::Error> {
    let count = rows.rows;
    let staging = format!("generate_{table}");
    sqlx::raw_sql(&format!(
        "create temp table {staging} on commit drop as select {columns} from {table} with no data"
    ))
    .execute(&mut *conn)
    .await?;
    rows.send(conn, &format!("copy {staging} ({columns}) from stdin"))
        .await?;
    let overriding = if identity {
        "overriding system value"
    } else {
        ""
    };
    sqlx::raw_sql(&format!(
        "insert into {table} ({columns}) {overriding} select {columns} from {staging}"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(count)
}

/// Adds the map planned for `options` to the database in one transaction, then analyses
/// the tables so the planner knows their new sizes.
pub async fn generate(pool: &PgPool, options: Options) -> Result<Summary, GenerateError> {
    if options.scale == 0 || options.scale > MAX_SCALE {
        return Err(GenerateError::Scale {
            given: options.scale,
            max: MAX_SCALE,
        });
    }
    let started = Instant::now();
    let planned = tokio::task::spawn_blocking(move || plan(options))
        .await
        .expect("planning does not panic");
    let tag = format!("g{}-actor-0-0", options.seed);
    let used = sqlx::query_scalar!(
        r#"select exists(select 1 from actors where slug = $1::text) as "used!""#,
        tag
    )
    .fetch_one(pool)
    .await?;
    if used {
        return Err(GenerateError::SeedUsed { seed: options.seed });
    }
    let password_hash = crate::auth::passwords::hash(format!(
        "generated-{}-{}",
        options.seed,
        crate::auth::csrf::random_token()
    ))
    .await
    .map_err(|_| sqlx::Error::Protocol("cannot hash a password".into()))?;

    let mut tx = pool.begin().await?;
    let mut summary = write(&mut tx, &planned, &password_hash, options).await?;
    tx.commit().await?;
    crate::db::analyze(pool).await?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

async fn write(
    conn: &mut PgConnection,
    p: &Plan,
    password_hash: &str,
    options: Options,
) -> Result<Summary, sqlx::Error> {
    let mut s = Summary::default();
    let mut revisions = CopyRows::new();
    let mut revise = |kind: &str, id: i64, user: Option<i64>, slug: &str| {
        revisions
            .text(kind)
            .value(id)
            .text("create")
            .opt_value(user)
            .text(&serde_json::json!({ "slug": slug, "generated": true }).to_string())
            .text("generated");
        revisions.end();
    };

    let user_ids = reserve(conn, "users", p.users.len()).await?;
    let mut rows = CopyRows::new();
    for ((email, name, role), id) in p.users.iter().zip(&user_ids) {
        rows.value(id)
            .text(email)
            .text(name)
            .text(password_hash)
            .text(role);
        rows.end();
        revise("user", *id, None, email);
    }
    s.users = load(
        conn,
        "users",
        "id, email, display_name, password_hash, role",
        rows,
        true,
    )
    .await?;

    let actor_ids = reserve(conn, "actors", p.actors.len()).await?;
    let mut rows = CopyRows::new();
    for ((slug, name, kind), id) in p.actors.iter().zip(&actor_ids) {
        rows.value(id).text(slug).text(name).text(kind);
        rows.end();
        revise("actor", *id, None, slug);
    }
    s.actors = load(conn, "actors", "id, slug, name, kind", rows, true).await?;

    let debate_ids = reserve(conn, "debates", p.debates.len()).await?;
    let mut rows = CopyRows::new();
    for ((slug, title, summary, started, ended), id) in p.debates.iter().zip(&debate_ids) {
        rows.value(id)
            .text(slug)
            .text(title)
            .text(summary)
            .value(started)
            .value(ended);
        rows.end();
        revise("debate", *id, None, slug);
    }
    s.debates = load(
        conn,
        "debates",
        "id, slug, title, summary, started_on, ended_on",
        rows,
        true,
    )
    .await?;

    let tension_ids = reserve(conn, "tensions", p.tensions.len()).await?;
    let mut rows = CopyRows::new();
    for ((slug, title, a, b, description), id) in p.tensions.iter().zip(&tension_ids) {
        rows.value(id)
            .text(slug)
            .text(title)
            .text(a)
            .text(b)
            .text(description);
        rows.end();
        revise("tension", *id, None, slug);
    }
    s.tensions = load(
        conn,
        "tensions",
        "id, slug, title, pole_a, pole_b, description",
        rows,
        true,
    )
    .await?;

    let proposal_ids = reserve(conn, "proposals", p.proposals.len()).await?;
    let mut rows = CopyRows::new();
    for ((slug, debate, title, summary), id) in p.proposals.iter().zip(&proposal_ids) {
        rows.value(id)
            .text(slug)
            .value(debate_ids[*debate])
            .text(title)
            .text(summary);
        rows.end();
        revise("proposal", *id, None, slug);
    }
    s.proposals = load(
        conn,
        "proposals",
        "id, slug, debate_id, title, summary",
        rows,
        true,
    )
    .await?;

    let raise_ids = reserve(conn, "proposal_tensions", p.raises.len()).await?;
    let mut rows = CopyRows::new();
    for ((proposal, tension, leaning, note), id) in p.raises.iter().zip(&raise_ids) {
        rows.value(id)
            .value(proposal_ids[*proposal])
            .value(tension_ids[*tension])
            .text(leaning)
            .text(note);
        rows.end();
        revise("proposal_tension", *id, None, &p.proposals[*proposal].0);
    }
    s.raises = load(
        conn,
        "proposal_tensions",
        "id, proposal_id, tension_id, leaning, note",
        rows,
        true,
    )
    .await?;

    let source_ids = reserve(conn, "sources", p.sources.len()).await?;
    let version_ids = reserve(conn, "source_versions", p.sources.len()).await?;
    let segment_count: usize = p.sources.iter().map(|s| s.segments.len()).sum();
    let segment_ids = reserve(conn, "segments", segment_count).await?;
    let mut sources = CopyRows::new();
    let mut versions = CopyRows::new();
    let mut segments = CopyRows::new();
    let mut debate_sources = CopyRows::new();
    // The id of each source's segments, by source then position.
    let mut segment_of: Vec<Vec<i64>> = Vec::with_capacity(p.sources.len());
    let mut next_segment = segment_ids.iter();
    for (i, source) in p.sources.iter().enumerate() {
        let (author_slug, author_name, _) = &p.actors[source.author];
        sources
            .value(source_ids[i])
            .text(&source.slug)
            .text(source.kind.as_str())
            .text(&source.title)
            .value(actor_ids[source.author])
            .text(author_name)
            .text(&source.outlet)
            .text(&format!("https://example.org/{}", source.slug))
            .value(source.published);
        sources.end();
        revise("source", source_ids[i], None, &source.slug);
        let _ = author_slug;
        versions
            .value(version_ids[i])
            .value(source_ids[i])
            .value(1)
            .text(&source.raw)
            .bytes(&Sha256::digest(source.raw.as_bytes()));
        versions.end();
        let mut ids = Vec::with_capacity(source.segments.len());
        for (position, segment) in source.segments.iter().enumerate() {
            let id = *next_segment.next().expect("reserved for every segment");
            segments
                .value(id)
                .value(version_ids[i])
                .value(position + 1)
                .text(segment.kind.as_str())
                .text(&segment.locator)
                .text(&segment.anchor)
                .text(&segment.body);
            segments.end();
            ids.push(id);
        }
        segment_of.push(ids);
        for debate in &source.debates {
            debate_sources
                .value(debate_ids[*debate])
                .value(source_ids[i]);
            debate_sources.end();
        }
    }
    s.sources = load(
        conn,
        "sources",
        "id, slug, kind, title, author_id, author_name, outlet, url, published_on",
        sources,
        true,
    )
    .await?;
    load(
        conn,
        "source_versions",
        "id, source_id, number, raw_text, content_hash",
        versions,
        true,
    )
    .await?;
    s.segments = load(
        conn,
        "segments",
        "id, source_version_id, position, kind, locator, anchor, body",
        segments,
        true,
    )
    .await?;
    load(
        conn,
        "debate_sources",
        "debate_id, source_id",
        debate_sources,
        false,
    )
    .await?;

    let claim_ids = reserve(conn, "claims", p.claims.len()).await?;
    let mut rows = CopyRows::new();
    for ((slug, body, actor), id) in p.claims.iter().zip(&claim_ids) {
        rows.value(id)
            .text(slug)
            .text(body)
            .value(actor_ids[*actor]);
        rows.end();
        revise("claim", *id, None, slug);
    }
    s.claims = load(conn, "claims", "id, slug, body, actor_id", rows, true).await?;

    let quote_ids = reserve(conn, "quotes", p.quotes.len()).await?;
    let mut rows = CopyRows::new();
    for (quote, id) in p.quotes.iter().zip(&quote_ids) {
        rows.value(id)
            .value(claim_ids[quote.claim])
            .value(segment_of[quote.source][quote.segment])
            .value(quote.start)
            .value(quote.end)
            .text(&quote.body);
        rows.end();
        revise("quote", *id, None, &p.claims[quote.claim].0);
    }
    s.quotes = load(
        conn,
        "quotes",
        "id, claim_id, segment_id, start_char, end_char, body",
        rows,
        true,
    )
    .await?;

    let relation_ids = reserve(conn, "relations", p.relations.len()).await?;
    let mut rows = CopyRows::new();
    for ((kind, from, to), id) in p.relations.iter().zip(&relation_ids) {
        let (to_claim, to_proposal) = match to {
            Target::Claim(c) => (Some(claim_ids[*c]), None),
            Target::Proposal(p) => (None, Some(proposal_ids[*p])),
        };
        rows.value(id)
            .text(kind)
            .value(claim_ids[*from])
            .opt_value(to_claim)
            .opt_value(to_proposal);
        rows.end();
        revise("relation", *id, None, &p.claims[*from].0);
    }
    s.relations = load(
        conn,
        "relations",
        "id, kind, from_claim_id, to_claim_id, to_proposal_id",
        rows,
        true,
    )
    .await?;

    let mut rows = CopyRows::new();
    for (raise, claim, pole) in &p.evidence {
        rows.value(raise_ids[*raise])
            .value(claim_ids[*claim])
            .text(pole);
        rows.end();
    }
    s.evidence = load(
        conn,
        "tension_evidence",
        "proposal_tension_id, claim_id, pole",
        rows,
        false,
    )
    .await?;

    let tag_slugs: Vec<String> = TAGS.iter().map(|t| (*t).to_owned()).collect();
    sqlx::query!(
        "insert into tags (slug) select unnest($1::text[]) on conflict (slug) do nothing",
        &tag_slugs
    )
    .execute(&mut *conn)
    .await?;
    let tags: std::collections::HashMap<String, i64> = sqlx::query!(
        r#"select slug as "slug!: String", id from tags where slug = any($1::text[])"#,
        &tag_slugs
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|t| (t.slug, t.id))
    .collect();
    let tag_ids: Vec<i64> = TAGS.iter().map(|t| tags[*t]).collect();
    let mut rows = CopyRows::new();
    for (claim, tag) in &p.claim_tags {
        rows.value(claim_ids[*claim]).value(tag_ids[*tag]);
        rows.end();
    }
    load(conn, "claim_tags", "claim_id, tag_id", rows, false).await?;

    let annotation_ids = reserve(conn, "annotations", p.annotations.len()).await?;
    let mut rows = CopyRows::new();
    for ((claim, user, body, stance), id) in p.annotations.iter().zip(&annotation_ids) {
        rows.value(id)
            .value(claim_ids[*claim])
            .value(user_ids[*user])
            .text(body)
            .opt_text(*stance);
        rows.end();
        revise(
            "annotation",
            *id,
            Some(user_ids[*user]),
            &p.claims[*claim].0,
        );
    }
    s.annotations = load(
        conn,
        "annotations",
        "id, claim_id, user_id, body, stance",
        rows,
        true,
    )
    .await?;

    revisions
        .text("map")
        .value(0)
        .text("import")
        .null()
        .text(
            &serde_json::json!({ "generated": { "scale": options.scale, "seed": options.seed } })
                .to_string(),
        )
        .text(&format!(
            "argmap generate --scale {} --seed {}",
            options.scale, options.seed
        ));
    revisions.end();
    s.revisions = load(
        conn,
        "revisions",
        "object_kind, object_id, action, user_id, after, note",
        revisions,
        false,
    )
    .await?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_unit_has_the_shipped_maps_counts() {
        let p = plan(Options { scale: 1, seed: 3 });
        assert_eq!(p.actors.len(), ACTORS);
        assert_eq!(p.debates.len(), DEBATES);
        assert_eq!(p.tensions.len(), TENSIONS);
        assert_eq!(p.proposals.len(), PROPOSALS);
        assert_eq!(p.raises.len(), RAISES);
        assert_eq!(p.sources.len(), SOURCES);
        assert_eq!(p.claims.len(), CLAIMS);
        assert!(p.relations.len() >= CLAIMS, "{}", p.relations.len());
        assert!(p.relations.iter().any(|r| r.0 == "undercuts"));
    }

    #[test]
    fn every_quote_is_the_text_of_its_segment() {
        let p = plan(Options { scale: 3, seed: 9 });
        for quote in &p.quotes {
            let body = &p.sources[quote.source].segments[quote.segment].body;
            let span: String = body
                .chars()
                .skip(quote.start)
                .take(quote.end - quote.start)
                .collect();
            assert_eq!(span, quote.body);
            assert!(quote.body.ends_with('.'), "{}", quote.body);
        }
    }

    #[test]
    fn the_same_seed_plans_the_same_map_and_another_seed_another() {
        let a = plan(Options { scale: 2, seed: 5 });
        let b = plan(Options { scale: 2, seed: 5 });
        let c = plan(Options { scale: 2, seed: 6 });
        assert_eq!(a.claims, b.claims);
        assert_eq!(a.relations.len(), b.relations.len());
        assert_ne!(
            a.claims.iter().map(|c| &c.1).collect::<Vec<_>>(),
            c.claims.iter().map(|c| &c.1).collect::<Vec<_>>()
        );
    }
}
