//! Sign-up by confirmed email. The form never makes an account and never says whether
//! the address has one: it mails the address a link (or, when the address already has an
//! account, a note saying so) and answers the same page either way. Following the link
//! makes the account, once, within a day, and signs its owner in.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

use super::csrf::{self, CsrfForm};
use super::pages::{NextQuery, anonymous_masthead, start_session};
use super::{Guest, Masthead, Role, hash_token, passwords, safe_next};
use crate::http::limits::ClientAddr;
use crate::mail::{self, Mail};
use crate::users::{self, NewUser};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, why_not_saved};
use crate::{AppState, Error, Result};

/// How long a mailed link works.
pub const LINK_HOURS: i32 = 24;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(form).post(request))
        .route("/signup/confirm", get(confirm_form).post(confirm))
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    email: String,
    display_name: String,
    next: String,
    failure: Option<Failure>,
}

impl SignupPage {
    /// The sign-up form, with what was typed so far (never the password).
    async fn new(
        masthead: Masthead,
        session: &Session,
        (email, display_name): (String, String),
        next: Option<&str>,
        failure: Option<Failure>,
    ) -> Result<Self> {
        Ok(SignupPage {
            masthead: anonymous_masthead(masthead, session).await?,
            crumbs: crumbs(),
            email,
            display_name,
            next: safe_next(next),
            failure,
        })
    }
}

fn crumbs() -> Vec<Crumb> {
    Crumb::step("Sign up", "/signup")
}

/// Refuses sign-up where the site makes accounts only by an administrator.
fn signup_open(state: &AppState) -> Result<()> {
    if state.config.open_signup {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "sign-up is closed on this site: ask an administrator for an account".into(),
        ))
    }
}

async fn form(
    Guest(state, masthead, session): Guest,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    signup_open(&state)?;
    let typed = (String::new(), String::new());
    SignupPage::new(masthead, &session, typed, q.next.as_deref(), None)
        .await?
        .page()
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

/// "Check your mail": the answer to every sign-up that passes the checks.
#[derive(Template)]
#[template(path = "auth/signup_sent.html")]
struct SentPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    email: String,
    hours: i32,
}

async fn request(
    Guest(state, masthead, session): Guest,
    client: ClientAddr,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response> {
    signup_open(&state)?;
    // Every try counts, taken emails included.
    state.limits.signup(client.0)?;
    let new = NewUser {
        email: form.email.trim().to_owned(),
        display_name: form.display_name.trim().to_owned(),
        password: form.password,
        role: Role::Contributor,
    };
    let checked = users::validate(&new).and_then(|()| mail::mailbox(&new.display_name, &new.email));
    let to = match why_not_saved(checked)? {
        Ok(to) => to,
        Err((status, failure)) => {
            let typed = (new.email, new.display_name);
            return SignupPage::new(
                masthead,
                &session,
                typed,
                form.next.as_deref(),
                Some(failure),
            )
            .await?
            .page_with(status);
        }
    };
    // Hashed whether or not the address is taken, so both answer after the same work.
    let hash = passwords::hash(new.password.clone()).await?;
    let site = state.config.site_url();
    let mut tx = state.db.begin().await?;
    let registered = sqlx::query_scalar!(
        r#"select exists (select 1 from users where lower(email) = lower($1)) as "registered!""#,
        new.email
    )
    .fetch_one(&mut *tx)
    .await?;
    let body = if registered {
        format!(
            "Someone, perhaps you, asked to make an argmap account with this address, which \
             already has one.\n\nIf it was you, sign in at {site}/signin instead.\n\nIf it was \
             not, there is nothing to do: no account was made or changed.\n"
        )
    } else {
        let secret = csrf::random_token();
        sqlx::query!(
            "insert into signup_requests (email, display_name, password_hash, token_hash, next)
             values ($1, $2, $3, $4, $5)",
            new.email,
            new.display_name,
            hash,
            hash_token(&secret),
            safe_next(form.next.as_deref()),
        )
        .execute(&mut *tx)
        .await?;
        format!(
            "Someone, perhaps you, asked to make an argmap account with this address.\n\n\
             To finish, open this link within {LINK_HOURS} hours:\n\n\
             {site}/signup/confirm?token={secret}\n\n\
             If it was not you, there is nothing to do: no account is made until the link \
             is followed.\n"
        )
    };
    let subject = "Finish signing up to argmap".to_owned();
    state.mailer.send(Mail { to, subject, body }).await?;
    // Committed once the mail is away: a link that was never sent is never stored.
    tx.commit().await?;
    SentPage {
        masthead: anonymous_masthead(masthead, &session).await?,
        crumbs: crumbs(),
        email: new.email,
        hours: LINK_HOURS,
    }
    .page()
}

#[derive(Debug, Deserialize)]
struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// The page a mailed link opens: one button that makes the account. (A link alone does
/// not, so a mail scanner that fetches links makes nothing.)
#[derive(Template)]
#[template(path = "auth/signup_confirm.html")]
struct ConfirmPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    token: String,
    email: String,
    display_name: String,
    failure: Option<Failure>,
}

fn link_not_valid() -> Error {
    Error::NotFound(format!(
        "this sign-up link: it may have been used already or be more than {LINK_HOURS} hours \
         old, so sign up again"
    ))
}

async fn confirm_form(
    Guest(state, masthead, session): Guest,
    Query(link): Query<LinkQuery>,
) -> Result<Response> {
    signup_open(&state)?;
    let pending = sqlx::query!(
        "select email, display_name from signup_requests
         where token_hash = $1 and used_at is null
           and created_at > now() - make_interval(hours => $2)",
        hash_token(&link.token),
        LINK_HOURS
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(link_not_valid)?;
    ConfirmPage {
        masthead: anonymous_masthead(masthead, &session).await?,
        crumbs: crumbs(),
        token: link.token,
        email: pending.email,
        display_name: pending.display_name,
        failure: None,
    }
    .page()
}

async fn confirm(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(link): CsrfForm<LinkQuery>,
) -> Result<Response> {
    signup_open(&state)?;
    let mut tx = state.db.begin().await?;
    // Used up in the same statement that reads it, so a link followed twice at once
    // makes one account.
    let pending = sqlx::query!(
        "update signup_requests set used_at = now()
         where token_hash = $1 and used_at is null
           and created_at > now() - make_interval(hours => $2)
         returning email, display_name, password_hash, next",
        hash_token(&link.token),
        LINK_HOURS
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(link_not_valid)?;
    let new = NewUser {
        email: pending.email,
        display_name: pending.display_name,
        password: String::new(),
        role: Role::Contributor,
    };
    let id = users::insert(&mut tx, &new, &pending.password_hash, None).await?;
    tx.commit().await?;
    start_session(&session, id, 0).await?;
    Ok(Redirect::to(&safe_next(Some(&pending.next))).into_response())
}
