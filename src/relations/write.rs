//! Adding and retiring relations between existing claims (or a claim and a proposal).
//! Each function runs in the caller's transaction and records exactly one revision.

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::{Role, User};
use crate::claims::write::{claim_id, proposal_id};
use crate::domain::RelationKind;
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

/// A relation to add between two things already in the map.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewRelation {
    /// The claim that bears on the other (its slug).
    pub from: String,
    /// "supports", "attacks" or "undercuts".
    pub kind: String,
    /// What it bears on: a claim's slug, or "proposal:SLUG".
    pub to: String,
}

/// What a relation points at.
enum Target {
    Claim(i64),
    Proposal(i64),
}

impl Target {
    fn claim(&self) -> Option<i64> {
        match self {
            Target::Claim(id) => Some(*id),
            Target::Proposal(_) => None,
        }
    }

    fn proposal(&self) -> Option<i64> {
        match self {
            Target::Proposal(id) => Some(*id),
            Target::Claim(_) => None,
        }
    }
}

/// Adds the relation `new` (or brings back the same one, retired earlier); returns its
/// id. A relation that already holds is a 409 naming it.
pub async fn create(conn: &mut PgConnection, user: &User, new: &NewRelation) -> Result<i64> {
    user.require(Role::Contributor)?;
    let kind = new.kind.trim().parse::<RelationKind>().map_err(|_| {
        Error::invalid(
            "kind",
            format!("{:?} is not supports, attacks or undercuts", new.kind),
        )
    })?;
    let from_slug = new.from.trim().trim_start_matches("/claims/");
    if from_slug.is_empty() {
        return Err(Error::invalid("from", "name the claim (its slug)"));
    }
    let from = claim_id(conn, from_slug, "from").await?;
    let to_name = new.to.trim();
    let target = match to_name.strip_prefix("proposal:") {
        Some(slug) => Target::Proposal(proposal_id(conn, slug.trim(), "to").await?),
        None if to_name.is_empty() => {
            return Err(Error::invalid(
                "to",
                "name the claim (its slug) or the proposal (proposal:SLUG)",
            ));
        }
        None => Target::Claim(claim_id(conn, to_name.trim_start_matches("/claims/"), "to").await?),
    };
    if target.claim() == Some(from) {
        return Err(Error::invalid("to", "a claim cannot relate to itself"));
    }
    let after = json!({ "from": from_slug, "kind": kind, "to": to_name });

    let existing = sqlx::query!(
        r#"select id, removed_at is not null as "retired!" from relations
           where from_claim_id = $1 and kind = $2
             and to_claim_id is not distinct from $3 and to_proposal_id is not distinct from $4"#,
        from,
        kind.as_str(),
        target.claim(),
        target.proposal()
    )
    .fetch_optional(&mut *conn)
    .await?;
    let id = match existing {
        Some(row) if !row.retired => return Err(already(row.id, from_slug, kind, to_name)),
        Some(row) => {
            sqlx::query!(
                "update relations set removed_at = null, created_by = $2 where id = $1",
                row.id,
                user.id
            )
            .execute(&mut *conn)
            .await?;
            row.id
        }
        None => sqlx::query_scalar!(
            "insert into relations (kind, from_claim_id, to_claim_id, to_proposal_id, created_by)
             values ($1, $2, $3, $4, $5) on conflict do nothing returning id",
            kind.as_str(),
            from,
            target.claim(),
            target.proposal(),
            user.id
        )
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::Conflict {
            message: format!("{from_slug} already {kind} {to_name}"),
            current: None,
        })?,
    };
    Revision::new(ObjectKind::Relation, id, RevisionAction::Create)
        .by(user.id)
        .after(after)
        .record(conn)
        .await?;
    Ok(id)
}

/// The 409 for a relation that already holds.
fn already(id: i64, from: &str, kind: RelationKind, to: &str) -> Error {
    Error::Conflict {
        message: format!("{from} already {kind} {to}: that is relation {id}"),
        current: Some(json!({ "id": id, "url": format!("/api/v1/relations/{id}") })),
    }
}

/// Retires the relation `id` (sets `removed_at`; the row stays, with its history). Its
/// creator or a moderator may; retiring a retired one is a 409.
pub async fn retire(conn: &mut PgConnection, user: &User, id: i64) -> Result<()> {
    let relation = sqlx::query!(
        r#"select r.kind as "kind: RelationKind", r.created_by, r.removed_at is not null as "retired!",
                  f.hidden_at is not null as "hidden!", f.slug::text as "from!",
                  coalesce(c.slug::text, 'proposal:' || p.slug::text) as "to!"
           from relations r
           join claims f on f.id = r.from_claim_id
           left join claims c on c.id = r.to_claim_id
           left join proposals p on p.id = r.to_proposal_id
           where r.id = $1
           for update of r"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .filter(|r| !r.hidden || user.role >= Role::Moderator)
    .ok_or_else(|| Error::NotFound(format!("relation {id}")))?;
    if relation.created_by != Some(user.id) {
        user.require(Role::Moderator).map_err(|_| {
            Error::Forbidden("only its creator or a moderator may retire a relation".into())
        })?;
    }
    let state = json!({ "from": relation.from, "kind": relation.kind, "to": relation.to });
    if relation.retired {
        return Err(Error::Conflict {
            message: format!("relation {id} is already retired"),
            current: Some(state),
        });
    }
    sqlx::query!("update relations set removed_at = now() where id = $1", id)
        .execute(&mut *conn)
        .await?;
    let mut after = state.clone();
    after["retired"] = json!(true);
    Revision::new(ObjectKind::Relation, id, RevisionAction::Unlink)
        .by(user.id)
        .before(state)
        .after(after)
        .record(conn)
        .await?;
    Ok(())
}
