//! `/api/v1/tokens`: a user's API tokens.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::declare::api_write;
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

api_write! {
    tag = "account";

    /// Makes a token; its secret is in the answer and nowhere else.
    post "/api/v1/tokens"
    fn create_token(body new: NewToken) -> CREATED TokenSecret |tx, user| {
        let (id, token) = tokens::create(tx, user, &new.name).await?;
        Ok(TokenSecret { id, token })
    }

    /// Revokes a token: it stops working at once.
    post "/api/v1/tokens/{id}/revoke"
    params(("id" = i64, Path))
    fn revoke_token(path id: i64) -> NO_CONTENT |tx, user| {
        tokens::revoke(tx, user, id).await
    }
}
