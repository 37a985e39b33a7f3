//! What every form page shares: rendering a template as a response, and showing a form
//! again after a failed submit with what was wrong (a bad field, or a stale version).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

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
    pub field: String,
    pub message: String,
}

impl Failure {
    /// Whether `field` is the one at fault (for `aria-invalid`).
    pub(crate) fn is(&self, field: &str) -> bool {
        self.field == field
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
