//! A claim's page: the claim and who makes it, its quotes linked into their sources, what
//! it supports or attacks and what supports or attacks it, its standing and why,
//! annotations, and its history. The claim and its parts are read through `read`, which
//! the API shares, so both show the same things to the same people.

pub(crate) mod forms;
pub(crate) mod read;
pub(crate) mod write;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sqlx::PgPool;

use self::read::{Claim, Found, Other, Quote};
use crate::auth::viewer::Viewer;
use crate::domain::{RelationKind, ReviewReason, Stance};
use crate::inference::{Inferences, Piece};
use crate::standing::{Node, Standing, StandingLabel};
use crate::views::form::Page;
use crate::views::{ClaimItem, Crumb, Standings, short};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/claims/{key}", get(show))
        .route("/claims/{key}/history", get(history))
}

/// A claim, proposal or inference this claim relates to, or a claim relating to it.
struct Related {
    kind: RelationKind,
    target: Target,
    actor: Option<String>,
    standing: Option<StandingLabel>,
    /// Whether the relation carries its inference: "holds", "disabled" or "contested".
    status: &'static str,
    /// The claims undercutting this relation.
    undercut_by: Vec<Undercutter>,
}

/// What a related item links to.
enum Target {
    Node {
        href: String,
        text: String,
    },
    /// "the inference from A to B", for an undercut.
    Inference(Vec<Piece>),
}

/// A step of a standing's explanation.
enum Explained {
    Claim(ClaimItem),
    /// An inference in a cycle, with whether it holds.
    Inference(Vec<Piece>, &'static str),
}

/// A claim undercutting one of this claim's relations.
struct Undercutter {
    href: String,
    text: String,
    standing: StandingLabel,
    /// Whether the undercut itself holds.
    status: &'static str,
}

struct Evidence {
    proposal_slug: String,
    proposal_title: String,
    tension_slug: String,
    tension_title: String,
    pole_name: String,
}

struct Annotation {
    id: i64,
    author: String,
    body: String,
    stance: Option<String>,
    created_at: time::OffsetDateTime,
}

impl Annotation {
    /// The comment as sanitised HTML.
    fn html(&self) -> String {
        crate::markdown::render(&self.body)
    }
}

/// An open review of the claim, shown to its author and to moderators.
struct OpenReview {
    id: i64,
    reason: String,
    note: String,
    /// Who replied, and what they said.
    replies: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "claims/show.html")]
struct ClaimPage {
    chrome: crate::auth::Chrome,
    crumbs: Vec<Crumb>,
    claim: Claim,
    standing: Standing,
    /// The claims (and inferences) named by the standing's explanation.
    explained_by: Vec<Explained>,
    quotes: Vec<Quote>,
    outgoing: Vec<Related>,
    incoming: Vec<Related>,
    /// Whether anything attacks it.
    attacked: bool,
    /// Whether an attack on it is disabled by an undercut that stands.
    disabled_attacks: bool,
    evidence: Vec<Evidence>,
    tags: Vec<String>,
    annotations: Vec<Annotation>,
    reviews: Vec<OpenReview>,
    revisions: i64,
}

impl ClaimPage {
    /// The claim's author or a moderator may answer its reviews.
    fn can_reply(&self) -> bool {
        self.chrome.is_moderator()
            || self
                .chrome
                .user
                .as_ref()
                .is_some_and(|u| Some(u.id) == self.claim.created_by)
    }
}

async fn show(
    State(state): State<AppState>,
    chrome: crate::auth::Chrome,
    Path(key): Path<String>,
) -> Result<Response> {
    let db = &state.db;
    let claim = match read::find(db, &key, Viewer::from(&chrome)).await? {
        Found::Claim(claim) => claim,
        Found::MovedTo(slug) => {
            return Ok(Redirect::permanent(&format!("/claims/{slug}")).into_response());
        }
    };
    let standings = Standings::load(db).await?;
    let standing = standings.of(claim.id).cloned().unwrap_or(Standing::Stands);
    let (outgoing, incoming) = related(db, claim.id, &standings).await?;
    ClaimPage {
        crumbs: vec![
            Crumb::home(),
            Crumb::new(short(&claim.body), format!("/claims/{}", claim.slug)),
        ],
        explained_by: explained_by(db, &standing, &standings).await?,
        quotes: read::quotes(db, claim.id).await?,
        attacked: incoming.iter().any(|r| r.kind == RelationKind::Attacks),
        disabled_attacks: incoming
            .iter()
            .any(|r| r.kind == RelationKind::Attacks && r.status == "disabled"),
        outgoing,
        incoming,
        evidence: evidence(db, claim.id).await?,
        tags: read::tags(db, claim.id).await?,
        annotations: annotations(db, claim.id).await?,
        reviews: open_reviews(db, claim.id).await?,
        revisions: revision_count(db, claim.id).await?,
        chrome,
        claim,
        standing,
    }
    .page()
}

/// What the claim bears on (outgoing) and what bears on it (incoming).
async fn related(
    db: &PgPool,
    claim: i64,
    standings: &Standings,
) -> Result<(Vec<Related>, Vec<Related>)> {
    let links = read::links(db, claim).await?;
    let undercut: Vec<i64> = links
        .iter()
        .filter_map(|l| match l.other {
            Other::Inference(id) => Some(id),
            _ => None,
        })
        .collect();
    let inferences = Inferences::load(db, &undercut).await?;
    let (mut outgoing, mut incoming) = (Vec::new(), Vec::new());
    for link in links {
        let status = standings.relation_label(link.id);
        let undercut_by = link
            .undercut_by
            .into_iter()
            .map(|u| Undercutter {
                href: format!("/claims/{}", u.slug),
                text: u.body,
                standing: standings.label(u.claim),
                status: standings.relation_label(u.id),
            })
            .collect();
        let (target, actor, standing) = match link.other {
            Other::Claim {
                id,
                slug,
                body,
                actor,
            } => (
                Target::Node {
                    href: format!("/claims/{slug}"),
                    text: body,
                },
                actor,
                Some(standings.label(id)),
            ),
            Other::Proposal { slug, title } => (
                Target::Node {
                    href: format!("/proposals/{slug}"),
                    text: title,
                },
                None,
                None,
            ),
            Other::Inference(id) => {
                let pieces = inferences.pieces(id);
                if pieces.is_empty() {
                    continue;
                }
                (Target::Inference(pieces), None, None)
            }
        };
        let related = Related {
            kind: link.kind,
            target,
            actor,
            standing,
            status,
            undercut_by,
        };
        if link.outgoing {
            outgoing.push(related)
        } else {
            incoming.push(related)
        }
    }
    Ok((outgoing, incoming))
}

/// The claims (and, in a cycle, the inferences) the standing's explanation names, in its
/// order.
async fn explained_by(
    db: &PgPool,
    standing: &Standing,
    standings: &Standings,
) -> Result<Vec<Explained>> {
    let nodes: Vec<Node> = match standing {
        Standing::Stands => Vec::new(),
        Standing::Defeated { by, .. } => vec![Node::Claim(*by)],
        Standing::Contested { cycle } => cycle.clone(),
    };
    let (mut claims, mut relations) = (Vec::new(), Vec::new());
    for node in &nodes {
        match node {
            Node::Claim(id) => claims.push(*id),
            Node::Relation(id) => relations.push(*id),
        }
    }
    let rows = sqlx::query!(
        r#"select c.id, c.slug as "slug!: String", c.body, a.name as "actor?"
           from claims c left join actors a on a.id = c.actor_id
           where c.id = any($1)"#,
        &claims
    )
    .fetch_all(db)
    .await?;
    let inferences = Inferences::load(db, &relations).await?;
    Ok(nodes
        .iter()
        .filter_map(|node| match node {
            Node::Claim(id) => rows.iter().find(|c| c.id == *id).map(|c| {
                Explained::Claim(ClaimItem {
                    id: c.id,
                    slug: c.slug.clone(),
                    body: c.body.clone(),
                    actor: c.actor.clone(),
                    standing: standings.label(c.id),
                })
            }),
            Node::Relation(id) => Some(Explained::Inference(
                inferences.pieces(*id),
                standings.relation_label(*id),
            )),
        })
        .collect())
}

/// The tensions the claim is evidence of, in visible proposals.
async fn evidence(db: &PgPool, claim: i64) -> Result<Vec<Evidence>> {
    Ok(sqlx::query_as!(
        Evidence,
        r#"select p.slug as "proposal_slug!: String", p.title as proposal_title,
                  t.slug as "tension_slug!: String", t.title as tension_title,
                  case when e.pole = 'a' then t.pole_a else t.pole_b end as "pole_name!"
           from tension_evidence e
           join proposal_tensions pt on pt.id = e.proposal_tension_id and pt.removed_at is null
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           where e.claim_id = $1 and e.removed_at is null
           order by p.title"#,
        claim
    )
    .fetch_all(db)
    .await?)
}

async fn annotations(db: &PgPool, claim: i64) -> Result<Vec<Annotation>> {
    Ok(sqlx::query_as!(
        Annotation,
        r#"select n.id, u.display_name as author, n.body, n.stance, n.created_at
           from annotations n join users u on u.id = n.user_id
           where n.claim_id = $1 and n.hidden_at is null
           order by n.created_at"#,
        claim
    )
    .fetch_all(db)
    .await?)
}

async fn open_reviews(db: &PgPool, claim: i64) -> Result<Vec<OpenReview>> {
    let rows = sqlx::query!(
        r#"select r.id, r.reason, r.note,
                  coalesce(array_agg(u.display_name order by rr.id) filter (where rr.id is not null), '{}') as "reply_authors!",
                  coalesce(array_agg(rr.body order by rr.id) filter (where rr.id is not null), '{}') as "reply_bodies!"
           from claim_reviews r
           left join review_replies rr on rr.review_id = r.id
           left join users u on u.id = rr.user_id
           where r.claim_id = $1 and r.resolution is null
           group by r.id order by r.id"#,
        claim
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenReview {
            id: r.id,
            reason: r.reason,
            note: r.note,
            replies: r.reply_authors.into_iter().zip(r.reply_bodies).collect(),
        })
        .collect())
}

async fn revision_count(db: &PgPool, claim: i64) -> Result<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from revisions where object_kind = 'claim' and object_id = $1"#,
        claim
    )
    .fetch_one(db)
    .await?)
}

async fn history(
    State(state): State<AppState>,
    chrome: crate::auth::Chrome,
    Path(key): Path<String>,
) -> Result<Response> {
    let db = &state.db;
    let claim = match read::find(db, &key, Viewer::from(&chrome)).await? {
        Found::Claim(claim) => claim,
        Found::MovedTo(slug) => {
            return Ok(Redirect::permanent(&format!("/claims/{slug}/history")).into_response());
        }
    };
    crate::history::page(
        db,
        chrome,
        "claim",
        claim.id,
        claim.body,
        format!("/claims/{}", claim.slug),
    )
    .await
}
