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

/// Opens the application's pool.
pub async fn pool(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
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
