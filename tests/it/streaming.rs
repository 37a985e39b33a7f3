//! The whole map in JSON is written while it is read (`export::stream`): what a client (of
//! `/export/map.json` or `/api/v1/map`), the CLI and the tests receive must be, byte for
//! byte, the document the export model builds.

use argmap::export::stream::{CLAIMS_AT_ONCE, write_whole_map};
use argmap::export::{self, Format, Scope};
use argmap::generate::{Options, generate};
use sqlx::PgPool;

use crate::harness::{TestApp, argmap, corpus_database, database_url, header, succeeds_with_bytes};

/// The whole map as the export model builds it and `Format::Json` writes it.
async fn built_whole(db: &PgPool) -> Vec<u8> {
    let doc = export::load(db, Scope::All).await.unwrap().unwrap();
    Format::Json.write(&doc, "http://localhost").into_bytes()
}

async fn streamed(db: &PgPool, at_once: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_whole_map(db, None, at_once, &mut out).await.unwrap();
    out
}

#[tokio::test]
async fn the_streamed_whole_map_is_the_built_document_byte_for_byte_at_any_slice_size() {
    let (db, name) = corpus_database().await;
    // Generated objects beside the shipped map: undercuts, chains, cycles, tags, many
    // claims per slice boundary.
    generate(&db, Options { scale: 1, seed: 11 }).await.unwrap();
    let built = built_whole(&db).await;
    let parsed: serde_json::Value = serde_json::from_slice(&built).unwrap();
    let claims = parsed["claims"].as_array().unwrap().len();
    assert!(claims > 100, "{claims} claims");

    // One claim a slice, a slice that does not divide the claims, the server's size.
    for at_once in [1, 7, CLAIMS_AT_ONCE] {
        let streamed = streamed(&db, at_once).await;
        assert!(
            streamed == built,
            "{at_once} at once: {} bytes streamed, {} built",
            streamed.len(),
            built.len()
        );
    }

    let app = TestApp::spawn_with_pool(db.clone()).await;
    let answer = app.get("/export/map.json").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, "content-type"), "application/json");
    assert!(header(&answer, "content-disposition").contains("argmap.json"));
    assert!(answer.bytes().await.unwrap() == built, "served over HTTP");

    let api = app.get("/api/v1/map").await;
    assert_eq!(api.status(), 200);
    assert_eq!(header(&api, "content-type"), "application/json");
    assert!(api.bytes().await.unwrap() == built, "served by the API");

    let printed = succeeds_with_bytes(
        argmap()
            .args(["export", "json"])
            .env("DATABASE_URL", database_url(&name)),
    );
    assert!(printed == built, "printed by `argmap export json`");
}

#[tokio::test]
async fn an_empty_map_streams_as_an_empty_document() {
    let (db, _) = crate::harness::fresh_database().await;
    assert!(streamed(&db, 3).await == built_whole(&db).await);
}
