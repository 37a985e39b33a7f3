//! Reads on PostgreSQL streaming replicas (`--replica-url`, repeatable).
//!
//! The same application is built once on the primary and once per replica; each request
//! goes to one of them. Anonymous GET and HEAD requests for the map's pages, search,
//! exports and the API's reads go to the replicas in turn; everything else goes to the
//! primary: writes, and every request of a signed-in user or an API token. Only signed-in
//! users (and tokens) can write, so a user always reads on the primary and always sees
//! their own writes at once, whatever the replicas' lag; anonymous readers see the map as
//! the replica has replayed it (typically milliseconds behind). Sign-in and sign-up pages
//! create sessions, so they go to the primary too.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use tower::ServiceExt;

/// Paths that write to the session table even when read: they stay on the primary.
const PRIMARY_ONLY: [&str; 4] = ["/signin", "/signup", "/account", "/admin"];

/// Whether `request` may be answered by a replica.
pub fn is_replica_read(request: &Request) -> bool {
    let path = request.uri().path();
    (request.method() == Method::GET || request.method() == Method::HEAD)
        && crate::cache::is_anonymous(request.headers())
        && !PRIMARY_ONLY.iter().any(|prefix| path.starts_with(prefix))
}

/// One application answering from `primary` or, for replica reads, from `replicas` in
/// turn.
pub fn with_replicas(primary: Router, replicas: Vec<Router>) -> Router {
    if replicas.is_empty() {
        return primary;
    }
    let replicas = Arc::new(replicas);
    let next = Arc::new(AtomicUsize::new(0));
    let route = tower::service_fn(move |request: Request| {
        let target = if is_replica_read(&request) {
            let i = next.fetch_add(1, Ordering::Relaxed) % replicas.len();
            replicas[i].clone()
        } else {
            primary.clone()
        };
        async move {
            let response: Result<Response, Infallible> = target.oneshot(request).await;
            response
        }
    });
    Router::new().fallback_service(route)
}
