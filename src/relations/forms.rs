//! The claim page's form linking the claim to another claim or proposal already in the
//! map (server-side; works without JavaScript).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use serde::Deserialize;

use super::write::{self, NewRelation};
use crate::auth::SignedIn;
use crate::auth::csrf::CsrfForm;
use crate::views::form::in_transaction;
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/claims/{key}/relations", post(link))
}

/// What the link form sends: how this claim bears on which other.
#[derive(Debug, Deserialize)]
struct LinkForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    to: String,
}

/// Adds the relation, then shows the claim's connections.
async fn link(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Redirect> {
    let new = NewRelation {
        from: key.clone(),
        kind: form.kind,
        to: form.to,
    };
    in_transaction(&state.db, async |tx| write::create(tx, &user, &new).await).await?;
    Ok(Redirect::to(&format!("/claims/{key}#relations-heading")))
}
