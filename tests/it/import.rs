//! Importing sources into the database: idempotence, versions, and bad input refused
//! with nothing written.

use std::io::Write;

use argmap::sources::{ImportError, SourceFields, SourceInput, import_source, read_file};
use sqlx::PgPool;

use crate::harness::{
    argmap, assert_contains, database_url, fails, fresh_database, strings, succeeds,
};

const THREAD: &str = "Reform is coming again and it will fail like the last one 1/3\n\
                      Because nobody learns from the last reorganisation 2/3\n\
                      So we should fix the money first 3/3\nYou can follow @someone.\n";

fn input(text: &str) -> SourceInput {
    SourceInput {
        origin: "test.txt".into(),
        text: text.into(),
        ..SourceInput::default()
    }
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn importing_stores_the_source_its_segments_and_one_revision() {
    let (pool, _) = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    let outcome = import_source(&mut conn, &input(THREAD)).await.unwrap();
    assert!(outcome.changed);
    assert_eq!(outcome.version, 1);
    assert_eq!(outcome.segments, 3);
    assert_eq!(
        outcome.slug,
        "reform-is-coming-again-and-it-will-fail-like-the-last-one"
    );

    let locators = strings(&pool, "select locator from segments order by position").await;
    assert_eq!(locators, ["1/3", "2/3", "3/3"]);
    let author: Option<String> = sqlx::query_scalar("select author_name from sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        author.as_deref(),
        Some("@someone"),
        "the handle stands in for an unnamed author"
    );
    assert_eq!(
        count(&pool, "revisions where object_kind = 'source'").await,
        1
    );
    assert!(
        count(&pool, "suggestions").await > 0,
        "candidate claims are proposed on import"
    );
}

#[tokio::test]
async fn importing_the_same_text_twice_changes_nothing() {
    let (pool, _) = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    import_source(&mut conn, &input(THREAD)).await.unwrap();
    let before = (
        count(&pool, "source_versions").await,
        count(&pool, "segments").await,
        count(&pool, "revisions").await,
    );
    let again = import_source(&mut conn, &input(THREAD)).await.unwrap();
    assert!(!again.changed);
    assert_eq!(again.version, 1);
    let after = (
        count(&pool, "source_versions").await,
        count(&pool, "segments").await,
        count(&pool, "revisions").await,
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_changed_text_is_a_new_version_and_old_quotes_still_resolve() {
    let (pool, _) = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    let first = import_source(&mut conn, &input(THREAD)).await.unwrap();
    let old_segment: i64 = sqlx::query_scalar("select id from segments where locator = '2/3'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::raw_sql(&format!(
        "insert into claims (slug, body) values ('nobody-learns', 'Nobody learns from reorganisations.');
         insert into quotes (claim_id, segment_id, start_char, end_char, body)
         select id, {old_segment}, 8, 22, 'nobody learns ' from claims"
    ))
    .execute(&pool)
    .await
    .unwrap();

    let edited = THREAD.replace("fix the money first", "fix social care funding first");
    let mut changed = input(&edited);
    changed.slug = Some(first.slug.clone());
    let second = import_source(&mut conn, &changed).await.unwrap();
    assert!(second.changed);
    assert_eq!((second.source_id, second.version), (first.source_id, 2));
    assert_eq!(
        count(&pool, "segments").await,
        6,
        "the old version's segments stay"
    );

    let quoted: String = sqlx::query_scalar(
        "select substr(g.body, q.start_char + 1, q.end_char - q.start_char) from quotes q join segments g on g.id = q.segment_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(quoted, "nobody learns ");
}

#[tokio::test]
async fn bad_documents_are_refused_with_a_reason_and_nothing_is_written() {
    let (pool, _) = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    let cases: Vec<(SourceInput, &str)> = vec![
        (input("   \n\n  "), "test.txt: the document is empty"),
        (
            input(&"x".repeat(argmap::sources::import::MAX_SOURCE_BYTES + 1)),
            "over the limit of 1048576 bytes",
        ),
        (
            input("Cookie policy\nSubscribe\n"),
            "nothing is left once the page's boilerplate is removed",
        ),
        (
            SourceInput {
                debate: Some("no-such-debate".into()),
                ..input(THREAD)
            },
            "no debate has the slug \"no-such-debate\"",
        ),
        (
            SourceInput {
                fields: SourceFields {
                    url: Some("javascript:alert(1)".into()),
                    ..SourceFields::default()
                },
                ..input(THREAD)
            },
            "url: \"javascript:alert(1)\" is not an http(s) URL",
        ),
        (
            SourceInput {
                slug: Some("Not A Slug".into()),
                ..input(THREAD)
            },
            "slug: \"Not A Slug\" is not lowercase words",
        ),
    ];
    for (input, expected) in cases {
        let err = import_source(&mut conn, &input).await.unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{err} does not say {expected:?}"
        );
    }
    assert_eq!(count(&pool, "sources").await, 0);
    assert_eq!(count(&pool, "revisions").await, 0);
}

#[test]
fn unreadable_files_are_refused_naming_the_file_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        path
    };
    let binary = write("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let latin1 = write("latin1.txt", b"line one\ncaf\xe9 culture\n");
    let empty = write("empty.txt", b"");
    let missing = dir.path().join("missing.txt");

    let message = |path: &std::path::Path| read_file(path).unwrap_err().to_string();
    assert_eq!(
        message(&binary),
        format!(
            "{}: looks like a binary file (NUL byte at line 3)",
            binary.display()
        )
    );
    assert_eq!(
        message(&latin1),
        format!(
            "{}: not UTF-8 text (invalid byte at line 2, column 4)",
            latin1.display()
        )
    );
    assert_eq!(
        message(&empty),
        format!("{}: the document is empty", empty.display())
    );
    assert_eq!(
        message(&missing),
        format!("{}: cannot read it: no such file", missing.display())
    );
    assert!(matches!(
        read_file(dir.path()),
        Err(ImportError::Read { .. })
    ));
}

#[test]
fn the_import_command_names_the_bad_file_and_starts_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails(
        argmap()
            .args(["import", "no/such/file.txt", "--data-dir"])
            .arg(dir.path().join("data"))
            .env_remove("DATABASE_URL"),
    );
    assert_contains(
        &stderr,
        "argmap: no/such/file.txt: cannot read it: no such file",
    );
    assert!(
        !dir.path().join("data").exists(),
        "no cluster was started for a file that cannot be read"
    );
}

#[tokio::test]
async fn the_import_command_imports_then_reports_an_unchanged_file() {
    let (pool, name) = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("thread.txt");
    std::fs::write(&file, THREAD).unwrap();
    let run = || {
        succeeds(
            argmap()
                .arg("import")
                .arg(&file)
                .args(["--title", "Reform is coming", "--published", "2021-02-11"])
                .env("DATABASE_URL", database_url(&name)),
        )
    };
    assert!(run().contains("as /sources/reform-is-coming version 1: 3 segments"));
    assert!(run().contains("is unchanged: /sources/reform-is-coming version 1"));
    let published: time::Date = sqlx::query_scalar("select published_on from sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(published.to_string(), "2021-02-11");
}

#[tokio::test]
async fn search_finds_passages_of_a_sources_current_version_only() {
    let (pool, _) = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    let first = import_source(&mut conn, &input(THREAD)).await.unwrap();
    let mut changed =
        input(&THREAD.replace("fix the money first", "fix social care funding first"));
    changed.slug = Some(first.slug.clone());
    import_source(&mut conn, &changed).await.unwrap();
    drop(conn);
    let app = crate::harness::TestApp::spawn_with_pool(pool).await;
    let passages = |page: &scraper::Html| {
        crate::harness::hrefs(page, "ol.hits li a")
            .into_iter()
            .filter(|href| href.contains('#'))
            .collect::<Vec<_>>()
    };

    let now = passages(&app.page("/search?q=social+care+funding").await);
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(
        now[0].starts_with(&format!("/sources/{}#", first.slug)),
        "{now:?}"
    );
    let before = passages(&app.page("/search?q=money").await);
    assert!(
        before.is_empty(),
        "the first version's passage is not found: {before:?}"
    );
}
