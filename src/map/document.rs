//! The map as one versioned, self-contained document (of all of it or a part): what
//! every export format is written from, what `import-map` and the importers read back, and
//! what the map loader and store write. Its JSON form is argmap's own format, described
//! by `docs/schemas/argmap-map.v1.schema.json`.

use serde::{Deserialize, Serialize};

use crate::domain::{ActorKind, Leaning, Pole, RelationKind};
use crate::sources::SourceKind;
use crate::standing::StandingLabel;

pub const FORMAT: &str = "argmap-map";
pub const VERSION: u32 = 1;

/// What part of the map a document holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "slug", rename_all = "lowercase")]
pub enum Scope {
    All,
    Debate(String),
    Proposal(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapDocument {
    pub format: String,
    pub version: u32,
    pub scope: Scope,
    pub title: String,
    #[serde(default)]
    pub actors: Vec<Actor>,
    #[serde(default)]
    pub debates: Vec<Debate>,
    #[serde(default)]
    pub tensions: Vec<Tension>,
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub raises: Vec<Raise>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub slug: String,
    pub name: String,
    pub kind: ActorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Debate {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<time::Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<time::Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tension {
    pub slug: String,
    pub title: String,
    pub pole_a: String,
    pub pole_b: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub slug: String,
    pub debate: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub slug: String,
    pub kind: SourceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<time::Date>,
    #[serde(default)]
    pub debates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub slug: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Computed on export; ignored on import.
    #[serde(default)]
    pub standing: StandingLabel,
    #[serde(default)]
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub source: String,
    pub locator: String,
    pub anchor: String,
    pub text: String,
    /// The quote that carries the claim best, as the map marks it (at most one per claim).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub kind: RelationKind,
    pub from: String,
    /// `"claim-slug"` or `"proposal:slug"`; for an undercut, the inference it undercuts.
    pub to: RelationTarget,
}

/// What a relation points at: a claim or proposal, or (for an undercut) an inference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RelationTarget {
    /// `"claim-slug"` or `"proposal:slug"`.
    Node(String),
    Inference(Box<Inference>),
}

/// A relation named by what it relates: `{"kind", "from", "to"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inference {
    pub kind: RelationKind,
    pub from: String,
    pub to: RelationTarget,
}

impl RelationTarget {
    /// The claim slug or `proposal:slug`, unless it is an inference.
    pub fn node(&self) -> Option<&str> {
        match self {
            RelationTarget::Node(node) => Some(node),
            RelationTarget::Inference(_) => None,
        }
    }

    pub fn inference(&self) -> Option<&Inference> {
        match self {
            RelationTarget::Node(_) => None,
            RelationTarget::Inference(inference) => Some(inference),
        }
    }

    /// Calls `f` on every claim or proposal name inside it.
    pub fn names_mut(&mut self, f: &mut impl FnMut(&mut String)) {
        match self {
            RelationTarget::Node(node) => f(node),
            RelationTarget::Inference(inference) => {
                f(&mut inference.from);
                inference.to.names_mut(f);
            }
        }
    }

    /// How many undercuts deep the target is: 0 for a claim or proposal.
    pub fn depth(&self) -> usize {
        match self {
            RelationTarget::Node(_) => 0,
            RelationTarget::Inference(inference) => 1 + inference.to.depth(),
        }
    }
}

impl std::fmt::Display for RelationTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RelationTarget::Node(node) => f.write_str(node),
            RelationTarget::Inference(inference) => write!(f, "({inference})"),
        }
    }
}

impl std::fmt::Display for Inference {
    /// `a supports b`, `a attacks proposal:p`, `u undercuts (a supports b)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.from, self.kind, self.to)
    }
}

impl Inference {
    /// Reads back what `Display` writes; None for anything else.
    pub fn parse(title: &str) -> Option<Inference> {
        let (from, rest) = title.trim().split_once(' ')?;
        let (kind, to) = rest.split_once(' ')?;
        let kind: RelationKind = kind.parse().ok()?;
        let slug = |s: &str| crate::slug::is_slug(s.strip_prefix("proposal:").unwrap_or(s));
        let to = match to.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(inner) if kind.targets_relation() => {
                RelationTarget::Inference(Box::new(Inference::parse(inner)?))
            }
            None if !kind.targets_relation() && slug(to) => RelationTarget::Node(to.to_owned()),
            _ => return None,
        };
        crate::slug::is_slug(from).then(|| Inference {
            kind,
            from: from.to_owned(),
            to,
        })
    }
}

impl Relation {
    pub fn to_proposal(&self) -> Option<&str> {
        self.to.node()?.strip_prefix("proposal:")
    }

    pub fn to_claim(&self) -> Option<&str> {
        self.to.node().filter(|to| !to.starts_with("proposal:"))
    }

    /// Where a box-and-arrow drawing ends the relation's edge: its claim or proposal, or
    /// for an undercut the premise of the inference it undercuts (beneath which trees list
    /// it: such drawings have no edges into edges).
    pub fn drawn_to(&self) -> &str {
        match &self.to {
            RelationTarget::Node(node) => node,
            RelationTarget::Inference(inference) => &inference.from,
        }
    }

    /// This relation as an undercut names it.
    pub fn inference(&self) -> Inference {
        Inference {
            kind: self.kind,
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raise {
    pub proposal: String,
    pub tension: String,
    pub leaning: Leaning,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub claim: String,
    pub pole: Pole,
}

impl MapDocument {
    pub fn claim(&self, slug: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.slug == slug)
    }

    pub fn proposal(&self, slug: &str) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.slug == slug)
    }

    pub fn actor_name(&self, slug: Option<&str>) -> Option<&str> {
        let slug = slug?;
        self.actors
            .iter()
            .find(|a| a.slug == slug)
            .map(|a| a.name.as_str())
    }

    /// Relations pointing at `target` ("slug" or "proposal:slug").
    pub fn relations_to<'a>(&'a self, target: &'a str) -> impl Iterator<Item = &'a Relation> + 'a {
        self.relations
            .iter()
            .filter(move |r| r.to.node() == Some(target))
    }

    /// The undercuts of the inference `relation`.
    pub fn undercuts_of<'a>(
        &'a self,
        relation: &'a Relation,
    ) -> impl Iterator<Item = &'a Relation> + 'a {
        let inference = relation.inference();
        self.relations
            .iter()
            .filter(move |r| r.to.inference() == Some(&inference))
    }
}
