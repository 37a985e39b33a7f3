//! The claim page's form linking the claim to another claim or proposal already in the
//! map, named by its words (server-side; works without JavaScript): when the words match
//! several, the form comes back with them to choose from.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::targets::{self, Match};
use super::write::{self, NewRelation};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedIn};
use crate::domain::RelationKind;
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/claims/{key}/relations", post(link))
}

/// What the link form sends: how this claim bears on which other.
#[derive(Debug, Deserialize)]
struct LinkForm {
    #[serde(default)]
    kind: String,
    /// The other claim or proposal: its words, or its exact name.
    #[serde(default)]
    to: String,
    /// The one chosen among the matches of `to`'s words (it replaces `to`).
    #[serde(default)]
    pick: String,
}

#[derive(Template)]
#[template(path = "claims/link.html")]
struct LinkPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    key: String,
    kind: String,
    to: String,
    choices: Vec<Match>,
    failure: Option<Failure>,
}

/// Adds the relation, then shows the claim's connections; a refused one (words matching
/// several, or none; a wrong kind) shows the link form again on a page of its own.
async fn link(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response> {
    let new = NewRelation {
        from: key.clone(),
        kind: form.kind,
        to: if form.pick.trim().is_empty() {
            form.to
        } else {
            form.pick
        },
    };
    submit(
        &state.db,
        new,
        async |tx, new| write::create(tx, &user, new).await,
        |_| format!("/claims/{key}#relations-heading"),
        async |new, status: StatusCode, failure| {
            let mut conn = state.db.acquire().await?;
            let text = targets::label(&mut conn, &key).await?;
            let choices = if failure.is("to") {
                targets::matches(&mut conn, &new.to).await?
            } else {
                Vec::new()
            };
            let href = format!("/claims/{key}");
            LinkPage {
                masthead,
                crumbs: Crumb::trail(
                    crate::views::short(text.as_deref().unwrap_or(&key)),
                    &href,
                    "Link",
                    "relations",
                ),
                key: key.clone(),
                kind: new.kind,
                to: new.to,
                choices,
                failure: Some(failure),
            }
            .page_with(status)
        },
    )
    .await
}
