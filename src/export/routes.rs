//! Export URLs: the map of everything, of a debate or of a proposal in every format, and
//! the debate summary.
//!
//! `/export/map.{ext}`, `/debates/{slug}/map.{ext}`, `/proposals/{slug}/map.{ext}`, where
//! `ext` is a [`Format::extension`]; `/debates/{slug}/summary.md` and `summary.html`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Format, Scope, load_with, summary};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/export/{file}", get(everything))
        .route("/debates/{slug}/{file}", get(debate_file))
        .route("/proposals/{slug}/{file}", get(proposal_file))
}

/// The site's address as the client reached it, for absolute links in documents that
/// leave the site.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
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

fn document(body: String, content_type: &'static str, filename: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
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
    let standings = state.caches.standings(&state.db).await?;
    let doc = load_with(&state.db, scope, Some(standings))
        .await?
        .ok_or_else(|| Error::NotFound(what))?;
    Ok(document(
        format.write(&doc, &base_url(headers)),
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

async fn debate_file(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let markdown = match file.as_str() {
        "summary.md" | "summary.html" => {
            summary_markdown(&state, &slug, &base_url(&headers)).await?
        }
        _ => return export(&state, Scope::Debate(slug.clone()), &file, &slug, &headers).await,
    };
    if file == "summary.md" {
        return Ok(document(
            markdown,
            "text/markdown; charset=utf-8",
            &format!("{slug}-summary.md"),
        ));
    }
    Ok(document(
        summary::standalone_html(&markdown),
        "text/html; charset=utf-8",
        &format!("{slug}-summary.html"),
    ))
}

pub async fn summary_markdown(state: &AppState, slug: &str, base: &str) -> Result<String> {
    let standings = state.caches.standings(&state.db).await?;
    let all = load_with(&state.db, Scope::All, Some(standings))
        .await?
        .expect("the whole map always exists");
    let today = time::OffsetDateTime::now_utc().date();
    summary::markdown(&all, slug, base, today)
        .ok_or_else(|| Error::NotFound(format!("the debate {slug:?}")))
}
