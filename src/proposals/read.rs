//! Reading proposals: the one place pages and the API find a proposal and its parts.
//! Hidden proposals are found by nobody; the claims around a proposal, the tensions it
//! raises and the sources quoted leave out hidden claims, tensions and sources, and
//! removed links, for everyone.

use sqlx::PgPool;

use super::tree::{ClaimTree, TreeClaim, TreeEdge};
use crate::Result;
use crate::claims::read::item;
use crate::domain::{Leaning, Pole, RelationKind};
use crate::read::{Slice, find_by_slug, side};
use crate::views::{Balance, ClaimItem, Standings};

pub(crate) struct Proposal {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub debate_slug: String,
    pub debate_title: String,
}

/// Finds a visible proposal by slug, with its debate.
pub(crate) async fn find(db: &PgPool, slug: &str) -> Result<Proposal> {
    find_by_slug!(
        db,
        "proposal",
        Proposal,
        r#"select p.id, p.slug as "slug!: String", p.title, p.summary,
                  d.slug as "debate_slug!: String", d.title as debate_title
           from proposals p join debates d on d.id = p.debate_id
           where p.slug = $1::text and p.hidden_at is null"#,
        slug
    )
}

/// Every claim that relates to the proposal, directly or through other claims.
pub(crate) async fn claim_tree(db: &PgPool, proposal_id: i64) -> Result<ClaimTree> {
    let rows = sqlx::query!(
        r#"with recursive tree (claim_id, target_claim_id, kind, depth) as (
               select r.from_claim_id, null::bigint, r.kind, 1
               from relations r where r.to_proposal_id = $1 and r.removed_at is null
               union
               select beneath.from_claim_id, t.claim_id, beneath.kind, t.depth + 1
               from tree t
               -- Two index lookups, not one join on "either": an OR of the two made
               -- PostgreSQL scan every relation for every claim of the tree (4.3 s for one
               -- proposal at 86,000 claims).
               cross join lateral (
                   select r.from_claim_id, r.kind
                   from relations r
                   where r.to_claim_id = t.claim_id and r.removed_at is null
                   union all
                   -- an undercut of the inference on this branch (from the claim to what
                   -- it bears on above it) sits beneath the claim
                   select u.from_claim_id, u.kind
                   from relations i
                   join relations u on u.to_relation_id = i.id and u.removed_at is null
                   where i.from_claim_id = t.claim_id and i.kind = t.kind and i.removed_at is null
                     and (i.to_claim_id = t.target_claim_id
                          or t.target_claim_id is null and i.to_proposal_id = $1)
               ) beneath
               where t.depth < $2
           )
           select distinct t.claim_id as "claim_id!", t.target_claim_id, t.kind as "kind!: RelationKind",
                  c.slug as "slug!: String", c.body, a.name as "actor?"
           from tree t
           join claims c on c.id = t.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id"#,
        proposal_id,
        super::tree::MAX_DEPTH as i32,
    )
    .fetch_all(db)
    .await?;
    let mut tree = ClaimTree::default();
    for row in rows {
        tree.claims
            .entry(row.claim_id)
            .or_insert_with(|| TreeClaim {
                slug: row.slug,
                body: row.body,
                actor: row.actor,
            });
        tree.edges.insert(TreeEdge {
            from: row.claim_id,
            to: row.target_claim_id,
            kind: row.kind,
        });
    }
    // A relation to a hidden claim leaves its supporters dangling: drop those edges.
    let shown: Vec<i64> = tree.claims.keys().copied().collect();
    tree.edges
        .retain(|e| e.to.is_none_or(|to| shown.contains(&to)));
    Ok(tree)
}

/// A tension the proposal raises, with the claims that show it on each side.
pub(crate) struct RaisedTension {
    pub slug: String,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    pub leaning: Leaning,
    pub note: String,
    pub side_a: Vec<ClaimItem>,
    pub side_b: Vec<ClaimItem>,
}

impl RaisedTension {
    pub(crate) fn leaning_phrase(&self) -> String {
        self.leaning.phrase(&self.pole_a, &self.pole_b)
    }

    fn claim_ids(&self) -> impl Iterator<Item = i64> {
        self.side_a.iter().chain(&self.side_b).map(|c| c.id)
    }
}

/// The tensions the proposal raises, by title, each with its claims on either side.
pub(crate) async fn tensions(
    db: &PgPool,
    proposal: i64,
    standings: &Standings,
) -> Result<Vec<RaisedTension>> {
    let evidence = sqlx::query!(
        r#"select t.slug as "slug!: String", t.title, t.pole_a, t.pole_b, pt.leaning as "leaning: Leaning", pt.note,
                  e.pole as "pole?: Pole", c.id as "claim_id?", c.slug as "claim_slug?: String", c.body as "claim_body?",
                  a.name as "actor?"
           from proposal_tensions pt
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           left join tension_evidence e on e.proposal_tension_id = pt.id and e.removed_at is null
           left join claims c on c.id = e.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id
           where pt.proposal_id = $1 and pt.removed_at is null
           order by t.title, c.id"#,
        proposal
    )
    .fetch_all(db)
    .await?;
    let mut tensions: Vec<RaisedTension> = Vec::new();
    for row in evidence {
        if tensions.last().is_none_or(|t| t.slug != row.slug) {
            tensions.push(RaisedTension {
                slug: row.slug.clone(),
                title: row.title,
                pole_a: row.pole_a,
                pole_b: row.pole_b,
                leaning: row.leaning,
                note: row.note,
                side_a: Vec::new(),
                side_b: Vec::new(),
            });
        }
        if let (Some(id), Some(slug), Some(body), Some(pole)) =
            (row.claim_id, row.claim_slug, row.claim_body, row.pole)
        {
            let tension = tensions.last_mut().expect("pushed above");
            side(pole, &mut tension.side_a, &mut tension.side_b)
                .push(item(standings, id, slug, body, row.actor));
        }
    }
    Ok(tensions)
}

/// A visible source quoted by claims around the proposal.
pub(crate) struct QuotedSource {
    pub slug: String,
    pub title: String,
    pub author: Option<String>,
    /// How many of those claims it quotes.
    pub claims: i64,
}

/// The sources quoted by the claims of the tree or of the tensions, most quoted first.
pub(crate) async fn sources(
    db: &PgPool,
    tree: &ClaimTree,
    tensions: &[RaisedTension],
) -> Result<Vec<QuotedSource>> {
    let mut quoted_claims = tree.claim_ids();
    quoted_claims.extend(tensions.iter().flat_map(RaisedTension::claim_ids));
    Ok(sqlx::query_as!(
        QuotedSource,
        r#"select s.slug as "slug!: String", s.title, coalesce(a.name, s.author_name) as author,
                  count(distinct q.claim_id) as "claims!"
           from quotes q
           join segments g on g.id = q.segment_id
           join source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id and s.hidden_at is null
           left join actors a on a.id = s.author_id
           where q.claim_id = any($1) and q.removed_at is null
           group by s.id, a.name
           order by count(distinct q.claim_id) desc, s.title"#,
        &quoted_claims
    )
    .fetch_all(db)
    .await?)
}

/// A proposal as the index and its debate's page list it: its debate, and the visible
/// claims that bear on it directly, for and against.
pub(crate) struct Listed {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub debate_slug: String,
    pub debate_title: String,
    /// The visible claims supporting it directly.
    pub claims_for: Vec<i64>,
    /// The visible claims attacking or undercutting it directly.
    pub claims_against: Vec<i64>,
}

impl Listed {
    /// How the argument about it comes out, in brief.
    pub(crate) fn balance(&self, standings: &Standings) -> Balance {
        Balance::of(&self.claims_for, &self.claims_against, standings)
    }
}

/// The visible proposals of visible debates (of the debate `debate` only, if given): the
/// newest debate first (undated last), and within a debate the proposals most argued
/// over (claims for and against) first, then by title.
pub(crate) async fn list(db: &PgPool, debate: Option<i64>, slice: Slice) -> Result<Vec<Listed>> {
    Ok(sqlx::query_as!(
        Listed,
        // Debates are walked in page order and each proposal's claims counted on its own,
        // so PostgreSQL sorts the few debates a page reaches incrementally and stops at the
        // page's end, instead of counting every proposal's claims first (7,000 proposals
        // at `generate --scale 1000`: 165 ms a page counted whole, 7.5 ms like this).
        r#"select p.id, p.slug as "slug!: String", p.title, p.summary,
                  d.slug as "debate_slug!: String", d.title as debate_title,
                  n.claims_for as "claims_for!", n.claims_against as "claims_against!"
           from (select d.id, d.slug, d.title, d.started_on, d.ended_on from debates d
                 where d.hidden_at is null and ($1::bigint is null or d.id = $1)) d
           cross join lateral (select p.id, p.slug, p.title, p.summary from proposals p
                               where p.debate_id = d.id and p.hidden_at is null) p
           cross join lateral (
               select coalesce(array_agg(c.id) filter (where r.kind = 'supports'), '{}') as claims_for,
                      coalesce(array_agg(c.id) filter (where r.kind <> 'supports'), '{}') as claims_against,
                      count(*) as claims
               from relations r join claims c on c.id = r.from_claim_id and c.hidden_at is null
               where r.to_proposal_id = p.id and r.removed_at is null) n
           order by d.started_on desc nulls last, d.ended_on desc nulls last, d.title, d.slug,
                    n.claims desc, p.title, p.slug
           limit $2 offset $3"#,
        debate,
        slice.limit,
        slice.offset
    )
    .fetch_all(db)
    .await?)
}
