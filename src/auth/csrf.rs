//! CSRF protection for forms: a random token kept in the session, repeated in a hidden
//! `csrf` field of every state-changing form, compared on submit.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::session_error;
use crate::http::input::{BodyKind, body_kind};
use crate::{AppState, Error, Result};

const SESSION_KEY: &str = "csrf";

/// The session's token, made on first use.
pub async fn token(session: &Session) -> Result<String> {
    if let Some(token) = session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_error)?
    {
        return Ok(token);
    }
    let token = random_token();
    session
        .insert(SESSION_KEY, &token)
        .await
        .map_err(session_error)?;
    Ok(token)
}

pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) async fn check(session: &Session, given: Option<&str>) -> Result<()> {
    let expected: Option<String> = session.get(SESSION_KEY).await.map_err(session_error)?;
    match (expected, given) {
        (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => Ok(()),
        _ => Err(Error::Forbidden(
            "this form has expired or did not come from argmap (missing or wrong CSRF token): reload the page and try again".into(),
        )),
    }
}

/// A form whose `csrf` field matched the session's token, and its other fields.
pub struct CsrfForm<T>(pub T);

/// A posted form's token, beside fields it leaves to the form's own type.
#[derive(serde::Deserialize)]
struct Token {
    #[serde(default)]
    csrf: Option<String>,
}

/// A form body's `csrf` token.
fn form_token(body: &[u8]) -> Result<Option<String>> {
    let Token { csrf } = serde_urlencoded::from_bytes(body)
        .map_err(|err| Error::BadRequest(format!("the form could not be read: {err}")))?;
    Ok(csrf)
}

/// A form body's fields as `T` (which passes over the token). A field `T` refuses is a
/// 422 naming it ([`Error::unfit`]).
pub(crate) fn form_fields<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(form_urlencoded::parse(
        body,
    )))
    .map_err(|err| Error::unfit("the form", err))
}

/// The session a form is checked against: without one (cookies off) no form can be sent.
pub(crate) async fn form_session(
    parts: &mut axum::http::request::Parts,
    state: &AppState,
) -> Result<Session> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|_| {
            Error::Forbidden("forms need a session cookie: enable cookies for this site".into())
        })
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        let (mut parts, body) = request.into_parts();
        let session = form_session(&mut parts, state).await?;
        if body_kind(&parts.headers) != Some(BodyKind::Form) {
            return Err(Error::BadRequest(
                "a form is sent as application/x-www-form-urlencoded".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
        check(&session, form_token(&body)?.as_deref()).await?;
        form_fields(&body).map(CsrfForm)
    }
}

/// For API writes made with a session cookie (scripts on our pages): the token comes in
/// the `x-csrf-token` header. Writes made with an API token need none.
pub async fn check_header(session: &Session, headers: &HeaderMap) -> Result<()> {
    check(
        session,
        headers.get("x-csrf-token").and_then(|v| v.to_str().ok()),
    )
    .await
}
