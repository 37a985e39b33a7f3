//! What the writes share: bounded text fields, the revision a change is recorded with,
//! and the conflict an edit made against an old version gets (optimistic locking).

use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::auth::User;
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

/// `text` trimmed, if its length in characters is within `min..=max`.
pub(crate) fn bounded_text(
    field: &'static str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String> {
    let text = text.trim().to_owned();
    let length = text.chars().count();
    if length < min || length > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters"),
        ));
    }
    Ok(text)
}

/// The error for an edit of `kind` made against version `read`, carrying the object as
/// it is now so the editor can compare and save again.
pub(crate) fn stale_edit(kind: &str, read: i32, current: serde_json::Value) -> Error {
    Error::Conflict {
        message: format!(
            "someone changed this {kind} since you read it (version {read}); here it is as it is now: compare and save again"
        ),
        current: Some(current),
    }
}

/// Records `change` (an action on an object, with the object's state before it where
/// that matters) as made by `user`, leaving the object as `after`: the revision every
/// write by a person ends with, in the write's transaction.
pub(crate) async fn record_change(
    conn: &mut PgConnection,
    user: &User,
    change: Revision,
    after: Value,
) -> Result<()> {
    change.by(user.id).after(after).record(conn).await?;
    Ok(())
}

/// Records that `user` created `object` `id`, leaving it as `after`: the revision every
/// create by a person ends with.
pub(crate) async fn record_created(
    conn: &mut PgConnection,
    user: &User,
    (object, id): (ObjectKind, i64),
    after: Value,
) -> Result<()> {
    let change = Revision::new(object, id, RevisionAction::Create);
    record_change(conn, user, change, after).await
}

/// Finishes an edit of `object` `id` whose `update … where version = read` changed
/// `updated` rows: none means someone saved in between (a stale edit, nothing written);
/// one is recorded as an edit from `before` to `after`.
pub(crate) async fn record_edit(
    conn: &mut PgConnection,
    user: &User,
    (object, id): (ObjectKind, i64),
    read: i32,
    updated: u64,
    (before, after): (Value, Value),
) -> Result<()> {
    if updated == 0 {
        return Err(stale_edit(object.as_str(), read, json!({})));
    }
    let change = Revision::new(object, id, RevisionAction::Edit).before(before);
    record_change(conn, user, change, after).await
}
