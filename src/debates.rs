//! A debate's page: its proposals, and which proposal raises which tension, leaning where.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use crate::domain::Leaning;
use crate::export::Format;
use crate::views::Crumb;
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/debates/{slug}", get(show))
}

struct Debate {
    id: i64,
    slug: String,
    title: String,
    summary: String,
    started_on: Option<time::Date>,
    ended_on: Option<time::Date>,
}

pub struct ProposalRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub claims_for: i64,
    pub claims_against: i64,
}

/// A tension that some proposal of the debate raises: a column of the matrix.
pub struct TensionColumn {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
}

/// One cell: how a proposal raises a tension.
pub struct Cell {
    pub leaning: Leaning,
    pub pole: String,
    pub evidence: i64,
    pub href: String,
}

impl Cell {
    pub fn symbol(&self) -> &'static str {
        self.leaning.symbol()
    }
}

struct SourceRow {
    slug: String,
    title: String,
    author: Option<String>,
}

#[derive(Template)]
#[template(path = "debates/show.html")]
struct DebatePage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    debate: Debate,
    proposals: Vec<ProposalRow>,
    tensions: Vec<TensionColumn>,
    /// `cells[proposal id][tension id]`.
    cells: BTreeMap<i64, BTreeMap<i64, Cell>>,
    sources: Vec<SourceRow>,
}

impl DebatePage {
    fn cell(&self, proposal: &i64, tension: &i64) -> Option<&Cell> {
        self.cells.get(proposal).and_then(|row| row.get(tension))
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

async fn show(
    State(state): State<AppState>,
    masthead: crate::auth::Masthead,
    Path(slug): Path<String>,
) -> Result<Html<String>> {
    let db = &state.db;
    let debate = sqlx::query_as!(
        Debate,
        r#"select id, slug as "slug!: String", title, summary, started_on, ended_on
           from debates where slug = $1::text and hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the debate {slug:?}")))?;

    let proposals = sqlx::query_as!(
        ProposalRow,
        r#"select p.id, p.slug as "slug!: String", p.title, p.summary,
                  count(r.id) filter (where r.kind = 'supports') as "claims_for!",
                  count(r.id) filter (where r.kind <> 'supports') as "claims_against!"
           from proposals p
           left join relations r on r.to_proposal_id = p.id and r.removed_at is null
           where p.debate_id = $1 and p.hidden_at is null
           group by p.id
           order by p.title"#,
        debate.id
    )
    .fetch_all(db)
    .await?;

    let links = sqlx::query!(
        r#"select pt.proposal_id, p.slug as "proposal_slug!: String", t.id as tension_id, t.slug as "tension_slug!: String",
                  t.title, t.pole_a, t.pole_b, pt.leaning as "leaning: Leaning",
                  (select count(*) from tension_evidence e where e.proposal_tension_id = pt.id and e.removed_at is null) as "evidence!"
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           where p.debate_id = $1 and pt.removed_at is null
           order by t.title"#,
        debate.id
    )
    .fetch_all(db)
    .await?;

    let mut tensions: Vec<TensionColumn> = Vec::new();
    let mut raised_by: BTreeMap<i64, usize> = BTreeMap::new();
    let mut cells: BTreeMap<i64, BTreeMap<i64, Cell>> = BTreeMap::new();
    for link in links {
        *raised_by.entry(link.tension_id).or_default() += 1;
        if !tensions.iter().any(|t| t.id == link.tension_id) {
            tensions.push(TensionColumn {
                id: link.tension_id,
                slug: link.tension_slug.clone(),
                title: link.title,
                pole_a: link.pole_a.clone(),
                pole_b: link.pole_b.clone(),
            });
        }
        let pole = match link.leaning.pole() {
            Some(pole) => pole.name(&link.pole_a, &link.pole_b).to_owned(),
            None => "balanced".to_owned(),
        };
        let href = format!(
            "/proposals/{}#tension-{}",
            link.proposal_slug, link.tension_slug
        );
        cells.entry(link.proposal_id).or_default().insert(
            link.tension_id,
            Cell {
                leaning: link.leaning,
                pole,
                evidence: link.evidence,
                href,
            },
        );
    }
    // The tensions most of the debate's proposals raise come first.
    tensions.sort_by_key(|t| std::cmp::Reverse(raised_by[&t.id]));

    let sources = sqlx::query_as!(
        SourceRow,
        r#"select s.slug as "slug!: String", s.title, coalesce(a.name, s.author_name) as author
           from debate_sources ds
           join sources s on s.id = ds.source_id and s.hidden_at is null
           left join actors a on a.id = s.author_id
           where ds.debate_id = $1
           order by s.title"#,
        debate.id
    )
    .fetch_all(db)
    .await?;

    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&debate.title, format!("/debates/{}", debate.slug)),
    ];
    Ok(Html(
        DebatePage {
            masthead,
            crumbs,
            debate,
            proposals,
            tensions,
            cells,
            sources,
        }
        .render()?,
    ))
}
