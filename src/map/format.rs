//! The map files as written by people (docs/map-format.md), with the positions of the
//! values a loader may need to point at. Enumerated values (actor kinds, leanings, poles,
//! source kinds) and claim texts deserialise straight into their domain types, so a bad
//! one is reported by the TOML parser with its file and line.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::domain::{ActorKind, ClaimText, Leaning, Pole};
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
    pub quotes: Vec<Located>,
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
#[serde(deny_unknown_fields)]
pub struct InferenceDef {
    pub from: Located,
    pub supports: Option<Located>,
    pub attacks: Option<Located>,
    pub undercuts: Option<Box<Spanned<InferenceDef>>>,
}

/// A relation as the map names it, to compare an undercut's target with the relations
/// the map makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationKey {
    /// `from` supports or attacks `to` (a claim slug or `proposal:SLUG`).
    Node {
        from: String,
        kind: &'static str,
        to: String,
    },
    /// `from` undercuts the relation.
    Undercut { from: String, of: Box<RelationKey> },
}

impl RelationKey {
    pub fn from(&self) -> &str {
        match self {
            RelationKey::Node { from, .. } | RelationKey::Undercut { from, .. } => from,
        }
    }

    /// How many undercuts deep it is: 0 for a support or attack.
    pub fn depth(&self) -> usize {
        match self {
            RelationKey::Node { .. } => 0,
            RelationKey::Undercut { of, .. } => 1 + of.depth(),
        }
    }
}

impl std::fmt::Display for RelationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RelationKey::Node { from, kind, to } => write!(f, "{from:?} {kind} {to:?}"),
            RelationKey::Undercut { from, of } => write!(f, "{from:?} undercuts ({of})"),
        }
    }
}

impl InferenceDef {
    /// The relation it names, or why it names none.
    pub fn key(&self) -> Result<RelationKey, String> {
        let from = self.from.get_ref().clone();
        match (&self.supports, &self.attacks, &self.undercuts) {
            (Some(to), None, None) => Ok(RelationKey::Node {
                from,
                kind: "supports",
                to: to.get_ref().clone(),
            }),
            (None, Some(to), None) => Ok(RelationKey::Node {
                from,
                kind: "attacks",
                to: to.get_ref().clone(),
            }),
            (None, None, Some(inner)) => Ok(RelationKey::Undercut {
                from,
                of: Box::new(inner.get_ref().key()?),
            }),
            _ => Err(format!(
                "name the inference from {from:?} with exactly one of supports, attacks or undercuts"
            )),
        }
    }
}
