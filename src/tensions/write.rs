//! Adding and editing tensions (each with its revision, in the caller's transaction).

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::User;
use crate::edits::{bounded_text, record_edit, stale_edit};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::slug::{SlugTable, fresh_slug};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewTension {
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    #[serde(default)]
    pub description: String,
}

pub async fn create_tension(
    conn: &mut PgConnection,
    user: &User,
    new: &NewTension,
) -> Result<String> {
    let title = bounded_text("title", &new.title, 3, 200)?;
    let (pole_a, pole_b) = poles(&new.pole_a, &new.pole_b)?;
    let description = bounded_text("description", &new.description, 0, 4000)?;
    let slug = fresh_slug(conn, SlugTable::Tensions, &title).await?;
    let id = sqlx::query_scalar!(
        "insert into tensions (slug, title, pole_a, pole_b, description) values ($1::text, $2, $3, $4, $5) returning id",
        slug,
        title,
        pole_a,
        pole_b,
        description
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "slug": slug, "title": title, "pole_a": pole_a, "pole_b": pole_b, "description": description });
    Revision::new(ObjectKind::Tension, id, RevisionAction::Create)
        .by(user.id)
        .after(after)
        .record(conn)
        .await?;
    Ok(slug)
}

/// An edit of a tension, made against the version the editor read.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TensionEdit {
    pub version: i32,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    #[serde(default)]
    pub description: String,
}

pub async fn edit_tension(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    edit: &TensionEdit,
) -> Result<()> {
    let title = bounded_text("title", &edit.title, 3, 200)?;
    let (pole_a, pole_b) = poles(&edit.pole_a, &edit.pole_b)?;
    let description = bounded_text("description", &edit.description, 0, 4000)?;
    let before = sqlx::query!(
        "select id, version, title, pole_a, pole_b, description from tensions where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the tension {slug:?}")))?;
    let old = json!({ "title": before.title, "pole_a": before.pole_a, "pole_b": before.pole_b, "description": before.description });
    if before.version != edit.version {
        let mut current = old.clone();
        current["version"] = json!(before.version);
        return Err(stale_edit("tension", edit.version, current));
    }
    let updated = sqlx::query!(
        "update tensions set title = $2, pole_a = $3, pole_b = $4, description = $5, version = version + 1 where id = $1 and version = $6",
        before.id,
        title,
        pole_a,
        pole_b,
        description,
        edit.version
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let new =
        json!({ "title": title, "pole_a": pole_a, "pole_b": pole_b, "description": description });
    let object = (ObjectKind::Tension, before.id);
    record_edit(conn, user, object, edit.version, updated, (old, new)).await
}

/// A tension's two pole names, checked: each 1 to 120 characters, and not the same.
fn poles(pole_a: &str, pole_b: &str) -> Result<(String, String)> {
    let pole_a = bounded_text("pole_a", pole_a, 1, 120)?;
    let pole_b = bounded_text("pole_b", pole_b, 1, 120)?;
    if pole_a.eq_ignore_ascii_case(&pole_b) {
        return Err(Error::invalid(
            "pole_b",
            "a tension's two poles must differ",
        ));
    }
    Ok((pole_a, pole_b))
}
