//! Rate limits (GCRA, from the `governor` crate) on sign-ups and on writes, per client
//! address and per account, and the client address itself (the connection's peer, or a
//! configured trusted proxy header).
//!
//! Limits are kept in memory per instance: several instances behind a load balancer each
//! allow the full rate. Sign-in failures are counted in PostgreSQL instead (see
//! `auth::pages`), so a lockout holds across instances.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{Config, LimitConfig};
use crate::{AppState, Error};

/// The limiters of one instance.
pub struct Limits {
    signups: DefaultKeyedRateLimiter<IpAddr>,
    writes_by_addr: DefaultKeyedRateLimiter<IpAddr>,
    writes_by_account: DefaultKeyedRateLimiter<i64>,
    checks: AtomicU64,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits").finish_non_exhaustive()
    }
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(config: &LimitConfig) -> Self {
        let writes = Quota::per_minute(at_least_one(config.writes_per_minute));
        Self {
            signups: DefaultKeyedRateLimiter::keyed(Quota::per_hour(at_least_one(
                config.signups_per_hour,
            ))),
            writes_by_addr: DefaultKeyedRateLimiter::keyed(writes),
            writes_by_account: DefaultKeyedRateLimiter::keyed(writes),
            checks: AtomicU64::new(0),
        }
    }

    /// One more sign-up from `addr`, or how long to wait.
    pub fn signup(&self, addr: Option<IpAddr>) -> Result<(), Error> {
        self.check(&self.signups, addr)
    }

    /// One more write by `account`, or how long to wait.
    pub fn write_by_account(&self, account: i64) -> Result<(), Error> {
        self.check(&self.writes_by_account, Some(account))
    }

    fn check<K: Clone + std::hash::Hash + Eq>(
        &self,
        limiter: &DefaultKeyedRateLimiter<K>,
        key: Option<K>,
    ) -> Result<(), Error> {
        // Keys that have been quiet for a full period are forgotten now and then, so the
        // maps stay as small as the set of recent clients.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for_each_forget(self);
        }
        let Some(key) = key else { return Ok(()) };
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Error::TooManyRequests {
                retry_after: wait.as_secs().max(1),
            }
        })
    }
}

fn for_each_forget(limits: &Limits) {
    limits.signups.retain_recent();
    limits.signups.shrink_to_fit();
    limits.writes_by_addr.retain_recent();
    limits.writes_by_addr.shrink_to_fit();
    limits.writes_by_account.retain_recent();
    limits.writes_by_account.shrink_to_fit();
}

/// The address of the client: from the trusted proxy header when one is configured and
/// present (its last entry: the one our proxy appended), otherwise the connection's peer.
pub fn client_addr(parts: &Parts, config: &Config) -> Option<IpAddr> {
    if let Some(name) = &config.trusted_proxy_header {
        let forwarded = parts
            .headers
            .get_all(name)
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The client's address, for handlers (sign-in throttling, sign-up limits).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// How the address is stored beside sign-in attempts.
    pub fn label(&self) -> String {
        self.0
            .map_or_else(|| "unknown".to_owned(), |addr| addr.to_string())
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts, &state.config)))
    }
}

/// Every write is counted against its client address; per-account limits are checked
/// where the account is known (`auth::SignedIn`).
pub async fn writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.method().is_safe() {
        let (parts, body) = request.into_parts();
        let addr = client_addr(&parts, &state.config);
        if let Err(err) = state.limits.check(&state.limits.writes_by_addr, addr) {
            return err.into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}
