//! The API described: `/api/v1/openapi.json`, and `/api`, the same read by people.

use askama::Template;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

use super::DOCUMENT;
use crate::auth::Masthead;
use crate::views::Crumb;
use crate::views::form::Page;
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api", get(page))
}

async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&DOCUMENT)
}

struct Operation {
    method: String,
    path: String,
    /// What it does, as sanitised HTML.
    summary: String,
    needs_token: bool,
    responses: String,
}

#[derive(Template)]
#[template(path = "api.html")]
struct ApiPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    operations: Vec<Operation>,
}

async fn page(masthead: Masthead) -> Result<Response> {
    let mut operations = Vec::new();
    for (path, item) in &DOCUMENT.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in methods {
            let Some(operation) = operation else { continue };
            let mut responses: Vec<&String> = operation.responses.responses.keys().collect();
            responses.sort();
            operations.push(Operation {
                method: method.to_owned(),
                path: path.clone(),
                // The handlers' doc comments are Markdown (`code` spans): shown rendered.
                summary: crate::markdown::render(
                    operation
                        .description
                        .as_ref()
                        .or(operation.summary.as_ref())
                        .map_or("", String::as_str),
                ),
                needs_token: operation.security.as_ref().is_some_and(|s| !s.is_empty()),
                responses: responses
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let crumbs = vec![Crumb::home(), Crumb::new("API", "/api")];
    ApiPage {
        masthead,
        crumbs,
        operations,
    }
    .page()
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::ParameterIn;

    use super::DOCUMENT;

    /// A query parameter declared as a path one (or the reverse) sends every client and
    /// every conformance tool the wrong request.
    #[test]
    fn every_path_parameter_is_in_its_path_and_every_placeholder_is_declared() {
        for (path, item) in &DOCUMENT.paths.paths {
            let placeholders: Vec<&str> = path
                .split('/')
                .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let operations = [&item.get, &item.post, &item.patch, &item.put, &item.delete];
            for operation in operations.into_iter().flatten() {
                let mut declared: Vec<&str> = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| matches!(p.parameter_in, ParameterIn::Path))
                    .map(|p| p.name.as_str())
                    .collect();
                declared.sort_unstable();
                let mut expected = placeholders.clone();
                expected.sort_unstable();
                assert_eq!(declared, expected, "path parameters of {path}");
            }
        }
    }
}
