//! Importing a document: validate the bytes, clean and segment the text, and store it as a
//! source (or a new version of one) in the caller's transaction, with its revision.
//!
//! Importing the same text again changes nothing (its SHA-256 is already stored). A changed
//! text under the same slug becomes the next version; earlier versions and their segments
//! stay, so quotes taken from them still resolve.

use std::path::Path;

use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::metadata::SourceFields;
use super::suggest;
use super::text::{CleanedText, Segment, SourceKind, parse};
use crate::files::{ReadError, read_bounded};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::slug::{SlugTable, is_slug, slugify, unique_slug};

/// The largest document accepted: ample for a long article or thread (the corpus's largest
/// is 6 KB), small enough that a mistaken upload fails fast.
pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{origin}: cannot read it: {reason}")]
    Read { origin: String, reason: String },
    #[error("{origin}: the document is empty")]
    Empty { origin: String },
    #[error("{origin}: {size} bytes is over the limit of {MAX_SOURCE_BYTES} bytes")]
    TooLarge { origin: String, size: usize },
    #[error("{origin}: not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 {
        origin: String,
        line: usize,
        column: usize,
    },
    #[error("{origin}: looks like a binary file (NUL byte at line {line})")]
    Binary { origin: String, line: usize },
    #[error("{origin}: nothing is left once the page's boilerplate is removed")]
    NoText { origin: String },
    #[error("{origin}: {field}: {message}")]
    Invalid {
        origin: String,
        field: &'static str,
        message: String,
    },
    #[error("{origin}: no debate has the slug {slug:?}")]
    UnknownDebate { origin: String, slug: String },
    #[error("{origin}: {}", describe_db_error(source))]
    Database { origin: String, source: sqlx::Error },
}

/// What a database error means for whoever imported, in words: never a constraint's or
/// table's name (the error itself stays the `source`, for logs).
pub fn describe_db_error(err: &sqlx::Error) -> &'static str {
    use sqlx::error::ErrorKind;
    match err {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => {
                "it clashes with a record stored meanwhile (try the import again)"
            }
            ErrorKind::CheckViolation | ErrorKind::NotNullViolation => {
                "a value is outside what the database accepts"
            }
            ErrorKind::ForeignKeyViolation => "it refers to a record that is not there",
            _ => "the database refused it",
        },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            "the database is unavailable"
        }
        _ => "the database failed",
    }
}

/// A document to import, with what the importer says about it (overriding detection).
#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    /// Where it came from, for messages: a file path, or "pasted text".
    pub origin: String,
    pub text: String,
    pub kind: Option<SourceKind>,
    pub slug: Option<String>,
    /// What the importer says; a field left `None` is detected from the text.
    pub fields: SourceFields,
    pub debate: Option<String>,
}

/// A document and its metadata as a person or program sends it (the add-a-source form,
/// `POST /api/v1/sources`): every field as text, empty for "not given" (detected from
/// the text where it can be).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewSource {
    /// The document: the text of a thread, an article or a blog post, as copied.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub outlet: String,
    /// Its original address (http or https).
    #[serde(default)]
    pub url: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub published: String,
    /// The slug of the debate it belongs to.
    #[serde(default)]
    pub debate: String,
    /// thread, article or blog; empty to have it detected.
    #[serde(default)]
    pub kind: String,
}

impl NewSource {
    /// What the importer reads, from `origin` ("pasted text", a file's name); 422 naming
    /// the field for a date or kind it cannot read.
    pub fn input(&self, origin: &str) -> crate::Result<SourceInput> {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let published = match some(&self.published) {
            None => None,
            Some(date) => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                Some(time::Date::parse(&date, format).map_err(|_| {
                    crate::Error::invalid("published", format!("{date:?} is not a date YYYY-MM-DD"))
                })?)
            }
        };
        let kind = crate::domain::word_field::<SourceKind>("kind", &self.kind)?;
        Ok(SourceInput {
            origin: origin.to_owned(),
            text: self.text.clone(),
            kind,
            slug: None,
            fields: SourceFields {
                title: some(&self.title),
                author: some(&self.author),
                outlet: some(&self.outlet),
                url: some(&self.url),
                published,
            },
            debate: some(&self.debate),
        })
    }
}

impl ImportError {
    /// The error a page or the API answers: 422 naming the field at fault (`text_field`
    /// for the document itself: "text" when pasted, "file" when uploaded); a database
    /// failure stays one.
    pub fn into_http(self, text_field: &str) -> crate::Error {
        match self {
            ImportError::Database { source, .. } => source.into(),
            ImportError::Invalid { field, message, .. } => {
                let field = if field == "text" { text_field } else { field };
                crate::Error::invalid(field, message)
            }
            ImportError::UnknownDebate { slug, .. } => {
                crate::Error::invalid("debate", format!("no debate has the slug {slug:?}"))
            }
            other => crate::Error::invalid(text_field, other.to_string()),
        }
    }
}

/// Reads and checks a file, for [`import_source`].
pub fn read_file(path: &Path) -> Result<String, ImportError> {
    let origin = path.display().to_string();
    let bytes = read_bounded(path, MAX_SOURCE_BYTES).map_err(|err| match err {
        ReadError::TooLarge(size) => ImportError::TooLarge {
            origin: origin.clone(),
            size: size as usize,
        },
        ReadError::Unreadable(reason) => ImportError::Read {
            origin: origin.clone(),
            reason,
        },
    })?;
    decode(&origin, bytes)
}

/// The endings of the file names argmap reads as documents; an HTML page (`.html`,
/// `.htm`) is read for the text of its paragraphs, headings and list items.
pub const DOCUMENT_ENDINGS: [&str; 5] = [".txt", ".md", ".markdown", ".html", ".htm"];

/// Checks the bytes of the file `origin` names are a plausible text document and decodes them;
/// an HTML page becomes the text of its blocks (see [`html_text`]).
pub fn decode(origin: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    let text = decode_text(origin, bytes)?;
    let lower = origin.to_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        let text = html_text(&text);
        if text.trim().is_empty() {
            return Err(ImportError::NoText {
                origin: origin.to_owned(),
            });
        }
        return Ok(text);
    }
    Ok(text)
}

/// Elements whose text is not the document's: scripts, styles, navigation, forms.
const SKIPPED_ELEMENTS: [&str; 10] = [
    "head", "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "svg",
];

/// Elements whose text, when they hold no other such element, is one paragraph.
const BLOCK_ELEMENTS: [&str; 17] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "td",
    "th",
    "figcaption",
    "div",
    "section",
];

/// The text of an HTML page as the importer reads text: its `<title>` as a `Title:` line,
/// its `<meta name="author">` as a byline, then each innermost block (paragraph, heading,
/// list item…) as a paragraph of its own, whitespace collapsed, outside scripts, styles,
/// navigation and footers.
pub fn html_text(html: &str) -> String {
    use scraper::{ElementRef, Html, Selector};
    let document = Html::parse_document(html);
    let collapse = |text: &mut dyn Iterator<Item = &str>| {
        text.collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first = |selector: &str| {
        let selector = Selector::parse(selector).expect("a valid selector");
        document.select(&selector).next()
    };
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(title) = first("title").map(|t| collapse(&mut t.text())) {
        if !title.is_empty() {
            paragraphs.push(format!("Title: {title}"));
        }
    }
    if let Some(author) = first("meta[name=author]").and_then(|m| m.value().attr("content")) {
        if !author.trim().is_empty() {
            paragraphs.push(format!("By {}", author.trim()));
        }
    }
    fn is_block(element: &ElementRef) -> bool {
        BLOCK_ELEMENTS.contains(&element.value().name())
    }
    fn walk<'a>(element: ElementRef<'a>, out: &mut Vec<ElementRef<'a>>) {
        for child in element.children().filter_map(ElementRef::wrap) {
            if SKIPPED_ELEMENTS.contains(&child.value().name()) {
                continue;
            }
            let holds_block = child
                .descendants()
                .skip(1)
                .filter_map(ElementRef::wrap)
                .any(|e| is_block(&e));
            if is_block(&child) && !holds_block {
                out.push(child);
            } else {
                walk(child, out);
            }
        }
    }
    let mut blocks = Vec::new();
    walk(document.root_element(), &mut blocks);
    paragraphs.extend(
        blocks
            .into_iter()
            .map(|block| collapse(&mut block.text()))
            .filter(|text| !text.is_empty()),
    );
    paragraphs.join("\n\n")
}

/// Checks raw bytes are a plausible text document and decodes them.
fn decode_text(origin: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    let origin = origin.to_owned();
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(ImportError::TooLarge {
            origin,
            size: bytes.len(),
        });
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let line = 1 + bytes[..nul].iter().filter(|&&b| b == b'\n').count();
        return Err(ImportError::Binary { origin, line });
    }
    let text = String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let at = err.utf8_error().valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&bytes[line_start..at])
            .chars()
            .count();
        ImportError::NotUtf8 {
            origin: origin.clone(),
            line,
            column,
        }
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty { origin });
    }
    Ok(text)
}

/// The one slug a source cannot have: `/sources/new` is the add-a-source form.
const RESERVED_SLUG: &str = "new";

/// The longest segment the database stores.
const MAX_SEGMENT_CHARS: usize = 100_000;

/// A document checked and cleaned, ready to store. `--dry-run` shows exactly this, so a
/// dry run and an import accept the same documents.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub parsed: CleanedText,
    /// The slug asked for (`--slug`), or one made from the title; another source may hold it.
    pub slug: String,
    /// Whether the importer named the slug (only then may an existing source get a new
    /// version by slug).
    pub slug_named: bool,
    pub fields: SourceFields<String>,
    hash: Vec<u8>,
}

/// Checks and cleans `input` without touching the database: everything an import would
/// refuse (but an unknown `--debate`, which needs the database) is refused here.
pub fn prepare(input: &SourceInput) -> Result<Prepared, ImportError> {
    let origin = input.origin.clone();
    let invalid = |field, message: String| ImportError::Invalid {
        origin: input.origin.clone(),
        field,
        message,
    };
    if input.text.len() > MAX_SOURCE_BYTES {
        return Err(ImportError::TooLarge {
            origin,
            size: input.text.len(),
        });
    }
    if input.text.contains('\0') {
        let nul = input.text.find('\0').unwrap_or(0);
        let line = 1 + input.text[..nul].matches('\n').count();
        return Err(ImportError::Binary { origin, line });
    }
    if input.text.trim().is_empty() {
        return Err(ImportError::Empty { origin });
    }
    let parsed = parse(&input.text, input.kind);
    if parsed.segments.is_empty() {
        return Err(ImportError::NoText { origin });
    }
    if let Some(long) = parsed
        .segments
        .iter()
        .find(|s| s.body.chars().count() > MAX_SEGMENT_CHARS)
    {
        return Err(invalid(
            "text",
            format!(
                "{} is over {MAX_SEGMENT_CHARS} characters: split it into paragraphs",
                long.locator
            ),
        ));
    }
    let (given, detected) = (&input.fields, &parsed.detected);
    let title = given
        .title
        .clone()
        .or_else(|| detected.fields.title.clone())
        .unwrap_or_else(|| input.origin.clone());
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(invalid("title", "must be 1 to 300 characters".into()));
    }
    let (slug, slug_named) = match &input.slug {
        Some(slug) if is_slug(slug) => (slug.clone(), true),
        Some(slug) => {
            return Err(invalid(
                "slug",
                format!("{slug:?} is not lowercase words joined by hyphens"),
            ));
        }
        None => (slugify(&title, 60), false),
    };
    if slug.is_empty() {
        return Err(invalid(
            "slug",
            format!("cannot make one from the title {title:?}: pass --slug"),
        ));
    }
    // `/sources/new` is the add-a-source form, not a source.
    let slug = match slug.as_str() {
        RESERVED_SLUG if slug_named => {
            return Err(invalid(
                "slug",
                format!(
                    "{RESERVED_SLUG:?} is the address of the add-a-source form: choose another"
                ),
            ));
        }
        RESERVED_SLUG => format!("{RESERVED_SLUG}-source"),
        _ => slug,
    };
    if let Some(url) = &given.url {
        if !is_http_url(url) {
            return Err(invalid("url", format!("{url:?} is not an http(s) URL")));
        }
    }
    // A URL the page names is kept only when it is one.
    let url = given
        .url
        .clone()
        .or_else(|| detected.fields.url.clone().filter(|u| is_http_url(u)));
    let author_name = given
        .author
        .clone()
        .or_else(|| detected.fields.author.clone())
        .or_else(|| detected.handle.clone());
    if author_name
        .as_ref()
        .is_some_and(|a| a.chars().count() > 200)
    {
        return Err(invalid("author", "must be at most 200 characters".into()));
    }
    let outlet = given
        .outlet
        .clone()
        .or_else(|| detected.fields.outlet.clone());
    if outlet.as_ref().is_some_and(|o| o.chars().count() > 200) {
        return Err(invalid("outlet", "must be at most 200 characters".into()));
    }
    Ok(Prepared {
        slug,
        slug_named,
        fields: SourceFields {
            title,
            author: author_name,
            outlet,
            url,
            published: given.published.or(detected.fields.published),
        },
        hash: Sha256::digest(input.text.as_bytes()).to_vec(),
        parsed,
    })
}

impl Prepared {
    /// The cleaned source as JSON, for other tools (`argmap import FILE --dry-run --json`).
    pub fn to_json(&self) -> serde_json::Value {
        let segments: Vec<serde_json::Value> = self
            .parsed
            .segments
            .iter()
            .map(|s| {
                json!({"anchor": s.anchor, "kind": s.kind.as_str(), "locator": s.locator, "text": s.body})
            })
            .collect();
        let suggestions: Vec<serde_json::Value> = self
            .parsed
            .segments
            .iter()
            .flat_map(|segment| {
                suggest::suggest(&segment.body).into_iter().map(|s| {
                    json!({
                        "anchor": segment.anchor, "kind": s.kind.as_str(), "text": s.body,
                        "start": s.start_char, "end": s.end_char, "cues": s.cues,
                    })
                })
            })
            .collect();
        json!({
            "title": self.fields.title,
            "author": self.fields.author,
            "outlet": self.fields.outlet,
            "url": self.fields.url,
            "published": self.fields.published.map(|d| d.to_string()),
            "kind": self.parsed.kind.as_str(),
            "label": self.parsed.detected.label,
            "slug": self.slug,
            "dropped_lines": self.parsed.dropped_lines,
            "metadata_lines": self.parsed.metadata_lines,
            "segments": segments,
            "suggestions": suggestions,
        })
    }

    /// The cleaned source as text for a person (`argmap import FILE --dry-run`).
    pub fn describe(&self) -> String {
        use std::fmt::Write;
        let none = || "-".to_owned();
        let mut out = String::new();
        let _ = writeln!(out, "kind: {}", self.parsed.kind.as_str());
        let _ = writeln!(out, "title: {}", self.fields.title);
        let _ = writeln!(
            out,
            "author: {}",
            self.fields.author.clone().unwrap_or_else(none)
        );
        let _ = writeln!(
            out,
            "outlet: {}",
            self.fields.outlet.clone().unwrap_or_else(none)
        );
        let _ = writeln!(out, "url: {}", self.fields.url.clone().unwrap_or_else(none));
        let _ = writeln!(
            out,
            "published: {}",
            self.fields.published.map_or_else(none, |d| d.to_string())
        );
        let _ = writeln!(out, "slug: {}", self.slug);
        let _ = writeln!(
            out,
            "{} metadata lines taken into the fields above; {} lines of page boilerplate dropped",
            self.parsed.metadata_lines, self.parsed.dropped_lines
        );
        for segment in &self.parsed.segments {
            let _ = write!(
                out,
                "\n[{}] #{} ({})\n{}\n",
                segment.locator,
                segment.anchor,
                segment.kind.as_str(),
                segment.body
            );
        }
        out
    }
}

fn is_http_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.len() <= 2000
        && !url.contains(char::is_whitespace)
}

/// A URL as compared to tell the same page: scheme, `www.`, fragment, a trailing slash
/// and letter case do not count. (The SQL in [`import_source`] says the same.)
pub fn url_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.split('#').next().unwrap_or(rest);
    rest.trim_end_matches('/').to_owned()
}

/// Why an import became a new version of an existing source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewVersionOf {
    /// The importer named its slug.
    Slug,
    /// Its URL is the existing source's URL.
    Url(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub source_id: i64,
    pub slug: String,
    pub version: i32,
    pub segments: usize,
    pub suggestions: usize,
    /// False when the same text was already stored: nothing was written.
    pub changed: bool,
    /// Set when this import is a new version of a source that was already there.
    pub new_version_of: Option<NewVersionOf>,
    /// The slug made from the title when another source holds it (a fresh one was used).
    pub slug_taken: Option<String>,
}

/// Imports `input` in the caller's transaction. Validates everything before writing.
///
/// A document becomes a new version of an existing source only when the importer names
/// that source's slug or the document's URL is that source's URL; otherwise it is a new
/// source, under a fresh slug when the one made from its title is taken.
pub async fn import_source(
    conn: &mut PgConnection,
    input: &SourceInput,
) -> Result<ImportOutcome, ImportError> {
    import_source_by(conn, input, None).await
}

/// [`import_source`], made by the user `by` (None: the system, as the command line).
pub async fn import_source_by(
    conn: &mut PgConnection,
    input: &SourceInput,
    by: Option<i64>,
) -> Result<ImportOutcome, ImportError> {
    let prepared = prepare(input)?;
    let origin = input.origin.clone();
    let db = |source: sqlx::Error| ImportError::Database {
        origin: origin.clone(),
        source,
    };
    let debate_id = match &input.debate {
        Some(slug) => Some(find_debate(&mut *conn, &origin, slug).await?),
        None => None,
    };
    if let Some(unchanged) = already_stored(conn, &prepared).await.map_err(db)? {
        return Ok(unchanged);
    }
    let target = version_target(conn, &prepared).await.map_err(db)?;
    let written = write_source(conn, &prepared, target).await.map_err(db)?;
    let parsed = &prepared.parsed;
    let version_id = sqlx::query_scalar!(
        "insert into source_versions (source_id, number, raw_text, content_hash) values ($1, $2, $3, $4) returning id",
        written.source_id,
        written.version,
        input.text,
        prepared.hash,
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let segment_ids = insert_segments(conn, version_id, &parsed.segments)
        .await
        .map_err(db)?;
    let suggestions = suggest::store(&mut *conn, &segment_ids, &parsed.segments)
        .await
        .map_err(db)?;
    if let Some(debate_id) = debate_id {
        sqlx::query!(
            "insert into debate_sources (debate_id, source_id) values ($1, $2) on conflict do nothing",
            debate_id,
            written.source_id
        )
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }

    let after = json!({
        "slug": written.slug, "kind": parsed.kind.as_str(), "title": prepared.fields.title,
        "author": prepared.fields.author, "outlet": prepared.fields.outlet, "url": prepared.fields.url,
        "published": prepared.fields.published.map(|d| d.to_string()), "version": written.version,
        "segments": parsed.segments.len(), "dropped_lines": parsed.dropped_lines,
    });
    let action = if written.version == 1 {
        RevisionAction::Create
    } else {
        RevisionAction::Import
    };
    Revision::new(ObjectKind::Source, written.source_id, action)
        .by(by)
        .after(after)
        .record(&mut *conn)
        .await
        .map_err(db)?;

    Ok(ImportOutcome {
        source_id: written.source_id,
        slug: written.slug,
        version: written.version,
        segments: parsed.segments.len(),
        suggestions,
        changed: true,
        new_version_of: written.new_version_of,
        slug_taken: written.slug_taken,
    })
}

/// The outcome of importing the same text again (under the slug named, or anywhere):
/// nothing written.
async fn already_stored(
    conn: &mut PgConnection,
    prepared: &Prepared,
) -> Result<Option<ImportOutcome>, sqlx::Error> {
    let existing = sqlx::query!(
        r#"select s.id, s.slug as "slug: String", v.number
           from source_versions v join sources s on s.id = v.source_id
           where v.content_hash = $1 and (s.slug = $2 or not $3)
           order by s.id limit 1"#,
        prepared.hash,
        prepared.slug,
        prepared.slug_named,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(found) = existing else {
        return Ok(None);
    };
    let segments = sqlx::query_scalar!(
        r#"select count(*) as "count!" from segments g join source_versions v on v.id = g.source_version_id
               where v.source_id = $1 and v.number = $2"#,
        found.id,
        found.number
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(ImportOutcome {
        source_id: found.id,
        slug: found.slug,
        version: found.number,
        segments: segments as usize,
        suggestions: 0,
        changed: false,
        new_version_of: None,
        slug_taken: None,
    }))
}

/// The existing source this is a new version of, if any (locked): the one whose slug was
/// named, or the one at the same URL.
async fn version_target(
    conn: &mut PgConnection,
    prepared: &Prepared,
) -> Result<Option<(i64, String, NewVersionOf)>, sqlx::Error> {
    if prepared.slug_named {
        return Ok(sqlx::query_scalar!(
            "select id from sources where slug = $1 for update",
            prepared.slug
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|id| (id, prepared.slug.clone(), NewVersionOf::Slug)));
    }
    let Some(url) = &prepared.fields.url else {
        return Ok(None);
    };
    Ok(sqlx::query!(
        r#"select id, slug as "slug!: String", url as "url!" from sources
               where url is not null
                 and rtrim(split_part(regexp_replace(lower(btrim(url)), '^https?://(www\.)?', ''), '#', 1), '/') = $1
               order by id limit 1 for update"#,
        url_key(url)
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| (row.id, row.slug, NewVersionOf::Url(row.url))))
}

/// The source row an import wrote, and under which slug and version number.
struct WrittenSource {
    source_id: i64,
    slug: String,
    version: i32,
    new_version_of: Option<NewVersionOf>,
    slug_taken: Option<String>,
}

/// Updates the source `target` names with the new version's metadata, or inserts a new
/// source under a slug no other holds.
async fn write_source(
    conn: &mut PgConnection,
    prepared: &Prepared,
    target: Option<(i64, String, NewVersionOf)>,
) -> Result<WrittenSource, sqlx::Error> {
    let kind = prepared.parsed.kind.as_str();
    if let Some((id, slug, why)) = target {
        let latest = sqlx::query_scalar!(
            r#"select coalesce(max(number), 0) as "latest!" from source_versions where source_id = $1"#,
            id
        )
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query!(
            "update sources set kind = $2, title = $3, author_name = $4, outlet = $5, url = coalesce($6, url),
                        published_on = coalesce($7, published_on), version = version + 1
                 where id = $1",
            id,
            kind,
            prepared.fields.title,
            prepared.fields.author,
            prepared.fields.outlet,
            prepared.fields.url,
            prepared.fields.published,
        )
        .execute(&mut *conn)
        .await?;
        return Ok(WrittenSource {
            source_id: id,
            slug,
            version: latest + 1,
            new_version_of: Some(why),
            slug_taken: None,
        });
    }
    let fresh = unique_slug(&mut *conn, SlugTable::Sources, &prepared.slug).await?;
    let id = sqlx::query_scalar!(
        "insert into sources (slug, kind, title, author_name, outlet, url, published_on)
                 values ($1::text, $2, $3, $4, $5, $6, $7) returning id",
        fresh,
        kind,
        prepared.fields.title,
        prepared.fields.author,
        prepared.fields.outlet,
        prepared.fields.url,
        prepared.fields.published,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(WrittenSource {
        source_id: id,
        slug_taken: (fresh != prepared.slug).then(|| prepared.slug.clone()),
        slug: fresh,
        version: 1,
        new_version_of: None,
    })
}

/// Stores a version's segments in one statement; their ids, in order.
async fn insert_segments(
    conn: &mut PgConnection,
    version_id: i64,
    segments: &[Segment],
) -> Result<Vec<i64>, sqlx::Error> {
    let positions: Vec<i32> = (1..=segments.len() as i32).collect();
    let kinds: Vec<String> = segments
        .iter()
        .map(|s| s.kind.as_str().to_owned())
        .collect();
    let locators: Vec<String> = segments.iter().map(|s| s.locator.clone()).collect();
    let anchors: Vec<String> = segments.iter().map(|s| s.anchor.clone()).collect();
    let bodies: Vec<String> = segments.iter().map(|s| s.body.clone()).collect();
    let mut inserted = sqlx::query!(
        "insert into segments (source_version_id, position, kind, locator, anchor, body)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
         returning id, position",
        version_id,
        &positions,
        &kinds,
        &locators,
        &anchors,
        &bodies,
    )
    .fetch_all(&mut *conn)
    .await?;
    inserted.sort_by_key(|row| row.position);
    Ok(inserted.into_iter().map(|row| row.id).collect())
}

/// Checks the debate a source is to belong to exists; its id.
pub async fn find_debate(
    conn: &mut PgConnection,
    origin: &str,
    slug: &str,
) -> Result<i64, ImportError> {
    sqlx::query_scalar!("select id from debates where slug = $1", slug)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|source| ImportError::Database {
            origin: origin.to_owned(),
            source,
        })?
        .ok_or_else(|| ImportError::UnknownDebate {
            origin: origin.to_owned(),
            slug: slug.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_titled_new_does_not_take_the_forms_address() {
        let input = SourceInput {
            origin: "pasted text".into(),
            text: "A paragraph that says something about the NHS.".into(),
            fields: SourceFields {
                title: Some("New".into()),
                ..SourceFields::default()
            },
            ..SourceInput::default()
        };
        assert_eq!(prepare(&input).unwrap().slug, "new-source");
        let named = SourceInput {
            slug: Some("new".into()),
            ..input
        };
        assert!(matches!(
            prepare(&named),
            Err(ImportError::Invalid { field: "slug", .. })
        ));
    }

    #[test]
    fn an_html_page_is_read_for_the_text_of_its_blocks() {
        let text = html_text(
            "<html><head><title>T</title><style>p { color: red }</style></head><body>\
             <nav><ul><li>Home</li></ul></nav><h1>Heading</h1><p>One <b>bold</b>\n word.</p>\
             <ul><li><p>Nested</p></li></ul><footer>Footer</footer></body></html>",
        );
        assert_eq!(text, "Title: T\n\nHeading\n\nOne bold word.\n\nNested");
    }
}
