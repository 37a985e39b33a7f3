//! Accounts: creating users and changing their roles (pages, API and CLI share these).

use serde_json::json;
use sqlx::PgConnection;

use crate::domain::Role;
use crate::error::ResultExt;
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

pub mod passwords;

pub use passwords::DUMMY_HASH;

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
}

/// Checks an account's email, name and password before anything is hashed or stored.
pub fn validate(new: &NewUser) -> Result<()> {
    let email = new.email.trim();
    let valid_email = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.contains(char::is_whitespace);
    if !valid_email {
        return Err(Error::invalid(
            "email",
            "must be an email address like name@example.org",
        ));
    }
    let name = new.display_name.trim().chars().count();
    if !(1..=80).contains(&name) {
        return Err(Error::invalid("display_name", "must be 1 to 80 characters"));
    }
    passwords::check_strength(&new.password)
}

/// Creates an account in the caller's transaction; `by` is the admin making it, if any.
pub async fn create(conn: &mut PgConnection, new: &NewUser, by: Option<i64>) -> Result<i64> {
    validate(new)?;
    let hash = passwords::hash(new.password.clone()).await?;
    insert(conn, new, &hash, by).await
}

/// Stores an account whose fields were validated and whose password is already hashed
/// (a confirmed sign-up brings the hash it was made with).
pub async fn insert(
    conn: &mut PgConnection,
    new: &NewUser,
    password_hash: &str,
    by: Option<i64>,
) -> Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into users (email, display_name, password_hash, role) values ($1, $2, $3, $4) returning id",
        new.email.trim(),
        new.display_name.trim(),
        password_hash,
        new.role.as_str()
    )
    .fetch_one(&mut *conn)
    .await
    // The unique index decides, so two sign-ups racing for one address end in a 422.
    .on_constraint("users_email_key", || {
        Error::invalid(
            "email",
            "an account with this email already exists: sign in instead",
        )
    })?;
    let after = json!({ "email": new.email.trim(), "display_name": new.display_name.trim(), "role": new.role.as_str() });
    Revision::new(ObjectKind::User, id, RevisionAction::Create)
        .by(by.or(Some(id)))
        .after(after)
        .record(conn)
        .await?;
    Ok(id)
}

/// Gives the user with `email` a new role.
pub async fn set_role(
    conn: &mut PgConnection,
    email: &str,
    role: Role,
    by: Option<i64>,
) -> Result<i64> {
    let row = sqlx::query!(
        r#"with old as (select id, role from users where lower(email) = lower($1))
           update users u set role = $2, version = u.version + 1 from old where u.id = old.id
           returning u.id, old.role as "before!""#,
        email,
        role.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("a user with the email {email:?}")))?;
    Revision::new(ObjectKind::User, row.id, RevisionAction::Edit)
        .by(by)
        .before(json!({ "role": row.before }))
        .after(json!({ "role": role.as_str() }))
        .record(conn)
        .await?;
    Ok(row.id)
}

/// Changes a user's role, by id (the admin page).
pub async fn set_role_by_id(conn: &mut PgConnection, id: i64, role: Role, by: i64) -> Result<()> {
    let email = sqlx::query_scalar!("select email from users where id = $1", id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("the user {id}")))?;
    set_role(conn, &email, role, Some(by)).await.map(|_| ())
}

/// Disables (`disable = true`) or re-enables an account. A disabled account cannot sign
/// in, and its sessions and API tokens stop working at once, for good: re-enabling it does
/// not bring them back (the sessions' epoch moves on; the tokens are revoked).
pub async fn set_disabled(conn: &mut PgConnection, id: i64, disable: bool, by: i64) -> Result<()> {
    if id == by && disable {
        return Err(Error::invalid(
            "user",
            "you cannot disable your own account",
        ));
    }
    let changed = sqlx::query_scalar!(
        "update users set disabled_at = case when $2 then now() end, version = version + 1,
                session_epoch = session_epoch + case when $2 then 1 else 0 end
         where id = $1 and (disabled_at is null) = $2 returning id",
        id,
        disable
    )
    .fetch_optional(&mut *conn)
    .await?;
    if changed.is_none() {
        return Err(Error::NotFound(format!(
            "an {} user {id}",
            if disable { "active" } else { "disabled" }
        )));
    }
    if disable {
        sqlx::query!(
            "update api_tokens set revoked_at = now() where user_id = $1 and revoked_at is null",
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    let action = if disable {
        RevisionAction::Disable
    } else {
        RevisionAction::Enable
    };
    Revision::new(ObjectKind::User, id, action)
        .by(by)
        .before(json!({ "disabled": !disable }))
        .after(json!({ "disabled": disable }))
        .record(conn)
        .await?;
    Ok(())
}
