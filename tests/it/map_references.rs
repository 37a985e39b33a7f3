//! A map folder may name claims already in the instance by slug (as a relation's target
//! or a tension's evidence) without defining them; a slug that names no claim, in the
//! folder or loaded, is refused at its file and line, and nothing is written.

use argmap::map::load_map;

use crate::builders::MapBuilder;
use crate::builders::small::{self, DEBATE, TARGET};
use crate::harness::scalar;

/// A second map: one new thread whose claim attacks `target`, which it does not define.
fn second_map(target: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    MapBuilder::new()
        .debate(DEBATE)
        .source(
            "a-second-thread",
            &["Whoever holds the levers is blamed when the service fails, whatever the structure."],
        )
        .claim(
            "blame-follows-the-levers",
            "Blame follows whoever holds the levers, whatever the structure.",
            "Whoever holds the levers is blamed when the service fails",
        )
        .attacks("blame-follows-the-levers", target)
        .write(dir.path());
    dir
}

#[tokio::test]
async fn a_map_folder_attacks_a_claim_already_loaded_by_its_slug() {
    let (db, _) = small::database().await;
    let map = second_map(TARGET);
    let mut tx = db.begin().await.unwrap();
    load_map(&mut tx, map.path()).await.unwrap();
    tx.commit().await.unwrap();
    let attacks = scalar(
        &db,
        &format!(
            "select count(*) from relations r join claims f on f.id = r.from_claim_id join claims t on t.id = r.to_claim_id
             where f.slug = 'blame-follows-the-levers' and t.slug = '{TARGET}' and r.kind = 'attacks'"
        ),
    )
    .await;
    assert_eq!(attacks, 1);

    // Loading it again changes nothing.
    let before = scalar(&db, "select count(*) from revisions").await;
    let mut tx = db.begin().await.unwrap();
    load_map(&mut tx, map.path()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(scalar(&db, "select count(*) from revisions").await, before);
}

#[tokio::test]
async fn a_slug_that_names_no_claim_here_is_refused_at_its_file_and_line() {
    let (db, _) = small::database().await;
    let map = second_map("never-loaded-anywhere");
    let before = scalar(&db, "select count(*) from revisions").await;
    let mut tx = db.begin().await.unwrap();
    let err = load_map(&mut tx, map.path()).await.unwrap_err().to_string();
    drop(tx);
    let file = map.path().join("claims/a-second-thread.toml");
    let line = 1 + std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.contains("never-loaded-anywhere"))
        .unwrap();
    assert_eq!(
        err,
        format!(
            "{}:{line}: no claim has the slug \"never-loaded-anywhere\", in the map or already loaded",
            file.display()
        )
    );
    assert_eq!(scalar(&db, "select count(*) from revisions").await, before);
    assert_eq!(
        scalar(
            &db,
            "select count(*) from sources where slug = 'a-second-thread'"
        )
        .await,
        0,
        "nothing is written"
    );
}
