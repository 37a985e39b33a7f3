//! Sign up, sign in, sign out, and the account page with API tokens.

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use super::csrf::{self, CsrfForm};
use super::{Chrome, SESSION_USER, SignedIn, passwords, safe_next, session_error, tokens};
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
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    email: String,
    next: String,
    error: Option<String>,
    open_signup: bool,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    email: String,
    display_name: String,
    next: String,
    error: Option<(String, String)>,
}

/// A form page needs a CSRF token even before anyone signs in.
async fn anonymous_chrome(chrome: Chrome, session: &Session) -> Result<Chrome> {
    Ok(Chrome {
        csrf: csrf::token(session).await?,
        ..chrome
    })
}

async fn signin_form(
    State(state): State<AppState>,
    chrome: Chrome,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    let chrome = anonymous_chrome(chrome, &session).await?;
    let page = SigninPage {
        chrome,
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
    connect: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    chrome: Chrome,
    session: Session,
    CsrfForm(form): CsrfForm<SigninForm>,
) -> Result<Response> {
    let client = connect.map_or_else(|| "unknown".to_owned(), |c| c.0.0.ip().to_string());
    let email = form.email.trim().to_owned();
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
    .fetch_one(&state.db)
    .await?;
    if failures.email >= MAX_FAILURES_PER_EMAIL || failures.client >= MAX_FAILURES_PER_CLIENT {
        return Err(Error::TooManyRequests {
            retry_after: (FAILURE_WINDOW_MINUTES * 60) as u64,
        });
    }

    let user = sqlx::query!(
        "select id, password_hash from users where lower(email) = lower($1) and disabled_at is null",
        email
    )
    .fetch_optional(&state.db)
    .await?;
    // Verify against a real hash even for unknown emails, so timing says nothing.
    let (id, hash) = match user {
        Some(user) => (Some(user.id), user.password_hash),
        None => (None, users::DUMMY_HASH.clone()),
    };
    let ok = passwords::verify(form.password.clone(), hash).await && id.is_some();
    sqlx::query!(
        "insert into sign_in_attempts (email, ip, succeeded) values ($1, $2, $3)",
        email,
        client,
        ok
    )
    .execute(&state.db)
    .await?;
    if !ok {
        let chrome = anonymous_chrome(chrome, &session).await?;
        let page = SigninPage {
            chrome,
            crumbs: vec![Crumb::home(), Crumb::new("Sign in", "/signin")],
            email,
            next: safe_next(form.next.as_deref()),
            error: Some("That email and password do not match an account.".into()),
            open_signup: state.config.open_signup,
        };
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    }
    start_session(&session, id.expect("checked")).await?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}

/// Signs `user_id` in, under a fresh session id (so a planted session id is worthless).
async fn start_session(session: &Session, user_id: i64) -> Result<()> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_USER, user_id)
        .await
        .map_err(session_error)?;
    Ok(())
}

async fn signup_form(
    State(state): State<AppState>,
    chrome: Chrome,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    if !state.config.open_signup {
        return Err(Error::Forbidden(
            "sign-up is closed on this site: ask an administrator for an account".into(),
        ));
    }
    let chrome = anonymous_chrome(chrome, &session).await?;
    let page = SignupPage {
        chrome,
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
    chrome: Chrome,
    session: Session,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response> {
    if !state.config.open_signup {
        return Err(Error::Forbidden(
            "sign-up is closed on this site: ask an administrator for an account".into(),
        ));
    }
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
            start_session(&session, id).await?;
            Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            let chrome = anonymous_chrome(chrome, &session).await?;
            let page = SignupPage {
                chrome,
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
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    tokens: Vec<tokens::TokenRow>,
    /// A token just made: its secret, shown this once.
    new_secret: Option<String>,
}

async fn account_page(
    state: &AppState,
    chrome: Chrome,
    user_id: i64,
    new_secret: Option<String>,
) -> Result<Response> {
    let tokens = tokens::list(&state.db, user_id).await?;
    let page = AccountPage {
        chrome,
        crumbs: vec![Crumb::home(), Crumb::new("Account", "/account")],
        tokens,
        new_secret,
    };
    Ok(Html(page.render()?).into_response())
}

async fn account(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
) -> Result<Response> {
    account_page(&state, chrome, user.id, None).await
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    let (_, secret) = tokens::create(&mut tx, &user, &form.name).await?;
    tx.commit().await?;
    account_page(&state, chrome, user.id, Some(secret)).await
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
