//! Reading debates: the one place pages and the API find a debate and its parts. Hidden
//! debates are found by nobody; its proposals, the tensions they raise and its sources
//! leave out hidden ones, and removed links, for everyone.

use std::collections::BTreeMap;

use sqlx::PgPool;

use crate::Result;
use crate::domain::Leaning;
use crate::read::{Slice, find_by_slug};

pub(crate) struct Debate {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub started_on: Option<time::Date>,
    pub ended_on: Option<time::Date>,
}

/// Finds a visible debate by slug.
pub(crate) async fn find(db: &PgPool, slug: &str) -> Result<Debate> {
    find_by_slug!(
        db,
        "debate",
        Debate,
        r#"select id, slug as "slug!: String", title, summary, started_on, ended_on
           from debates where slug = $1::text and hidden_at is null"#,
        slug
    )
}

/// A tension that some proposal of the debate raises: a column of the matrix.
pub(crate) struct TensionColumn {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
}

/// One cell: how a proposal raises a tension.
pub(crate) struct Cell {
    pub leaning: Leaning,
    pub pole: String,
    pub evidence: i64,
    pub href: String,
}

impl Cell {
    pub(crate) fn symbol(&self) -> &'static str {
        self.leaning.symbol()
    }
}

/// Which proposal raises which tension: the columns (the tensions most of the debate's
/// proposals raise first) and `cells[proposal id][tension id]`.
pub(crate) struct Matrix {
    pub tensions: Vec<TensionColumn>,
    pub cells: BTreeMap<i64, BTreeMap<i64, Cell>>,
}

/// The tensions the debate's proposals raise, leaning where, with how much evidence.
pub(crate) async fn matrix(db: &PgPool, debate: i64) -> Result<Matrix> {
    let links = sqlx::query!(
        r#"select pt.proposal_id, p.slug as "proposal_slug!: String", t.id as tension_id, t.slug as "tension_slug!: String",
                  t.title, t.pole_a, t.pole_b, pt.leaning as "leaning: Leaning",
                  (select count(*) from tension_evidence e where e.proposal_tension_id = pt.id and e.removed_at is null) as "evidence!"
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           where p.debate_id = $1 and pt.removed_at is null
           order by t.title"#,
        debate
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
    tensions.sort_by_key(|t| std::cmp::Reverse(raised_by[&t.id]));
    Ok(Matrix { tensions, cells })
}

/// A visible source of the debate.
pub(crate) struct SourceRow {
    pub slug: String,
    pub title: String,
    pub author: Option<String>,
}

/// The debate's visible sources, by title.
pub(crate) async fn sources(db: &PgPool, debate: i64) -> Result<Vec<SourceRow>> {
    Ok(sqlx::query_as!(
        SourceRow,
        r#"select s.slug as "slug!: String", s.title, coalesce(a.name, s.author_name) as author
           from debate_sources ds
           join sources s on s.id = ds.source_id and s.hidden_at is null
           left join actors a on a.id = s.author_id
           where ds.debate_id = $1
           order by s.title"#,
        debate
    )
    .fetch_all(db)
    .await?)
}

/// A debate as the home page lists it.
pub(crate) struct Listed {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Its years (`2019–2022`), if dated.
    pub period: Option<String>,
    pub proposals: i64,
}

/// The latest visible debates, newest first, with how many visible proposals each has.
pub(crate) async fn list(db: &PgPool, slice: Slice) -> Result<Vec<Listed>> {
    Ok(sqlx::query_as!(
        Listed,
        r#"select d.slug as "slug!: String", d.title, d.summary,
                  case when d.started_on is null and d.ended_on is null then null
                       else concat_ws('–', extract(year from d.started_on)::text, extract(year from d.ended_on)::text)
                  end as period,
                  (select count(*) from proposals p where p.debate_id = d.id and p.hidden_at is null) as "proposals!"
           from debates d
           where d.hidden_at is null
           order by d.started_on desc nulls last, d.ended_on desc nulls last, d.title, d.slug
           limit $1 offset $2"#,
        slice.limit,
        slice.offset
    )
    .fetch_all(db)
    .await?)
}
