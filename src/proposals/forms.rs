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
