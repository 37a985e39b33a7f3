//! `/api/v1/map`, `/api/v1/debates/{slug}`, `/api/v1/stats`: the map and its parts as
//! argmap JSON documents, and the figures.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::declare::api_read;
use crate::export::{self, Scope};
use crate::stats::Stats;
use crate::{AppState, Error, Result};

/// Any JSON object, as utoipa names it: an argmap JSON document's type in the OpenAPI
/// document.
pub(super) type Object = serde_json::Value;

/// An argmap JSON document for `scope`, or a 404 naming the debate or proposal.
pub(super) async fn document(state: &AppState, scope: Scope) -> Result<Object> {
    let missing = match &scope {
        Scope::All => "the map".to_owned(),
        Scope::Debate(slug) => format!("the debate {slug:?}"),
        Scope::Proposal(slug) => format!("the proposal {slug:?}"),
    };
    let doc = export::load_with(&state.db, scope, Some(&state.caches))
        .await?
        .ok_or(Error::NotFound(missing))?;
    Ok(serde_json::to_value(doc).expect("the model serialises"))
}

/// The whole map as an argmap JSON document (schema: /static/schemas/argmap-map.v1.schema.json).
#[utoipa::path(
    get,
    path = "/api/v1/map",
    tag = "map",
    responses(
        (status = 200, body = Object, description = "an argmap-map document"),
    )
)]
pub async fn map(State(state): State<AppState>) -> Result<Response> {
    // Written as it is read, like `/export/map.json`: the whole map is too large to hold.
    let body = export::stream::whole_map(&state).await;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

api_read! {
    tag = "map";

    /// A debate: its proposals, the claims around them, the tensions they raise.
    get "/api/v1/debates/{slug}"
    described("an argmap-map document")
    fn debate(path slug: String) -> Object |state| {
        document(&state, Scope::Debate(slug)).await?
    }

    /// Counts of what the map holds.
    get "/api/v1/stats"
    fn stats() -> Stats |state| {
        state.caches.stats(&state.db).await?
    }
}
