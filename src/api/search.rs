//! `/api/v1/search`: full-text search over the map.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::declare::api_read;
use super::query_text;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find (web search syntax: "phrase", or, -word).
    #[param(max_length = 200)]
    q: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: crate::search::HitKind,
    pub url: String,
    pub title: String,
    /// An extract with the matched words in `<mark>` (the rest escaped).
    pub snippet_html: String,
}

api_read! {
    tag = "map";

    /// Full-text search over claims, quotes, proposals, tensions, debates and sources.
    get "/api/v1/search"
    fn search(query query: SearchQuery) -> Vec<SearchHit> |state| {
        let q = query_text(&query.q, crate::search::MAX_QUERY_CHARS)?;
        let tsquery = crate::search::parse(&state.db, q).await?;
        let hits = crate::search::find(&state, &tsquery).await?;
        hits.into_iter().map(SearchHit::from).collect()
    }
}

impl From<crate::search::Hit> for SearchHit {
    fn from(hit: crate::search::Hit) -> SearchHit {
        SearchHit {
            kind: hit.kind,
            url: hit.href,
            title: hit.title,
            snippet_html: hit.snippet,
        }
    }
}
