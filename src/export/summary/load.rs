//! What a debate's note is written from: the debate's part of the map, and how the other
//! debates' proposals lean on the tensions it raises (the recurring-tensions table). Never
//! the whole map, so a note costs the same however many debates the map holds.

use sqlx::{PgConnection, PgPool};
use std::collections::BTreeSet;

use crate::cache::Caches;
use crate::domain::Leaning;
use crate::export::Scope;
use crate::export::model::{self, Debate, MapDocument, Proposal, Raise};

/// The document a note on debate `slug` is built from; None if there is no such visible
/// debate. Other debates appear in it only as their proposals' leanings on this debate's
/// tensions (no claims, no evidence) and their titles and dates.
/// All of it is read in one snapshot (see [`load_with`](crate::export::load_with)).
pub async fn load(
    db: &PgPool,
    slug: &str,
    caches: Option<&Caches>,
) -> Result<Option<MapDocument>, sqlx::Error> {
    crate::db::in_snapshot(db, async |conn| read(conn, slug, caches).await).await
}

async fn read(
    conn: &mut PgConnection,
    slug: &str,
    caches: Option<&Caches>,
) -> Result<Option<MapDocument>, sqlx::Error> {
    let Some(mut doc) = model::read(conn, Scope::Debate(slug.to_owned()), caches).await? else {
        return Ok(None);
    };
    let tensions: Vec<String> = doc.raises.iter().map(|r| r.tension.clone()).collect();
    let elsewhere = sqlx::query!(
        r#"select p.slug as "proposal!: String", d.slug as "debate!: String", p.title, p.summary,
                  t.slug as "tension!: String", pt.leaning as "leaning: Leaning"
           from proposal_tensions pt
           join proposals p on p.id = pt.proposal_id and p.hidden_at is null
           join debates d on d.id = p.debate_id
           join tensions t on t.id = pt.tension_id and t.hidden_at is null
           where pt.removed_at is null and t.slug::text = any($1) and d.slug::text <> $2
           order by p.slug, t.slug"#,
        &tensions,
        slug
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut proposals = BTreeSet::new();
    let mut debates = BTreeSet::new();
    for row in elsewhere {
        if proposals.insert(row.proposal.clone()) {
            doc.proposals.push(Proposal {
                slug: row.proposal.clone(),
                debate: row.debate.clone(),
                title: row.title,
                summary: row.summary,
            });
        }
        debates.insert(row.debate);
        doc.raises.push(Raise {
            proposal: row.proposal,
            tension: row.tension,
            leaning: row.leaning,
            note: String::new(),
            evidence: Vec::new(),
        });
    }
    let others = sqlx::query_as!(
        Debate,
        r#"select slug as "slug!: String", title, summary, started_on as started, ended_on as ended
           from debates where hidden_at is null and slug::text = any($1) order by slug"#,
        &debates.into_iter().collect::<Vec<_>>()
    )
    .fetch_all(conn)
    .await?;
    doc.debates.extend(others);
    doc.debates.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(Some(doc))
}
