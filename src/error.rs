//! The one error type of the HTTP layer, and how it becomes a response.
//!
//! Handlers return [`Result`]. [`Error::into_response`] decides the status and the words a
//! person sees, and attaches them to the response as a [`Problem`];
//! `http::errors::render` then draws it as an HTML page, or as
//! `application/problem+json` under `/api/`, in one place.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing named does not exist (or is hidden from this reader).
    #[error("{0} not found")]
    NotFound(String),
    /// The request is malformed: a bad query string, an unparsable body.
    #[error("{0}")]
    BadRequest(String),
    /// One input field is wrong; `message` says how.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request needs a signed-in user (pages redirect to the sign-in form).
    #[error("sign in to do this")]
    Unauthorized,
    /// Signed in, but not allowed to do this; or a form without its CSRF token.
    #[error("{0}")]
    Forbidden(String),
    /// The object changed since the client read it; `current` says how it is now.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<serde_json::Value>,
    },
    /// Too many attempts: try again after this many seconds.
    #[error("too many attempts: try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    /// The request body is larger than we accept.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The database cannot be reached or is overloaded.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// The mail system refused a message (what it said is logged, not shown).
    #[error("mail could not be sent just now: try again in a few minutes")]
    MailNotSent(String),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("template error")]
    Template(#[from] askama::Error),
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            Error::Unavailable(err)
        } else {
            Error::Database(err)
        }
    }
}

/// Whether `err` says the database is out of reach (down, restarting, shutting down, the
/// connection cut) rather than that the statement was wrong: those are 503s, not 500s.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // Class 08: connection exceptions; 57P01–57P05: the server is shutting down,
            // crashed, not yet accepting connections, or the connection went idle too long.
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}

/// Logs an outage at most once a second, saying how many similar errors were not logged:
/// a minute without the database must not write thousands of lines.
fn log_unavailable(err: &Error) {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};
    static LAST: Mutex<Option<(Instant, u64)>> = Mutex::new(None);
    let Ok(mut last) = LAST.lock() else { return };
    let now = Instant::now();
    match &mut *last {
        Some((at, suppressed)) if now.duration_since(*at) < Duration::from_secs(1) => {
            *suppressed += 1;
        }
        state => {
            let suppressed = state.as_ref().map_or(0, |(_, n)| *n);
            tracing::error!(error = ?err, suppressed, "the database is unavailable");
            *state = Some((now, 0));
        }
    }
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A JSON body or form (`what`) that its type refused. A field holding a value it
    /// cannot take (an unknown word, text where a number belongs) is a 422 naming the
    /// field, like the writes' own checks; a missing field or a body of the wrong shape
    /// is a 400.
    pub(crate) fn unfit<E: std::fmt::Display>(
        what: &str,
        err: serde_path_to_error::Error<E>,
    ) -> Self {
        let field = err.path().to_string();
        if field == "." {
            Error::BadRequest(format!("{what} does not fit: {}", err.inner()))
        } else {
            Error::invalid(field, err.inner().to_string())
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Unavailable(_) | Error::MailNotSent(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Template(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// What went wrong, in words fit for the person who asked: never a database's error text.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(serialize_with = "serialize_status")]
    #[schema(value_type = u16)]
    pub status: StatusCode,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The input field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The object as it is now, for conflicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

fn serialize_status<S: serde::Serializer>(
    status: &StatusCode,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_u16(status.as_u16())
}

impl Problem {
    pub fn new(status: StatusCode, detail: Option<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        Self {
            status,
            title,
            detail,
            field: None,
            current: None,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if matches!(self, Error::Unavailable(_)) {
            log_unavailable(&self);
        } else if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut problem = Problem::new(status, None);
        match self {
            Error::NotFound(_)
            | Error::BadRequest(_)
            | Error::Unauthorized
            | Error::PayloadTooLarge { .. }
            | Error::MailNotSent(_)
            | Error::Forbidden(_) => problem.detail = Some(self.to_string()),
            Error::TooManyRequests { retry_after } => {
                problem.detail = Some(self.to_string());
                let mut response = status.into_response();
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, retry_after.into());
                response.extensions_mut().insert(problem);
                return response;
            }
            Error::Conflict { message, current } => {
                problem.detail = Some(message);
                problem.current = current;
            }
            Error::Invalid { field, message } => {
                problem.detail = Some(format!("{field}: {message}"));
                problem.field = Some(field);
            }
            Error::Unavailable(_) => {
                problem.detail = Some("The database is unavailable; try again shortly.".into())
            }
            Error::Database(_) | Error::Template(_) => {}
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(problem);
        response
    }
}

/// Turns a database error into ours; a unique or foreign-key violation of `constraint`
/// becomes the error `make` gives, so a race between two writers ends in a clear 4xx
/// from the constraint itself rather than a check made before it.
pub(crate) trait ResultExt<T> {
    fn on_constraint(self, constraint: &str, make: impl FnOnce() -> Error) -> Result<T>;
}

impl<T> ResultExt<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: &str, make: impl FnOnce() -> Error) -> Result<T> {
        self.map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some(constraint) => make(),
            _ => err.into(),
        })
    }
}
