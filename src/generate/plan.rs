//! The synthetic map, planned in memory: pure and deterministic for its options.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::text;
use super::{
    ACTORS, ANNOTATIONS, CLAIMS, DEBATES, Options, PROPOSALS, RAISES, SOURCES, TAGS, TENSIONS,
    USERS,
};
use crate::domain::{ActorKind, Leaning, Pole, RelationKind, Role, Stance};
use crate::sources::{SourceKind, char_span, parse};

pub(super) struct Source {
    pub slug: String,
    pub kind: SourceKind,
    pub title: String,
    pub author: usize,
    pub outlet: String,
    pub published: time::Date,
    pub raw: String,
    pub segments: Vec<crate::sources::Segment>,
    pub debates: Vec<usize>,
}

pub(super) struct Quote {
    pub claim: usize,
    pub source: usize,
    pub segment: usize,
    pub start: usize,
    pub end: usize,
    pub body: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Target {
    Claim(usize),
    Proposal(usize),
    /// An inference: an earlier support or attack (an index into the plan's relations),
    /// which only undercuts target.
    Relation(usize),
}

/// The whole synthetic map, with objects referring to each other by index.
#[derive(Default)]
pub(super) struct Plan {
    pub actors: Vec<(String, String, ActorKind)>,
    pub debates: Vec<(String, String, String, time::Date, time::Date)>,
    pub tensions: Vec<(String, String, String, String, String)>,
    pub proposals: Vec<(String, usize, String, String)>,
    pub raises: Vec<(usize, usize, Leaning, String)>,
    pub sources: Vec<Source>,
    pub claims: Vec<(String, String, usize)>,
    pub quotes: Vec<Quote>,
    pub relations: Vec<(RelationKind, usize, Target)>,
    pub evidence: Vec<(usize, usize, Pole)>,
    pub claim_tags: Vec<(usize, usize)>,
    pub users: Vec<(String, String, Role)>,
    pub annotations: Vec<(usize, usize, String, Option<Stance>)>,
}

/// Where one unit's objects start in each list of the plan.
#[derive(Clone, Copy)]
struct Unit {
    number: usize,
    actor0: usize,
    debate0: usize,
    tension0: usize,
    proposal0: usize,
    raise0: usize,
    source0: usize,
    claim0: usize,
    user0: usize,
}

impl Unit {
    fn starting(number: usize, p: &Plan) -> Unit {
        Unit {
            number,
            actor0: p.actors.len(),
            debate0: p.debates.len(),
            tension0: p.tensions.len(),
            proposal0: p.proposals.len(),
            raise0: p.raises.len(),
            source0: p.sources.len(),
            claim0: p.claims.len(),
            user0: p.users.len(),
        }
    }
}

fn date(rng: &mut impl Rng, from_year: i32, to_year: i32) -> time::Date {
    let year = rng.random_range(from_year..=to_year);
    let ordinal = rng.random_range(1..=365);
    time::Date::from_ordinal_date(year, ordinal).expect("1..=365 is a valid ordinal")
}

/// Builds the plan: pure, deterministic for `options`.
pub(super) fn plan(options: Options) -> Plan {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let tag = format!("g{}", options.seed);
    let mut p = Plan::default();
    for number in 0..options.scale as usize {
        let unit = Unit::starting(number, &p);
        plan_definitions(&mut p, &mut rng, &tag, unit);
        plan_sources(&mut p, &mut rng, &tag, unit);
        plan_claims(&mut p, &mut rng, &tag, unit);
        plan_relations(&mut p, &mut rng, unit);
        plan_people(&mut p, &mut rng, &tag, unit);
    }
    p
}

/// A unit's actors, debates, tensions, proposals and the tensions they raise.
fn plan_definitions(p: &mut Plan, rng: &mut StdRng, tag: &str, unit: Unit) {
    let n = unit.number;
    for k in 0..ACTORS {
        let (name, kind) = match k % 6 {
            0..=2 => (text::person(rng), ActorKind::Person),
            3 | 4 => (text::organisation(rng), ActorKind::Organisation),
            _ => (text::office(rng), ActorKind::Office),
        };
        p.actors.push((format!("{tag}-actor-{n}-{k}"), name, kind));
    }
    for k in 0..DEBATES {
        let started = date(rng, 1990, 2020);
        let ended = started + time::Duration::days(rng.random_range(30..900));
        let summary = text::paragraph(rng, 3).join(" ");
        p.debates.push((
            format!("{tag}-debate-{n}-{k}"),
            format!("{} ({n}.{k})", text::title(rng)),
            summary,
            started,
            ended,
        ));
    }
    for k in 0..TENSIONS {
        let (a, b) = text::POLES[k % text::POLES.len()];
        p.tensions.push((
            format!("{tag}-tension-{n}-{k}"),
            format!("{a} vs {b} ({n}.{k})"),
            a.to_owned(),
            b.to_owned(),
            text::paragraph(rng, 2).join(" "),
        ));
    }
    for k in 0..PROPOSALS {
        p.proposals.push((
            format!("{tag}-proposal-{n}-{k}"),
            unit.debate0 + k % DEBATES,
            format!("{} ({n}.{k})", text::title(rng)),
            text::paragraph(rng, 2).join(" "),
        ));
    }
    let mut raised = HashSet::new();
    while p.raises.len() - unit.raise0 < RAISES {
        let proposal = rng.random_range(0..PROPOSALS);
        let tension = rng.random_range(0..TENSIONS);
        if raised.insert((proposal, tension)) {
            let leaning = *[Leaning::A, Leaning::B, Leaning::Balanced]
                .choose(rng)
                .unwrap();
            p.raises.push((
                unit.proposal0 + proposal,
                unit.tension0 + tension,
                leaning,
                text::sentence(rng),
            ));
        }
    }
}

/// A unit's source documents, cleaned and segmented as an import would.
fn plan_sources(p: &mut Plan, rng: &mut StdRng, tag: &str, unit: Unit) {
    let n = unit.number;
    for k in 0..SOURCES {
        let kind = [SourceKind::Article, SourceKind::Blog][k % 2];
        let title = text::title(rng);
        let mut raw = format!("{title}\n\n");
        let paragraphs = rng.random_range(8..=12);
        for _ in 0..paragraphs {
            let sentences = rng.random_range(3..=5);
            raw.push_str(&text::paragraph(rng, sentences).join(" "));
            raw.push_str("\n\n");
        }
        let segments = parse(&raw, Some(kind)).segments;
        let first = rng.random_range(0..DEBATES);
        let mut debates = vec![unit.debate0 + first];
        if rng.random_bool(0.3) {
            debates.push(unit.debate0 + (first + 1) % DEBATES);
        }
        p.sources.push(Source {
            slug: format!("{tag}-source-{n}-{k}"),
            kind,
            title: format!("{title} ({n}.{k})"),
            author: unit.actor0 + k % 3,
            outlet: text::outlet(rng),
            published: date(rng, 2000, 2024),
            raw,
            segments,
            debates,
        });
    }
}

/// A unit's claims, each quoting a sentence of one of its sources, with their tags.
fn plan_claims(p: &mut Plan, rng: &mut StdRng, tag: &str, unit: Unit) {
    let mut used_spans = HashSet::new();
    for k in 0..CLAIMS {
        let source = unit.source0 + k % SOURCES;
        let (segment, start, end, body) = loop {
            let segments = &p.sources[source].segments;
            let segment = rng.random_range(0..segments.len());
            let sentences = sentence_spans(&segments[segment].body);
            let (start, end) = *sentences.choose(rng).unwrap();
            if used_spans.insert((source, segment, start)) || used_spans.len() > 10_000 {
                let body = char_span(&segments[segment].body, start, end);
                break (segment, start, end, body);
            }
        };
        let actor = if rng.random_bool(0.8) {
            p.sources[source].author
        } else {
            unit.actor0 + rng.random_range(0..ACTORS)
        };
        let claim = p.claims.len();
        p.claims.push((
            format!("{tag}-claim-{}-{k}", unit.number),
            text::claim_from(&body, rng),
            actor,
        ));
        p.quotes.push(Quote {
            claim,
            source,
            segment,
            start,
            end,
            body,
        });
        let tags = rng.random_range(1..=2);
        let mut chosen = HashSet::new();
        for _ in 0..tags {
            let tag = rng.random_range(0..TAGS.len());
            if chosen.insert(tag) {
                p.claim_tags.push((claim, tag));
            }
        }
    }
}

/// A unit's relations (chains reaching the proposals, cycles, links into the previous
/// unit) and the claims that show the tensions its proposals raise.
fn plan_relations(p: &mut Plan, rng: &mut StdRng, unit: Unit) {
    let claim0 = unit.claim0;
    let relation0 = p.relations.len();
    let mut links = HashSet::new();
    let mut link = |p: &mut Plan, kind: RelationKind, from: usize, to: Target| {
        if to != Target::Claim(from) && links.insert((kind, from, to)) {
            p.relations.push((kind, from, to));
        }
    };
    for k in 0..CLAIMS {
        let from = claim0 + k;
        if k < PROPOSALS {
            // The first claims argue for or against a proposal each.
            let kind = if rng.random_bool(0.75) {
                RelationKind::Supports
            } else {
                RelationKind::Attacks
            };
            link(p, kind, from, Target::Proposal(unit.proposal0 + k));
            continue;
        }
        // The rest argue about earlier claims: chains that reach the proposals.
        let roll: f64 = rng.random();
        if roll >= 0.92 {
            // An undercut denies one of this unit's inferences made by another claim.
            let inference = relation0 + rng.random_range(0..p.relations.len() - relation0);
            let (kind, premise, _) = p.relations[inference];
            if kind != RelationKind::Undercuts && premise != from {
                link(
                    p,
                    RelationKind::Undercuts,
                    from,
                    Target::Relation(inference),
                );
                continue;
            }
        }
        let kind = if roll < 0.68 {
            RelationKind::Supports
        } else {
            RelationKind::Attacks
        };
        let target = if unit.number > 0 && rng.random_bool(0.04) {
            claim0 - CLAIMS + rng.random_range(0..CLAIMS)
        } else {
            claim0 + rng.random_range(0..k)
        };
        link(p, kind, from, Target::Claim(target));
    }
    // Cycles: a two-claim one in every unit, a three-claim one in every third.
    let c = |k: usize| claim0 + CLAIMS - 1 - k;
    let attacks = RelationKind::Attacks;
    link(p, attacks, c(0), Target::Claim(c(1)));
    link(p, attacks, c(1), Target::Claim(c(0)));
    if unit.number % 3 == 0 {
        link(p, attacks, c(2), Target::Claim(c(3)));
        link(p, attacks, c(3), Target::Claim(c(4)));
        link(p, attacks, c(4), Target::Claim(c(2)));
    }
    for raise in unit.raise0..p.raises.len() {
        let mut shown = HashSet::new();
        for _ in 0..rng.random_range(1..=3) {
            let claim = claim0 + rng.random_range(0..CLAIMS);
            if shown.insert(claim) {
                let pole = *[Pole::A, Pole::B].choose(rng).unwrap();
                p.evidence.push((raise, claim, pole));
            }
        }
    }
}

/// A unit's accounts and their annotations.
fn plan_people(p: &mut Plan, rng: &mut StdRng, tag: &str, unit: Unit) {
    for k in 0..USERS {
        let role = if k == 0 && unit.number % 10 == 0 {
            Role::Moderator
        } else {
            Role::Contributor
        };
        p.users.push((
            format!("{tag}-user-{}-{k}@example.org", unit.number),
            text::person(rng),
            role,
        ));
    }
    for _ in 0..ANNOTATIONS {
        let stance = *[
            Some(Stance::Agree),
            Some(Stance::Disagree),
            Some(Stance::Unsure),
            None,
        ]
        .choose(rng)
        .unwrap();
        p.annotations.push((
            unit.claim0 + rng.random_range(0..CLAIMS),
            unit.user0 + rng.random_range(0..USERS),
            text::paragraph(rng, 2).join(" "),
            stance,
        ));
    }
}

/// The char spans of the sentences of `body` (each ending with a full stop).
fn sentence_spans(body: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' && chars.get(i + 1).is_none_or(|n| *n == ' ') {
            spans.push((start, i + 1));
            start = i + 2;
        }
    }
    if spans.is_empty() {
        spans.push((0, chars.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_unit_has_the_shipped_maps_counts() {
        let p = plan(Options { scale: 1, seed: 3 });
        assert_eq!(p.actors.len(), ACTORS);
        assert_eq!(p.debates.len(), DEBATES);
        assert_eq!(p.tensions.len(), TENSIONS);
        assert_eq!(p.proposals.len(), PROPOSALS);
        assert_eq!(p.raises.len(), RAISES);
        assert_eq!(p.sources.len(), SOURCES);
        assert_eq!(p.claims.len(), CLAIMS);
        assert!(p.relations.len() >= CLAIMS, "{}", p.relations.len());
        assert!(p.relations.iter().any(|r| r.0 == RelationKind::Undercuts));
    }

    #[test]
    fn every_quote_is_the_text_of_its_segment() {
        let p = plan(Options { scale: 3, seed: 9 });
        for quote in &p.quotes {
            let body = &p.sources[quote.source].segments[quote.segment].body;
            assert_eq!(char_span(body, quote.start, quote.end), quote.body);
            assert!(quote.body.ends_with('.'), "{}", quote.body);
        }
    }

    #[test]
    fn the_same_seed_plans_the_same_map_and_another_seed_another() {
        let a = plan(Options { scale: 2, seed: 5 });
        let b = plan(Options { scale: 2, seed: 5 });
        let c = plan(Options { scale: 2, seed: 6 });
        assert_eq!(a.claims, b.claims);
        assert_eq!(a.relations.len(), b.relations.len());
        assert_ne!(
            a.claims.iter().map(|c| &c.1).collect::<Vec<_>>(),
            c.claims.iter().map(|c| &c.1).collect::<Vec<_>>()
        );
    }
}
