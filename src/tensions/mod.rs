//! A tension's page: its two poles, the proposals that raise it across debates in time
//! order, and the claims on each side; its forms and writes live beside it.

pub(crate) mod forms;
pub(crate) mod write;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use crate::domain::{Leaning, Pole};
use crate::views::{ClaimItem, Crumb};
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tensions/{slug}", get(show))
        .merge(forms::router())
}

struct Tension {
    id: i64,
    slug: String,
    title: String,
    pole_a: String,
    pole_b: String,
    description: String,
}

struct Raising {
    proposal_slug: String,
    proposal_title: String,
    debate_slug: String,
    debate_title: String,
    year: Option<i32>,
    leaning: Leaning,
    note: String,
}

/// A claim on one side, with the proposal it was said about.
struct SideClaim {
    claim: ClaimItem,
    proposal_slug: String,
    proposal_title: String,
}

#[derive(Template)]
#[template(path = "tensions/show.html")]
struct TensionPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    tension: Tension,
    raisings: Vec<Raising>,
    side_a: Vec<SideClaim>,
    side_b: Vec<SideClaim>,
}

impl TensionPage {
    fn leaning_phrase(&self, leaning: &Leaning) -> String {
        leaning.phrase(&self.tension.pole_a, &self.tension.pole_b)
    }
}

async fn show(
    State(state): State<AppState>,
    masthead: crate::auth::Masthead,
    Path(slug): Path<String>,
) -> Result<Html<String>> {
    let db = &state.db;
    let tension = sqlx::query_as!(
        Tension,
        r#"select id, slug as "slug!: String", title, pole_a, pole_b, description
           from tensions where slug = $1::text and hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the tension {slug:?}")))?;

    // In time order: a debate's start (or end) date, undated debates last.
    let raisings = sqlx::query_as!(
        Raising,
        r#"select p.slug as "proposal_slug!: String", p.title as proposal_title,
                  d.slug as "debate_slug!: String", d.title as debate_title,
                  extract(year from coalesce(d.started_on, d.ended_on))::int as year,
                  pt.leaning as "leaning: Leaning", pt.note
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join debates d on d.id = p.debate_id and d.hidden_at is null
           where pt.tension_id = $1 and pt.removed_at is null
           order by coalesce(d.started_on, d.ended_on) nulls last, d.title, p.title"#,
        tension.id
    )
    .fetch_all(db)
    .await?;

    let standings = state.caches.standings(db).await?;
    let evidence = sqlx::query!(
        r#"select e.pole as "pole: Pole", c.id, c.slug as "slug!: String", c.body, a.name as "actor?",
                  p.slug as "proposal_slug!: String", p.title as proposal_title
           from tension_evidence e
           join proposal_tensions pt on pt.id = e.proposal_tension_id and pt.removed_at is null
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join claims c on c.id = e.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id
           where pt.tension_id = $1 and e.removed_at is null
           order by p.title, c.id"#,
        tension.id
    )
    .fetch_all(db)
    .await?;
    let (mut side_a, mut side_b) = (Vec::new(), Vec::new());
    for row in evidence {
        let claim = ClaimItem {
            id: row.id,
            slug: row.slug,
            body: row.body,
            actor: row.actor,
            standing: standings.label(row.id),
        };
        let item = SideClaim {
            claim,
            proposal_slug: row.proposal_slug,
            proposal_title: row.proposal_title,
        };
        if row.pole == Pole::A {
            side_a.push(item)
        } else {
            side_b.push(item)
        }
    }

    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&tension.title, format!("/tensions/{}", tension.slug)),
    ];
    Ok(Html(
        TensionPage {
            masthead,
            crumbs,
            tension,
            raisings,
            side_a,
            side_b,
        }
        .render()?,
    ))
}
