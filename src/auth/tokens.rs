//! Per-user API tokens: a random secret shown once, stored only as its SHA-256, revocable.

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{User, hash_token};
use crate::edits::{record_change, record_created};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

/// Secrets look like `am_` and 64 hex digits, so they are easy to spot in a leak.
pub const PREFIX: &str = "am_";

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<time::OffsetDateTime>,
}

pub async fn list(db: &PgPool, user_id: i64) -> Result<Vec<TokenRow>> {
    Ok(sqlx::query_as!(
        TokenRow,
        "select id, name, created_at, last_used_at, revoked_at from api_tokens where user_id = $1 order by id",
        user_id
    )
    .fetch_all(db)
    .await?)
}

/// Makes a token for `user`; returns its id and the secret (never stored).
pub async fn create(conn: &mut PgConnection, user: &User, name: &str) -> Result<(i64, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::invalid(
            "name",
            "give the token a name of 1 to 80 characters (what it is for)",
        ));
    }
    let secret = format!("{PREFIX}{}", super::csrf::random_token());
    let id = sqlx::query_scalar!(
        "insert into api_tokens (user_id, name, token_hash) values ($1, $2, $3) returning id",
        user.id,
        name,
        hash_token(&secret)
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "name": name });
    record_created(conn, user, (ObjectKind::ApiToken, id), after).await?;
    Ok((id, secret))
}

/// Revokes one of `user`'s tokens (an admin may revoke anyone's).
pub async fn revoke(conn: &mut PgConnection, user: &User, id: i64) -> Result<()> {
    sqlx::query_scalar!(
        "update api_tokens set revoked_at = now()
         where id = $1 and revoked_at is null and (user_id = $2 or $3)
         returning id",
        id,
        user.id,
        user.role == super::Role::Admin
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("an active token {id} of yours")))?;
    let after = json!({ "revoked": true });
    let change = Revision::new(ObjectKind::ApiToken, id, RevisionAction::Revoke);
    record_change(conn, user, change, after).await?;
    Ok(())
}
