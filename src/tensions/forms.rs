//! Forms for adding a tension and editing one (through `views::edit`).

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use sqlx::{PgConnection, PgPool};

use super::write::{self, NewTension, TensionEdit};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedInPage, User};
use crate::read::find_by_slug;
use crate::views::Crumb;
use crate::views::edit::{self, Edited, Fields};
use crate::views::form::{Failure, Page, submit};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tensions/new", get(new_tension_form).post(create_tension))
        .merge(edit::router::<TensionEdit>())
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
        let crumbs = Crumb::step("New tension", "/tensions/new");
        Self {
            masthead,
            crumbs,
            form,
            failure,
        }
    }
}

async fn new_tension_form(SignedInPage(_, _, masthead): SignedInPage) -> Result<Response> {
    NewTensionPage::new(masthead, NewTension::default(), None).page()
}

async fn create_tension(
    SignedInPage(state, user, masthead): SignedInPage,
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

impl Edited for TensionEdit {
    const NOUN: &'static str = "tension";
    const PATH: &'static str = "/tensions";
    type Posted = TensionFields;

    fn fields(&self) -> Fields<'_> {
        Fields::Tension(self)
    }

    async fn as_it_is(db: &PgPool, slug: &str) -> Result<Self> {
        find_by_slug!(
            db,
            "tension",
            TensionEdit,
            "select version, title, pole_a, pole_b, description from tensions where slug = $1::text and hidden_at is null",
            slug
        )
    }

    async fn save(&self, conn: &mut PgConnection, user: &User, slug: &str) -> Result<()> {
        write::edit_tension(conn, user, slug, self).await
    }

    fn posted(version: i32, posted: TensionFields) -> Self {
        let TensionFields {
            title,
            pole_a,
            pole_b,
            description,
        } = posted;
        TensionEdit {
            version,
            title,
            pole_a,
            pole_b,
            description,
        }
    }
}

/// A tension's own fields, as its edit form posts them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct TensionFields {
    title: String,
    pole_a: String,
    pole_b: String,
    description: String,
}
