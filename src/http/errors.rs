//! Error responses, drawn in one place: an HTML page for people, `application/problem+json`
//! under `/api/`.

use std::any::Any;

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{Error, Problem};

/// Error bodies longer than this (from a rejection) are not worth showing.
const MAX_DETAIL_BYTES: usize = 4096;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    masthead: crate::auth::Masthead,
    problem: &'a Problem,
}

/// Anything not routed.
pub async fn not_found(request: Request) -> Error {
    Error::NotFound(format!("the page {}", request.uri().path()))
}

pub fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Renders every error response: those our handlers made (they carry a [`Problem`]) and
/// those of axum's extractors and tower's layers (plain text or empty bodies).
pub async fn render(request: Request, next: Next) -> Response {
    let wants_json = request.uri().path().starts_with("/api/");
    let here = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    let is_get = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // A page that needs a signed-in reader sends them to sign in, and back afterwards
    // (a page that answers 401 itself, like a failed sign-in, is left alone).
    if status == StatusCode::UNAUTHORIZED
        && !wants_json
        && response.extensions().get::<Problem>().is_some()
    {
        let next = if is_get { here } else { "/".to_owned() };
        let target = format!("/signin?next={}", crate::auth::encode_component(&next));
        return axum::response::Redirect::to(&target).into_response();
    }
    let (parts, body) = response.into_parts();
    let problem = match parts.extensions.get::<Problem>() {
        Some(problem) => problem.clone(),
        None => {
            let is_json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
            if is_json || is_html(&parts.headers) {
                // Someone already chose this body (readiness probes, pages): keep it.
                return Response::from_parts(parts, body);
            }
            let detail = axum::body::to_bytes(body, MAX_DETAIL_BYTES)
                .await
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
                .filter(|text| !text.is_empty() && !status.is_server_error());
            Problem::new(status, detail)
        }
    };

    let mut rendered = if wants_json {
        problem_json(&problem)
    } else {
        problem_html(&problem)
    };
    *rendered.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

fn is_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"text/html"))
}

fn problem_json(problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

fn problem_html(problem: &Problem) -> Response {
    match (ErrorPage {
        masthead: crate::auth::Masthead::default(),
        problem,
    })
    .render()
    {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "rendering the error page failed");
            problem.title.clone().into_response()
        }
    }
}
