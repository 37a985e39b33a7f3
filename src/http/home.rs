//! The home page.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage;

async fn home() -> Result<Html<String>> {
    Ok(Html(HomePage.render()?))
}
