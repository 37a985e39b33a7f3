//! The state every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::cache::{self, Caches};
use crate::config::Config;
use crate::http::limits::Limits;
use crate::mail::Mailer;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    /// This instance's rate limiters.
    pub limits: Arc<Limits>,
    /// What this instance reuses until the map changes (pages, standings).
    pub caches: Arc<Caches>,
    /// Sends the mail that finishes a sign-up.
    pub mailer: Mailer,
    /// One whole-map export at a time (see [`AppState::whole_map_turn`]).
    whole_map_exports: Arc<Semaphore>,
}

impl AppState {
    /// The state for `db`; starts listening for map changes (so call it in a runtime).
    pub fn new(db: PgPool, config: Config) -> Self {
        let caches = Caches::new(config.page_cache);
        let state = Self::with_caches(db, config, caches);
        cache::listen(state.caches.clone(), state.db.clone());
        state
    }

    /// The state of a read-only replica's application: it reuses no pages (a standby
    /// cannot LISTEN, and its lag would let a page outlive the drop that should end it);
    /// standings are still kept per map version, read from the replica itself.
    pub fn replica(db: PgPool, config: Config) -> Self {
        Self::with_caches(db, config, Caches::new(false))
    }

    /// Waits for this instance's turn to export the whole map, held until the permit is
    /// dropped. Each export reads every claim (the JSON one streams it; the other formats
    /// hold the whole map in memory, some 390 MB at 86,000 claims), so concurrent ones
    /// would multiply the server's memory and its database load.
    pub async fn whole_map_turn(&self) -> OwnedSemaphorePermit {
        self.whole_map_exports
            .clone()
            .acquire_owned()
            .await
            .expect("never closed")
    }

    fn with_caches(db: PgPool, config: Config, caches: Caches) -> Self {
        Self {
            db,
            limits: Arc::new(Limits::new(&config.limits)),
            mailer: Mailer::new(&config.mail, config.mail_from.clone()),
            whole_map_exports: Arc::new(Semaphore::new(1)),
            config: Arc::new(config),
            caches: Arc::new(caches),
        }
    }
}
