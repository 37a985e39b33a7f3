//! `/api/v1/tensions`: adding and editing tensions.

use super::Created;
use super::declare::api_write;
use crate::tensions::write::{self, NewTension, TensionEdit};

api_write! {
    tag = "map";

    /// Adds a tension.
    post "/api/v1/tensions"
    fn create_tension(body new: NewTension) -> CREATED Created |tx, user| {
        let slug = write::create_tension(tx, user, &new).await?;
        Ok(Created::at("/tensions", slug))
    }

    /// Edits a tension; 409 with the current state if it changed since `version`.
    patch "/api/v1/tensions/{slug}"
    fn edit_tension(path slug: String, body edit: TensionEdit) -> NO_CONTENT |tx, user| {
        write::edit_tension(tx, user, &slug, &edit).await
    }
}
