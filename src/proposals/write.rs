//! Adding proposals and tensions (each with its revision, in the caller's transaction).

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::User;
use crate::claims::write::fresh_slug_for;
use crate::{Error, Result, revisions};

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewProposal {
    /// The debate's slug.
    #[serde(default)]
    pub debate: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

fn check(field: &'static str, text: &str, min: usize, max: usize) -> Result<String> {
    let text = text.trim().to_owned();
    let length = text.chars().count();
    if length < min || length > max || crate::slug::visible_chars(&text) < min {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters"),
        ));
    }
    Ok(text)
}

pub async fn create_proposal(
    conn: &mut PgConnection,
    user: &User,
    new: &NewProposal,
) -> Result<String> {
    let title = check("title", &new.title, 3, 200)?;
    let summary = check("summary", &new.summary, 0, 4000)?;
    let debate = sqlx::query_scalar!(
        "select id from debates where slug = $1::text and hidden_at is null",
        new.debate
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::invalid("debate", format!("no debate has the slug {:?}", new.debate)))?;
    let slug = fresh_slug_for(conn, "proposals", &title).await?;
    let id = sqlx::query_scalar!(
        "insert into proposals (slug, debate_id, title, summary) values ($1::text, $2, $3, $4) returning id",
        slug,
        debate,
        title,
        summary
    )
    .fetch_one(&mut *conn)
    .await?;
    revisions::record(
        conn,
        "proposal",
        id,
        "create",
        Some(user.id),
        None,
        Some(json!({ "slug": slug, "debate": new.debate, "title": title, "summary": summary })),
    )
    .await?;
    Ok(slug)
}

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
    let title = check("title", &new.title, 3, 200)?;
    let pole_a = check("pole_a", &new.pole_a, 1, 120)?;
    let pole_b = check("pole_b", &new.pole_b, 1, 120)?;
    if pole_a.eq_ignore_ascii_case(&pole_b) {
        return Err(Error::invalid(
            "pole_b",
            "a tension's two poles must differ",
        ));
    }
    let description = check("description", &new.description, 0, 4000)?;
    let slug = fresh_slug_for(conn, "tensions", &title).await?;
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
    revisions::record(
        conn,
        "tension",
        id,
        "create",
        Some(user.id),
        None,
        Some(after),
    )
    .await?;
    Ok(slug)
}

/// An edit of a proposal, made against the version the editor read.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ProposalEdit {
    pub version: i32,
    pub title: String,
    #[serde(default)]
    pub summary: String,
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

fn stale(kind: &str, read: i32, current: serde_json::Value) -> Error {
    Error::Conflict {
        message: format!(
            "someone changed this {kind} since you read it (version {read}); here it is as it is now: compare and save again"
        ),
        current: Some(current),
    }
}

pub async fn edit_proposal(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    edit: &ProposalEdit,
) -> Result<()> {
    let title = check("title", &edit.title, 3, 200)?;
    let summary = check("summary", &edit.summary, 0, 4000)?;
    let before = sqlx::query!("select id, version, title, summary from proposals where slug = $1::text and hidden_at is null", slug)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("the proposal {slug:?}")))?;
    if before.version != edit.version {
        return Err(stale(
            "proposal",
            edit.version,
            json!({ "version": before.version, "title": before.title, "summary": before.summary }),
        ));
    }
    let updated = sqlx::query!(
        "update proposals set title = $2, summary = $3, version = version + 1 where id = $1 and version = $4",
        before.id,
        title,
        summary,
        edit.version
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(stale("proposal", edit.version, json!({})));
    }
    let (old, new) = (
        json!({ "title": before.title, "summary": before.summary }),
        json!({ "title": title, "summary": summary }),
    );
    revisions::record(
        conn,
        "proposal",
        before.id,
        "edit",
        Some(user.id),
        Some(old),
        Some(new),
    )
    .await?;
    Ok(())
}

pub async fn edit_tension(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    edit: &TensionEdit,
) -> Result<()> {
    let title = check("title", &edit.title, 3, 200)?;
    let pole_a = check("pole_a", &edit.pole_a, 1, 120)?;
    let pole_b = check("pole_b", &edit.pole_b, 1, 120)?;
    if pole_a.eq_ignore_ascii_case(&pole_b) {
        return Err(Error::invalid(
            "pole_b",
            "a tension's two poles must differ",
        ));
    }
    let description = check("description", &edit.description, 0, 4000)?;
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
        return Err(stale("tension", edit.version, current));
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
    if updated == 0 {
        return Err(stale("tension", edit.version, json!({})));
    }
    let new =
        json!({ "title": title, "pole_a": pole_a, "pole_b": pole_b, "description": description });
    revisions::record(
        conn,
        "tension",
        before.id,
        "edit",
        Some(user.id),
        Some(old),
        Some(new),
    )
    .await?;
    Ok(())
}
