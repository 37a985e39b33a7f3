//! A claim's page: the claim and who makes it, its quotes linked into their sources, what
//! it supports or attacks and what supports or attacks it, its standing and why,
//! annotations, and its history. The claim and its parts are read through `read`, which
//! the API shares, so both show the same things to the same people.

pub(crate) mod forms;
pub(crate) mod read;
pub(crate) mod write;

use askama::Template;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sqlx::PgPool;

use self::read::{Claim, Found, Other, Quote};
use crate::auth::viewer::Viewer;
use crate::domain::{RelationKind, ReviewReason, Stance};
use crate::moderation::read::{OpenReview, open_reviews};
use crate::read::{Reading, Slice};
use crate::relations::inference::Piece;
use crate::standing::{InferenceLabel, Node, Standing};
use crate::views::form::Page;
use crate::views::{ClaimItem, Crumb, Standings, short};
use crate::{AppState, Result};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/claims/{key}", get(show))
        .route("/claims/{key}/history", get(history))
}

/// A claim or proposal this claim relates to, or one relating to it; or the inference an
/// undercut this claim makes denies.
struct Related {
    /// The relation's id (the link's anchor, `#relation-ID`).
    id: i64,
    kind: RelationKind,
    href: String,
    text: String,
    /// For an undercut this claim makes: the inference it undercuts, in words and links.
    inference: Vec<Piece>,
    actor: Option<String>,
    standing: Option<crate::standing::StandingLabel>,
    /// Whether the relation carries its inference: "holds", "disabled" (an undercut that
    /// stands undercuts it) or "contested".
    status: InferenceLabel,
    /// The visible claims undercutting this relation.
    undercut_by: Vec<UndercutItem>,
}

/// A claim undercutting a link, with its standing and whether its undercut holds.
struct UndercutItem {
    item: ClaimItem,
    status: InferenceLabel,
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
    stance: Option<Stance>,
    created_at: time::OffsetDateTime,
}

impl Annotation {
    /// The comment as sanitised HTML.
    fn html(&self) -> String {
        crate::markdown::render(&self.body)
    }
}

/// An open review of the claim, shown to its author and to moderators.
#[derive(Template)]
#[template(path = "claims/show.html")]
struct ClaimPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    claim: Claim,
    standing: Standing,
    /// The claims named by the standing's explanation.
    explained_by: Vec<ClaimItem>,
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
        self.masthead.is_moderator()
            || self
                .masthead
                .user
                .as_ref()
                .is_some_and(|u| Some(u.id) == self.claim.created_by)
    }
}

async fn show(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let claim = match find_or_redirect(db, &reading.key, &reading.masthead, "").await? {
        Ok(claim) => claim,
        Err(moved) => return Ok(moved.into_response()),
    };
    let standings = reading.state.caches.standings(db).await?;
    let standing = standings.of(claim.id).cloned().unwrap_or(Standing::Stands);
    let (outgoing, incoming) = related(db, claim.id, &standings).await?;
    ClaimPage {
        crumbs: crumbs(read::place(db, claim.id).await?, &claim),
        explained_by: explained_by(db, &standing, &standings).await?,
        quotes: read::quotes(db, claim.id).await?,
        attacked: incoming.iter().any(|r| r.kind.is_attack()),
        disabled_attacks: incoming
            .iter()
            .any(|r| r.kind.is_attack() && r.status == InferenceLabel::Disabled),
        outgoing,
        incoming,
        evidence: evidence(db, claim.id).await?,
        tags: read::tags(db, claim.id).await?,
        annotations: annotations(db, claim.id).await?,
        reviews: open_reviews(db, Some(claim.id), Slice::ALL).await?,
        revisions: revision_count(db, claim.id).await?,
        masthead: reading.masthead,
        claim,
        standing,
    }
    .page()
}

/// The trail to a claim: home, the debate and proposal it bears on (if any), the claim.
fn crumbs(place: Option<read::Place>, claim: &Claim) -> Vec<Crumb> {
    let mut crumbs = vec![Crumb::home()];
    if let Some(place) = place {
        crumbs.push(Crumb::new(
            place.debate_title,
            format!("/debates/{}", place.debate_slug),
        ));
        crumbs.push(Crumb::new(
            place.proposal_title,
            format!("/proposals/{}", place.proposal_slug),
        ));
    }
    crumbs.push(Crumb::new(
        short(&claim.body),
        format!("/claims/{}", claim.slug),
    ));
    crumbs
}

/// The claim `key` names, as the reader may see it; an old numeric key is answered with a
/// permanent redirect to the same `page` (`""` or `"/history"`) under the claim's slug.
async fn find_or_redirect(
    db: &PgPool,
    key: &str,
    masthead: &crate::auth::Masthead,
    page: &str,
) -> Result<Result<Claim, Redirect>> {
    Ok(match read::find(db, key, Viewer::from(masthead)).await? {
        Found::Claim(claim) => Ok(claim),
        Found::MovedTo(slug) => Err(Redirect::permanent(&format!("/claims/{slug}{page}"))),
    })
}

/// What the claim bears on (outgoing) and what bears on it (incoming), each with the
/// undercuts of it.
async fn related(
    db: &PgPool,
    claim: i64,
    standings: &Standings,
) -> Result<(Vec<Related>, Vec<Related>)> {
    let (links, inferences) = read::links_described(db, claim).await?;
    let (mut outgoing, mut incoming) = (Vec::new(), Vec::new());
    for link in links {
        let (href, text, inference, actor, standing) = match link.other {
            Other::Claim {
                id,
                slug,
                body,
                actor,
            } => (
                format!("/claims/{slug}"),
                body,
                Vec::new(),
                actor,
                Some(standings.label(id)),
            ),
            Other::Proposal { slug, title } => {
                (format!("/proposals/{slug}"), title, Vec::new(), None, None)
            }
            Other::Inference(id) => (
                String::new(),
                inferences.text(id),
                inferences.pieces(id),
                None,
                None,
            ),
        };
        let related = Related {
            id: link.id,
            kind: link.kind,
            href,
            text,
            inference,
            actor,
            standing,
            status: standings.relation_label(link.id),
            undercut_by: link
                .undercut_by
                .into_iter()
                .map(|u| UndercutItem {
                    status: standings.relation_label(u.id),
                    item: read::item(standings, u.claim, u.slug, u.body, None),
                })
                .collect(),
        };
        if link.outgoing {
            outgoing.push(related)
        } else {
            incoming.push(related)
        }
    }
    Ok((outgoing, incoming))
}

/// The claims the standing's explanation names, in its order.
async fn explained_by(
    db: &PgPool,
    standing: &Standing,
    standings: &Standings,
) -> Result<Vec<ClaimItem>> {
    let named: Vec<i64> = match standing {
        Standing::Stands => Vec::new(),
        Standing::Defeated { by, .. } => vec![*by],
        // A cycle through an undercut names the undercut inference's claim too.
        Standing::Contested { cycle } => cycle
            .iter()
            .filter_map(|node| match node {
                Node::Claim(id) => Some(*id),
                Node::Relation(_) => None,
            })
            .collect(),
    };
    let rows = sqlx::query!(
        r#"select c.id, c.slug as "slug!: String", c.body, a.name as "actor?"
           from claims c left join actors a on a.id = c.actor_id
           where c.id = any($1)"#,
        &named
    )
    .fetch_all(db)
    .await?;
    Ok(named
        .iter()
        .filter_map(|id| rows.iter().find(|c| c.id == *id))
        .map(|c| {
            read::item(
                standings,
                c.id,
                c.slug.clone(),
                c.body.clone(),
                c.actor.clone(),
            )
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
        r#"select n.id, u.display_name as author, n.body, n.stance as "stance: Stance", n.created_at
           from annotations n join users u on u.id = n.user_id
           where n.claim_id = $1 and n.hidden_at is null
           order by n.created_at"#,
        claim
    )
    .fetch_all(db)
    .await?)
}

async fn revision_count(db: &PgPool, claim: i64) -> Result<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from revisions where object_kind = 'claim' and object_id = $1"#,
        claim
    )
    .fetch_one(db)
    .await?)
}

async fn history(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let claim = match find_or_redirect(db, &reading.key, &reading.masthead, "/history").await? {
        Ok(claim) => claim,
        Err(moved) => return Ok(moved.into_response()),
    };
    crate::history::page(
        db,
        reading.masthead,
        crate::revisions::ObjectKind::Claim,
        claim.id,
        claim.body,
        format!("/claims/{}", claim.slug),
    )
    .await
}
