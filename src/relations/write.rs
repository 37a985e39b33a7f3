//! Adding and retiring relations between existing claims (or a claim and a proposal).
//! Each function runs in the caller's transaction and records exactly one revision.

use serde_json::json;
use sqlx::PgConnection;

use super::targets::resolve;
use crate::auth::{Role, User};
use crate::claims::write::claim_id;
use crate::domain::RelationKind;
use crate::edits::{record_change, record_created};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

/// A relation to add between two things already in the map.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewRelation {
    /// The claim that bears on the other (its slug).
    pub from: String,
    pub kind: RelationKind,
    /// What it bears on: a claim's or proposal's words (matching one of them), a
    /// claim's slug, or "proposal:SLUG"; for an undercut, the inference it denies:
    /// "relation:ID" (the id of the support, attack or undercut it undercuts).
    pub to: String,
}

/// Adds the relation `new` (or brings back the same one, retired earlier); returns its
/// id. A relation that already holds is a 409 naming it.
pub async fn create(conn: &mut PgConnection, user: &User, new: &NewRelation) -> Result<i64> {
    user.require(Role::Contributor)?;
    let kind = new.kind;
    let from_slug = new.from.trim().trim_start_matches("/claims/");
    if from_slug.is_empty() {
        return Err(Error::invalid("from", "name the claim (its slug)"));
    }
    let from = claim_id(conn, from_slug, "from").await?;
    let (target, to_name) = resolve(conn, &new.to, "to").await?;
    target.check(kind, "to")?;
    let to_name = to_name.as_str();
    if target.claim() == Some(from) {
        return Err(Error::invalid("to", "a claim cannot relate to itself"));
    }
    if let Some(relation) = target.relation() {
        own_inference(conn, from, relation).await?;
    }
    let after = json!({ "from": from_slug, "kind": kind, "to": to_name });

    let existing = sqlx::query!(
        r#"select id, removed_at is not null as "retired!" from relations
           where from_claim_id = $1 and kind = $2
             and to_claim_id is not distinct from $3 and to_proposal_id is not distinct from $4
             and to_relation_id is not distinct from $5"#,
        from,
        kind.as_str(),
        target.claim(),
        target.proposal(),
        target.relation()
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
            "insert into relations (kind, from_claim_id, to_claim_id, to_proposal_id, to_relation_id, created_by)
             values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id",
            kind.as_str(),
            from,
            target.claim(),
            target.proposal(),
            target.relation(),
            user.id
        )
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::Conflict {
            message: format!("{from_slug} already {kind} {to_name}"),
            current: None,
        })?,
    };
    record_created(conn, user, (ObjectKind::Relation, id), after).await?;
    Ok(id)
}

/// Refuses a claim undercutting its own inference: to take back its own support or
/// attack, a claim's author retires it.
pub(crate) async fn own_inference(conn: &mut PgConnection, from: i64, relation: i64) -> Result<()> {
    let premise = sqlx::query_scalar!(
        "select from_claim_id from relations where id = $1",
        relation
    )
    .fetch_one(&mut *conn)
    .await?;
    if premise == from {
        return Err(Error::invalid(
            "to",
            "a claim cannot undercut its own inference (retire the relation instead)",
        ));
    }
    Ok(())
}

/// The 409 for a relation that already holds.
fn already(id: i64, from: &str, kind: RelationKind, to: &str) -> Error {
    Error::Conflict {
        message: format!("{from} already {kind} {to}: that is relation {id}"),
        current: Some(json!({ "id": id, "url": format!("/api/v1/relations/{id}") })),
    }
}

/// A relation as its creator or a moderator changes it: locked for the transaction.
struct Held {
    kind: RelationKind,
    /// `from`, `kind` and `to` as the API names them, for the revision.
    state: serde_json::Value,
}

/// Locks the relation `id` for a change `user` may make: its creator or a moderator (a
/// relation from a hidden claim is not found but by moderators); a retired one is a 409.
async fn hold(conn: &mut PgConnection, user: &User, id: i64, change: &str) -> Result<Held> {
    let relation = sqlx::query!(
        r#"select r.kind as "kind: RelationKind", r.created_by, r.removed_at is not null as "retired!",
                  f.hidden_at is not null as "hidden!", f.slug::text as "from!",
                  coalesce(c.slug::text, 'proposal:' || p.slug::text, 'relation:' || r.to_relation_id) as "to!"
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
            Error::Forbidden(format!(
                "only its creator or a moderator may {change} a relation"
            ))
        })?;
    }
    let state = json!({ "from": relation.from, "kind": relation.kind, "to": relation.to });
    if relation.retired {
        return Err(Error::Conflict {
            message: format!("relation {id} is retired"),
            current: Some(state),
        });
    }
    Ok(Held {
        kind: relation.kind,
        state,
    })
}

impl Held {
    /// Records the change of the relation `id` that set `field` to `value`.
    async fn record(
        self,
        conn: &mut PgConnection,
        user: &User,
        id: i64,
        action: RevisionAction,
        field: &str,
        value: serde_json::Value,
    ) -> Result<()> {
        let mut after = self.state.clone();
        after[field] = value;
        let change = Revision::new(ObjectKind::Relation, id, action).before(self.state);
        record_change(conn, user, change, after).await?;
        Ok(())
    }
}

/// Retires the relation `id` (sets `removed_at`; the row stays, with its history). Its
/// creator or a moderator may; retiring a retired one is a 409.
pub async fn retire(conn: &mut PgConnection, user: &User, id: i64) -> Result<()> {
    let held = hold(conn, user, id, "retire").await?;
    sqlx::query!("update relations set removed_at = now() where id = $1", id)
        .execute(&mut *conn)
        .await?;
    held.record(
        conn,
        user,
        id,
        RevisionAction::Unlink,
        "retired",
        json!(true),
    )
    .await
}

/// A relation's new kind.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct RelationEdit {
    pub kind: RelationKind,
}

/// Changes the kind of the relation `id` (its creator or a moderator). The same kind
/// changes nothing; a kind the same two already have is a 409.
pub async fn retype(
    conn: &mut PgConnection,
    user: &User,
    id: i64,
    edit: &RelationEdit,
) -> Result<()> {
    let kind = edit.kind;
    let held = hold(conn, user, id, "retype").await?;
    if held.kind == kind {
        return Ok(());
    }
    if held.kind.targets_relation() != kind.targets_relation() {
        return Err(Error::invalid(
            "kind",
            "an undercut targets an inference and a support or attack a claim or proposal: retire this relation and add the other kind instead",
        ));
    }
    let changed = sqlx::query_scalar!(
        "update relations r set kind = $2 where r.id = $1 and not exists (
             select 1 from relations o where o.id <> r.id and o.from_claim_id = r.from_claim_id and o.kind = $2
                 and o.to_claim_id is not distinct from r.to_claim_id
                 and o.to_proposal_id is not distinct from r.to_proposal_id
                 and o.to_relation_id is not distinct from r.to_relation_id)
         returning r.id",
        id,
        kind.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if changed.is_none() {
        return Err(Error::Conflict {
            message: format!(
                "the same two are already related by {kind} (another relation, perhaps retired): retire this one or bring that one back"
            ),
            current: Some(held.state),
        });
    }
    held.record(conn, user, id, RevisionAction::Edit, "kind", json!(kind))
        .await
}
