//! What every resource's read layer shares (`claims::read`, `proposals::read`,
//! `tensions::read`, `debates::read`, `sources::read`): the request a page reads an
//! object for, and the 404 that names what was not found.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::auth::Masthead;
use crate::{AppState, Error, Result};

/// What a page showing one object needs: the app, the page header, and the key (slug,
/// or for claims also an old numeric id) in its path.
pub(crate) struct Reading {
    pub state: AppState,
    pub masthead: Masthead,
    pub key: String,
}

impl FromRequestParts<AppState> for Reading {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let masthead = Masthead::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(key) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Reading {
            state: state.clone(),
            masthead,
            key,
        })
    }
}

/// A finder's answer: the object, or a 404 naming it (`the tension "slug"`).
pub(crate) trait OrNotFound<T> {
    fn or_not_found(self, what: &str, key: &str) -> Result<T>;
}

impl<T> OrNotFound<T> for Option<T> {
    fn or_not_found(self, what: &str, key: &str) -> Result<T> {
        self.ok_or_else(|| Error::NotFound(format!("the {what} {key:?}")))
    }
}

/// The `$row` that `$slug` names, or a 404 naming it as `$what` (`the tension "slug"`):
/// `$sql` takes the slug as its one parameter, and leaves out what the reader may not
/// find (hidden rows, for the read layers; the details form's moderators find them too).
/// The finders of the read layers and the edit forms are this one fetch; a macro because
/// `sqlx::query_as!` checks each query where it is written.
macro_rules! find_by_slug {
    ($db:expr, $what:expr, $row:ident, $sql:literal, $slug:expr $(,)?) => {
        $crate::read::OrNotFound::or_not_found(
            sqlx::query_as!($row, $sql, $slug)
                .fetch_optional($db)
                .await?,
            $what,
            $slug,
        )
    };
}

pub(crate) use find_by_slug;

/// The side of a tension a pole names: `a` for pole A, `b` for pole B.
pub(crate) fn side<'a, T>(pole: crate::domain::Pole, a: &'a mut T, b: &'a mut T) -> &'a mut T {
    match pole {
        crate::domain::Pole::A => a,
        crate::domain::Pole::B => b,
    }
}

/// Which run of a list to read: `limit` rows after skipping `offset`, in the list's own
/// (total) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub limit: i64,
    pub offset: i64,
}

impl Slice {
    /// Every row (a form's list of choices).
    pub const ALL: Slice = Slice {
        limit: i64::MAX,
        offset: 0,
    };

    /// The first `limit` rows.
    pub const fn first(limit: i64) -> Self {
        Slice { limit, offset: 0 }
    }
}
