//! Editing what a claim rests on: its speaker, and its quotes (added from any passage of
//! a source, retired but never the last), through its edit page and the API, each write
//! one transaction with its revision.

use argmap::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::builders::AUTHOR;
use crate::builders::small::{SOURCE, TARGET, contributor, spawn};
use crate::harness::{
    TestApp, assert_none, assert_one, created_slug, form_version, location, refused_form, scalar,
    select, strs, text_of,
};

/// Words of the small map's third post, which `TARGET` does not quote.
const OTHER_WORDS: &str = "nobody tolerates a postcode lottery";

async fn revisions(app: &TestApp, kind: &str) -> i64 {
    scalar(
        &app.db,
        &format!("select count(*) from revisions where object_kind = '{kind}'"),
    )
    .await
}

#[tokio::test]
async fn the_api_changes_a_claims_speaker_and_adds_and_retires_its_quotes() {
    let app = spawn().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let send = async |method: reqwest::Method, path: String, body: Value| {
        app.send_as(method, &path, &token, &body).await
    };
    let path = format!("/api/v1/claims/{TARGET}");
    let claim_now = async || app.json(&path).await;
    // The claim's text unchanged, at its current version, with `actor` as its speaker.
    let set_actor = async |claim: &Value, actor: &str| {
        let body = json!({ "version": claim["version"], "text": claim["text"], "actor": actor });
        send(reqwest::Method::PATCH, path.clone(), body).await
    };
    let add_quote = async |quote: &str| {
        let body = json!({ "source": SOURCE, "quote": quote });
        send(reqwest::Method::POST, format!("{path}/quotes"), body).await
    };
    let claim = claim_now().await;
    assert_eq!(claim["actor"], AUTHOR);

    let (claims, quotes) = (
        revisions(&app, "claim").await,
        revisions(&app, "quote").await,
    );
    let unattributed = set_actor(&claim, "").await;
    assert_eq!(unattributed.status(), StatusCode::OK);
    let claim = claim_now().await;
    assert_eq!(claim["actor"], Value::Null);
    assert_eq!(revisions(&app, "claim").await, claims + 1);
    let unknown = set_actor(&claim, "nobody").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json::<Value>().await.unwrap()["field"], "actor");

    // A straight-quoted passage found in any post of the source, without naming it.
    let added = add_quote(OTHER_WORDS).await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let added: Value = added.json().await.unwrap();
    let claim = claim_now().await;
    let texts = strs(&claim["quotes"], "text");
    assert_eq!(texts.len(), 2, "{claim}");
    assert!(texts.contains(&OTHER_WORDS));
    assert_eq!(revisions(&app, "quote").await, quotes + 1);
    let again = add_quote(OTHER_WORDS).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let absent = add_quote("words that are nowhere").await;
    assert_eq!(absent.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(absent.json::<Value>().await.unwrap()["field"], "quote");

    let first = claim["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"] != OTHER_WORDS)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let retired = send(
        reqwest::Method::DELETE,
        format!("{path}/quotes/{first}"),
        json!({}),
    )
    .await;
    assert_eq!(retired.status(), StatusCode::NO_CONTENT);
    let last = send(
        reqwest::Method::DELETE,
        added["url"].as_str().unwrap().to_owned(),
        json!({}),
    )
    .await;
    assert_eq!(
        last.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a claim keeps one quote"
    );
    let claim = claim_now().await;
    assert_eq!(claim["quotes"].as_array().unwrap().len(), 1);
    assert_eq!(claim["quotes"][0]["text"], OTHER_WORDS);
    assert_eq!(revisions(&app, "quote").await, quotes + 2);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from quotes where removed_at is not null"
        )
        .await,
        1,
        "the retired quote stays"
    );
}

#[tokio::test]
async fn the_edit_page_changes_the_speaker_and_adds_and_retires_quotes() {
    let (app, visitor) = contributor("rae@example.org").await;
    let edit = format!("/claims/{TARGET}/edit");
    let form = visitor.page(&edit).await;
    let chosen = select(&form, "select#actor option[selected]");
    assert_eq!(chosen[0].value().attr("value"), Some(AUTHOR));
    assert_none(
        &form,
        ".edit-quotes li form",
        "one quote: nothing to retire",
    );
    let version = form_version(&form);
    let text: String = select(&form, "textarea#text")[0].text().collect();
    let saved = visitor
        .post_form(
            &edit,
            &[
                ("version", &version),
                ("text", &text),
                ("tags", ""),
                ("actor", ""),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/claims/{TARGET}")).await;
    assert_none(&page, "p.kind .actor", "unattributed now");

    let quotes = revisions(&app, "quote").await;
    let refused = visitor
        .post_form(
            &format!("/claims/{TARGET}/quotes"),
            &[("source", SOURCE), ("quote", "words that are nowhere")],
        )
        .await;
    let form = refused_form(refused).await;
    assert!(text_of(&form, "#form-error").starts_with("quote:"));
    assert_eq!(
        text_of(&form, "textarea#quote-words"),
        "words that are nowhere"
    );

    let added = visitor
        .post_form(
            &format!("/claims/{TARGET}/quotes"),
            &[("source", SOURCE), ("quote", OTHER_WORDS)],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&added), format!("{edit}#quotes-heading"));
    let form = visitor.page(&edit).await;
    let retire: Vec<String> = select(&form, ".edit-quotes li form")
        .iter()
        .filter_map(|f| f.value().attr("action").map(str::to_owned))
        .collect();
    assert_eq!(retire.len(), 2, "two quotes: either may be retired");
    let retired = visitor.post_form(&retire[0], &[]).await;
    assert_eq!(retired.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/claims/{TARGET}")).await;
    assert_one(&page, "blockquote", "the claim's one quote");
    assert_eq!(revisions(&app, "quote").await, quotes + 2);
}

#[tokio::test]
async fn history_shows_the_time_what_a_creation_brought_and_edits_word_by_word() {
    use crate::builders::small::{PROPOSAL, QUOTE, SEGMENT, TENSION};
    let app = spawn().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let created = app
        .send_as(
            reqwest::Method::POST,
            "/api/v1/claims",
            &token,
            &json!({
                "source": SOURCE, "segment": SEGMENT, "quote": QUOTE,
                "text": "More control brings more blame to ministers.",
                "relation": "attacks", "target": TARGET,
                "shows_tension": format!("{PROPOSAL}/{TENSION}"), "pole": "a",
                "tags": ["blame"],
            }),
        )
        .await;
    let slug = created_slug(created).await;
    let edited = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/api/v1/claims/{slug}"),
            &token,
            &json!({ "version": 1, "text": "More central control brings more blame to ministers." }),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);

    let history = app.page(&format!("/claims/{slug}/history")).await;
    let times: Vec<String> = select(&history, "ol.history time")
        .iter()
        .map(crate::harness::text)
        .collect();
    assert_eq!(times.len(), 2);
    let at_minute = regex_like_time(&times[0]);
    assert!(at_minute, "date and time of day: {times:?}");
    assert_eq!(
        text_of(&history, "ol.history li:first-child .diff ins"),
        "central"
    );
    assert!(select(&history, "ol.history li:first-child .diff del").is_empty());
    let brought: Vec<String> = select(&history, "ol.history li:last-child .brought > *")
        .iter()
        .map(crate::harness::text)
        .collect();
    assert_eq!(
        brought,
        [
            "Attacks",
            "Every NHS reorganisation since 1974 has carried within it the seeds of the next one.",
            "Shows the tension",
            "A tension, for Pole A",
            "Quote",
            &format!("“{QUOTE}”"),
            "Tags",
            "blame",
        ]
    );
}

/// Whether `text` reads "YYYY-MM-DD HH:MM UTC".
fn regex_like_time(text: &str) -> bool {
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = text.split([' ', '-', ':']).collect();
    parts.len() == 6
        && parts[..5].iter().all(|p| digits(p))
        && [4, 2, 2, 2, 2]
            == [
                parts[0].len(),
                parts[1].len(),
                parts[2].len(),
                parts[3].len(),
                parts[4].len(),
            ]
        && parts[5] == "UTC"
}
