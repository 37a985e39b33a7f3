//! What hiding and merging claims do to the rows around them: the reviews they settle, and
//! the evidence and tags a merge moves to the survivor.

use argmap::auth::Role;
use reqwest::StatusCode;

use crate::builders::small::{TARGET, TENSION, VICTIM, spawn};
use crate::harness::{TestApp, scalar};

/// How many of the claim `slug`'s reviews are settled as `resolution` ("" counts the
/// open ones).
async fn reviews(app: &TestApp, slug: &str, resolution: &str) -> i64 {
    let sql = format!(
        "select count(*) from claim_reviews r join claims c on c.id = r.claim_id
         where c.slug = '{slug}' and coalesce(r.resolution, '') = '{resolution}'"
    );
    scalar(&app.db, &sql).await
}

#[tokio::test]
async fn hiding_settles_the_claims_reviews_and_merging_moves_its_evidence_and_tags() {
    let app = spawn().await;
    let moderator = app.signed_in("lea@example.org", Role::Moderator).await;
    sqlx::query(
        "with tag as (insert into tags (slug) values ('blame') returning id)
         insert into claim_tags (claim_id, tag_id) select c.id, tag.id from claims c, tag where c.slug = $1",
    )
    .bind(VICTIM)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into claim_reviews (claim_id, reason, reported_by)
         select c.id, 'duplicate', u.id from claims c, users u where c.slug in ($1, $2) and u.email = $3",
    )
    .bind(TARGET)
    .bind(VICTIM)
    .bind("lea@example.org")
    .execute(&app.db)
    .await
    .unwrap();

    let hidden = moderator
        .post_form(&format!("/claims/{TARGET}/hide"), &[])
        .await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    assert_eq!(reviews(&app, TARGET, "hidden").await, 1);
    assert_eq!(
        reviews(&app, VICTIM, "").await,
        1,
        "only the hidden claim's"
    );
    let restored = moderator
        .post_form(&format!("/claims/{TARGET}/restore"), &[])
        .await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);

    let merged = moderator
        .post_form(&format!("/claims/{VICTIM}/merge"), &[("into", TARGET)])
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    assert_eq!(reviews(&app, VICTIM, "merged").await, 1);
    let live = |table: &str, slug: &str| {
        format!(
            "select count(*) from {table} x join claims c on c.id = x.claim_id
             where c.slug = '{slug}' and x.removed_at is null"
        )
    };
    assert_eq!(scalar(&app.db, &live("tension_evidence", VICTIM)).await, 0);
    assert_eq!(scalar(&app.db, &live("claim_tags", VICTIM)).await, 0);
    assert_eq!(scalar(&app.db, &live("claim_tags", TARGET)).await, 1);
    let pole: String = sqlx::query_scalar(
        "select e.pole from tension_evidence e join claims c on c.id = e.claim_id
         join proposal_tensions pt on pt.id = e.proposal_tension_id join tensions t on t.id = pt.tension_id
         where c.slug = $1 and t.slug = $2 and e.removed_at is null",
    )
    .bind(TARGET)
    .bind(TENSION)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        pole, "b",
        "the survivor shows the tension as the duplicate did"
    );
}
