//! `/api/v1/proposals`: a proposal's argument as a document; adding and editing proposals.

use axum::Json;
use axum::extract::{Path, State};

use super::Created;
use super::map::document;
use super::write::api_write;
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

api_write! {
    tag = "map";

    /// Adds a proposal to a debate.
    post "/api/v1/proposals"
    fn create_proposal(body new: NewProposal) -> CREATED Created |tx, user| {
        let slug = write::create_proposal(tx, user, &new).await?;
        Ok(Created::at("/proposals", slug))
    }

    /// Edits a proposal; 409 with the current state if it changed since `version`.
    patch "/api/v1/proposals/{slug}"
    fn edit_proposal(path slug: String, body edit: ProposalEdit) -> NO_CONTENT |tx, user| {
        write::edit_proposal(tx, user, &slug, &edit).await
    }
}
