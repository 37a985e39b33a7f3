//! Contributing to what is already in the map: quotes matched forgivingly but stored
//! exactly, and relations between existing claims added and retired, through the API.

use argmap::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::builders::{BuiltMap, MapBuilder};
use crate::harness::TestApp;

const SOURCE: &str = "a-curly-source";

/// A map whose one source is typeset: curly apostrophes and quotes, and an em dash.
async fn typeset() -> (TestApp, BuiltMap) {
    TestApp::spawn_with_map(MapBuilder::new().debate("a-debate").source(
        SOURCE,
        &[
            "England’s hospitals are “full” — again, say the managers.",
            "Waiting times rose. Ministers think they are getting blamed for it.",
        ],
    ))
    .await
}

/// Posts a claim quoting `quote` from post `n` of the typeset source, with a token.
async fn add_claim(
    app: &TestApp,
    token: &str,
    map: &BuiltMap,
    n: usize,
    quote: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/claims"))
        .bearer_auth(token)
        .json(&json!({
            "source": SOURCE, "segment": map.segment(SOURCE, n), "quote": quote,
            "text": "The hospitals are full again.",
        }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_straight_apostrophe_quote_is_accepted_against_a_curly_source_and_stored_exactly() {
    let (app, map) = typeset().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let created = add_claim(
        &app,
        &token,
        &map,
        1,
        "England's hospitals are \"full\" - again",
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let slug = created.json::<Value>().await.unwrap()["slug"]
        .as_str()
        .unwrap()
        .to_owned();

    let claim: Value = app.json(&format!("/api/v1/claims/{slug}")).await;
    assert_eq!(
        claim["quotes"][0]["text"], "England’s hospitals are “full” — again",
        "the stored quote is the source's own text: {claim}"
    );
}

#[tokio::test]
async fn a_quote_with_no_match_gets_422_naming_the_nearest_passage_and_what_differs() {
    let (app, map) = typeset().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let before: i64 = sqlx::query_scalar("select count(*) from revisions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let refused = add_claim(
        &app,
        &token,
        &map,
        2,
        "ministers thought they are getting blamed",
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["field"], "quote");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("the nearest passage is “Ministers think they are getting blamed”"),
        "{detail}"
    );
    assert!(
        detail.contains("the source has “think” where you typed “thought”"),
        "{detail}"
    );
    let after: i64 = sqlx::query_scalar("select count(*) from revisions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, before, "nothing is written");
}
