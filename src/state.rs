//! The state every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;
use crate::http::limits::Limits;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    /// This instance's rate limiters.
    pub limits: Arc<Limits>,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        Self {
            db,
            limits: Arc::new(Limits::new(&config.limits)),
            config: Arc::new(config),
        }
    }
}
