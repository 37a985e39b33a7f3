//! Running argmap: its database (embedded or external), then the HTTP server until a
//! signal, then a clean stop.

use std::future::Future;
use std::path::Path;
use std::time::Instant;

use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::db::embedded::{Cluster, EmbeddedError, Postgres};
use crate::db::{self, MIGRATOR};
use crate::{AppState, app};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
    #[error("cannot load the map:\n{0}")]
    Seed(#[from] crate::map::LoadError),
}

/// The database argmap works on, and the embedded server behind it, if any.
pub struct Database {
    pub pool: PgPool,
    pub postgres: Option<Postgres>,
}

impl Database {
    /// Connects to `DATABASE_URL` when configured, or brings up the embedded cluster in the
    /// data folder; then applies pending migrations.
    pub async fn open(config: &Config) -> Result<Self, ServeError> {
        let database = match &config.database_url {
            Some(url) => {
                let pool = db::pool(url.parse().map_err(ServeError::Connect)?)
                    .await
                    .map_err(ServeError::Connect)?;
                Self {
                    pool,
                    postgres: None,
                }
            }
            None => Self::embedded(&config.data_dir).await?,
        };
        let started = Instant::now();
        MIGRATOR.run(&database.pool).await?;
        tracing::debug!(elapsed = ?started.elapsed(), "migrations applied");
        Ok(database)
    }

    /// Opens the database as [`Database::open`] does, then, for the embedded database with
    /// a seed map configured, loads that map if the database is still empty: whichever
    /// command touches a fresh data folder first (`serve` or `import`), the shipped map is
    /// there, as it would be had `serve` come first.
    pub async fn open_seeded(config: &Config) -> Result<Self, ServeError> {
        let database = Self::open(config).await?;
        if let (Some(_), Some(map)) = (&database.postgres, &config.seed_map) {
            if let Err(err) = database.seed(map).await {
                let _ = database.close().await;
                return Err(err);
            }
        }
        Ok(database)
    }

    /// Loads `map` when the database holds no source yet: the first start of the embedded
    /// default gets the shipped map, later starts keep what people have done since.
    pub async fn seed(&self, map: &Path) -> Result<(), ServeError> {
        let empty = sqlx::query_scalar!(r#"select not exists(select 1 from sources) as "empty!""#)
            .fetch_one(&self.pool)
            .await
            .map_err(ServeError::Connect)?;
        if !empty {
            return Ok(());
        }
        if !map.join("map.toml").is_file() {
            tracing::warn!(
                "no map at {}: starting with an empty database",
                map.display()
            );
            return Ok(());
        }
        let started = Instant::now();
        let mut tx = self.pool.begin().await.map_err(ServeError::Connect)?;
        let summary = crate::map::load_map(&mut tx, map).await?;
        tx.commit().await.map_err(ServeError::Connect)?;
        tracing::info!(
            elapsed = ?started.elapsed(),
            sources = summary.sources_imported,
            objects = summary.objects_created,
            links = summary.links_added,
            "loaded the map in {}",
            map.display()
        );
        Ok(())
    }

    async fn embedded(data_dir: &Path) -> Result<Self, ServeError> {
        let postgres = Cluster::new(data_dir)?.start().await?;
        let options = postgres.connect_options(db::DATABASE);
        let setup = async {
            let mut admin = db::admin_connection(&options).await?;
            db::ensure_database(&mut admin, db::DATABASE).await?;
            db::pool(options).await
        };
        match setup.await {
            Ok(pool) => {
                tracing::info!("database: {}", postgres.url(db::DATABASE));
                Ok(Self {
                    pool,
                    postgres: Some(postgres),
                })
            }
            Err(err) => {
                let _ = postgres.stop().await;
                Err(ServeError::Connect(err))
            }
        }
    }

    /// Closes the pool, then stops the embedded server if we started it.
    pub async fn close(self) -> Result<(), ServeError> {
        self.pool.close().await;
        if let Some(postgres) = self.postgres {
            postgres.stop().await?;
        }
        Ok(())
    }
}

/// Serves argmap until SIGINT or SIGTERM, drains in-flight requests, and stops cleanly.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let started = Instant::now();
    let shutdown = shutdown_signal();
    // The shipped map goes into a new embedded instance; an external database is the
    // operator's to fill.
    let database = Database::open_seeded(&config).await?;
    // Expired sessions are removed hourly, in the background, for the life of the server.
    let sessions = tower_sessions_sqlx_store::PostgresStore::new(database.pool.clone());
    let cleanup = tokio::spawn(
        tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
            sessions,
            tokio::time::Duration::from_secs(3600),
        ),
    );
    let result = serve_on(&config, database.pool.clone(), shutdown).await;
    cleanup.abort();
    if result.is_ok() {
        tracing::info!(uptime = ?started.elapsed(), "stopping");
    }
    let closed = database.close().await;
    result.and(closed)
}

async fn serve_on(
    config: &Config,
    pool: PgPool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!("listening on http://{addr}");
    let mut replicas = Vec::new();
    for url in &config.replica_urls {
        let replica = db::pool(url.parse().map_err(ServeError::Connect)?)
            .await
            .map_err(ServeError::Connect)?;
        replicas.push(app(AppState::replica(replica, config.clone())));
    }
    if !replicas.is_empty() {
        tracing::info!("anonymous reads go to {} replicas", replicas.len());
    }
    let app =
        crate::http::replicas::with_replicas(app(AppState::new(pool, config.clone())), replicas);
    crate::http::serve::serve(listener, app, config.header_read_timeout, shutdown)
        .await
        .map_err(ServeError::Serve)
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM. The handlers are installed now, not
/// when the future is first polled, so a signal that arrives during start-up is not lost.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).expect("installing a SIGINT handler");
    let mut terminate = signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
    async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!("{name} received: finishing in-flight requests");
    }
}
