//! The JSON API under `/api/v1`: everything the pages can read or write, for programs.
//! Writes need a signed-in user: an API token (`Authorization: Bearer am_…`), or a
//! session with the `x-csrf-token` header. Errors are `application/problem+json` naming
//! the field at fault. The OpenAPI document is generated from these handlers (utoipa) and
//! served at `/api/v1/openapi.json`, and as a readable page at `/api`.

mod claims;
mod declare;
mod docs;
mod map;
mod moderation;
mod proposals;
mod quotes;
mod relations;
mod search;
mod sources;
mod tensions;
mod tokens;

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use sqlx::PgConnection;
use tower_sessions::Session;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, User, Via, csrf};
use crate::error::Problem;
use crate::http::input::{BodyKind, body_kind};
use crate::{AppState, Error, Result};

#[derive(OpenApi)]
#[openapi(
    info(title = "argmap API", version = "1", description = "Read and extend the argument map: claims with their quotes, relations and standing; proposals; tensions; exports."),
    modifiers(&Security),
    components(schemas(Problem)),
    tags(
        (name = "claims", description = "Claims: read, add from a source passage, edit, annotate, report, moderate; relations between claims"),
        (name = "sources", description = "Sources: add one from its text (or preview it), read one with its segments, suggested claims with the existing claims they resemble"),
        (name = "map", description = "The map and its parts, as argmap JSON documents"),
        (name = "account", description = "API tokens"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(claims::create))
        .routes(routes!(claims::similar))
        .routes(routes!(claims::show, claims::edit))
        .routes(routes!(claims::history))
        .routes(routes!(claims::annotate))
        .routes(routes!(claims::report))
        .routes(routes!(moderation::hide))
        .routes(routes!(moderation::restore))
        .routes(routes!(moderation::merge))
        .routes(routes!(relations::create))
        .routes(routes!(relations::retire, relations::retype))
        .routes(routes!(map::map))
        .routes(routes!(map::debate))
        .routes(routes!(map::stats))
        .routes(routes!(proposals::proposal, proposals::edit_proposal))
        .routes(routes!(proposals::create_proposal))
        .routes(routes!(tensions::create_tension))
        .routes(routes!(tensions::edit_tension))
        .routes(routes!(search::search))
        .routes(routes!(sources::suggestions))
        .routes(routes!(sources::create))
        .routes(routes!(sources::show))
        .routes(routes!(quotes::add))
        .routes(routes!(quotes::retire))
        .routes(routes!(tokens::tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
}

/// The OpenAPI document, built once.
pub static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let mut document = api().split_for_parts().1;
    declare_slug_and_token(&mut document);
    declare_errors(&mut document);
    document
});

/// Declares what operations share, so handlers do not repeat it: the `slug` parameter on
/// every path with `{slug}`, and the API token on every write (every method but GET; a
/// GET that needs one, such as the token list, says so itself).
fn declare_slug_and_token(document: &mut Document) {
    use utoipa::IntoParams;
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::security::SecurityRequirement;
    for (path, item) in document.paths.paths.iter_mut() {
        let names_slug = path.contains("{slug}");
        let mut operations = [
            (false, &mut item.get),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.patch),
            (true, &mut item.delete),
        ];
        for (writes, operation) in &mut operations {
            let Some(operation) = operation else { continue };
            if *writes && operation.security.is_none() {
                let token = SecurityRequirement::new("token", Vec::<String>::new());
                operation.security = Some(vec![token]);
            }
            if names_slug {
                let parameters = operation.parameters.get_or_insert_with(Vec::new);
                if !parameters.iter().any(|p| p.name == "slug") {
                    parameters.extend(SlugPath::into_params(|| Some(ParameterIn::Path)));
                }
            }
        }
    }
}

/// Declares, on every operation, the errors any of them can answer, all as
/// `application/problem+json`, so handlers list only their successes and the errors they
/// describe more closely: 400 (malformed input), 401 (a bad token), 404 (for paths
/// naming an object), 413 (body too large), 422 (a field is wrong, control characters
/// included), 429 (rate limits), 503 (the database is unavailable). Errors a handler
/// declared as plain JSON are moved to problem+json.
fn declare_errors(document: &mut Document) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build()
    };
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/problem+json", problem())
                .build(),
        )
    };
    for (path, item) in document.paths.paths.iter_mut() {
        let names_object = path.contains('{');
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let writes = operation.request_body.is_some() || operation.security.is_some();
            let responses = &mut operation.responses.responses;
            for response in responses.values_mut() {
                if let RefOr::T(response) = response {
                    if let Some(json) = response.content.shift_remove("application/json") {
                        let is_problem = matches!(&json.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"));
                        let key = if is_problem {
                            "application/problem+json"
                        } else {
                            "application/json"
                        };
                        response.content.insert(key.to_owned(), json);
                    }
                }
            }
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error(description));
            };
            add(
                "400",
                "the request is malformed (e.g. an unreadable body or query)",
            );
            add(
                "401",
                "the API token is not valid (or, for writes, missing)",
            );
            if names_object {
                add(
                    "404",
                    "nothing has this slug or id (or it is hidden from you)",
                );
            }
            add("422", "a field is wrong; `field` names it");
            add("503", "the database is unavailable; try again shortly");
            if writes {
                add("413", "the body is larger than 2 MiB");
                add("429", "too many writes: see Retry-After");
                add(
                    "403",
                    "your role does not allow this, or the CSRF header is missing",
                );
                add("409", "the object changed meanwhile");
            }
        }
    }
}

pub(crate) fn router() -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router.merge(docs::router())
}

/// The slug in an object's path.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct SlugPath {
    /// The object's slug, as in its page's URL.
    #[allow(dead_code)]
    slug: String,
}

/// The words `q` of a query string, trimmed; 422 naming `q` past `max` characters.
fn query_text(q: &str, max: usize) -> Result<&str> {
    let q = q.trim();
    if q.chars().count() > max {
        return Err(Error::invalid("q", format!("at most {max} characters")));
    }
    Ok(q)
}

/// What a create answers: the new object's slug and page.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub slug: String,
    pub url: String,
}

impl Created {
    /// The object `slug` whose pages are under `pages` (`/claims`…).
    fn at(pages: &str, slug: String) -> Created {
        let url = format!("{pages}/{slug}");
        Created { slug, url }
    }
}

/// A JSON body, whose parse errors get our problem format: a value its field cannot take
/// is a 422 naming the field ([`Error::unfit`]).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        if body_kind(request.headers()) != Some(BodyKind::Json) {
            return Err(Error::BadRequest(
                "send the body as JSON (Content-Type: application/json)".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
        json_fields(&body).map(ApiJson)
    }
}

/// A JSON body read as `T`. A value a field cannot take is a 422 naming the field
/// ([`Error::unfit`]); a body that is not JSON is a 400.
fn json_fields<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let not_json =
        |err: serde_json::Error| Error::BadRequest(format!("the body is not JSON: {err}"));
    let mut json = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|err| {
        if err.inner().is_data() {
            Error::unfit("the JSON body", err)
        } else {
            not_json(err.into_inner())
        }
    })?;
    json.end().map_err(not_json)?;
    Ok(value)
}

/// A user allowed to write through the API: a page's [`auth::Writer`] (by token, or by
/// session), who, writing by session, also sent the CSRF header: a program's request
/// carries no form to hold the token, and a session cookie alone may come from another
/// site.
pub struct Writer(auth::Writer);

impl Writer {
    /// Runs one write as this user in its own transaction, as every form's write runs
    /// ([`auth::Writer::in_transaction`]).
    async fn in_transaction<T>(
        &self,
        write: impl AsyncFnOnce(&mut PgConnection, &User) -> Result<T>,
    ) -> Result<T> {
        self.0.in_transaction(write).await
    }
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let writer = auth::Writer::from_request_parts(parts, state).await?;
        if writer.user.via == Via::Session {
            let session = Session::from_request_parts(parts, state)
                .await
                .map_err(|_| Error::Unauthorized)?;
            csrf::check_header(&session, &parts.headers).await?;
        }
        Ok(Writer(writer))
    }
}

#[cfg(test)]
mod tests {
    use super::json_fields;
    use crate::Error;
    use crate::domain::Stance;

    #[derive(Debug, serde::Deserialize)]
    struct Note {
        body: String,
        #[serde(default)]
        stance: Option<Stance>,
    }

    #[test]
    fn a_field_that_cannot_take_its_value_is_named_and_a_body_that_is_not_json_is_not() {
        let read = |body: &str| json_fields::<Note>(body.as_bytes());
        let note = read(r#"{"body": "x", "stance": "agree"}"#).unwrap();
        assert_eq!(
            (note.body.as_str(), note.stance),
            ("x", Some(Stance::Agree))
        );
        match read(r#"{"body": "x", "stance": "maybe"}"#) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, "stance");
                assert!(message.starts_with("unknown stance \"maybe\""), "{message}");
            }
            other => panic!("{other:?}"),
        }
        for not_json in [r#"{"body": "x""#, r#"{"body": "x"} trailing"#, "stance"] {
            assert!(
                matches!(read(not_json), Err(Error::BadRequest(m)) if m.starts_with("the body is not JSON")),
                "{not_json}"
            );
        }
        assert!(
            matches!(read(r#"{"stance": "agree"}"#), Err(Error::BadRequest(m)) if m.contains("missing field `body`"))
        );
    }
}
