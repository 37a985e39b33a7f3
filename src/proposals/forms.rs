//! Forms for adding a proposal to a debate and editing one.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::write::{self, NewProposal, ProposalEdit};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedIn};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, version_after, version_field};
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/debates/{slug}/proposals/new",
            get(new_proposal_form).post(create_proposal),
        )
        .route(
            "/proposals/{slug}/edit",
            get(edit_proposal_form).post(edit_proposal),
        )
}

#[derive(Template)]
#[template(path = "proposals/new.html")]
struct NewProposalPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    debate: String,
    form: NewProposal,
    failure: Option<Failure>,
}

impl NewProposalPage {
    fn new(
        masthead: Masthead,
        debate: String,
        form: NewProposal,
        failure: Option<Failure>,
    ) -> Self {
        let crumbs = vec![
            Crumb::home(),
            Crumb::new("New proposal", format!("/debates/{debate}/proposals/new")),
        ];
        Self {
            masthead,
            crumbs,
            debate,
            form,
            failure,
        }
    }
}

async fn new_proposal_form(
    SignedIn(_): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = NewProposal {
        debate: slug.clone(),
        ..NewProposal::default()
    };
    NewProposalPage::new(masthead, slug, form, None).page()
}

async fn create_proposal(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
    CsrfForm(mut form): CsrfForm<NewProposal>,
) -> Result<Response> {
    form.debate = slug.clone();
    submit(
        &state.db,
        form,
        async |tx, form| write::create_proposal(tx, &user, form).await,
        |created| format!("/proposals/{created}"),
        async |form, status, failure| {
            NewProposalPage::new(masthead, slug, form, Some(failure)).page_with(status)
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "proposals/edit.html")]
struct EditProposalPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    slug: String,
    form: ProposalEdit,
    failure: Option<Failure>,
}

impl EditProposalPage {
    fn new(
        masthead: Masthead,
        slug: String,
        title: &str,
        form: ProposalEdit,
        failure: Option<Failure>,
    ) -> Self {
        Self {
            masthead,
            crumbs: Crumb::trail(title, &format!("/proposals/{slug}"), "Edit", "edit"),
            slug,
            form,
            failure,
        }
    }
}

async fn proposal_as_it_is(state: &AppState, slug: &str) -> Result<ProposalEdit> {
    let row = sqlx::query!(
        "select version, title, summary from proposals where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the proposal {slug:?}")))?;
    Ok(ProposalEdit {
        version: row.version,
        title: row.title,
        summary: row.summary,
    })
}

async fn edit_proposal_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = proposal_as_it_is(&state, &slug).await?;
    let title = form.title.clone();
    EditProposalPage::new(masthead, slug, &title, form, None).page()
}

#[derive(Debug, serde::Deserialize)]
struct ProposalEditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
}

async fn edit_proposal(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    masthead: Masthead,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ProposalEditForm>,
) -> Result<Response> {
    let edit = ProposalEdit {
        version: version_field(&form.version)?,
        title: form.title,
        summary: form.summary,
    };
    submit(
        &state.db,
        edit,
        async |tx, edit| write::edit_proposal(tx, &user, &slug, edit).await,
        |_| format!("/proposals/{slug}"),
        async |edit, status, failure| {
            let current = proposal_as_it_is(&state, &slug).await?;
            let version = version_after(status, edit.version, current.version);
            let form = ProposalEdit { version, ..edit };
            EditProposalPage::new(masthead, slug.clone(), &current.title, form, Some(failure))
                .page_with(status)
        },
    )
    .await
}
