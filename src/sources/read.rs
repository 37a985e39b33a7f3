//! Reading sources: the one place pages and the API find a source (at its current
//! version) and its parts. Hidden sources are found by nobody; the claims quoting it and
//! its debates leave out hidden ones, and removed quotes, for everyone.

use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use crate::Result;
use crate::claims::read::item;
use crate::read::{OrNotFound, Slice};
use crate::sources::suggest::SimilarClaim;
use crate::sources::{SegmentKind, SourceFields, SourceKind};
use crate::views::{ClaimItem, Standings};

/// A source at its current version, as its page and the API show it (the API leaves the
/// ids out).
#[derive(Serialize, ToSchema)]
pub(crate) struct Source {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub kind: SourceKind,
    // Its title, author, outlet, URL and publication date, as it was imported (the API
    // names them beside the others).
    #[serde(flatten)]
    #[schema(inline)]
    pub fields: SourceFields<String>,
    #[serde(skip)]
    pub version_id: i64,
    /// The number of the current version of its text.
    pub version: i32,
}

/// Finds a visible source by slug, at its current version.
pub(crate) async fn find(db: &PgPool, slug: &str) -> Result<Source> {
    sqlx::query!(
        r#"select s.id, s.slug as "slug!: String", s.kind as "kind: SourceKind", s.title,
                  coalesce(a.name, s.author_name) as author,
                  s.outlet, s.url, s.published_on, v.id as "version_id!", v.number as "version!"
           from sources s
           left join actors a on a.id = s.author_id
           join current_source_versions v on v.source_id = s.id
           where s.slug = $1::text and s.hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .map(|row| Source {
        id: row.id,
        slug: row.slug,
        kind: row.kind,
        fields: SourceFields {
            title: row.title,
            author: row.author,
            outlet: row.outlet,
            url: row.url,
            published: row.published_on,
        },
        version_id: row.version_id,
        version: row.version,
    })
    .or_not_found("source", slug)
}

/// A post, paragraph or heading of a source's text.
#[derive(Serialize, ToSchema)]
#[schema(as = SourceSegment)]
pub(crate) struct Segment {
    #[serde(skip)]
    pub id: i64,
    /// Its anchor on the source page (`#s3-11`), and what claims name as their `segment`.
    pub anchor: String,
    /// How the document numbers it ("3/11", "¶4").
    pub locator: String,
    pub kind: SegmentKind,
    #[serde(rename = "text")]
    pub body: String,
}

/// A version's segments, in document order.
pub(crate) async fn segments(db: &PgPool, version: i64) -> Result<Vec<Segment>> {
    Ok(sqlx::query_as!(
        Segment,
        r#"select id, anchor, locator, kind as "kind: SegmentKind", body from segments
           where source_version_id = $1 order by position"#,
        version
    )
    .fetch_all(db)
    .await?)
}

/// A span of a segment, `[start, end)` in chars, quoted by a claim.
pub(crate) struct Quoted {
    pub segment_id: i64,
    pub start: usize,
    pub end: usize,
    pub claim: ClaimItem,
}

/// The live quotes of visible claims from a version, by position.
pub(crate) async fn quotes(
    db: &PgPool,
    version: i64,
    standings: &Standings,
) -> Result<Vec<Quoted>> {
    let rows = sqlx::query!(
        r#"select q.segment_id, q.start_char, q.end_char, c.id as claim_id, c.slug as "slug!: String", c.body,
                  a.name as "actor?"
           from quotes q
           join segments g on g.id = q.segment_id
           join claims c on c.id = q.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id
           where g.source_version_id = $1 and q.removed_at is null
           order by q.start_char, c.id"#,
        version
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|q| Quoted {
            segment_id: q.segment_id,
            start: q.start_char as usize,
            end: q.end_char as usize,
            claim: item(standings, q.claim_id, q.slug, q.body, q.actor),
        })
        .collect())
}

/// A candidate claim argmap found in a source's current text, not yet taken up or dismissed.
#[derive(Serialize, ToSchema)]
#[schema(as = SuggestedClaim)]
pub(crate) struct Suggested {
    pub id: i64,
    #[serde(skip)]
    pub segment_id: i64,
    /// The segment it is in (its anchor on the source page).
    #[serde(rename = "segment")]
    pub anchor: String,
    #[serde(rename = "text")]
    pub body: String,
    /// Why it was suggested ("contrast: but", "modal: should").
    pub cues: Vec<String>,
    /// Claims already in the map it resembles, best first: link to one rather than add a
    /// duplicate.
    pub similar: Vec<SimilarClaim>,
}

impl Suggested {
    /// The cues as one line.
    pub(crate) fn cue_list(&self) -> String {
        self.cues.join("; ")
    }
}

/// A version's open suggested claims in document order, each with the claims it resembles.
pub(crate) async fn suggestions(db: &PgPool, version: i64) -> Result<Vec<Suggested>> {
    let rows = sqlx::query!(
        r#"select s.id, s.segment_id, g.anchor, s.body, s.cues
           from suggestions s join segments g on g.id = s.segment_id
           where g.source_version_id = $1 and s.status = 'open' and s.kind = 'claim'
           order by g.position, s.start_char"#,
        version
    )
    .fetch_all(db)
    .await?;
    let mut similar = crate::sources::suggest::similar_claims(db, version).await?;
    Ok(rows
        .into_iter()
        .map(|row| Suggested {
            similar: similar.remove(&row.id).unwrap_or_default(),
            id: row.id,
            segment_id: row.segment_id,
            anchor: row.anchor,
            body: row.body,
            cues: row.cues,
        })
        .collect())
}

pub(crate) struct DebateLink {
    pub slug: String,
    pub title: String,
}

/// The visible debates the source belongs to, by title.
pub(crate) async fn debates(db: &PgPool, source: i64) -> Result<Vec<DebateLink>> {
    Ok(sqlx::query_as!(
        DebateLink,
        r#"select d.slug as "slug!: String", d.title from debate_sources ds
           join debates d on d.id = ds.debate_id and d.hidden_at is null
           where ds.source_id = $1 order by d.title"#,
        source
    )
    .fetch_all(db)
    .await?)
}

/// A source as the home page and the index list it.
pub(crate) struct Listed {
    pub slug: String,
    pub title: String,
    pub kind: SourceKind,
    pub author: Option<String>,
    pub published_on: Option<time::Date>,
}

/// The latest visible sources, newest first (undated last).
pub(crate) async fn list(db: &PgPool, slice: Slice) -> Result<Vec<Listed>> {
    Ok(sqlx::query_as!(
        Listed,
        r#"select s.slug as "slug!: String", s.title, s.kind as "kind: SourceKind", coalesce(a.name, s.author_name) as author,
                  s.published_on
           from sources s left join actors a on a.id = s.author_id
           where s.hidden_at is null
           order by s.published_on desc nulls last, s.title, s.slug
           limit $1 offset $2"#,
        slice.limit,
        slice.offset
    )
    .fetch_all(db)
    .await?)
}
