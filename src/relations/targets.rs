//! What a relation points at, named the way a person names it: by its words. A target
//! field takes a claim's or proposal's words (or, from a link that fixes it, its slug or
//! `proposal:SLUG`); the words are searched over visible claims and proposals, server-side,
//! so choosing works without JavaScript. An undercut's target is an inference (another
//! relation), named `relation:ID`.

use sqlx::PgConnection;

use crate::domain::RelationKind;
use crate::{Error, Result};

/// What a relation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Claim(i64),
    Proposal(i64),
    /// A live relation between visible claims (or to a visible proposal): an inference,
    /// which only an undercut targets.
    Relation(i64),
}

impl Target {
    pub(crate) fn claim(&self) -> Option<i64> {
        match self {
            Target::Claim(id) => Some(*id),
            _ => None,
        }
    }

    pub(crate) fn proposal(&self) -> Option<i64> {
        match self {
            Target::Proposal(id) => Some(*id),
            _ => None,
        }
    }

    pub(crate) fn relation(&self) -> Option<i64> {
        match self {
            Target::Relation(id) => Some(*id),
            _ => None,
        }
    }

    /// Refuses a target the relation `kind` cannot have, for the field `field`: an
    /// undercut targets an inference, a support or attack a claim or proposal.
    pub(crate) fn check(&self, kind: RelationKind, field: &str) -> Result<()> {
        match (kind.targets_relation(), self.relation().is_some()) {
            (true, false) => Err(Error::invalid(
                field,
                "an undercut names the inference it denies (relation:ID, the link from a premise to what it supports or attacks), not a claim or proposal",
            )),
            (false, true) => Err(Error::invalid(
                field,
                format!(
                    "a claim {kind} a claim or proposal; only an undercut targets an inference"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// A claim or proposal whose words match a search.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub target: Target,
    /// What a target field takes to name it exactly: the claim's slug, or `proposal:SLUG`.
    pub value: String,
    /// Its text (a claim) or title (a proposal).
    pub label: String,
    pub is_proposal: bool,
}

/// The most matches offered to choose from.
pub(crate) const MAX_MATCHES: i64 = 12;

/// Visible claims and proposals whose text matches `words` (all the words, stemmed, or the
/// words as a phrase inside it), the best first.
pub(crate) async fn matches(conn: &mut PgConnection, words: &str) -> Result<Vec<Match>> {
    let words = words.trim();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"with q as (select websearch_to_tsquery('english', $1) as query, lower($1) as phrase)
           select kind as "kind!", id as "id!", value as "value!", label as "label!" from (
               (select 'claim' as kind, c.id, c.slug::text as value, c.body as label,
                       ts_rank(c.search, q.query) + (strpos(lower(c.body), q.phrase) > 0)::int as rank
                from claims c, q
                where c.hidden_at is null and c.merged_into_id is null
                  and (c.search @@ q.query or strpos(lower(c.body), q.phrase) > 0))
               union all
               (select 'proposal', p.id, 'proposal:' || p.slug, p.title,
                       ts_rank(p.search, q.query) + (strpos(lower(p.title), q.phrase) > 0)::int
                from proposals p, q
                where p.hidden_at is null
                  and (p.search @@ q.query or strpos(lower(p.title), q.phrase) > 0))
           ) found
           order by rank desc, label
           limit $2"#,
        words,
        MAX_MATCHES
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let is_proposal = row.kind == "proposal";
            Match {
                target: if is_proposal {
                    Target::Proposal(row.id)
                } else {
                    Target::Claim(row.id)
                },
                value: row.value,
                label: row.label,
                is_proposal,
            }
        })
        .collect())
}

/// The claim, proposal or inference `name` names, for the field `field`: `relation:ID`,
/// `proposal:SLUG`, a claim's slug (or `/claims/SLUG`), or its words. Words matching one claim or proposal (or one
/// exactly) name it; none, or several, are a 422 saying so (the form then offers the
/// matches to choose from). Returns the target and its exact name.
pub(crate) async fn resolve(
    conn: &mut PgConnection,
    name: &str,
    field: &str,
) -> Result<(Target, String)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            field,
            "name the claim or proposal (a few of its words)",
        ));
    }
    if let Some(id) = name.strip_prefix("relation:") {
        let id = inference_id(conn, id, field).await?;
        return Ok((Target::Relation(id), format!("relation:{id}")));
    }
    if let Some(slug) = name.strip_prefix("proposal:") {
        let id = crate::claims::write::proposal_id(conn, slug.trim(), field).await?;
        return Ok((Target::Proposal(id), name.to_owned()));
    }
    let slug = name.trim_start_matches("/claims/");
    if let Some(id) = sqlx::query_scalar!(
        "select id from claims where slug = $1::text and hidden_at is null",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Ok((Target::Claim(id), slug.to_owned()));
    }
    let found = matches(conn, name).await?;
    let exact = found
        .iter()
        .find(|m| m.label.trim().eq_ignore_ascii_case(name));
    match (exact, found.as_slice()) {
        (Some(one), _) | (None, [one]) => Ok((one.target, one.value.clone())),
        (None, []) => Err(Error::invalid(
            field,
            format!("no claim or proposal has the slug or the words {name:?}"),
        )),
        (None, several) => Err(Error::invalid(
            field,
            format!(
                "{}{} claims and proposals match {name:?}: choose one",
                several.len(),
                if several.len() as i64 == MAX_MATCHES {
                    " or more"
                } else {
                    ""
                }
            ),
        )),
    }
}

/// The live relation `id` (as written after `relation:`) between visible claims, or
/// from a visible claim to a visible proposal or another such relation: an inference an
/// undercut may name.
async fn inference_id(conn: &mut PgConnection, id: &str, field: &str) -> Result<i64> {
    let unknown = || Error::invalid(field, format!("no live relation has the id {id:?}"));
    let id: i64 = id.trim().parse().map_err(|_| unknown())?;
    sqlx::query_scalar!(
        "select r.id from relations r
         join claims f on f.id = r.from_claim_id and f.hidden_at is null
         left join claims t on t.id = r.to_claim_id
         left join proposals p on p.id = r.to_proposal_id
         where r.id = $1 and r.removed_at is null
           and (t.hidden_at is null and t.id is not null or p.hidden_at is null and p.id is not null
                or r.to_relation_id is not null)",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(unknown)
}

/// The text of the claim or proposal `name` names exactly (a claim's slug, or
/// `proposal:SLUG`), if it is visible: what a form opened to answer it shows.
pub(crate) async fn label(conn: &mut PgConnection, name: &str) -> Result<Option<String>> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    Ok(sqlx::query_scalar!(
        r#"select coalesce(
               (select body from claims where slug = $1::text and hidden_at is null),
               (select title from proposals where 'proposal:' || slug = $1 and hidden_at is null))"#,
        name
    )
    .fetch_one(&mut *conn)
    .await?)
}
