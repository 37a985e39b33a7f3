//! `/api/v1/relations`: adding a relation between two claims already in the map (or a
//! claim and a proposal), and retiring one.

use serde::Serialize;
use utoipa::ToSchema;

use super::declare::api_write;
use crate::relations::write::{self, NewRelation, RelationEdit};

/// A new relation: its id, and the path that retires it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedRelation {
    pub id: i64,
    pub url: String,
}

api_write! {
    tag = "claims";

    /// Adds a relation: claim `from` supports or attacks `to` (a claim, or "proposal:SLUG"),
    /// or undercuts the inference `to` names as "relation:ID" (a relation's id, as a claim's
    /// `relates_to` lists it); a target of the wrong sort for the kind is a 422 naming `to`.
    /// Adding one retired earlier brings it back; one that already holds is a 409 naming it.
    post "/api/v1/relations"
    fn create(body new: NewRelation) -> CREATED CreatedRelation |tx, user| {
        let id = write::create(tx, user, &new).await?;
        let url = format!("/api/v1/relations/{id}");
        Ok(CreatedRelation { id, url })
    }

    /// Retires a relation (its creator or a moderator): it no longer counts, and stays in
    /// the history.
    delete "/api/v1/relations/{id}"
    params(("id" = i64, Path, description = "The relation's id, as its creation answered"))
    fn retire(path id: i64) -> NO_CONTENT |tx, user| {
        write::retire(tx, user, id).await
    }

    /// Changes a relation's kind (its creator or a moderator); 409 if the same two already
    /// have a relation of that kind.
    patch "/api/v1/relations/{id}"
    params(("id" = i64, Path, description = "The relation's id, as its creation answered"))
    fn retype(path id: i64, body edit: RelationEdit) -> NO_CONTENT |tx, user| {
        write::retype(tx, user, id, &edit).await
    }
}
