//! What every write of a titled object shares: bounded text fields, and the conflict an
//! edit made against an old version gets (optimistic locking).

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
