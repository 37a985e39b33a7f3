//! Open reports on claims with the replies under them, as the review queue lists them
//! all and a claim's page shows its own.

use sqlx::PgPool;

use crate::Result;
use crate::domain::ReviewReason;
use crate::read::Slice;

pub(crate) struct OpenReview {
    pub id: i64,
    pub claim_slug: String,
    pub claim_body: String,
    pub reason: ReviewReason,
    pub note: String,
    pub reporter: String,
    pub created_at: time::OffsetDateTime,
    /// Who replied, and what they said.
    pub replies: Vec<(String, String)>,
}

/// The open reviews (of the claim `claim` only, if given) in `slice`, oldest first.
pub(crate) async fn open_reviews(
    db: &PgPool,
    claim: Option<i64>,
    slice: Slice,
) -> Result<Vec<OpenReview>> {
    let rows = sqlx::query!(
        r#"select r.id, c.slug as "claim_slug!: String", c.body as claim_body, r.reason as "reason: ReviewReason", r.note,
                  u.display_name as reporter, r.created_at,
                  coalesce(array_agg(ru.display_name order by rr.id) filter (where rr.id is not null), '{}') as "reply_authors!",
                  coalesce(array_agg(rr.body order by rr.id) filter (where rr.id is not null), '{}') as "reply_bodies!"
           from claim_reviews r
           join claims c on c.id = r.claim_id
           join users u on u.id = r.reported_by
           left join review_replies rr on rr.review_id = r.id
           left join users ru on ru.id = rr.user_id
           where r.resolution is null and ($1::bigint is null or r.claim_id = $1)
           group by r.id, c.id, u.id
           order by r.created_at, r.id
           limit $2 offset $3"#,
        claim,
        slice.limit,
        slice.offset
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenReview {
            id: r.id,
            claim_slug: r.claim_slug,
            claim_body: r.claim_body,
            reason: r.reason,
            note: r.note,
            reporter: r.reporter,
            created_at: r.created_at,
            replies: r.reply_authors.into_iter().zip(r.reply_bodies).collect(),
        })
        .collect())
}
