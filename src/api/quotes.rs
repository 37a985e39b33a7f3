//! `/api/v1/claims/{slug}/quotes`: adding a quote to a claim already in the map, and
//! retiring one.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiJson, Writer};
use crate::Result;
use crate::claims::write::{self, NewQuote};

/// A quote added: its id, and the path that retires it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedQuote {
    pub id: i64,
    pub url: String,
}

/// Adds a quote to the claim: words of a source's passage (the segment may be left out:
/// the first passage holding the words is taken), matched as a new claim's quote is and
/// stored exactly. A span retired earlier comes back; one the claim quotes already is a 409.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{slug}/quotes",
    tag = "claims",
    request_body = NewQuote,
    responses(
        (status = 201, body = CreatedQuote),
    )
)]
pub async fn add(
    writer: Writer,
    Path(slug): Path<String>,
    ApiJson(new): ApiJson<NewQuote>,
) -> Result<(StatusCode, Json<CreatedQuote>)> {
    let id = writer
        .in_transaction(async |tx, user| write::add_quote(tx, user, &slug, &new).await)
        .await?;
    let url = format!("/api/v1/claims/{slug}/quotes/{id}");
    Ok((StatusCode::CREATED, Json(CreatedQuote { id, url })))
}

/// Retires a quote of the claim (it stays in the history); a claim keeps at least one
/// (422 for its last).
#[utoipa::path(
    delete,
    path = "/api/v1/claims/{slug}/quotes/{id}",
    tag = "claims",
    params(("id" = i64, Path, description = "The quote's id, as the claim lists it")),
    responses(
        (status = 204),
    )
)]
pub async fn retire(writer: Writer, Path((slug, id)): Path<(String, i64)>) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::retire_quote(tx, user, &slug, id).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
