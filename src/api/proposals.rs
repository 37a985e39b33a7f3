//! `/api/v1/proposals`: a proposal's argument as a document; adding and editing proposals.

use super::Created;
use super::declare::{api_read, api_write};
use super::map::{Object, document};
use crate::export::Scope;
use crate::proposals::write::{self, NewProposal, ProposalEdit};

api_read! {
    tag = "map";

    /// A proposal with its argument.
    get "/api/v1/proposals/{slug}"
    described("an argmap-map document")
    fn proposal(path slug: String) -> Object |state| {
        document(&state, Scope::Proposal(slug)).await?
    }
}

api_write! {
    tag = "map";

    /// Adds a proposal to a debate.
    post "/api/v1/proposals"
    fn create_proposal(body new: NewProposal) -> CREATED Created |tx, user| {
        let slug = write::create_proposal(tx, user, &new).await?;
        Ok(Created::at("/proposals", slug))
    }

    /// Edits a proposal; 409 with the current state if it changed since `version`.
    patch "/api/v1/proposals/{slug}"
    fn edit_proposal(path slug: String, body edit: ProposalEdit) -> NO_CONTENT |tx, user| {
        write::edit_proposal(tx, user, &slug, &edit).await
    }
}
