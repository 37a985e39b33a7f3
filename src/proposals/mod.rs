//! A proposal's page: what it is, the tensions it raises with the claims behind each, the
//! claims for and against it as a tree with their standing, its map, and its sources.

pub(crate) mod forms;
pub(crate) mod tree;
pub(crate) mod write;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use sqlx::PgPool;

use self::tree::{ClaimTree, TreeClaim, TreeEdge, TreeEvent};
use crate::domain::{Leaning, Pole};
use crate::export::Format;
use crate::map_svg::{self, MapEdge, MapNode, NodeKind};
use crate::views::{ClaimItem, Crumb, Standings};
use crate::{AppState, Error, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals/{slug}", get(show))
        .merge(forms::router())
}

struct Proposal {
    id: i64,
    slug: String,
    title: String,
    summary: String,
    debate_slug: String,
    debate_title: String,
}

/// A tension the proposal raises, with the claims that show it on each side.
struct RaisedTension {
    slug: String,
    title: String,
    pole_a: String,
    pole_b: String,
    leaning: Leaning,
    note: String,
    side_a: Vec<ClaimItem>,
    side_b: Vec<ClaimItem>,
}

impl RaisedTension {
    fn leaning_phrase(&self) -> String {
        self.leaning.phrase(&self.pole_a, &self.pole_b)
    }
}

struct SourceRow {
    slug: String,
    title: String,
    author: Option<String>,
    claims: i64,
}

#[derive(Template)]
#[template(path = "proposals/show.html")]
struct ProposalPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    proposal: Proposal,
    tensions: Vec<RaisedTension>,
    claims_for: Vec<TreeEvent>,
    claims_against: Vec<TreeEvent>,
    map: String,
    sources: Vec<SourceRow>,
}

async fn find(db: &PgPool, slug: &str) -> Result<Proposal> {
    sqlx::query_as!(
        Proposal,
        r#"select p.id, p.slug as "slug!: String", p.title, p.summary,
                  d.slug as "debate_slug!: String", d.title as debate_title
           from proposals p join debates d on d.id = p.debate_id
           where p.slug = $1::text and p.hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the proposal {slug:?}")))
}

/// Every claim that relates to the proposal, directly or through other claims.
async fn claim_tree(db: &PgPool, proposal_id: i64) -> Result<ClaimTree> {
    let rows = sqlx::query!(
        r#"with recursive tree (claim_id, target_claim_id, kind, depth) as (
               select r.from_claim_id, null::bigint, r.kind, 1
               from relations r where r.to_proposal_id = $1 and r.removed_at is null
               union
               select r.from_claim_id, t.claim_id, r.kind, t.depth + 1
               from tree t join relations r on r.to_claim_id = t.claim_id and r.removed_at is null
               where t.depth < $2
           )
           select distinct t.claim_id as "claim_id!", t.target_claim_id, t.kind as "kind!",
                  c.slug as "slug!: String", c.body, a.name as "actor?"
           from tree t
           join claims c on c.id = t.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id"#,
        proposal_id,
        tree::MAX_DEPTH as i32,
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

/// The map of a proposal: the proposal at the top, each claim once, at its shortest
/// distance from the proposal.
fn draw_map(proposal: &Proposal, tree: &ClaimTree, standings: &Standings) -> String {
    let mut nodes = vec![MapNode {
        label: proposal.title.clone(),
        href: format!("/proposals/{}", proposal.slug),
        kind: NodeKind::Proposal,
        standing: None,
        depth: 0,
    }];
    let mut depth: BTreeMap<i64, usize> = BTreeMap::new();
    let mut frontier: Vec<Option<i64>> = vec![None];
    let mut level = 0;
    while !frontier.is_empty() {
        level += 1;
        let mut next = Vec::new();
        for edge in tree.edges.iter().filter(|e| frontier.contains(&e.to)) {
            if let std::collections::btree_map::Entry::Vacant(entry) = depth.entry(edge.from) {
                entry.insert(level);
                next.push(Some(edge.from));
            }
        }
        frontier = next;
    }
    let mut index: BTreeMap<i64, usize> = BTreeMap::new();
    for (&id, &d) in &depth {
        index.insert(id, nodes.len());
        let claim = &tree.claims[&id];
        nodes.push(MapNode {
            label: claim.body.clone(),
            href: format!("/claims/{}", claim.slug),
            kind: NodeKind::Claim,
            standing: Some(standings.label(id)),
            depth: d,
        });
    }
    let edges: Vec<MapEdge> = tree
        .edges
        .iter()
        .filter_map(|e| {
            let to = match e.to {
                None => 0,
                Some(to) => *index.get(&to)?,
            };
            Some(MapEdge {
                from: *index.get(&e.from)?,
                to,
                kind: e.kind.clone(),
            })
        })
        .collect();
    map_svg::render(
        "map",
        &format!("Argument map: {}", proposal.title),
        &nodes,
        &edges,
    )
}

async fn show(
    State(state): State<AppState>,
    masthead: crate::auth::Masthead,
    Path(slug): Path<String>,
) -> Result<Html<String>> {
    let db = &state.db;
    let proposal = find(db, &slug).await?;
    let standings = state.caches.standings(db).await?;
    let tree = claim_tree(db, proposal.id).await?;

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
        proposal.id
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
            let item = ClaimItem {
                id,
                slug,
                body,
                actor: row.actor,
                standing: standings.label(id),
            };
            let tension = tensions.last_mut().expect("pushed above");
            if pole == Pole::A {
                tension.side_a.push(item)
            } else {
                tension.side_b.push(item)
            }
        }
    }

    let mut quoted_claims = tree.claim_ids();
    for tension in &tensions {
        quoted_claims.extend(tension.side_a.iter().chain(&tension.side_b).map(|c| c.id));
    }
    let sources = sqlx::query_as!(
        SourceRow,
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
    .await?;

    let map = draw_map(&proposal, &tree, &standings);
    let claims_for = tree.events(true, &standings);
    let claims_against = tree.events(false, &standings);
    let crumbs = vec![
        Crumb::home(),
        Crumb::new(
            &proposal.debate_title,
            format!("/debates/{}", proposal.debate_slug),
        ),
        Crumb::new(&proposal.title, format!("/proposals/{}", proposal.slug)),
    ];
    Ok(Html(
        ProposalPage {
            masthead,
            crumbs,
            proposal,
            tensions,
            claims_for,
            claims_against,
            map,
            sources,
        }
        .render()?,
    ))
}
