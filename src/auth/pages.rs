//! Sign in, sign out, and the account page with API tokens (sign-up: `signup`).

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use super::csrf::{self, CsrfForm};
use super::{
    Guest, Masthead, SESSION_EPOCH, SESSION_USER, SignedInPage, Writer, passwords, safe_next,
    session_error, tokens,
};
use crate::http::limits::ClientAddr;
use crate::users;
use crate::views::Crumb;
use crate::views::form::{Failure, Page, in_transaction};
use crate::{AppState, Error, Result};

/// Failed sign-ins allowed per email address, and per client address, in the window.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/account", get(account))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

/// `?next=` on a sign-in or sign-up form: where to go after.
#[derive(Debug, Default, Deserialize)]
pub(super) struct NextQuery {
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/signin.html")]
struct SigninPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    email: String,
    next: String,
    failure: Option<Failure>,
    open_signup: bool,
}

impl SigninPage {
    /// The sign-in form, with the email typed so far; `next` is where to go after.
    async fn new(
        state: &AppState,
        masthead: Masthead,
        session: &Session,
        email: String,
        next: Option<&str>,
        failure: Option<Failure>,
    ) -> Result<Self> {
        Ok(SigninPage {
            masthead: anonymous_masthead(masthead, session).await?,
            crumbs: Crumb::step("Sign in", "/signin"),
            email,
            next: safe_next(next),
            failure,
            open_signup: state.config.open_signup,
        })
    }
}

/// A form page needs a CSRF token even before anyone signs in.
pub(super) async fn anonymous_masthead(masthead: Masthead, session: &Session) -> Result<Masthead> {
    Ok(Masthead {
        csrf: csrf::token(session).await?,
        ..masthead
    })
}

async fn signin_form(
    Guest(state, masthead, session): Guest,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    SigninPage::new(
        &state,
        masthead,
        &session,
        String::new(),
        q.next.as_deref(),
        None,
    )
    .await?
    .page()
}

#[derive(Debug, Deserialize)]
struct SigninForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn signin(
    Guest(state, masthead, session): Guest,
    client: ClientAddr,
    CsrfForm(form): CsrfForm<SigninForm>,
) -> Result<Response> {
    let client = client.label();
    let email = form.email.trim().to_owned();
    let attempt = record_attempt(&state, &email, &client).await?;

    let user = sqlx::query!(
        "select id, password_hash, session_epoch from users where lower(email) = lower($1) and disabled_at is null",
        email
    )
    .fetch_optional(&state.db)
    .await?;
    // Verify against a real hash even for unknown emails, so timing says nothing.
    let (account, hash) = match user {
        Some(user) => (Some((user.id, user.session_epoch)), user.password_hash),
        None => (None, users::DUMMY_HASH.clone()),
    };
    let ok = passwords::verify(form.password.clone(), hash).await && account.is_some();
    let Some((id, epoch)) = account.filter(|_| ok) else {
        let failure = Failure::of_form("That email and password do not match an account.");
        return SigninPage::new(
            &state,
            masthead,
            &session,
            email,
            form.next.as_deref(),
            Some(failure),
        )
        .await?
        .page_with(StatusCode::UNAUTHORIZED);
    };
    sqlx::query!(
        "update sign_in_attempts set succeeded = true where id = $1",
        attempt
    )
    .execute(&state.db)
    .await?;
    start_session(&session, id, epoch).await?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}

/// Counts the recent failures for `email` and for `client` and, under the limits, records
/// this attempt as a failure until its password is found right. Attempts on one email (and
/// from one client) queue on advisory locks, so simultaneous guesses are each counted
/// against the ones before them: 40 at once get 5 tries, not 40.
async fn record_attempt(state: &AppState, email: &str, client: &str) -> Result<i64> {
    let mut tx = state.db.begin().await?;
    // Always the email's lock first, then the client's: no two attempts wait on each other
    // in opposite orders.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('sign-in email ' || lower($1), 0)),
                pg_advisory_xact_lock(hashtextextended('sign-in client ' || $2, 0))",
        email,
        client
    )
    .execute(&mut *tx)
    .await?;
    let failures = sqlx::query!(
        r#"select
             count(*) filter (where lower(email) = lower($1)) as "email!",
             count(*) filter (where ip = $2) as "client!"
           from sign_in_attempts
           where not succeeded and created_at > now() - make_interval(mins => $3::int)"#,
        email,
        client,
        FAILURE_WINDOW_MINUTES as i32
    )
    .fetch_one(&mut *tx)
    .await?;
    if failures.email >= MAX_FAILURES_PER_EMAIL || failures.client >= MAX_FAILURES_PER_CLIENT {
        return Err(Error::TooManyRequests {
            retry_after: (FAILURE_WINDOW_MINUTES * 60) as u64,
        });
    }
    // Long inputs are cut to what the table holds: the attempt still counts.
    let stored_email: String = email.chars().take(254).collect();
    let id = sqlx::query_scalar!(
        "insert into sign_in_attempts (email, ip, succeeded) values ($1, $2, false) returning id",
        stored_email,
        client
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Signs `user_id` in, under a fresh session id (so a planted session id is worthless).
pub(super) async fn start_session(session: &Session, user_id: i64, epoch: i32) -> Result<()> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_USER, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(SESSION_EPOCH, epoch)
        .await
        .map_err(session_error)?;
    Ok(())
}

async fn signout(
    session: Session,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response> {
    session.flush().await.map_err(session_error)?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    tokens: Vec<tokens::TokenRow>,
    /// A token just made: its secret, shown this once.
    new_secret: Option<String>,
}

async fn account_page(
    state: &AppState,
    masthead: Masthead,
    user_id: i64,
    new_secret: Option<String>,
) -> Result<Response> {
    let tokens = tokens::list(&state.db, user_id).await?;
    AccountPage {
        masthead,
        crumbs: Crumb::step("Account", "/account"),
        tokens,
        new_secret,
    }
    .page()
}

async fn account(SignedInPage(state, user, masthead): SignedInPage) -> Result<Response> {
    account_page(&state, masthead, user.id, None).await
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(
    SignedInPage(state, user, masthead): SignedInPage,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response> {
    let (_, secret) = in_transaction(&state.db, async |tx| {
        tokens::create(tx, &user, &form.name).await
    })
    .await?;
    account_page(&state, masthead, user.id, Some(secret)).await
}

async fn revoke_token(
    writer: Writer,
    axum::extract::Path(id): axum::extract::Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| tokens::revoke(tx, user, id).await)
        .await?;
    Ok(Redirect::to("/account"))
}
