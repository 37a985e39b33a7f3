//! Forms for adding a tension and editing one.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::write::{self, NewTension, TensionEdit};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedIn};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, version_after, version_field};
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tensions/new", get(new_tension_form).post(create_tension))
        .route(
            "/tensions/{slug}/edit",
            get(edit_tension_form).post(edit_tension),
        )
}

#[derive(Template)]
#[template(path = "tensions/new.html")]
struct NewTensionPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    form: NewTension,
    failure: Option<Failure>,
}

impl NewTensionPage {
    fn new(masthead: Masthead, form: NewTension, failure: Option<Failure>) -> Self {
        let crumbs = vec![Crumb::home(), Crumb::new("New tension", "/tensions/new")];
        Self {
            masthead,
            crumbs,
            form,
            failure,
        }
    }
}

async fn new_tension_form(SignedIn(_): SignedIn, masthead: Masthead) -> Result<Response> {
    NewTensionPage::new(masthead, NewTension::default(), None).page()
}

async fn create_tension(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    CsrfForm(form): CsrfForm<NewTension>,
) -> Result<Response> {
    submit(
        &state.db,
        form,
        async |tx, form| write::create_tension(tx, &user, form).await,
        |created| format!("/tensions/{created}"),
        async |form, status, failure| {
            NewTensionPage::new(masthead, form, Some(failure)).page_with(status)
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "tensions/edit.html")]
struct EditTensionPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    slug: String,
    form: TensionEdit,
    failure: Option<Failure>,
}

impl EditTensionPage {
    fn new(
        masthead: Masthead,
        slug: String,
        title: &str,
        form: TensionEdit,
        failure: Option<Failure>,
    ) -> Self {
        Self {
            masthead,
            crumbs: Crumb::trail(title, &format!("/tensions/{slug}"), "Edit", "edit"),
            slug,
            form,
            failure,
        }
    }
}

async fn tension_as_it_is(state: &AppState, slug: &str) -> Result<TensionEdit> {
    let row = sqlx::query!(
        "select version, title, pole_a, pole_b, description from tensions where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the tension {slug:?}")))?;
    Ok(TensionEdit {
        version: row.version,
        title: row.title,
        pole_a: row.pole_a,
        pole_b: row.pole_b,
        description: row.description,
    })
}

async fn edit_tension_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = tension_as_it_is(&state, &slug).await?;
    let title = form.title.clone();
    EditTensionPage::new(masthead, slug, &title, form, None).page()
}

#[derive(Debug, serde::Deserialize)]
struct TensionEditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    pole_a: String,
    #[serde(default)]
    pole_b: String,
    #[serde(default)]
    description: String,
}

async fn edit_tension(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<TensionEditForm>,
) -> Result<Response> {
    let edit = TensionEdit {
        version: version_field(&form.version)?,
        title: form.title,
        pole_a: form.pole_a,
        pole_b: form.pole_b,
        description: form.description,
    };
    submit(
        &state.db,
        edit,
        async |tx, edit| write::edit_tension(tx, &user, &slug, edit).await,
        |_| format!("/tensions/{slug}"),
        async |edit, status, failure| {
            let current = tension_as_it_is(&state, &slug).await?;
            let version = version_after(status, edit.version, current.version);
            let form = TensionEdit { version, ..edit };
            EditTensionPage::new(masthead, slug.clone(), &current.title, form, Some(failure))
                .page_with(status)
        },
    )
    .await
}
