//! The export model: one versioned, self-contained document of (part of) the map, from
//! which every export format is written and which `import-map` reads back.
//! Its JSON form is argmap's own format, described by `docs/schemas/argmap-map.v1.schema.json`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::domain::{ActorKind, Leaning, Pole, RelationKind};
use crate::sources::SourceKind;
use crate::standing::{Standing, StandingLabel};
use crate::views::Standings;

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

/// Loads the part of the map `scope` names; None when its debate or proposal does not exist.
pub async fn load(db: &PgPool, scope: Scope) -> Result<Option<MapDocument>, sqlx::Error> {
    load_with(db, scope, None).await
}

/// [`load`] with the standings already known (the server keeps them per map version).
pub async fn load_with(
    db: &PgPool,
    scope: Scope,
    standings: Option<std::sync::Arc<Standings>>,
) -> Result<Option<MapDocument>, sqlx::Error> {
    let (title, proposal_ids) = match &scope {
        Scope::All => {
            let ids = sqlx::query_scalar!("select id from proposals where hidden_at is null")
                .fetch_all(db)
                .await?;
            ("The argmap map".to_owned(), ids)
        }
        Scope::Debate(slug) => {
            let Some(debate) = sqlx::query!(
                "select id, title from debates where slug = $1::text and hidden_at is null",
                slug
            )
            .fetch_optional(db)
            .await?
            else {
                return Ok(None);
            };
            let ids = sqlx::query_scalar!(
                "select id from proposals where debate_id = $1 and hidden_at is null",
                debate.id
            )
            .fetch_all(db)
            .await?;
            (debate.title, ids)
        }
        Scope::Proposal(slug) => {
            let Some(proposal) = sqlx::query!(
                "select id, title from proposals where slug = $1::text and hidden_at is null",
                slug
            )
            .fetch_optional(db)
            .await?
            else {
                return Ok(None);
            };
            (proposal.title, vec![proposal.id])
        }
    };
    let everything = scope == Scope::All;

    // The claims: everything, or those around the proposals (their trees and the claims
    // that show the tensions they raise).
    let claim_ids: Vec<i64> = if everything {
        sqlx::query_scalar!(
            "select id from claims where hidden_at is null and merged_into_id is null"
        )
        .fetch_all(db)
        .await?
    } else {
        sqlx::query_scalar!(
            r#"with recursive tree (claim_id) as (
                   select r.from_claim_id from relations r where r.to_proposal_id = any($1) and r.removed_at is null
                   union
                   select r.from_claim_id from tree t join relations r on r.to_claim_id = t.claim_id and r.removed_at is null
               )
               select c.id as "id!" from claims c
               where c.hidden_at is null and c.merged_into_id is null
                 and (c.id in (select claim_id from tree)
                      or c.id in (select e.claim_id from tension_evidence e
                                  join proposal_tensions pt on pt.id = e.proposal_tension_id
                                  where pt.proposal_id = any($1) and e.removed_at is null and pt.removed_at is null))"#,
            &proposal_ids
        )
        .fetch_all(db)
        .await?
    };

    let standings = match standings {
        Some(known) => known,
        None => std::sync::Arc::new(Standings::load(db).await?),
    };
    let claim_rows = sqlx::query!(
        r#"select c.id, c.slug as "slug!: String", c.body, a.slug as "actor?: String",
                  coalesce(array_agg(t.slug::text order by t.slug) filter (where t.id is not null), '{}') as "tags!"
           from claims c
           left join actors a on a.id = c.actor_id
           left join claim_tags ct on ct.claim_id = c.id and ct.removed_at is null
           left join tags t on t.id = ct.tag_id
           where c.id = any($1)
           group by c.id, a.slug
           order by c.slug"#,
        &claim_ids
    )
    .fetch_all(db)
    .await?;
    let quote_rows = sqlx::query!(
        r#"select q.claim_id, s.slug as "source!: String", g.locator, g.anchor, q.body, q.is_primary
           from quotes q
           join segments g on g.id = q.segment_id
           join source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id
           where q.claim_id = any($1) and q.removed_at is null
           order by s.slug, g.position, q.start_char, q.id"#,
        &claim_ids
    )
    .fetch_all(db)
    .await?;
    let mut quotes: BTreeMap<i64, Vec<Quote>> = BTreeMap::new();
    for row in quote_rows {
        quotes.entry(row.claim_id).or_default().push(Quote {
            source: row.source,
            locator: row.locator,
            anchor: row.anchor,
            text: row.body,
            primary: row.is_primary,
        });
    }
    let claims: Vec<Claim> = claim_rows
        .into_iter()
        .map(|row| Claim {
            standing: standings
                .of(row.id)
                .map_or(StandingLabel::Stands, Standing::label),
            quotes: quotes.remove(&row.id).unwrap_or_default(),
            slug: row.slug,
            text: row.body,
            actor: row.actor,
            tags: row.tags,
        })
        .collect();

    let mut relations: Vec<Relation> = sqlx::query!(
        r#"select r.kind as "kind!: RelationKind", f.slug as "from!: String",
                  coalesce(t.slug::text, 'proposal:' || p.slug::text) as "to!"
           from relations r
           join claims f on f.id = r.from_claim_id
           left join claims t on t.id = r.to_claim_id
           left join proposals p on p.id = r.to_proposal_id
           where r.removed_at is null and r.from_claim_id = any($1)
             and (r.to_claim_id = any($1) or r.to_proposal_id = any($2))"#,
        &claim_ids,
        &proposal_ids
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| Relation {
        kind: r.kind,
        from: r.from,
        to: r.to,
    })
    .collect();
    // By kind as spelled, then from and to: the order exports have always had.
    relations
        .sort_by(|a, b| (a.kind.as_str(), &a.from, &a.to).cmp(&(b.kind.as_str(), &b.from, &b.to)));

    let proposals: Vec<Proposal> = sqlx::query!(
        r#"select p.slug as "slug!: String", d.slug as "debate!: String", p.title, p.summary
           from proposals p join debates d on d.id = p.debate_id
           where p.id = any($1) order by p.slug"#,
        &proposal_ids
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|p| Proposal {
        slug: p.slug,
        debate: p.debate,
        title: p.title,
        summary: p.summary,
    })
    .collect();

    let included: BTreeSet<&str> = claims.iter().map(|c| c.slug.as_str()).collect();
    let raise_rows = sqlx::query!(
        r#"select p.slug as "proposal!: String", t.slug as "tension!: String", pt.leaning as "leaning: Leaning", pt.note,
                  c.slug as "claim?: String", e.pole as "pole?: Pole"
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           left join tension_evidence e on e.proposal_tension_id = pt.id and e.removed_at is null
           left join claims c on c.id = e.claim_id and c.hidden_at is null
           where pt.proposal_id = any($1) and pt.removed_at is null
           order by p.slug, t.slug, c.slug"#,
        &proposal_ids
    )
    .fetch_all(db)
    .await?;
    let mut raises: Vec<Raise> = Vec::new();
    for row in raise_rows {
        if raises
            .last()
            .is_none_or(|r| r.proposal != row.proposal || r.tension != row.tension)
        {
            raises.push(Raise {
                proposal: row.proposal,
                tension: row.tension,
                leaning: row.leaning,
                note: row.note,
                evidence: Vec::new(),
            });
        }
        if let (Some(claim), Some(pole)) = (row.claim, row.pole) {
            if included.contains(claim.as_str()) {
                raises
                    .last_mut()
                    .expect("pushed above")
                    .evidence
                    .push(Evidence { claim, pole });
            }
        }
    }

    let tension_slugs: Vec<String> = raises.iter().map(|r| r.tension.clone()).collect();
    let tensions: Vec<Tension> = sqlx::query!(
        r#"select slug as "slug!: String", title, pole_a, pole_b, description from tensions
           where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#,
        everything,
        &tension_slugs
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|t| Tension {
        slug: t.slug,
        title: t.title,
        pole_a: t.pole_a,
        pole_b: t.pole_b,
        description: t.description,
    })
    .collect();

    let debate_slugs: Vec<String> = proposals.iter().map(|p| p.debate.clone()).collect();
    let debates: Vec<Debate> = sqlx::query!(
        r#"select slug as "slug!: String", title, summary, started_on, ended_on from debates
           where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#,
        everything,
        &debate_slugs
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|d| Debate {
        slug: d.slug,
        title: d.title,
        summary: d.summary,
        started: d.started_on,
        ended: d.ended_on,
    })
    .collect();

    let quoted_sources: Vec<String> = claims
        .iter()
        .flat_map(|c| c.quotes.iter().map(|q| q.source.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let sources: Vec<Source> = sqlx::query!(
        r#"select s.slug as "slug!: String", s.kind as "kind: SourceKind", s.title, a.slug as "author?: String", s.author_name, s.outlet,
                  s.url, s.published_on,
                  coalesce(array_agg(d.slug::text order by d.slug) filter (where d.id is not null), '{}') as "debates!"
           from sources s
           left join actors a on a.id = s.author_id
           left join debate_sources ds on ds.source_id = s.id
           left join debates d on d.id = ds.debate_id and d.hidden_at is null
           where s.hidden_at is null and ($1 or s.slug::text = any($2))
           group by s.id, a.slug
           order by s.slug"#,
        everything,
        &quoted_sources
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| Source {
        slug: s.slug,
        kind: s.kind,
        title: s.title,
        author: s.author,
        author_name: s.author_name,
        outlet: s.outlet,
        url: s.url,
        published: s.published_on,
        debates: s.debates,
    })
    .collect();

    let mut actor_slugs: BTreeSet<String> = claims.iter().filter_map(|c| c.actor.clone()).collect();
    actor_slugs.extend(sources.iter().filter_map(|s| s.author.clone()));
    let actor_slugs: Vec<String> = actor_slugs.into_iter().collect();
    let actors: Vec<Actor> = sqlx::query!(
        r#"select slug as "slug!: String", name, kind as "kind: ActorKind", handle, about from actors
           where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#,
        everything,
        &actor_slugs
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|a| Actor {
        slug: a.slug,
        name: a.name,
        kind: a.kind,
        handle: a.handle,
        about: a.about,
    })
    .collect();

    Ok(Some(MapDocument {
        format: FORMAT.to_owned(),
        version: VERSION,
        scope,
        title,
        actors,
        debates,
        tensions,
        proposals,
        sources,
        claims,
        relations,
        raises,
    }))
}
