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
/// The most matches of one kind that are ranked: a word found in more places is ranked
/// among the first this many of each kind the index yields, so that a common word costs
/// what a rare one does (ranking every match of "integration" at 86,000 claims, 12,000
/// claims, 12,000 quotes and 22,700 passages, took 195 ms). More words narrow the search.
const MAX_CANDIDATES: i64 = 1_000;
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

crate::domain::vocabulary! {
    /// What a search hit is: an object with a page of its own, a claim's quote, or a
    /// passage (segment) of a source's text.
    pub enum HitKind ("search hit kind") {
        Claim = "claim",
        Quote = "quote",
        Proposal = "proposal",
        Tension = "tension",
        Debate = "debate",
        Source = "source",
        Segment = "segment",
    }
}

impl HitKind {
    /// The kind of the object it belongs to: a quote's is a claim, a passage's a source.
    pub fn object_kind(self) -> HitKind {
        match self {
            HitKind::Quote => HitKind::Claim,
            HitKind::Segment => HitKind::Source,
            kind => kind,
        }
    }

    /// What the results page calls it.
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Claim => "Claim",
            HitKind::Quote => "Quote",
            HitKind::Proposal => "Proposal",
            HitKind::Tension => "Tension",
            HitKind::Debate => "Debate",
            HitKind::Source => "Source",
            HitKind::Segment => "Source text",
        }
    }
}

pub struct Hit {
    pub kind: HitKind,
    pub href: String,
    pub title: String,
    /// Escaped HTML with `<mark>` around matches.
    pub snippet: String,
    /// The page of the object it belongs to (a quote's claim, a passage's source), and
    /// that object's title.
    pub object_href: String,
    pub object_title: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    query: String,
    hits: Vec<Found>,
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

    let tsquery = parse(&state.db, &query).await?;
    if tsquery.is_empty() {
        let notice = "Your search has only very common words (like “the” or “and”), which are not indexed. Try a more specific word.";
        return Ok(Html(page(query, Vec::new(), Some(notice)).render()?).into_response());
    }

    let found = by_object(find(&state, &tsquery).await?);
    Ok(Html(page(query, found, None).render()?).into_response())
}

/// What a search asks PostgreSQL for, as `tsquery` text (empty when it has only stop
/// words): the words as `websearch_to_tsquery` reads them, and each acronym (see
/// [`acronyms`]) as itself or its plural, whichever the text has.
pub async fn parse(db: &sqlx::PgPool, query: &str) -> Result<String> {
    let (rest, acronyms) = acronyms(query);
    Ok(sqlx::query_scalar!(
        r#"with a as (
               select string_agg(format('(%s | %ss)', w, w), ' & ') as expr
               from unnest($2::text[]) w
               where numnode(plainto_tsquery('english', w)) > 0
           )
           select (case when a.expr is null then websearch_to_tsquery('english', $1)
                        when $1 = '' then to_tsquery('english', a.expr)
                        else websearch_to_tsquery('english', $1) && to_tsquery('english', a.expr)
                   end)::text as "tsquery!"
           from a"#,
        rest,
        &acronyms
    )
    .fetch_one(db)
    .await?)
}

/// Splits a search into the words left to `websearch_to_tsquery` and the acronyms taken
/// out of them, each in the singular. The English stemmer keeps `ccgs` apart from `ccg`
/// (it strips an `s` only after a vowel), so an acronym, a bare word of two or more
/// capitals (`CCG`, `NHS`) or of capitals and a plural `s` (`CCGs`), is searched as both
/// forms. Words in quotes or after `-` stay as typed, and so does a search using `or`,
/// whose grouping an acronym taken out would change.
pub fn acronyms(query: &str) -> (String, Vec<String>) {
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.iter().any(|w| w.eq_ignore_ascii_case("or")) {
        return (query.to_owned(), Vec::new());
    }
    let mut rest = Vec::new();
    let mut found = Vec::new();
    let mut quoted = false;
    for word in words {
        let bare = !quoted && !word.starts_with('-') && !word.contains('"');
        quoted ^= word.matches('"').count() % 2 == 1;
        let trimmed = word.trim_matches(|c: char| c.is_ascii_punctuation());
        let singular = trimmed.strip_suffix('s').unwrap_or(trimmed);
        if bare && singular.len() >= 2 && singular.bytes().all(|b| b.is_ascii_uppercase()) {
            if !found.iter().any(|f| f == singular) {
                found.push(singular.to_owned());
            }
        } else {
            rest.push(word);
        }
    }
    (rest.join(" "), found)
}

/// One result per object, in the order of its best match: a claim found through its
/// text and through its quotes comes back once, the quotes that matched under it; a
/// source, once, with the passages of its text that matched.
pub struct Found {
    /// The object's own hit, if its text matched (not only a quote or passage of it).
    pub own: Option<Hit>,
    pub kind: HitKind,
    pub href: String,
    pub title: String,
    /// The quotes or passages of it that matched, best first (at most [`WITHIN`]).
    pub within: Vec<Hit>,
}

/// The most quotes or passages shown under one result.
const WITHIN: usize = 3;

/// Groups ranked hits by the object they belong to (see [`Found`]).
pub fn by_object(hits: Vec<Hit>) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for hit in hits {
        let index = match found.iter().position(|f| f.href == hit.object_href) {
            Some(index) => index,
            None => {
                found.push(Found {
                    own: None,
                    kind: hit.kind.object_kind(),
                    href: hit.object_href.clone(),
                    title: hit.object_title.clone(),
                    within: Vec::new(),
                });
                found.len() - 1
            }
        };
        let object = &mut found[index];
        if hit.href == hit.object_href && hit.kind == object.kind {
            object.own = Some(hit);
        } else if object.within.len() < WITHIN {
            object.within.push(hit);
        }
    }
    found
}

/// One ranked query over every kind of object, for a search [`parse`]d to `tsquery`;
/// each hit names the object it belongs to (a quote its claim, a passage its source).
pub async fn find(state: &AppState, tsquery: &str) -> Result<Vec<Hit>> {
    let options = format!(
        "StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    // Each kind is ranked and cut to the page's size first; only the hits shown are then
    // highlighted (ts_headline re-parses the text, by far the costliest step). Each kind
    // ranks at most MAX_CANDIDATES of its matches (see there).
    // Passages are found through their index and then kept if their version is current:
    // joined the other way (each source's current version, then its passages), a rare word
    // read every passage of every source (200 ms for "waiting list" at scale 1000; 3 ms so).
    let rows = sqlx::query!(
        r#"with q as (select $1::text::tsquery as query),
           hits as (
               (select 'claim' as kind, '/claims/' || c.slug as href, c.body as title, c.body as doc,
                       '/claims/' || c.slug as object_href, c.body as object_title,
                       ts_rank(c.search, q.query) * 1.2 as rank
                from (select c.slug, c.body, c.search from claims c, q
                      where c.search @@ q.query and c.hidden_at is null and c.merged_into_id is null
                      limit $4) c, q
                order by rank desc limit $3)
             union all
               (select 'quote', '/claims/' || x.slug, x.body, x.quote, '/claims/' || x.slug, x.body,
                       ts_rank(x.search, q.query) as rank
                from (select c.slug, c.body, qt.body as quote, qt.search
                      from quotes qt join claims c on c.id = qt.claim_id and c.hidden_at is null, q
                      where qt.search @@ q.query and qt.removed_at is null
                      limit $4) x, q
                order by rank desc limit $3)
             union all
               (select 'proposal', '/proposals/' || p.slug, p.title, p.title || '. ' || p.summary,
                       '/proposals/' || p.slug, p.title, ts_rank(p.search, q.query) * 1.5 as rank
                from (select p.slug, p.title, p.summary, p.search from proposals p, q
                      where p.search @@ q.query and p.hidden_at is null limit $4) p, q
                order by rank desc limit $3)
             union all
               (select 'tension', '/tensions/' || t.slug, t.title, t.pole_a || ' vs ' || t.pole_b || '. ' || t.description,
                       '/tensions/' || t.slug, t.title, ts_rank(t.search, q.query) * 1.5 as rank
                from (select t.slug, t.title, t.pole_a, t.pole_b, t.description, t.search from tensions t, q
                      where t.search @@ q.query and t.hidden_at is null limit $4) t, q
                order by rank desc limit $3)
             union all
               (select 'debate', '/debates/' || d.slug, d.title, d.title || '. ' || d.summary,
                       '/debates/' || d.slug, d.title, ts_rank(d.search, q.query) * 1.5 as rank
                from (select d.slug, d.title, d.summary, d.search from debates d, q
                      where d.search @@ q.query and d.hidden_at is null limit $4) d, q
                order by rank desc limit $3)
             union all
               (select 'source', '/sources/' || s.slug, s.title, s.title, '/sources/' || s.slug, s.title,
                       ts_rank(s.search, q.query) * 1.3 as rank
                from (select s.slug, s.title, s.search from sources s, q
                      where s.search @@ q.query and s.hidden_at is null limit $4) s, q
                order by rank desc limit $3)
             union all
               (select 'segment', '/sources/' || x.slug || '#' || x.anchor, x.title || ', ' || x.locator, x.body,
                       '/sources/' || x.slug, x.title, ts_rank(x.search, q.query) * 0.8 as rank
                from (select s.slug, s.title, g.anchor, g.locator, g.body, g.search
                      from segments g
                      join source_versions v on v.id = g.source_version_id
                      join sources s on s.id = v.source_id and s.hidden_at is null, q
                      where g.search @@ q.query
                        and not exists (select 1 from source_versions newer
                                        where newer.source_id = v.source_id and newer.number > v.number)
                      limit $4) x, q
                order by rank desc limit $3)
           ),
           top as (select * from hits order by rank desc, kind, title limit $3)
           select kind as "kind!: HitKind", href as "href!", title as "title!",
                  object_href as "object_href!", object_title as "object_title!",
                  ts_headline('english', translate(doc, chr(1) || chr(2), ''), (select query from q), $2) as "snippet!"
           from top
           order by rank desc, kind, title"#,
        tsquery,
        options,
        MAX_RESULTS,
        MAX_CANDIDATES
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
            object_href: row.object_href,
            object_title: row.object_title,
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

    fn split(query: &str) -> (String, Vec<String>) {
        acronyms(query)
    }

    #[test]
    fn acronyms_and_their_plurals_are_taken_out_in_the_singular() {
        assert_eq!(split("CCGs"), (String::new(), vec!["CCG".to_owned()]));
        assert_eq!(
            split("ICS boards, AHPs."),
            (
                "boards,".to_owned(),
                vec!["ICS".to_owned(), "AHP".to_owned()]
            )
        );
        assert_eq!(split("NHS NHS"), (String::new(), vec!["NHS".to_owned()]));
    }

    #[test]
    fn words_that_are_not_bare_acronyms_stay_as_typed() {
        for query in [
            "ccgs",
            "Ccg",
            "A",
            "As",
            "-CCG",
            "\"the CCG board\"",
            "CCG or ICS",
            "CCG2",
        ] {
            assert_eq!(split(query).1, Vec::<String>::new(), "{query}");
        }
        assert_eq!(
            split("\"the CCG\" ICSs"),
            ("\"the CCG\"".to_owned(), vec!["ICS".to_owned()])
        );
    }
}
