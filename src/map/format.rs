//! The map files as written by people (docs/map-format.md), with the positions of the
//! values a loader may need to point at. Enumerated values (actor kinds, leanings, poles,
//! source kinds) and claim texts deserialise straight into their domain types, so a bad
//! one is reported by the TOML parser with its file and line.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::document;
use crate::domain::{ActorKind, ClaimText, Leaning, Pole, RelationKind};
use crate::sources::SourceKind;

/// A string with where it sits in its file, so errors can name the line.
pub type Located = Spanned<String>;

/// `map.toml`: everything but the claims.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapFile {
    #[serde(default)]
    pub actors: Vec<ActorDef>,
    #[serde(default)]
    pub debates: Vec<DebateDef>,
    #[serde(default)]
    pub tensions: Vec<TensionDef>,
    #[serde(default)]
    pub proposals: Vec<ProposalDef>,
    #[serde(default)]
    pub raises: Vec<RaiseDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorDef {
    pub slug: Located,
    pub name: String,
    pub kind: Spanned<ActorKind>,
    pub handle: Option<String>,
    pub about: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebateDef {
    pub slug: Located,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub started: Option<Spanned<Datetime>>,
    pub ended: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensionDef {
    pub slug: Located,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalDef {
    pub slug: Located,
    pub debate: Located,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaiseDef {
    pub proposal: Located,
    pub tension: Located,
    pub leaning: Spanned<Leaning>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub shown_by: Vec<EvidenceDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDef {
    pub claim: Located,
    pub pole: Spanned<Pole>,
}

/// `claims/*.toml`: one source and its claims.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    pub source: SourceDef,
    #[serde(default)]
    pub claims: Vec<ClaimDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    pub slug: Located,
    pub file: Located,
    pub kind: Option<Spanned<SourceKind>>,
    pub title: Option<String>,
    pub author: Option<Located>,
    pub outlet: Option<String>,
    pub url: Option<Located>,
    pub published: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub debates: Vec<Located>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimDef {
    pub slug: Located,
    pub text: Spanned<ClaimText>,
    pub by: Option<Located>,
    #[serde(default)]
    pub tags: Vec<Located>,
    pub quotes: Vec<Spanned<QuoteDef>>,
    #[serde(default)]
    pub supports: Vec<Located>,
    #[serde(default)]
    pub attacks: Vec<Located>,
    /// The inferences this claim undercuts.
    #[serde(default)]
    pub undercuts: Vec<Spanned<InferenceDef>>,
}

/// An inference (a relation) an undercut names: `{ from = "a", supports = "b" }` is the
/// inference from claim `a` to what it supports, `b` (a claim or `proposal:SLUG`); with
/// `attacks` the inference of an attack; with `undercuts` (another such table) an
/// undercut's. Exactly one of the three.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an inference: { from = \"premise\", supports = \"conclusion\" } (or attacks = …, or undercuts = { … }); an undercut names the link it denies, not a claim"
)]
pub struct InferenceDef {
    pub from: Located,
    pub supports: Option<Located>,
    pub attacks: Option<Located>,
    pub undercuts: Option<Box<Spanned<InferenceDef>>>,
}

impl InferenceDef {
    /// The relation it names, as the map document names relations, or why it names none.
    pub fn key(&self) -> Result<document::Inference, String> {
        let from = self.from.get_ref().clone();
        let node = |to: &Located| document::RelationTarget::Node(to.get_ref().clone());
        let (kind, to) = match (&self.supports, &self.attacks, &self.undercuts) {
            (Some(to), None, None) => (RelationKind::Supports, node(to)),
            (None, Some(to), None) => (RelationKind::Attacks, node(to)),
            (None, None, Some(inner)) => (
                RelationKind::Undercuts,
                document::RelationTarget::Inference(Box::new(inner.get_ref().key()?)),
            ),
            _ => {
                return Err(format!(
                    "name the inference from {from:?} with exactly one of supports, attacks or undercuts"
                ));
            }
        };
        Ok(document::Inference { kind, from, to })
    }
}

/// One of a claim's quotes: the exact words, or `{ text = "...", primary = true }` to mark
/// the quote that carries the claim best.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a quote: a string, or a table { text = \"...\", primary = true }"
)]
pub enum QuoteDef {
    Text(String),
    Marked(MarkedQuote),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkedQuote {
    pub text: String,
    #[serde(default)]
    pub primary: bool,
}

impl QuoteDef {
    pub fn text(&self) -> &str {
        match self {
            QuoteDef::Text(text) | QuoteDef::Marked(MarkedQuote { text, .. }) => text,
        }
    }

    pub fn primary(&self) -> bool {
        matches!(self, QuoteDef::Marked(MarkedQuote { primary: true, .. }))
    }
}

/// A TOML date as a calendar date; None for a time without a date or an impossible day.
pub fn to_date(datetime: &Datetime) -> Option<time::Date> {
    let date = datetime.date?;
    time::Date::from_calendar_date(
        i32::from(date.year),
        time::Month::try_from(date.month).ok()?,
        date.day,
    )
    .ok()
}

impl ActorDef {
    pub fn to_document(&self) -> document::Actor {
        document::Actor {
            slug: self.slug.get_ref().clone(),
            name: self.name.clone(),
            kind: *self.kind.get_ref(),
            handle: self.handle.clone(),
            about: self.about.clone(),
        }
    }
}

impl DebateDef {
    pub fn to_document(&self) -> document::Debate {
        document::Debate {
            slug: self.slug.get_ref().clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            started: self.started.as_ref().and_then(|d| to_date(d.get_ref())),
            ended: self.ended.as_ref().and_then(|d| to_date(d.get_ref())),
        }
    }
}

impl TensionDef {
    pub fn to_document(&self) -> document::Tension {
        document::Tension {
            slug: self.slug.get_ref().clone(),
            title: self.title.clone(),
            pole_a: self.pole_a.clone(),
            pole_b: self.pole_b.clone(),
            description: self.description.clone(),
        }
    }
}

impl ProposalDef {
    pub fn to_document(&self) -> document::Proposal {
        document::Proposal {
            slug: self.slug.get_ref().clone(),
            debate: self.debate.get_ref().clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
        }
    }
}
