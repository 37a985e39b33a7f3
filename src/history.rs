//! History pages: every revision of an object (who, when, what it became, what it was).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;

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
    /// The revision's record of the object after the change (what a creation brought).
    pub after: Option<serde_json::Value>,
}

/// The revisions of object `id` of `kind`, newest first.
pub async fn revisions(db: &PgPool, kind: ObjectKind, id: i64) -> Result<Vec<RevisionRow>> {
    Ok(sqlx::query_as!(
        RevisionRow,
        r#"select r.action as "action: RevisionAction", u.display_name as "author?", r.created_at,
                  coalesce(r.after->>'body', r.after->>'title', r.after->>'tag', r.after->>'merged_into',
                           r.after->>'debate', r.note, '') as "summary!",
                  coalesce(r.before->>'body', r.before->>'title') as was,
                  r.after as "after?: serde_json::Value"
           from revisions r left join users u on u.id = r.user_id
           where r.object_kind = $1 and r.object_id = $2
           order by r.created_at desc, r.id desc"#,
        kind.as_str(),
        id
    )
    .fetch_all(db)
    .await?)
}

/// A stretch of an edited text: kept, removed or added.
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// The word-level difference between `was` and `now`, as runs of kept, removed and
/// added words (whitespace goes with the words around it).
pub fn word_diff(was: &str, now: &str) -> Vec<Piece> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(was, now);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        match (pieces.last_mut(), change.tag()) {
            (Some(Piece::Same(run)), ChangeTag::Equal)
            | (Some(Piece::Removed(run)), ChangeTag::Delete)
            | (Some(Piece::Added(run)), ChangeTag::Insert) => run.push_str(text),
            (_, ChangeTag::Equal) => pieces.push(Piece::Same(text.to_owned())),
            (_, ChangeTag::Delete) => pieces.push(Piece::Removed(text.to_owned())),
            (_, ChangeTag::Insert) => pieces.push(Piece::Added(text.to_owned())),
        }
    }
    pieces
}

/// One thing a creation brought with it: "Attacks", and the claim it attacks.
pub struct Brought {
    pub label: String,
    pub text: String,
    pub href: Option<String>,
}

/// A revision as the history page shows it: the row, and what the page makes of it.
pub struct Entry {
    /// Its `was` only for a change other than an edit (an edit shows `diff`).
    pub revision: RevisionRow,
    /// For an edit: the difference, word by word (empty when nothing textual changed).
    pub diff: Vec<Piece>,
    /// For a creation: the relation, tension, quote and tags it brought.
    pub brought: Vec<Brought>,
}

impl Entry {
    /// The date and time of day, in UTC ("2026-11-24 14:05 UTC").
    pub fn when(&self) -> String {
        let when = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        self.utc().format(&when).unwrap_or_default()
    }

    /// The same, for `<time datetime>`.
    pub fn datetime(&self) -> String {
        self.utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    fn utc(&self) -> time::OffsetDateTime {
        self.revision.created_at.to_offset(time::UtcOffset::UTC)
    }
}

/// The names a creation's record uses for other objects (a claim's slug,
/// `proposal:SLUG`, `proposal-slug/tension-slug`), in words: one query for the page.
struct Names {
    /// Claims and proposals: name → text.
    targets: HashMap<String, String>,
    /// Tensions by slug: title and pole names.
    tensions: HashMap<String, (String, String, String)>,
}

impl Names {
    async fn of(db: &PgPool, rows: &[RevisionRow]) -> Result<Names> {
        let text = |row: &RevisionRow, path: &[&str]| -> Option<String> {
            let mut value = row.after.as_ref()?;
            for key in path {
                value = value.get(key)?;
            }
            value.as_str().map(str::to_owned)
        };
        let targets: Vec<String> = rows
            .iter()
            .filter_map(|row| text(row, &["relation", "target"]))
            .collect();
        let tensions: Vec<String> = rows
            .iter()
            .filter_map(|row| text(row, &["shows_tension"]))
            .filter_map(|link| link.split_once('/').map(|(_, t)| t.to_owned()))
            .collect();
        if targets.is_empty() && tensions.is_empty() {
            return Ok(Names {
                targets: HashMap::new(),
                tensions: HashMap::new(),
            });
        }
        let rows = sqlx::query!(
            r#"select 'target' as "kind!", c.slug::text as "name!", c.body as "text!", null::text as pole_a, null::text as pole_b
                 from claims c where c.slug::text = any($1)
               union all
               select 'target', 'proposal:' || p.slug, p.title, null, null
                 from proposals p where 'proposal:' || p.slug = any($1)
               union all
               select 'tension', t.slug::text, t.title, t.pole_a, t.pole_b
                 from tensions t where t.slug::text = any($2)"#,
            &targets,
            &tensions
        )
        .fetch_all(db)
        .await?;
        let mut names = Names {
            targets: HashMap::new(),
            tensions: HashMap::new(),
        };
        for row in rows {
            if row.kind == "tension" {
                let poles = (
                    row.text,
                    row.pole_a.unwrap_or_default(),
                    row.pole_b.unwrap_or_default(),
                );
                names.tensions.insert(row.name, poles);
            } else {
                names.targets.insert(row.name, row.text);
            }
        }
        Ok(names)
    }

    /// What the creation recorded as `after` brought, in words.
    fn brought(&self, after: &serde_json::Value) -> Vec<Brought> {
        let text = |key: &str| after.get(key).and_then(|v| v.as_str());
        let mut brought = Vec::new();
        if let Some(relation) = after.get("relation").filter(|r| !r.is_null()) {
            let kind = relation.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            let target = relation
                .get("target")
                .and_then(|t| t.as_str())
                .unwrap_or("");
            let href = match target.strip_prefix("proposal:") {
                Some(slug) => format!("/proposals/{slug}"),
                None => format!("/claims/{target}"),
            };
            let mut label = kind.to_owned();
            if let Some(first) = label.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            brought.push(Brought {
                label,
                text: self
                    .targets
                    .get(target)
                    .cloned()
                    .unwrap_or_else(|| target.to_owned()),
                href: Some(href),
            });
        }
        if let Some((proposal, tension)) = text("shows_tension").and_then(|l| l.split_once('/')) {
            let (title, pole) = match self.tensions.get(tension) {
                Some((title, a, b)) => {
                    let pole = match text("pole") {
                        Some("a") => format!(", for {a}"),
                        Some("b") => format!(", for {b}"),
                        _ => String::new(),
                    };
                    (title.clone(), pole)
                }
                None => (tension.to_owned(), String::new()),
            };
            brought.push(Brought {
                label: "Shows the tension".into(),
                text: format!("{title}{pole}"),
                href: Some(format!("/proposals/{proposal}#tension-{tension}")),
            });
        }
        if let Some(quote) = text("quote") {
            brought.push(Brought {
                label: "Quote".into(),
                text: format!("“{quote}”"),
                href: None,
            });
        }
        if let Some(tags) = after.get("tags").and_then(|t| t.as_array()) {
            let tags: Vec<&str> = tags.iter().filter_map(|t| t.as_str()).collect();
            if !tags.is_empty() {
                brought.push(Brought {
                    label: "Tags".into(),
                    text: tags.join(", "),
                    href: None,
                });
            }
        }
        brought
    }
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryPage {
    pub masthead: Masthead,
    pub crumbs: Vec<Crumb>,
    pub title: String,
    pub href: String,
    pub revisions: Vec<Entry>,
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
    let rows = revisions(db, kind, id).await?;
    let names = Names::of(db, &rows).await?;
    let revisions = rows
        .into_iter()
        .map(|mut row| {
            let diff = match (&row.was, row.action) {
                (Some(was), RevisionAction::Edit) if *was != row.summary => {
                    word_diff(was, &row.summary)
                }
                _ => Vec::new(),
            };
            if row.action == RevisionAction::Edit {
                row.was = None;
            }
            let brought = match (&row.after, row.action) {
                (Some(after), RevisionAction::Create) => names.brought(after),
                _ => Vec::new(),
            };
            Entry {
                revision: row,
                diff,
                brought,
            }
        })
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|piece| match piece {
                Piece::Same(text) => text.clone(),
                Piece::Removed(text) => format!("[-{text}]"),
                Piece::Added(text) => format!("[+{text}]"),
            })
            .collect()
    }

    #[test]
    fn an_edit_is_shown_word_by_word() {
        let diff = word_diff(
            "Every reorganisation seeds the next one.",
            "Every NHS reorganisation seeds the next.",
        );
        assert_eq!(
            shown(&diff),
            "Every [+NHS ]reorganisation seeds the [-next one.][+next.]"
        );
    }
}
