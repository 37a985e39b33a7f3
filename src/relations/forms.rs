//! The claim page's forms: linking the claim to another claim or proposal already in the
//! map, and undercutting one of its links (the inference) by a claim already in the map,
//! each named by its words (server-side; works without JavaScript): when the words match
//! several, the form comes back with them to choose from.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use super::inference::Inferences;
use super::targets::{self, Match};
use super::write::{self, NewRelation};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedInPage};
use crate::domain::RelationKind;
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/claims/{key}/relations", post(link))
        .route("/relations/{id}/undercuts", post(undercut))
}

/// What the link form sends: how this claim bears on which other.
#[derive(Debug, Deserialize)]
struct LinkForm {
    kind: RelationKind,
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
    kind: RelationKind,
    to: String,
    choices: Vec<Match>,
    failure: Option<Failure>,
}

/// Adds the relation, then shows the claim's connections; a refused one (words matching
/// several, or none; a wrong kind) shows the link form again on a page of its own.
async fn link(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response> {
    let new = NewRelation {
        from: key.clone(),
        kind: form.kind,
        to: chosen(form.to, form.pick),
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

/// What the undercut form sends: the claim that undercuts the link, and the claim page
/// to come back to.
#[derive(Debug, Deserialize)]
struct UndercutForm {
    /// The undercutting claim: its words, or its slug.
    #[serde(default)]
    from: String,
    /// The one chosen among the matches of `from`'s words (it replaces `from`).
    #[serde(default)]
    pick: String,
    /// The slug of the claim page the form was on.
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "claims/undercut.html")]
struct UndercutPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    id: i64,
    /// The inference, in words.
    inference: String,
    from: String,
    back: String,
    choices: Vec<Match>,
    failure: Option<Failure>,
}

/// Undercuts the relation `id` by the claim the form names, then shows the claim page it
/// came from; a refused one shows the form again on a page of its own.
async fn undercut(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UndercutForm>,
) -> Result<Response> {
    let back = Some(form.back.trim())
        .filter(|b| crate::slug::is_slug(b))
        .unwrap_or_default()
        .to_owned();
    let named = chosen(form.from, form.pick);
    submit(
        &state.db,
        named,
        async |tx, named| {
            let from = undercutting_claim(tx, named).await?;
            let new = NewRelation {
                from,
                kind: RelationKind::Undercuts,
                to: format!("relation:{id}"),
            };
            write::create(tx, &user, &new).await
        },
        |_| match back.as_str() {
            "" => "/".to_owned(),
            slug => format!("/claims/{slug}#relation-{id}"),
        },
        async |named, status: StatusCode, failure| {
            let inferences = Inferences::load(&state.db, &[id]).await?;
            let choices = if failure.is("from") {
                let mut conn = state.db.acquire().await?;
                let mut found = targets::matches(&mut conn, &named).await?;
                found.retain(|m| !m.is_proposal);
                found
            } else {
                Vec::new()
            };
            let mut crumbs = vec![Crumb::home()];
            if !back.is_empty() {
                crumbs.push(Crumb::new("The claim", format!("/claims/{back}")));
            }
            UndercutPage {
                masthead,
                crumbs,
                id,
                inference: inferences.text(id),
                from: named,
                back: back.clone(),
                choices,
                failure: Some(failure),
            }
            .page_with(status)
        },
    )
    .await
}

/// The claim the words `named` name (its slug), for the field `from`: a proposal cannot
/// undercut anything.
async fn undercutting_claim(conn: &mut sqlx::PgConnection, named: &str) -> Result<String> {
    match targets::resolve(conn, named, "from").await? {
        (targets::Target::Claim(_), slug) => Ok(slug),
        _ => Err(crate::Error::invalid(
            "from",
            "name the claim that undercuts the link (a few of its words)",
        )),
    }
}

/// What a form's words field names: the match picked among its words' matches, if one was.
fn chosen(words: String, pick: String) -> String {
    if pick.trim().is_empty() { words } else { pick }
}
