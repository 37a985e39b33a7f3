//! The whole map as argmap JSON, written while it is read: the small sections whole, the
//! claims a slice at a time, so the server never holds the document (at 86,000 claims it
//! held some 390 MB of it). The bytes are the same as [`Format::Json`] writes from
//! [`load`](super::load) (a test holds the two together).
//!
//! All of it is read in one read-only, repeatable-read transaction, so the document is one
//! state of the map even while writes land during a long export.
//!
//! [`Format::Json`]: super::Format::Json

use std::io;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::model::{self, FORMAT, Scope, VERSION};
use crate::AppState;
use crate::cache::Caches;
use crate::views::Standings;

/// How many claims are read, written and let go at a time.
pub const CLAIMS_AT_ONCE: usize = 1_000;
/// Written bytes are handed on in pieces of about this size.
const PIECE: usize = 64 * 1024;

/// Where the document goes.
pub trait Sink {
    /// Takes the next piece; an error stops the writing (a client that left, a closed pipe).
    fn take(&mut self, piece: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send;
}

impl Sink for Vec<u8> {
    async fn take(&mut self, piece: Vec<u8>) -> io::Result<()> {
        self.extend_from_slice(&piece);
        Ok(())
    }
}

impl Sink for tokio::io::Stdout {
    async fn take(&mut self, piece: Vec<u8>) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.write_all(&piece).await?;
        self.flush().await
    }
}

impl Sink for mpsc::Sender<io::Result<Bytes>> {
    async fn take(&mut self, piece: Vec<u8>) -> io::Result<()> {
        self.send(Ok(Bytes::from(piece)))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client left"))
    }
}

/// Why a document stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("reading the map: {0}")]
    Database(#[from] sqlx::Error),
    #[error("writing the map: {0}")]
    Write(#[from] io::Error),
}

/// The whole map as a response body. Whole-map exports take turns
/// ([`AppState::whole_map_turn`]): this waits for one, held until the last byte is written.
pub async fn whole_map(state: &AppState) -> Body {
    let turn = state.whole_map_turn().await;
    whole_map_body(state.db.clone(), state.caches.clone(), turn)
}

/// The whole map written by a task of its own as the client reads it.
fn whole_map_body(db: PgPool, caches: Arc<Caches>, turn: OwnedSemaphorePermit) -> Body {
    let (sender, mut receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    tokio::spawn(async move {
        let _turn = turn;
        let mut sender = sender;
        match write_whole_map(&db, Some(&caches), CLAIMS_AT_ONCE, &mut sender).await {
            Ok(()) | Err(StreamError::Write(_)) => {}
            Err(error) => {
                tracing::error!(%error, "the whole-map export stopped");
                // An error in the body makes the server cut the response short, so the
                // client sees a broken download rather than a document that ends early.
                let _ = sender.send(Err(io::Error::other(error.to_string()))).await;
            }
        }
    });
    Body::from_stream(futures_util::stream::poll_fn(move |cx| {
        receiver.poll_recv(cx)
    }))
}

/// Writes the whole map to `sink`, `at_once` claims at a time, with the standings `caches`
/// keeps for the map version it reads (the server's), or else computed in its snapshot.
pub async fn write_whole_map(
    db: &PgPool,
    caches: Option<&Caches>,
    at_once: usize,
    sink: &mut impl Sink,
) -> Result<(), StreamError> {
    let mut tx = crate::db::snapshot(db).await?;
    let standings = model::standings_in(&mut tx, caches).await?;
    let mut out = Writer::new(sink);
    write_sections(&mut tx, &standings, at_once.max(1), &mut out).await?;
    out.finish().await?;
    tx.commit().await?;
    Ok(())
}

async fn write_sections<S: Sink>(
    conn: &mut PgConnection,
    standings: &Standings,
    at_once: usize,
    out: &mut Writer<'_, S>,
) -> Result<(), StreamError> {
    let (title, proposal_ids) = model::scope_proposals(conn, &Scope::All)
        .await?
        .expect("the whole map always exists");
    out.field("format", &FORMAT)?;
    out.field("version", &VERSION)?;
    out.field("scope", &Scope::All)?;
    out.field("title", &title)?;
    out.section("actors", &model::actors(conn, true, &[]).await?)
        .await?;
    out.section("debates", &model::debates(conn, true, &[]).await?)
        .await?;
    out.section("tensions", &model::tensions(conn, true, &[]).await?)
        .await?;
    out.section("proposals", &model::proposals(conn, &proposal_ids).await?)
        .await?;
    out.section("sources", &model::sources(conn, true, &[]).await?)
        .await?;
    let claim_ids = model::claim_ids(conn, true, &proposal_ids).await?;
    out.open("claims");
    for slice in claim_ids.chunks(at_once) {
        for claim in model::claims(conn, slice, standings).await? {
            out.item(&claim).await?;
        }
    }
    out.close();
    let relations = model::relations(conn, &claim_ids, &proposal_ids).await?;
    out.section("relations", &relations).await?;
    drop(relations);
    let raises = model::raises(conn, &proposal_ids, &claim_ids).await?;
    out.section("raises", &raises).await?;
    Ok(())
}

/// `serde_json`'s pretty printing of one object, a member at a time: each member and each
/// item of a list is pretty-printed alone and indented to its depth (a JSON string holds
/// no raw line break, so every line break in the output is indentation's).
struct Writer<'a, S> {
    sink: &'a mut S,
    buf: Vec<u8>,
    members: usize,
    items: usize,
}

impl<'a, S: Sink> Writer<'a, S> {
    fn new(sink: &'a mut S) -> Self {
        Self {
            sink,
            buf: b"{".to_vec(),
            members: 0,
            items: 0,
        }
    }

    fn key(&mut self, key: &str) {
        if self.members > 0 {
            self.buf.push(b',');
        }
        self.members += 1;
        self.buf.extend_from_slice(b"\n  ");
        serde_json::to_writer(&mut self.buf, key).expect("a string serialises");
        self.buf.extend_from_slice(b": ");
    }

    /// Writes `value` pretty-printed, every line after its first indented by `indent`.
    fn pretty(&mut self, value: &impl Serialize, indent: &[u8]) -> io::Result<()> {
        let text = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
        for (n, line) in text.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                self.buf.push(b'\n');
                self.buf.extend_from_slice(indent);
            }
            self.buf.extend_from_slice(line);
        }
        Ok(())
    }

    fn field(&mut self, key: &str, value: &impl Serialize) -> io::Result<()> {
        self.key(key);
        self.pretty(value, b"  ")
    }

    fn open(&mut self, key: &str) {
        self.key(key);
        self.buf.push(b'[');
        self.items = 0;
    }

    async fn item(&mut self, value: &impl Serialize) -> io::Result<()> {
        if self.items > 0 {
            self.buf.push(b',');
        }
        self.items += 1;
        self.buf.extend_from_slice(b"\n    ");
        self.pretty(value, b"    ")?;
        if self.buf.len() >= PIECE {
            self.sink.take(std::mem::take(&mut self.buf)).await?;
        }
        Ok(())
    }

    fn close(&mut self) {
        if self.items > 0 {
            self.buf.extend_from_slice(b"\n  ");
        }
        self.buf.push(b']');
    }

    async fn section(&mut self, key: &str, items: &[impl Serialize]) -> io::Result<()> {
        self.open(key);
        for item in items {
            self.item(item).await?;
        }
        self.close();
        Ok(())
    }

    async fn finish(mut self) -> io::Result<()> {
        self.buf.extend_from_slice(b"\n}\n");
        self.sink.take(std::mem::take(&mut self.buf)).await
    }
}
