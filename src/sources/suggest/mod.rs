//! Argument mining: on import, argmap proposes candidate claims (argumentative sentences)
//! and candidate tensions (trade-off language) for a contributor to accept or dismiss.
//!
//! A sentence becomes a candidate claim when its cues add up to [`CLAIM_THRESHOLD`]:
//! contrast and conclusion markers, modal verbs, evaluative words, and the language of
//! tests and tensions. The figures against the shipped map are measured by
//! `argmap eval-suggestions` (see the README).

use std::sync::LazyLock;

use regex::Regex;
use sqlx::PgConnection;

use super::Segment;

mod evaluation;
pub use evaluation::{PointScores, Scores, evaluate, evaluate_fixtures, score_points};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Claim,
    Tension,
}

impl SuggestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Claim => "claim",
            SuggestionKind::Tension => "tension",
        }
    }
}

/// A candidate: a span of a segment, in characters, and the cues that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    pub start_char: usize,
    pub end_char: usize,
    pub body: String,
    pub cues: Vec<String>,
}

/// The score a sentence needs to be a candidate claim.
pub const CLAIM_THRESHOLD: u32 = 1;
/// Sentences shorter than this are fragments, not claims.
const MIN_CLAIM_WORDS: usize = 6;

struct Cue {
    name: &'static str,
    weight: u32,
    pattern: Regex,
}

static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    let cue = |name, weight, pattern: &str| Cue {
        name,
        weight,
        pattern: Regex::new(&format!(r"(?i)\b(?:{pattern})\b")).unwrap(),
    };
    vec![
        cue(
            "contrast",
            1,
            r"but|however|although|though|whereas|yet|despite|instead|rather than|on the other hand|nevertheless|unlike",
        ),
        cue(
            "conclusion",
            1,
            r"therefore|thus|hence|so that|which means|means|clearly|consequently|as a result|the result|leads? to|that is why|because",
        ),
        cue(
            "modal",
            1,
            r"should|must|needs? to|need|will|would|could|might|may|cannot|can't|won't|unlikely|likely|has to|have to",
        ),
        cue(
            "evaluation",
            1,
            r"problem\w*|fail\w*|absurd|crazy|desirable|important|key|best|worse|better|difficult|wrong|inefficien\w*|advantage|merit|benefit|risk|barrier|lazy|impossible|necessary|matters?|succeed|success\w*",
        ),
        cue(
            "negation",
            1,
            r"not|no|never|nothing|isn't|aren't|doesn't|don't|won't",
        ),
        cue(
            "generalisation",
            1,
            r"every|always|never|nobody|no one|the real|actually|tends? to",
        ),
        cue(
            "tension or test",
            2,
            r"tensions?|trade-?offs?|tests?|dilemma|opposite|versus|vs",
        ),
    ]
});

static TENSION_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)\btension (?:is )?between (?P<a>[^,.;]+?) and (?P<b>[^,.;]+)",
        r"(?i)\btrade-?off between (?P<a>[^,.;]+?) and (?P<b>[^,.;]+)",
        r"(?i)\b(?P<a>[\w-]+(?: [\w-]+)?) (?:versus|vs\.?) (?P<b>[\w-]+(?: [\w-]+)?)",
        r"(?i)\b(?P<a>[\w-]+) is (?:not )?the opposite of (?P<b>[\w-]+)",
        r"(?i)\btension\w*\b",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
});

static SO_OPENING: LazyLock<Regex> = lazy_regex!(r"^(?i:so)[ ,]");

/// The sentences of `text` as char ranges: split after `.`, `?` or `!` followed by
/// whitespace, and at line breaks.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let boundary = c == '\n'
            || (matches!(c, '.' | '?' | '!') && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
        if boundary {
            let end = if c == '\n' { i } else { i + 1 };
            push_trimmed(&chars, start, end, &mut spans);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(&chars, start, chars.len(), &mut spans);
    spans
}

fn push_trimmed(chars: &[char], mut start: usize, mut end: usize, spans: &mut Vec<(usize, usize)>) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if end > start {
        spans.push((start, end));
    }
}

/// The candidate claims and tensions of one segment.
pub fn suggest(body: &str) -> Vec<Suggestion> {
    let chars: Vec<char> = body.chars().collect();
    let mut found = Vec::new();
    for (start, end) in sentences(body) {
        let sentence: String = chars[start..end].iter().collect();
        if sentence.split_whitespace().count() >= MIN_CLAIM_WORDS {
            let mut score = 0;
            let mut cues = Vec::new();
            // "So ..." opening a sentence draws a conclusion (inside one it rarely does).
            if SO_OPENING.is_match(&sentence) {
                score += 1;
                cues.push("conclusion: so".to_owned());
            }
            for cue in CUES.iter() {
                if let Some(m) = cue.pattern.find(&sentence) {
                    score += cue.weight;
                    cues.push(format!("{}: {}", cue.name, m.as_str().to_lowercase()));
                }
            }
            if score >= CLAIM_THRESHOLD {
                found.push(Suggestion {
                    kind: SuggestionKind::Claim,
                    start_char: start,
                    end_char: end,
                    body: sentence.clone(),
                    cues,
                });
            }
        }
        if let Some(captures) = TENSION_PATTERNS.iter().find_map(|p| p.captures(&sentence)) {
            let cues = match (captures.name("a"), captures.name("b")) {
                (Some(a), Some(b)) => vec![format!(
                    "poles: {} | {}",
                    a.as_str().trim(),
                    b.as_str().trim()
                )],
                _ => vec![format!("trade-off: {}", captures[0].to_lowercase())],
            };
            found.push(Suggestion {
                kind: SuggestionKind::Tension,
                start_char: start,
                end_char: end,
                body: sentence,
                cues,
            });
        }
    }
    found
}

/// Stores the suggestions for freshly imported segments; returns how many.
pub async fn store(
    conn: &mut PgConnection,
    segment_ids: &[i64],
    segments: &[Segment],
) -> Result<usize, sqlx::Error> {
    let (mut ids, mut kinds, mut starts, mut ends, mut bodies, mut cues) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (id, segment) in segment_ids.iter().zip(segments) {
        for suggestion in suggest(&segment.body) {
            ids.push(*id);
            kinds.push(suggestion.kind.as_str().to_owned());
            starts.push(suggestion.start_char as i32);
            ends.push(suggestion.end_char as i32);
            bodies.push(suggestion.body);
            // Postgres arrays of arrays must be rectangular: store the cues joined.
            cues.push(suggestion.cues.join("; "));
        }
    }
    sqlx::query!(
        "insert into suggestions (segment_id, kind, start_char, end_char, body, cues)
         select segment_id, kind, start_char, end_char, body, string_to_array(cues, '; ')
         from unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[])
              as s(segment_id, kind, start_char, end_char, body, cues)
         on conflict do nothing",
        &ids,
        &kinds,
        &starts,
        &ends,
        &bodies,
        &cues,
    )
    .execute(conn)
    .await?;
    Ok(ids.len())
}

/// An existing claim a suggested claim resembles: link to it rather than duplicate it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct SimilarClaim {
    pub slug: String,
    pub text: String,
    /// 0 to 1: the larger of trigram similarity (pg_trgm) and the share of stemmed words
    /// the two have in common (PostgreSQL full text, Dice coefficient).
    pub similarity: f32,
}

/// How alike a claim must be to be shown as a resemblance.
pub const MIN_SIMILARITY: f32 = 0.3;
/// Resemblances shown per suggestion.
pub const MAX_SIMILAR: i64 = 3;

/// For every open suggested claim of a source version, the visible claims it resembles,
/// best first (one query for the whole version). Candidates come from the trigram and
/// full-text indexes: claims sharing trigrams or any stemmed word.
pub async fn similar_claims(
    db: impl sqlx::PgExecutor<'_>,
    source_version_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<SimilarClaim>>, sqlx::Error> {
    // Materialised so each suggestion's words and query are built once, not once per
    // claim compared with it: 750 ms became 170 ms for 18 suggestions over 91 claims.
    let rows = sqlx::query!(
        r#"with s as materialized (
             select s.id, s.body, to_tsvector('english', s.body) as words,
                    to_tsquery('english', nullif(replace(plainto_tsquery('english', s.body)::text, '&', '|'), '')) as any_word
             from suggestions s join segments g on g.id = s.segment_id
             where g.source_version_id = $1 and s.status = 'open' and s.kind = 'claim'
           )
           select s.id as "suggestion_id!", c.slug as "slug!: String", c.body as "text!",
                  c.score as "similarity!"
           from s cross join lateral (
             select c.slug, c.body, greatest(
                      similarity(c.body, s.body),
                      2 * (select count(*) from unnest(tsvector_to_array(s.words)) w
                            where w = any(tsvector_to_array(c.search)))::real
                        / greatest(1, length(s.words) + length(c.search))::real
                    )::real as score
             from claims c
             where c.hidden_at is null and c.merged_into_id is null
               and (c.body % s.body
                    or c.search @@ s.any_word)
             order by score desc, c.slug
             limit $3
           ) c
           where c.score >= $2
           order by s.id, c.score desc, c.slug"#,
        source_version_id,
        MIN_SIMILARITY,
        MAX_SIMILAR,
    )
    .fetch_all(db)
    .await?;
    let mut by_suggestion: std::collections::HashMap<i64, Vec<SimilarClaim>> =
        std::collections::HashMap::new();
    for row in rows {
        by_suggestion
            .entry(row.suggestion_id)
            .or_default()
            .push(SimilarClaim {
                slug: row.slug,
                text: row.text,
                similarity: row.similarity,
            });
    }
    Ok(by_suggestion)
}

/// The suggested claims of a source's current version that resemble existing claims,
/// with those claims, in the order of the text.
pub async fn resemblances(
    conn: &mut PgConnection,
    source_id: i64,
) -> Result<Vec<(String, Vec<SimilarClaim>)>, sqlx::Error> {
    let version_id = sqlx::query_scalar!(
        r#"select id as "id!" from current_source_versions where source_id = $1"#,
        source_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let mut similar = similar_claims(&mut *conn, version_id).await?;
    let rows = sqlx::query!(
        r#"select s.id, s.body from suggestions s join segments g on g.id = s.segment_id
           where g.source_version_id = $1 and s.status = 'open' and s.kind = 'claim'
           order by g.position, s.start_char"#,
        version_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| similar.remove(&row.id).map(|claims| (row.body, claims)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::char_span;

    #[test]
    fn sentences_are_split_at_terminal_punctuation_and_line_breaks() {
        let text = "One two. Three? Four!\nFive";
        let spans: Vec<String> = sentences(text)
            .into_iter()
            .map(|(s, e)| char_span(text, s, e))
            .collect();
        assert_eq!(spans, ["One two.", "Three?", "Four!", "Five"]);
    }

    #[test]
    fn an_argumentative_sentence_is_a_candidate_claim_and_a_plain_one_is_not() {
        let claims = suggest(
            "The report was published on Tuesday in London. But this reform will fail because it ignores social care.",
        );
        let bodies: Vec<&str> = claims
            .iter()
            .filter(|s| s.kind == SuggestionKind::Claim)
            .map(|s| s.body.as_str())
            .collect();
        assert_eq!(
            bodies,
            ["But this reform will fail because it ignores social care."]
        );
    }

    #[test]
    fn tension_language_yields_a_candidate_tension_with_its_poles() {
        let found =
            suggest("The first tension is between localism and a desire for national control.");
        let tension = found
            .iter()
            .find(|s| s.kind == SuggestionKind::Tension)
            .expect("a tension");
        assert_eq!(
            tension.cues,
            ["poles: localism | a desire for national control"]
        );
    }

    #[test]
    fn offsets_are_in_characters_not_bytes() {
        let text = "It’s said ministers think they are getting blamed. But blame is centralised and that will not change.";
        for s in suggest(text) {
            assert_eq!(char_span(text, s.start_char, s.end_char), s.body);
        }
    }
}
