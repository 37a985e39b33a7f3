//! How good the suggestions are: against the claims people made in the database, and
//! against documents whose main points were marked by hand (`argmap eval-suggestions`).

use sqlx::PgConnection;

use super::{Suggestion, SuggestionKind, suggest};
use crate::files::read_bounded;
use crate::sources::{Segment, parse, read_file};

/// How well the candidate claims match the claims people made, over the whole database: a
/// candidate is a hit when it overlaps a quote of a claim; a quote is found when some
/// candidate overlaps it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    pub candidates: i64,
    pub hits: i64,
    pub quotes: i64,
    pub quotes_found: i64,
}

impl Scores {
    pub fn precision(&self) -> f64 {
        ratio(self.hits, self.candidates)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.quotes_found, self.quotes)
    }
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "candidate claims: {} ({} overlap a quote): precision {:.2}\nquotes: {} ({} overlapped by a candidate): recall {:.2}",
            self.candidates,
            self.hits,
            self.precision(),
            self.quotes,
            self.quotes_found,
            self.recall()
        )
    }
}

pub async fn evaluate(conn: &mut PgConnection) -> Result<Scores, sqlx::Error> {
    sqlx::query_as!(
        Scores,
        r#"select
             (select count(*) from suggestions where kind = 'claim') as "candidates!",
             (select count(*) from suggestions s
               where s.kind = 'claim' and exists (
                 select 1 from quotes q
                  where q.segment_id = s.segment_id and q.removed_at is null
                    and q.start_char < s.end_char and s.start_char < q.end_char)) as "hits!",
             (select count(*) from quotes where removed_at is null) as "quotes!",
             (select count(*) from quotes q
               where q.removed_at is null and exists (
                 select 1 from suggestions s
                  where s.kind = 'claim' and s.segment_id = q.segment_id
                    and q.start_char < s.end_char and s.start_char < q.end_char)) as "quotes_found!""#
    )
    .fetch_one(conn)
    .await
}

// Measured on documents with their main points marked by hand --------------------------

/// How the candidate claims of some documents match the main points marked in them by
/// hand: a candidate is a hit when it covers at least half of a main point; a main point
/// is found when some candidate does.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct PointScores {
    pub candidates: usize,
    pub hits: usize,
    pub points: usize,
    pub found: usize,
}

impl PointScores {
    pub fn precision(&self) -> f64 {
        ratio(self.hits as i64, self.candidates as i64)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.found as i64, self.points as i64)
    }

    fn add(&mut self, other: PointScores) {
        self.candidates += other.candidates;
        self.hits += other.hits;
        self.points += other.points;
        self.found += other.found;
    }
}

impl std::fmt::Display for PointScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} candidate claims, {} on a main point: precision {:.2}; {} main points, {} found: recall {:.2}",
            self.candidates,
            self.hits,
            self.precision(),
            self.points,
            self.found,
            self.recall()
        )
    }
}

/// Scores the candidate claims of one document against its main points (exact spans of
/// its text). A point that is not in any segment is an error in the marking.
pub fn score_points(segments: &[Segment], points: &[String]) -> Result<PointScores, String> {
    let candidates: Vec<(usize, Suggestion)> = segments
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            suggest(&s.body)
                .into_iter()
                .filter(|c| c.kind == SuggestionKind::Claim)
                .map(move |c| (i, c))
        })
        .collect();
    let mut marked: Vec<(usize, usize, usize)> = Vec::new();
    for point in points {
        let (segment, start) = segments
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.body.find(point.as_str()).map(|at| (i, at)))
            .ok_or_else(|| format!("the main point {point:?} is in no segment"))?;
        let body = &segments[segment].body;
        let start = body[..start].chars().count();
        marked.push((segment, start, start + point.chars().count()));
    }
    let covers = |(segment, c): &(usize, Suggestion), (ps, start, end): &(usize, usize, usize)| {
        let overlap = c
            .end_char
            .min(*end)
            .saturating_sub(c.start_char.max(*start));
        segment == ps && overlap * 2 >= end - start
    };
    Ok(PointScores {
        candidates: candidates.len(),
        hits: candidates
            .iter()
            .filter(|c| marked.iter().any(|p| covers(c, p)))
            .count(),
        points: marked.len(),
        found: marked
            .iter()
            .filter(|p| candidates.iter().any(|c| covers(c, p)))
            .count(),
    })
}

/// What a fixture's `NAME.expected.toml` says about `NAME.txt`, as far as suggestions go.
#[derive(Debug, Default, serde::Deserialize)]
struct Marked {
    #[serde(default)]
    main_points: Vec<String>,
}

/// Scores every `*.txt` in `dir` that has main points marked in its `.expected.toml`:
/// each document's scores, then the total.
pub fn evaluate_fixtures(
    dir: &std::path::Path,
) -> Result<(Vec<(String, PointScores)>, PointScores), String> {
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|err| format!("{}: cannot read it: {err}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".expected.toml"))
        .collect();
    names.sort();
    let mut each = Vec::new();
    let mut total = PointScores::default();
    for expected in names {
        let bytes = read_bounded(&expected, 1024 * 1024)
            .map_err(|err| format!("{}: {err}", expected.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{}: not UTF-8 text", expected.display()))?;
        let marked: Marked = toml::from_str(&text)
            .map_err(|err| format!("{}: {}", expected.display(), err.message()))?;
        if marked.main_points.is_empty() {
            continue;
        }
        let name = expected.to_string_lossy().replace(".expected.toml", ".txt");
        let text = read_file(std::path::Path::new(&name)).map_err(|err| err.to_string())?;
        let parsed = parse(&text, None);
        let scores = score_points(&parsed.segments, &marked.main_points)
            .map_err(|err| format!("{}: {err}", expected.display()))?;
        total.add(scores);
        each.push((name, scores));
    }
    Ok((each, total))
}
