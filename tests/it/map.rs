//! The shipped NHS map: it loads, every quote is verbatim, loading twice changes nothing,
//! and a broken map is refused naming the file and line, with nothing written.

use std::path::{Path, PathBuf};

use argmap::config::Config;
use argmap::map::load_map;
use argmap::stats::Stats;
use sqlx::PgPool;

use crate::builders::small;
use crate::harness::{TestApp, argmap, assert_contains, database_url, fresh_database, scalar};

async fn load_shipped(pool: &PgPool) {
    let mut tx = pool.begin().await.unwrap();
    load_map(&mut tx, &Config::shipped_map()).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_shipped_map_loads_and_stats_reflect_it() {
    let (pool, _) = fresh_database().await;
    load_shipped(&pool).await;
    let app = TestApp::spawn_with_pool(pool.clone()).await;
    let stats: Stats = app.get("/api/v1/stats").await.json().await.unwrap();
    assert_eq!(stats.sources, 5);
    assert_eq!(stats.segments, 80);
    assert!(stats.debates >= 3, "{stats:?}");
    assert!(stats.claims >= 60, "{stats:?}");
    assert!(stats.quotes >= stats.claims, "{stats:?}");
    assert!(
        stats.proposals > 0 && stats.tensions > 0 && stats.relations > 0,
        "{stats:?}"
    );

    assert_eq!(scalar(&pool, "select count(*) from claims c where not exists (select 1 from quotes q where q.claim_id = c.id)").await, 0);
    assert_eq!(
        scalar(
            &pool,
            "select count(*) from quotes q join segments g on g.id = q.segment_id
                       where substr(g.body, q.start_char + 1, q.end_char - q.start_char) <> q.body"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(&pool, "select count(*) from proposals p where not exists (select 1 from proposal_tensions t where t.proposal_id = p.id)").await,
        0,
        "every proposal raises a tension"
    );
    assert!(
        scalar(&pool, "select count(*) from (select tension_id from proposal_tensions t join proposals p on p.id = t.proposal_id
                       group by tension_id having count(distinct p.debate_id) > 1) shared").await
            > 0,
        "some tension is raised across debates"
    );
    assert!(
        scalar(
            &pool,
            "select count(*) from relations where kind = 'attacks'"
        )
        .await
            > 0
    );
}

#[tokio::test]
async fn the_stats_contract_has_exactly_the_documented_keys() {
    let app = TestApp::spawn().await;
    let stats: serde_json::Value = app.get("/api/v1/stats").await.json().await.unwrap();
    let mut keys: Vec<&str> = stats
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "claims",
            "debates",
            "proposals",
            "quotes",
            "relations",
            "segments",
            "sources",
            "tensions"
        ]
    );
    assert!(stats.as_object().unwrap().values().all(|v| v == 0));
}

#[tokio::test]
async fn loading_the_map_twice_changes_nothing() {
    let (pool, _) = fresh_database().await;
    load_shipped(&pool).await;
    let revisions = scalar(&pool, "select count(*) from revisions").await;
    let mut tx = pool.begin().await.unwrap();
    let summary = load_map(&mut tx, &Config::shipped_map()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!summary.changed_anything(), "{summary:?}");
    assert_eq!(
        scalar(&pool, "select count(*) from revisions").await,
        revisions
    );
}

/// The small built map (`builders::small`), written as a map folder with one file edited.
fn edited_map(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    small::map().write(dir.path());
    edit_file(&dir.path().join(file), edit);
    dir
}

/// Rewrites the file at `path` with `edit`, which must change it.
pub(crate) fn edit_file(path: &Path, edit: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = edit(&text);
    assert_ne!(text, edited, "the edit changed nothing");
    std::fs::write(path, edited).unwrap();
}

pub(crate) fn line_containing(path: &Path, needle: &str) -> usize {
    1 + std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
}

pub(crate) fn run_load_map(database: &str, map: &Path) -> (bool, String) {
    let output = argmap()
        .arg("load-map")
        .arg(map)
        .env("DATABASE_URL", database_url(database))
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_misquote_is_refused_naming_file_line_and_quote_and_nothing_is_written() {
    let (pool, name) = fresh_database().await;
    let original = "every reorganisation since 1974 contains the seeds of the next one";
    let claims = format!("claims/{}.toml", small::SOURCE);
    let map = edited_map(&claims, |text| {
        text.replace(
            original,
            "every reorganisation since 1974 contained the seeds",
        )
    });
    let file: PathBuf = map.path().join(&claims);
    let line = line_containing(&file, "contained the seeds");

    let (ok, stderr) = run_load_map(&name, map.path());
    assert!(!ok);
    let expected = format!(
        "{}:{line}: quote not found in source \"{}\": \"every reorganisation since 1974 contained the seeds\"",
        file.display(),
        small::SOURCE
    );
    assert!(
        stderr.contains(&expected),
        "{stderr}\nshould contain\n{expected}"
    );
    for table in ["sources", "claims", "debates", "revisions"] {
        assert_eq!(
            scalar(&pool, &format!("select count(*) from {table}")).await,
            0,
            "{table} was written"
        );
    }
}

#[tokio::test]
async fn a_reference_to_nothing_is_reported_naming_file_and_line() {
    let (_, name) = fresh_database().await;
    let file = format!("claims/{}.toml", small::SOURCE);
    let map = edited_map(&file, |text| {
        text.replacen("supports = [\"", "supports = [\"no-such-claim\", \"", 1)
    });
    let claims = map.path().join(&file);

    let (ok, stderr) = run_load_map(&name, map.path());
    assert!(!ok);
    let claim_line = line_containing(&claims, "no-such-claim");
    assert_contains(
        &stderr,
        &format!("{file}:{claim_line}: no claim has the slug \"no-such-claim\""),
    );
}

/// Loads the small built map with `from` replaced by `to` once in `file`, and checks that the
/// load fails naming the file, the edited line and `message`.
async fn a_bad_value_is_refused_at_its_line(file: &str, from: &str, to: &str, message: &str) {
    let (pool, name) = fresh_database().await;
    let map = edited_map(file, |text| text.replacen(from, to, 1));
    let path = map.path().join(file);
    let line = line_containing(&path, to);

    let (ok, stderr) = run_load_map(&name, map.path());
    assert!(!ok, "{file}: {to} was accepted");
    let expected = format!("{}:{line}: {message}", path.display());
    assert!(
        stderr.contains(&expected),
        "{stderr}\nshould contain\n{expected}"
    );
    assert_eq!(scalar(&pool, "select count(*) from revisions").await, 0);
}

#[tokio::test]
async fn a_bad_leaning_is_refused_naming_file_line_and_the_choices() {
    a_bad_value_is_refused_at_its_line(
        "map.toml",
        "leaning = \"a\"",
        "leaning = \"left\"",
        "unknown leaning \"left\": expected a, b or balanced",
    )
    .await;
}

#[tokio::test]
async fn a_bad_pole_is_refused_naming_file_and_line() {
    a_bad_value_is_refused_at_its_line(
        "map.toml",
        "pole = \"b\"",
        "pole = \"c\"",
        "unknown pole \"c\": expected a or b",
    )
    .await;
}

#[tokio::test]
async fn a_bad_actor_kind_is_refused_naming_file_and_line() {
    a_bad_value_is_refused_at_its_line(
        "map.toml",
        "kind = \"person\"",
        "kind = \"robot\"",
        "unknown actor kind \"robot\": expected person, organisation or office",
    )
    .await;
}

#[tokio::test]
async fn a_bad_source_kind_is_refused_naming_file_and_line() {
    a_bad_value_is_refused_at_its_line(
        &format!("claims/{}.toml", small::SOURCE),
        "kind = \"thread\"",
        "kind = \"podcast\"",
        "unknown source kind \"podcast\": expected thread, article or blog",
    )
    .await;
}

#[tokio::test]
async fn a_claim_text_under_ten_characters_is_refused_naming_file_and_line() {
    let file = format!("claims/{}.toml", small::SOURCE);
    let dir = tempfile::tempdir().unwrap();
    small::map().write(dir.path());
    let claim = std::fs::read_to_string(dir.path().join(&file))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("text = "))
        .expect("a claim has a text")
        .to_owned();
    a_bad_value_is_refused_at_its_line(
        &file,
        &claim,
        "text = \"Too short\"",
        "a claim is one sentence of 10 to 400 characters (this is 9)",
    )
    .await;
}

#[tokio::test]
async fn a_toml_syntax_error_names_its_line() {
    let (_, name) = fresh_database().await;
    let map = edited_map("map.toml", |text| {
        text.replacen("[[debates]]", "[[debates]\n", 1)
    });
    let (ok, stderr) = run_load_map(&name, map.path());
    assert!(!ok);
    let line = line_containing(&map.path().join("map.toml"), "[[debates]");
    assert_contains(&stderr, &format!("map.toml:{line}:"));
}

#[tokio::test]
async fn candidate_claims_find_most_of_the_mapped_quotes() {
    let (pool, _) = fresh_database().await;
    load_shipped(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let scores = argmap::sources::suggest::evaluate(&mut conn).await.unwrap();
    eprintln!("{scores}");
    assert!(scores.precision() >= 0.75, "{scores}");
    assert!(scores.recall() >= 0.70, "{scores}");
}

/// The shipped map's reading of its five documents: every tension is raised by some
/// proposal with the claims that show it, reported speech belongs to whoever the text says
/// said it, and the documents are linked where they make the same or opposite point.
#[tokio::test]
async fn the_shipped_map_raises_every_tension_attributes_reported_speech_and_links_documents() {
    let (pool, _) = fresh_database().await;
    load_shipped(&pool).await;
    assert_eq!(
        scalar(&pool, "select count(*) from tensions t where not exists (select 1 from proposal_tensions r where r.tension_id = t.id)").await,
        0,
        "a tension no proposal raises"
    );
    assert_eq!(
        scalar(&pool, "select count(*) from proposal_tensions r where not exists (select 1 from tension_evidence e where e.proposal_tension_id = r.id)").await,
        0,
        "a raised tension no claim shows"
    );

    for (claim, actor) in [
        ("timing-of-change-questioned", "many-people"),
        ("competition-rules-block-local-redesign", "nhs-bosses"),
        (
            "constant-reorganisation-is-disruptive",
            "chartered-society-of-physiotherapy",
        ),
        ("liberate-the-front-line", "reformers"),
        ("ministers-blamed-without-control", "government-ministers"),
        ("outcomes-too-hard-to-measure-fairly", "royal-colleges"),
        ("success-regimes-whole-system-approach", "simon-stevens"),
        ("monitor-new-duty-to-support-integration", "prime-minister"),
    ] {
        let by: String = sqlx::query_scalar(
            "select a.slug from claims c join actors a on a.id = c.actor_id where c.slug = $1",
        )
        .bind(claim)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(by, actor, "who says {claim}");
    }

    let across = scalar(
        &pool,
        "with claim_source as (
             select distinct q.claim_id, v.source_id from quotes q
             join segments g on g.id = q.segment_id
             join source_versions v on v.id = g.source_version_id)
         select count(*) from relations r
         join claim_source f on f.claim_id = r.from_claim_id
         join claim_source t on t.claim_id = r.to_claim_id
         where r.kind in ('supports', 'attacks') and f.source_id <> t.source_id",
    )
    .await;
    assert!(across >= 25, "only {across} links between documents");
}
