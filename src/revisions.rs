//! The history of every object: one revision row per write, in the writer's transaction.

use serde_json::Value;
use sqlx::PgConnection;

/// Records that `user_id` (None for the system: the CLI, the shipped map) did `action` to
/// the object, with its state before and after.
pub async fn record(
    conn: &mut PgConnection,
    object_kind: &str,
    object_id: i64,
    action: &str,
    user_id: Option<i64>,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into revisions (object_kind, object_id, action, user_id, before, after)
         values ($1, $2, $3, $4, $5, $6)
         returning id",
        object_kind,
        object_id,
        action,
        user_id,
        before,
        after,
    )
    .fetch_one(conn)
    .await
}
