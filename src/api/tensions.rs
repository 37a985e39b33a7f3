//! `/api/v1/tensions`: adding and editing tensions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ApiJson, Created, Writer, in_transaction};
use crate::tensions::write::{self, NewTension, TensionEdit};
use crate::{AppState, Result};

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
    State(state): State<AppState>,
    Writer(user): Writer,
    ApiJson(new): ApiJson<NewTension>,
) -> Result<(StatusCode, Json<Created>)> {
    let slug = in_transaction(&state.db, async |tx| {
        write::create_tension(tx, &user, &new).await
    })
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
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<TensionEdit>,
) -> Result<StatusCode> {
    in_transaction(&state.db, async |tx| {
        write::edit_tension(tx, &user, &slug, &edit).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
