//! A proposal's page: what it is, the tensions it raises with the claims behind each, the
//! claims for and against it as a tree with their standing, its map, and its sources.

pub(crate) mod forms;
pub(crate) mod read;
pub(crate) mod tree;
pub(crate) mod write;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use self::read::{Proposal, QuotedSource, RaisedTension};
use self::tree::{ClaimTree, TreeEvent, Verdict};
use crate::export::Format;
use crate::map_svg::{self, MapEdge, MapNode, NodeKind};
use crate::read::Reading;
use crate::views::form::Page;
use crate::views::{ClaimItem, Crumb, Standings};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/proposals/{slug}", get(show))
        .merge(forms::router())
}

#[derive(Template)]
#[template(path = "proposals/show.html")]
struct ProposalPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    proposal: Proposal,
    verdict: Verdict,
    tensions: Vec<RaisedTension>,
    claims_for: Vec<TreeEvent>,
    claims_against: Vec<TreeEvent>,
    /// Claims showing a tension that neither support nor attack the proposal, each once.
    also: Vec<ClaimItem>,
    /// `shows[claim id]`: the tensions (and poles) each claim shows, as chips.
    shows: BTreeMap<i64, Vec<Shown>>,
    map: String,
    sources: Vec<QuotedSource>,
}

/// A tension a claim shows, and on which side: a chip beside the claim.
struct Shown {
    slug: String,
    title: String,
    pole: String,
}

impl ProposalPage {
    fn shows(&self, claim: &i64) -> &[Shown] {
        self.shows.get(claim).map_or(&[], Vec::as_slice)
    }
}

/// Which tensions each claim shows, on which pole; and the claims showing one that are not
/// in the tree of claims for and against.
fn tension_claims(
    tensions: &[RaisedTension],
    tree: &ClaimTree,
) -> (BTreeMap<i64, Vec<Shown>>, Vec<ClaimItem>) {
    let mut shows: BTreeMap<i64, Vec<Shown>> = BTreeMap::new();
    let mut also: Vec<ClaimItem> = Vec::new();
    for tension in tensions {
        for (pole, side) in [
            (&tension.pole_a, &tension.side_a),
            (&tension.pole_b, &tension.side_b),
        ] {
            for claim in side {
                let chips = shows.entry(claim.id).or_default();
                if chips.is_empty() && !tree.claims.contains_key(&claim.id) {
                    also.push(claim.clone());
                }
                chips.push(Shown {
                    slug: tension.slug.clone(),
                    title: tension.title.clone(),
                    pole: pole.clone(),
                });
            }
        }
    }
    (shows, also)
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
                kind: e.kind,
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

async fn show(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let proposal = read::find(db, &reading.key).await?;
    let standings = reading.state.caches.standings(db).await?;
    let tree = read::claim_tree(db, proposal.id).await?;
    let tensions = read::tensions(db, proposal.id, &standings).await?;
    let sources = read::sources(db, &tree, &tensions).await?;
    let (claims_for, claims_against) = tree.events(&standings);
    let (shows, also) = tension_claims(&tensions, &tree);
    ProposalPage {
        crumbs: vec![
            Crumb::home(),
            Crumb::new(
                &proposal.debate_title,
                format!("/debates/{}", proposal.debate_slug),
            ),
            Crumb::new(&proposal.title, format!("/proposals/{}", proposal.slug)),
        ],
        map: draw_map(&proposal, &tree, &standings),
        verdict: tree.verdict(&standings),
        claims_for,
        claims_against,
        also,
        shows,
        masthead: reading.masthead,
        proposal,
        tensions,
        sources,
    }
    .page()
}
