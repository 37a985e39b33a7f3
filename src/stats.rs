//! Counts of what the map holds, for the home page and `GET /api/v1/stats`.

use sqlx::PgExecutor;

/// Visible objects only; segments of each source's current version; relations are the
/// support, attack and undercut links between claims and to proposals.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Stats {
    pub debates: i64,
    pub sources: i64,
    pub segments: i64,
    pub proposals: i64,
    pub tensions: i64,
    pub claims: i64,
    pub quotes: i64,
    pub relations: i64,
}

pub async fn stats(db: impl PgExecutor<'_>) -> Result<Stats, sqlx::Error> {
    sqlx::query_as!(
        Stats,
        r#"select
             (select count(*) from debates where hidden_at is null) as "debates!",
             (select count(*) from sources where hidden_at is null) as "sources!",
             (select count(*) from segments g
               join current_source_versions v on v.id = g.source_version_id
               join sources s on s.id = v.source_id
              where s.hidden_at is null) as "segments!",
             (select count(*) from proposals where hidden_at is null) as "proposals!",
             (select count(*) from tensions where hidden_at is null) as "tensions!",
             (select count(*) from claims where hidden_at is null and merged_into_id is null) as "claims!",
             (select count(*) from quotes q join claims c on c.id = q.claim_id
               where q.removed_at is null and c.hidden_at is null) as "quotes!",
             (select count(*) from relations r join claims c on c.id = r.from_claim_id
               where r.removed_at is null and c.hidden_at is null) as "relations!""#
    )
    .fetch_one(db)
    .await
}
