//! The export model: reading the map (or a part of it) from the database into one
//! [`MapDocument`], from which every export format is written.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sqlx::{PgConnection, PgPool};

use crate::cache::Caches;
use crate::domain::{ActorKind, Leaning, Pole, RelationKind};
pub use crate::map::document::*;
use crate::sources::SourceKind;
use crate::standing::{Standing, StandingLabel};
use crate::views::Standings;

/// Loads the part of the map `scope` names; None when its debate or proposal does not exist.
pub async fn load(db: &PgPool, scope: Scope) -> Result<Option<MapDocument>, sqlx::Error> {
    load_with(db, scope, None).await
}

/// [`load`], with the standings `caches` keeps when they are those of the map it reads
/// (the server keeps them per map version). It reads in one snapshot, so the document is
/// one state of the map even while writes land.
pub async fn load_with(
    db: &PgPool,
    scope: Scope,
    caches: Option<&Caches>,
) -> Result<Option<MapDocument>, sqlx::Error> {
    crate::db::in_snapshot(db, async |conn| read(conn, scope, caches).await).await
}

/// The standings of what `snapshot` sees: kept by `caches` or computed in it.
pub(crate) async fn standings_in(
    snapshot: &mut PgConnection,
    caches: Option<&Caches>,
) -> Result<Arc<Standings>, sqlx::Error> {
    match caches {
        Some(caches) => caches.standings_in(snapshot).await,
        None => Ok(Arc::new(Standings::load(snapshot).await?)),
    }
}

/// [`load_with`] on a snapshot the caller holds, to read more in the same one.
pub(crate) async fn read(
    conn: &mut PgConnection,
    scope: Scope,
    caches: Option<&Caches>,
) -> Result<Option<MapDocument>, sqlx::Error> {
    let Some((title, proposal_ids)) = scope_proposals(conn, &scope).await? else {
        return Ok(None);
    };
    let everything = scope == Scope::All;
    let claim_ids = claim_ids(conn, everything, &proposal_ids).await?;
    let standings = standings_in(conn, caches).await?;
    let claims = claims(conn, &claim_ids, &standings).await?;
    let relations = relations(conn, &claim_ids, &proposal_ids).await?;
    let proposals = proposals(conn, &proposal_ids).await?;
    let raises = raises(conn, &proposal_ids, &claim_ids).await?;
    let tension_slugs: Vec<String> = raises.iter().map(|r| r.tension.clone()).collect();
    let tensions = tensions(conn, everything, &tension_slugs).await?;
    let debate_slugs: Vec<String> = proposals.iter().map(|p| p.debate.clone()).collect();
    let debates = debates(conn, everything, &debate_slugs).await?;
    let quoted: BTreeSet<String> = claims
        .iter()
        .flat_map(|c| c.quotes.iter().map(|q| q.source.clone()))
        .collect();
    let sources = sources(conn, everything, &quoted.into_iter().collect::<Vec<_>>()).await?;
    let mut actor_slugs: BTreeSet<String> = claims.iter().filter_map(|c| c.actor.clone()).collect();
    actor_slugs.extend(sources.iter().filter_map(|s| s.author.clone()));
    let actors = actors(
        conn,
        everything,
        &actor_slugs.into_iter().collect::<Vec<_>>(),
    )
    .await?;

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

/// The proposals `ids` names, by slug.
pub(super) async fn proposals(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Result<Vec<Proposal>, sqlx::Error> {
    sqlx::query_as!(
        Proposal,
        r#"select p.slug as "slug!: String", d.slug as "debate!: String", p.title, p.summary
           from proposals p join debates d on d.id = p.debate_id
           where p.id = any($1) order by p.slug"#,
        ids
    )
    .fetch_all(conn)
    .await
}

/// Defines `$name(conn, everything, slugs)`: every visible row of a table as `$row`, or
/// those `slugs` names, by slug. The query's first parameter is `everything`, its second
/// the slugs.
macro_rules! every_or_named {
    ($(#[$doc:meta])* $name:ident -> $row:ident, $sql:literal) => {
        $(#[$doc])*
        pub(super) async fn $name(
            conn: &mut PgConnection,
            everything: bool,
            slugs: &[String],
        ) -> Result<Vec<$row>, sqlx::Error> {
            sqlx::query_as!($row, $sql, everything, slugs).fetch_all(conn).await
        }
    };
}

every_or_named!(
    /// Every visible tension, or those `slugs` names.
    tensions -> Tension,
    r#"select slug as "slug!: String", title, pole_a, pole_b, description from tensions
       where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#
);

every_or_named!(
    /// Every visible debate, or those `slugs` names.
    debates -> Debate,
    r#"select slug as "slug!: String", title, summary, started_on as started, ended_on as ended
       from debates
       where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#
);

every_or_named!(
    /// Every visible actor, or those `slugs` names.
    actors -> Actor,
    r#"select slug as "slug!: String", name, kind as "kind: ActorKind", handle, about from actors
       where hidden_at is null and ($1 or slug::text = any($2)) order by slug"#
);

/// The document's title and the proposals the scope takes in; None when the debate or
/// proposal it names does not exist.
pub(super) async fn scope_proposals(
    conn: &mut PgConnection,
    scope: &Scope,
) -> Result<Option<(String, Vec<i64>)>, sqlx::Error> {
    Ok(match scope {
        Scope::All => {
            let ids = sqlx::query_scalar!("select id from proposals where hidden_at is null")
                .fetch_all(&mut *conn)
                .await?;
            Some(("The argmap map".to_owned(), ids))
        }
        Scope::Debate(slug) => {
            let Some(debate) = sqlx::query!(
                "select id, title from debates where slug = $1::text and hidden_at is null",
                slug
            )
            .fetch_optional(&mut *conn)
            .await?
            else {
                return Ok(None);
            };
            let ids = sqlx::query_scalar!(
                "select id from proposals where debate_id = $1 and hidden_at is null",
                debate.id
            )
            .fetch_all(&mut *conn)
            .await?;
            Some((debate.title, ids))
        }
        Scope::Proposal(slug) => sqlx::query!(
            "select id, title from proposals where slug = $1::text and hidden_at is null",
            slug
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|proposal| (proposal.title, vec![proposal.id])),
    })
}

/// The claims: everything (by slug, so that a document can be written a slice at a time),
/// or those around the proposals (their trees and the claims that show the tensions they
/// raise).
pub(super) async fn claim_ids(
    conn: &mut PgConnection,
    everything: bool,
    proposal_ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    if everything {
        return sqlx::query_scalar!(
            "select id from claims where hidden_at is null and merged_into_id is null order by slug"
        )
        .fetch_all(&mut *conn)
        .await;
    }
    // The ids gathered first, then looked up: as `in (…) or in (…)` (or one `in` over the
    // union, whose size the planner cannot guess) PostgreSQL read every claim, 56 ms at
    // 86,000 claims; this way 0.8 ms.
    sqlx::query_scalar!(
        r#"with recursive tree (claim_id) as (
               select r.from_claim_id from relations r where r.to_proposal_id = any($1) and r.removed_at is null
               union
               select beneath.from_claim_id from tree t
               -- Two index lookups, not one join on "either" (which scanned every relation
               -- for every claim of the tree: 5.5 s for a debate at 86,000 claims).
               cross join lateral (
                   select r.from_claim_id from relations r
                   where r.to_claim_id = t.claim_id and r.removed_at is null
                   union all
                   -- undercuts of the inferences the tree's claims make
                   select u.from_claim_id from relations i
                   join relations u on u.to_relation_id = i.id and u.removed_at is null
                   where i.from_claim_id = t.claim_id and i.removed_at is null
               ) beneath
           )
           select c.id as "id!" from claims c
           where c.hidden_at is null and c.merged_into_id is null
             and c.id = any(array(select claim_id from tree
                                  union
                                  select e.claim_id from tension_evidence e
                                  join proposal_tensions pt on pt.id = e.proposal_tension_id
                                  where pt.proposal_id = any($1) and e.removed_at is null and pt.removed_at is null))"#,
        proposal_ids
    )
    .fetch_all(&mut *conn)
    .await
}

/// The claims with their quotes, tags and standing, by slug.
pub(super) async fn claims(
    conn: &mut PgConnection,
    claim_ids: &[i64],
    standings: &Standings,
) -> Result<Vec<Claim>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select c.id, c.slug as "slug!: String", c.body, a.slug as "actor?: String",
                  coalesce(array_agg(t.slug::text order by t.slug) filter (where t.id is not null), '{}') as "tags!"
           from claims c
           left join actors a on a.id = c.actor_id
           left join claim_tags ct on ct.claim_id = c.id and ct.removed_at is null
           left join tags t on t.id = ct.tag_id
           where c.id = any($1)
           group by c.id, a.slug
           order by c.slug"#,
        claim_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let quote_rows = sqlx::query!(
        r#"select q.claim_id, s.slug as "source!: String", g.locator, g.anchor, q.body, q.is_primary
           from quotes q
           join segments g on g.id = q.segment_id
           join source_versions v on v.id = g.source_version_id
           join sources s on s.id = v.source_id
           where q.claim_id = any($1) and q.removed_at is null
           order by s.slug, g.position, q.start_char, q.id"#,
        claim_ids
    )
    .fetch_all(&mut *conn)
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
    Ok(rows
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
        .collect())
}

/// The relations among the claims and from them to the proposals, and the undercuts (by
/// those claims) of those relations, each naming the inference it undercuts.
pub(super) async fn relations(
    conn: &mut PgConnection,
    claim_ids: &[i64],
    proposal_ids: &[i64],
) -> Result<Vec<Relation>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select r.id, r.kind as "kind!: RelationKind", f.slug as "from!: String",
                  coalesce(t.slug::text, 'proposal:' || p.slug::text) as "to?", r.to_relation_id
           from relations r
           join claims f on f.id = r.from_claim_id
           left join claims t on t.id = r.to_claim_id
           left join proposals p on p.id = r.to_proposal_id
           where r.removed_at is null and r.from_claim_id = any($1)
             and (r.to_claim_id = any($1) or r.to_proposal_id = any($2) or r.to_relation_id is not null)"#,
        claim_ids,
        proposal_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    // An undercut is included when what it undercuts is: resolve them outwards.
    let mut named: BTreeMap<i64, Relation> = BTreeMap::new();
    loop {
        let before = named.len();
        for row in &rows {
            if named.contains_key(&row.id) {
                continue;
            }
            let to = match (&row.to, row.to_relation_id) {
                (Some(node), _) => RelationTarget::Node(node.clone()),
                (None, Some(target)) => match named.get(&target) {
                    Some(inference) => RelationTarget::Inference(Box::new(inference.inference())),
                    None => continue,
                },
                (None, None) => continue,
            };
            let relation = Relation {
                kind: row.kind,
                from: row.from.clone(),
                to,
            };
            named.insert(row.id, relation);
        }
        if named.len() == before {
            break;
        }
    }
    let mut relations: Vec<Relation> = named.into_values().collect();
    // By kind as spelled, then from and to: the order exports have always had (an
    // undercut after what it undercuts, which the importers rely on).
    relations.sort_by(|a, b| {
        (a.kind.as_str(), a.to.depth(), &a.from, &a.to).cmp(&(
            b.kind.as_str(),
            b.to.depth(),
            &b.from,
            &b.to,
        ))
    });
    Ok(relations)
}

/// The tensions the proposals raise, with the evidence among `claims`.
pub(super) async fn raises(
    conn: &mut PgConnection,
    proposal_ids: &[i64],
    claim_ids: &[i64],
) -> Result<Vec<Raise>, sqlx::Error> {
    let included: BTreeSet<i64> = claim_ids.iter().copied().collect();
    let rows = sqlx::query!(
        r#"select p.slug as "proposal!: String", t.slug as "tension!: String", pt.leaning as "leaning: Leaning", pt.note,
                  c.id as "claim_id?", c.slug as "claim?: String", e.pole as "pole?: Pole"
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           left join tension_evidence e on e.proposal_tension_id = pt.id and e.removed_at is null
           left join claims c on c.id = e.claim_id and c.hidden_at is null
           where pt.proposal_id = any($1) and pt.removed_at is null
           order by p.slug, t.slug, c.slug"#,
        proposal_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut raises: Vec<Raise> = Vec::new();
    for row in rows {
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
        if let (Some(id), Some(claim), Some(pole)) = (row.claim_id, row.claim, row.pole) {
            if included.contains(&id) {
                raises
                    .last_mut()
                    .expect("pushed above")
                    .evidence
                    .push(Evidence { claim, pole });
            }
        }
    }
    Ok(raises)
}

every_or_named!(
    /// Every visible source, or those `slugs` names.
    sources -> Source,
    r#"select s.slug as "slug!: String", s.kind as "kind: SourceKind", s.title, a.slug as "author?: String", s.author_name, s.outlet,
       s.url, s.published_on as published,
       coalesce(array_agg(d.slug::text order by d.slug) filter (where d.id is not null), '{}') as "debates!"
       from sources s
       left join actors a on a.id = s.author_id
       left join debate_sources ds on ds.source_id = s.id
       left join debates d on d.id = ds.debate_id and d.hidden_at is null
       where s.hidden_at is null and ($1 or s.slug::text = any($2))
       group by s.id, a.slug
       order by s.slug"#
);
