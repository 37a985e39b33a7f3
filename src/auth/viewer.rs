//! Who is reading, as far as visibility goes. A hidden claim is seen by moderators only
//! (on its own page, marked as hidden) and left out of every list for everyone; hidden
//! proposals, tensions, debates and sources are seen by nobody; removed links and retired
//! quotes by nobody.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::{Masthead, MaybeUser, Role};
use crate::{AppState, Error, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Viewer {
    /// Whether hidden objects are shown (to moderators, marked as hidden).
    pub sees_hidden: bool,
}

impl From<&Masthead> for Viewer {
    fn from(masthead: &Masthead) -> Self {
        Viewer {
            sees_hidden: masthead.is_moderator(),
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        Ok(Viewer {
            sees_hidden: user.is_some_and(|u| u.role >= Role::Moderator),
        })
    }
}
