//! `/api/v1/relations`: adding a relation between two claims already in the map (or a
//! claim and a proposal), and retiring one.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiJson, Writer};
use crate::Result;
use crate::relations::write::{self, NewRelation, RelationEdit};

/// A new relation: its id, and the path that retires it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedRelation {
    pub id: i64,
    pub url: String,
}

/// Adds a relation: claim `from` supports or attacks `to` (a claim, or "proposal:SLUG"),
/// or undercuts the inference `to` names as "relation:ID" (a relation's id, as a claim's
/// `relates_to` lists it); a target of the wrong sort for the kind is a 422 naming `to`.
/// Adding one retired earlier brings it back; one that already holds is a 409 naming it.
#[utoipa::path(
    post,
    path = "/api/v1/relations",
    tag = "claims",
    request_body = NewRelation,
    responses(
        (status = 201, body = CreatedRelation),
    )
)]
pub async fn create(
    writer: Writer,
    ApiJson(new): ApiJson<NewRelation>,
) -> Result<(StatusCode, Json<CreatedRelation>)> {
    let id = writer
        .in_transaction(async |tx, user| write::create(tx, user, &new).await)
        .await?;
    let url = format!("/api/v1/relations/{id}");
    Ok((StatusCode::CREATED, Json(CreatedRelation { id, url })))
}

/// Retires a relation (its creator or a moderator): it no longer counts, and stays in
/// the history.
#[utoipa::path(
    delete,
    path = "/api/v1/relations/{id}",
    tag = "claims",
    params(("id" = i64, Path, description = "The relation's id, as its creation answered")),
    responses(
        (status = 204),
    )
)]
pub async fn retire(writer: Writer, Path(id): Path<i64>) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::retire(tx, user, id).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a relation's kind (its creator or a moderator); 409 if the same two already
/// have a relation of that kind.
#[utoipa::path(
    patch,
    path = "/api/v1/relations/{id}",
    tag = "claims",
    params(("id" = i64, Path, description = "The relation's id, as its creation answered")),
    request_body = RelationEdit,
    responses(
        (status = 204),
    )
)]
pub async fn retype(
    writer: Writer,
    Path(id): Path<i64>,
    ApiJson(edit): ApiJson<RelationEdit>,
) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::retype(tx, user, id, &edit).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
