//! `/api/v1/map`, `/api/v1/debates/{slug}`, `/api/v1/stats`: the map and its parts as
//! argmap JSON documents, and the figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::export::{self, Scope};
use crate::stats::Stats;
use crate::{AppState, Error, Result};

/// An argmap JSON document for `scope`, or a 404 naming the debate or proposal.
pub(super) async fn document(state: &AppState, scope: Scope) -> Result<Json<serde_json::Value>> {
    let missing = match &scope {
        Scope::All => "the map".to_owned(),
        Scope::Debate(slug) => format!("the debate {slug:?}"),
        Scope::Proposal(slug) => format!("the proposal {slug:?}"),
    };
    let standings = state.caches.standings(&state.db).await?;
    let doc = export::load_with(&state.db, scope, Some(standings))
        .await?
        .ok_or(Error::NotFound(missing))?;
    Ok(Json(
        serde_json::to_value(doc).expect("the model serialises"),
    ))
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
    let body = export::stream::whole_map(&state).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A debate: its proposals, the claims around them, the tensions they raise.
#[utoipa::path(
    get,
    path = "/api/v1/debates/{slug}",
    tag = "map",
    responses(
        (status = 200, body = Object, description = "an argmap-map document"),
    )
)]
pub async fn debate(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>> {
    document(&state, Scope::Debate(slug)).await
}

/// Counts of what the map holds.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "map",
    responses(
        (status = 200, body = Stats),
    )
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<Stats>> {
    Ok(Json(state.caches.stats(&state.db).await?))
}
