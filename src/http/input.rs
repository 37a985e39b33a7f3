//! The first check of every request's input, before any handler: text fields, query
//! parameters and the path may not hold control characters (PostgreSQL refuses NUL, and
//! U+0001… would break the SVG's XML and forge search highlights), and a body over the
//! limit is a 413 whether or not it declared its length.
//!
//! Tab, line feed and carriage return are allowed; every other character of Unicode's
//! `Cc` category (C0, DEL, C1) is refused with a 422 naming the field.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::Error;

/// Whether `c` may not appear in text people send.
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn describe(c: char) -> String {
    format!(
        "must not contain control characters (found U+{:04X})",
        c as u32
    )
}

/// A field name fit to show: its own control characters escaped.
fn printable(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn check_pairs(pairs: Vec<(String, String)>) -> Result<(), Error> {
    for (name, value) in &pairs {
        if let Some(c) = name.chars().chain(value.chars()).find(|&c| forbidden(c)) {
            return Err(Error::invalid(printable(name), describe(c)));
        }
    }
    Ok(())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every string and name in a JSON document (a body, or a map file being imported):
/// a 422 naming the first field at fault by its path (`claims[3].text`).
pub(crate) fn check_json_document(value: &Value) -> Result<(), Error> {
    check_json(value, &mut String::new())
}

/// Checks every string in a JSON document; the field is named by its path (`tags[2]`).
fn check_json(value: &Value, path: &mut String) -> Result<(), Error> {
    match value {
        Value::String(text) => match text.chars().find(|&c| forbidden(c)) {
            Some(c) => Err(Error::invalid(
                if path.is_empty() {
                    "body".to_owned()
                } else {
                    path.clone()
                },
                describe(c),
            )),
            None => Ok(()),
        },
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_json(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&printable(name));
                if let Some(c) = name.chars().find(|&c| forbidden(c)) {
                    return Err(Error::invalid(path.clone(), describe(c)));
                }
                check_json(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether reading a body failed because it was over the limit.
fn over_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(err) = current {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = err.source();
    }
    false
}

/// What a body holds, by its `Content-Type`: a form's fields or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Form,
    Json,
}

/// What the request's `Content-Type` says its body is, if a form or JSON.
pub(crate) fn body_kind(headers: &HeaderMap) -> Option<BodyKind> {
    let content_type = headers
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence == "application/x-www-form-urlencoded" {
        Some(BodyKind::Form)
    } else if essence == "application/json" || essence.ends_with("+json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}

/// The middleware: refuses control characters in the path, the query and form or JSON
/// bodies (read whole, up to `max_body`), and passes the request on unchanged otherwise.
pub async fn guard(request: Request, next: Next) -> Response {
    match check(request).await {
        Ok(request) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

async fn check(request: Request) -> Result<Request, Error> {
    if let Some(c) = percent_decode(request.uri().path())
        .chars()
        .find(|&c| forbidden(c))
    {
        return Err(Error::invalid("path", describe(c)));
    }
    if let Some(query) = request.uri().query() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| Error::BadRequest("the query string is not valid UTF-8".into()))?;
        check_pairs(pairs)?;
    }
    let reads_body = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let Some(kind) = body_kind(request.headers()).filter(|_| reads_body) else {
        return Ok(request);
    };
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, super::MAX_BODY_BYTES)
        .await
        .map_err(|err| {
            if over_limit(&err) {
                Error::PayloadTooLarge {
                    limit: super::MAX_BODY_BYTES,
                }
            } else {
                Error::BadRequest("the request body could not be read".into())
            }
        })?;
    match kind {
        BodyKind::Form => {
            // An undecodable form is left to the handler's extractor to explain.
            if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
                check_pairs(pairs)?;
            }
        }
        BodyKind::Json => {
            if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                check_json(&value, &mut String::new())?;
            }
        }
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_newline_and_carriage_return_are_allowed_other_controls_are_not() {
        for c in ['\t', '\n', '\r', 'a', 'é', '\u{200b}'] {
            assert!(!forbidden(c), "{c:?}");
        }
        for c in ['\0', '\u{1}', '\u{2}', '\u{1b}', '\u{7f}', '\u{85}'] {
            assert!(forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn a_percent_encoded_nul_in_the_path_is_found() {
        assert_eq!(percent_decode("/claims/a%00b"), "/claims/a\0b");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%4"), "/%4");
    }

    #[test]
    fn a_json_field_is_named_by_its_path() {
        let value = serde_json::json!({"claim": {"tags": ["ok", "bad\u{1}"]}});
        match check_json(&value, &mut String::new()) {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "claim.tags[1]"),
            other => panic!("{other:?}"),
        }
    }
}
