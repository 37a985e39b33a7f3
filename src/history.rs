//! History pages: every revision of an object (who, when, what it became, what it was).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::PgPool;

use crate::auth::Masthead;
use crate::views::Crumb;
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals/{slug}/history", get(proposal))
        .route("/tensions/{slug}/history", get(tension))
}

pub struct RevisionRow {
    pub action: String,
    pub author: Option<String>,
    pub created_at: time::OffsetDateTime,
    /// What the object's text or title became, or the link made.
    pub summary: String,
    /// For an edit: what the text or title was before.
    pub was: Option<String>,
}

/// The revisions of object `id` of `kind`, newest first.
pub async fn revisions(db: &PgPool, kind: &str, id: i64) -> Result<Vec<RevisionRow>> {
    Ok(sqlx::query_as!(
        RevisionRow,
        r#"select r.action, u.display_name as "author?", r.created_at,
                  coalesce(r.after->>'body', r.after->>'title', r.after->>'tag', r.after->>'merged_into',
                           r.after->>'debate', r.note, '') as "summary!",
                  coalesce(r.before->>'body', r.before->>'title') as was
           from revisions r left join users u on u.id = r.user_id
           where r.object_kind = $1 and r.object_id = $2
           order by r.created_at desc, r.id desc"#,
        kind,
        id
    )
    .fetch_all(db)
    .await?)
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryPage {
    pub masthead: Masthead,
    pub crumbs: Vec<Crumb>,
    pub title: String,
    pub href: String,
    pub revisions: Vec<RevisionRow>,
}

/// The history page of the object at `href`.
pub async fn page(
    db: &PgPool,
    masthead: Masthead,
    kind: &str,
    id: i64,
    title: String,
    href: String,
) -> Result<Response> {
    let revisions = revisions(db, kind, id).await?;
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(crate::views::short(&title), &href),
        Crumb::new("History", format!("{href}/history")),
    ];
    Ok(Html(
        HistoryPage {
            masthead,
            crumbs,
            title,
            href,
            revisions,
        }
        .render()?,
    )
    .into_response())
}

async fn proposal(
    State(state): State<AppState>,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let row = sqlx::query!(
        "select id, title from proposals where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the proposal {slug:?}")))?;
    page(
        &state.db,
        masthead,
        "proposal",
        row.id,
        row.title,
        format!("/proposals/{slug}"),
    )
    .await
}

async fn tension(
    State(state): State<AppState>,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let row = sqlx::query!(
        "select id, title from tensions where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the tension {slug:?}")))?;
    page(
        &state.db,
        masthead,
        "tension",
        row.id,
        row.title,
        format!("/tensions/{slug}"),
    )
    .await
}
