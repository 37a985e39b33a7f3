//! `/api/v1/tokens`: a user's API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, Writer};
use crate::auth::{SignedIn, tokens};
use crate::{AppState, Result};

/// Your API tokens.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "account",
    security(("token" = [])),
    responses(
        (status = 200, body = Vec<tokens::TokenRow>),
    )
)]
pub async fn tokens(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<tokens::TokenRow>>> {
    Ok(Json(tokens::list(&state.db, user.id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenSecret {
    pub id: i64,
    /// The secret, shown this once.
    pub token: String,
}

/// Makes a token; its secret is in the answer and nowhere else.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "account",
    request_body = NewToken,
    responses(
        (status = 201, body = TokenSecret),
    )
)]
pub async fn create_token(
    writer: Writer,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenSecret>)> {
    let (id, token) = writer
        .in_transaction(async |tx, user| tokens::create(tx, user, &new.name).await)
        .await?;
    Ok((StatusCode::CREATED, Json(TokenSecret { id, token })))
}

/// Revokes a token: it stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/tokens/{id}/revoke",
    tag = "account",
    params(("id" = i64, Path)),
    responses(
        (status = 204),
    )
)]
pub async fn revoke_token(writer: Writer, Path(id): Path<i64>) -> Result<StatusCode> {
    writer
        .in_transaction(async |tx, user| tokens::revoke(tx, user, id).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
