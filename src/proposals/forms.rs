//! Forms for adding a proposal to a debate and editing one.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::write::{self, NewProposal, ProposalEdit};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedIn};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, version_field, why_not_saved};
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
    let mut tx = state.db.begin().await?;
    match why_not_saved(write::create_proposal(&mut tx, &user, &form).await)? {
        Ok(created) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/proposals/{created}")).into_response())
        }
        Err((status, failure)) => {
            NewProposalPage::new(masthead, slug, form, Some(failure)).page_with(status)
        }
    }
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
        let crumbs = vec![
            Crumb::home(),
            Crumb::new(title, format!("/proposals/{slug}")),
            Crumb::new("Edit", format!("/proposals/{slug}/edit")),
        ];
        Self {
            masthead,
            crumbs,
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
    let mut tx = state.db.begin().await?;
    let outcome = write::edit_proposal(&mut tx, &user, &slug, &edit).await;
    let Err((status, failure)) = why_not_saved(outcome)? else {
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/proposals/{slug}")).into_response());
    };
    drop(tx);
    // After a conflict the form carries the current version and keeps what was typed.
    let current = proposal_as_it_is(&state, &slug).await?;
    let version = if status == StatusCode::CONFLICT {
        current.version
    } else {
        edit.version
    };
    let form = ProposalEdit { version, ..edit };
    EditProposalPage::new(masthead, slug, &current.title, form, Some(failure)).page_with(status)
}
