//! The home page: the debates, a search box, the map's figures, its tensions and sources.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

use crate::stats::Stats;
use crate::{AppState, Result};

/// The most of each list the home page shows; the figures say how many there are.
const LISTED: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

struct DebateRow {
    slug: String,
    title: String,
    summary: String,
    period: Option<String>,
    proposals: i64,
}

struct TensionRow {
    slug: String,
    title: String,
    proposals: i64,
    debates: i64,
}

struct SourceRow {
    slug: String,
    title: String,
    kind: String,
    author: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    masthead: crate::auth::Masthead,
    stats: Stats,
    debates: Vec<DebateRow>,
    tensions: Vec<TensionRow>,
    sources: Vec<SourceRow>,
}

async fn home(
    State(state): State<AppState>,
    masthead: crate::auth::Masthead,
) -> Result<Html<String>> {
    let db = &state.db;
    let debates = sqlx::query_as!(
        DebateRow,
        r#"select d.slug as "slug!: String", d.title, d.summary,
                  case when d.started_on is null and d.ended_on is null then null
                       else concat_ws('–', extract(year from d.started_on)::text, extract(year from d.ended_on)::text)
                  end as period,
                  (select count(*) from proposals p where p.debate_id = d.id and p.hidden_at is null) as "proposals!"
           from debates d
           where d.hidden_at is null
           order by d.started_on desc nulls last, d.ended_on desc nulls last, d.title
           limit $1"#,
        LISTED
    )
    .fetch_all(db)
    .await?;
    let tensions = sqlx::query_as!(
        TensionRow,
        r#"select t.slug as "slug!: String", t.title,
                  count(distinct pt.proposal_id) as "proposals!",
                  count(distinct p.debate_id) as "debates!"
           from tensions t
           left join proposal_tensions pt on pt.tension_id = t.id and pt.removed_at is null
           left join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           where t.hidden_at is null
           group by t.id
           order by count(distinct p.debate_id) desc, count(distinct pt.proposal_id) desc, t.title
           limit $1"#,
        LISTED
    )
    .fetch_all(db)
    .await?;
    let sources = sqlx::query_as!(
        SourceRow,
        r#"select s.slug as "slug!: String", s.title, s.kind, coalesce(a.name, s.author_name) as author
           from sources s left join actors a on a.id = s.author_id
           where s.hidden_at is null
           order by s.published_on desc nulls last, s.title
           limit $1"#,
        LISTED
    )
    .fetch_all(db)
    .await?;
    let stats = state.caches.stats(db).await?;
    Ok(Html(
        HomePage {
            masthead,
            stats,
            debates,
            tensions,
            sources,
        }
        .render()?,
    ))
}
