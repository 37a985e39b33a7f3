//! Adding a source from the browser: paste a document or upload a file (`.txt`, `.md`,
//! `.html`) with its metadata, see it cleaned and segmented as the importer will store
//! it, then save it. The checks, limits and cleaning are `argmap import`'s own
//! ([`super::import`]): the preview is [`prepare`], the save [`import_source_by`], in one
//! transaction with its revision.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::import::{
    DOCUMENT_ENDINGS, MAX_SOURCE_BYTES, NewSource, Prepared, decode, find_debate, import_source_by,
    prepare,
};
use super::{SegmentKind, SourceKind};
use crate::auth::csrf::{self, CsrfForm};
use crate::auth::{Masthead, SignedIn};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, why_not_saved};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/sources/new", get(new_form).post(submitted))
}

#[derive(Template)]
#[template(path = "sources/new.html")]
struct NewSourcePage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    form: NewSource,
    /// The debates it may belong to.
    debates: Vec<crate::debates::read::Listed>,
    /// The document as it would be stored, after "Preview".
    preview: Option<Prepared>,
    failure: Option<Failure>,
}

impl NewSourcePage {
    fn max_kib(&self) -> usize {
        MAX_SOURCE_BYTES / 1024
    }

    fn endings(&self) -> String {
        DOCUMENT_ENDINGS.join(",")
    }
}

async fn page(
    state: &AppState,
    masthead: Masthead,
    form: NewSource,
    preview: Option<Prepared>,
    failure: Option<Failure>,
) -> Result<NewSourcePage> {
    let debates = crate::debates::read::list(&state.db, crate::read::Slice::ALL).await?;
    Ok(NewSourcePage {
        masthead,
        crumbs: vec![Crumb::home(), Crumb::new("Add a source", "/sources/new")],
        form,
        debates,
        preview,
        failure,
    })
}

async fn new_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    masthead: Masthead,
) -> Result<Response> {
    page(&state, masthead, NewSource::default(), None, None)
        .await?
        .page()
}

/// What the form sends: the document and its metadata, a file if one was chosen, and
/// which button was pressed ("preview" or "save").
#[derive(Debug, Default, Deserialize)]
struct SourceForm {
    #[serde(flatten)]
    source: NewSource,
    #[serde(default)]
    action: String,
}

/// The submitted form, from `multipart/form-data` (a browser with a file field) or
/// `application/x-www-form-urlencoded`, its CSRF token checked either way.
struct Submitted {
    form: SourceForm,
    /// The chosen file's name and bytes.
    file: Option<(String, Vec<u8>)>,
}

impl FromRequest<AppState> for Submitted {
    type Rejection = Error;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            let CsrfForm(form) = CsrfForm::<SourceForm>::from_request(request, state).await?;
            return Ok(Submitted { form, file: None });
        }
        let (mut parts, body) = request.into_parts();
        let session = crate::auth::csrf::form_session(&mut parts, state).await?;
        let mut multipart = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
        let unreadable = |err: axum::extract::multipart::MultipartError| {
            if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge {
                    limit: crate::http::MAX_BODY_BYTES,
                }
            } else {
                Error::BadRequest(err.body_text())
            }
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut token = None;
        let mut file = None;
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
                continue;
            }
            let value = field.text().await.map_err(unreadable)?;
            if name == "csrf" {
                token = Some(value);
            } else {
                fields.push((name, value));
            }
        }
        csrf::check(&session, token.as_deref()).await?;
        let form = SourceForm::deserialize(serde::de::value::MapDeserializer::<
            _,
            serde::de::value::Error,
        >::new(fields.into_iter()))
        .map_err(|err| Error::BadRequest(err.to_string()))?;
        Ok(Submitted { form, file })
    }
}

/// The document a submitted form carries: the chosen file's text (which replaces what
/// was pasted, so saving after a preview sends it again as text), or the pasted text.
fn document(form: &mut NewSource, file: Option<(String, Vec<u8>)>) -> Result<&'static str> {
    let Some((name, bytes)) = file else {
        return Ok("text");
    };
    let lower = name.to_lowercase();
    if !DOCUMENT_ENDINGS
        .iter()
        .any(|ending| lower.ends_with(ending))
    {
        return Err(Error::invalid(
            "file",
            format!(
                "{name:?} is not a text document: choose a {} file",
                DOCUMENT_ENDINGS.join(", ")
            ),
        ));
    }
    form.text = decode(&name, bytes).map_err(|err| err.into_http("file"))?;
    Ok("file")
}

/// "Preview" shows the document cleaned and segmented and saves nothing; "Save" imports
/// it and opens its page. Either, refused, shows the form again saying why.
async fn submitted(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    Submitted { form, file }: Submitted,
) -> Result<Response> {
    let SourceForm { mut source, action } = form;
    let again = async |source: NewSource, status: StatusCode, failure: Failure| {
        page(&state, masthead.clone(), source, None, Some(failure))
            .await?
            .page_with(status)
    };
    let field = match why_not_saved(document(&mut source, file))? {
        Ok(field) => field,
        Err((status, failure)) => return again(source, status, failure).await,
    };
    let origin = if field == "file" {
        "the file"
    } else {
        "pasted text"
    };
    if action != "save" {
        let previewed = async {
            let input = source.input(origin)?;
            let prepared = prepare(&input).map_err(|err| err.into_http(field))?;
            if let Some(debate) = &input.debate {
                let mut conn = state.db.acquire().await?;
                find_debate(&mut conn, origin, debate)
                    .await
                    .map_err(|err| err.into_http(field))?;
            }
            Ok(prepared)
        };
        return match why_not_saved(previewed.await)? {
            Ok(prepared) => page(&state, masthead.clone(), source, Some(prepared), None)
                .await?
                .page(),
            Err((status, failure)) => again(source, status, failure).await,
        };
    }
    submit(
        &state.db,
        source,
        async |tx, source| {
            let input = source.input(origin)?;
            import_source_by(tx, &input, Some(user.id))
                .await
                .map_err(|err| err.into_http(field))
        },
        |outcome| format!("/sources/{}", outcome.slug),
        async |source, status, failure| again(source, status, failure).await,
    )
    .await
}
