//! Full-text search over claims, quotes, proposals, tensions and sources (their titles
//! and every segment of their current text), ranked, with the matched words marked.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::views::Crumb;
use crate::{AppState, Result};

/// Longer queries are refused: nobody types them, and they cost the database.
pub const MAX_QUERY_CHARS: usize = 200;
const MAX_RESULTS: i64 = 50;
/// Marks around matched words in snippets, chosen so they cannot occur in stored text;
/// the snippet is escaped first, then they become `<mark>`.
const START: &str = "\u{1}";
const STOP: &str = "\u{2}";

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub struct Hit {
    pub kind: String,
    pub href: String,
    pub title: String,
    /// Escaped HTML with `<mark>` around matches.
    pub snippet: String,
}

impl Hit {
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "claim" => "Claim",
            "quote" => "Quote",
            "proposal" => "Proposal",
            "tension" => "Tension",
            "source" => "Source",
            "segment" => "Source text",
            "debate" => "Debate",
            _ => "Result",
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    query: String,
    hits: Vec<Hit>,
    /// Why there are no results to show, when the query itself is the reason.
    notice: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchQuery>,
    masthead: crate::auth::Masthead,
) -> Result<Response> {
    let query = params.q.trim().to_owned();
    let crumbs = vec![Crumb::home(), Crumb::new("Search", "/search")];
    let page = |query: String, hits, notice: Option<&str>| SearchPage {
        masthead: masthead.clone(),
        crumbs: crumbs.clone(),
        query,
        hits,
        notice: notice.map(str::to_owned),
    };
    if query.is_empty() {
        return Ok(Html(page(query, Vec::new(), None).render()?).into_response());
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        let notice = format!(
            "Your search is {} characters long; searches can be at most {MAX_QUERY_CHARS}.",
            query.chars().count()
        );
        let shortened: String = query.chars().take(MAX_QUERY_CHARS).collect();
        return Ok((
            StatusCode::BAD_REQUEST,
            Html(page(shortened, Vec::new(), Some(&notice)).render()?),
        )
            .into_response());
    }
    if query.contains(['\u{0}', '\u{1}', '\u{2}']) {
        let notice = "Your search contains control characters; type words to search for.";
        return Ok((
            StatusCode::BAD_REQUEST,
            Html(page(String::new(), Vec::new(), Some(notice)).render()?),
        )
            .into_response());
    }

    let meaningful = sqlx::query_scalar!(
        r#"select numnode(websearch_to_tsquery('english', $1)) > 0 as "meaningful!""#,
        query
    )
    .fetch_one(&state.db)
    .await?;
    if !meaningful {
        let notice = "Your search has only very common words (like “the” or “and”), which are not indexed. Try a more specific word.";
        return Ok(Html(page(query, Vec::new(), Some(notice)).render()?).into_response());
    }

    let hits = find(&state, &query).await?;
    Ok(Html(page(query, hits, None).render()?).into_response())
}

/// One ranked query over every kind of object.
pub async fn find(state: &AppState, query: &str) -> Result<Vec<Hit>> {
    let options = format!(
        "StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    // Each kind is ranked and cut to the page's size first; only the hits shown are then
    // highlighted (ts_headline re-parses the text, by far the costliest step).
    let rows = sqlx::query!(
        r#"with q as (select websearch_to_tsquery('english', $1) as query),
           hits as (
               (select 'claim' as kind, '/claims/' || c.slug as href, c.body as title, c.body as doc,
                       ts_rank(c.search, q.query) * 1.2 as rank
                from claims c, q where c.search @@ q.query and c.hidden_at is null and c.merged_into_id is null
                order by rank desc limit $3)
             union all
               (select 'quote', '/claims/' || c.slug, c.body, qt.body, ts_rank(qt.search, q.query) as rank
                from quotes qt join claims c on c.id = qt.claim_id and c.hidden_at is null, q
                where qt.search @@ q.query and qt.removed_at is null
                order by rank desc limit $3)
             union all
               (select 'proposal', '/proposals/' || p.slug, p.title, p.title || '. ' || p.summary,
                       ts_rank(p.search, q.query) * 1.5 as rank
                from proposals p, q where p.search @@ q.query and p.hidden_at is null
                order by rank desc limit $3)
             union all
               (select 'tension', '/tensions/' || t.slug, t.title, t.pole_a || ' vs ' || t.pole_b || '. ' || t.description,
                       ts_rank(t.search, q.query) * 1.5 as rank
                from tensions t, q where t.search @@ q.query and t.hidden_at is null
                order by rank desc limit $3)
             union all
               (select 'debate', '/debates/' || d.slug, d.title, d.title || '. ' || d.summary,
                       ts_rank(d.search, q.query) * 1.5 as rank
                from debates d, q where d.search @@ q.query and d.hidden_at is null
                order by rank desc limit $3)
             union all
               (select 'source', '/sources/' || s.slug, s.title, s.title, ts_rank(s.search, q.query) * 1.3 as rank
                from sources s, q where s.search @@ q.query and s.hidden_at is null
                order by rank desc limit $3)
             union all
               (select 'segment', '/sources/' || s.slug || '#' || g.anchor, s.title || ', ' || g.locator, g.body,
                       ts_rank(g.search, q.query) * 0.8 as rank
                from segments g
                join current_source_versions v on v.id = g.source_version_id
                join sources s on s.id = v.source_id and s.hidden_at is null, q
                where g.search @@ q.query
                order by rank desc limit $3)
           ),
           top as (select * from hits order by rank desc, kind, title limit $3)
           select kind as "kind!", href as "href!", title as "title!",
                  ts_headline('english', translate(doc, chr(1) || chr(2), ''), (select query from q), $2) as "snippet!"
           from top
           order by rank desc, kind, title"#,
        query,
        options,
        MAX_RESULTS
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Hit {
            snippet: mark(&row.snippet),
            kind: row.kind,
            href: row.href,
            title: row.title,
        })
        .collect())
}

/// Escapes a snippet, then turns the match delimiters into `<mark>` elements.
pub fn mark(snippet: &str) -> String {
    use crate::map_svg::escape_xml;
    let mut out = String::with_capacity(snippet.len() + 32);
    for (i, part) in snippet.split(START).enumerate() {
        match part.split_once(STOP) {
            Some((marked, rest)) if i > 0 => {
                out.push_str("<mark>");
                out.push_str(&escape_xml(marked));
                out.push_str("</mark>");
                out.push_str(&escape_xml(rest));
            }
            // A delimiter without its pair marks nothing (escaping drops it).
            _ => out.push_str(&escape_xml(part)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_before_matches_are_marked() {
        assert_eq!(
            mark("a <b> \u{1}tension\u{2} & c"),
            "a &lt;b&gt; <mark>tension</mark> &amp; c"
        );
    }
}
