//! Reading claims: the one place pages, the API and history find a claim and its parts,
//! with the visibility rules applied (see `auth::viewer`). A hidden claim is found only
//! for moderators; quotes from hidden sources and links to hidden claims or proposals
//! are left out for everyone; removed links and retired quotes never appear.

use sqlx::PgPool;

use crate::Result;
use crate::auth::viewer::Viewer;
use crate::domain::RelationKind;
use crate::read::OrNotFound;
use crate::relations::inference::Inferences;
use crate::views::{ClaimItem, Standings};

pub(crate) struct Claim {
    pub id: i64,
    pub slug: String,
    pub body: String,
    pub version: i32,
    pub actor_slug: Option<String>,
    pub actor_name: Option<String>,
    pub actor_about: Option<String>,
    pub hidden: bool,
    pub merged_into: Option<String>,
    pub created_by: Option<i64>,
}

/// What a key names: a claim, or (for an old numeric id) the claim's canonical slug.
pub(crate) enum Found {
    Claim(Claim),
    MovedTo(String),
}

impl Found {
    /// The claim, when the key was its slug (not an old id).
    pub(crate) fn by_slug(self) -> Option<Claim> {
        match self {
            Found::Claim(claim) => Some(claim),
            Found::MovedTo(_) => None,
        }
    }
}

/// Finds a claim by slug, or by numeric id (answered with its slug, to redirect to).
pub(crate) async fn find(db: &PgPool, key: &str, viewer: Viewer) -> Result<Found> {
    let by_id: Option<i64> = key.parse().ok();
    let claim = sqlx::query_as!(
        Claim,
        r#"select c.id, c.slug as "slug!: String", c.body, c.version,
                  a.slug as "actor_slug?: String", a.name as "actor_name?", a.about as "actor_about?",
                  c.hidden_at is not null as "hidden!", m.slug as "merged_into?: String", c.created_by
           from claims c
           left join actors a on a.id = c.actor_id
           left join claims m on m.id = c.merged_into_id
           where (c.slug = $1::text or c.id = $2) and (c.hidden_at is null or $3)
           order by c.slug = $1::text desc
           limit 1"#,
        key,
        by_id,
        viewer.sees_hidden
    )
    .fetch_optional(db)
    .await?
    .or_not_found("claim", key)?;
    if claim.slug != key {
        return Ok(Found::MovedTo(claim.slug));
    }
    Ok(Found::Claim(claim))
}

pub(crate) struct Quote {
    pub id: i64,
    pub body: String,
    pub locator: String,
    pub anchor: String,
    pub source_slug: String,
    pub source_title: String,
    pub version: i32,
    pub latest_version: i32,
    /// The quote the map marks as carrying the claim best.
    pub primary: bool,
}

/// The claim's quotes from visible sources: the primary one first, then in source and
/// document order.
pub(crate) async fn quotes(db: &PgPool, claim: i64) -> Result<Vec<Quote>> {
    Ok(sqlx::query_as!(
        Quote,
        r#"select q.id, q.body, g.locator, g.anchor, s.slug as "source_slug!: String", s.title as source_title,
                  v.number as version, cv.number as "latest_version!", q.is_primary as primary
           from quotes q
           join segments g on g.id = q.segment_id
           join source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id and s.hidden_at is null
           join current_source_versions cv on cv.source_id = s.id
           where q.claim_id = $1 and q.removed_at is null
           order by q.is_primary desc, s.title, g.position, q.start_char"#,
        claim
    )
    .fetch_all(db)
    .await?)
}

/// The other end of a link.
pub(crate) enum Other {
    Claim {
        id: i64,
        slug: String,
        body: String,
        actor: Option<String>,
    },
    Proposal {
        slug: String,
        title: String,
    },
    /// For an undercut the claim makes: the relation (inference) it undercuts.
    Inference(i64),
}

/// A visible claim undercutting one of the claim's links.
pub(crate) struct Undercut {
    /// The undercut relation's id.
    pub id: i64,
    pub claim: i64,
    pub slug: String,
    pub body: String,
}

/// A link from (`outgoing`) or to the claim, with the undercuts of it.
pub(crate) struct Link {
    pub id: i64,
    pub kind: RelationKind,
    pub outgoing: bool,
    pub other: Other,
    pub undercut_by: Vec<Undercut>,
}

/// The claim's live links whose other end is visible, by kind, each with its live
/// undercuts from visible claims.
pub(crate) async fn links(db: &PgPool, claim: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query!(
        r#"with mine as (
               select r.id from relations r
               where (r.from_claim_id = $1 or r.to_claim_id = $1) and r.removed_at is null
           ),
           -- The claim's links and the undercuts of them, each found through an index (one
           -- OR over both made PostgreSQL scan every relation: 80 ms at 86,000 claims).
           shown as (
               select id from mine
               union
               select u.id from relations u
               where u.to_relation_id in (select id from mine) and u.from_claim_id <> $1
                 and u.removed_at is null
           )
           select r.id, r.kind as "kind: RelationKind", r.from_claim_id = $1 as "outgoing!", r.to_relation_id,
                  r.id not in (select id from mine) as "undercut_of_mine!",
                  oc.id as "other_id?", oc.slug as "other_slug?: String", oc.body as "other_body?",
                  oa.name as "other_actor?",
                  p.slug as "proposal_slug?: String", p.title as "proposal_title?"
           from relations r
           left join claims oc on oc.id = case when r.from_claim_id = $1 then r.to_claim_id else r.from_claim_id end
                              and oc.hidden_at is null
           left join actors oa on oa.id = oc.actor_id
           left join proposals p on p.id = r.to_proposal_id and r.from_claim_id = $1 and p.hidden_at is null
           where r.id in (select id from shown)
           order by r.kind, r.id"#,
        claim
    )
    .fetch_all(db)
    .await?;
    let mut undercuts: std::collections::BTreeMap<i64, Vec<Undercut>> = Default::default();
    let mut links = Vec::new();
    for row in rows {
        if row.undercut_of_mine {
            if let (Some(target), Some(id), Some(slug), Some(body)) = (
                row.to_relation_id,
                row.other_id,
                row.other_slug,
                row.other_body,
            ) {
                undercuts.entry(target).or_default().push(Undercut {
                    id: row.id,
                    claim: id,
                    slug,
                    body,
                });
            }
            continue;
        }
        let other = match (
            row.to_relation_id,
            row.other_id,
            row.other_slug,
            row.other_body,
        ) {
            (Some(relation), ..) => Other::Inference(relation),
            (None, Some(id), Some(slug), Some(body)) => Other::Claim {
                id,
                slug,
                body,
                actor: row.other_actor,
            },
            _ => match (row.proposal_slug, row.proposal_title) {
                (Some(slug), Some(title)) => Other::Proposal { slug, title },
                _ => continue, // the other end is hidden
            },
        };
        links.push(Link {
            id: row.id,
            kind: row.kind,
            outgoing: row.outgoing,
            other,
            undercut_by: Vec::new(),
        });
    }
    for link in &mut links {
        link.undercut_by = undercuts.remove(&link.id).unwrap_or_default();
    }
    Ok(links)
}

/// The claim's links (as [`links`]) and the inferences its undercuts name, described.
pub(crate) async fn links_described(db: &PgPool, claim: i64) -> Result<(Vec<Link>, Inferences)> {
    let links = links(db, claim).await?;
    let undercut: Vec<i64> = links
        .iter()
        .filter_map(|l| match l.other {
            Other::Inference(id) => Some(id),
            _ => None,
        })
        .collect();
    let inferences = Inferences::load(db, &undercut).await?;
    Ok((links, inferences))
}

/// The claim's live tags, in order.
pub(crate) async fn tags(db: &PgPool, claim: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"select t.slug as "slug!: String" from claim_tags ct join tags t on t.id = ct.tag_id
           where ct.claim_id = $1 and ct.removed_at is null order by t.slug"#,
        claim
    )
    .fetch_all(db)
    .await?)
}

/// A claim as lists show it (`ClaimItem`), from the columns every list reads: its id,
/// slug, text and speaker's name, with its standing from `standings`.
pub(crate) fn item(
    standings: &Standings,
    id: i64,
    slug: String,
    body: String,
    actor: Option<String>,
) -> ClaimItem {
    ClaimItem {
        id,
        slug,
        body,
        actor,
        standing: standings.label(id),
    }
}

/// Where a claim sits in the map, for its breadcrumbs: a proposal it bears on and that
/// proposal's debate.
pub(crate) struct Place {
    pub debate_slug: String,
    pub debate_title: String,
    pub proposal_slug: String,
    pub proposal_title: String,
}

/// How far up a chain of claims [`place`] looks for a proposal.
const PLACE_DEPTH: i32 = 8;

/// The visible proposal the claim bears on most directly: through its own relation if it
/// has one, else through the claims it supports or attacks, nearest first (the earliest
/// relation among equals); `None` when no chain of its relations reaches a proposal.
pub(crate) async fn place(db: &PgPool, claim: i64) -> Result<Option<Place>> {
    Ok(sqlx::query_as!(
        Place,
        r#"with recursive up (claim_id, depth) as (
               select $1::bigint, 0
               union
               select r.to_claim_id, u.depth + 1
               from up u
               join relations r on r.from_claim_id = u.claim_id and r.removed_at is null
               join claims c on c.id = r.to_claim_id and c.hidden_at is null
               where u.depth < $2
           )
           select d.slug as "debate_slug!: String", d.title as debate_title,
                  p.slug as "proposal_slug!: String", p.title as proposal_title
           from up
           join relations r on r.from_claim_id = up.claim_id and r.removed_at is null
           join proposals p on p.id = r.to_proposal_id and p.hidden_at is null
           join debates d on d.id = p.debate_id and d.hidden_at is null
           order by up.depth, r.id
           limit 1"#,
        claim,
        PLACE_DEPTH
    )
    .fetch_optional(db)
    .await?)
}
