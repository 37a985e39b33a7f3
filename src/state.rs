//! The state every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
        }
    }
}
