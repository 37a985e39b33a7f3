//! Each page runs a bounded number of SQL statements whatever the size of the map: the
//! count, read from PostgreSQL's pg_stat_statements, is the same before and after the
//! map grows by sixty claims, their quotes, links and tensions.

use sqlx::PgPool;

use crate::harness::{TestApp, execute};

const PAGES: [&str; 7] = [
    "/",
    "/debates/2021-white-paper",
    "/proposals/ics-statutory-footing",
    "/tensions/local-autonomy-vs-national-control",
    "/claims/every-reorganisation-seeds-the-next",
    "/sources/edwards-five-tensions",
    "/search?q=reform",
];

/// The most statements any page may run.
const MAX_STATEMENTS: i64 = 12;

/// How many statements the app ran on its database to serve `path` (after one warm-up
/// request, so connection set-up is not counted).
async fn statements(app: &TestApp, path: &str) -> i64 {
    assert_eq!(app.get(path).await.status(), 200, "{path}");
    execute(&app.db, "select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)").await;
    assert_eq!(app.get(path).await.status(), 200, "{path}");
    sqlx::query_scalar(
        "select coalesce(sum(calls), 0)::bigint from pg_stat_statements
         where dbid = (select oid from pg_database where datname = current_database())
           and query not like '%pg_stat_statements%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn grow(db: &PgPool) {
    sqlx::raw_sql(
        "insert into claims (slug, body, actor_id)
           select 'synthetic-' || i, 'Synthetic claim number ' || i || ' about reform.', (select min(id) from actors)
           from generate_series(1, 60) i;
         insert into relations (kind, from_claim_id, to_proposal_id)
           select case when c.id % 2 = 0 then 'supports' else 'attacks' end, c.id, p.id
           from claims c, proposals p where c.slug like 'synthetic-%' and p.slug = 'ics-statutory-footing';
         insert into relations (kind, from_claim_id, to_claim_id)
           select 'attacks', c2.id, c1.id from claims c1
           join claims c2 on c2.slug = 'synthetic-' || (substring(c1.slug from 11)::int + 1)
           where c1.slug like 'synthetic-%';
         insert into relations (kind, from_claim_id, to_claim_id)
           select 'attacks', c.id, t.id from claims c, claims t
           where c.slug like 'synthetic-%' and t.slug = 'every-reorganisation-seeds-the-next';
         insert into quotes (claim_id, segment_id, start_char, end_char, body)
           select c.id, g.id, 0, 10, substr(g.body, 1, 10) from claims c, segments g
           where c.slug like 'synthetic-%' and g.anchor = 's1-11';
         insert into tension_evidence (proposal_tension_id, claim_id, pole)
           select pt.id, c.id, 'a' from claims c, proposal_tensions pt
           join proposals p on p.id = pt.proposal_id
           where c.slug like 'synthetic-%' and p.slug = 'ics-statutory-footing';
         insert into tensions (slug, title, pole_a, pole_b)
           select 'synthetic-tension-' || i, 'Synthetic tension ' || i, 'Pole A' || i, 'Pole B' || i
           from generate_series(1, 20) i;
         insert into proposal_tensions (proposal_id, tension_id, leaning)
           select p.id, t.id, 'a' from proposals p, tensions t
           where p.slug = 'ics-statutory-footing' and t.slug like 'synthetic-tension-%';
         insert into proposals (slug, debate_id, title)
           select 'synthetic-proposal-' || i, (select id from debates where slug = '2021-white-paper'), 'Synthetic proposal ' || i
           from generate_series(1, 20) i;",
    )
    .execute(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn pages_run_the_same_bounded_number_of_statements_however_big_the_map() {
    let app = TestApp::spawn_with_corpus().await;
    let mut before = Vec::new();
    for path in PAGES {
        before.push(statements(&app, path).await);
    }
    grow(&app.db).await;
    for (path, before) in PAGES.iter().zip(before) {
        let after = statements(&app, path).await;
        eprintln!("{path}: {before} statements, {after} after the map grew");
        assert!(
            before > 0,
            "{path}: no statement counted; is pg_stat_statements working?"
        );
        assert_eq!(
            before, after,
            "{path} runs more statements as the map grows"
        );
        assert!(after <= MAX_STATEMENTS, "{path} runs {after} statements");
    }
}
