//! How a note is written from the map: every rule here is stated in `docs/summary.md`.
//!
//! - **Weight** of a proposal: the claims that bear on it directly (for or against), then
//!   the tensions it raises, then the claims in its whole argument, then its title.
//! - **Claims on a side**: standing first (stands, contested, defeated), then how many
//!   standing claims support them, then how many quotes back them, then slug. A defeated
//!   claim is only shown with the standing claims that defeat it.
//! - **The quote that carries a claim**: the one the map marks `primary`; otherwise the one
//!   sharing most content words with the claim's text (then the densest, then the first).
//! - **Bottom line**: the tensions most of the debate's proposals raise and which way they
//!   lean; each proposal's standing case (support, objections, both, neither); where the
//!   sources are one-sided or silent, and whether one source supplies most of the claims.
//! - **Length**: the default note details proposals, by weight, while it stays within
//!   [`WORD_LIMIT`] words (at least one); the full note details every one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Block, Detail, Note, Options, Span, WORD_LIMIT};
use crate::domain::{Leaning, Pole, RelationKind};
use crate::export::model::{Claim, Debate, MapDocument, Proposal, Quote, Relation};
use crate::standing::StandingLabel;

/// Claims shown on each side of a proposal in the default note.
pub const PER_SIDE: usize = 2;

/// Tensions named in the bottom line.
pub const MAIN_TENSIONS: usize = 3;

/// Rows of the recurring-tensions table in the default note.
pub const RECURRING_ROWS: usize = 5;

fn is_attack(relation: &Relation) -> bool {
    relation.kind != RelationKind::Supports
}

fn standing_rank(claim: &Claim) -> u8 {
    match claim.standing {
        StandingLabel::Stands => 0,
        StandingLabel::Contested => 1,
        StandingLabel::Defeated => 2,
    }
}

fn stands(claim: &Claim) -> bool {
    claim.standing == StandingLabel::Stands
}

/// "Local autonomy" → "local autonomy" and "A linear solution" → "a linear solution",
/// but a leading acronym ("NHS England", "ICSs") stays.
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second)
            if first.is_uppercase() && !second.is_some_and(char::is_uppercase) =>
        {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "with", "that", "this", "its", "it's", "from",
    "have", "has", "had", "was", "were", "been", "being", "will", "would", "can", "could",
    "should", "into", "than", "then", "they", "them", "their", "there", "these", "those", "which",
    "who", "what", "when", "where", "why", "how", "all", "any", "each", "more", "most", "other",
    "some", "such", "only", "own", "same", "too", "very", "our", "out", "you", "your", "his",
    "her", "she", "him", "one", "also", "about", "over", "under",
];

/// The content words of a text: lowercased, three letters or more, not a stop word, with a
/// plural "s" dropped.
pub fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’').to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| {
            if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_owned()
            } else {
                w
            }
        })
        .collect()
}

/// The quote that carries `claim`: its `primary` one, or the one sharing most content
/// words with the claim's text; ties go to the quote with the larger share of its own words
/// shared, then to the first.
pub fn carrying_quote(claim: &Claim) -> Option<&Quote> {
    if let Some(primary) = claim.quotes.iter().find(|q| q.primary) {
        return Some(primary);
    }
    let words = content_words(&claim.text);
    let mut best: Option<(&Quote, usize, f64)> = None;
    for quote in &claim.quotes {
        let own = content_words(&quote.text);
        let shared = own.intersection(&words).count();
        let density = shared as f64 / own.len().max(1) as f64;
        let better = match best {
            None => true,
            Some((_, s, d)) => shared > s || (shared == s && density > d),
        };
        if better {
            best = Some((quote, shared, density));
        }
    }
    best.map(|(q, _, _)| q)
}

/// What the claims bearing directly on a proposal say of it, and whether the sources
/// argue both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Standing claims for it; nothing at all against it.
    SupportedUnopposed,
    /// Standing claims for it; claims against it, none standing.
    SupportedAnswered,
    /// Standing claims on both sides.
    Disputed,
    /// Standing claims against it; nothing at all for it.
    OpposedUnargued,
    /// Standing claims against it; claims for it, none standing.
    OpposedAnswered,
    /// Claims bear on it, but none of them stands.
    Unsettled,
    /// No claim bears on it.
    Silent,
}

impl Case {
    pub const ALL: [Case; 7] = [
        Case::SupportedUnopposed,
        Case::SupportedAnswered,
        Case::Disputed,
        Case::OpposedAnswered,
        Case::OpposedUnargued,
        Case::Unsettled,
        Case::Silent,
    ];

    /// The bottom line's label for the proposals in this case.
    pub fn label(self) -> &'static str {
        match self {
            Case::SupportedUnopposed => "Support stands; the sources raise no objection:",
            Case::SupportedAnswered => "Support stands; every objection is answered:",
            Case::Disputed => "Standing claims on both sides:",
            Case::OpposedAnswered => "Objections stand; the case for does not:",
            Case::OpposedUnargued => "Objections stand; the sources make no case for it:",
            Case::Unsettled => "Nothing said of it stands:",
            Case::Silent => "Nothing in the sources bears on it:",
        }
    }
}

struct Sides<'a> {
    proposal: &'a Proposal,
    case_for: Vec<&'a Claim>,
    against: Vec<&'a Claim>,
    tensions: usize,
    tree: usize,
}

impl Sides<'_> {
    fn standing(&self, supporting: bool) -> usize {
        let side = if supporting {
            &self.case_for
        } else {
            &self.against
        };
        side.iter().filter(|c| stands(c)).count()
    }

    fn case(&self) -> Case {
        let (standing_for, standing_against) = (self.standing(true), self.standing(false));
        match (standing_for, standing_against) {
            _ if self.case_for.is_empty() && self.against.is_empty() => Case::Silent,
            (0, 0) => Case::Unsettled,
            (_, 0) if self.against.is_empty() => Case::SupportedUnopposed,
            (_, 0) => Case::SupportedAnswered,
            (0, _) if self.case_for.is_empty() => Case::OpposedUnargued,
            (0, _) => Case::OpposedAnswered,
            _ => Case::Disputed,
        }
    }

    fn weight(&self) -> (usize, usize, usize) {
        (
            self.case_for.len() + self.against.len(),
            self.tensions,
            self.tree,
        )
    }
}

struct Map<'a> {
    all: &'a MapDocument,
    claims: HashMap<&'a str, &'a Claim>,
    to: HashMap<&'a str, Vec<&'a Relation>>,
}

impl<'a> Map<'a> {
    fn new(all: &'a MapDocument) -> Self {
        let mut to: HashMap<&str, Vec<&Relation>> = HashMap::new();
        for relation in &all.relations {
            if let Some(target) = relation.to.node() {
                to.entry(target).or_default().push(relation);
            }
        }
        Map {
            all,
            claims: all.claims.iter().map(|c| (c.slug.as_str(), c)).collect(),
            to,
        }
    }

    fn relations_to(&self, target: &str) -> &[&'a Relation] {
        self.to.get(target).map_or(&[], Vec::as_slice)
    }

    fn standing_supporters(&self, claim: &Claim) -> usize {
        self.relations_to(&claim.slug)
            .iter()
            .filter(|r| !is_attack(r))
            .filter(|r| self.claims.get(r.from.as_str()).is_some_and(|c| stands(c)))
            .count()
    }

    /// The standing claims attacking `claim`: what defeats it when it is defeated.
    fn defeaters(&self, claim: &Claim) -> Vec<&'a Claim> {
        let mut out: Vec<&Claim> = self
            .relations_to(&claim.slug)
            .iter()
            .filter(|r| is_attack(r))
            .filter_map(|r| self.claims.get(r.from.as_str()).copied())
            .filter(|c| stands(c))
            .collect();
        out.sort_by(|a, b| a.slug.cmp(&b.slug));
        out.dedup_by(|a, b| a.slug == b.slug);
        out
    }

    fn rank(&self, claims: &mut Vec<&'a Claim>) {
        claims.sort_by_key(|c| {
            (
                standing_rank(c),
                std::cmp::Reverse(self.standing_supporters(c)),
                std::cmp::Reverse(c.quotes.len()),
                c.slug.clone(),
            )
        });
        claims.dedup_by(|a, b| a.slug == b.slug);
    }

    /// Every claim in a proposal's argument, directly or down the chain.
    fn tree(&self, proposal: &Proposal) -> Vec<&'a Claim> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let start = format!("proposal:{}", proposal.slug);
        let mut frontier = vec![start.as_str().to_owned()];
        while let Some(target) = frontier.pop() {
            for relation in self.relations_to(&target) {
                if seen.insert(relation.from.as_str()) {
                    frontier.push(relation.from.clone());
                }
            }
        }
        seen.iter()
            .filter_map(|s| self.claims.get(s).copied())
            .collect()
    }

    fn sides(&self, proposal: &'a Proposal) -> Sides<'a> {
        let target = format!("proposal:{}", proposal.slug);
        let mut case_for = Vec::new();
        let mut against = Vec::new();
        for relation in self.relations_to(&target) {
            if let Some(claim) = self.claims.get(relation.from.as_str()) {
                if is_attack(relation) {
                    against.push(*claim);
                } else {
                    case_for.push(*claim);
                }
            }
        }
        self.rank(&mut case_for);
        self.rank(&mut against);
        Sides {
            proposal,
            case_for,
            against,
            tensions: self
                .all
                .raises
                .iter()
                .filter(|r| r.proposal == proposal.slug)
                .count(),
            tree: self.tree(proposal).len(),
        }
    }
}

/// The blocks and numbered links of a note as it is written.
struct Writer<'a> {
    map: &'a Map<'a>,
    options: &'a Options,
    blocks: Vec<Block>,
    links: Vec<String>,
    sources: Vec<&'a str>,
    quoted: usize,
    shown: BTreeSet<&'a str>,
}

impl<'a> Writer<'a> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.options.base)
    }

    fn link(&mut self, text: &str, path: &str) -> Span {
        let url = self.url(path);
        let number = match self.links.iter().position(|l| *l == url) {
            Some(i) => i + 1,
            None => {
                self.links.push(url);
                self.links.len()
            }
        };
        Span::Link {
            text: text.to_owned(),
            number,
        }
    }

    fn source_number(&mut self, slug: &'a str) -> usize {
        match self.sources.iter().position(|s| *s == slug) {
            Some(i) => i + 1,
            None => {
                self.sources.push(slug);
                self.sources.len()
            }
        }
    }

    fn speaker(&self, claim: &Claim) -> String {
        self.map
            .all
            .actor_name(claim.actor.as_deref())
            .unwrap_or("Unattributed")
            .to_owned()
    }

    /// "Claim[n] — Speaker: “quote” (S1, ¶7)."
    fn claim_spans(&mut self, claim: &'a Claim, mark: bool) -> Vec<Span> {
        let mut spans = vec![self.link(&claim.text, &format!("/claims/{}", claim.slug))];
        if mark && !stands(claim) {
            spans.push(Span::Text(format!(" ({})", claim.standing)));
        }
        if !self.shown.insert(claim.slug.as_str()) {
            spans.push(Span::Text(" (quoted above).".to_owned()));
            return spans;
        }
        let speaker = self.speaker(claim);
        match carrying_quote(claim) {
            Some(quote) => {
                let number = self.source_number(&quote.source);
                self.quoted += 1;
                spans.push(Span::Text(format!(" — {speaker}: ")));
                spans.push(Span::Quote {
                    text: quote.text.clone(),
                    cite: self.url(&format!("/sources/{}#{}", quote.source, quote.anchor)),
                });
                spans.push(Span::Text(format!(" (S{number}, {}).", quote.locator)));
            }
            None => spans.push(Span::Text(format!(" — {speaker}."))),
        }
        spans
    }

    /// A claim on a proposal's side, with what defeats it when it is defeated.
    fn claim_item(&mut self, claim: &'a Claim) -> Option<Vec<Span>> {
        let mut spans = self.claim_spans(claim, true);
        if claim.standing == StandingLabel::Defeated {
            let defeaters = self.map.defeaters(claim);
            if defeaters.is_empty() {
                return None;
            }
            for defeater in defeaters {
                spans.push(Span::Text(" Defeated by: ".to_owned()));
                spans.extend(self.claim_spans(defeater, false));
            }
        }
        Some(spans)
    }

    fn proposal(&mut self, number: usize, sides: &Sides<'a>, detail: Detail) {
        let all = self.map.all;
        let proposal = sides.proposal;
        let title = self.link(&proposal.title, &format!("/proposals/{}", proposal.slug));
        self.blocks.push(Block::Heading(
            3,
            vec![Span::Text(format!("{number}. ")), title],
        ));
        if !proposal.summary.is_empty() {
            self.blocks
                .push(Block::Paragraph(vec![Span::Text(proposal.summary.clone())]));
        }
        let mut towards = Vec::new();
        let mut balanced = Vec::new();
        for raise in all.raises.iter().filter(|r| r.proposal == proposal.slug) {
            let Some(tension) = all.tensions.iter().find(|t| t.slug == raise.tension) else {
                continue;
            };
            match raise.leaning.pole() {
                Some(pole) => towards.push(pole_name(pole.name(&tension.pole_a, &tension.pole_b))),
                None => balanced.push(lower_first(&tension.title)),
            }
        }
        let mut leaning = Vec::new();
        if !towards.is_empty() {
            leaning.push(Span::Strong("Leans towards".to_owned()));
            leaning.push(Span::Text(format!(" {}", towards.join("; "))));
        }
        if !balanced.is_empty() {
            leaning.push(Span::Strong(
                if towards.is_empty() {
                    "Holds the balance on"
                } else {
                    "; holds the balance on"
                }
                .to_owned(),
            ));
            leaning.push(Span::Text(format!(" {}", balanced.join("; "))));
        }
        if !leaning.is_empty() {
            leaning.push(Span::Text(".".to_owned()));
            self.blocks.push(Block::Paragraph(leaning));
        }
        let limit = match detail {
            Detail::Short => PER_SIDE,
            Detail::Full => usize::MAX,
        };
        for (label, claims) in [("For", &sides.case_for), ("Against", &sides.against)] {
            let items: Vec<Vec<Span>> = claims
                .iter()
                .filter_map(|c| self.claim_item(c))
                .take(limit)
                .collect();
            if items.is_empty() {
                continue;
            }
            let more = claims.len().saturating_sub(items.len());
            let mut head = vec![Span::Strong(label.to_owned())];
            if more > 0 && detail == Detail::Short {
                head.push(Span::Text(format!(
                    " ({} of {})",
                    items.len(),
                    claims.len()
                )));
            }
            self.blocks.push(Block::Label(head));
            self.blocks.push(Block::List(items));
        }
        if detail == Detail::Full {
            let contested: Vec<&Claim> = self
                .map
                .tree(proposal)
                .into_iter()
                .filter(|c| c.standing == StandingLabel::Contested)
                .collect();
            if !contested.is_empty() {
                self.blocks.push(Block::Label(vec![
                    Span::Strong("Unresolved".to_owned()),
                    Span::Text(format!(
                        ": {} claims in this argument attack each other in a circle that nothing in the map settles",
                        contested.len()
                    )),
                ]));
                let items = contested
                    .into_iter()
                    .map(|c| self.claim_spans(c, false))
                    .collect();
                self.blocks.push(Block::List(items));
            }
        }
    }
}

fn long_date(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

fn period(debate: &Debate) -> Option<String> {
    match (debate.started, debate.ended) {
        (Some(start), Some(end)) => Some(format!("{} to {}", long_date(start), long_date(end))),
        (Some(start), None) => Some(format!("from {}", long_date(start))),
        (None, Some(end)) => Some(format!("until {}", long_date(end))),
        (None, None) => None,
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The bottom line: main tensions, each proposal's case (once each), and whether one
/// source supplies most of the argument.
fn bottom_line(map: &Map, sides: &[Sides]) -> Vec<Vec<Span>> {
    let all = map.all;
    let slugs: BTreeSet<&str> = sides.iter().map(|s| s.proposal.slug.as_str()).collect();
    let total = sides.len();
    let mut bullets = Vec::new();

    // Main tensions: raised by most proposals, then by slug.
    let mut by_tension: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for raise in all
        .raises
        .iter()
        .filter(|r| slugs.contains(r.proposal.as_str()))
    {
        by_tension.entry(raise.tension.as_str()).or_default()[leaning_index(raise.leaning)] += 1;
    }
    let mut ranked: Vec<(&str, [usize; 3])> = by_tension.into_iter().collect();
    ranked.sort_by_key(|(slug, c)| (std::cmp::Reverse(c.iter().sum::<usize>()), *slug));
    let mut sentences = Vec::new();
    for (slug, counts) in ranked.into_iter().take(MAIN_TENSIONS) {
        let Some(tension) = all.tensions.iter().find(|t| t.slug == slug) else {
            continue;
        };
        let raisers: usize = counts.iter().sum();
        sentences.push(format!(
            "{} ({} of {total} proposals: {})",
            tension.title,
            raisers,
            leanings(tension, counts).join(", ")
        ));
    }
    if !sentences.is_empty() {
        bullets.push(vec![
            Span::Strong("Main tensions.".to_owned()),
            Span::Text(format!(" {}.", sentences.join("; "))),
        ]);
    }

    for case in Case::ALL {
        let titles: Vec<String> = sides
            .iter()
            .filter(|s| s.case() == case)
            .map(|s| {
                let (f, a) = (s.standing(true), s.standing(false));
                match case {
                    Case::SupportedUnopposed | Case::SupportedAnswered => {
                        format!("{} ({f} for)", s.proposal.title)
                    }
                    Case::OpposedUnargued | Case::OpposedAnswered => {
                        format!("{} ({a} against)", s.proposal.title)
                    }
                    Case::Disputed => format!("{} ({f} for, {a} against)", s.proposal.title),
                    Case::Unsettled | Case::Silent => s.proposal.title.clone(),
                }
            })
            .collect();
        if !titles.is_empty() {
            bullets.push(vec![
                Span::Strong(case.label().to_owned()),
                Span::Text(format!(" {}.", titles.join("; "))),
            ]);
        }
    }

    // Whether one source supplies most of the claims bearing on these proposals.
    let mut by_source: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut bearing: BTreeSet<&str> = BTreeSet::new();
    for s in sides {
        for claim in s.case_for.iter().chain(&s.against) {
            bearing.insert(claim.slug.as_str());
            for quote in &claim.quotes {
                by_source
                    .entry(quote.source.as_str())
                    .or_default()
                    .insert(claim.slug.as_str());
            }
        }
    }
    let top = by_source
        .iter()
        .max_by_key(|(s, c)| (c.len(), std::cmp::Reverse(**s)));
    if let Some((source, claims)) = top {
        if bearing.len() >= 3 && claims.len() * 2 > bearing.len() {
            let title = all
                .sources
                .iter()
                .find(|s| s.slug == *source)
                .map_or(*source, |s| s.title.as_str());
            let share = if claims.len() == bearing.len() {
                "All".to_owned()
            } else {
                claims.len().to_string()
            };
            bullets.push(vec![
                Span::Strong("One source dominates.".to_owned()),
                Span::Text(format!(
                    " {share} of the {} claims made directly for or against these proposals come from “{title}”.",
                    bearing.len()
                )),
            ]);
        }
    }
    bullets
}

fn leaning_index(leaning: Leaning) -> usize {
    match leaning.pole() {
        Some(Pole::A) => 0,
        Some(Pole::B) => 1,
        None => 2,
    }
}

/// A pole's name for a table cell or a list: lower-cased, without a parenthesised aside.
fn pole_name(pole: &str) -> String {
    let short = match pole.find(" (") {
        Some(i) => &pole[..i],
        None => pole,
    };
    lower_first(short.trim())
}

/// "2 towards local autonomy", "1 balanced", for the counts of each leaning.
fn leanings(tension: &crate::export::model::Tension, [a, b, balanced]: [usize; 3]) -> Vec<String> {
    let mut out = Vec::new();
    if a > 0 {
        out.push(format!("{a} towards {}", pole_name(&tension.pole_a)));
    }
    if b > 0 {
        out.push(format!("{b} towards {}", pole_name(&tension.pole_b)));
    }
    if balanced > 0 {
        out.push(format!("{balanced} balanced"));
    }
    out
}

/// Tensions raised here and in another debate: a row each, a column per debate with how
/// that debate's proposals lean.
fn recurring(w: &mut Writer, debate: &Debate) {
    let all = w.map.all;
    let mut by_tension = leanings_by_debate(all);
    by_tension.retain(|_, debates| debates.len() > 1 && debates.contains_key(debate.slug.as_str()));
    if by_tension.is_empty() {
        return;
    }
    let recurring = by_tension.len();
    // Those this debate's proposals raise most first (then those raised most anywhere);
    // the short note keeps the first few.
    let raisers = |debates: &BTreeMap<&str, [usize; 3]>, d: Option<&str>| -> usize {
        debates
            .iter()
            .filter(|(slug, _)| d.is_none_or(|d| **slug == d))
            .map(|(_, counts)| counts.iter().sum::<usize>())
            .sum()
    };
    let mut ranked: Vec<&str> = by_tension.keys().copied().collect();
    ranked.sort_by_key(|slug| {
        let debates = &by_tension[slug];
        (
            std::cmp::Reverse(raisers(debates, Some(debate.slug.as_str()))),
            std::cmp::Reverse(raisers(debates, None)),
            *slug,
        )
    });
    if w.options.detail == Detail::Short {
        ranked.truncate(RECURRING_ROWS);
        by_tension.retain(|slug, _| ranked.contains(slug));
    }
    let (columns, head) = table_columns(all, &by_tension, debate);
    let mut rows = Vec::new();
    for slug in &ranked {
        let debates = &by_tension[slug];
        let Some(tension) = all.tensions.iter().find(|t| t.slug == *slug) else {
            continue;
        };
        let mut row = vec![vec![w.link(&tension.title, &format!("/tensions/{slug}"))]];
        for d in &columns {
            let cell = match debates.get(d.slug.as_str()) {
                None => "—".to_owned(),
                Some(counts) => leanings(tension, *counts)
                    .iter()
                    .map(|l| l.replacen(" towards ", " ", 1))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            row.push(vec![Span::Text(cell)]);
        }
        rows.push(row);
    }
    w.blocks.push(Block::Heading(
        2,
        vec![Span::Text("Tensions that recur across debates".to_owned())],
    ));
    let tensions = count(
        recurring,
        "of this debate's tensions recurs",
        "of this debate's tensions recur",
    );
    let sentence = if rows.len() < recurring {
        format!(
            "{tensions} in other debates; the table shows the {} its proposals raise most (the full note has all), each cell counting that debate's proposals by leaning.",
            rows.len()
        )
    } else {
        format!("{tensions} in other debates; each cell counts that debate's proposals by leaning.")
    };
    w.blocks.push(Block::Paragraph(vec![Span::Text(sentence)]));
    w.blocks.push(Block::Table { head, rows });
}

/// How many proposals of each debate raise each tension, by leaning (a, b, balanced).
fn leanings_by_debate(all: &MapDocument) -> BTreeMap<&str, BTreeMap<&str, [usize; 3]>> {
    let debate_of: HashMap<&str, &str> = all
        .proposals
        .iter()
        .map(|p| (p.slug.as_str(), p.debate.as_str()))
        .collect();
    let mut by_tension: BTreeMap<&str, BTreeMap<&str, [usize; 3]>> = BTreeMap::new();
    for raise in &all.raises {
        let Some(d) = debate_of.get(raise.proposal.as_str()) else {
            continue;
        };
        let counts = by_tension
            .entry(raise.tension.as_str())
            .or_default()
            .entry(d)
            .or_default();
        counts[leaning_index(raise.leaning)] += 1;
    }
    by_tension
}

/// The debates with a column in the recurring-tensions table (by date, undated last) and
/// the table's head: a year when it tells the debates apart, else the title; this debate
/// as "This debate".
fn table_columns<'a>(
    all: &'a MapDocument,
    by_tension: &BTreeMap<&str, BTreeMap<&str, [usize; 3]>>,
    debate: &Debate,
) -> (Vec<&'a Debate>, Vec<String>) {
    let mut columns: Vec<&Debate> = all
        .debates
        .iter()
        .filter(|d| {
            by_tension
                .values()
                .any(|ds| ds.contains_key(d.slug.as_str()))
        })
        .collect();
    // By date, undated debates last.
    columns.sort_by_key(|d| {
        let date = d.started.or(d.ended);
        (date.is_none(), date, d.slug.clone())
    });
    let years: Vec<Option<i32>> = columns
        .iter()
        .map(|d| d.started.or(d.ended).map(|x| x.year()))
        .collect();
    let head_of = |i: usize, d: &Debate| -> String {
        let unique = years[i].is_some() && years.iter().filter(|y| **y == years[i]).count() == 1;
        let name = match years[i] {
            Some(year) if unique => year.to_string(),
            _ => d.title.clone(),
        };
        if d.slug == debate.slug {
            "This debate".to_owned()
        } else {
            name
        }
    };
    let mut head = vec!["Tension".to_owned()];
    head.extend(columns.iter().enumerate().map(|(i, d)| head_of(i, d)));
    (columns, head)
}

fn sources(w: &mut Writer) {
    if w.sources.is_empty() {
        return;
    }
    let all = w.map.all;
    w.blocks
        .push(Block::Heading(2, vec![Span::Text("Sources".to_owned())]));
    w.blocks.push(Block::Paragraph(vec![Span::Text(format!(
        "The {} quoted from {} are each claim's primary quote in the map or, unmarked, the one sharing most words with the claim.",
        count(w.quoted, "passage", "passages"),
        count(w.sources.len(), "source", "sources"),
    ))]));
    let mut items = Vec::new();
    for (i, slug) in w.sources.clone().into_iter().enumerate() {
        let Some(source) = all.sources.iter().find(|s| s.slug == slug) else {
            continue;
        };
        let author = all
            .actor_name(source.author.as_deref())
            .or(source.author_name.as_deref())
            .unwrap_or("Author unknown");
        let mut citation = format!("{author}, “{}”", source.title);
        if let Some(outlet) = &source.outlet {
            citation.push_str(&format!(", {outlet}"));
        }
        citation.push_str(&match source.published {
            Some(date) => format!(", {}. ", long_date(date)),
            None => ", undated. ".to_owned(),
        });
        let mut spans = vec![
            Span::Strong(format!("S{}", i + 1)),
            Span::Text(format!(" {citation}")),
        ];
        match &source.url {
            Some(url) => {
                spans.push(Span::Text("Original: ".to_owned()));
                spans.push(Span::Url(url.clone()));
                spans.push(Span::Text(". ".to_owned()));
            }
            None => spans.push(Span::Text("Original address not recorded. ".to_owned())),
        }
        spans.push(Span::Text("In argmap: ".to_owned()));
        spans.push(Span::Url(w.url(&format!("/sources/{slug}"))));
        items.push(spans);
    }
    w.blocks.push(Block::List(items));
}

/// Writes the note with the first `detailed` proposals (by weight) in detail.
fn write(map: &Map, debate: &Debate, sides: &[Sides], options: &Options, detailed: usize) -> Note {
    let mut w = Writer {
        map,
        options,
        blocks: Vec::new(),
        links: Vec::new(),
        sources: Vec::new(),
        quoted: 0,
        shown: BTreeSet::new(),
    };
    let mut dateline = vec![
        Span::Emphasis(format!(
            "Briefing note from argmap, {}:",
            long_date(options.today)
        )),
        Span::Text(" ".to_owned()),
        Span::Url(w.url(&format!("/debates/{}", debate.slug))),
        Span::Text(".".to_owned()),
    ];
    if let Some(period) = period(debate) {
        dateline.push(Span::Text(format!(" The debate ran {period}.")));
    }
    w.blocks.push(Block::Paragraph(dateline));
    if !debate.summary.is_empty() {
        w.blocks
            .push(Block::Paragraph(vec![Span::Text(debate.summary.clone())]));
    }
    let bottom = bottom_line(map, sides);
    if !bottom.is_empty() {
        w.blocks.push(Block::Heading(
            2,
            vec![Span::Text("Bottom line".to_owned())],
        ));
        w.blocks.push(Block::List(bottom));
    }
    if !sides.is_empty() {
        w.blocks.push(Block::Heading(
            2,
            vec![Span::Text("The proposals, heaviest first".to_owned())],
        ));
        let mut intro = format!(
            "The {} are ordered by weight (the claims bearing on each directly, then the tensions it raises); \
             under each, claims that stand come first, and a defeated claim is shown with what defeats it",
            count(sides.len(), "proposal", "proposals")
        );
        if detailed < sides.len() && options.detail == Detail::Short {
            let shown = if detailed == 1 {
                "only the heaviest".to_owned()
            } else {
                format!("the heaviest {detailed}")
            };
            intro.push_str(&format!(
                ". This note details {shown}; the full note adds the other {}",
                sides.len() - detailed
            ));
        }
        intro.push('.');
        let mut spans = vec![Span::Text(intro)];
        if detailed < sides.len() && options.detail == Detail::Short {
            spans.push(Span::Text(" ".to_owned()));
            spans.push(w.link(
                "Full note",
                &format!("/debates/{}/summary.html?detail=full", debate.slug),
            ));
            spans.push(Span::Text(".".to_owned()));
        }
        w.blocks.push(Block::Paragraph(spans));
        for (i, s) in sides.iter().take(detailed).enumerate() {
            w.proposal(i + 1, s, options.detail);
        }
        if options.detail == Detail::Full && detailed < sides.len() {
            w.blocks.push(Block::Heading(
                2,
                vec![Span::Text("Annex: the other proposals".to_owned())],
            ));
            for (i, s) in sides.iter().enumerate().skip(detailed) {
                w.proposal(i + 1, s, Detail::Full);
            }
        }
    }
    recurring(&mut w, debate);
    sources(&mut w);
    Note {
        title: debate.title.clone(),
        blocks: std::iter::once(Block::Heading(1, vec![Span::Text(debate.title.clone())]))
            .chain(w.blocks)
            .collect(),
        links: w.links,
    }
}

pub fn build(all: &MapDocument, slug: &str, options: &Options) -> Option<Note> {
    let debate = all.debates.iter().find(|d| d.slug == slug)?;
    let map = Map::new(all);
    let mut sides: Vec<Sides> = all
        .proposals
        .iter()
        .filter(|p| p.debate == slug)
        .map(|p| map.sides(p))
        .collect();
    sides.sort_by(|a, b| {
        b.weight()
            .cmp(&a.weight())
            .then_with(|| a.proposal.title.cmp(&b.proposal.title))
    });
    // The default note details as many proposals as fit; the full one details the same
    // ones first and the rest in its annex.
    let short = Options {
        detail: Detail::Short,
        ..options.clone()
    };
    let mut detailed = sides.len().min(1);
    for k in (2..=sides.len()).rev() {
        if write(&map, debate, &sides, &short, k).word_count() <= WORD_LIMIT {
            detailed = k;
            break;
        }
    }
    Some(write(&map, debate, &sides, options, detailed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(text: &str, quotes: &[(&str, bool)]) -> Claim {
        Claim {
            slug: "c".into(),
            text: text.into(),
            actor: None,
            tags: vec![],
            standing: StandingLabel::Stands,
            quotes: quotes
                .iter()
                .map(|(t, primary)| Quote {
                    source: "s".into(),
                    locator: "¶1".into(),
                    anchor: "p1".into(),
                    text: (*t).into(),
                    primary: *primary,
                })
                .collect(),
        }
    }

    #[test]
    fn the_carrying_quote_is_the_one_sharing_most_words_with_the_claim_not_the_first() {
        let c = claim(
            "The success regimes have had mixed success so far.",
            &[
                (
                    "There are broadly four policy leavers to drive change:",
                    false,
                ),
                ("the regimes have so far had mixed success", false),
            ],
        );
        assert_eq!(
            carrying_quote(&c).unwrap().text,
            "the regimes have so far had mixed success"
        );
    }

    #[test]
    fn a_quote_marked_primary_wins_over_word_overlap() {
        let c = claim(
            "The success regimes have had mixed success so far.",
            &[
                ("the regimes have so far had mixed success", false),
                ("four policy levers", true),
            ],
        );
        assert_eq!(carrying_quote(&c).unwrap().text, "four policy levers");
    }

    #[test]
    fn lower_first_keeps_acronyms() {
        assert_eq!(lower_first("Local autonomy"), "local autonomy");
        assert_eq!(lower_first("NHS England"), "NHS England");
        assert_eq!(lower_first("ICSs first"), "ICSs first");
        assert_eq!(
            lower_first("A linear solution imposed from above"),
            "a linear solution imposed from above"
        );
    }
}
