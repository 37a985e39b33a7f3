//! `/api/v1/claims/{slug}/quotes`: adding a quote to a claim already in the map, and
//! retiring one.

use serde::Serialize;
use utoipa::ToSchema;

use super::declare::api_write;
use crate::claims::write::{self, NewQuote};

/// A quote added: its id, and the path that retires it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedQuote {
    pub id: i64,
    pub url: String,
}

api_write! {
    tag = "claims";

    /// Adds a quote to the claim: words of a source's passage (the segment may be left out:
    /// the first passage holding the words is taken), matched as a new claim's quote is and
    /// stored exactly. A span retired earlier comes back; one the claim quotes already is a 409.
    post "/api/v1/claims/{slug}/quotes"
    fn add(path slug: String, body new: NewQuote) -> CREATED CreatedQuote |tx, user| {
        let id = write::add_quote(tx, user, &slug, &new).await?;
        let url = format!("/api/v1/claims/{slug}/quotes/{id}");
        Ok(CreatedQuote { id, url })
    }

    /// Retires a quote of the claim (it stays in the history); a claim keeps at least one
    /// (422 for its last).
    delete "/api/v1/claims/{slug}/quotes/{id}"
    params(("id" = i64, Path, description = "The quote's id, as the claim lists it"))
    fn retire(path (slug, id): (String, i64)) -> NO_CONTENT |tx, user| {
        write::retire_quote(tx, user, &slug, id).await
    }
}
