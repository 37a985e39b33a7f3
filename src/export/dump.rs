//! The full dump of an instance and its restore.
//!
//! `argmap dump` writes every record of every table (but sessions) as one JSON document,
//! streamed a row at a time so memory stays flat however large the instance: keys in a
//! fixed order, timestamps in UTC, rows by primary key, one row per line. Restoring it
//! into an empty instance and dumping again gives the same bytes. A restore is one
//! transaction: a truncated or invalid dump writes nothing.

use std::fmt;

use serde_json::Value;
use sqlx::{PgConnection, PgPool, Row};
use tokio::io::{AsyncWrite, AsyncWriteExt};

pub const FORMAT: &str = "argmap-dump";
pub const VERSION: u32 = 1;
/// Rows inserted per statement on restore.
const BATCH: usize = 500;

/// Every table, parents before children, with its ordering key.
pub const TABLES: &[(&str, &str)] = &[
    ("users", "id"),
    ("api_tokens", "id"),
    ("actors", "id"),
    ("debates", "id"),
    ("sources", "id"),
    ("debate_sources", "debate_id, source_id"),
    ("source_versions", "id"),
    ("segments", "id"),
    ("proposals", "id"),
    ("tensions", "id"),
    ("proposal_tensions", "id"),
    ("claims", "id"),
    ("quotes", "id"),
    ("relations", "id"),
    ("tension_evidence", "proposal_tension_id, claim_id"),
    ("tags", "id"),
    ("claim_tags", "claim_id, tag_id"),
    ("annotations", "id"),
    ("claim_reviews", "id"),
    ("review_replies", "id"),
    ("suggestions", "id"),
    ("revisions", "id"),
];

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{origin}: not a valid dump: {message}")]
    Invalid { origin: String, message: String },
    #[error(
        "{origin}: this instance is not empty ({rows} records): restore into an empty instance, or pass --merge to add what is missing"
    )]
    NotEmpty { origin: String, rows: i64 },
    #[error(
        "{origin}: the dump is of schema version {dump}, this instance is at {here}: upgrade the older one first"
    )]
    SchemaMismatch {
        origin: String,
        dump: i64,
        here: i64,
    },
    #[error("{origin}: table {table}: {message}")]
    Rows {
        origin: String,
        table: String,
        message: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot write the dump: {0}")]
    Write(#[from] std::io::Error),
}

async fn schema_version(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations where success")
        .fetch_one(conn)
        .await
}

/// Writes the dump to `out`, a row at a time.
pub async fn dump(pool: &PgPool, out: &mut (impl AsyncWrite + Unpin)) -> Result<(), DumpError> {
    use futures_util::TryStreamExt;
    let mut conn = pool.acquire().await?;
    // One snapshot for the whole dump, and timestamps written the same way every time.
    sqlx::raw_sql("begin isolation level repeatable read read only; set local time zone 'UTC'")
        .execute(&mut *conn)
        .await?;
    let version = schema_version(&mut conn).await?;
    out.write_all(
        format!(
            "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"schema\":{version},\"tables\":{{"
        )
        .as_bytes(),
    )
    .await?;
    for (i, (table, order)) in TABLES.iter().enumerate() {
        let separator = if i == 0 { "" } else { "," };
        out.write_all(format!("{separator}\n\"{table}\":[").as_bytes())
            .await?;
        // Table names come from the constant list above, never from input.
        let sql = format!("select (to_jsonb(t) - 'search')::text from {table} t order by {order}");
        let mut rows = sqlx::query_scalar::<_, String>(&sql).fetch(&mut *conn);
        let mut first = true;
        while let Some(row) = rows.try_next().await? {
            out.write_all(if first { b"\n" } else { b",\n" }).await?;
            out.write_all(row.as_bytes()).await?;
            first = false;
        }
        out.write_all(b"]").await?;
    }
    out.write_all(b"\n}}\n").await?;
    out.flush().await?;
    sqlx::raw_sql("commit").execute(&mut *conn).await?;
    Ok(())
}

/// What a restore wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub inserted: u64,
    pub skipped: u64,
    pub tables: usize,
}

impl fmt::Display for RestoreSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "restored {} records into {} tables",
            self.inserted, self.tables
        )?;
        if self.skipped > 0 {
            write!(f, " ({} already present, kept as they were)", self.skipped)?;
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DumpFile {
    format: String,
    version: u32,
    schema: i64,
    tables: serde_json::Map<String, Value>,
}

/// Restores `bytes` (a dump) in the caller's transaction.
pub async fn restore(
    conn: &mut PgConnection,
    origin: &str,
    bytes: &[u8],
    merge: bool,
) -> Result<RestoreSummary, DumpError> {
    let invalid = |message: String| DumpError::Invalid {
        origin: origin.to_owned(),
        message,
    };
    let file: DumpFile = serde_json::from_slice(bytes).map_err(|err| invalid(err.to_string()))?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(invalid(format!(
            "format {:?} version {}, expected {FORMAT:?} version {VERSION}",
            file.format, file.version
        )));
    }
    for name in file.tables.keys() {
        if !TABLES.iter().any(|(table, _)| table == name) {
            return Err(invalid(format!("unknown table {name:?}")));
        }
    }
    let here = schema_version(conn).await?;
    if file.schema != here {
        return Err(DumpError::SchemaMismatch {
            origin: origin.to_owned(),
            dump: file.schema,
            here,
        });
    }
    if !merge {
        let counts: Vec<String> = TABLES
            .iter()
            .map(|(t, _)| format!("(select count(*) from {t})"))
            .collect();
        let rows: i64 = sqlx::query_scalar(&format!("select {}", counts.join(" + ")))
            .fetch_one(&mut *conn)
            .await?;
        if rows > 0 {
            return Err(DumpError::NotEmpty {
                origin: origin.to_owned(),
                rows,
            });
        }
    }

    let mut summary = RestoreSummary::default();
    for (table, _) in TABLES {
        let Some(rows) = file.tables.get(*table) else {
            continue;
        };
        let rows = rows
            .as_array()
            .ok_or_else(|| invalid(format!("table {table:?} is not a list of rows")))?;
        let columns: Vec<String> = sqlx::query(
            "select column_name::text from information_schema.columns
             where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'
             order by ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
        // A claim may point at a survivor restored after it: link those once all exist.
        let deferred = if *table == "claims" {
            Some("merged_into_id")
        } else {
            None
        };
        let selected: Vec<String> = columns
            .iter()
            .map(|c| {
                if Some(c.as_str()) == deferred {
                    format!("null as {c}")
                } else {
                    c.clone()
                }
            })
            .collect();
        let sql = format!(
            "insert into {table} ({}) overriding system value select {} from jsonb_populate_recordset(null::{table}, $1) {}",
            columns.join(", "),
            selected.join(", "),
            if merge { "on conflict do nothing" } else { "" }
        );
        for batch in rows.chunks(BATCH) {
            let inserted = sqlx::query(&sql)
                .bind(Value::Array(batch.to_vec()))
                .execute(&mut *conn)
                .await
                .map_err(|err| rows_error(origin, table, err))?
                .rows_affected();
            summary.inserted += inserted;
            summary.skipped += batch.len() as u64 - inserted;
        }
        if let Some(column) = deferred {
            sqlx::query(&format!(
                "update {table} t set {column} = r.{column}, updated_at = r.updated_at
                 from jsonb_populate_recordset(null::{table}, $1) r
                 where t.id = r.id and r.{column} is not null and t.{column} is null"
            ))
            .bind(Value::Array(rows.clone()))
            .execute(&mut *conn)
            .await
            .map_err(|err| rows_error(origin, table, err))?;
        }
        if columns.iter().any(|c| c == "id") {
            sqlx::query(&format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1), max(id) is not null) from {table}"
            ))
            .execute(&mut *conn)
            .await?;
        }
        summary.tables += 1;
    }
    Ok(summary)
}

/// A database's objection to restored rows, in words that name the table.
fn rows_error(origin: &str, table: &str, err: sqlx::Error) -> DumpError {
    match err {
        sqlx::Error::Database(db) => DumpError::Rows {
            origin: origin.to_owned(),
            table: table.to_owned(),
            message: db.message().to_owned(),
        },
        other => DumpError::Database(other),
    }
}
