//! `/api/v1`: the map as documents, search, figures, new proposals and tensions, tokens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::claims::Created;
use super::{ApiJson, Writer};
use crate::auth::{SignedIn, tokens};
use crate::error::Problem;
use crate::export::{self, Scope};
use crate::proposals::write::{self, NewProposal, NewTension, ProposalEdit, TensionEdit};
use crate::stats::Stats;
use crate::{AppState, Error, Result};

async fn document(state: &AppState, scope: Scope, what: String) -> Result<Json<serde_json::Value>> {
    let standings = state.caches.standings(&state.db).await?;
    let doc = export::load_with(&state.db, scope, Some(standings))
        .await?
        .ok_or_else(|| Error::NotFound(what))?;
    Ok(Json(
        serde_json::to_value(doc).expect("the model serialises"),
    ))
}

/// The whole map as an argmap JSON document (schema: /static/schemas/argmap-map.v1.schema.json).
#[utoipa::path(get, path = "/api/v1/map", tag = "map", responses((status = 200, body = Object, description = "an argmap-map document")))]
pub async fn map(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    document(&state, Scope::All, "the map".into()).await
}

/// A debate: its proposals, the claims around them, the tensions they raise.
#[utoipa::path(get, path = "/api/v1/debates/{slug}", tag = "map", params(("slug" = String, Path)),
    responses((status = 200, body = Object, description = "an argmap-map document"), (status = 404, body = Problem)))]
pub async fn debate(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>> {
    document(
        &state,
        Scope::Debate(slug.clone()),
        format!("the debate {slug:?}"),
    )
    .await
}

/// A proposal with its argument.
#[utoipa::path(get, path = "/api/v1/proposals/{slug}", tag = "map", params(("slug" = String, Path)),
    responses((status = 200, body = Object, description = "an argmap-map document"), (status = 404, body = Problem)))]
pub async fn proposal(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>> {
    document(
        &state,
        Scope::Proposal(slug.clone()),
        format!("the proposal {slug:?}"),
    )
    .await
}

/// Adds a proposal to a debate.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "map", request_body = NewProposal, security(("token" = [])),
    responses((status = 201, body = Created), (status = 422, body = Problem)))]
pub async fn create_proposal(
    State(state): State<AppState>,
    Writer(user): Writer,
    ApiJson(new): ApiJson<NewProposal>,
) -> Result<(StatusCode, Json<Created>)> {
    let mut tx = state.db.begin().await?;
    let slug = write::create_proposal(&mut tx, &user, &new).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            url: format!("/proposals/{slug}"),
            slug,
        }),
    ))
}

/// Adds a tension.
#[utoipa::path(post, path = "/api/v1/tensions", tag = "map", request_body = NewTension, security(("token" = [])),
    responses((status = 201, body = Created), (status = 422, body = Problem)))]
pub async fn create_tension(
    State(state): State<AppState>,
    Writer(user): Writer,
    ApiJson(new): ApiJson<NewTension>,
) -> Result<(StatusCode, Json<Created>)> {
    let mut tx = state.db.begin().await?;
    let slug = write::create_tension(&mut tx, &user, &new).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            url: format!("/tensions/{slug}"),
            slug,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words to find (web search syntax: "phrase", or, -word).
    q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: String,
    pub url: String,
    pub title: String,
    /// An extract with the matched words in `<mark>` (the rest escaped).
    pub snippet_html: String,
}

/// Full-text search over claims, quotes, proposals, tensions, debates and sources.
#[utoipa::path(get, path = "/api/v1/search", tag = "map", params(SearchQuery), responses((status = 200, body = Vec<SearchHit>), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>> {
    let q = query.q.trim();
    if q.chars().count() > crate::search::MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "q",
            format!("at most {} characters", crate::search::MAX_QUERY_CHARS),
        ));
    }
    let hits = crate::search::find(&state, q).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SearchHit {
                kind: h.kind,
                url: h.href,
                title: h.title,
                snippet_html: h.snippet,
            })
            .collect(),
    ))
}

/// Counts of what the map holds.
#[utoipa::path(get, path = "/api/v1/stats", tag = "map", responses((status = 200, body = Stats)))]
pub async fn stats(State(state): State<AppState>) -> Result<Json<Stats>> {
    Ok(Json(state.caches.stats(&state.db).await?))
}

/// Your API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("token" = [])), responses((status = 200, body = Vec<tokens::TokenRow>), (status = 401, body = Problem)))]
pub async fn tokens(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<tokens::TokenRow>>> {
    Ok(Json(tokens::list(&state.db, user.id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenSecret {
    pub id: i64,
    /// The secret, shown this once.
    pub token: String,
}

/// Makes a token; its secret is in the answer and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken, security(("token" = [])), responses((status = 201, body = TokenSecret), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    Writer(user): Writer,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenSecret>)> {
    let mut tx = state.db.begin().await?;
    let (id, token) = tokens::create(&mut tx, &user, &new.name).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(TokenSecret { id, token })))
}

/// Revokes a token: it stops working at once.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "account", security(("token" = [])), params(("id" = i64, Path)), responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    tokens::revoke(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Edits a proposal; 409 with the current state if it changed since `version`.
#[utoipa::path(patch, path = "/api/v1/proposals/{slug}", tag = "map", request_body = ProposalEdit, security(("token" = [])),
    params(("slug" = String, Path)), responses((status = 204), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn edit_proposal(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<ProposalEdit>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::edit_proposal(&mut tx, &user, &slug, &edit).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Edits a tension; 409 with the current state if it changed since `version`.
#[utoipa::path(patch, path = "/api/v1/tensions/{slug}", tag = "map", request_body = TensionEdit, security(("token" = [])),
    params(("slug" = String, Path)), responses((status = 204), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn edit_tension(
    State(state): State<AppState>,
    Writer(user): Writer,
    Path(slug): Path<String>,
    ApiJson(edit): ApiJson<TensionEdit>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    write::edit_tension(&mut tx, &user, &slug, &edit).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
