//! A debate's page: its proposals, and which proposal raises which tension, leaning where.

pub(crate) mod read;

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use self::read::{Cell, Debate, Matrix, SourceRow, TensionColumn};
use crate::export::Format;
use crate::proposals::read::Listed;
use crate::read::{Reading, Slice};
use crate::views::form::Page;
use crate::views::{Balance, Crumb, Standings};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/debates/{slug}", get(show))
}

#[derive(Template)]
#[template(path = "debates/show.html")]
struct DebatePage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    debate: Debate,
    proposals: Vec<Listed>,
    tensions: Vec<TensionColumn>,
    /// `cells[proposal id][tension id]`.
    cells: BTreeMap<i64, BTreeMap<i64, Cell>>,
    sources: Vec<SourceRow>,
    standings: Arc<Standings>,
}

impl DebatePage {
    fn cell(&self, proposal: &i64, tension: &i64) -> Option<&Cell> {
        self.cells.get(proposal).and_then(|row| row.get(tension))
    }

    /// How the argument about `proposal` comes out, in brief.
    fn balance(&self, proposal: &Listed) -> Balance {
        proposal.balance(&self.standings)
    }

    /// A tension's title as a column head: what comes before a colon ("Competing
    /// geographies" of "Competing geographies: council boundaries vs hospital
    /// catchments"), the whole title otherwise.
    fn short_head<'a>(&self, title: &'a str) -> &'a str {
        title.split_once(':').map_or(title, |(head, _)| head.trim())
    }

    fn period(&self) -> Option<String> {
        match (self.debate.started_on, self.debate.ended_on) {
            (Some(start), Some(end)) => Some(format!("{} to {}", long_date(start), long_date(end))),
            (Some(start), None) => Some(format!("from {}", long_date(start))),
            (None, Some(end)) => Some(format!("until {}", long_date(end))),
            (None, None) => None,
        }
    }
}

pub fn long_date(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

async fn show(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let debate = read::find(db, &reading.key).await?;
    let proposals = crate::proposals::read::list(db, Some(debate.id), Slice::ALL).await?;
    let Matrix { tensions, cells } = read::matrix(db, debate.id).await?;
    let sources = read::sources(db, debate.id).await?;
    let standings = reading.state.caches.standings(db).await?;
    DebatePage {
        crumbs: Crumb::step(&debate.title, format!("/debates/{}", debate.slug)),
        masthead: reading.masthead,
        debate,
        proposals,
        tensions,
        cells,
        sources,
        standings,
    }
    .page()
}
