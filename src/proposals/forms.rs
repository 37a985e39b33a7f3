//! Forms for adding a proposal to a debate and editing one (through `views::edit`).

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use sqlx::{PgConnection, PgPool};

use super::write::{self, NewProposal, ProposalEdit};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedInPage, User};
use crate::read::find_by_slug;
use crate::views::Crumb;
use crate::views::edit::{self, Edited, Fields};
use crate::views::form::{Failure, Page, submit};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/debates/{slug}/proposals/new",
            get(new_proposal_form).post(create_proposal),
        )
        .merge(edit::router::<ProposalEdit>())
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
        let crumbs = Crumb::step("New proposal", format!("/debates/{debate}/proposals/new"));
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
    SignedInPage(_, _, masthead): SignedInPage,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = NewProposal {
        debate: slug.clone(),
        ..NewProposal::default()
    };
    NewProposalPage::new(masthead, slug, form, None).page()
}

async fn create_proposal(
    SignedInPage(state, user, masthead): SignedInPage,
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

impl Edited for ProposalEdit {
    const NOUN: &'static str = "proposal";
    const PATH: &'static str = "/proposals";
    type Posted = ProposalFields;

    fn fields(&self) -> Fields<'_> {
        Fields::Proposal(self)
    }

    async fn as_it_is(db: &PgPool, slug: &str) -> Result<Self> {
        find_by_slug!(
            db,
            "proposal",
            ProposalEdit,
            "select version, title, summary from proposals where slug = $1::text and hidden_at is null",
            slug
        )
    }

    async fn save(&self, conn: &mut PgConnection, user: &User, slug: &str) -> Result<()> {
        write::edit_proposal(conn, user, slug, self).await
    }

    fn posted(version: i32, posted: ProposalFields) -> Self {
        let ProposalFields { title, summary } = posted;
        ProposalEdit {
            version,
            title,
            summary,
        }
    }
}

/// A proposal's own fields, as its edit form posts them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ProposalFields {
    title: String,
    summary: String,
}
