//! History pages: every revision of an object (who, when, what it became, what it was).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use sqlx::PgPool;

use crate::auth::Masthead;
use crate::revisions::{ObjectKind, RevisionAction};
use crate::views::Crumb;
use crate::views::form::Page;
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/proposals/{slug}/history",
            get(|state, masthead, slug| titled(ObjectKind::Proposal, state, masthead, slug)),
        )
        .route(
            "/tensions/{slug}/history",
            get(|state, masthead, slug| titled(ObjectKind::Tension, state, masthead, slug)),
        )
}

pub struct RevisionRow {
    pub action: RevisionAction,
    pub author: Option<String>,
    pub created_at: time::OffsetDateTime,
    /// What the object's text or title became, or the link made.
    pub summary: String,
    /// For an edit: what the text or title was before.
    pub was: Option<String>,
}

/// The revisions of object `id` of `kind`, newest first.
pub async fn revisions(db: &PgPool, kind: ObjectKind, id: i64) -> Result<Vec<RevisionRow>> {
    Ok(sqlx::query_as!(
        RevisionRow,
        r#"select r.action as "action: RevisionAction", u.display_name as "author?", r.created_at,
                  coalesce(r.after->>'body', r.after->>'title', r.after->>'tag', r.after->>'merged_into',
                           r.after->>'debate', r.note, '') as "summary!",
                  coalesce(r.before->>'body', r.before->>'title') as was
           from revisions r left join users u on u.id = r.user_id
           where r.object_kind = $1 and r.object_id = $2
           order by r.created_at desc, r.id desc"#,
        kind.as_str(),
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
    kind: ObjectKind,
    id: i64,
    title: String,
    href: String,
) -> Result<Response> {
    let revisions = revisions(db, kind, id).await?;
    let crumbs = Crumb::trail(crate::views::short(&title), &href, "History", "history");
    HistoryPage {
        masthead,
        crumbs,
        title,
        href,
        revisions,
    }
    .page()
}

/// What a history page needs of the object: its id and title.
struct Titled {
    id: i64,
    title: String,
}

/// The history page of the visible proposal or tension at `/{kind}s/{slug}`.
async fn titled(
    kind: ObjectKind,
    State(state): State<AppState>,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let db = &state.db;
    let found = match kind {
        ObjectKind::Proposal => {
            sqlx::query_as!(
                Titled,
                "select id, title from proposals where slug = $1::text and hidden_at is null",
                slug
            )
            .fetch_optional(db)
            .await?
        }
        ObjectKind::Tension => {
            sqlx::query_as!(
                Titled,
                "select id, title from tensions where slug = $1::text and hidden_at is null",
                slug
            )
            .fetch_optional(db)
            .await?
        }
        // Claims have their own history route (it follows merges); nothing else is
        // listed by slug.
        _ => None,
    }
    .ok_or_else(|| Error::NotFound(format!("the {kind} {slug:?}")))?;
    let href = format!("/{kind}s/{slug}");
    page(db, masthead, kind, found.id, found.title, href).await
}
