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
    /// `"claim-slug"` or `"proposal:slug"`.
    pub to: String,
}

impl Relation {
    pub fn to_proposal(&self) -> Option<&str> {
        self.to.strip_prefix("proposal:")
    }

    pub fn to_claim(&self) -> Option<&str> {
        if self.to.starts_with("proposal:") {
            None
        } else {
            Some(&self.to)
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
        self.relations.iter().filter(move |r| r.to == target)
    }
}
