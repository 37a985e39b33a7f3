//! The moderators' form editing a source's, a debate's or an actor's details
//! (`/sources/{slug}/edit`, `/debates/{slug}/edit`, `/actors/{slug}/edit`).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{MatchedPath, Path};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use super::{DetailsEdit, Input, Record, Spec, details};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, Role, SignedInPage};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, version_after, version_field};
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    ["sources", "debates", "actors"]
        .into_iter()
        .fold(Router::new(), |router, path| {
            router.route(&format!("/{path}/{{slug}}/edit"), get(edit_form).post(edit))
        })
}

/// A field as the form shows it.
struct FieldView {
    spec: &'static Spec,
    value: String,
}

#[derive(Template)]
#[template(path = "details/edit.html")]
struct EditPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    record: Record,
    slug: String,
    version: i32,
    fields: Vec<FieldView>,
    failure: Option<Failure>,
}

impl EditPage {
    fn new(
        masthead: Masthead,
        record: Record,
        slug: String,
        version: i32,
        values: Vec<String>,
        failure: Option<Failure>,
    ) -> Self {
        let fields: Vec<FieldView> = record
            .fields()
            .iter()
            .zip(values)
            .map(|(spec, value)| FieldView { spec, value })
            .collect();
        let name = fields.first().map_or(slug.clone(), |f| f.value.clone());
        let crumbs = Crumb::trail(name, &record.page(&slug), "Edit details", "edit");
        EditPage {
            masthead,
            crumbs,
            record,
            slug,
            version,
            fields,
            failure,
        }
    }
}

/// The kind of record the request's route is about.
fn record_of(route: &MatchedPath) -> Result<Record> {
    let first = route.as_str().trim_start_matches('/').split('/').next();
    first
        .and_then(Record::from_path)
        .ok_or_else(|| Error::NotFound(route.as_str().to_owned()))
}

async fn edit_form(
    SignedInPage(state, user, masthead): SignedInPage,
    route: MatchedPath,
    Path(slug): Path<String>,
) -> Result<Response> {
    user.require(Role::Moderator)?;
    let record = record_of(&route)?;
    let mut conn = state.db.acquire().await?;
    let current = details(&mut conn, record, &slug).await?;
    EditPage::new(
        masthead,
        record,
        slug,
        current.version,
        current.values,
        None,
    )
    .page()
}

async fn edit(
    SignedInPage(state, user, masthead): SignedInPage,
    route: MatchedPath,
    Path(slug): Path<String>,
    CsrfForm(mut form): CsrfForm<HashMap<String, String>>,
) -> Result<Response> {
    let record = record_of(&route)?;
    let edit = DetailsEdit {
        version: version_field(form.get("version").map_or("", String::as_str))?,
        values: record
            .fields()
            .iter()
            .map(|spec| form.remove(spec.name).unwrap_or_default())
            .collect(),
    };
    submit(
        &state.db,
        edit,
        async |tx, edit| super::edit(tx, &user, record, &slug, edit).await,
        |page| page,
        async |edit, status: StatusCode, failure| {
            let mut conn = state.db.acquire().await?;
            let current = details(&mut conn, record, &slug).await?;
            let version = version_after(status, edit.version, current.version);
            EditPage::new(
                masthead,
                record,
                slug.clone(),
                version,
                edit.values,
                Some(failure),
            )
            .page_with(status)
        },
    )
    .await
}
