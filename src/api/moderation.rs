//! `/api/v1/claims/{slug}/{hide,restore,merge}`: the moderators' actions on claims.

use serde::Deserialize;
use utoipa::ToSchema;

use super::declare::api_write;
use crate::moderation::write;

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeInto {
    /// The surviving claim: its slug, or a few of its words (several matches are a 422
    /// saying so).
    pub into: String,
}

api_write! {
    tag = "claims";

    /// Hides a claim (moderators).
    post "/api/v1/claims/{slug}/hide"
    fn hide(path slug: String) -> NO_CONTENT |tx, user| {
        write::set_hidden(tx, user, &slug, true).await
    }

    /// Restores a hidden claim (moderators).
    post "/api/v1/claims/{slug}/restore"
    fn restore(path slug: String) -> NO_CONTENT |tx, user| {
        write::set_hidden(tx, user, &slug, false).await
    }

    /// Merges a duplicate into a surviving claim (moderators).
    post "/api/v1/claims/{slug}/merge"
    fn merge(path slug: String, body merge: MergeInto) -> NO_CONTENT |tx, user| {
        write::merge(tx, user, &slug, &merge.into).await
    }
}
