//! The admins' page of accounts: roles, disabling and re-enabling.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::csrf::CsrfForm;
use super::{Masthead, Role, SignedIn};
use crate::users;
use crate::views::Crumb;
use crate::views::form::{Page, in_transaction};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/{id}/role", post(role))
        .route(
            "/admin/users/{id}/disable",
            post(|state, admin, id, csrf| set_disabled(true, state, admin, id, csrf)),
        )
        .route(
            "/admin/users/{id}/enable",
            post(|state, admin, id, csrf| set_disabled(false, state, admin, id, csrf)),
        )
}

struct Account {
    id: i64,
    email: String,
    display_name: String,
    role: Role,
    created_at: time::OffsetDateTime,
    disabled: bool,
    claims: i64,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    accounts: Vec<Account>,
}

async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
) -> Result<Response> {
    user.require(Role::Admin)?;
    let accounts = sqlx::query_as!(
        Account,
        r#"select u.id, u.email, u.display_name, u.role as "role: Role", u.created_at, u.disabled_at is not null as "disabled!",
                  (select count(*) from claims c where c.created_by = u.id) as "claims!"
           from users u order by u.created_at, u.id"#
    )
    .fetch_all(&state.db)
    .await?;
    let crumbs = vec![Crumb::home(), Crumb::new("Accounts", "/admin/users")];
    UsersPage {
        masthead,
        crumbs,
        accounts,
    }
    .page()
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn role(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Redirect> {
    user.require(Role::Admin)?;
    let role: Role = form
        .role
        .parse()
        .map_err(|message: String| crate::Error::invalid("role", message))?;
    in_transaction(&state.db, async |tx| {
        users::set_role_by_id(tx, id, role, user.id).await
    })
    .await?;
    Ok(Redirect::to("/admin/users"))
}

/// Disables (`disable`) or re-enables an account, then lists the accounts.
async fn set_disabled(
    disable: bool,
    State(state): State<AppState>,
    SignedIn(admin): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    admin.require(Role::Admin)?;
    in_transaction(&state.db, async |tx| {
        users::set_disabled(tx, id, disable, admin.id).await
    })
    .await?;
    Ok(Redirect::to("/admin/users"))
}
