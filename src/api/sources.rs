//! Sources in the API: adding one (or previewing it, saving nothing), reading one with
//! its segments, and the suggested claims of a source with the claims they resemble.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::declare::api_read;
use super::{ApiJson, Writer};
use crate::sources::import::{NewSource, find_debate, import_source_by, prepare};
use crate::sources::read;
use crate::{AppState, Result};

/// `?preview=true`: check and clean the document, and save nothing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// Answer the cleaned source as `argmap import --dry-run --json` prints it, saving
    /// nothing.
    #[serde(default)]
    preview: bool,
}

/// A source stored (or found already stored, with the same text).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedSource {
    pub slug: String,
    pub url: String,
    pub version: i32,
    pub segments: usize,
    /// False when the same text was already stored: nothing was written.
    pub changed: bool,
}

/// Adds a source from its text, with the checks, cleaning and limits of `argmap import`
/// (at most 1 MiB; an unknown debate, a bad date or URL are 422 naming the field). With
/// `?preview=true` it answers the cleaned source (`title`, `author`, `outlet`, `url`,
/// `published`, `kind`, `segments` with `anchor`, `kind`, `locator`, `text`, and the
/// suggested claims) and saves nothing. A text already stored answers 200 naming it; a
/// text at the URL of a source already there becomes its next version.
#[utoipa::path(
    post,
    path = "/api/v1/sources",
    tag = "sources",
    params(PreviewQuery),
    request_body = NewSource,
    responses(
        (status = 201, body = ImportedSource, description = "the source, stored with its revision"),
        (status = 200, description = "the preview (saving nothing), or the source already stored with this text"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    writer: Writer,
    Query(query): Query<PreviewQuery>,
    ApiJson(new): ApiJson<NewSource>,
) -> Result<Response> {
    let input = new.input("text")?;
    if query.preview {
        let prepared = prepare(&input).map_err(|err| err.into_http("text"))?;
        if let Some(debate) = &input.debate {
            let mut conn = state.db.acquire().await?;
            find_debate(&mut conn, "text", debate)
                .await
                .map_err(|err| err.into_http("text"))?;
        }
        return Ok(Json(prepared.to_json()).into_response());
    }
    let outcome = writer
        .in_transaction(async |tx, user| {
            import_source_by(tx, &input, Some(user.id))
                .await
                .map_err(|err| err.into_http("text"))
        })
        .await?;
    let status = if outcome.changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = ImportedSource {
        url: format!("/sources/{}", outcome.slug),
        slug: outcome.slug,
        version: outcome.version,
        segments: outcome.segments,
        changed: outcome.changed,
    };
    Ok((status, Json(body)).into_response())
}

/// A source at its current version, with its debates and its text segment by segment.
#[derive(Serialize, ToSchema)]
pub(crate) struct SourceDocument {
    #[serde(flatten)]
    source: read::Source,
    /// The slugs of the debates it belongs to.
    debates: Vec<String>,
    segments: Vec<read::Segment>,
}

api_read! {
    tag = "sources";

    /// A source: its metadata, and its current text segment by segment.
    get "/api/v1/sources/{slug}"
    fn show(path slug: String) -> SourceDocument |state| {
        let source = read::find(&state.db, &slug).await?;
        let segments = read::segments(&state.db, source.version_id).await?;
        let debates = read::debates(&state.db, source.id).await?;
        SourceDocument {
            source,
            debates: debates.into_iter().map(|d| d.slug).collect(),
            segments,
        }
    }

    /// The open suggested claims of a source's current version, each with the existing claims
    /// it resembles (full text and trigram similarity).
    get "/api/v1/sources/{slug}/suggestions"
    fn suggestions(path slug: String) -> Vec<read::Suggested> |state| {
        let source = read::find(&state.db, &slug).await?;
        read::suggestions(&state.db, source.version_id).await?
    }
}
