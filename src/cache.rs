//! Reusing what was computed from the map until the map changes: rendered pages for
//! anonymous visitors, and every claim's standing.
//!
//! The database keeps a map version (`map_version`), bumped in the same transaction as
//! every write to anything a page shows (triggers, migration 0010) and announced at commit
//! on the channel `argmap_map`. Each instance listens there and drops its reused pages on
//! every announcement; it also drops them itself after any write request it served, so the
//! writer's next page is fresh even before the announcement arrives. A page is reused only
//! if no drop happened while it was being rendered, and only while the listener is
//! connected (a lost connection could lose announcements).
//!
//! Only anonymous requests (no session cookie, no API token) are answered from the cache:
//! signed-in pages carry user-specific masthead. Every reusable response carries an `ETag`
//! (a hash of its bytes) and `Cache-Control: no-cache`, so browsers and proxies revalidate
//! and get a 304 when nothing changed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};

use crate::stats::Stats;
use crate::views::Standings;

/// The channel the map version is announced on.
pub const CHANNEL: &str = "argmap_map";
/// Reused pages are dropped wholesale when they would take more than this.
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Responses larger than this are neither hashed nor kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// The session cookie's name (see `http::sessions`).
const SESSION_COOKIE: &str = "argmap_session=";

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    /// The `Host` asked for: without a configured public URL, documents that leave the site
    /// (summaries, CSV) link to the address the request came to, so one host's copy is
    /// never another's.
    host: Option<HeaderValue>,
    gzip: bool,
}

struct Page {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

/// An instance's reusable computations.
pub struct Caches {
    /// Whether rendered pages are reused (`--page-cache`); standings always are.
    pub pages_enabled: bool,
    /// Bumped on every drop; a render that straddles one is not kept.
    generation: AtomicU64,
    /// Whether the listener is connected, so announcements reach us.
    listening: AtomicBool,
    pages: RwLock<HashMap<Key, Arc<Page>>>,
    bytes: AtomicUsize,
    standings: AtVersion<Arc<Standings>>,
    stats: AtVersion<Stats>,
    /// Every visible tension, the most widely raised first (home, `/tensions`).
    tensions: AtVersion<Arc<Vec<crate::tensions::read::Listed>>>,
}

/// One thing computed from the map, kept for the map version it was computed at.
struct AtVersion<T>(Mutex<Option<(i64, T)>>);

impl<T: Clone> AtVersion<T> {
    fn new() -> Self {
        Self(Mutex::new(None))
    }

    /// The value kept, if it is `version`'s.
    fn at(&self, version: i64) -> Option<T> {
        match &*self.0.lock().expect("a kept value's lock") {
            Some((known, value)) if *known == version => Some(value.clone()),
            _ => None,
        }
    }

    /// The value at `version`: the one kept if it is that version's, else `compute`d (and
    /// kept, unless a newer version's was kept meanwhile).
    async fn get<F, E>(&self, version: i64, compute: impl FnOnce() -> F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.at(version) {
            return Ok(value);
        }
        // Computed after the version was read, so it is at least that new; a newer one
        // only makes the next request compute again.
        let value = compute().await?;
        let mut slot = self.0.lock().expect("a kept value's lock");
        if slot.as_ref().is_none_or(|(known, _)| *known < version) {
            *slot = Some((version, value.clone()));
        }
        Ok(value)
    }
}

impl Caches {
    pub fn new(pages_enabled: bool) -> Self {
        Self {
            pages_enabled,
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            pages: RwLock::default(),
            bytes: AtomicUsize::new(0),
            standings: AtVersion::new(),
            stats: AtVersion::new(),
            tensions: AtVersion::new(),
        }
    }

    /// Forgets every reused page.
    pub fn drop_pages(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut pages = self.pages.write().expect("the page cache lock");
        pages.clear();
        self.bytes.store(0, Ordering::SeqCst);
    }

    fn get(&self, key: &Key) -> Option<Arc<Page>> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        self.pages
            .read()
            .expect("the page cache lock")
            .get(key)
            .cloned()
    }

    fn keep(&self, key: Key, page: Page, generation: u64) {
        let size = page.body.len() + key.path.len();
        let mut pages = self.pages.write().expect("the page cache lock");
        // Checked under the lock, so a drop cannot slip between the check and the insert.
        if self.generation.load(Ordering::SeqCst) != generation
            || !self.listening.load(Ordering::SeqCst)
        {
            return;
        }
        if self.bytes.load(Ordering::SeqCst) + size > MAX_BYTES {
            pages.clear();
            self.bytes.store(0, Ordering::SeqCst);
        }
        self.bytes.fetch_add(size, Ordering::SeqCst);
        pages.insert(key, Arc::new(page));
    }

    /// Every visible claim's standing at the database's current map version: computed once
    /// per version, one statement (reading the version) when it is already known.
    /// They are computed in a snapshot of their own, so what is kept for a version is
    /// exactly that version's standings.
    pub async fn standings(&self, db: &PgPool) -> Result<Arc<Standings>, sqlx::Error> {
        if let Some(known) = self.standings.at(map_version(db).await?) {
            return Ok(known);
        }
        crate::db::in_snapshot(db, async |snapshot| self.standings_in(snapshot).await).await
    }

    /// The standings of what `snapshot` (a repeatable-read transaction) sees: the ones kept
    /// for its map version, or computed in it.
    pub async fn standings_in(
        &self,
        snapshot: &mut PgConnection,
    ) -> Result<Arc<Standings>, sqlx::Error> {
        let version = map_version(&mut *snapshot).await?;
        self.standings
            .get(version, async || {
                Ok(Arc::new(Standings::load(snapshot).await?))
            })
            .await
    }

    /// The map's figures at the current map version: counted once per version.
    pub async fn stats(&self, db: &PgPool) -> Result<Stats, sqlx::Error> {
        let version = map_version(db).await?;
        self.stats
            .get(version, async || crate::stats::stats(db).await)
            .await
    }

    /// The tensions in `slice` of the ranking by how widely they are raised, at the
    /// current map version: ranked once per version, since ranking means counting every
    /// tension's raises (100 ms at 17,000 tensions), then sliced for the home page's
    /// first few and each page of `/tensions`.
    pub(crate) async fn most_raised_tensions(
        &self,
        db: &PgPool,
        slice: crate::read::Slice,
    ) -> crate::Result<Vec<crate::tensions::read::Listed>> {
        let version = map_version(db).await?;
        let ranked = self
            .tensions
            .get(version, async || {
                crate::tensions::read::ranked(db).await.map(Arc::new)
            })
            .await?;
        let start = usize::try_from(slice.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(slice.limit).unwrap_or(usize::MAX);
        Ok(ranked.iter().skip(start).take(limit).cloned().collect())
    }
}

async fn map_version(db: impl sqlx::PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("select version from map_version")
        .fetch_one(db)
        .await
}

/// Listens for map announcements for as long as the process runs, reconnecting when the
/// connection drops; while it is down no page is reused.
pub fn listen(caches: Arc<Caches>, pool: PgPool) {
    tokio::spawn(async move {
        loop {
            match subscribe(&pool).await {
                Ok(mut listener) => {
                    caches.drop_pages();
                    caches.listening.store(true, Ordering::SeqCst);
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(_)) => caches.drop_pages(),
                            // The connection was lost (and is re-established on the next
                            // call): anything may have changed meanwhile.
                            Ok(None) => caches.drop_pages(),
                            // Shutting down closes the pool under the listener: not news.
                            Err(_) if pool.is_closed() => break,
                            Err(err) => {
                                tracing::warn!("map listener: {err}");
                                break;
                            }
                        }
                    }
                    caches.listening.store(false, Ordering::SeqCst);
                    caches.drop_pages();
                }
                Err(err) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!("cannot listen for map changes: {err}");
                }
            }
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Whether a request carries no session cookie and no API token.
pub fn is_anonymous(headers: &HeaderMap) -> bool {
    !headers.contains_key(header::AUTHORIZATION)
        && !headers
            .get_all(header::COOKIE)
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.contains(SESSION_COOKIE)))
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("gzip")))
}

fn matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

fn not_modified(etag: &HeaderValue, cache_control: &'static str) -> Response {
    (
        StatusCode::NOT_MODIFIED,
        [
            (header::ETAG, etag.clone()),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control),
            ),
        ],
    )
        .into_response()
}

fn reusable_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("text/html")
                || t.starts_with("image/svg+xml")
                || t.starts_with("application/json")
                || t.starts_with("text/markdown")
                || t.starts_with("text/plain")
        })
}

const PUBLIC: &str = "public, no-cache";
const PRIVATE: &str = "private, no-cache";

/// The middleware: answers anonymous GETs from reused pages, tags reusable responses with
/// an ETag (answering 304 when the client has them), and drops reused pages after writes.
pub async fn reuse(State(caches): State<Arc<Caches>>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let response = next.run(request).await;
        // The write (if any) has committed by now: this instance's next page shows it.
        caches.drop_pages();
        return response;
    }
    let anonymous = is_anonymous(request.headers());
    let use_cache = anonymous && caches.pages_enabled;
    let key = Key {
        path: request
            .uri()
            .path_and_query()
            .map_or_else(|| request.uri().path().to_owned(), ToString::to_string),
        host: request.headers().get(header::HOST).cloned(),
        gzip: accepts_gzip(request.headers()),
    };
    let request_headers = request.headers().clone();
    if use_cache {
        if let Some(page) = caches.get(&key) {
            if matches(&request_headers, &page.etag) {
                return not_modified(&page.etag, PUBLIC);
            }
            let mut response = Response::new(Body::from(page.body.clone()));
            *response.headers_mut() = page.headers.clone();
            return response;
        }
    }
    let generation = caches.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    let exact_size = axum::body::HttpBody::size_hint(response.body()).exact();
    if response.status() != StatusCode::OK
        || !reusable_type(response.headers())
        || response.headers().contains_key(header::SET_COOKIE)
        || response.headers().contains_key(header::ETAG)
        || exact_size.is_none_or(|n| n as usize > MAX_PAGE_BYTES)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(err) => {
            tracing::warn!("cannot read a response to reuse it: {err}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
        .expect("hex is a valid header value");
    parts.headers.insert(header::ETAG, etag.clone());
    let cache_control = if anonymous { PUBLIC } else { PRIVATE };
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if matches(&request_headers, &etag) {
        return not_modified(&etag, cache_control);
    }
    if use_cache && method == Method::GET {
        caches.keep(
            key,
            Page {
                headers: parts.headers.clone(),
                body: body.clone(),
                etag,
            },
            generation,
        );
    }
    Response::from_parts(parts, Body::from(body))
}
