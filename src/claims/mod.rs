//! A claim's page: the claim and who makes it, its quotes linked into their sources, what
//! it supports or attacks and what supports or attacks it, its standing and why,
//! annotations, and its history.

pub mod forms;
pub mod write;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use sqlx::PgPool;

use crate::standing::Standing;
use crate::views::{ClaimItem, Crumb, Standings};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/claims/{key}", get(show))
        .route("/claims/{key}/history", get(history))
}

struct Claim {
    id: i64,
    slug: String,
    body: String,
    actor_name: Option<String>,
    actor_about: Option<String>,
    hidden: bool,
    merged_into: Option<String>,
    created_by: Option<i64>,
}

struct Quote {
    body: String,
    locator: String,
    anchor: String,
    source_slug: String,
    source_title: String,
    version: i32,
    latest_version: i32,
    /// The quote the map marks as carrying the claim best.
    primary: bool,
}

/// A claim or proposal this claim relates to, or one relating to it.
struct Related {
    kind: String,
    href: String,
    text: String,
    actor: Option<String>,
    standing: Option<&'static str>,
}

struct Evidence {
    proposal_slug: String,
    proposal_title: String,
    tension_slug: String,
    tension_title: String,
    pole_name: String,
}

struct Annotation {
    id: i64,
    author: String,
    body: String,
    stance: Option<String>,
    created_at: time::OffsetDateTime,
}

impl Annotation {
    /// The comment as sanitised HTML.
    fn html(&self) -> String {
        crate::markdown::render(&self.body)
    }
}

/// An open review of the claim, shown to its author and to moderators.
struct OpenReview {
    id: i64,
    reason: String,
    note: String,
    replies: Vec<String>,
}

#[derive(Template)]
#[template(path = "claims/show.html")]
struct ClaimPage {
    chrome: crate::auth::Chrome,
    crumbs: Vec<Crumb>,
    claim: Claim,
    standing: Standing,
    /// The claims named by the standing's explanation.
    explained_by: Vec<ClaimItem>,
    quotes: Vec<Quote>,
    outgoing: Vec<Related>,
    incoming: Vec<Related>,
    /// Whether anything attacks or undercuts it.
    attacked: bool,
    evidence: Vec<Evidence>,
    tags: Vec<String>,
    annotations: Vec<Annotation>,
    reviews: Vec<OpenReview>,
    revisions: i64,
}

impl ClaimPage {
    /// The claim's author or a moderator may answer its reviews.
    fn can_reply(&self) -> bool {
        self.chrome.is_moderator()
            || self
                .chrome
                .user
                .as_ref()
                .is_some_and(|u| Some(u.id) == self.claim.created_by)
    }
}

/// Finds a claim by slug, or by numeric id (which redirects to the slug's URL). Hidden
/// claims are found only for moderators.
async fn find(
    db: &PgPool,
    key: &str,
    include_hidden: bool,
) -> Result<std::result::Result<Claim, String>> {
    let by_id: Option<i64> = key.parse().ok();
    let claim = sqlx::query_as!(
        Claim,
        r#"select c.id, c.slug as "slug!: String", c.body, a.name as "actor_name?", a.about as "actor_about?",
                  c.hidden_at is not null as "hidden!", m.slug as "merged_into?: String", c.created_by
           from claims c
           left join actors a on a.id = c.actor_id
           left join claims m on m.id = c.merged_into_id
           where (c.slug = $1::text or c.id = $2) and (c.hidden_at is null or $3)
           order by c.slug = $1::text desc
           limit 1"#,
        key,
        by_id,
        include_hidden
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the claim {key:?}")))?;
    if claim.slug != key {
        return Ok(Err(format!("/claims/{}", claim.slug)));
    }
    Ok(Ok(claim))
}

async fn show(
    State(state): State<AppState>,
    chrome: crate::auth::Chrome,
    Path(key): Path<String>,
) -> Result<Response> {
    let db = &state.db;
    let claim = match find(db, &key, chrome.is_moderator()).await? {
        Ok(claim) => claim,
        Err(canonical) => return Ok(Redirect::permanent(&canonical).into_response()),
    };
    let standings = Standings::load(db).await?;
    let standing = standings.of(claim.id).cloned().unwrap_or(Standing::Stands);
    let named: Vec<i64> = match &standing {
        Standing::Stands => Vec::new(),
        Standing::Defeated { by } => vec![*by],
        Standing::Contested { cycle } => cycle.clone(),
    };

    let quotes = sqlx::query_as!(
        Quote,
        r#"select q.body, g.locator, g.anchor, s.slug as "source_slug!: String", s.title as source_title,
                  v.number as version,
                  (select max(number) from source_versions where source_id = s.id) as "latest_version!",
                  q.is_primary as primary
           from quotes q
           join segments g on g.id = q.segment_id
           join source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id and s.hidden_at is null
           where q.claim_id = $1 and q.removed_at is null
           order by q.is_primary desc, s.title, g.position, q.start_char"#,
        claim.id
    )
    .fetch_all(db)
    .await?;

    let relations = sqlx::query!(
        r#"select r.kind, r.from_claim_id = $1 as "outgoing!",
                  oc.id as "other_id?", oc.slug as "other_slug?: String", oc.body as "other_body?",
                  oa.name as "other_actor?",
                  p.slug as "proposal_slug?: String", p.title as "proposal_title?"
           from relations r
           left join claims oc on oc.id = case when r.from_claim_id = $1 then r.to_claim_id else r.from_claim_id end
                              and oc.hidden_at is null
           left join actors oa on oa.id = oc.actor_id
           left join proposals p on p.id = r.to_proposal_id and r.from_claim_id = $1 and p.hidden_at is null
           where (r.from_claim_id = $1 or r.to_claim_id = $1) and r.removed_at is null
           order by r.kind, r.id"#,
        claim.id
    )
    .fetch_all(db)
    .await?;
    let (mut outgoing, mut incoming) = (Vec::new(), Vec::new());
    for row in relations {
        let related = match (
            row.other_id,
            row.other_slug,
            row.other_body,
            row.proposal_slug,
            row.proposal_title,
        ) {
            (Some(id), Some(slug), Some(body), _, _) => Related {
                kind: row.kind,
                href: format!("/claims/{slug}"),
                text: body,
                actor: row.other_actor,
                standing: Some(standings.label(id)),
            },
            (_, _, _, Some(slug), Some(title)) => Related {
                kind: row.kind,
                href: format!("/proposals/{slug}"),
                text: title,
                actor: None,
                standing: None,
            },
            _ => continue, // the other end is hidden
        };
        if row.outgoing {
            outgoing.push(related)
        } else {
            incoming.push(related)
        }
    }

    let explained_by = sqlx::query!(
        r#"select c.id, c.slug as "slug!: String", c.body, a.name as "actor?"
           from claims c left join actors a on a.id = c.actor_id
           where c.id = any($1)"#,
        &named
    )
    .fetch_all(db)
    .await?;
    // In the order the explanation gives them.
    let explained_by: Vec<ClaimItem> = named
        .iter()
        .filter_map(|id| explained_by.iter().find(|c| c.id == *id))
        .map(|c| ClaimItem {
            id: c.id,
            slug: c.slug.clone(),
            body: c.body.clone(),
            actor: c.actor.clone(),
            standing: standings.label(c.id),
        })
        .collect();

    let evidence = sqlx::query_as!(
        Evidence,
        r#"select p.slug as "proposal_slug!: String", p.title as proposal_title,
                  t.slug as "tension_slug!: String", t.title as tension_title,
                  case when e.pole = 'a' then t.pole_a else t.pole_b end as "pole_name!"
           from tension_evidence e
           join proposal_tensions pt on pt.id = e.proposal_tension_id and pt.removed_at is null
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           where e.claim_id = $1 and e.removed_at is null
           order by p.title"#,
        claim.id
    )
    .fetch_all(db)
    .await?;

    let tags = sqlx::query_scalar!(
        r#"select t.slug as "slug!: String" from claim_tags ct join tags t on t.id = ct.tag_id
           where ct.claim_id = $1 and ct.removed_at is null order by t.slug"#,
        claim.id
    )
    .fetch_all(db)
    .await?;

    let annotations = sqlx::query_as!(
        Annotation,
        r#"select n.id, u.display_name as author, n.body, n.stance, n.created_at
           from annotations n join users u on u.id = n.user_id
           where n.claim_id = $1 and n.hidden_at is null
           order by n.created_at"#,
        claim.id
    )
    .fetch_all(db)
    .await?;

    let reviews = sqlx::query!(
        r#"select r.id, r.reason, r.note,
                  coalesce(array_agg(u.display_name || ': ' || rr.body order by rr.id) filter (where rr.id is not null), '{}') as "replies!"
           from claim_reviews r
           left join review_replies rr on rr.review_id = r.id
           left join users u on u.id = rr.user_id
           where r.claim_id = $1 and r.resolution is null
           group by r.id order by r.id"#,
        claim.id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| OpenReview { id: r.id, reason: r.reason, note: r.note, replies: r.replies })
    .collect();

    let revisions = sqlx::query_scalar!(
        r#"select count(*) as "count!" from revisions where object_kind = 'claim' and object_id = $1"#,
        claim.id
    )
    .fetch_one(db)
    .await?;

    let crumbs = vec![
        Crumb::home(),
        Crumb::new(short(&claim.body), format!("/claims/{}", claim.slug)),
    ];
    let attacked = incoming.iter().any(|r| r.kind != "supports");
    let page = ClaimPage {
        chrome,
        crumbs,
        claim,
        standing,
        explained_by,
        quotes,
        outgoing,
        incoming,
        attacked,
        evidence,
        tags,
        annotations,
        reviews,
        revisions,
    };
    Ok(Html(page.render()?).into_response())
}

/// A claim's text cut for a breadcrumb.
pub fn short(text: &str) -> String {
    const MAX: usize = 48;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

async fn history(
    State(state): State<AppState>,
    chrome: crate::auth::Chrome,
    Path(key): Path<String>,
) -> Result<Response> {
    let db = &state.db;
    let claim = match find(db, &key, chrome.is_moderator()).await? {
        Ok(claim) => claim,
        Err(canonical) => {
            return Ok(Redirect::permanent(&format!("{canonical}/history")).into_response());
        }
    };
    crate::history::page(
        db,
        chrome,
        "claim",
        claim.id,
        claim.body,
        format!("/claims/{}", claim.slug),
    )
    .await
}
