//! Writers racing for the same unique thing: the database's constraint decides, and the
//! loser gets a clear answer (a fresh slug, or a 422 naming the field), never a 500.

use argmap::auth::Role;
use reqwest::StatusCode;

use crate::harness::{TestApp, assert_contains};

#[tokio::test]
async fn two_proposals_with_the_same_title_at_once_both_get_their_own_slug() {
    let app = crate::builders::small::spawn().await;
    let token = app.token("kit@example.org", Role::Contributor).await;
    let debate: String = sqlx::query_scalar("select slug::text from debates order by slug limit 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let create = || {
        app.visitor()
            .client
            .post(app.url("/api/v1/proposals"))
            .bearer_auth(&token)
            .json(
                &serde_json::json!({ "debate": debate, "title": "Pool every budget in one place" }),
            )
            .send()
    };
    let mut slugs = Vec::new();
    for round in 0..5 {
        let (first, second) = tokio::join!(create(), create());
        for response in [first.unwrap(), second.unwrap()] {
            assert_eq!(response.status(), StatusCode::CREATED, "round {round}");
            let body: serde_json::Value = response.json().await.unwrap();
            slugs.push(body["slug"].as_str().unwrap().to_owned());
        }
    }
    let mut unique = slugs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        10,
        "every proposal has its own slug: {slugs:?}"
    );
    assert!(slugs.contains(&"pool-every-budget-in-one-place".to_owned()));
}

#[tokio::test]
async fn a_second_account_for_an_address_taken_meanwhile_is_a_field_error() {
    let app = TestApp::spawn().await;
    let new = |name: &str| argmap::users::NewUser {
        email: "Same@Example.org".to_owned(),
        display_name: name.to_owned(),
        password: crate::harness::PASSWORD.to_owned(),
        role: Role::Contributor,
    };
    // The first sign-up holds its row uncommitted while the second inserts: the unique
    // index makes the second wait, then refuse.
    let mut first = app.db.begin().await.unwrap();
    argmap::users::create(&mut first, &new("first"), None)
        .await
        .unwrap();
    let db = app.db.clone();
    let second = tokio::spawn(async move {
        let mut tx = db.begin().await.unwrap();
        let outcome =
            argmap::users::create(&mut tx, &new("second").clone_with_lower_email(), None).await;
        drop(tx);
        outcome
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();
    match second.await.unwrap() {
        Err(argmap::Error::Invalid { field, message }) => {
            assert_eq!(field, "email");
            assert_contains(&message, "already exists");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

trait LowerEmail {
    fn clone_with_lower_email(self) -> Self;
}

impl LowerEmail for argmap::users::NewUser {
    /// The same address in other letters: the index is on lower(email).
    fn clone_with_lower_email(mut self) -> Self {
        self.email = self.email.to_lowercase();
        self
    }
}
