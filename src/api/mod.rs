//! The JSON API under `/api/v1`: everything the pages can read or write, for programs.
//! Writes need a signed-in user: an API token (`Authorization: Bearer am_…`), or a
//! session with the `x-csrf-token` header. Errors are `application/problem+json` naming
//! the field at fault. The OpenAPI document is generated from these handlers (utoipa) and
//! served at `/api/v1/openapi.json`, and as a readable page at `/api`.

mod claims;
mod docs;
mod map;
mod moderation;
mod proposals;
mod search;
mod tensions;
mod tokens;

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tower_sessions::Session;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{SignedIn, User, Via, csrf};
use crate::{AppState, Error, Result};

#[derive(OpenApi)]
#[openapi(
    info(title = "argmap API", version = "1", description = "Read and extend the argument map: claims with their quotes, relations and standing; proposals; tensions; exports."),
    modifiers(&Security),
    tags(
        (name = "claims", description = "Claims: read, add from a source passage, edit, annotate, report, moderate"),
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
        .routes(routes!(map::map))
        .routes(routes!(map::debate))
        .routes(routes!(map::stats))
        .routes(routes!(proposals::proposal, proposals::edit_proposal))
        .routes(routes!(proposals::create_proposal))
        .routes(routes!(tensions::create_tension))
        .routes(routes!(tensions::edit_tension))
        .routes(routes!(search::search))
        .routes(routes!(tokens::tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
}

/// The OpenAPI document, built once.
pub static DOCUMENT: LazyLock<Document> = LazyLock::new(|| api().split_for_parts().1);

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

/// What a create answers: the new object's slug and page.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub slug: String,
    pub url: String,
}

/// A JSON body, whose parse errors get our problem format (naming the field).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(Error::BadRequest(rejection.body_text())),
        }
    }
}

/// A user allowed to write through the API: by token, or by session with the CSRF header.
pub struct Writer(pub User);

impl FromRequestParts<AppState> for Writer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        if user.via == Via::Session {
            let session = Session::from_request_parts(parts, state)
                .await
                .map_err(|_| Error::Unauthorized)?;
            csrf::check_header(&session, &parts.headers).await?;
        }
        Ok(Writer(user))
    }
}
