//! Adding and editing proposals (each with its revision, in the caller's transaction).

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::User;
use crate::edits::{bounded_text, record_created, record_edit, stale_edit};
use crate::read::OrNotFound;
use crate::revisions::ObjectKind;
use crate::slug::{SlugTable, fresh_slug};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewProposal {
    /// The debate's slug.
    #[serde(default)]
    pub debate: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn create_proposal(
    conn: &mut PgConnection,
    user: &User,
    new: &NewProposal,
) -> Result<String> {
    let title = bounded_text("title", &new.title, 3, 200)?;
    let summary = bounded_text("summary", &new.summary, 0, 4000)?;
    let debate = sqlx::query_scalar!(
        "select id from debates where slug = $1::text and hidden_at is null",
        new.debate
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::invalid("debate", format!("no debate has the slug {:?}", new.debate)))?;
    let slug = fresh_slug(conn, SlugTable::Proposals, &title).await?;
    let id = sqlx::query_scalar!(
        "insert into proposals (slug, debate_id, title, summary) values ($1::text, $2, $3, $4) returning id",
        slug,
        debate,
        title,
        summary
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "slug": slug, "debate": new.debate, "title": title, "summary": summary });
    record_created(conn, user, (ObjectKind::Proposal, id), after).await?;
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

pub async fn edit_proposal(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    edit: &ProposalEdit,
) -> Result<()> {
    let title = bounded_text("title", &edit.title, 3, 200)?;
    let summary = bounded_text("summary", &edit.summary, 0, 4000)?;
    let before = sqlx::query!("select id, version, title, summary from proposals where slug = $1::text and hidden_at is null", slug)
        .fetch_optional(&mut *conn)
        .await?
        .or_not_found("proposal", slug)?;
    if before.version != edit.version {
        return Err(stale_edit(
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
    let changed = (
        json!({ "title": before.title, "summary": before.summary }),
        json!({ "title": title, "summary": summary }),
    );
    let object = (ObjectKind::Proposal, before.id);
    record_edit(conn, user, object, edit.version, updated, changed).await
}
