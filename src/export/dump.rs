//! The full dump of an instance and its restore.
//!
//! `argmap dump` writes every record of every table (but sessions) as one JSON document,
//! streamed a row at a time through a buffer so memory stays flat however large the
//! instance: keys in a fixed order, timestamps in UTC, rows by primary key, one row per
//! line. Restoring it into an empty instance and dumping again gives the same bytes.
//!
//! A restore streams too: the file is parsed on a blocking thread that hands rows over in
//! batches, so it never holds more than a few batches. It is one transaction with the
//! tables locked: a truncated or invalid dump writes nothing, and sequences are moved only
//! once every row is in (never backwards, never by a failed restore); ids are bounded so a
//! crafted dump cannot push a sequence to its end.
//!
//! `--merge` adds a dump of another instance to this one. Its rows never keep their ids:
//! each gets a fresh one, and every reference is rewritten to follow, so a foreign row can
//! never attach to whatever local row held the same id. A row already here (same slug,
//! same email, same natural key, or the same content) is matched instead of added. API
//! tokens are never merged (they are another instance's credentials), and merged accounts
//! arrive as contributors.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde_json::{Map, Value};
use sqlx::{PgConnection, PgPool};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::domain::Role;

pub const FORMAT: &str = "argmap-dump";

/// A merged row with its id in the dump (tables with ids) and its references rewritten.
type RewrittenRow = (Option<i64>, Map<String, Value>);
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

/// Writes the dump to `out`, a row at a time, through a 64 KiB buffer.
pub async fn dump(pool: &PgPool, out: &mut (impl AsyncWrite + Unpin)) -> Result<(), DumpError> {
    use futures_util::TryStreamExt;
    let out = &mut tokio::io::BufWriter::with_capacity(64 * 1024, out);
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

/// Ids a dump may hold: enough for any instance, and far from the end of a sequence.
pub const MAX_ID: i64 = (1 << 53) - 1;

/// What the parsing thread hands over, in file order.
enum Event {
    Header {
        format: String,
        version: u32,
        schema: i64,
    },
    Table(String),
    Rows(Vec<Map<String, Value>>),
    End,
}

/// Parses a dump from `reader`, sending its parts down `events`. Stops (with an error)
/// as soon as the receiver is gone.
fn parse(reader: impl Read, events: mpsc::Sender<Event>) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    serde::de::DeserializeSeed::deserialize(DumpSeed(&events), &mut deserializer)?;
    deserializer.end()?;
    send(&events, Event::End)
}

fn send(events: &mpsc::Sender<Event>, event: Event) -> Result<(), serde_json::Error> {
    events
        .blocking_send(event)
        .map_err(|_| serde::de::Error::custom(STOPPED))
}

const STOPPED: &str = "the restore stopped";

/// The parts of a dump, each read by a seed that visits what it reads and sends it on to
/// the restore: the struct, its `DeserializeSeed` (through `$deserialize`), and its
/// `Visitor` expecting `$expecting`, with the `visit_*` method given.
macro_rules! seed {
    ($name:ident, $deserialize:ident, $expecting:literal, $visit:item) => {
        struct $name<'a>(&'a mpsc::Sender<Event>);

        impl<'de> serde::de::DeserializeSeed<'de> for $name<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.$deserialize(self)
            }
        }

        impl<'de> serde::de::Visitor<'de> for $name<'_> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str($expecting)
            }

            $visit
        }
    };
}

seed!(
    DumpSeed,
    deserialize_map,
    "an argmap dump: an object with format, version, schema and tables",
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let (mut format, mut version, mut schema) = (None, None, None);
        let mut tables = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" if format.is_none() => format = Some(map.next_value::<String>()?),
                "version" if version.is_none() => version = Some(map.next_value::<u32>()?),
                "schema" if schema.is_none() => schema = Some(map.next_value::<i64>()?),
                "tables" if !tables => {
                    let (Some(format), Some(version), Some(schema)) =
                        (format.take(), version, schema)
                    else {
                        return Err(A::Error::custom(
                            "format, version and schema must come before tables",
                        ));
                    };
                    send(
                        self.0,
                        Event::Header {
                            format,
                            version,
                            schema,
                        },
                    )
                    .map_err(A::Error::custom)?;
                    map.next_value_seed(TablesSeed(self.0))?;
                    tables = true;
                }
                other => {
                    return Err(A::Error::custom(format!(
                        "unexpected or repeated key {other:?}"
                    )));
                }
            }
        }
        if !tables {
            return Err(A::Error::custom("no tables"));
        }
        Ok(())
    }
);

seed!(
    TablesSeed,
    deserialize_map,
    "an object of tables",
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(table) = map.next_key::<String>()? {
            send(self.0, Event::Table(table)).map_err(A::Error::custom)?;
            map.next_value_seed(RowsSeed(self.0))?;
        }
        Ok(())
    }
);

seed!(
    RowsSeed,
    deserialize_seq,
    "a list of rows (objects)",
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = seq.next_element::<Map<String, Value>>()? {
            batch.push(row);
            if batch.len() == BATCH {
                send(self.0, Event::Rows(std::mem::take(&mut batch))).map_err(A::Error::custom)?;
            }
        }
        if !batch.is_empty() {
            send(self.0, Event::Rows(batch)).map_err(A::Error::custom)?;
        }
        Ok(())
    }
);

/// Restores `bytes` (a dump) in the caller's transaction.
pub async fn restore(
    conn: &mut PgConnection,
    origin: &str,
    bytes: &[u8],
    merge: bool,
) -> Result<RestoreSummary, DumpError> {
    restore_from(conn, origin, std::io::Cursor::new(bytes.to_vec()), merge).await
}

/// Restores the dump read from `reader`, streaming, in the caller's transaction.
pub async fn restore_from(
    conn: &mut PgConnection,
    origin: &str,
    reader: impl Read + Send + 'static,
    merge: bool,
) -> Result<RestoreSummary, DumpError> {
    let (sender, mut events) = mpsc::channel(2);
    let parser = tokio::task::spawn_blocking(move || parse(reader, sender));
    let result = Restore::new(origin, merge).run(conn, &mut events).await;
    drop(events);
    let parsed = parser.await.expect("the dump parser panicked");
    match (result, parsed) {
        (Ok(summary), _) => Ok(summary),
        // The file's own fault explains an early end better than the end does.
        (Err(_), Err(err))
            if err.to_string() != STOPPED && !err.to_string().starts_with(STOPPED) =>
        {
            Err(DumpError::Invalid {
                origin: origin.to_owned(),
                message: err.to_string(),
            })
        }
        (Err(err), _) => Err(err),
    }
}

/// A restore in progress.
struct Restore<'a> {
    origin: &'a str,
    merge: bool,
    summary: RestoreSummary,
    /// In a merge: each table's ids in the dump → ids here.
    ids: HashMap<String, HashMap<i64, i64>>,
    /// Self-references set once every row of their table is in: (table, column, id here,
    /// the referenced id as in the dump (merge) or as restored).
    deferred: Vec<(String, String, i64, i64)>,
    /// Tables given rows, whose sequences move at the end.
    filled: Vec<String>,
}

struct TableInfo {
    name: String,
    columns: Vec<String>,
    has_id: bool,
    /// Single-column foreign keys: column → table referenced.
    references: Vec<(String, String)>,
    /// In a merge, the next fresh id.
    next_id: i64,
}

impl<'a> Restore<'a> {
    fn new(origin: &'a str, merge: bool) -> Self {
        Self {
            origin,
            merge,
            summary: RestoreSummary::default(),
            ids: HashMap::new(),
            deferred: Vec::new(),
            filled: Vec::new(),
        }
    }

    fn invalid(&self, message: String) -> DumpError {
        DumpError::Invalid {
            origin: self.origin.to_owned(),
            message,
        }
    }

    fn rows_error(&self, table: &str, message: String) -> DumpError {
        DumpError::Rows {
            origin: self.origin.to_owned(),
            table: table.to_owned(),
            message,
        }
    }

    async fn run(
        mut self,
        conn: &mut PgConnection,
        events: &mut mpsc::Receiver<Event>,
    ) -> Result<RestoreSummary, DumpError> {
        let ended_early = |origin: &str| DumpError::Invalid {
            origin: origin.to_owned(),
            message: "the file ended early".into(),
        };
        let Some(Event::Header {
            format,
            version,
            schema,
        }) = events.recv().await
        else {
            return Err(ended_early(self.origin));
        };
        if format != FORMAT || version != VERSION {
            return Err(self.invalid(format!(
                "format {format:?} version {version}, expected {FORMAT:?} version {VERSION}"
            )));
        }
        let here = schema_version(conn).await?;
        if schema != here {
            return Err(DumpError::SchemaMismatch {
                origin: self.origin.to_owned(),
                dump: schema,
                here,
            });
        }
        // Nobody else writes while ids are given out and sequences are set.
        let names: Vec<&str> = TABLES.iter().map(|(t, _)| *t).collect();
        sqlx::raw_sql(&format!(
            "lock table {} in exclusive mode",
            names.join(", ")
        ))
        .execute(&mut *conn)
        .await?;
        if !self.merge {
            let counts: Vec<String> = names
                .iter()
                .map(|t| format!("(select count(*) from {t})"))
                .collect();
            let rows: i64 = sqlx::query_scalar(&format!("select {}", counts.join(" + ")))
                .fetch_one(&mut *conn)
                .await?;
            if rows > 0 {
                return Err(DumpError::NotEmpty {
                    origin: self.origin.to_owned(),
                    rows,
                });
            }
        }

        let mut position = 0;
        let mut table: Option<TableInfo> = None;
        loop {
            match events.recv().await {
                Some(Event::Table(name)) => {
                    let Some(at) = TABLES.iter().position(|(t, _)| *t == name) else {
                        return Err(self.invalid(format!("unknown table {name:?}")));
                    };
                    if at < position || table.as_ref().is_some_and(|t| t.name == name) {
                        return Err(self.invalid(format!(
                            "table {name:?} is out of order or repeated: tables come in the order argmap dump writes them"
                        )));
                    }
                    position = at + 1;
                    if table.take().is_some() {
                        self.summary.tables += 1;
                    }
                    table = Some(self.table_info(conn, TABLES[at].0).await?);
                }
                Some(Event::Rows(rows)) => {
                    let Some(info) = table.as_mut() else {
                        return Err(self.invalid("rows outside a table".into()));
                    };
                    if !self.filled.contains(&info.name) {
                        self.filled.push(info.name.clone());
                    }
                    if self.merge {
                        self.merge_rows(conn, info, rows).await?;
                    } else {
                        self.insert_rows(conn, info, rows).await?;
                    }
                }
                Some(Event::End) => break,
                Some(Event::Header { .. }) | None => return Err(ended_early(self.origin)),
            }
        }
        if table.is_some() {
            self.summary.tables += 1;
        }
        self.finish(conn).await?;
        Ok(self.summary)
    }

    async fn table_info(
        &self,
        conn: &mut PgConnection,
        name: &str,
    ) -> Result<TableInfo, DumpError> {
        let columns: Vec<String> = sqlx::query_scalar(
            "select column_name::text from information_schema.columns
             where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'
             order by ordinal_position",
        )
        .bind(name)
        .fetch_all(&mut *conn)
        .await?;
        let references: Vec<(String, String)> = sqlx::query_as(
            "select a.attname::text, target.relname::text
             from pg_constraint c
             join pg_class source on source.oid = c.conrelid
             join pg_class target on target.oid = c.confrelid
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
             where c.contype = 'f' and cardinality(c.conkey) = 1
               and source.relnamespace = 'public'::regnamespace and source.relname = $1",
        )
        .bind(name)
        .fetch_all(&mut *conn)
        .await?;
        let has_id = columns.iter().any(|c| c == "id");
        let next_id = if has_id && self.merge {
            let sql = format!(
                "select greatest(coalesce(max(id), 0), coalesce(pg_sequence_last_value(pg_get_serial_sequence('{name}', 'id')::regclass), 0)) + 1 from {name}"
            );
            sqlx::query_scalar(&sql).fetch_one(&mut *conn).await?
        } else {
            0
        };
        Ok(TableInfo {
            name: name.to_owned(),
            columns,
            has_id,
            references,
            next_id,
        })
    }

    /// Checks a row's id: present, an integer, and within [`MAX_ID`].
    fn row_id(&self, table: &str, row: &Map<String, Value>) -> Result<i64, DumpError> {
        match row.get("id").and_then(Value::as_i64) {
            Some(id) if (1..=MAX_ID).contains(&id) => Ok(id),
            _ => Err(self.rows_error(
                table,
                format!(
                    "a row's id must be a whole number from 1 to {MAX_ID}, not {}",
                    row.get("id").map_or("missing".into(), Value::to_string)
                ),
            )),
        }
    }

    /// An empty instance: rows keep their ids.
    async fn insert_rows(
        &mut self,
        conn: &mut PgConnection,
        info: &TableInfo,
        mut rows: Vec<Map<String, Value>>,
    ) -> Result<(), DumpError> {
        for row in &mut rows {
            if info.has_id {
                let id = self.row_id(&info.name, row)?;
                for (column, target) in &info.references {
                    if *target == info.name {
                        // A reference to an earlier row of the table (an undercut's
                        // inference) is in by then: kept, as a CHECK may need it.
                        if let Some(to) = row
                            .get(column)
                            .and_then(Value::as_i64)
                            .filter(|&to| to >= id)
                        {
                            self.deferred
                                .push((info.name.clone(), column.clone(), id, to));
                            row.insert(column.clone(), Value::Null);
                        }
                    }
                }
            }
        }
        let inserted = self.insert(conn, info, rows, false).await?;
        self.summary.inserted += inserted;
        Ok(())
    }

    async fn insert(
        &self,
        conn: &mut PgConnection,
        info: &TableInfo,
        rows: Vec<Map<String, Value>>,
        skip_conflicts: bool,
    ) -> Result<u64, DumpError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let columns = info.columns.join(", ");
        let sql = format!(
            "insert into {table} ({columns}) overriding system value select {columns} from jsonb_populate_recordset(null::{table}, $1) {}",
            if skip_conflicts {
                "on conflict do nothing"
            } else {
                ""
            },
            table = info.name,
        );
        let rows = Value::Array(rows.into_iter().map(Value::Object).collect());
        Ok(sqlx::query(&sql)
            .bind(rows)
            .execute(&mut *conn)
            .await
            .map_err(|err| rows_error(self.origin, &info.name, err))?
            .rows_affected())
    }

    /// The SQL condition on which a local row `t` is the dump's row `r` (references in `r`
    /// already rewritten to local ids).
    fn same_row(table: &str, columns: &[String]) -> String {
        match table {
            "users" => "lower(t.email) = lower(r.email)".into(),
            "source_versions" => "t.source_id = r.source_id and t.number = r.number".into(),
            "segments" => "t.source_version_id = r.source_version_id and t.position = r.position".into(),
            "proposal_tensions" => "t.proposal_id = r.proposal_id and t.tension_id = r.tension_id".into(),
            "quotes" => "t.claim_id = r.claim_id and t.segment_id = r.segment_id and t.start_char = r.start_char and t.end_char = r.end_char".into(),
            "suggestions" => "t.segment_id = r.segment_id and t.kind = r.kind and t.start_char = r.start_char and t.end_char = r.end_char".into(),
            _ if columns.iter().any(|c| c == "slug") => "t.slug = r.slug".into(),
            _ => "(to_jsonb(t) - 'id' - 'search') = (to_jsonb(r) - 'id' - 'search')".into(),
        }
    }

    /// Another instance's rows: every id fresh, every reference rewritten. Rows that
    /// reference rows of their own table (an undercut, its inference) go in generations:
    /// first those whose references are known here, so that a row already here is
    /// recognised whole and a CHECK needing the reference holds.
    async fn merge_rows(
        &mut self,
        conn: &mut PgConnection,
        info: &mut TableInfo,
        mut rows: Vec<Map<String, Value>>,
    ) -> Result<(), DumpError> {
        let own: Vec<String> = info
            .references
            .iter()
            .filter(|(_, target)| *target == info.name)
            .map(|(column, _)| column.clone())
            .collect();
        while !rows.is_empty() && !own.is_empty() {
            let known = self.ids.get(&info.name);
            let (ready, waiting): (Vec<_>, Vec<_>) = rows.into_iter().partition(|row| {
                own.iter().all(|column| {
                    row.get(column)
                        .and_then(Value::as_i64)
                        .is_none_or(|to| known.is_some_and(|ids| ids.contains_key(&to)))
                })
            });
            if ready.is_empty() {
                rows = waiting;
                break;
            }
            self.merge_batch(conn, info, ready).await?;
            rows = waiting;
        }
        self.merge_batch(conn, info, rows).await
    }

    async fn merge_batch(
        &mut self,
        conn: &mut PgConnection,
        info: &mut TableInfo,
        rows: Vec<Map<String, Value>>,
    ) -> Result<(), DumpError> {
        if rows.is_empty() {
            return Ok(());
        }
        if info.name == "api_tokens" {
            // Another instance's credentials are never valid here.
            self.summary.skipped += rows.len() as u64;
            return Ok(());
        }
        let mut kept = Vec::with_capacity(rows.len());
        let mut self_refs = Vec::new();
        for row in rows {
            match self.rewrite_row(info, row, &mut self_refs)? {
                Some(rewritten) => kept.push(rewritten),
                None => self.summary.skipped += 1,
            }
        }
        if !info.has_id {
            let before = kept.len() as u64;
            let inserted = self
                .insert(conn, info, kept.into_iter().map(|(_, r)| r).collect(), true)
                .await?;
            self.summary.inserted += inserted;
            self.summary.skipped += before - inserted;
            return Ok(());
        }

        // Rows already here are matched, not added.
        let candidates = Value::Array(kept.iter().map(|(_, r)| Value::Object(r.clone())).collect());
        let matched: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "select r.id, min(t.id) from jsonb_populate_recordset(null::{table}, $1) r
             join {table} t on {condition} group by r.id",
            table = info.name,
            condition = Self::same_row(&info.name, &info.columns),
        ))
        .bind(candidates)
        .fetch_all(&mut *conn)
        .await
        .map_err(|err| rows_error(self.origin, &info.name, err))?;
        let matched: HashMap<i64, i64> = matched.into_iter().collect();
        let ids = self.ids.entry(info.name.clone()).or_default();
        let mut fresh = Vec::new();
        for (old, mut row) in kept {
            let old = old.expect("a table with ids");
            if let Some(&here) = matched.get(&old) {
                ids.insert(old, here);
                self.summary.skipped += 1;
                continue;
            }
            let here = info.next_id;
            info.next_id += 1;
            ids.insert(old, here);
            row.insert("id".into(), Value::from(here));
            fresh.push(row);
        }
        for (old, column, to) in self_refs {
            if let Some(&here) = ids.get(&old) {
                if !matched.contains_key(&old) {
                    self.deferred.push((info.name.clone(), column, here, to));
                }
            }
        }
        let inserted = self.insert(conn, info, fresh, false).await?;
        self.summary.inserted += inserted;
        Ok(())
    }

    /// One row of another instance with its references rewritten to ids here; None when
    /// it depends on a row that is not merged (an API token, an object not in the dump's
    /// revisions). References to its own table are noted in `self_refs` for later.
    fn rewrite_row(
        &self,
        info: &TableInfo,
        mut row: Map<String, Value>,
        self_refs: &mut Vec<(i64, String, i64)>,
    ) -> Result<Option<RewrittenRow>, DumpError> {
        let old = if info.has_id {
            Some(self.row_id(&info.name, &row)?)
        } else {
            None
        };
        for (column, target) in &info.references {
            let Some(value) = row.get(column).filter(|v| !v.is_null()) else {
                continue;
            };
            let Some(to) = value.as_i64() else {
                return Err(self.rows_error(&info.name, format!("{column} {value} is not an id")));
            };
            if *target == info.name {
                // An earlier row of the table already merged is referenced at once (an
                // undercut's inference: a CHECK needs it); others are linked at the end.
                if let Some(&here) = self.ids.get(target).and_then(|ids| ids.get(&to)) {
                    row.insert(column.clone(), Value::from(here));
                    continue;
                }
                self_refs.push((old.unwrap_or_default(), column.clone(), to));
                row.insert(column.clone(), Value::Null);
                continue;
            }
            match self.ids.get(target).and_then(|ids| ids.get(&to)) {
                Some(&here) => {
                    row.insert(column.clone(), Value::from(here));
                }
                // A row of a table never merged (API tokens): its dependants go too.
                None if target == "api_tokens" => {
                    return Ok(None);
                }
                None => {
                    return Err(self.rows_error(
                        &info.name,
                        format!("{column} {to} names a row of {target} that is not in the dump"),
                    ));
                }
            }
        }
        if info.name == "revisions" {
            if let Some(kind) = row.get("object_kind").and_then(Value::as_str) {
                let target = object_table(kind);
                let to = row.get("object_id").and_then(Value::as_i64);
                if let (Some(target), Some(to)) = (target, to) {
                    match self.ids.get(target).and_then(|ids| ids.get(&to)) {
                        Some(&here) => {
                            row.insert("object_id".into(), Value::from(here));
                        }
                        None => {
                            return Ok(None);
                        }
                    }
                }
            }
        }
        if info.name == "users" {
            // An admin elsewhere is not an admin here.
            row.insert("role".into(), Value::from(Role::Contributor.as_str()));
            row.insert("session_epoch".into(), Value::from(0));
        }
        Ok(Some((old, row)))
    }

    /// Links self-references, then moves the sequences past the restored ids.
    async fn finish(&mut self, conn: &mut PgConnection) -> Result<(), DumpError> {
        for (table, column, id, to) in std::mem::take(&mut self.deferred) {
            let to = if self.merge {
                match self.ids.get(&table).and_then(|ids| ids.get(&to)) {
                    Some(&here) => here,
                    None => {
                        return Err(self.rows_error(
                            &table,
                            format!("{column} {to} names a row that is not in the dump"),
                        ));
                    }
                }
            } else {
                to
            };
            // Table and column names come from the catalogue, never from the file.
            sqlx::query(&format!(
                "update {table} set {column} = $2 where id = $1 and {column} is null"
            ))
            .bind(id)
            .bind(to)
            .execute(&mut *conn)
            .await
            .map_err(|err| rows_error(self.origin, &table, err))?;
        }
        for table in &self.filled {
            let has_id: bool = sqlx::query_scalar(
                "select exists(select 1 from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name = 'id')",
            )
            .bind(table)
            .fetch_one(&mut *conn)
            .await?;
            if has_id {
                sqlx::query(&format!(
                    "select setval(s, m) from (select pg_get_serial_sequence('{table}', 'id') as s, max(id) as m from {table}) x
                     where m is not null and m > coalesce(pg_sequence_last_value(s::regclass), 0)"
                ))
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }
}

/// The table a revision's `object_kind` names.
fn object_table(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "actor" => "actors",
        "debate" => "debates",
        "source" => "sources",
        "proposal" => "proposals",
        "tension" => "tensions",
        "proposal_tension" => "proposal_tensions",
        "claim" => "claims",
        "quote" => "quotes",
        "relation" => "relations",
        "annotation" => "annotations",
        "claim_review" => "claim_reviews",
        "review_reply" => "review_replies",
        "suggestion" => "suggestions",
        "user" => "users",
        "api_token" => "api_tokens",
        _ => return None,
    })
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
