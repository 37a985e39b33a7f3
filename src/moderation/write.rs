//! The moderators' writes (each with its revision, in the caller's transaction): answering
//! and closing reviews, hiding and restoring claims, merging duplicates.

use serde_json::json;
use sqlx::PgConnection;

use crate::auth::{Role, User};
use crate::claims::write::claim_id;
use crate::domain::ReviewResolution;
use crate::edits::{record_change, record_created};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::{Error, Result};

/// Answers a review: the claim's author or a moderator.
pub async fn reply(
    conn: &mut PgConnection,
    user: &User,
    review_id: i64,
    body: &str,
) -> Result<i64> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(Error::invalid(
            "body",
            "write a reply of 1 to 4000 characters",
        ));
    }
    let author = sqlx::query_scalar!(
        "select c.created_by from claim_reviews r join claims c on c.id = r.claim_id where r.id = $1",
        review_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the review {review_id}")))?;
    if author != Some(user.id) && user.role < Role::Moderator {
        return Err(Error::Forbidden(
            "only the claim's author or a moderator can reply to its review".into(),
        ));
    }
    let id = sqlx::query_scalar!(
        "insert into review_replies (review_id, user_id, body) values ($1, $2, $3) returning id",
        review_id,
        user.id,
        body
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "review_id": review_id, "body": body });
    record_created(conn, user, (ObjectKind::ReviewReply, id), after).await?;
    Ok(id)
}

/// Closes a review without action.
pub async fn dismiss(conn: &mut PgConnection, user: &User, review_id: i64) -> Result<()> {
    user.require(Role::Moderator)?;
    sqlx::query_scalar!(
        "update claim_reviews set resolution = 'dismissed', resolved_by = $2, resolved_at = now()
         where id = $1 and resolution is null returning id",
        review_id,
        user.id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("an open review {review_id}")))?;
    let after = json!({ "resolution": ReviewResolution::Dismissed });
    let change = Revision::new(ObjectKind::ClaimReview, review_id, RevisionAction::Resolve);
    record_change(conn, user, change, after).await?;
    Ok(())
}

/// Hides (`hide = true`) or restores a claim; hiding closes its open reviews.
pub async fn set_hidden(
    conn: &mut PgConnection,
    user: &User,
    slug: &str,
    hide: bool,
) -> Result<()> {
    user.require(Role::Moderator)?;
    let id = sqlx::query_scalar!(
        "update claims set hidden_at = case when $2 then now() end, version = version + 1
         where slug = $1::text and (hidden_at is null) = $2 and merged_into_id is null
         returning id",
        slug,
        hide
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "a {} claim {slug:?}",
            if hide { "visible" } else { "hidden" }
        ))
    })?;
    if hide {
        close_open_reviews(conn, user, id, ReviewResolution::Hidden).await?;
    }
    let (action, before, after) = if hide {
        (
            RevisionAction::Hide,
            json!({ "hidden": false }),
            json!({ "hidden": true }),
        )
    } else {
        (
            RevisionAction::Restore,
            json!({ "hidden": true }),
            json!({ "hidden": false }),
        )
    };
    let change = Revision::new(ObjectKind::Claim, id, action).before(before);
    record_change(conn, user, change, after).await?;
    Ok(())
}

/// Merges the claim `duplicate` into the claim `survivor` names (its slug, or a few of its
/// words, as every target field takes them): its quotes, links, evidence and tags move to
/// the survivor (those the survivor already has are retired), and it is hidden, pointing
/// at the survivor. Returns the survivor's slug.
pub async fn merge(
    conn: &mut PgConnection,
    user: &User,
    duplicate: &str,
    survivor: &str,
) -> Result<String> {
    user.require(Role::Moderator)?;
    let from = claim_id(conn, duplicate, "claim").await?;
    let (target, survivor) = crate::relations::targets::resolve(conn, survivor, "into").await?;
    let Some(into) = target.claim() else {
        return Err(Error::invalid(
            "into",
            "a claim is merged into another claim, not into a proposal",
        ));
    };
    if from == into {
        return Err(Error::invalid(
            "into",
            "a claim cannot be merged into itself",
        ));
    }
    lock_both_visible(conn, from, into).await?;
    move_to_survivor(conn, user, from, into).await?;
    sqlx::query!(
        "update claims set merged_into_id = $2, hidden_at = now(), version = version + 1 where id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    close_open_reviews(conn, user, from, ReviewResolution::Merged).await?;
    let after = json!({ "merged_into": survivor });
    let change = Revision::new(ObjectKind::Claim, from, RevisionAction::Merge);
    record_change(conn, user, change, after).await?;
    Ok(survivor)
}

/// Locks both claims of a merge and checks neither was hidden or merged meanwhile.
async fn lock_both_visible(conn: &mut PgConnection, from: i64, into: i64) -> Result<()> {
    // Two moderators merging A into B and B into A at once: both rows are locked, always
    // in id order, and checked again once held, so the second merge sees the first and
    // stops instead of hiding both.
    sqlx::query_scalar!(
        "select id from claims where id = any($1) order by id for update",
        &[from, into][..]
    )
    .fetch_all(&mut *conn)
    .await?;
    let hidden = sqlx::query_scalar!(
        r#"select slug::text as "slug!" from claims where id = any($1) and hidden_at is not null"#,
        &[from, into][..]
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(slug) = hidden {
        return Err(Error::Conflict {
            message: format!(
                "the claim {slug:?} was hidden or merged meanwhile: nothing was merged"
            ),
            current: None,
        });
    }
    Ok(())
}

/// Closes the claim `id`'s open reviews as `resolution`, by `user`: what hiding or merging
/// the claim settles.
async fn close_open_reviews(
    conn: &mut PgConnection,
    user: &User,
    id: i64,
    resolution: ReviewResolution,
) -> Result<()> {
    sqlx::query!(
        "update claim_reviews set resolution = $3, resolved_by = $2, resolved_at = now() where claim_id = $1 and resolution is null",
        id,
        user.id,
        resolution.as_str()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Runs each statement in turn with `$from` as `$1` and `$into` as `$2`; a macro because
/// `sqlx::query!` checks each statement where it is written.
macro_rules! each_with_both {
    ($conn:expr, $from:expr, $into:expr, [$($sql:literal),+ $(,)?]) => {
        $(sqlx::query!($sql, $from, $into).execute(&mut *$conn).await?;)+
    };
}

/// Moves the duplicate's links, quotes, evidence, tags and annotations to the survivor,
/// retiring those the survivor already has.
async fn move_to_survivor(
    conn: &mut PgConnection,
    user: &User,
    from: i64,
    into: i64,
) -> Result<()> {
    // The statements moving rows (or retiring what the survivor has already), each with the
    // duplicate's id as $1 and the survivor's as $2.
    each_with_both!(
        conn,
        from,
        into,
        [
            // Links the survivor already has, or that would point at itself, are retired.
            "update relations r set removed_at = now()
                 where r.removed_at is null and (
                     (r.from_claim_id = $1 and (r.to_claim_id = $2 or exists (
                         select 1 from relations s where s.from_claim_id = $2 and s.kind = r.kind and s.removed_at is null
                           and (s.to_claim_id = r.to_claim_id or s.to_proposal_id = r.to_proposal_id))))
                     or (r.to_claim_id = $1 and (r.from_claim_id = $2 or exists (
                         select 1 from relations s where s.to_claim_id = $2 and s.kind = r.kind and s.from_claim_id = r.from_claim_id
                           and s.removed_at is null))))",
            "update relations set from_claim_id = $2 where from_claim_id = $1 and removed_at is null",
            "update relations set to_claim_id = $2 where to_claim_id = $1 and removed_at is null",
            "update quotes q set removed_at = now() where q.claim_id = $1 and q.removed_at is null and exists (
                     select 1 from quotes s where s.claim_id = $2 and s.segment_id = q.segment_id and s.start_char = q.start_char and s.end_char = q.end_char)",
            "update quotes set claim_id = $2 where claim_id = $1 and removed_at is null",
            // Evidence is copied to the survivor and retired on the duplicate in one statement
            // (the copies are the survivor's rows, so the retiring leaves them be).
            "with copied as (
                     insert into tension_evidence (proposal_tension_id, claim_id, pole)
                     select proposal_tension_id, $2, pole from tension_evidence where claim_id = $1 and removed_at is null
                     on conflict do nothing
                 )
                 update tension_evidence set removed_at = now() where claim_id = $1 and removed_at is null",
            "update annotations set claim_id = $2 where claim_id = $1",
        ]
    );
    // Tags likewise, the copies made by the moderator merging.
    sqlx::query!(
        "with copied as (
             insert into claim_tags (claim_id, tag_id, created_by)
             select $2, tag_id, $3 from claim_tags where claim_id = $1 and removed_at is null
             on conflict (claim_id, tag_id) do update set removed_at = null
         )
         update claim_tags set removed_at = now() where claim_id = $1 and removed_at is null",
        from,
        into,
        user.id,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
