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
use crate::sources::suggest::SimilarClaim;
use crate::sources::{SegmentKind, SourceKind};
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

/// A source at its current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDocument {
    pub slug: String,
    pub kind: SourceKind,
    pub title: String,
    pub author: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// YYYY-MM-DD.
    pub published: Option<String>,
    /// The number of the current version of its text.
    pub version: i32,
    /// The slugs of the debates it belongs to.
    pub debates: Vec<String>,
    pub segments: Vec<SourceSegment>,
}

/// A post, paragraph or heading of a source's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceSegment {
    /// Its anchor on the source page (`#s3-11`), and what claims name as their `segment`.
    pub anchor: String,
    /// How the document numbers it ("3/11", "¶4").
    pub locator: String,
    pub kind: SegmentKind,
    pub text: String,
}

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

api_read! {
    tag = "sources";

    /// A source: its metadata, and its current text segment by segment.
    get "/api/v1/sources/{slug}"
    fn show(path slug: String) -> SourceDocument |state| {
        let source = read::find(&state.db, &slug).await?;
        let segments = read::segments(&state.db, source.version_id).await?;
        let debates = read::debates(&state.db, source.id).await?;
        SourceDocument {
            slug: source.slug,
            kind: source.kind,
            title: source.title,
            author: source.author,
            outlet: source.outlet,
            url: source.url,
            published: source.published_on.map(|d| d.to_string()),
            version: source.version,
            debates: debates.into_iter().map(|d| d.slug).collect(),
            segments: segments.into_iter().map(SourceSegment::from).collect(),
        }
    }

    /// The open suggested claims of a source's current version, each with the existing claims
    /// it resembles (full text and trigram similarity).
    get "/api/v1/sources/{slug}/suggestions"
    fn suggestions(path slug: String) -> Vec<SuggestedClaim> |state| {
        let source = read::find(&state.db, &slug).await?;
        let suggestions = read::suggestions(&state.db, source.version_id).await?;
        suggestions.into_iter().map(SuggestedClaim::from).collect()
    }
}

impl From<read::Segment> for SourceSegment {
    fn from(s: read::Segment) -> SourceSegment {
        SourceSegment {
            anchor: s.anchor,
            locator: s.locator,
            kind: s.kind,
            text: s.body,
        }
    }
}

impl From<read::Suggested> for SuggestedClaim {
    fn from(s: read::Suggested) -> SuggestedClaim {
        SuggestedClaim {
            id: s.id,
            segment: s.anchor,
            text: s.body,
            cues: s.cues,
            similar: s.similar,
        }
    }
}
