//! Forms for adding a proposal to a debate and a new tension.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use super::write::{self, NewProposal, NewTension};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Chrome, SignedIn};
use crate::claims::forms::Failure;
use crate::views::Crumb;
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/debates/{slug}/proposals/new",
            get(new_proposal_form).post(create_proposal),
        )
        .route("/tensions/new", get(new_tension_form).post(create_tension))
}

#[derive(Template)]
#[template(path = "proposals/new.html")]
struct NewProposalPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    debate: String,
    form: NewProposal,
    failure: Option<Failure>,
}

async fn new_proposal_form(
    SignedIn(_): SignedIn,
    chrome: Chrome,
    Path(slug): Path<String>,
) -> Result<Response> {
    let page = NewProposalPage {
        chrome,
        crumbs: vec![
            Crumb::home(),
            Crumb::new("New proposal", format!("/debates/{slug}/proposals/new")),
        ],
        form: NewProposal {
            debate: slug.clone(),
            ..NewProposal::default()
        },
        debate: slug,
        failure: None,
    };
    Ok(Html(page.render()?).into_response())
}

async fn create_proposal(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
    Path(slug): Path<String>,
    CsrfForm(mut form): CsrfForm<NewProposal>,
) -> Result<Response> {
    form.debate = slug.clone();
    let mut tx = state.db.begin().await?;
    match write::create_proposal(&mut tx, &user, &form).await {
        Ok(created) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/proposals/{created}")).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            let crumbs = vec![
                Crumb::home(),
                Crumb::new("New proposal", format!("/debates/{slug}/proposals/new")),
            ];
            let page = NewProposalPage {
                chrome,
                crumbs,
                debate: slug,
                form,
                failure: Some(Failure { field, message }),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(Template)]
#[template(path = "tensions/new.html")]
struct NewTensionPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    form: NewTension,
    failure: Option<Failure>,
}

async fn new_tension_form(SignedIn(_): SignedIn, chrome: Chrome) -> Result<Response> {
    let crumbs = vec![Crumb::home(), Crumb::new("New tension", "/tensions/new")];
    Ok(Html(
        NewTensionPage {
            chrome,
            crumbs,
            form: NewTension::default(),
            failure: None,
        }
        .render()?,
    )
    .into_response())
}

async fn create_tension(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
    CsrfForm(form): CsrfForm<NewTension>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    match write::create_tension(&mut tx, &user, &form).await {
        Ok(created) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/tensions/{created}")).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            let crumbs = vec![Crumb::home(), Crumb::new("New tension", "/tensions/new")];
            let page = NewTensionPage {
                chrome,
                crumbs,
                form,
                failure: Some(Failure { field, message }),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(err) => Err(err),
    }
}

/// Why an edit was not saved, for the form shown again: a stale version (409) or a bad
/// field (422); None when it was saved.
fn why_not_saved(outcome: Result<()>) -> Result<Option<(StatusCode, Failure)>> {
    match outcome {
        Ok(()) => Ok(None),
        Err(Error::Conflict { message, .. }) => Ok(Some((
            StatusCode::CONFLICT,
            Failure {
                field: "version".into(),
                message,
            },
        ))),
        Err(Error::Invalid { field, message }) => Ok(Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            Failure { field, message },
        ))),
        Err(err) => Err(err),
    }
}

pub fn edit_router() -> Router<AppState> {
    Router::new()
        .route(
            "/proposals/{slug}/edit",
            get(edit_proposal_form).post(edit_proposal),
        )
        .route(
            "/tensions/{slug}/edit",
            get(edit_tension_form).post(edit_tension),
        )
}

#[derive(Template)]
#[template(path = "proposals/edit.html")]
struct EditProposalPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    slug: String,
    form: write::ProposalEdit,
    failure: Option<Failure>,
}

async fn proposal_as_it_is(state: &AppState, slug: &str) -> Result<write::ProposalEdit> {
    let row = sqlx::query!(
        "select version, title, summary from proposals where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the proposal {slug:?}")))?;
    Ok(write::ProposalEdit {
        version: row.version,
        title: row.title,
        summary: row.summary,
    })
}

async fn edit_proposal_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    chrome: Chrome,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = proposal_as_it_is(&state, &slug).await?;
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&form.title, format!("/proposals/{slug}")),
        Crumb::new("Edit", format!("/proposals/{slug}/edit")),
    ];
    Ok(Html(
        EditProposalPage {
            chrome,
            crumbs,
            slug,
            form,
            failure: None,
        }
        .render()?,
    )
    .into_response())
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
    chrome: Chrome,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ProposalEditForm>,
) -> Result<Response> {
    let version = form
        .version
        .parse()
        .map_err(|_| Error::invalid("version", "the form lost track of the version: reload it"))?;
    let edit = write::ProposalEdit {
        version,
        title: form.title,
        summary: form.summary,
    };
    let mut tx = state.db.begin().await?;
    let outcome = write::edit_proposal(&mut tx, &user, &slug, &edit).await;
    let Some((status, failure)) = why_not_saved(outcome)? else {
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
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&current.title, format!("/proposals/{slug}")),
        Crumb::new("Edit", format!("/proposals/{slug}/edit")),
    ];
    let page = EditProposalPage {
        chrome,
        crumbs,
        slug,
        form: write::ProposalEdit { version, ..edit },
        failure: Some(failure),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "tensions/edit.html")]
struct EditTensionPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    slug: String,
    form: write::TensionEdit,
    failure: Option<Failure>,
}

async fn tension_as_it_is(state: &AppState, slug: &str) -> Result<write::TensionEdit> {
    let row = sqlx::query!(
        "select version, title, pole_a, pole_b, description from tensions where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the tension {slug:?}")))?;
    Ok(write::TensionEdit {
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
    chrome: Chrome,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = tension_as_it_is(&state, &slug).await?;
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&form.title, format!("/tensions/{slug}")),
        Crumb::new("Edit", format!("/tensions/{slug}/edit")),
    ];
    Ok(Html(
        EditTensionPage {
            chrome,
            crumbs,
            slug,
            form,
            failure: None,
        }
        .render()?,
    )
    .into_response())
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
    chrome: Chrome,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<TensionEditForm>,
) -> Result<Response> {
    let version = form
        .version
        .parse()
        .map_err(|_| Error::invalid("version", "the form lost track of the version: reload it"))?;
    let edit = write::TensionEdit {
        version,
        title: form.title,
        pole_a: form.pole_a,
        pole_b: form.pole_b,
        description: form.description,
    };
    let mut tx = state.db.begin().await?;
    let outcome = write::edit_tension(&mut tx, &user, &slug, &edit).await;
    let Some((status, failure)) = why_not_saved(outcome)? else {
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/tensions/{slug}")).into_response());
    };
    drop(tx);
    let current = tension_as_it_is(&state, &slug).await?;
    let version = if status == StatusCode::CONFLICT {
        current.version
    } else {
        edit.version
    };
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&current.title, format!("/tensions/{slug}")),
        Crumb::new("Edit", format!("/tensions/{slug}/edit")),
    ];
    let page = EditTensionPage {
        chrome,
        crumbs,
        slug,
        form: write::TensionEdit { version, ..edit },
        failure: Some(failure),
    };
    Ok((status, Html(page.render()?)).into_response())
}
