//! Changing claims: adding one from a source passage, editing, annotating, reporting,
//! hiding, restoring and merging. Each function runs in the caller's transaction and
//! records exactly one revision (who, when, before, after) for the change it makes.
//! Pages and the API both call these.

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::User;
use crate::domain::{ClaimText, Pole, RelationKind, ReviewReason, Stance};
use crate::edits::{record_change, record_created};
use crate::map::quotes::{locate, nearest};
use crate::read::{OrNotFound, find_by_slug};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::slug::{SlugTable, fresh_slug, is_slug};
use crate::{Error, Result};

pub const MAX_NOTE_CHARS: usize = 10_000;

/// A claim to add, with the passage it comes from and what it bears on.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewClaim {
    /// The source's slug.
    pub source: String,
    /// The segment's anchor in the source ("s3-11", "p4").
    pub segment: String,
    /// The exact words quoted from that segment.
    pub quote: String,
    /// The claim, in one sentence.
    pub text: String,
    /// Who makes the claim (an actor's slug); by default the source's author.
    #[serde(default)]
    pub actor: Option<String>,
    /// How it bears on `target`; blank for no relation.
    #[serde(default, deserialize_with = "crate::domain::blank_as_none")]
    pub relation: Option<RelationKind>,
    /// A few words of the claim or proposal (matching one of them), a claim's slug, or
    /// "proposal:SLUG"; for an undercut, the inference it denies: "relation:ID".
    #[serde(default)]
    pub target: Option<String>,
    /// Marks the claim as showing a tension a proposal raises: "proposal-slug/tension-slug".
    #[serde(default)]
    pub shows_tension: Option<String>,
    /// The pole the claim argues for, with `shows_tension`.
    #[serde(default, deserialize_with = "crate::domain::blank_as_none")]
    pub pole: Option<Pole>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A comment (Markdown) added as the first annotation.
    #[serde(default)]
    pub note: Option<String>,
}

fn check_text(text: &str) -> Result<ClaimText> {
    ClaimText::parse(text).map_err(|err| Error::invalid("text", err.to_string()))
}

pub fn parse_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags
        .iter()
        .flat_map(|t| t.split([',', ' ']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let tag = tag.to_lowercase();
        if !is_slug(&tag) {
            return Err(Error::invalid(
                "tags",
                format!("{tag:?} is not a tag: use lowercase words joined by hyphens"),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > 12 {
        return Err(Error::invalid("tags", "at most 12 tags"));
    }
    Ok(out)
}

pub(crate) async fn claim_id(conn: &mut PgConnection, slug: &str, field: &str) -> Result<i64> {
    sqlx::query_scalar!(
        "select id from claims where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::invalid(field.to_owned(), format!("no claim has the slug {slug:?}")))
}

/// The passage a new claim quotes: its segment and the quoted span, in characters.
struct Passage {
    segment_id: i64,
    author_id: Option<i64>,
    start: usize,
    end: usize,
    quoted: String,
}

/// What a new claim bears on: a claim or a proposal, or (an undercut) an inference, and
/// how.
struct Bearing {
    kind: RelationKind,
    /// Its exact name (a claim's slug, `proposal:SLUG` or `relation:ID`), for the revision.
    target: String,
    found: crate::relations::targets::Target,
}

/// Adds a claim; returns its slug. Everything is checked before anything is written.
pub async fn create(conn: &mut PgConnection, user: &User, new: &NewClaim) -> Result<String> {
    let text = check_text(&new.text)?;
    let tags = parse_tags(&new.tags)?;
    let passage = find_passage(conn, &new.source, &new.segment, &new.quote).await?;
    let actor_id = match new.actor.as_deref().filter(|a| !a.is_empty()) {
        Some(slug) => Some(actor_id(conn, slug).await?),
        None => passage.author_id,
    };
    let bearing = find_bearing(conn, new.relation, new.target.as_deref()).await?;
    let evidence = find_evidence(conn, new.shows_tension.as_deref(), new.pole).await?;
    let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(Error::invalid(
            "note",
            format!("at most {MAX_NOTE_CHARS} characters"),
        ));
    }

    let slug = fresh_slug(conn, SlugTable::Claims, text.as_str()).await?;
    let id = sqlx::query_scalar!(
        "insert into claims (slug, body, actor_id, created_by) values ($1::text, $2, $3, $4) returning id",
        slug,
        text.as_str(),
        actor_id,
        user.id
    )
    .fetch_one(&mut *conn)
    .await?;
    insert_quote(conn, user, id, &passage).await?;
    if let Some(bearing) = &bearing {
        insert_relation(conn, user, id, bearing).await?;
    }
    if let Some((link, pole)) = evidence {
        sqlx::query!("insert into tension_evidence (proposal_tension_id, claim_id, pole) values ($1, $2, $3)", link, id, pole.as_str())
            .execute(&mut *conn)
            .await?;
    }
    set_tags(conn, id, &tags, user.id).await?;
    if let Some(note) = note {
        sqlx::query!(
            "insert into annotations (claim_id, user_id, body) values ($1, $2, $3)",
            id,
            user.id,
            note
        )
        .execute(&mut *conn)
        .await?;
    }
    let after = json!({
        "slug": slug, "body": text, "actor_id": actor_id, "quote": passage.quoted,
        "segment_id": passage.segment_id,
        "relation": bearing.map(|b| json!({ "kind": b.kind, "target": b.target })), "tags": tags,
        "shows_tension": new.shows_tension, "pole": new.pole, "note": note,
    });
    record_created(conn, user, (ObjectKind::Claim, id), after).await?;
    Ok(slug)
}

/// The first passage of the source `source` (its current version) where `quote` stands,
/// for a quote given without its segment.
async fn search_passage(conn: &mut PgConnection, source: &str, quote: &str) -> Result<Passage> {
    let segments = sqlx::query!(
        r#"select g.id, g.body, s.author_id, s.title
           from segments g
           join current_source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id
           where s.slug = $1::text and s.hidden_at is null and g.kind <> 'heading'
           order by g.position"#,
        source
    )
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = segments.first() else {
        return Err(Error::invalid(
            "source",
            format!("no source has the slug {source:?}"),
        ));
    };
    let title = first.title.clone();
    segments
        .into_iter()
        .find_map(|segment| {
            let &(start, end) = locate(quote, &segment.body).first()?;
            Some(Passage {
                segment_id: segment.id,
                author_id: segment.author_id,
                start,
                end,
                quoted: crate::sources::char_span(&segment.body, start, end),
            })
        })
        .ok_or_else(|| {
            Error::invalid(
                "quote",
                format!(
                    "these words are not in any passage of {title:?}: quote it as it is written"
                ),
            )
        })
}

/// The segment `anchor` of the source `source` (its current version), and where in it
/// `quote` stands.
async fn find_passage(
    conn: &mut PgConnection,
    source: &str,
    anchor: &str,
    quote: &str,
) -> Result<Passage> {
    let segment = sqlx::query!(
        r#"select g.id, g.body, g.locator, s.author_id, s.title
           from segments g
           join current_source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id
           where s.slug = $1::text and g.anchor = $2 and s.hidden_at is null"#,
        source,
        anchor
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        Error::invalid(
            "segment",
            format!("source {source:?} has no segment {anchor:?}"),
        )
    })?;
    if quote.trim().is_empty() {
        return Err(Error::invalid(
            "quote",
            "quote the words of the passage the claim comes from",
        ));
    }
    let Some(&(start, end)) = locate(quote, &segment.body).first() else {
        let missing = format!(
            "these words are not in {} of {:?}",
            segment.locator, segment.title
        );
        let message = match nearest(quote, &segment.body) {
            Some(near) => format!(
                "{missing}; the nearest passage is “{}”: {}",
                near.passage, near.difference
            ),
            None => format!("{missing}: quote the passage as it is written"),
        };
        return Err(Error::invalid("quote", message));
    };
    Ok(Passage {
        segment_id: segment.id,
        author_id: segment.author_id,
        start,
        end,
        quoted: crate::sources::char_span(&segment.body, start, end),
    })
}

async fn actor_id(conn: &mut PgConnection, slug: &str) -> Result<i64> {
    sqlx::query_scalar!("select id from actors where slug = $1::text", slug)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::invalid("actor", format!("no actor has the slug {slug:?}")))
}

/// The relation a new claim starts with: both a kind and a target, or neither.
async fn find_bearing(
    conn: &mut PgConnection,
    relation: Option<RelationKind>,
    target: Option<&str>,
) -> Result<Option<Bearing>> {
    let target = target.map(str::trim).filter(|t| !t.is_empty());
    let (kind, target) = match (relation, target) {
        (None, None) => return Ok(None),
        (Some(kind), Some(target)) => (kind, target),
        (Some(_), None) => {
            return Err(Error::invalid(
                "target",
                "name the claim or proposal it relates to",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                "relation",
                "say whether it supports, attacks or undercuts the target",
            ));
        }
    };
    let (found, target) = crate::relations::targets::resolve(conn, target, "target").await?;
    found.check(kind, "target")?;
    Ok(Some(Bearing {
        kind,
        target,
        found,
    }))
}

pub(crate) async fn proposal_id(conn: &mut PgConnection, slug: &str, field: &str) -> Result<i64> {
    sqlx::query_scalar!(
        "select id from proposals where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        Error::invalid(
            field.to_owned(),
            format!("no proposal has the slug {slug:?}"),
        )
    })
}

/// The raised tension ("proposal-slug/tension-slug") a new claim is evidence for, and the
/// pole it argues for.
async fn find_evidence(
    conn: &mut PgConnection,
    link: Option<&str>,
    pole: Option<Pole>,
) -> Result<Option<(i64, Pole)>> {
    let Some(link) = link.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let (proposal, tension) = link
        .split_once('/')
        .ok_or_else(|| Error::invalid("shows_tension", "give it as proposal-slug/tension-slug"))?;
    let pole =
        pole.ok_or_else(|| Error::invalid("pole", "choose the pole it argues for: a or b"))?;
    let id = sqlx::query_scalar!(
        "select pt.id from proposal_tensions pt join proposals p on p.id = pt.proposal_id join tensions t on t.id = pt.tension_id
                 where p.slug = $1::text and t.slug = $2::text and pt.removed_at is null",
        proposal,
        tension
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::invalid("shows_tension", format!("{proposal} does not raise {tension}")))?;
    Ok(Some((id, pole)))
}

/// Stores the claim's quote, and marks the suggestions it covers as taken up.
async fn insert_quote(
    conn: &mut PgConnection,
    user: &User,
    claim_id: i64,
    passage: &Passage,
) -> Result<i64> {
    let (start, end) = (passage.start as i32, passage.end as i32);
    let id = sqlx::query_scalar!(
        "insert into quotes (claim_id, segment_id, start_char, end_char, body, created_by) values ($1, $2, $3, $4, $5, $6) returning id",
        claim_id,
        passage.segment_id,
        start,
        end,
        passage.quoted,
        user.id
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "update suggestions set status = 'accepted', decided_by = $2, decided_at = now()
         where segment_id = $1 and status = 'open' and kind = 'claim' and start_char < $4 and $3 < end_char",
        passage.segment_id,
        user.id,
        start,
        end
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

async fn insert_relation(
    conn: &mut PgConnection,
    user: &User,
    from: i64,
    bearing: &Bearing,
) -> Result<()> {
    let found = bearing.found;
    if found.claim() == Some(from) {
        return Err(Error::invalid("target", "a claim cannot relate to itself"));
    }
    sqlx::query!(
        "insert into relations (kind, from_claim_id, to_claim_id, to_proposal_id, to_relation_id, created_by)
         values ($1, $2, $3, $4, $5, $6)",
        bearing.kind.as_str(),
        from,
        found.claim(),
        found.proposal(),
        found.relation(),
        user.id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes the claim's tags exactly `tags` (retiring, never deleting, the others).
async fn set_tags(
    conn: &mut PgConnection,
    claim_id: i64,
    tags: &[String],
    user_id: i64,
) -> Result<()> {
    sqlx::query!(
        "update claim_tags ct set removed_at = now() from tags t
         where t.id = ct.tag_id and ct.claim_id = $1 and ct.removed_at is null and not (t.slug::text = any($2))",
        claim_id,
        tags
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "with wanted as (
             insert into tags (slug) select unnest($2::text[]) on conflict (slug) do update set slug = excluded.slug returning id
         )
         insert into claim_tags (claim_id, tag_id, created_by) select $1, id, $3 from wanted
         on conflict (claim_id, tag_id) do update set removed_at = null, created_by = excluded.created_by
             where claim_tags.removed_at is not null",
        claim_id,
        tags,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A claim's editable state, as shown to someone editing it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Editable {
    pub slug: String,
    pub version: i32,
    pub text: String,
    pub tags: Vec<String>,
    /// Who makes it (an actor's slug); None when unattributed.
    pub actor: Option<String>,
}

pub async fn editable(conn: &mut PgConnection, slug: &str) -> Result<Editable> {
    find_by_slug!(
        &mut *conn,
        "claim",
        Editable,
        r#"select c.slug as "slug!: String", c.version, c.body as text, a.slug as "actor?: String",
                  coalesce(array_agg(t.slug::text order by t.slug) filter (where t.id is not null), '{}') as "tags!"
           from claims c
           left join actors a on a.id = c.actor_id
           left join claim_tags ct on ct.claim_id = c.id and ct.removed_at is null
           left join tags t on t.id = ct.tag_id
           where c.slug = $1::text and c.hidden_at is null
           group by c.id, a.slug"#,
        slug
    )
}

/// An edit of a claim, made against the version the editor read.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ClaimEdit {
    pub version: i32,
    pub text: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Who makes it: an actor's slug, or "" for nobody named; left out, it stays.
    #[serde(default)]
    pub actor: Option<String>,
}

/// Applies `edit` unless the claim changed since `edit.version` (409, with the current
/// state, and nothing written).
pub async fn edit(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    edit: &ClaimEdit,
) -> Result<Editable> {
    let text = check_text(&edit.text)?;
    let tags = parse_tags(&edit.tags)?;
    let before = editable(conn, slug).await?;
    if before.version != edit.version {
        return Err(Error::Conflict {
            message: format!(
                "someone changed this claim while you were editing it (you edited version {}, it is now at version {}): your text is kept below; compare and save again",
                edit.version, before.version
            ),
            current: Some(serde_json::to_value(&before).expect("serialises")),
        });
    }
    let actor = match edit.actor.as_deref().map(str::trim) {
        None => before.actor.clone(),
        Some("") => None,
        Some(actor) => {
            actor_id(conn, actor).await?;
            Some(actor.to_owned())
        }
    };
    let id = sqlx::query_scalar!(
        "update claims set body = $2, version = version + 1,
                actor_id = (select id from actors where slug = $4::text)
         where slug = $1::text and version = $3 returning id",
        slug,
        text.as_str(),
        edit.version,
        actor.as_deref(),
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::Conflict {
        message: "someone changed this claim at the same moment: reload and try again".into(),
        current: None,
    })?;
    set_tags(conn, id, &tags, user.id).await?;
    let after = json!({ "body": text, "tags": tags, "actor": actor, "version": edit.version + 1 });
    let before = json!({ "body": before.text, "tags": before.tags, "actor": before.actor, "version": before.version });
    let change = Revision::new(ObjectKind::Claim, id, RevisionAction::Edit).before(before);
    record_change(conn, user, change, after).await?;
    editable(conn, slug).await
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewAnnotation {
    /// A comment in Markdown (shown sanitised).
    pub body: String,
    /// Blank for none.
    #[serde(default, deserialize_with = "crate::domain::blank_as_none")]
    pub stance: Option<Stance>,
}

pub async fn annotate(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    note: &NewAnnotation,
) -> Result<i64> {
    let body = note.body.trim();
    if body.is_empty() || body.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::invalid(
            "body",
            format!("write a comment of 1 to {MAX_NOTE_CHARS} characters"),
        ));
    }
    let stance = note.stance;
    let claim = claim_id(conn, slug, "claim").await?;
    let id = sqlx::query_scalar!(
        "insert into annotations (claim_id, user_id, body, stance) values ($1, $2, $3, $4) returning id",
        claim,
        user.id,
        body,
        stance.map(Stance::as_str)
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "claim_id": claim, "body": body, "stance": stance });
    record_created(conn, user, (ObjectKind::Annotation, id), after).await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewReview {
    pub reason: ReviewReason,
    #[serde(default)]
    pub note: String,
}

/// Marks a claim for a moderator's review.
pub async fn report(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    review: &NewReview,
) -> Result<i64> {
    let reason = review.reason;
    let note = review.note.trim();
    if note.chars().count() > 2000 {
        return Err(Error::invalid("note", "at most 2000 characters"));
    }
    let claim = claim_id(conn, slug, "claim").await?;
    let id = sqlx::query_scalar!(
        "insert into claim_reviews (claim_id, reason, note, reported_by) values ($1, $2, $3, $4) returning id",
        claim,
        reason.as_str(),
        note,
        user.id
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "claim_id": claim, "reason": reason, "note": note });
    record_created(conn, user, (ObjectKind::ClaimReview, id), after).await?;
    Ok(id)
}

/// A passage to add as a claim's quote: the source, and the words; the segment may be
/// left out (the first passage of the source holding the words is taken).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewQuote {
    /// The source's slug.
    pub source: String,
    /// The segment's anchor ("s3-11", "p4"); empty or left out: any passage.
    #[serde(default)]
    pub segment: String,
    /// The words quoted (straight or curly quotes and dashes both match; stored exactly).
    pub quote: String,
}

/// Adds a quote to the claim `slug`; returns its id. The revision is the quote's.
pub async fn add_quote(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    new: &NewQuote,
) -> Result<i64> {
    let claim = sqlx::query_scalar!(
        "select id from claims where slug = $1::text and hidden_at is null for update",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .or_not_found("claim", slug)?;
    if new.quote.trim().is_empty() {
        return Err(Error::invalid(
            "quote",
            "quote the words of the passage the claim comes from",
        ));
    }
    let passage = if new.segment.trim().is_empty() {
        search_passage(conn, new.source.trim(), &new.quote).await?
    } else {
        find_passage(conn, new.source.trim(), new.segment.trim(), &new.quote).await?
    };
    // The same span, retired earlier, is brought back (a span is quoted once per claim).
    let earlier = sqlx::query!(
        r#"select id, removed_at is not null as "retired!" from quotes
           where claim_id = $1 and segment_id = $2 and start_char = $3 and end_char = $4"#,
        claim,
        passage.segment_id,
        passage.start as i32,
        passage.end as i32
    )
    .fetch_optional(&mut *conn)
    .await?;
    let id = match earlier {
        Some(quote) if !quote.retired => {
            return Err(Error::Conflict {
                message: format!("the claim already quotes these words (quote {})", quote.id),
                current: None,
            });
        }
        Some(quote) => {
            sqlx::query!(
                "update quotes set removed_at = null where id = $1",
                quote.id
            )
            .execute(&mut *conn)
            .await?;
            quote.id
        }
        None => insert_quote(conn, user, claim, &passage).await?,
    };
    let after = json!({ "claim": slug, "quote": passage.quoted, "segment_id": passage.segment_id });
    record_created(conn, user, (ObjectKind::Quote, id), after).await?;
    Ok(id)
}

/// Retires the quote `id` of the claim `slug` (it stays, with its history). A claim
/// keeps at least one quote: retiring its last is a 422.
pub async fn retire_quote(conn: &mut PgConnection, user: &User, slug: &str, id: i64) -> Result<()> {
    let quote = sqlx::query!(
        r#"select q.body, q.removed_at is not null as "retired!",
                  (select count(*) from quotes o where o.claim_id = c.id and o.removed_at is null) as "live!"
           from quotes q join claims c on c.id = q.claim_id
           where q.id = $1 and c.slug = $2::text and c.hidden_at is null
           for update of q, c"#,
        id,
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("quote {id} of the claim {slug:?}")))?;
    if quote.retired {
        return Err(Error::Conflict {
            message: format!("quote {id} is already retired"),
            current: None,
        });
    }
    if quote.live <= 1 {
        return Err(Error::invalid(
            "quote",
            "a claim keeps at least one quote: add the right one before retiring this",
        ));
    }
    sqlx::query!(
        "update quotes set removed_at = now(), is_primary = false where id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    let change = Revision::new(ObjectKind::Quote, id, RevisionAction::Unlink)
        .before(json!({ "claim": slug, "quote": quote.body }));
    let after = json!({ "claim": slug, "quote": quote.body, "retired": true });
    record_change(conn, user, change, after).await?;
    Ok(())
}
