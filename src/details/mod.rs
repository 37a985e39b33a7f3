//! The details (metadata) of sources, debates and actors, which moderators correct: a
//! source's title, byline, outlet, address, date and kind; a debate's title, summary and
//! dates; an actor's name, kind, handle and note. One form serves the three: each kind
//! of record lists its fields ([`Record::fields`]), checked here as the schema checks
//! them; an edit names the version it read (409 when stale) and is one transaction with
//! its revision.

pub(crate) mod forms;

use serde_json::{Map, Value};
use sqlx::PgConnection;

use crate::auth::{Role, User};
use crate::edits::record_edit;
use crate::read::find_by_slug;
use crate::revisions::ObjectKind;
use crate::{Error, Result};

/// A kind of record whose details moderators edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    Source,
    Debate,
    Actor,
}

/// What a field holds, and so how it is checked and shown.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input {
    /// One line of `min..=max` characters (`min` 0: it may be empty).
    Line { min: usize, max: usize },
    /// Several lines, at most `max` characters.
    Text { max: usize },
    /// A date, YYYY-MM-DD, or empty.
    Date,
    /// An http(s) address, or empty.
    Url,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// A field of a record's details.
#[derive(Debug)]
pub(crate) struct Spec {
    /// Its name in the form, the revision and the column it is stored in.
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
}

const fn spec(name: &'static str, label: &'static str, input: Input) -> Spec {
    Spec { name, label, input }
}

const SOURCE_FIELDS: [Spec; 6] = [
    spec("title", "Title", Input::Line { min: 1, max: 300 }),
    spec(
        "author_name",
        "Author, as the document gives it",
        Input::Line { min: 0, max: 200 },
    ),
    spec("outlet", "Outlet", Input::Line { min: 0, max: 200 }),
    spec("url", "Original address", Input::Url),
    spec("published_on", "Published", Input::Date),
    spec(
        "kind",
        "Kind",
        Input::Choice(&["thread", "article", "blog"]),
    ),
];

const DEBATE_FIELDS: [Spec; 4] = [
    spec("title", "Title", Input::Line { min: 1, max: 200 }),
    spec("summary", "Summary", Input::Text { max: 4000 }),
    spec("started_on", "Started", Input::Date),
    spec("ended_on", "Ended", Input::Date),
];

const ACTOR_FIELDS: [Spec; 4] = [
    spec("name", "Name", Input::Line { min: 1, max: 200 }),
    spec(
        "kind",
        "Kind",
        Input::Choice(&["person", "organisation", "office"]),
    ),
    spec(
        "handle",
        "Handle (on social media)",
        Input::Line { min: 0, max: 100 },
    ),
    spec("about", "About (who they are)", Input::Text { max: 2000 }),
];

impl Record {
    /// The record kind whose pages are under `/{path}`.
    pub(crate) fn from_path(path: &str) -> Option<Record> {
        match path {
            "sources" => Some(Record::Source),
            "debates" => Some(Record::Debate),
            "actors" => Some(Record::Actor),
            _ => None,
        }
    }

    pub(crate) fn path(self) -> &'static str {
        match self {
            Record::Source => "sources",
            Record::Debate => "debates",
            Record::Actor => "actors",
        }
    }

    pub(crate) fn noun(self) -> &'static str {
        self.object().as_str()
    }

    fn object(self) -> ObjectKind {
        match self {
            Record::Source => ObjectKind::Source,
            Record::Debate => ObjectKind::Debate,
            Record::Actor => ObjectKind::Actor,
        }
    }

    pub(crate) fn fields(self) -> &'static [Spec] {
        match self {
            Record::Source => &SOURCE_FIELDS,
            Record::Debate => &DEBATE_FIELDS,
            Record::Actor => &ACTOR_FIELDS,
        }
    }

    /// Where a saved edit goes: the record's page (actors have none: their form).
    pub(crate) fn page(self, slug: &str) -> String {
        match self {
            Record::Actor => format!("/actors/{slug}/edit"),
            _ => format!("/{}/{slug}", self.path()),
        }
    }
}

/// A record's details as they are: its id, version and each field's value (in
/// [`Record::fields`] order; empty for none).
pub(crate) struct Details {
    pub id: i64,
    pub version: i32,
    pub values: Vec<String>,
}

impl Details {
    fn json(&self, record: Record) -> Value {
        as_json(record, &self.values)
    }
}

fn as_json(record: Record, values: &[String]) -> Value {
    let map: Map<String, Value> = record
        .fields()
        .iter()
        .zip(values)
        .map(|(spec, value)| {
            let value = if value.is_empty() {
                Value::Null
            } else {
                Value::String(value.clone())
            };
            (spec.name.to_owned(), value)
        })
        .collect();
    Value::Object(map)
}

/// The details of the record `slug` (hidden ones included: moderators edit them).
pub(crate) async fn details(
    conn: &mut PgConnection,
    record: Record,
    slug: &str,
) -> Result<Details> {
    let noun = record.noun();
    match record {
        Record::Source => find_by_slug!(
            &mut *conn,
            noun,
            Details,
            r#"select id, version, array[title, coalesce(author_name, ''), coalesce(outlet, ''),
                      coalesce(url, ''), coalesce(published_on::text, ''), kind] as "values!: Vec<String>"
               from sources where slug = $1::text"#,
            slug
        ),
        Record::Debate => find_by_slug!(
            &mut *conn,
            noun,
            Details,
            r#"select id, version, array[title, summary, coalesce(started_on::text, ''),
                      coalesce(ended_on::text, '')] as "values!: Vec<String>"
               from debates where slug = $1::text"#,
            slug
        ),
        Record::Actor => find_by_slug!(
            &mut *conn,
            noun,
            Details,
            r#"select id, version, array[name, kind, coalesce(handle, ''), coalesce(about, '')] as "values!: Vec<String>"
               from actors where slug = $1::text"#,
            slug
        ),
    }
}

/// `value` checked as `spec` says: trimmed, empty for none.
fn check(spec: &Spec, value: &str) -> Result<String> {
    let value = value.trim().to_owned();
    let length = value.chars().count();
    let bad = |message: String| Err(Error::invalid(spec.name, message));
    match spec.input {
        Input::Line { min, max } if length < min || length > max => {
            bad(format!("must be {min} to {max} characters"))
        }
        Input::Text { max } if length > max => bad(format!("must be at most {max} characters")),
        Input::Date if !value.is_empty() => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match time::Date::parse(&value, format) {
                Ok(_) => Ok(value),
                Err(_) => bad(format!("{value:?} is not a date YYYY-MM-DD")),
            }
        }
        Input::Url
            if !value.is_empty()
                && (!(value.starts_with("https://") || value.starts_with("http://"))
                    || length > 2000
                    || value.contains(char::is_whitespace)) =>
        {
            bad(format!("{value:?} is not an http(s) address"))
        }
        Input::Choice(words) if !words.contains(&value.as_str()) => {
            bad(format!("{value:?} is not one of {}", words.join(", ")))
        }
        _ => Ok(value),
    }
}

/// An edit of a record's details: the version it was made against, and every field.
pub(crate) struct DetailsEdit {
    pub version: i32,
    /// Each field's new value, in [`Record::fields`] order.
    pub values: Vec<String>,
}

/// Saves `edit` of the record `slug` (moderators only): every field checked, then one
/// update against the version read (409 when someone saved in between) with its
/// revision. Returns where the record is seen.
pub(crate) async fn edit(
    conn: &mut PgConnection,
    user: &User,
    record: Record,
    slug: &str,
    edit: &DetailsEdit,
) -> Result<String> {
    user.require(Role::Moderator)?;
    let current = details(conn, record, slug).await?;
    let values: Vec<String> = record
        .fields()
        .iter()
        .zip(&edit.values)
        .map(|(spec, value)| check(spec, value))
        .collect::<Result<_>>()?;
    let v = |i: usize| Some(values[i].clone()).filter(|v| !v.is_empty());
    let (id, read) = (current.id, edit.version);
    let updated = match record {
        Record::Source => sqlx::query!(
            "update sources set title = $3, author_name = $4, outlet = $5, url = $6,
                    published_on = $7::text::date, kind = $8, version = version + 1, updated_at = now()
             where id = $1 and version = $2",
            id, read, values[0], v(1), v(2), v(3), v(4), values[5]
        )
        .execute(&mut *conn)
        .await?
        .rows_affected(),
        Record::Debate => {
            if let (Some(started), Some(ended)) = (v(2), v(3)) {
                // Both are YYYY-MM-DD, so they compare as text.
                if ended < started {
                    return Err(Error::invalid("ended_on", "must not be before it started"));
                }
            }
            sqlx::query!(
                "update debates set title = $3, summary = $4, started_on = $5::text::date,
                        ended_on = $6::text::date, version = version + 1, updated_at = now()
                 where id = $1 and version = $2",
                id, read, values[0], values[1], v(2), v(3)
            )
            .execute(&mut *conn)
            .await?
            .rows_affected()
        }
        Record::Actor => sqlx::query!(
            "update actors set name = $3, kind = $4, handle = $5, about = $6,
                    version = version + 1, updated_at = now()
             where id = $1 and version = $2",
            id, read, values[0], values[1], v(2), v(3)
        )
        .execute(&mut *conn)
        .await?
        .rows_affected(),
    };
    let change = (current.json(record), as_json(record, &values));
    record_edit(conn, user, (record.object(), id), read, updated, change).await?;
    Ok(record.page(slug))
}
