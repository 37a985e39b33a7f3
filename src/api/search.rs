//! `/api/v1/search`: full-text search over the map.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::query_text;
use crate::{AppState, Result};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find (web search syntax: "phrase", or, -word).
    #[param(max_length = 200)]
    q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: String,
    pub url: String,
    pub title: String,
    /// An extract with the matched words in `<mark>` (the rest escaped).
    pub snippet_html: String,
}

/// Full-text search over claims, quotes, proposals, tensions, debates and sources.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "map",
    params(SearchQuery),
    responses(
        (status = 200, body = Vec<SearchHit>),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>> {
    let q = query_text(&query.q, crate::search::MAX_QUERY_CHARS)?;
    let tsquery = crate::search::parse(&state.db, q).await?;
    let hits = crate::search::find(&state, &tsquery).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SearchHit {
                kind: h.kind,
                url: h.href,
                title: h.title,
                snippet_html: h.snippet,
            })
            .collect(),
    ))
}
