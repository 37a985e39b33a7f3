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

use super::text::{Parsed, SourceKind, parse};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::slug::{is_slug, slugify};
use crate::suggest;

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
    #[error("{origin}: nothing is left once the page's chrome is removed")]
    NoText { origin: String },
    #[error("{origin}: {field}: {message}")]
    Invalid {
        origin: String,
        field: &'static str,
        message: String,
    },
    #[error("{origin}: no debate has the slug {slug:?}")]
    UnknownDebate { origin: String, slug: String },
    #[error("{origin}: {source}")]
    Database { origin: String, source: sqlx::Error },
}

/// A document to import, with what the importer says about it (overriding detection).
#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    /// Where it came from, for messages: a file path, or "pasted text".
    pub origin: String,
    pub text: String,
    pub kind: Option<SourceKind>,
    pub slug: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<time::Date>,
    pub debate: Option<String>,
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
}

/// Reads and checks a file, for [`import_source`].
pub fn read_file(path: &Path) -> Result<String, ImportError> {
    let origin = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|err| ImportError::Read {
        origin: origin.clone(),
        reason: describe_io(&err),
    })?;
    if metadata.is_dir() {
        return Err(ImportError::Read {
            origin,
            reason: "it is a folder, not a file".into(),
        });
    }
    if metadata.len() > MAX_SOURCE_BYTES as u64 {
        return Err(ImportError::TooLarge {
            origin,
            size: metadata.len() as usize,
        });
    }
    let bytes = std::fs::read(path).map_err(|err| ImportError::Read {
        origin: origin.clone(),
        reason: describe_io(&err),
    })?;
    decode(&origin, bytes)
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// Checks raw bytes are a plausible text document and decodes them.
pub fn decode(origin: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
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

/// The metadata a source will be stored with: flags first, then what the text shows.
#[derive(Debug, Clone)]
struct Metadata {
    slug: String,
    title: String,
    author_name: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    published: Option<time::Date>,
}

fn metadata(input: &SourceInput, parsed: &Parsed) -> Result<Metadata, ImportError> {
    let invalid = |field, message: String| ImportError::Invalid {
        origin: input.origin.clone(),
        field,
        message,
    };
    let title = input
        .title
        .clone()
        .or_else(|| parsed.detected.title.clone())
        .unwrap_or_else(|| input.origin.clone());
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(invalid("title", "must be 1 to 300 characters".into()));
    }
    let slug = match &input.slug {
        Some(slug) if is_slug(slug) => slug.clone(),
        Some(slug) => {
            return Err(invalid(
                "slug",
                format!("{slug:?} is not lowercase words joined by hyphens"),
            ));
        }
        None => slugify(&title, 60),
    };
    if slug.is_empty() {
        return Err(invalid(
            "slug",
            format!("cannot make one from the title {title:?}: pass --slug"),
        ));
    }
    if let Some(url) = &input.url {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 2000
            || url.contains(char::is_whitespace)
        {
            return Err(invalid("url", format!("{url:?} is not an http(s) URL")));
        }
    }
    let author_name = input
        .author
        .clone()
        .or_else(|| parsed.detected.author_name.clone())
        .or_else(|| parsed.detected.handle.clone());
    if author_name
        .as_ref()
        .is_some_and(|a| a.chars().count() > 200)
    {
        return Err(invalid("author", "must be at most 200 characters".into()));
    }
    let outlet = input
        .outlet
        .clone()
        .or_else(|| parsed.detected.outlet.clone());
    if outlet.as_ref().is_some_and(|o| o.chars().count() > 200) {
        return Err(invalid("outlet", "must be at most 200 characters".into()));
    }
    Ok(Metadata {
        slug,
        title,
        author_name,
        outlet,
        url: input.url.clone(),
        published: input.published.or(parsed.detected.published),
    })
}

/// Imports `input` in the caller's transaction. Validates everything before writing.
pub async fn import_source(
    conn: &mut PgConnection,
    input: &SourceInput,
) -> Result<ImportOutcome, ImportError> {
    let origin = input.origin.clone();
    let db = |source: sqlx::Error| ImportError::Database {
        origin: origin.clone(),
        source,
    };
    if input.text.len() > MAX_SOURCE_BYTES {
        return Err(ImportError::TooLarge {
            origin,
            size: input.text.len(),
        });
    }
    if input.text.trim().is_empty() {
        return Err(ImportError::Empty { origin });
    }
    let parsed = parse(&input.text, input.kind);
    if parsed.segments.is_empty() {
        return Err(ImportError::NoText { origin });
    }
    let meta = metadata(input, &parsed)?;
    let debate_id = match &input.debate {
        Some(slug) => Some(
            sqlx::query_scalar!("select id from debates where slug = $1", slug)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?
                .ok_or_else(|| ImportError::UnknownDebate {
                    origin: origin.clone(),
                    slug: slug.clone(),
                })?,
        ),
        None => None,
    };
    let hash = Sha256::digest(input.text.as_bytes()).to_vec();

    let existing = sqlx::query!(
        r#"select s.id, s.slug as "slug: String", v.number
           from source_versions v join sources s on s.id = v.source_id
           where v.content_hash = $1 and s.slug = $2"#,
        hash,
        meta.slug,
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if let Some(found) = existing {
        let segments = sqlx::query_scalar!(
            r#"select count(*) as "count!" from segments g join source_versions v on v.id = g.source_version_id
               where v.source_id = $1 and v.number = $2"#,
            found.id,
            found.number
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
        return Ok(ImportOutcome {
            source_id: found.id,
            slug: found.slug,
            version: found.number,
            segments: segments as usize,
            suggestions: 0,
            changed: false,
        });
    }

    let source = sqlx::query!(
        r#"select id, coalesce((select max(number) from source_versions where source_id = sources.id), 0) as "latest!"
           from sources where slug = $1 for update"#,
        meta.slug
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let (source_id, version) = match source {
        Some(source) => {
            sqlx::query!(
                "update sources set kind = $2, title = $3, author_name = $4, outlet = $5, url = coalesce($6, url),
                        published_on = coalesce($7, published_on), version = version + 1
                 where id = $1",
                source.id,
                parsed.kind.as_str(),
                meta.title,
                meta.author_name,
                meta.outlet,
                meta.url,
                meta.published,
            )
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            (source.id, source.latest + 1)
        }
        None => {
            let id = sqlx::query_scalar!(
                "insert into sources (slug, kind, title, author_name, outlet, url, published_on)
                 values ($1::text, $2, $3, $4, $5, $6, $7) returning id",
                meta.slug,
                parsed.kind.as_str(),
                meta.title,
                meta.author_name,
                meta.outlet,
                meta.url,
                meta.published,
            )
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
            (id, 1)
        }
    };

    let version_id = sqlx::query_scalar!(
        "insert into source_versions (source_id, number, raw_text, content_hash) values ($1, $2, $3, $4) returning id",
        source_id,
        version,
        input.text,
        hash,
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;

    let positions: Vec<i32> = (1..=parsed.segments.len() as i32).collect();
    let kinds: Vec<String> = parsed
        .segments
        .iter()
        .map(|s| s.kind.as_str().to_owned())
        .collect();
    let locators: Vec<String> = parsed.segments.iter().map(|s| s.locator.clone()).collect();
    let anchors: Vec<String> = parsed.segments.iter().map(|s| s.anchor.clone()).collect();
    let bodies: Vec<String> = parsed.segments.iter().map(|s| s.body.clone()).collect();
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
    .await
    .map_err(db)?;
    inserted.sort_by_key(|row| row.position);
    let segment_ids: Vec<i64> = inserted.into_iter().map(|row| row.id).collect();

    let suggestions = suggest::store(&mut *conn, &segment_ids, &parsed.segments)
        .await
        .map_err(db)?;

    if let Some(debate_id) = debate_id {
        sqlx::query!(
            "insert into debate_sources (debate_id, source_id) values ($1, $2) on conflict do nothing",
            debate_id,
            source_id
        )
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }

    let after = json!({
        "slug": meta.slug, "kind": parsed.kind.as_str(), "title": meta.title, "author": meta.author_name,
        "outlet": meta.outlet, "url": meta.url, "published": meta.published.map(|d| d.to_string()),
        "version": version, "segments": parsed.segments.len(), "dropped_lines": parsed.dropped_lines,
    });
    let action = if version == 1 {
        RevisionAction::Create
    } else {
        RevisionAction::Import
    };
    Revision::new(ObjectKind::Source, source_id, action)
        .after(after)
        .record(&mut *conn)
        .await
        .map_err(db)?;

    Ok(ImportOutcome {
        source_id,
        slug: meta.slug,
        version,
        segments: parsed.segments.len(),
        suggestions,
        changed: true,
    })
}
