//! Bringing a new article in from the browser and through the API: pasted or uploaded,
//! previewed (cleaned and segmented as `argmap import` would store it, nothing saved),
//! then saved in one transaction with its revision, and read back with its segments.

use argmap::auth::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::builders::small::{self, DEBATE};
use crate::harness::{
    TestApp, Visitor, assert_one, assert_refused, location, refused_form, scalar, select, send,
    text_of, texts,
};

/// An article as copied from a web page: a title, a byline, a date, three paragraphs.
pub const ARTICLE: &str = "Integrated care needs patience\n\nBy Dana Writer\n\nPublished: 12/03/2022\n\nIntegrated care systems were given statutory footing in 2022, and the first year showed how slowly trust is built between partners.\n\nBoards that met monthly made more progress than those that met quarterly, because decisions did not wait for the next cycle.\n\nThe lesson for ministers is simple: give the new bodies five years before judging them.";

async fn counts(app: &TestApp) -> (i64, i64) {
    (
        scalar(&app.db, "select count(*) from sources").await,
        scalar(&app.db, "select count(*) from revisions").await,
    )
}

#[tokio::test]
async fn the_api_previews_a_source_saving_nothing_then_adds_it_with_one_revision() {
    let app = small::spawn().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let body = json!({ "text": ARTICLE, "outlet": "The Review", "debate": DEBATE });
    let before = counts(&app).await;

    let preview = app
        .send_as(Method::POST, "/api/v1/sources?preview=true", &token, &body)
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["title"], "Integrated care needs patience");
    assert_eq!(preview["author"], "Dana Writer");
    assert_eq!(preview["published"], "2022-03-12");
    assert_eq!(preview["outlet"], "The Review", "a given field wins");
    assert_eq!(
        preview["segments"].as_array().unwrap().len(),
        3,
        "{preview}"
    );
    assert_eq!(counts(&app).await, before, "a preview saves nothing");

    let created = app
        .send_as(Method::POST, "/api/v1/sources", &token, &body)
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "integrated-care-needs-patience");
    assert_eq!(created["url"], format!("/sources/{slug}"));
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));
    let by = scalar(
        &app.db,
        "select count(*) from revisions r join users u on u.id = r.user_id
         where r.object_kind = 'source' and r.action = 'create' and u.email = 'ivy@example.org'",
    )
    .await;
    assert_eq!(by, 1, "the revision names who added it");

    let source: Value = app.json(&format!("/api/v1/sources/{slug}")).await;
    assert_eq!(source["title"], "Integrated care needs patience");
    assert_eq!(source["author"], "Dana Writer");
    assert_eq!(source["outlet"], "The Review");
    assert_eq!(source["published"], "2022-03-12");
    assert_eq!(source["debates"], json!([DEBATE]));
    assert_eq!(source["version"], 1);
    let keys = |value: &Value| {
        value
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&source),
        [
            "author",
            "debates",
            "kind",
            "outlet",
            "published",
            "segments",
            "slug",
            "title",
            "url",
            "version"
        ],
        "the document names no ids"
    );
    let segments = source["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 3);
    assert_eq!(keys(&segments[0]), ["anchor", "kind", "locator", "text"]);
    assert_eq!(segments[0]["kind"], "paragraph");
    assert!(
        segments[2]["text"]
            .as_str()
            .unwrap()
            .starts_with("The lesson for ministers"),
        "{source}"
    );

    let again = app
        .send_as(Method::POST, "/api/v1/sources", &token, &body)
        .await;
    assert_eq!(again.status(), StatusCode::OK, "the same text again");
    assert_eq!(again.json::<Value>().await.unwrap()["changed"], false);
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));

    let missing = app.get("/api/v1/sources/no-such-source").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_source_gets_422_naming_the_field_and_writes_nothing() {
    let app = small::spawn().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let before = counts(&app).await;
    let cases = [
        (json!({ "text": "   " }), "text"),
        (json!({ "text": "a\u{0}b" }), "text"),
        (
            json!({ "text": ARTICLE, "url": "ftp://example.org/x" }),
            "url",
        ),
        (
            json!({ "text": ARTICLE, "published": "12 March" }),
            "published",
        ),
        (
            json!({ "text": ARTICLE, "debate": "no-such-debate" }),
            "debate",
        ),
        (json!({ "text": ARTICLE, "kind": "poem" }), "kind"),
        (
            json!({ "text": ARTICLE, "title": "x".repeat(301) }),
            "title",
        ),
        (json!({ "text": "x".repeat(1024 * 1024 + 1) }), "text"),
    ];
    for preview in [false, true] {
        let path = format!("/api/v1/sources?preview={preview}");
        for (body, field) in &cases {
            let response = app.send_as(Method::POST, &path, &token, body).await;
            assert_refused(response, field, "").await;
        }
    }
    assert_eq!(counts(&app).await, before, "nothing was written");
}

/// POSTs the add-a-source form as `multipart/form-data`: its fields (the CSRF token among
/// them, as the test chooses) and one file.
async fn post_upload(
    visitor: &Visitor,
    fields: &[(&str, &str)],
    file: (&str, &str),
) -> reqwest::Response {
    let boundary = "argmap-test-boundary-7c1e";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    let (name, contents) = file;
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/html\r\n\r\n{contents}\r\n--{boundary}--\r\n"
    ));
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let request = visitor.client.post(visitor.url("/sources/new"));
    send(request.header("content-type", content_type).body(body)).await
}

#[tokio::test]
async fn a_contributor_previews_an_uploaded_page_then_saves_it_and_sees_its_page() {
    let (app, visitor) = small::contributor("ivy@example.org").await;
    let page = visitor.page("/sources").await;
    assert_eq!(
        crate::harness::hrefs(&page, "main a[href='/sources/new']"),
        ["/sources/new"],
        "the sources index offers it to the signed-in"
    );
    let html = "<html><head><title>Boards and patience</title><meta name=\"author\" content=\"Dana Writer\"><script>var x = 1;</script></head>\
        <body><nav><a href=\"/\">Home</a></nav><article><h1>Boards and patience</h1>\
        <p>Boards that met monthly made more progress than those that met quarterly.</p>\
        <div><p>The lesson is simple: give the new bodies <em>five years</em>.</p></div></article>\
        <footer>Copyright</footer></body></html>";
    let before = counts(&app).await;
    let response = post_upload(
        &visitor,
        &[
            ("csrf", &visitor.csrf),
            ("text", ""),
            ("debate", DEBATE),
            ("action", "preview"),
        ],
        ("boards.html", html),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview = crate::harness::html(response).await;
    let segments = texts(&preview, ".preview-segments li");
    assert_eq!(
        segments,
        [
            "¶1 Boards that met monthly made more progress than those that met quarterly.",
            "¶2 The lesson is simple: give the new bodies five years."
        ],
        "the page's text, without its script, navigation, footer or repeated title"
    );
    assert!(text_of(&preview, ".source-preview .facts").contains("Dana Writer"));
    assert_eq!(counts(&app).await, before, "a preview saves nothing");
    let kept: String = select(&preview, "textarea#text")[0].text().collect();
    assert!(
        kept.contains("Boards that met monthly"),
        "the file's text is kept in the form, to save: {kept}"
    );

    // Without a file, without JavaScript: what the preview put in the form.
    let saved = visitor
        .post_form(
            "/sources/new",
            &[("text", &kept), ("debate", DEBATE), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let at = location(&saved);
    assert_eq!(at, "/sources/boards-and-patience");
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));
    let page = visitor.page(&at).await;
    assert_eq!(text_of(&page, "h1"), "Boards and patience");
}

#[tokio::test]
async fn the_source_form_shows_what_is_wrong_and_keeps_what_was_typed() {
    let (app, visitor) = small::contributor("ivy@example.org").await;
    let before = counts(&app).await;
    let refused = visitor
        .post_form(
            "/sources/new",
            &[("text", ARTICLE), ("url", "not a url"), ("action", "save")],
        )
        .await;
    let page = refused_form(refused).await;
    assert!(text_of(&page, "#form-error").starts_with("url:"));
    assert_one(&page, "#url[aria-invalid=true]", "the field is marked");
    assert!(text_of(&page, "textarea#text").contains("Boards that met monthly"));
    assert_eq!(counts(&app).await, before);

    let refused = post_upload(
        &visitor,
        &[("csrf", &visitor.csrf), ("action", "preview")],
        ("slides.pdf", "%PDF-1.4"),
    )
    .await;
    let page = refused_form(refused).await;
    assert!(text_of(&page, "#form-error").starts_with("file:"));

    let forged = post_upload(
        &visitor,
        &[("csrf", "forged"), ("action", "save")],
        ("a.txt", ARTICLE),
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(counts(&app).await, before);
}
