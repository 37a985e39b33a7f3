//! Reading tensions: the one place pages and the API find a tension and its parts. Hidden
//! tensions are found by nobody; the proposals that raise it and the claims on each side
//! leave out hidden proposals, debates and claims, and removed links, for everyone.

use sqlx::PgPool;

use crate::Result;
use crate::claims::read::item;
use crate::domain::{Leaning, Pole};
use crate::read::{find_by_slug, side};
use crate::views::{ClaimItem, Standings};

pub(crate) struct Tension {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    pub description: String,
}

/// Finds a visible tension by slug.
pub(crate) async fn find(db: &PgPool, slug: &str) -> Result<Tension> {
    find_by_slug!(
        db,
        "tension",
        Tension,
        r#"select id, slug as "slug!: String", title, pole_a, pole_b, description
           from tensions where slug = $1::text and hidden_at is null"#,
        slug
    )
}

/// A proposal raising the tension, leaning one way, in a dated (or undated) debate.
pub(crate) struct Raising {
    pub proposal_slug: String,
    pub proposal_title: String,
    pub debate_slug: String,
    pub debate_title: String,
    pub year: Option<i32>,
    pub leaning: Leaning,
    pub note: String,
}

/// The proposals raising the tension in time order: a debate's start (or end) date,
/// undated debates last.
pub(crate) async fn raisings(db: &PgPool, tension: i64) -> Result<Vec<Raising>> {
    Ok(sqlx::query_as!(
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
        tension
    )
    .fetch_all(db)
    .await?)
}

/// A claim on one side, with the proposal it was said about.
pub(crate) struct SideClaim {
    pub claim: ClaimItem,
    pub proposal_slug: String,
    pub proposal_title: String,
}

/// The claims showing each side of the tension (pole A, pole B), by proposal.
pub(crate) async fn sides(
    db: &PgPool,
    tension: i64,
    standings: &Standings,
) -> Result<(Vec<SideClaim>, Vec<SideClaim>)> {
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
        tension
    )
    .fetch_all(db)
    .await?;
    let (mut side_a, mut side_b) = (Vec::new(), Vec::new());
    for row in evidence {
        side(row.pole, &mut side_a, &mut side_b).push(SideClaim {
            claim: item(standings, row.id, row.slug, row.body, row.actor),
            proposal_slug: row.proposal_slug,
            proposal_title: row.proposal_title,
        });
    }
    Ok((side_a, side_b))
}

/// A tension as the home page lists it: how many proposals and debates raise it.
#[derive(Clone)]
pub(crate) struct Listed {
    pub slug: String,
    pub title: String,
    pub proposals: i64,
    pub debates: i64,
}

/// Every visible tension, those most debates and proposals raise first (ranked whole:
/// `Caches::most_raised_tensions` keeps the ranking and serves slices of it).
pub(crate) async fn ranked(db: &PgPool) -> Result<Vec<Listed>> {
    Ok(sqlx::query_as!(
        Listed,
        r#"select t.slug as "slug!: String", t.title,
                  count(distinct pt.proposal_id) as "proposals!",
                  count(distinct p.debate_id) as "debates!"
           from tensions t
           left join proposal_tensions pt on pt.tension_id = t.id and pt.removed_at is null
           left join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           where t.hidden_at is null
           group by t.id
           order by count(distinct p.debate_id) desc, count(distinct pt.proposal_id) desc, t.title, t.slug"#
    )
    .fetch_all(db)
    .await?)
}
