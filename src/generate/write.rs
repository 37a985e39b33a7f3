//! Writing a planned map: rows built in memory, sent with COPY into staging tables and
//! inserted from there, with one creation revision per object.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::copy::CopyRows;
use super::plan::{Plan, Target};
use super::{Options, Summary, TAGS};
use crate::revisions::{ObjectKind, RevisionAction};

/// Writes a plan's rows table by table, collecting one revision per object it creates.
struct Writer<'c> {
    conn: &'c mut PgConnection,
    revisions: CopyRows,
}

impl Writer<'_> {
    /// Reserves an id for each of `items` and writes its row into the [`table`] of `kind`:
    /// the id, then what `row` adds, which returns the slug (or email) its revision names
    /// and the user who made it. Returns the ids, in order.
    async fn objects<'a, T>(
        &mut self,
        kind: ObjectKind,
        items: &'a [T],
        mut row: impl FnMut(&mut CopyRows, &'a T) -> (&'a str, Option<i64>),
    ) -> Result<Vec<i64>, sqlx::Error> {
        let (table, columns) = table(kind);
        let ids = reserve(self.conn, table, items.len()).await?;
        let mut rows = CopyRows::new();
        for (item, id) in items.iter().zip(&ids) {
            rows.value(id);
            let (named, by) = row(&mut rows, item);
            rows.end();
            self.revise(kind, *id, by, named);
        }
        load(self.conn, table, &format!("id, {columns}"), rows, true).await?;
        Ok(ids)
    }

    /// Writes rows without ids of their own (links between objects): their count.
    async fn links<T>(
        &mut self,
        table: &str,
        columns: &str,
        items: &[T],
        mut row: impl FnMut(&mut CopyRows, &T),
    ) -> Result<usize, sqlx::Error> {
        let mut rows = CopyRows::new();
        for item in items {
            row(&mut rows, item);
            rows.end();
        }
        load(self.conn, table, columns, rows, false).await
    }

    fn revise(&mut self, kind: ObjectKind, id: i64, by: Option<i64>, named: &str) {
        self.revisions
            .text(kind.as_str())
            .value(id)
            .text(RevisionAction::Create.as_str())
            .opt_value(by)
            .text(&serde_json::json!({ "slug": named, "generated": true }).to_string())
            .text("generated");
        self.revisions.end();
    }
}

/// The table `kind`'s objects are written into, and the columns a row gives after its id.
fn table(kind: ObjectKind) -> (&'static str, &'static str) {
    match kind {
        ObjectKind::User => ("users", "email, display_name, password_hash, role"),
        ObjectKind::Actor => ("actors", "slug, name, kind"),
        ObjectKind::Debate => ("debates", "slug, title, summary, started_on, ended_on"),
        ObjectKind::Tension => ("tensions", "slug, title, pole_a, pole_b, description"),
        ObjectKind::Proposal => ("proposals", "slug, debate_id, title, summary"),
        ObjectKind::ProposalTension => (
            "proposal_tensions",
            "proposal_id, tension_id, leaning, note",
        ),
        ObjectKind::Claim => ("claims", "slug, body, actor_id"),
        ObjectKind::Quote => ("quotes", "claim_id, segment_id, start_char, end_char, body"),
        ObjectKind::Relation => (
            "relations",
            "kind, from_claim_id, to_claim_id, to_proposal_id, to_relation_id",
        ),
        ObjectKind::Annotation => ("annotations", "claim_id, user_id, body, stance"),
        ObjectKind::Source => (
            "sources",
            "slug, kind, title, author_id, author_name, outlet, url, published_on",
        ),
        other => unreachable!("a generated map has no {other:?} rows of their own"),
    }
}

/// Ids of what is written first, for the rows that refer to it.
struct Written {
    sources: Vec<i64>,
    /// The ids of each source's segments, by source then position.
    segments: Vec<Vec<i64>>,
}

pub(super) async fn write(
    conn: &mut PgConnection,
    p: &Plan,
    password_hash: &str,
    options: Options,
) -> Result<Summary, sqlx::Error> {
    let mut w = Writer {
        conn,
        revisions: CopyRows::new(),
    };
    let mut summary = Summary::default();
    let defs = write_definitions(&mut w, p, password_hash, &mut summary).await?;
    let written = write_sources(&mut w, p, &defs.actors, &defs.debates).await?;
    summary.sources = written.sources.len();
    summary.segments = written.segments.iter().map(Vec::len).sum();
    write_arguments(&mut w, p, &defs, &written, &mut summary).await?;
    summary.revisions = write_revisions(w, options).await?;
    Ok(summary)
}

/// The ids of the objects claims and sources refer to.
struct Definitions {
    users: Vec<i64>,
    actors: Vec<i64>,
    debates: Vec<i64>,
    proposals: Vec<i64>,
    raises: Vec<i64>,
}

/// Accounts, actors, debates, tensions, proposals and the tensions they raise.
async fn write_definitions(
    w: &mut Writer<'_>,
    p: &Plan,
    password_hash: &str,
    s: &mut Summary,
) -> Result<Definitions, sqlx::Error> {
    let users = w
        .objects(ObjectKind::User, &p.users, |r, u| {
            r.text(&u.0)
                .text(&u.1)
                .text(password_hash)
                .text(u.2.as_str());
            (&u.0, None)
        })
        .await?;
    let actors = w
        .objects(ObjectKind::Actor, &p.actors, |r, a| {
            r.text(&a.0).text(&a.1).text(a.2.as_str());
            (&a.0, None)
        })
        .await?;
    let debates = w
        .objects(ObjectKind::Debate, &p.debates, |r, d| {
            r.text(&d.0).text(&d.1).text(&d.2).value(d.3).value(d.4);
            (&d.0, None)
        })
        .await?;
    let tensions = w
        .objects(ObjectKind::Tension, &p.tensions, |r, t| {
            r.text(&t.0).text(&t.1).text(&t.2).text(&t.3).text(&t.4);
            (&t.0, None)
        })
        .await?;
    let proposals = w
        .objects(ObjectKind::Proposal, &p.proposals, |r, x| {
            r.text(&x.0).value(debates[x.1]).text(&x.2).text(&x.3);
            (&x.0, None)
        })
        .await?;
    let raises = w
        .objects(ObjectKind::ProposalTension, &p.raises, |r, x| {
            r.value(proposals[x.0])
                .value(tensions[x.1])
                .text(x.2.as_str())
                .text(&x.3);
            (&p.proposals[x.0].0, None)
        })
        .await?;
    s.users = users.len();
    s.actors = actors.len();
    s.debates = debates.len();
    s.tensions = tensions.len();
    s.proposals = proposals.len();
    s.raises = raises.len();
    Ok(Definitions {
        users,
        actors,
        debates,
        proposals,
        raises,
    })
}

/// Claims with their quotes, relations, evidence, tags and annotations.
async fn write_arguments(
    w: &mut Writer<'_>,
    p: &Plan,
    defs: &Definitions,
    written: &Written,
    s: &mut Summary,
) -> Result<(), sqlx::Error> {
    let Definitions {
        users,
        actors,
        proposals,
        raises,
        ..
    } = defs;
    let claims = w
        .objects(ObjectKind::Claim, &p.claims, |r, c| {
            r.text(&c.0).text(&c.1).value(actors[c.2]);
            (&c.0, None)
        })
        .await?;
    let quotes = w
        .objects(ObjectKind::Quote, &p.quotes, |r, q| {
            r.value(claims[q.claim])
                .value(written.segments[q.source][q.segment])
                .value(q.start)
                .value(q.end)
                .text(&q.body);
            (&p.claims[q.claim].0, None)
        })
        .await?;
    // Supports and attacks first, then the undercuts naming them by id.
    let (inferences, undercuts): (Vec<_>, Vec<_>) = p
        .relations
        .iter()
        .enumerate()
        .partition(|(_, r)| !matches!(r.2, Target::Relation(_)));
    let mut relation_ids = HashMap::new();
    let mut relations = 0;
    for batch in [inferences, undercuts] {
        let ids = w
            .objects(ObjectKind::Relation, &batch, |r, (_, x)| {
                let (to_claim, to_proposal, to_relation) = match x.2 {
                    Target::Claim(c) => (Some(claims[c]), None, None),
                    Target::Proposal(p) => (None, Some(proposals[p]), None),
                    Target::Relation(i) => (None, None, Some(relation_ids[&i])),
                };
                r.text(x.0.as_str())
                    .value(claims[x.1])
                    .opt_value(to_claim)
                    .opt_value(to_proposal)
                    .opt_value(to_relation);
                (&p.claims[x.1].0, None)
            })
            .await?;
        relations += ids.len();
        relation_ids.extend(batch.iter().map(|(i, _)| *i).zip(ids));
    }
    let evidence_columns = "proposal_tension_id, claim_id, pole";
    let evidence = w
        .links("tension_evidence", evidence_columns, &p.evidence, |r, e| {
            r.value(raises[e.0]).value(claims[e.1]).text(e.2.as_str());
        })
        .await?;
    let tags = tag_ids(w.conn).await?;
    w.links("claim_tags", "claim_id, tag_id", &p.claim_tags, |r, t| {
        r.value(claims[t.0]).value(tags[t.1]);
    })
    .await?;
    let annotations = w
        .objects(ObjectKind::Annotation, &p.annotations, |r, a| {
            r.value(claims[a.0])
                .value(users[a.1])
                .text(&a.2)
                .opt_text(a.3.map(|s| s.as_str()));
            (&p.claims[a.0].0, Some(users[a.1]))
        })
        .await?;

    s.claims = claims.len();
    s.quotes = quotes.len();
    s.relations = relations;
    s.evidence = evidence;
    s.annotations = annotations.len();
    Ok(())
}

/// Every revision collected, and one for the whole generated map: their count.
async fn write_revisions(w: Writer<'_>, options: Options) -> Result<usize, sqlx::Error> {
    let Writer {
        conn,
        mut revisions,
    } = w;
    revisions
        .text(ObjectKind::Map.as_str())
        .value(0)
        .text(RevisionAction::Import.as_str())
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
    let revision_columns = "object_kind, object_id, action, user_id, after, note";
    load(conn, "revisions", revision_columns, revisions, false).await
}

/// The sources with their one version each, their segments and their debates.
async fn write_sources(
    w: &mut Writer<'_>,
    p: &Plan,
    actors: &[i64],
    debates: &[i64],
) -> Result<Written, sqlx::Error> {
    let sources = w
        .objects(ObjectKind::Source, &p.sources, |r, s| {
            r.text(&s.slug)
                .text(s.kind.as_str())
                .text(&s.title)
                .value(actors[s.author])
                .text(&p.actors[s.author].1)
                .text(&s.outlet)
                .text(&format!("https://example.org/{}", s.slug))
                .value(s.published);
            (&s.slug, None)
        })
        .await?;
    let version_ids = reserve(w.conn, "source_versions", p.sources.len()).await?;
    let segment_count: usize = p.sources.iter().map(|s| s.segments.len()).sum();
    let mut next_segment = reserve(w.conn, "segments", segment_count)
        .await?
        .into_iter();
    let mut versions = CopyRows::new();
    let mut segments = CopyRows::new();
    let mut debate_sources = CopyRows::new();
    let mut segment_ids = Vec::with_capacity(p.sources.len());
    for (i, source) in p.sources.iter().enumerate() {
        versions
            .value(version_ids[i])
            .value(sources[i])
            .value(1)
            .text(&source.raw)
            .bytes(&Sha256::digest(source.raw.as_bytes()));
        versions.end();
        let mut ids = Vec::with_capacity(source.segments.len());
        for (position, segment) in source.segments.iter().enumerate() {
            let id = next_segment.next().expect("reserved for every segment");
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
        segment_ids.push(ids);
        for debate in &source.debates {
            debate_sources.value(debates[*debate]).value(sources[i]);
            debate_sources.end();
        }
    }
    let version_columns = "id, source_id, number, raw_text, content_hash";
    load(w.conn, "source_versions", version_columns, versions, true).await?;
    let segment_columns = "id, source_version_id, position, kind, locator, anchor, body";
    load(w.conn, "segments", segment_columns, segments, true).await?;
    load(
        w.conn,
        "debate_sources",
        "debate_id, source_id",
        debate_sources,
        false,
    )
    .await?;
    Ok(Written {
        sources,
        segments: segment_ids,
    })
}

/// The shared tags' ids, in the order of [`TAGS`], creating the missing ones.
async fn tag_ids(conn: &mut PgConnection) -> Result<Vec<i64>, sqlx::Error> {
    let tag_slugs: Vec<String> = TAGS.iter().map(|t| (*t).to_owned()).collect();
    sqlx::query!(
        "insert into tags (slug) select unnest($1::text[]) on conflict (slug) do nothing",
        &tag_slugs
    )
    .execute(&mut *conn)
    .await?;
    let tags: HashMap<String, i64> = sqlx::query!(
        r#"select slug as "slug!: String", id from tags where slug = any($1::text[])"#,
        &tag_slugs
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|t| (t.slug, t.id))
    .collect();
    Ok(TAGS.iter().map(|t| tags[*t]).collect())
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
    // Dropped at once, so a table can be loaded in more than one batch (undercuts after
    // the relations they undercut).
    sqlx::raw_sql(&format!(
        "insert into {table} ({columns}) {overriding} select {columns} from {staging};
         drop table {staging}"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(count)
}
