//! Pages and API read through one layer, so they agree on what is visible: a hidden claim
//! is invisible through every route to everyone but moderators.

use argmap::auth::Role;
use reqwest::StatusCode;

use crate::harness::{TestApp, strings};

/// Every route that shows claims (as pages or JSON), around a hidden claim's neighbour.
async fn routes_showing(app: &TestApp, neighbour: &str, words: &str) -> Vec<String> {
    let mut routes = vec![
        format!("/claims/{neighbour}"),
        format!("/claims/{neighbour}/history"),
        format!("/api/v1/claims/{neighbour}"),
        format!("/api/v1/claims/{neighbour}/history"),
        format!("/api/v1/claims/similar?q={}", encode(words)),
        format!("/search?q={}", encode(words)),
        format!("/api/v1/search?q={}", encode(words)),
        "/".to_owned(),
        "/api/v1/map".to_owned(),
        "/export/map.json".to_owned(),
        "/export/map.argdown".to_owned(),
    ];
    // Each resource's page and its API equivalents, for every object of it.
    for (table, pages, apis) in [
        ("proposals", "/proposals/", &["/api/v1/proposals/{}"][..]),
        ("debates", "/debates/", &["/api/v1/debates/{}"][..]),
        ("tensions", "/tensions/", &[][..]),
        (
            "sources",
            "/sources/",
            &["/api/v1/sources/{}/suggestions"][..],
        ),
    ] {
        let slugs = strings(&app.db, &format!("select slug::text from {table}")).await;
        for slug in slugs {
            routes.push(format!("{pages}{slug}"));
            routes.extend(apis.iter().map(|api| api.replace("{}", &slug)));
        }
    }
    routes
}

fn encode(words: &str) -> String {
    words.replace(' ', "+")
}

#[tokio::test]
async fn a_hidden_claim_is_invisible_through_every_route_to_all_but_moderators() {
    let app = TestApp::spawn_with_corpus().await;
    // A claim that attacks another, so both pages and JSON would link them.
    let (hidden, neighbour, body): (String, String, String) = sqlx::query_as(
        "select c.slug::text, n.slug::text, c.body from relations r
         join claims c on c.id = r.from_claim_id join claims n on n.id = r.to_claim_id
         where r.kind = 'attacks' and r.removed_at is null order by c.slug limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let token = app.token("mod@example.org", Role::Moderator).await;
    let hide = app
        .visitor()
        .client
        .post(app.url(&format!("/api/v1/claims/{hidden}/hide")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(hide.status(), StatusCode::NO_CONTENT);

    let words: String = body
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    let anonymous = app.visitor();
    let contributor = app.signed_in("kit@example.org", Role::Contributor).await;
    for own in [
        format!("/claims/{hidden}"),
        format!("/claims/{hidden}/history"),
        format!("/api/v1/claims/{hidden}"),
        format!("/api/v1/claims/{hidden}/history"),
    ] {
        for reader in [&anonymous, &contributor] {
            assert_eq!(
                reader.get(&own).await.status(),
                StatusCode::NOT_FOUND,
                "{own}"
            );
        }
    }
    let link = format!("/claims/{hidden}\"");
    let json_slug = format!("\"{hidden}\"");
    for route in routes_showing(&app, &neighbour, &words).await {
        for reader in [&anonymous, &contributor] {
            let response = reader.get(&route).await;
            assert!(
                response.status().is_success(),
                "{route}: {}",
                response.status()
            );
            let text = response.text().await.unwrap();
            assert!(!text.contains(&link), "{route} links the hidden claim");
            assert!(!text.contains(&json_slug), "{route} names the hidden claim");
        }
    }

    let moderator = app.signed_in("lea@example.org", Role::Moderator).await;
    for own in [
        format!("/claims/{hidden}"),
        format!("/claims/{hidden}/history"),
        format!("/api/v1/claims/{hidden}/history"),
    ] {
        assert_eq!(moderator.get(&own).await.status(), StatusCode::OK, "{own}");
    }
    let json: serde_json::Value = moderator
        .get(&format!("/api/v1/claims/{hidden}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["hidden"], true);
}
