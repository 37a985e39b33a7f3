//! Who is asking: accounts, roles, sessions, API tokens and CSRF protection.
//!
//! A request is made by a signed-in user when its session (a cookie, sessions stored in
//! PostgreSQL so any instance can serve any user) names one, or when it carries a valid
//! API token (`Authorization: Bearer …`). Pages' state-changing forms carry a CSRF token
//! bound to the session; API writes with a token need none (no cookie is involved), and
//! API writes with a session need the `x-csrf-token` header.

pub mod admin;
pub mod csrf;
pub(crate) mod member;
pub mod pages;
pub mod signup;
pub mod tokens;

pub use crate::users::passwords;
pub(crate) mod viewer;

pub(crate) use member::{Guest, SignedInPage, Writer};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tower_sessions::Session;

use crate::{AppState, Error, Result};

pub const SESSION_USER: &str = "user_id";
/// The account's `session_epoch` when this session signed in.
pub const SESSION_EPOCH: &str = "epoch";

pub use crate::domain::Role;

/// How the user proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub via: Via,
}

impl User {
    /// Fails with 403 unless the user has at least `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "this needs a {} account",
                role.as_str()
            )))
        }
    }
}

/// The user making the request, if any (an invalid API token is refused outright).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<User>);

/// The user making the request; without one, pages redirect to sign in and the API
/// answers 401.
#[derive(Debug, Clone)]
pub struct SignedIn(pub User);

pub fn hash_token(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: Role,
}

impl UserRow {
    fn into_user(self, via: Via) -> User {
        User {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            via,
        }
    }
}

async fn user_by_token(db: &PgPool, secret: &str) -> Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"with token as (
               update api_tokens set last_used_at = now()
               where token_hash = $1 and revoked_at is null
               returning user_id
           )
           select u.id, u.email, u.display_name, u.role as "role: Role" from users u join token t on t.user_id = u.id
           where u.disabled_at is null"#,
        hash_token(secret)
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.into_user(Via::Token)))
}

/// The active user `id`, if their account has not been disabled since `epoch` (a session
/// signed in before a disable stays signed out after the account is re-enabled).
pub async fn user_by_id(db: &PgPool, id: i64, epoch: i32) -> Result<Option<User>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"select id, email, display_name, role as "role: Role" from users
           where id = $1 and disabled_at is null and session_epoch = $2"#,
        id,
        epoch
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.into_user(Via::Session)))
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        // A handler often asks twice (`SignedIn` and `Masthead`): look the user up once.
        if let Some(known) = parts.extensions.get::<MaybeUser>() {
            return Ok(known.clone());
        }
        let user = find_user(parts, state).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

async fn find_user(parts: &mut Parts, state: &AppState) -> Result<MaybeUser> {
    if let Some(secret) = bearer(&parts.headers) {
        return match user_by_token(&state.db, secret).await? {
            Some(user) => Ok(MaybeUser(Some(user))),
            None => Err(Error::Unauthorized),
        };
    }
    let Ok(session) = Session::from_request_parts(parts, state).await else {
        return Ok(MaybeUser(None));
    };
    let id: Option<i64> = session.get(SESSION_USER).await.map_err(session_error)?;
    let Some(id) = id else {
        return Ok(MaybeUser(None));
    };
    let epoch: i32 = session
        .get(SESSION_EPOCH)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    Ok(MaybeUser(user_by_id(&state.db, id, epoch).await?))
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        match MaybeUser::from_request_parts(parts, state).await?.0 {
            Some(user) => {
                // Writes are limited per account too, wherever the account writes from.
                if !parts.method.is_safe() {
                    state.limits.write_by_account(user.id)?;
                }
                Ok(SignedIn(user))
            }
            None => Err(Error::Unauthorized),
        }
    }
}

pub fn session_error(err: tower_sessions::session::Error) -> Error {
    tracing::error!(error = %err, "session store failed");
    Error::BadRequest("your session could not be read; sign in again".into())
}

/// Percent-encodes a URL component (for `?next=`).
pub fn encode_component(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Only local paths may be returned to after signing in (no open redirect): a path of
/// printable ASCII starting with one `/`. Browsers drop tabs and newlines from URLs and
/// read `\\` as `/`, so `/\t/evil.example` or `/\\evil.example` would leave the site;
/// anything else (controls, spaces, non-ASCII) falls back to the home page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && path.bytes().all(|b| b.is_ascii_graphic())
                && !path.contains('\\')
                && !path[1..].starts_with('/') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// What every page's header needs: who is signed in, and the token their forms carry.
#[derive(Debug, Clone, Default)]
pub struct Masthead {
    pub user: Option<User>,
    pub csrf: String,
    /// The confirmation of the write that led here (`views::flash`), shown once.
    pub flash: Option<crate::views::flash::Flash>,
}

impl Masthead {
    pub fn is_moderator(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role >= Role::Moderator)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }
}

impl FromRequestParts<AppState> for Masthead {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let user = MaybeUser::from_request_parts(parts, state).await?.0;
        // Only signed-in readers have forms in the header; don't make sessions for the rest.
        let (csrf, flash) = match (&user, Session::from_request_parts(parts, state).await) {
            (Some(_), Ok(session)) => (
                csrf::token(&session).await?,
                crate::views::flash::take(&session).await,
            ),
            _ => (String::new(), None),
        };
        Ok(Masthead { user, csrf, flash })
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next(Some("/claims/a?x=1#p")), "/claims/a?x=1#p");
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /evil.example",
            "/\u{1}",
            "/é",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
