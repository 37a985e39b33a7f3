//! The ways into the map from the header: an index of every visible debate, proposal,
//! tension and source (each in an order its page states), the About page, and the icon.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use serde::Deserialize;

use crate::auth::Masthead;
use crate::export::Format;
use crate::read::Slice;
use crate::views::form::Page;
use crate::views::{Balance, Crumb, Standings};
use crate::{AppState, Error, Result, debates, proposals, sources, tensions};

/// How many an index page lists; the next page goes on from there.
pub(crate) const PER_PAGE: i64 = 100;

/// `?page=N` (from 1) of an index.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default = "first_page")]
    page: u32,
}

fn first_page() -> u32 {
    1
}

/// Where in an index a page is, and whether there is more after it.
pub(crate) struct Pager {
    pub page: u32,
    pub more: bool,
    /// The index's path, for the links to the pages before and after.
    pub path: &'static str,
}

/// Reads page `query.page` of an index through `read` (which is asked for one row more
/// than a page, to learn whether a next page exists). A page past the end is a 404
/// naming it, page 0 a 422; the first page of an empty index is just empty.
pub(crate) async fn paged<T>(
    query: PageQuery,
    path: &'static str,
    read: impl AsyncFnOnce(Slice) -> Result<Vec<T>>,
) -> Result<(Vec<T>, Pager)> {
    if query.page == 0 {
        return Err(Error::invalid("page", "pages are numbered from 1"));
    }
    let offset = i64::from(query.page - 1) * PER_PAGE;
    let mut rows = read(Slice {
        limit: PER_PAGE + 1,
        offset,
    })
    .await?;
    if rows.is_empty() && query.page > 1 {
        let what = path.rsplit('/').next().unwrap_or(path);
        return Err(Error::NotFound(format!(
            "page {} of the {what}",
            query.page
        )));
    }
    let more = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let pager = Pager {
        page: query.page,
        more,
        path,
    };
    Ok((rows, pager))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/debates", get(debate_index))
        .route("/proposals", get(proposal_index))
        .route("/tensions", get(tension_index))
        .route("/sources", get(source_index))
        .route("/about", get(about))
}

#[derive(Template)]
#[template(path = "debates/index.html")]
struct DebateIndex {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    debates: Vec<debates::read::Listed>,
    pager: Pager,
}

async fn debate_index(
    State(state): State<AppState>,
    masthead: Masthead,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let read = async |slice| debates::read::list(&state.db, slice).await;
    let (debates, pager) = paged(query, "/debates", read).await?;
    DebateIndex {
        debates,
        pager,
        crumbs: Crumb::step("Debates", "/debates"),
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
    pager: Pager,
    standings: std::sync::Arc<Standings>,
}

impl ProposalIndex {
    /// How the argument about `proposal` comes out, in brief.
    fn balance(&self, proposal: &proposals::read::Listed) -> Balance {
        proposal.balance(&self.standings)
    }
}

async fn proposal_index(
    State(state): State<AppState>,
    masthead: Masthead,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let read = async |slice| proposals::read::list(&state.db, None, slice).await;
    let (proposals, pager) = paged(query, "/proposals", read).await?;
    ProposalIndex {
        proposals,
        pager,
        standings: state.caches.standings(&state.db).await?,
        crumbs: Crumb::step("Proposals", "/proposals"),
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
    pager: Pager,
}

async fn tension_index(
    State(state): State<AppState>,
    masthead: Masthead,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let read = async |slice| state.caches.most_raised_tensions(&state.db, slice).await;
    let (tensions, pager) = paged(query, "/tensions", read).await?;
    TensionIndex {
        tensions,
        pager,
        crumbs: Crumb::step("Tensions", "/tensions"),
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
    pager: Pager,
}

async fn source_index(
    State(state): State<AppState>,
    masthead: Masthead,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let read = async |slice| sources::read::list(&state.db, slice).await;
    let (sources, pager) = paged(query, "/sources", read).await?;
    SourceIndex {
        sources,
        pager,
        crumbs: Crumb::step("Sources", "/sources"),
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
        crumbs: Crumb::step("About", "/about"),
        masthead,
    }
    .page()
}
