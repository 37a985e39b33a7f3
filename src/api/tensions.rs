//! `/api/v1/tensions`: adding and editing tensions.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;

use super::{ApiJson, Created, Writer};
use crate::Result;
use crate::tensions::write::{self, NewTension, TensionEdit};

/// Adds a tension.
#[utoipa::path(
    post,
    path = "/api/v1/tensions",
    tag = "map",
    request_body = NewTension,
    responses(
        (status = 201, body = Created),
    )
)]
pub async fn create_tension(
    writer: Writer,
    ApiJson(new): ApiJson<NewTension>,
) -> Result<(StatusCode, Json<Created>)> {
    let slug = writer
        .in_transaction(async |tx, user| write::create_tension(tx, user, &new).await)
        .await?;
    Ok(Created::at("/tensions", slug))
}

/// Edits a tension; 409 with the current state if it changed since `version`.
#[utoipa::path(
    patch,
    path = "/api/v1/tensions/{slug}",
    tag = "map",
    request_body = TensionEdit,
    responses(
        (status = 204),
    )
)]
pub async fn edit_tension(
    writer: Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<TensionEdit>,
) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| write::edit_tension(tx, user, &slug, &edit).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
