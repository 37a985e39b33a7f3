//! A source's page: its metadata and cleaned text, segment by segment with locators as
//! anchors, every quoted span highlighted and linked to the claims that quote it.

use std::collections::BTreeSet;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use crate::views::{ClaimItem, Crumb};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/sources/{slug}", get(show))
}

struct Source {
    id: i64,
    slug: String,
    kind: String,
    title: String,
    author: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    published_on: Option<time::Date>,
    version_id: i64,
    version: i32,
}

/// A stretch of a segment's text, quoted by these claims (or by none).
pub struct Run {
    pub text: String,
    pub claims: Vec<ClaimItem>,
}

impl Run {
    pub fn title(&self) -> String {
        let bodies: Vec<&str> = self.claims.iter().map(|c| c.body.as_str()).collect();
        format!("Quoted by: {}", bodies.join(" · "))
    }
}

struct SegmentView {
    anchor: String,
    locator: String,
    kind: String,
    runs: Vec<Run>,
    claims: Vec<ClaimItem>,
    /// Candidate claims found on import, for contributors to take up or dismiss.
    suggestions: Vec<Suggestion>,
}

struct Suggestion {
    id: i64,
    body: String,
    cues: String,
    /// Claims already in the map that it resembles: link to one instead of duplicating.
    similar: Vec<crate::sources::suggest::SimilarClaim>,
}

struct DebateLink {
    slug: String,
    title: String,
}

#[derive(Template)]
#[template(path = "sources/show.html")]
struct SourcePage {
    masthead: crate::auth::Masthead,
    crumbs: Vec<Crumb>,
    source: Source,
    segments: Vec<SegmentView>,
    debates: Vec<DebateLink>,
    quoted_claims: usize,
}

/// Splits `body` at every quote boundary; each run knows which quotes cover it.
/// Spans are `[start, end)` in chars, with the claim that quotes them.
pub fn runs(body: &str, spans: &[(usize, usize, ClaimItem)]) -> Vec<Run> {
    let chars: Vec<char> = body.chars().collect();
    let mut cuts: BTreeSet<usize> = BTreeSet::from([0, chars.len()]);
    for (start, end, _) in spans {
        cuts.insert((*start).min(chars.len()));
        cuts.insert((*end).min(chars.len()));
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    let mut runs: Vec<Run> = Vec::new();
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        if from == to {
            continue;
        }
        let mut claims: Vec<ClaimItem> = Vec::new();
        for (start, end, claim) in spans {
            if *start <= from && to <= *end && !claims.iter().any(|c| c.id == claim.id) {
                claims.push(claim.clone());
            }
        }
        let text: String = chars[from..to].iter().collect();
        match runs.last_mut() {
            // Adjacent runs with the same claims read as one.
            Some(last)
                if last
                    .claims
                    .iter()
                    .map(|c| c.id)
                    .eq(claims.iter().map(|c| c.id)) =>
            {
                last.text.push_str(&text)
            }
            _ => runs.push(Run { text, claims }),
        }
    }
    runs
}

async fn show(
    State(state): State<AppState>,
    masthead: crate::auth::Masthead,
    Path(slug): Path<String>,
) -> Result<Html<String>> {
    let db = &state.db;
    let source = sqlx::query_as!(
        Source,
        r#"select s.id, s.slug as "slug!: String", s.kind, s.title, coalesce(a.name, s.author_name) as author,
                  s.outlet, s.url, s.published_on, v.id as "version_id!", v.number as "version!"
           from sources s
           left join actors a on a.id = s.author_id
           join current_source_versions v on v.source_id = s.id
           where s.slug = $1::text and s.hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the source {slug:?}")))?;

    let segments = sqlx::query!(
        "select id, anchor, locator, kind, body from segments where source_version_id = $1 order by position",
        source.version_id
    )
    .fetch_all(db)
    .await?;
    let quotes = sqlx::query!(
        r#"select q.segment_id, q.start_char, q.end_char, c.id as claim_id, c.slug as "slug!: String", c.body,
                  a.name as "actor?"
           from quotes q
           join segments g on g.id = q.segment_id
           join claims c on c.id = q.claim_id and c.hidden_at is null
           left join actors a on a.id = c.actor_id
           where g.source_version_id = $1 and q.removed_at is null
           order by q.start_char, c.id"#,
        source.version_id
    )
    .fetch_all(db)
    .await?;
    let standings = state.caches.standings(db).await?;
    let mut suggestions = sqlx::query!(
        r#"select s.id, s.segment_id, s.body, array_to_string(s.cues, '; ') as "cues!"
           from suggestions s join segments g on g.id = s.segment_id
           where g.source_version_id = $1 and s.status = 'open' and s.kind = 'claim'
           order by s.segment_id, s.start_char"#,
        source.version_id
    )
    .fetch_all(db)
    .await?;

    let mut similar = crate::sources::suggest::similar_claims(db, source.version_id).await?;

    let mut quoted: BTreeSet<i64> = BTreeSet::new();
    let segments: Vec<SegmentView> = segments
        .into_iter()
        .map(|segment| {
            let spans: Vec<(usize, usize, ClaimItem)> = quotes
                .iter()
                .filter(|q| q.segment_id == segment.id)
                .map(|q| {
                    let claim = ClaimItem {
                        id: q.claim_id,
                        slug: q.slug.clone(),
                        body: q.body.clone(),
                        actor: q.actor.clone(),
                        standing: standings.label(q.claim_id),
                    };
                    (q.start_char as usize, q.end_char as usize, claim)
                })
                .collect();
            let mut claims: Vec<ClaimItem> = Vec::new();
            for (_, _, claim) in &spans {
                quoted.insert(claim.id);
                if !claims.iter().any(|c| c.id == claim.id) {
                    claims.push(claim.clone());
                }
            }
            let open: Vec<Suggestion> = suggestions
                .iter_mut()
                .filter(|s| s.segment_id == segment.id)
                .map(|s| Suggestion {
                    id: s.id,
                    body: std::mem::take(&mut s.body),
                    cues: std::mem::take(&mut s.cues),
                    similar: similar.remove(&s.id).unwrap_or_default(),
                })
                .collect();
            SegmentView {
                runs: runs(&segment.body, &spans),
                anchor: segment.anchor,
                locator: segment.locator,
                kind: segment.kind,
                claims,
                suggestions: open,
            }
        })
        .collect();

    let debates = sqlx::query_as!(
        DebateLink,
        r#"select d.slug as "slug!: String", d.title from debate_sources ds
           join debates d on d.id = ds.debate_id and d.hidden_at is null
           where ds.source_id = $1 order by d.title"#,
        source.id
    )
    .fetch_all(db)
    .await?;

    let crumbs = vec![
        Crumb::home(),
        Crumb::new(&source.title, format!("/sources/{}", source.slug)),
    ];
    Ok(Html(
        SourcePage {
            masthead,
            crumbs,
            source,
            segments,
            debates,
            quoted_claims: quoted.len(),
        }
        .render()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(id: i64) -> ClaimItem {
        ClaimItem {
            id,
            slug: format!("c{id}"),
            body: format!("Claim {id}"),
            actor: None,
            standing: crate::standing::StandingLabel::Stands,
        }
    }

    fn shape(runs: &[Run]) -> Vec<(String, Vec<i64>)> {
        runs.iter()
            .map(|r| (r.text.clone(), r.claims.iter().map(|c| c.id).collect()))
            .collect()
    }

    #[test]
    fn overlapping_quotes_split_the_text_into_runs() {
        let runs = runs("abcdefgh", &[(1, 4, claim(1)), (3, 6, claim(2))]);
        assert_eq!(
            shape(&runs),
            [
                ("a".into(), vec![]),
                ("bc".into(), vec![1]),
                ("d".into(), vec![1, 2]),
                ("ef".into(), vec![2]),
                ("gh".into(), vec![])
            ]
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let runs = runs("It’s ‘main duty'", &[(5, 16, claim(1))]);
        assert_eq!(
            shape(&runs),
            [("It’s ".into(), vec![]), ("‘main duty'".into(), vec![1])]
        );
    }
}
