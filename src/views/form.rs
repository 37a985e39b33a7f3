//! What every form page shares: rendering a template as a response, saving a submitted
//! form in one transaction, and showing a form again after a failed submit with what was
//! wrong (a bad field, or a stale version).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sqlx::{PgConnection, PgPool};

use crate::{Error, Result};

/// Every page template becomes a response the same way; a template error is our error,
/// so it is logged and shown as a plain 500 page like any other.
pub(crate) trait Page: Template + Sized {
    /// The page with status 200.
    fn page(self) -> Result<Response> {
        self.page_with(StatusCode::OK)
    }

    /// The page with another status (a form shown again after a failure).
    fn page_with(self, status: StatusCode) -> Result<Response> {
        Ok((status, Html(self.render()?)).into_response())
    }
}

impl<T: Template> Page for T {}

/// Why a submitted form was not saved: the field at fault and what is wrong with it.
pub(crate) struct Failure {
    /// The field at fault; empty when it is the form as a whole (a sign-in that does not
    /// match an account).
    pub field: String,
    pub message: String,
}

impl Failure {
    /// A failure of the form as a whole, not of one field.
    pub(crate) fn of_form(message: impl Into<String>) -> Self {
        Failure {
            field: String::new(),
            message: message.into(),
        }
    }

    /// Whether `field` is the one at fault (for `aria-invalid`).
    pub(crate) fn is(&self, field: &str) -> bool {
        self.field == field
    }

    /// Whether the notice names the field: not for the form as a whole, nor for the
    /// hidden version field (the message says what happened).
    pub(crate) fn names_field(&self) -> bool {
        !self.field.is_empty() && self.field != "version"
    }
}

/// Whether the form shown again blames `field` (the field macros' `aria-invalid`).
pub(crate) fn blames(failure: Option<&Failure>, field: &str) -> bool {
    failure.is_some_and(|failure| failure.is(field))
}

/// Runs `write` in one transaction and commits it: the shape of every form's write that
/// has no form to show again (it redirects, or fails with an error page).
pub(crate) async fn in_transaction<T>(
    db: &PgPool,
    write: impl AsyncFnOnce(&mut PgConnection) -> Result<T>,
) -> Result<T> {
    let mut tx = db.begin().await?;
    let value = write(&mut tx).await?;
    tx.commit().await?;
    Ok(value)
}

/// Saves a submitted form: runs `write` on `form` in one transaction, commits it and
/// redirects to `saved(value)`; when the write refuses the form (a bad field, a stale
/// version) it rolls back and shows the form again, with what was typed, through
/// `again(form, status, failure)`.
pub(crate) async fn submit<F, T>(
    db: &PgPool,
    form: F,
    write: impl AsyncFnOnce(&mut PgConnection, &F) -> Result<T>,
    saved: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(F, StatusCode, Failure) -> Result<Response>,
) -> Result<Response> {
    let mut tx = db.begin().await?;
    match why_not_saved(write(&mut tx, &form).await)? {
        Ok(value) => {
            tx.commit().await?;
            Ok(Redirect::to(&saved(value)).into_response())
        }
        Err((status, failure)) => {
            drop(tx);
            again(form, status, failure).await
        }
    }
}

/// The version an edit form shows again after a failure: after a conflict the current
/// one (saving again applies the person's text over it, shown beside it), else the one
/// the person was editing.
pub(crate) fn version_after(status: StatusCode, edited: i32, current: i32) -> i32 {
    if status == StatusCode::CONFLICT {
        current
    } else {
        edited
    }
}

/// Sorts a write's outcome for a form page: `Ok(Ok(value))` when it was saved,
/// `Ok(Err((status, failure)))` when the form should be shown again (422 for a bad field,
/// 409 for an edit made against an old version), and `Err` for anything else.
pub(crate) fn why_not_saved<T>(outcome: Result<T>) -> Result<Result<T, (StatusCode, Failure)>> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(Error::Conflict { message, .. }) => Ok(Err((
            StatusCode::CONFLICT,
            Failure {
                field: "version".into(),
                message,
            },
        ))),
        Err(Error::Invalid { field, message }) => Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            Failure { field, message },
        ))),
        Err(err) => Err(err),
    }
}

/// The version an edit form carries, which the form itself sent back.
pub(crate) fn version_field(text: &str) -> Result<i32> {
    text.parse()
        .map_err(|_| Error::invalid("version", "the form lost track of the version: reload it"))
}
