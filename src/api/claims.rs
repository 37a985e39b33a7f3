//! `/api/v1/claims`: read, add, edit, annotate, report and moderate claims.

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};

use super::declare::{api_read, api_write};
use super::{Created, query_text};
use crate::auth::viewer::Viewer;
use crate::claims::read::{self, Other};
use crate::claims::write::{self, ClaimEdit, Editable, NewAnnotation, NewClaim, NewReview};
use crate::error::Problem;
use crate::read::OrNotFound;
use crate::revisions::RevisionAction;
use crate::{AppState, Result};

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimJson {
    pub slug: String,
    pub url: String,
    pub text: String,
    /// The speaker (an actor's slug).
    pub actor: Option<String>,
    /// stands, defeated or contested.
    pub standing: crate::standing::StandingLabel,
    /// Hidden by a moderator (only moderators see hidden claims).
    pub hidden: bool,
    /// For edits: send it back unchanged (optimistic locking).
    pub version: i32,
    pub tags: Vec<String>,
    pub quotes: Vec<QuoteJson>,
    /// What this claim supports or attacks, and the inferences it undercuts.
    pub relates_to: Vec<RelationJson>,
    /// What supports or attacks it.
    pub related_from: Vec<RelationJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteJson {
    /// Its id (`DELETE /api/v1/claims/{slug}/quotes/{id}` retires it).
    pub id: i64,
    pub source: String,
    pub locator: String,
    pub anchor: String,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelationJson {
    /// The relation's id: an undercut names the inference it denies as "relation:ID".
    pub id: i64,
    pub kind: crate::domain::RelationKind,
    /// The claim at the other end (its slug), or "proposal:SLUG"; for an undercut this
    /// claim makes, "relation:ID" of the inference it undercuts.
    pub other: String,
    /// For an undercut this claim makes: the inference it undercuts, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<String>,
    /// holds, disabled (an undercut that stands disables it: it no longer carries its
    /// support or attack) or contested.
    pub standing: crate::standing::InferenceLabel,
    /// The claims (slugs) undercutting this relation.
    pub undercut_by: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

api_read! {
    tag = "claims";

    /// A claim with its quotes, links and standing.
    get "/api/v1/claims/{slug}"
    fn show(viewer viewer, path slug: String) -> ClaimJson |state| {
        ClaimJson::read(&state, viewer, &slug).await?
    }

    /// Claims that look like `q` (trigram similarity), to link to instead of duplicating.
    get "/api/v1/claims/similar"
    fn similar(query query: SimilarQuery) -> Vec<SimilarClaim> |state| {
        similar_claims(&state.db, query_text(&query.q, 400)?).await?
    }

    /// Every change to a claim, newest first.
    get "/api/v1/claims/{slug}/history"
    fn history(viewer viewer, path slug: String) -> Vec<RevisionJson> |state| {
        let claim = found(&state.db, &slug, viewer).await?;
        claim_history(&state.db, claim.id).await?
    }
}

impl ClaimJson {
    /// The claim `slug` as the viewer may see it.
    async fn read(state: &AppState, viewer: Viewer, slug: &str) -> Result<ClaimJson> {
        let db = &state.db;
        let claim = found(db, slug, viewer).await?;
        let quotes = read::quotes(db, claim.id)
            .await?
            .into_iter()
            .map(|q| QuoteJson {
                id: q.id,
                source: q.source_slug,
                locator: q.locator,
                anchor: q.anchor,
                text: q.body,
            })
            .collect();
        let (links, inferences) = read::links_described(db, claim.id).await?;
        let standings = state.caches.standings(db).await?;
        let (mut relates_to, mut related_from) = (Vec::new(), Vec::new());
        for link in links {
            let (other, inference) = match link.other {
                Other::Claim { slug, .. } => (slug, None),
                Other::Proposal { slug, .. } => (format!("proposal:{slug}"), None),
                Other::Inference(id) => (format!("relation:{id}"), Some(inferences.text(id))),
            };
            let relation = RelationJson {
                id: link.id,
                kind: link.kind,
                other,
                inference,
                standing: standings.relation_label(link.id),
                undercut_by: link.undercut_by.into_iter().map(|u| u.slug).collect(),
            };
            if link.outgoing {
                relates_to.push(relation)
            } else {
                related_from.push(relation)
            }
        }
        Ok(ClaimJson {
            url: format!("/claims/{}", claim.slug),
            standing: standings.label(claim.id),
            tags: read::tags(db, claim.id).await?,
            slug: claim.slug,
            text: claim.body,
            actor: claim.actor_slug,
            hidden: claim.hidden,
            version: claim.version,
            quotes,
            relates_to,
            related_from,
        })
    }
}

/// The claim `slug` names, as the viewer may see it; the API names claims by slug only.
async fn found(db: &PgPool, slug: &str, viewer: Viewer) -> Result<read::Claim> {
    read::find(db, slug, viewer)
        .await?
        .by_slug()
        .or_not_found("claim", slug)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// The text being typed.
    #[param(max_length = 400)]
    q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarClaim {
    pub slug: String,
    pub text: String,
    pub similarity: f32,
}

/// The five visible claims most like `q`.
async fn similar_claims(db: &PgPool, q: &str) -> Result<Vec<SimilarClaim>> {
    let rows = sqlx::query_as!(
        SimilarClaim,
        r#"select slug as "slug!: String", body as text, similarity(body, $1) as "similarity!"
           from claims
           where hidden_at is null and body % $1
           order by similarity(body, $1) desc, slug
           limit 5"#,
        q
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionJson {
    pub action: RevisionAction,
    pub by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Every revision of the claim `id`, newest first.
async fn claim_history(db: &PgPool, id: i64) -> Result<Vec<RevisionJson>> {
    Ok(sqlx::query_as!(
        RevisionJson,
        r#"select r.action as "action: RevisionAction", u.display_name as "by?", r.created_at as at, r.before, r.after
               from revisions r left join users u on u.id = r.user_id
               where r.object_kind = 'claim' and r.object_id = $1 order by r.id desc"#,
        id
    )
    .fetch_all(db)
    .await?)
}

api_write! {
    tag = "claims";

    /// Adds a claim from a source passage; the quote must be verbatim in that segment.
    post "/api/v1/claims"
    errors(
        (status = 422, body = Problem, description = "a field is wrong, e.g. the quote is not in the segment"),
    )
    fn create(body new: NewClaim) -> CREATED Created |tx, user| {
        let slug = write::create(tx, user, &new).await?;
        Ok(Created::at("/claims", slug))
    }

    /// Edits a claim's text and tags; 409 with the current state if it changed since `version`.
    patch "/api/v1/claims/{slug}"
    errors(
        (status = 409, body = Problem, description = "stale version: `current` holds the claim as it is now"),
    )
    fn edit(path slug: String, body edit: ClaimEdit) -> OK Editable |tx, user| {
        write::edit(tx, user, &slug, &edit).await
    }

    /// Comments on a claim (Markdown, shown sanitised), with a stance.
    post "/api/v1/claims/{slug}/annotations"
    fn annotate(path slug: String, body note: NewAnnotation) -> CREATED CreatedId |tx, user| {
        let id = write::annotate(tx, user, &slug, &note).await?;
        Ok(CreatedId { id })
    }

    /// Marks a claim for a moderator's review.
    post "/api/v1/claims/{slug}/reviews"
    fn report(path slug: String, body review: NewReview) -> CREATED CreatedId |tx, user| {
        let id = write::report(tx, user, &slug, &review).await?;
        Ok(CreatedId { id })
    }
}
