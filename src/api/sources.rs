//! Sources in the API: the suggested claims of a source, with the claims they resemble.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::sources::read;
use crate::sources::suggest::SimilarClaim;
use crate::{AppState, Result};

/// A candidate claim argmap found in a source's current text, not yet taken up or dismissed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedClaim {
    pub id: i64,
    /// The segment it is in (its anchor on the source page).
    pub segment: String,
    pub text: String,
    /// Why it was suggested ("contrast: but", "modal: should").
    pub cues: Vec<String>,
    /// Claims already in the map it resembles: link to one rather than add a duplicate.
    pub similar: Vec<SimilarClaim>,
}

/// The open suggested claims of a source's current version, each with the existing claims
/// it resembles (full text and trigram similarity).
#[utoipa::path(
    get,
    path = "/api/v1/sources/{slug}/suggestions",
    tag = "sources",
    responses(
        (status = 200, body = Vec<SuggestedClaim>),
    )
)]
pub async fn suggestions(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<SuggestedClaim>>> {
    let source = read::find(&state.db, &slug).await?;
    let suggestions = read::suggestions(&state.db, source.version_id).await?;
    Ok(Json(
        suggestions
            .into_iter()
            .map(|s| SuggestedClaim {
                id: s.id,
                segment: s.anchor,
                text: s.body,
                cues: s.cues,
                similar: s.similar,
            })
            .collect(),
    ))
}
