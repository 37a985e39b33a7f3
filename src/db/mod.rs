//! The database: the pool, migrations and argmap's embedded PostgreSQL.

pub mod binaries;
pub mod embedded;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The name of argmap's database in its embedded cluster.
pub const DATABASE: &str = "argmap";

/// Connections in the application's pool: PostgreSQL does most with about two busy
/// backends per core, and a pooled connection spends about half its time idle while the
/// application renders or the network sends, hence four per core. More only queue inside
/// the database (and PostgreSQL's processes grow with them); at least 8, so that one
/// long export does not starve the pages.
pub fn pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get) as u32;
    (cores * 4).clamp(8, 64)
}

/// Opens the application's pool.
pub async fn pool(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(pool_size())
        .acquire_timeout(Duration::from_secs(5))
        // PostgreSQL's JIT compiles a query whose plan looks costly: for argmap's large
        // reads (every relation, for standings) it spent 200 ms compiling a query that
        // runs in 16 ms.
        .connect_with(options.options([("jit", "off")]))
        .await
}

/// Refreshes the planner's statistics of every table: run after a bulk load, since until
/// autovacuum gets to them queries are planned for the tables' old sizes (50-100x slower).
/// A read-only transaction that sees one state of the database throughout (repeatable
/// read), for reads that must agree with each other: an export, standings and their version.
pub async fn snapshot(
    db: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    db.begin_with("begin isolation level repeatable read read only")
        .await
}

/// What `read` reads in a [`snapshot`] of its own.
pub async fn in_snapshot<T>(
    db: &PgPool,
    read: impl AsyncFnOnce(&mut PgConnection) -> Result<T, sqlx::Error>,
) -> Result<T, sqlx::Error> {
    let mut snapshot = snapshot(db).await?;
    let value = read(&mut snapshot).await?;
    snapshot.commit().await?;
    Ok(value)
}

pub async fn analyze(db: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::raw_sql("analyze").execute(db).await?;
    Ok(())
}

/// Creates `name` on the server `admin` is connected to, unless it exists.
pub async fn ensure_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let exists = sqlx::query_scalar!(
        "select exists(select 1 from pg_database where datname = $1) as \"exists!\"",
        name
    )
    .fetch_one(&mut *admin)
    .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; quote it as PostgreSQL does.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        sqlx::raw_sql(&format!("create database {quoted}"))
            .execute(&mut *admin)
            .await?;
    }
    Ok(())
}

/// Connects to the `postgres` maintenance database of a server.
pub async fn admin_connection(options: &PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
    PgConnection::connect_with(&options.clone().database("postgres")).await
}
