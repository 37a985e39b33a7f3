//! Moderation: the review queue, answering and closing reviews, hiding and restoring
//! claims, merging duplicates. Every form carries the session's CSRF token; every change
//! goes through `write` in one transaction with its revision.

pub(crate) mod write;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, Role, SignedInPage, Writer};
use crate::browse::{PageQuery, Pager, paged};
use crate::domain::ReviewReason;
use crate::read::Slice;
use crate::views::Crumb;
use crate::views::form::Page;
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/claims/{key}/hide",
            post(|writer, key, csrf| set_hidden(true, writer, key, csrf)),
        )
        .route(
            "/claims/{key}/restore",
            post(|writer, key, csrf| set_hidden(false, writer, key, csrf)),
        )
        .route("/claims/{key}/merge", post(merge))
        .route("/moderation", get(queue))
        .route("/moderation/reviews/{id}/dismiss", post(dismiss))
        .route("/moderation/reviews/{id}/replies", post(reply))
}

/// Hides (`hide`) or restores a claim, then shows it.
async fn set_hidden(
    hide: bool,
    writer: Writer,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| write::set_hidden(tx, user, &key, hide).await)
        .await?;
    Ok(Redirect::to(&format!("/claims/{key}")))
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

async fn merge(
    writer: Writer,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Result<Redirect> {
    let into = writer
        .in_transaction(async |tx, user| write::merge(tx, user, &key, &form.into).await)
        .await?;
    Ok(Redirect::to(&format!("/claims/{into}")))
}

struct OpenReview {
    id: i64,
    claim_slug: String,
    claim_body: String,
    reason: ReviewReason,
    note: String,
    reporter: String,
    created_at: time::OffsetDateTime,
    replies: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    reviews: Vec<OpenReview>,
    pager: Pager,
}

async fn queue(
    SignedInPage(state, user, masthead): SignedInPage,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    user.require(Role::Moderator)?;
    let (reviews, pager) = paged(query, "/moderation", async |slice| {
        open_reviews(&state.db, slice).await
    })
    .await?;
    let page = QueuePage {
        masthead,
        crumbs: Crumb::step("Review queue", "/moderation"),
        reviews,
        pager,
    };
    page.page()
}

/// The open reviews in `slice`, oldest first.
async fn open_reviews(db: &sqlx::PgPool, slice: Slice) -> Result<Vec<OpenReview>> {
    let rows = sqlx::query!(
        r#"select r.id, c.slug as "claim_slug!: String", c.body as claim_body, r.reason as "reason: ReviewReason", r.note,
                  u.display_name as reporter, r.created_at,
                  coalesce(array_agg(ru.display_name order by rr.id) filter (where rr.id is not null), '{}') as "reply_authors!",
                  coalesce(array_agg(rr.body order by rr.id) filter (where rr.id is not null), '{}') as "reply_bodies!"
           from claim_reviews r
           join claims c on c.id = r.claim_id
           join users u on u.id = r.reported_by
           left join review_replies rr on rr.review_id = r.id
           left join users ru on ru.id = rr.user_id
           where r.resolution is null
           group by r.id, c.id, u.id
           order by r.created_at, r.id
           limit $1 offset $2"#,
        slice.limit,
        slice.offset
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenReview {
            id: r.id,
            claim_slug: r.claim_slug,
            claim_body: r.claim_body,
            reason: r.reason,
            note: r.note,
            reporter: r.reporter,
            created_at: r.created_at,
            replies: r.reply_authors.into_iter().zip(r.reply_bodies).collect(),
        })
        .collect())
}

async fn dismiss(
    writer: Writer,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| write::dismiss(tx, user, id).await)
        .await?;
    Ok(Redirect::to("/moderation"))
}

#[derive(Debug, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    back: Option<String>,
}

async fn reply(
    writer: Writer,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| write::reply(tx, user, id, &form.body).await)
        .await?;
    Ok(Redirect::to(&crate::auth::safe_next(form.back.as_deref())))
}
