//! The ways into the map from the header: an index of every visible debate, proposal,
//! tension and source (each in an order its page states), the About page, and the icon.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::auth::Masthead;
use crate::export::Format;
use crate::views::form::Page;
use crate::views::{Balance, Crumb, Standings};
use crate::{AppState, Result, debates, proposals, sources, tensions};

/// An index lists everything visible: no page of it is cut.
const EVERY: i64 = i64::MAX;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/debates", get(debate_index))
        .route("/proposals", get(proposal_index))
        .route("/tensions", get(tension_index))
        .route("/sources", get(source_index))
        .route("/about", get(about))
}

/// The trail to a page one step from home.
fn crumbs(label: &str, href: &str) -> Vec<Crumb> {
    vec![Crumb::home(), Crumb::new(label, href)]
}

#[derive(Template)]
#[template(path = "debates/index.html")]
struct DebateIndex {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    debates: Vec<debates::read::Listed>,
}

async fn debate_index(State(state): State<AppState>, masthead: Masthead) -> Result<Response> {
    DebateIndex {
        debates: debates::read::list(&state.db, EVERY).await?,
        crumbs: crumbs("Debates", "/debates"),
        masthead,
    }
    .page()
}

#[derive(Template)]
#[template(path = "proposals/index.html")]
struct ProposalIndex {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    proposals: Vec<proposals::read::Listed>,
    standings: std::sync::Arc<Standings>,
}

impl ProposalIndex {
    /// How the argument about `proposal` comes out, in brief.
    fn balance(&self, proposal: &proposals::read::Listed) -> Balance {
        proposal.balance(&self.standings)
    }
}

async fn proposal_index(State(state): State<AppState>, masthead: Masthead) -> Result<Response> {
    ProposalIndex {
        proposals: proposals::read::list(&state.db, None, EVERY).await?,
        standings: state.caches.standings(&state.db).await?,
        crumbs: crumbs("Proposals", "/proposals"),
        masthead,
    }
    .page()
}

#[derive(Template)]
#[template(path = "tensions/index.html")]
struct TensionIndex {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    tensions: Vec<tensions::read::Listed>,
}

async fn tension_index(State(state): State<AppState>, masthead: Masthead) -> Result<Response> {
    TensionIndex {
        tensions: tensions::read::list(&state.db, EVERY).await?,
        crumbs: crumbs("Tensions", "/tensions"),
        masthead,
    }
    .page()
}

#[derive(Template)]
#[template(path = "sources/index.html")]
struct SourceIndex {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    sources: Vec<sources::read::Listed>,
}

async fn source_index(State(state): State<AppState>, masthead: Masthead) -> Result<Response> {
    SourceIndex {
        sources: sources::read::list(&state.db, EVERY).await?,
        crumbs: crumbs("Sources", "/sources"),
        masthead,
    }
    .page()
}

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
}

async fn about(masthead: Masthead) -> Result<Response> {
    AboutPage {
        crumbs: crumbs("About", "/about"),
        masthead,
    }
    .page()
}
