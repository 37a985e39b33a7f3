//! Suggested claims on a source page: a contributor dismisses one nobody needs to see again
//! (taking one as a claim goes through the add-claim form).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;

use crate::auth::csrf::CsrfForm;
use crate::auth::{SignedIn, User};
use crate::domain::SuggestionStatus;
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::views::form::in_transaction;
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/suggestions/{id}/dismiss", post(dismiss))
}

#[derive(Debug, Deserialize)]
struct BackForm {
    #[serde(default)]
    back: Option<String>,
}

async fn dismiss(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Redirect> {
    in_transaction(&state.db, async |tx| {
        dismiss_suggestion(tx, &user, id).await
    })
    .await?;
    Ok(Redirect::to(&crate::auth::safe_next(form.back.as_deref())))
}

/// Dismisses a suggested claim or tension: nobody needs to look at it again.
pub async fn dismiss_suggestion(conn: &mut PgConnection, user: &User, id: i64) -> Result<()> {
    let done = sqlx::query_scalar!(
        "update suggestions set status = 'dismissed', decided_by = $2, decided_at = now() where id = $1 and status = 'open' returning id",
        id,
        user.id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if done.is_none() {
        return Err(Error::NotFound(format!("an open suggestion {id}")));
    }
    Revision::new(ObjectKind::Suggestion, id, RevisionAction::Resolve)
        .by(user.id)
        .after(json!({ "status": SuggestionStatus::Dismissed }))
        .record(conn)
        .await?;
    Ok(())
}
