//! What an account may do.

use super::vocabulary;

vocabulary! {
    /// What a user may do, each role including the ones before it.
    pub enum Role ("role") {
        Contributor = "contributor",
        Moderator = "moderator",
        Admin = "admin",
    }
}
