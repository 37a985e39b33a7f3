//! What page handlers start from. Nearly every form handler needs the app (for its
//! database) and the signed-in person, and those that draw a page need its header too;
//! the sign-in and sign-up pages need the header and the session. One extractor each,
//! so a handler names what it is about (its path, its form) rather than the same three
//! extractors again.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use sqlx::PgConnection;
use tower_sessions::Session;

use super::{Masthead, SignedIn, User};
use crate::views::form::in_transaction;
use crate::{AppState, Error, Result};

/// A signed-in person changing something from a page that then redirects: the app and
/// who writes. Refused as `SignedIn` is (pages send the person to sign in), and limited
/// per account like every write. It takes no `Masthead`: a redirect must leave the
/// flash for the page it leads to.
pub(crate) struct Writer {
    pub state: AppState,
    pub user: User,
}

impl Writer {
    /// Runs `write` as this person in one transaction and commits it.
    pub(crate) async fn in_transaction<T>(
        &self,
        write: impl AsyncFnOnce(&mut PgConnection, &User) -> Result<T>,
    ) -> Result<T> {
        in_transaction(&self.state.db, async |tx| write(tx, &self.user).await).await
    }
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        Ok(Writer {
            state: state.clone(),
            user,
        })
    }
}

/// A signed-in person on a page only they may see (a form, their account, a queue):
/// the app, who they are, and the page's header, as `SignedInPage(state, user,
/// masthead)` (three different types, so they cannot be mixed up). The person is known
/// before the header is made, so someone signed out is sent to sign in without a
/// session being started for them.
pub(crate) struct SignedInPage(pub AppState, pub User, pub Masthead);

impl FromRequestParts<AppState> for SignedInPage {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let Writer { state, user } = Writer::from_request_parts(parts, state).await?;
        let masthead = Masthead::from_request_parts(parts, &state).await?;
        Ok(SignedInPage(state, user, masthead))
    }
}

/// Someone at the sign-in or sign-up pages, signed in or not: the app, the page header,
/// and the session a sign-in starts (the forms' CSRF token is made when a form is drawn,
/// `pages::anonymous_masthead`). Refused as its parts are.
pub(crate) struct Guest(pub AppState, pub Masthead, pub Session);

impl FromRequestParts<AppState> for Guest {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> std::result::Result<Self, Response> {
        let masthead = Masthead::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Guest(state.clone(), masthead, session))
    }
}
