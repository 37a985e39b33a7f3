//! `/api/v1/claims/{slug}/{hide,restore,merge}`: the moderators' actions on claims.

use axum::extract::Path;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, Writer};
use crate::Result;
use crate::moderation::write;

/// Hides a claim (moderators).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/hide",
    tag = "claims",
    responses(
        (status = 204),
    )
)]
pub async fn hide(writer: Writer, Path(slug): Path<String>) -> Result<StatusCode> {
    set_hidden(writer, &slug, true).await
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
pub async fn restore(writer: Writer, Path(slug): Path<String>) -> Result<StatusCode> {
    set_hidden(writer, &slug, false).await
}

/// Hides or restores the claim `slug`: 204 once done.
async fn set_hidden(writer: Writer, slug: &str, hidden: bool) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::set_hidden(tx, user, slug, hidden).await)
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
    writer: Writer,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<MergeInto>,
) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::merge(tx, user, &slug, &body.into).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
