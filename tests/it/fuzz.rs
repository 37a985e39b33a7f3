//! Fuzzing on stable Rust: the loaders fed real documents with random edits (bytes
//! inserted, deleted, replaced; control characters, CR-only endings, cut files) and
//! random text. Each must answer `Ok` or a clear error, never panic and never fail
//! with a database error it should have caught. `cargo test` runs a short bounded
//! round; `ARGMAP_FUZZ_CASES=2000 cargo test --test it fuzz::` runs a long one
//! (docs/reliability.md). A failing input is printed, to be kept as a test.

use argmap::config::Config;
use argmap::export::{self, dump};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::harness::{copy_dir, corpus_database, fresh_database};

/// How many inputs each target gets (`ARGMAP_FUZZ_CASES`, default a quick round).
fn cases(default: usize) -> usize {
    std::env::var("ARGMAP_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Random edits of `seed`: the inputs most likely to reach deep into a parser.
fn mutants(seed: &[u8], count: usize) -> Vec<Vec<u8>> {
    let edits = proptest::collection::vec(
        (
            any::<prop::sample::Index>(),
            0u8..5,
            prop::sample::select(vec![
                0u8, 1, 2, b'\r', b'\n', b'"', b'{', b'}', b'[', b']', b',', b':', b'#', b'>',
                b'-', b'+', b'\\', b'=', 0xff, 0xe2, b'a', b'0', b'9',
            ]),
        ),
        1..6,
    );
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| {
            let mut bytes = seed.to_vec();
            for (at, op, byte) in edits.new_tree(&mut runner).unwrap().current() {
                let i = at.index(bytes.len().max(1));
                match op {
                    0 => bytes.insert(i.min(bytes.len()), byte),
                    1 if !bytes.is_empty() => {
                        bytes.remove(i.min(bytes.len() - 1));
                    }
                    2 if !bytes.is_empty() => {
                        let last = bytes.len() - 1;
                        bytes[i.min(last)] = byte;
                    }
                    3 => bytes.truncate(i),
                    _ => {
                        // A chunk repeated: deep nesting, duplicated keys.
                        let end = (i + 40).min(bytes.len());
                        let chunk = bytes[i.min(end)..end].to_vec();
                        bytes.splice(i.min(end)..i.min(end), chunk);
                    }
                }
            }
            bytes
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_source_importer_survives_any_text() {
    let seed =
        std::fs::read(Config::shipped_map().join("sources/000_9f35564ce0f09d0a.txt")).unwrap();
    let mut inputs = mutants(&seed[..seed.len().min(6000)], cases(200));
    inputs.push(b"a\rb\rc\r".to_vec());
    inputs.push(vec![0u8; 100]);
    for input in inputs {
        let input = text(&input);
        let result = std::panic::catch_unwind(|| argmap::sources::parse(&input, None));
        assert!(result.is_ok(), "sources::parse panicked on {input:?}");
    }
}

#[tokio::test]
async fn the_map_importers_survive_mutated_exports() {
    let (db, _) = corpus_database().await;
    let document = debate_2021(&db).await;
    for (format, name) in [("json", "json"), ("argdown", "argdown"), ("kialo", "kialo")] {
        let seed = name
            .parse::<export::Format>()
            .unwrap()
            .write(&document, "http://127.0.0.1");
        let seed = &seed.as_bytes()[..seed.len().min(8000)];
        for input in mutants(seed, cases(6)) {
            let input = text(&input);
            let mut tx = db.begin().await.unwrap();
            let result =
                export::import::import(&mut tx, "fuzz", &input, format, Some("2021-white-paper"))
                    .await;
            tx.rollback().await.unwrap();
            if let Err(err) = result {
                let message = err.to_string();
                assert!(
                    !message.contains("database error") && !message.is_empty(),
                    "{format}: {message}\ninput: {input:?}"
                );
            }
        }
    }
}

/// The shipped 2021 debate, as the map importers' tests start from it.
async fn debate_2021(db: &sqlx::PgPool) -> export::MapDocument {
    crate::harness::document(db, export::Scope::Debate("2021-white-paper".into())).await
}

/// Imports `file` (in a transaction rolled back after) and returns why it was refused,
/// which must be the file's fault in words, naming the file, never a database error.
async fn refusal(db: &sqlx::PgPool, format: &str, file: &str) -> String {
    let mut tx = db.begin().await.unwrap();
    let result = export::import::import(&mut tx, "file", file, format, None).await;
    tx.rollback().await.unwrap();
    let message = result.expect_err(format).to_string();
    assert!(!message.contains("database error"), "{format}: {message}");
    assert!(message.starts_with("file:"), "{format}: {message}");
    message
}

/// Found by the long round (200 cases): a Kialo file with a NUL in a claim reached
/// PostgreSQL, which refused it as a database error.
#[tokio::test]
async fn a_map_file_with_a_control_character_is_refused_naming_its_line_or_field() {
    let (db, _) = corpus_database().await;
    let document = debate_2021(&db).await;
    let claim = document
        .claims
        .iter()
        .map(|c| c.text.to_string())
        .find(|t| !t.contains(['"', '\\']))
        .unwrap();
    let (head, tail) = claim.split_at(claim.find(' ').unwrap());
    for (format, control) in [("kialo", "\0"), ("argdown", "\u{1}"), ("json", "\\u0000")] {
        let file = format
            .parse::<export::Format>()
            .unwrap()
            .write(&document, "http://127.0.0.1");
        let file = file.replacen(&claim, &format!("{head}{control}{tail}"), 1);
        assert!(file.contains(control), "{format}: the claim is in the file");
        let message = refusal(&db, format, &file).await;
        assert!(message.contains("U+000"), "{format}: {message}");
    }
}

/// Found by the long round (1,000 cases): an Argdown file whose actor's slug was mangled
/// reached the database's slug rule as a database error.
#[tokio::test]
async fn a_map_file_defining_an_object_by_a_malformed_slug_is_refused_naming_it() {
    let (db, _) = corpus_database().await;
    let document = debate_2021(&db).await;
    let actor = &document.actors[0].slug;
    for format in ["argdown", "json"] {
        let file = format
            .parse::<export::Format>()
            .unwrap()
            .write(&document, "http://127.0.0.1");
        let mangled = format!("\"{}\"", actor.replace('-', " ").to_uppercase());
        let file = file.replacen(&format!("\"{actor}\""), &mangled, 1);
        assert!(
            file.contains(&mangled),
            "{format}: the actor is in the file"
        );
        let message = refusal(&db, format, &file).await;
        assert!(message.contains(&mangled), "{format}: {message}");
    }
}

#[tokio::test]
async fn restore_survives_mutated_dumps() {
    let (source, _) = fresh_database().await;
    // A small instance: one user with a token, so every code path has rows.
    let mut conn = source.acquire().await.unwrap();
    let user = argmap::users::NewUser {
        email: "fuzz@example.org".into(),
        display_name: "Fuzz".into(),
        password: "fuzz password 123".into(),
        role: argmap::auth::Role::Contributor,
    };
    argmap::users::create(&mut conn, &user, None).await.unwrap();
    drop(conn);
    let mut seed = Vec::new();
    dump::dump(&source, &mut seed).await.unwrap();
    let (db, _) = fresh_database().await;
    for (i, input) in mutants(&seed, cases(6)).into_iter().enumerate() {
        for merge in [false, true] {
            let mut tx = db.begin().await.unwrap();
            let result = dump::restore(&mut tx, "fuzz.json", &input, merge).await;
            tx.rollback().await.unwrap();
            if let Err(err) = result {
                assert!(
                    !matches!(err, dump::DumpError::Database(_)),
                    "case {i} (merge {merge}): {err}\ninput: {:?}",
                    text(&input)
                );
            }
        }
    }
}

#[tokio::test]
async fn the_map_loader_survives_mutated_claim_files() {
    let (db, _) = fresh_database().await;
    let original =
        std::fs::read(Config::shipped_map().join("claims/edwards-five-tensions.toml")).unwrap();
    for input in mutants(&original, cases(3)) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&Config::shipped_map(), dir.path());
        std::fs::write(dir.path().join("claims/edwards-five-tensions.toml"), &input).unwrap();
        let mut tx = db.begin().await.unwrap();
        let result = argmap::map::load_map(&mut tx, dir.path()).await;
        tx.rollback().await.unwrap();
        if let Err(err) = result {
            assert!(!err.to_string().is_empty());
        }
    }
}
