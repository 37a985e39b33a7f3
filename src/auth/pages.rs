//! Sign up, sign in, sign out, and the account page with API tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use super::csrf::{self, CsrfForm};
use super::{
    Masthead, SESSION_EPOCH, SESSION_USER, SignedIn, passwords, safe_next, session_error, tokens,
};
use crate::http::limits::ClientAddr;
use crate::users::{self, NewUser};
use crate::views::Crumb;
use crate::{AppState, Error, Result};

/// Failed sign-ins allowed per email address, and per client address, in the window.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin_form).post(signin))
        .route("/signup", get(signup_form).post(signup))
        .route("/signout", post(signout))
        .route("/account", get(account))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/signin.html")]
struct SigninPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    email: String,
    next: String,
    error: Option<String>,
    open_signup: bool,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    email: String,
    display_name: String,
    next: String,
    error: Option<(String, String)>,
}

/// A form page needs a CSRF token even before anyone signs in.
async fn anonymous_masthead(masthead: Masthead, session: &Session) -> Result<Masthead> {
    Ok(Masthead {
        csrf: csrf::token(session).await?,
        ..masthead
    })
}

async fn signin_form(
    State(state): State<AppState>,
    masthead: Masthead,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    let masthead = anonymous_masthead(masthead, &session).await?;
    let page = SigninPage {
        masthead,
        crumbs: vec![Crumb::home(), Crumb::new("Sign in", "/signin")],
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        open_signup: state.config.open_signup,
    };
    Ok(Html(page.render()?).into_response())
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
    State(state): State<AppState>,
    client: ClientAddr,
    masthead: Masthead,
    session: Session,
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
        let masthead = anonymous_masthead(masthead, &session).await?;
        let page = SigninPage {
            masthead,
            crumbs: vec![Crumb::home(), Crumb::new("Sign in", "/signin")],
            email,
            next: safe_next(form.next.as_deref()),
            error: Some("That email and password do not match an account.".into()),
            open_signup: state.config.open_signup,
        };
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
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
async fn start_session(session: &Session, user_id: i64, epoch: i32) -> Result<()> {
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

async fn signup_form(
    State(state): State<AppState>,
    masthead: Masthead,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    if !state.config.open_signup {
        return Err(Error::Forbidden(
            "sign-up is closed on this site: ask an administrator for an account".into(),
        ));
    }
    let masthead = anonymous_masthead(masthead, &session).await?;
    let page = SignupPage {
        masthead,
        crumbs: vec![Crumb::home(), Crumb::new("Sign up", "/signup")],
        email: String::new(),
        display_name: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
struct SignupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn signup(
    State(state): State<AppState>,
    client: ClientAddr,
    masthead: Masthead,
    session: Session,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response> {
    if !state.config.open_signup {
        return Err(Error::Forbidden(
            "sign-up is closed on this site: ask an administrator for an account".into(),
        ));
    }
    // Every try counts, taken emails included: finding out which emails have accounts
    // costs an hour per handful.
    state.limits.signup(client.0)?;
    let new = NewUser {
        email: form.email.trim().to_owned(),
        display_name: form.display_name.trim().to_owned(),
        password: form.password.clone(),
        role: super::Role::Contributor,
    };
    let mut tx = state.db.begin().await?;
    match users::create(&mut tx, &new, None).await {
        Ok(id) => {
            tx.commit().await?;
            start_session(&session, id, 0).await?;
            Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            let masthead = anonymous_masthead(masthead, &session).await?;
            let page = SignupPage {
                masthead,
                crumbs: vec![Crumb::home(), Crumb::new("Sign up", "/signup")],
                email: new.email,
                display_name: new.display_name,
                next: safe_next(form.next.as_deref()),
                error: Some((field, message)),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(err) => Err(err),
    }
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
    let page = AccountPage {
        masthead,
        crumbs: vec![Crumb::home(), Crumb::new("Account", "/account")],
        tokens,
        new_secret,
    };
    Ok(Html(page.render()?).into_response())
}

async fn account(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
) -> Result<Response> {
    account_page(&state, masthead, user.id, None).await
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    let (_, secret) = tokens::create(&mut tx, &user, &form.name).await?;
    tx.commit().await?;
    account_page(&state, masthead, user.id, Some(secret)).await
}

async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    tokens::revoke(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account").into_response())
}
