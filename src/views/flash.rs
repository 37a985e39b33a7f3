//! Confirmations after a write: a form that saves redirects, and the page it lands on
//! says what was done, once. The message rides in the session (as sign-in does), set by
//! [`confirm`], a middleware around every page write, and taken by the page's masthead.
//!
//! A handler says what it did by putting a [`Confirmation`] in its response's
//! extensions; otherwise the message is the plain "Saved.". Whatever the write, the claims
//! whose standing it changed (an attack that defeats a claim, and what that claim no
//! longer defeats) are listed under the message, read by comparing the standings before
//! and after.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::AppState;
use crate::standing::StandingLabel;

/// The session key holding the confirmation to show.
const KEY: &str = "argmap.flash";

/// What a write did, in a sentence ("Your claim is added."), put in a response's
/// extensions by the handler that did it.
#[derive(Debug, Clone)]
pub struct Confirmation(pub String);

/// A confirmation to show on the next page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Flash {
    pub message: String,
    /// The claims whose standing the write changed.
    pub changed: Vec<Changed>,
}

/// A claim whose standing changed, and what it is now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Changed {
    pub slug: String,
    pub body: String,
    pub was: StandingLabel,
    pub now: StandingLabel,
}

/// The confirmation waiting in `session`, taken (it shows once). Only a session holding
/// one is changed: the rest answer without a new cookie, so their pages keep their ETag.
pub async fn take(session: &Session) -> Option<Flash> {
    let flash = session.get::<Flash>(KEY).await.ok().flatten()?;
    session.remove::<Flash>(KEY).await.ok()?;
    Some(flash)
}

/// Around every page write (a POST outside the API that answers with a redirect): the
/// confirmation for the page it lands on.
pub async fn confirm(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let is_page_write =
        request.method() == Method::POST && !request.uri().path().starts_with("/api/");
    let (Some(session), true) = (session, is_page_write) else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    let before = state.caches.standings(&state.db).await.ok();
    let response = next.run(request).await;
    let to_sign_in = response
        .headers()
        .get(axum::http::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/signin"));
    // Not a write that was done: refused (shown again), sent to sign in first, or the
    // end of the session.
    if !response.status().is_redirection() || to_sign_in || path == "/signout" {
        return response;
    }
    let message = match response.extensions().get::<Confirmation>() {
        Some(Confirmation(message)) => message.clone(),
        None => said(&path).to_owned(),
    };
    let changed = match before {
        Some(before) => changed(&state, &before).await.unwrap_or_else(|error| {
            tracing::warn!(%error, "the standings after a write could not be compared");
            Vec::new()
        }),
        None => Vec::new(),
    };
    if let Err(error) = session.insert(KEY, Flash { message, changed }).await {
        tracing::warn!(%error, "a confirmation could not be kept in the session");
    }
    response
}

/// What a write to `path` did, by its last step, when its handler does not say.
fn said(path: &str) -> &'static str {
    match path.rsplit('/').next().unwrap_or_default() {
        "signin" => "You are signed in.",
        "signup" => "Your account is made, and you are signed in.",
        "claims" => "Your claim is added.",
        "proposals" => "The proposal is added.",
        "tensions" => "The tension is added.",
        "edit" => "Your edit is saved.",
        "hide" => "Hidden: only moderators see it now.",
        "restore" => "Restored: everyone sees it again.",
        "merge" => "Merged.",
        _ => "Saved.",
    }
}

/// The claims whose standing differs from `before`, now.
async fn changed(
    state: &AppState,
    before: &crate::views::Standings,
) -> Result<Vec<Changed>, sqlx::Error> {
    let after = state.caches.standings(&state.db).await?;
    let moved: BTreeMap<i64, (StandingLabel, StandingLabel)> = after
        .ids()
        .filter_map(|id| {
            let (was, now) = (before.of(id)?.label(), after.label(id));
            (was != now).then_some((id, (was, now)))
        })
        .collect();
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = moved.keys().copied().collect();
    let rows = sqlx::query!(
        r#"select id, slug as "slug!: String", body from claims where id = any($1) order by id"#,
        &ids
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (was, now) = moved[&row.id];
            Changed {
                slug: row.slug,
                body: row.body,
                was,
                now,
            }
        })
        .collect())
}
