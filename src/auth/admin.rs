//! The admins' page of accounts: roles, disabling and re-enabling.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::csrf::CsrfForm;
use super::{Masthead, Role, SignedInPage, Writer};
use crate::browse::{PageQuery, Pager, paged};
use crate::read::Slice;
use crate::users;
use crate::views::Crumb;
use crate::views::form::Page;
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/{id}/role", post(role))
        .route(
            "/admin/users/{id}/disable",
            post(|writer, id, csrf| set_disabled(true, writer, id, csrf)),
        )
        .route(
            "/admin/users/{id}/enable",
            post(|writer, id, csrf| set_disabled(false, writer, id, csrf)),
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
    pager: Pager,
}

async fn list(
    SignedInPage(state, user, masthead): SignedInPage,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    user.require(Role::Admin)?;
    let read = async |slice: Slice| {
        Ok(sqlx::query_as!(
            Account,
            r#"select u.id, u.email, u.display_name, u.role as "role: Role", u.created_at, u.disabled_at is not null as "disabled!",
                      (select count(*) from claims c where c.created_by = u.id) as "claims!"
               from users u order by u.created_at, u.id
               limit $1 offset $2"#,
            slice.limit,
            slice.offset
        )
        .fetch_all(&state.db)
        .await?)
    };
    let (accounts, pager) = paged(query, "/admin/users", read).await?;
    let crumbs = Crumb::step("Accounts", "/admin/users");
    UsersPage {
        masthead,
        crumbs,
        accounts,
        pager,
    }
    .page()
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    role: Role,
}

async fn role(
    writer: Writer,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Redirect> {
    writer.user.require(Role::Admin)?;
    writer
        .in_transaction(async |tx, admin| users::set_role_by_id(tx, id, form.role, admin.id).await)
        .await?;
    Ok(Redirect::to("/admin/users"))
}

/// Disables (`disable`) or re-enables an account, then lists the accounts.
async fn set_disabled(
    disable: bool,
    writer: Writer,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    writer.user.require(Role::Admin)?;
    writer
        .in_transaction(async |tx, admin| users::set_disabled(tx, id, disable, admin.id).await)
        .await?;
    Ok(Redirect::to("/admin/users"))
}
