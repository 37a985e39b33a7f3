//! Export URLs: the map of everything, of a debate or of a proposal in every format, and
//! the debate summary.
//!
//! `/export/map.{ext}`, `/debates/{slug}/map.{ext}`, `/proposals/{slug}/map.{ext}`, where
//! `ext` is a [`Format::extension`]; `/debates/{slug}/summary.{md,html,docx}`, short by
//! default, with `?detail=full` for the annex of every proposal.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::summary::{self, Detail, NoteFormat};
use super::{Format, Scope, load_with, stream};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/export/{file}", get(everything))
        .route("/debates/{slug}/{file}", get(debate_file))
        .route("/proposals/{slug}/{file}", get(proposal_file))
}

/// The site's public address, for absolute links in documents that leave the site: the
/// configured one (`--public-url`), or else the address the client reached, when its `Host`
/// is a plain host name (anything else falls back to `localhost`).
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

fn format_of(file: &str) -> Result<Format> {
    file.strip_prefix("map.")
        .and_then(Format::from_extension)
        .ok_or_else(|| Error::NotFound(format!("the export {file:?} (try map.json, map.argdown, map.aif.json, map.dot, map.svg, map.kialo.txt, map.i23, map.csv or map.relations.csv)")))
}

fn document(body: impl IntoResponse, content_type: &'static str, filename: &str) -> Response {
    document_as(body, content_type, "inline", filename)
}

fn document_as(
    body: impl IntoResponse,
    content_type: &'static str,
    disposition: &str,
    filename: &str,
) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("{disposition}; filename=\"{filename}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The most boxes (claims and proposals) a drawing holds: past this no one can trace it,
/// and making it costs seconds and megabytes for every request (86,000 claims drew 76 MB).
pub const MAX_DRAWN: i64 = 2_000;

fn too_large_to_draw(boxes: i64) -> Error {
    Error::Invalid {
        field: "format".to_owned(),
        message: format!(
            "{boxes} claims and proposals are more than a drawing can show ({MAX_DRAWN}): draw a debate's or a proposal's map (/debates/SLUG/map.svg), or export the map as JSON"
        ),
    }
}

async fn export(
    state: &AppState,
    scope: Scope,
    file: &str,
    name: &str,
    headers: &HeaderMap,
) -> Result<Response> {
    let format = format_of(file)?;
    let what = match &scope {
        Scope::All => "the map".to_owned(),
        Scope::Debate(slug) => format!("the debate {slug:?}"),
        Scope::Proposal(slug) => format!("the proposal {slug:?}"),
    };
    if format == Format::Svg && scope == Scope::All {
        // Counted before the map is read: reading all of it is most of the cost.
        let stats = state.caches.stats(&state.db).await?;
        if stats.claims + stats.proposals > MAX_DRAWN {
            return Err(too_large_to_draw(stats.claims + stats.proposals));
        }
    }
    if format == Format::Json && scope == Scope::All {
        // Written as it is read; the other formats need all of it at once.
        let body = stream::whole_map(state).await;
        return Ok(document(
            body,
            format.content_type(),
            &format!("{name}.json"),
        ));
    }
    let _turn = if scope == Scope::All {
        Some(state.whole_map_turn().await)
    } else {
        None
    };
    let doc = load_with(&state.db, scope, Some(&state.caches))
        .await?
        .ok_or_else(|| Error::NotFound(what))?;
    let boxes = (doc.claims.len() + doc.proposals.len()) as i64;
    if format == Format::Svg && boxes > MAX_DRAWN {
        return Err(too_large_to_draw(boxes));
    }
    Ok(document(
        format.write(&doc, &base_url(state, headers)),
        format.content_type(),
        &format!("{name}.{}", format.extension()),
    ))
}

async fn everything(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    export(&state, Scope::All, &file, "argmap", &headers).await
}

async fn proposal_file(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    export(
        &state,
        Scope::Proposal(slug.clone()),
        &file,
        &slug,
        &headers,
    )
    .await
}

/// The query string of a summary.
#[derive(Debug, serde::Deserialize)]
pub struct SummaryQuery {
    detail: Option<String>,
}

async fn debate_file(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    Query(query): Query<SummaryQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let Some(format) = file
        .strip_prefix("summary.")
        .and_then(|ext| NoteFormat::ALL.into_iter().find(|f| f.extension() == ext))
    else {
        return export(&state, Scope::Debate(slug.clone()), &file, &slug, &headers).await;
    };
    let detail: Detail = match query.detail.as_deref() {
        None => Detail::Short,
        Some(text) => text
            .parse()
            .map_err(|message| Error::invalid("detail", message))?,
    };
    let note = summary_note(&state, &slug, &base_url(&state, &headers), detail).await?;
    let suffix = if detail == Detail::Full { "-full" } else { "" };
    let filename = format!("{slug}-summary{suffix}.{}", format.extension());
    let disposition = if format == NoteFormat::Docx {
        "attachment"
    } else {
        "inline"
    };
    Ok(document_as(
        format.write(&note),
        format.content_type(),
        disposition,
        &filename,
    ))
}

/// The note on debate `slug`, its links under `base`.
pub async fn summary_note(
    state: &AppState,
    slug: &str,
    base: &str,
    detail: Detail,
) -> Result<summary::Note> {
    let not_found = || Error::NotFound(format!("the debate {slug:?}"));
    let doc = summary::load::load(&state.db, slug, Some(&state.caches))
        .await?
        .ok_or_else(not_found)?;
    let options = summary::Options {
        base: base.to_owned(),
        today: time::OffsetDateTime::now_utc().date(),
        detail,
    };
    summary::note(&doc, slug, &options).ok_or_else(not_found)
}
