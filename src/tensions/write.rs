//! Adding and editing tensions (each with its revision, in the caller's transaction).

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::User;
use crate::edits::{bounded_text, record_created, record_edit, stale_edit};
use crate::read::OrNotFound;
use crate::revisions::ObjectKind;
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
    let new = checked(&new.title, &new.pole_a, &new.pole_b, &new.description)?;
    let slug = fresh_slug(conn, SlugTable::Tensions, &new.title).await?;
    let id = sqlx::query_scalar!(
        "insert into tensions (slug, title, pole_a, pole_b, description) values ($1::text, $2, $3, $4, $5) returning id",
        slug,
        new.title,
        new.pole_a,
        new.pole_b,
        new.description
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "slug": slug, "title": new.title, "pole_a": new.pole_a, "pole_b": new.pole_b, "description": new.description });
    record_created(conn, user, (ObjectKind::Tension, id), after).await?;
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
    let edited = checked(&edit.title, &edit.pole_a, &edit.pole_b, &edit.description)?;
    let before = sqlx::query!(
        "select id, version, title, pole_a, pole_b, description from tensions where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .or_not_found("tension", slug)?;
    let old = json!({ "title": before.title, "pole_a": before.pole_a, "pole_b": before.pole_b, "description": before.description });
    if before.version != edit.version {
        let mut current = old.clone();
        current["version"] = json!(before.version);
        return Err(stale_edit("tension", edit.version, current));
    }
    let updated = sqlx::query!(
        "update tensions set title = $2, pole_a = $3, pole_b = $4, description = $5, version = version + 1 where id = $1 and version = $6",
        before.id,
        edited.title,
        edited.pole_a,
        edited.pole_b,
        edited.description,
        edit.version
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let new = json!({ "title": edited.title, "pole_a": edited.pole_a, "pole_b": edited.pole_b, "description": edited.description });
    let object = (ObjectKind::Tension, before.id);
    record_edit(conn, user, object, edit.version, updated, (old, new)).await
}

/// A tension's fields as the schema checks them, trimmed: a title of 3 to 200
/// characters, two poles (see `poles`) and a description of at most 4000.
fn checked(title: &str, pole_a: &str, pole_b: &str, description: &str) -> Result<NewTension> {
    let title = bounded_text("title", title, 3, 200)?;
    let (pole_a, pole_b) = poles(pole_a, pole_b)?;
    let description = bounded_text("description", description, 0, 4000)?;
    Ok(NewTension {
        title,
        pole_a,
        pole_b,
        description,
    })
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
