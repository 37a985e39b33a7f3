//! HTTP: the routes of every area merged into one application, and the middleware stack.

mod errors;
mod health;
pub mod input;
pub mod limits;
pub mod replicas;
pub mod serve;

use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// The largest request body accepted (an imported document, a restored dump page).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// A request still running after this gets a 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// No inline script or style anywhere: everything comes from `/static`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application for `state`.
pub fn app(state: AppState) -> Router {
    let cached_a_day = || {
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        )
    };
    let static_files = ServiceBuilder::new()
        .layer(cached_a_day())
        .service(ServeDir::new(&state.config.static_dir));
    // Browsers ask for /favicon.ico whatever the page links: the same icon answers.
    let favicon = ServiceBuilder::new()
        .layer(cached_a_day())
        .service(ServeFile::new(state.config.static_dir.join("favicon.svg")));

    let routes = Router::new()
        .merge(health::router())
        .merge(crate::home::router())
        .merge(crate::debates::router())
        .merge(crate::proposals::router())
        .merge(crate::tensions::router())
        .merge(crate::claims::router())
        .merge(crate::sources::page::router())
        .merge(crate::sources::forms::router())
        .merge(crate::details::forms::router())
        .merge(crate::search::router())
        .merge(crate::browse::router())
        .merge(crate::api::router())
        .merge(crate::export::routes::router())
        .merge(crate::auth::pages::router())
        .merge(crate::auth::signup::router())
        .merge(crate::auth::admin::router())
        .merge(crate::claims::forms::router())
        .merge(crate::relations::forms::router())
        .merge(crate::moderation::router())
        .merge(crate::sources::suggestions::router())
        .merge(crate::history::router())
        .nest_service("/static", static_files)
        .route_service("/favicon.ico", favicon)
        .fallback(errors::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::views::flash::confirm,
        ))
        .layer(sessions(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::writes,
        ));
    let secure = state.config.secure_cookies;
    let caches = state.caches.clone();
    let mut routes = routes.with_state(state);
    if secure {
        // Served over HTTPS: browsers should never try plain HTTP again.
        routes = routes.layer(security_header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    with_middleware(routes, caches)
}

/// The middleware stack, outermost first:
/// 1. a request id is set (or kept from the client) and returned, so logs and reports match;
/// 2. every request is traced in a span with its id and matched route;
/// 3. anonymous pages are answered from the page cache when the map has not changed since
///    they were rendered, reusable responses get an ETag (304 when the client has it), and
///    writes drop the cache (`cache::reuse`); it sits above the headers and compression so
///    a reused page is the finished response, compressed once;
/// 4. security headers are added to every response;
/// 5. responses are compressed (gzip at its fastest level: on a 50 KB page the best level
///    costs more CPU than the bytes it saves on a local network);
/// 6. errors from anything below become our HTML or problem+json pages;
/// 7. slow requests time out (503), large bodies are refused (413), and a panic becomes a
///    500 instead of a dropped connection;
/// 8. control characters in the path, query or a form/JSON body are refused (422), and a
///    chunked body over the limit gets its 413 too (`input`).
///
/// Inside the routes: writes are rate-limited per client address (`limits::writes`), and
/// `Strict-Transport-Security` is sent when the site is served over HTTPS.
fn with_middleware(router: Router, caches: std::sync::Arc<crate::cache::Caches>) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    router.layer(
        ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
            let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), route, id)
        }))
        .layer(PropagateRequestIdLayer::new(x_request_id))
        .layer(axum::middleware::from_fn_with_state(caches, crate::cache::reuse))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(security_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .layer(security_header(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(errors::render))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(axum::middleware::from_fn(input::guard))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(errors::panic_response)),
    )
}

/// Sessions live in PostgreSQL, so any instance can serve any user. The cookie is
/// HttpOnly and SameSite=Lax, and Secure when the site is served over HTTPS.
fn sessions(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<tower_sessions_sqlx_store::PostgresStore> {
    let store = tower_sessions_sqlx_store::PostgresStore::new(state.db.clone());
    tower_sessions::SessionManagerLayer::new(store)
        .with_name("argmap_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(tower_sessions::Expiry::OnInactivity(time::Duration::days(
            14,
        )))
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
