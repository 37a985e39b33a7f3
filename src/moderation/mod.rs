//! Moderation: the review queue, answering and closing reviews, hiding and restoring
//! claims, merging duplicates. Every form carries the session's CSRF token; every change
//! goes through `write` in one transaction with its revision.

pub(crate) mod read;
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

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    reviews: Vec<read::OpenReview>,
    pager: Pager,
}

async fn queue(
    SignedInPage(state, user, masthead): SignedInPage,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    user.require(Role::Moderator)?;
    let (reviews, pager) = paged(query, "/moderation", async |slice| {
        read::open_reviews(&state.db, None, slice).await
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
