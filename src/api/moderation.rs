//! `/api/v1/claims/{slug}/{hide,restore,merge}`: the moderators' actions on claims.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, SlugPath, Writer};
use crate::error::Problem;
use crate::moderation::write;
use crate::{AppState, Result};

/// Hides a claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/hide",
    tag = "claims",
    security(("token" = [])),
    params(SlugPath),
    responses(
        (status = 204),
        (status = 403, body = Problem),
    )
)]
pub async fn hide(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::set_hidden(&mut tx, &user, &slug, true).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a hidden claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/restore",
    tag = "claims",
    security(("token" = [])),
    params(SlugPath),
    responses(
        (status = 204),
        (status = 403, body = Problem),
    )
)]
pub async fn restore(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::set_hidden(&mut tx, &user, &slug, false).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeInto {
    /// The surviving claim's slug.
    pub into: String,
}

/// Merges a duplicate into a surviving claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/merge",
    tag = "claims",
    request_body = MergeInto,
    security(("token" = [])),
    params(SlugPath),
    responses(
        (status = 204),
        (status = 403, body = Problem),
        (status = 422, body = Problem),
    )
)]
pub async fn merge(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<MergeInto>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::merge(&mut tx, &user, &slug, &body.into).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
