//! Who makes claims.

use super::vocabulary;

vocabulary! {
    /// What an actor is.
    pub enum ActorKind ("actor kind") {
        Person = "person",
        Organisation = "organisation",
        Office = "office",
    }
}
