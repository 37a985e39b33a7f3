//! The ways into the map from the header: an index of every visible debate, proposal,
//! tension and source (each in an order its page states), the About page, and the icon.

use std::future::Future;
use std::sync::Arc;

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
use crate::views::{Crumb, Standings};
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
        .route("/debates", get(index::<debates::read::Listed>))
        .route("/proposals", get(index::<proposals::read::Listed>))
        .route("/tensions", get(index::<tensions::read::Listed>))
        .route("/sources", get(index::<sources::read::Listed>))
        .route("/about", get(about))
}

/// What an index page says about what it lists.
struct Heading {
    /// The index's path, and its name in the trail and the title: "/debates", "Debates".
    path: &'static str,
    title: &'static str,
    /// What it lists, and in what order.
    lede: &'static str,
    order: &'static str,
    /// What the page says when there is nothing to list.
    empty: &'static str,
    /// The form adding one, and its link's text, for a signed-in reader.
    add: Option<(&'static str, &'static str)>,
}

/// A kind of object with an index page: how a page of them is read, and what is drawn.
trait Listed: Sized + Send + 'static {
    const HEADING: Heading;

    /// The rows in `slice` of the index's order.
    fn read(state: &AppState, slice: Slice) -> impl Future<Output = Result<Vec<Self>>> + Send;

    /// The page's rows, with whatever else they are drawn with.
    fn rows(state: &AppState, rows: Vec<Self>) -> impl Future<Output = Result<Rows>> + Send;
}

/// The rows of one page of an index, each kind drawn its own way by `index.html`.
enum Rows {
    Debates(Vec<debates::read::Listed>),
    /// With the standings each proposal's balance is told from.
    Proposals(Vec<proposals::read::Listed>, Arc<Standings>),
    Tensions(Vec<tensions::read::Listed>),
    Sources(Vec<sources::read::Listed>),
}

impl Rows {
    fn is_empty(&self) -> bool {
        match self {
            Rows::Debates(rows) => rows.is_empty(),
            Rows::Proposals(rows, _) => rows.is_empty(),
            Rows::Tensions(rows) => rows.is_empty(),
            Rows::Sources(rows) => rows.is_empty(),
        }
    }
}

impl Listed for debates::read::Listed {
    const HEADING: Heading = Heading {
        path: "/debates",
        title: "Debates",
        lede: "Every debate on the map, each with the proposals it weighed.",
        order: "Newest first, by the year the debate began; undated debates come last.",
        empty: "No debates yet.",
        add: None,
    };

    async fn read(state: &AppState, slice: Slice) -> Result<Vec<Self>> {
        debates::read::list(&state.db, slice).await
    }

    async fn rows(_: &AppState, rows: Vec<Self>) -> Result<Rows> {
        Ok(Rows::Debates(rows))
    }
}

impl Listed for proposals::read::Listed {
    const HEADING: Heading = Heading {
        path: "/proposals",
        title: "Proposals",
        lede: "Every reform proposal on the map, with the claims made for and against it.",
        order: "By debate, newest first (undated debates last); within a debate, the proposals most argued over first.",
        empty: "No proposals yet.",
        add: None,
    };

    async fn read(state: &AppState, slice: Slice) -> Result<Vec<Self>> {
        proposals::read::list(&state.db, None, slice).await
    }

    async fn rows(state: &AppState, rows: Vec<Self>) -> Result<Rows> {
        let standings = state.caches.standings(&state.db).await?;
        Ok(Rows::Proposals(rows, standings))
    }
}

impl Listed for tensions::read::Listed {
    const HEADING: Heading = Heading {
        path: "/tensions",
        title: "Tensions",
        lede: "Every trade-off the map's proposals run into, each linking to the proposals that raised it.",
        order: "The most widely raised first: by how many debates raise it, then how many proposals.",
        empty: "No tensions yet.",
        add: None,
    };

    async fn read(state: &AppState, slice: Slice) -> Result<Vec<Self>> {
        state.caches.most_raised_tensions(&state.db, slice).await
    }

    async fn rows(_: &AppState, rows: Vec<Self>) -> Result<Rows> {
        Ok(Rows::Tensions(rows))
    }
}

impl Listed for sources::read::Listed {
    const HEADING: Heading = Heading {
        path: "/sources",
        title: "Sources",
        lede: "Every document the map quotes: each claim links to the exact words it came from in one of these.",
        order: "Newest first, by publication date; undated sources come last.",
        empty: "No sources yet.",
        add: Some(("/sources/new", "Add a source")),
    };

    async fn read(state: &AppState, slice: Slice) -> Result<Vec<Self>> {
        sources::read::list(&state.db, slice).await
    }

    async fn rows(_: &AppState, rows: Vec<Self>) -> Result<Rows> {
        Ok(Rows::Sources(rows))
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    heading: Heading,
    rows: Rows,
    pager: Pager,
}

/// The index of `L`: page `?page=N` of it.
async fn index<L: Listed>(
    State(state): State<AppState>,
    masthead: Masthead,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let heading = L::HEADING;
    let read = async |slice| L::read(&state, slice).await;
    let (rows, pager) = paged(query, heading.path, read).await?;
    IndexPage {
        rows: L::rows(&state, rows).await?,
        pager,
        crumbs: Crumb::step(heading.title, heading.path),
        heading,
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
