//! Sources in the API: the suggested claims of a source, with the claims they resemble.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::sources::suggest::{self, SimilarClaim};
use crate::{AppState, Error, Result};

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
#[utoipa::path(get, path = "/api/v1/sources/{slug}/suggestions", tag = "sources",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<SuggestedClaim>), (status = 404, description = "no such source")))]
pub async fn suggestions(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<SuggestedClaim>>> {
    let version_id = sqlx::query_scalar!(
        r#"select v.id as "id!" from sources s join current_source_versions v on v.source_id = s.id
           where s.slug = $1::text"#,
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the source {slug:?}")))?;
    let rows = sqlx::query!(
        r#"select s.id, g.anchor, s.body, s.cues
           from suggestions s join segments g on g.id = s.segment_id
           where g.source_version_id = $1 and s.status = 'open' and s.kind = 'claim'
           order by g.position, s.start_char"#,
        version_id
    )
    .fetch_all(&state.db)
    .await?;
    let mut similar = suggest::similar_claims(&state.db, version_id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| SuggestedClaim {
                id: row.id,
                segment: row.anchor,
                text: row.body,
                cues: row.cues,
                similar: similar.remove(&row.id).unwrap_or_default(),
            })
            .collect(),
    ))
}
