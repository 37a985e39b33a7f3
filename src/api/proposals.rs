//! `/api/v1/proposals`: a proposal's argument as a document; adding and editing proposals.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::map::document;
use super::{ApiJson, Created, Writer};
use crate::export::Scope;
use crate::proposals::write::{self, NewProposal, ProposalEdit};
use crate::{AppState, Result};

/// A proposal with its argument.
#[utoipa::path(
    get,
    path = "/api/v1/proposals/{slug}",
    tag = "map",
    responses(
        (status = 200, body = Object, description = "an argmap-map document"),
    )
)]
pub async fn proposal(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>> {
    document(&state, Scope::Proposal(slug)).await
}

/// Adds a proposal to a debate.
#[utoipa::path(
    post,
    path = "/api/v1/proposals",
    tag = "map",
    request_body = NewProposal,
    responses(
        (status = 201, body = Created),
    )
)]
pub async fn create_proposal(
    writer: Writer,
    ApiJson(new): ApiJson<NewProposal>,
) -> Result<(StatusCode, Json<Created>)> {
    let slug = writer
        .in_transaction(async |tx, user| write::create_proposal(tx, user, &new).await)
        .await?;
    Ok(Created::at("/proposals", slug))
}

/// Edits a proposal; 409 with the current state if it changed since `version`.
#[utoipa::path(
    patch,
    path = "/api/v1/proposals/{slug}",
    tag = "map",
    request_body = ProposalEdit,
    responses(
        (status = 204),
    )
)]
pub async fn edit_proposal(
    writer: Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<ProposalEdit>,
) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::edit_proposal(tx, user, &slug, &edit).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
