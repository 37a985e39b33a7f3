//! `/api/v1/claims/{slug}/{hide,restore,merge}`: the moderators' actions on claims.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, Writer, in_transaction};
use crate::auth::User;
use crate::moderation::write;
use crate::{AppState, Result};

/// Hides a claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/hide",
    tag = "claims",
    responses(
        (status = 204),
    )
)]
pub async fn hide(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
) -> Result<StatusCode> {
    set_hidden(&state, &user, &slug, true).await
}

/// Restores a hidden claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/restore",
    tag = "claims",
    responses(
        (status = 204),
    )
)]
pub async fn restore(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
) -> Result<StatusCode> {
    set_hidden(&state, &user, &slug, false).await
}

/// Hides or restores the claim `slug`: 204 once done.
async fn set_hidden(state: &AppState, user: &User, slug: &str, hidden: bool) -> Result<StatusCode> {
    in_transaction(&state.db, async |tx| {
        write::set_hidden(tx, user, slug, hidden).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeInto {
    /// The surviving claim: its slug, or a few of its words (several matches are a 422
    /// saying so).
    pub into: String,
}

/// Merges a duplicate into a surviving claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/merge",
    tag = "claims",
    request_body = MergeInto,
    responses(
        (status = 204),
    )
)]
pub async fn merge(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<MergeInto>,
) -> Result<StatusCode> {
    in_transaction(&state.db, async |tx| {
        write::merge(tx, &user, &slug, &body.into).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
