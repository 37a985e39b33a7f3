//! A tension's page: its two poles, the proposals that raise it across debates in time
//! order, and the claims on each side; its forms and writes live beside it.

pub(crate) mod forms;
pub(crate) mod read;
pub(crate) mod write;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use self::read::{Raising, SideClaim, Tension};
use crate::domain::Leaning;
use crate::read::Reading;
use crate::views::form::Page;
use crate::views::{ClaimItem, Crumb};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tensions/{slug}", get(show))
        .merge(forms::router())
}

#[derive(Template)]
#[template(path = "tensions/show.html")]
struct TensionPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    tension: Tension,
    raisings: Vec<Raising>,
    side_a: Vec<Grouped>,
    side_b: Vec<Grouped>,
}

/// A claim on one side, once, with every proposal it was said about (as chips).
struct Grouped {
    claim: ClaimItem,
    /// Slug and title of each proposal.
    proposals: Vec<(String, String)>,
}

/// The claims of one side, each once, in the order first met.
fn group(side: Vec<SideClaim>) -> Vec<Grouped> {
    let mut grouped: Vec<Grouped> = Vec::new();
    for item in side {
        let proposal = (item.proposal_slug, item.proposal_title);
        match grouped.iter_mut().find(|g| g.claim.id == item.claim.id) {
            Some(known) => known.proposals.push(proposal),
            None => grouped.push(Grouped {
                claim: item.claim,
                proposals: vec![proposal],
            }),
        }
    }
    grouped
}

impl TensionPage {
    fn leaning_phrase(&self, leaning: &Leaning) -> String {
        leaning.phrase(&self.tension.pole_a, &self.tension.pole_b)
    }
}

async fn show(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let tension = read::find(db, &reading.key).await?;
    let raisings = read::raisings(db, tension.id).await?;
    let standings = reading.state.caches.standings(db).await?;
    let (side_a, side_b) = read::sides(db, tension.id, &standings).await?;
    TensionPage {
        crumbs: Crumb::step(&tension.title, format!("/tensions/{}", tension.slug)),
        masthead: reading.masthead,
        tension,
        raisings,
        side_a: group(side_a),
        side_b: group(side_b),
    }
    .page()
}
