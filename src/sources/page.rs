//! A source's page: its metadata and cleaned text, segment by segment with locators as
//! anchors, every quoted span highlighted and linked to the claims that quote it.

use std::collections::BTreeSet;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use super::SegmentKind;
use super::read::{self, DebateLink, Quoted, Segment, Source, Suggested};
use crate::read::Reading;
use crate::views::form::Page;
use crate::views::{ClaimItem, Crumb};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/sources/{slug}", get(show))
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
    kind: SegmentKind,
    runs: Vec<Run>,
    claims: Vec<ClaimItem>,
    /// Candidate claims found on import, for contributors to take up or dismiss.
    suggestions: Vec<Suggested>,
}

impl SegmentView {
    /// The segment cut into runs at its quotes, the claims quoting it, and its open
    /// suggestions (taken from `suggestions`).
    fn new(segment: Segment, quotes: &[Quoted], suggestions: &mut Vec<Suggested>) -> Self {
        let spans: Vec<(usize, usize, ClaimItem)> = quotes
            .iter()
            .filter(|q| q.segment_id == segment.id)
            .map(|q| (q.start, q.end, q.claim.clone()))
            .collect();
        let mut claims: Vec<ClaimItem> = Vec::new();
        for (_, _, claim) in &spans {
            if !claims.iter().any(|c| c.id == claim.id) {
                claims.push(claim.clone());
            }
        }
        let (open, others) = std::mem::take(suggestions)
            .into_iter()
            .partition(|s| s.segment_id == segment.id);
        *suggestions = others;
        SegmentView {
            runs: runs(&segment.body, &spans),
            anchor: segment.anchor,
            locator: segment.locator,
            kind: segment.kind,
            claims,
            suggestions: open,
        }
    }
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

async fn show(reading: Reading) -> Result<Response> {
    let db = &reading.state.db;
    let source = read::find(db, &reading.key).await?;
    let segments = read::segments(db, source.version_id).await?;
    let standings = reading.state.caches.standings(db).await?;
    let quotes = read::quotes(db, source.version_id, &standings).await?;
    // Suggested claims are for contributors: readers neither see them nor pay for them.
    let mut suggestions = if reading.masthead.user.is_some() {
        read::suggestions(db, source.version_id).await?
    } else {
        Vec::new()
    };
    let debates = read::debates(db, source.id).await?;
    let quoted: BTreeSet<i64> = quotes.iter().map(|q| q.claim.id).collect();
    SourcePage {
        crumbs: vec![
            Crumb::home(),
            Crumb::new(&source.fields.title, format!("/sources/{}", source.slug)),
        ],
        segments: segments
            .into_iter()
            .map(|segment| SegmentView::new(segment, &quotes, &mut suggestions))
            .collect(),
        quoted_claims: quoted.len(),
        masthead: reading.masthead,
        source,
        debates,
    }
    .page()
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
