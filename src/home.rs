//! The home page: the debates, a search box, the map's figures, its tensions and sources.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::read::Slice;
use crate::stats::Stats;
use crate::views::form::Page;
use crate::{AppState, Result, debates, sources, tensions};

/// The most of each list the home page shows; the figures say how many there are.
const LISTED: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    masthead: crate::auth::Masthead,
    stats: Stats,
    debates: Vec<debates::read::Listed>,
    tensions: Vec<tensions::read::Listed>,
    sources: Vec<sources::read::Listed>,
}

async fn home(State(state): State<AppState>, masthead: crate::auth::Masthead) -> Result<Response> {
    let db = &state.db;
    HomePage {
        debates: debates::read::list(db, Slice::first(LISTED)).await?,
        tensions: state
            .caches
            .most_raised_tensions(db, Slice::first(LISTED))
            .await?,
        sources: sources::read::list(db, Slice::first(LISTED)).await?,
        stats: state.caches.stats(db).await?,
        masthead,
    }
    .page()
}
