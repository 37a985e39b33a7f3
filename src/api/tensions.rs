//! `/api/v1/tensions`: adding and editing tensions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ApiJson, Created, SlugPath, Writer};
use crate::error::Problem;
use crate::tensions::write::{self, NewTension, TensionEdit};
use crate::{AppState, Result};

/// Adds a tension.
#[utoipa::path(
    post,
    path = "/api/v1/tensions",
    tag = "map",
    request_body = NewTension,
    security(("token" = [])),
    responses(
        (status = 201, body = Created),
        (status = 422, body = Problem),
    )
)]
pub async fn create_tension(
    State(state): State<AppState>,
    Writer(user): Writer,
    ApiJson(new): ApiJson<NewTension>,
) -> Result<(StatusCode, Json<Created>)> {
    let mut tx = state.db.begin().await?;
    let slug = write::create_tension(&mut tx, &user, &new).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            url: format!("/tensions/{slug}"),
            slug,
        }),
    ))
}

/// Edits a tension; 409 with the current state if it changed since `version`.
#[utoipa::path(
    patch,
    path = "/api/v1/tensions/{slug}",
    tag = "map",
    request_body = TensionEdit,
    security(("token" = [])),
    params(SlugPath),
    responses(
        (status = 204),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
pub async fn edit_tension(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<TensionEdit>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::edit_tension(&mut tx, &user, &slug, &edit).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
