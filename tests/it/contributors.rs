//! Contributors: accounts, adding and changing claims, moderation, history, and who may
//! do what, through the pages and the JSON API.

use argmap::auth::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::builders::small::{
    DEBATE, PROPOSAL, QUOTE, SEGMENT, SOURCE, TARGET, TENSION, VICTIM, contributor, signed_in,
    spawn,
};
use crate::builders::{AUTHOR, AUTHOR_NAME};
use crate::harness::{
    PASSWORD, TestApp, Visitor, argmap, assert_contains, assert_detail, assert_none, assert_one,
    assert_refused, created_slug, every_page, form_version, header, html, insert_claim_row,
    location, refused_form, scalar, select, text, text_of, texts,
};

/// Adds a claim attacking `TARGET`, quoting a passage of `SOURCE`, through the page's form.
async fn add_claim(visitor: &Visitor, segment: &str, text: &str, quote: &str) -> reqwest::Response {
    let fields = [
        ("segment", segment),
        ("quote", quote),
        ("text", text),
        ("relation", "attacks"),
        ("target", TARGET),
        ("tags", "blame, control"),
    ];
    visitor
        .post_form(&format!("/sources/{SOURCE}/claims"), &fields)
        .await
}

async fn revisions(app: &TestApp) -> i64 {
    scalar(&app.db, "select count(*) from revisions").await
}

#[tokio::test]
async fn sign_up_by_the_mailed_link_sign_out_and_sign_in_again() {
    let app = TestApp::spawn().await;
    let mut visitor = app.visitor();
    let response = visitor.sign_up("ada@example.org", "Ada", "/account").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = html(response).await;
    assert!(text_of(&page, "main").contains("ada@example.org"));
    let users = scalar(&app.db, "select count(*) from users").await;
    assert_eq!(users, 0, "no account before the link is followed");

    let link = app
        .signup_link("ada@example.org")
        .expect("a link was mailed");
    assert!(
        link.starts_with(&app.url("/signup/confirm?token=")),
        "{link}"
    );
    let response = visitor.confirm(&link).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account");
    let cookie = header(&response, "set-cookie").to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = visitor.page("/").await;
    assert_eq!(text_of(&page, "nav.account a[href='/account']"), "Ada");

    visitor.fetch_csrf("/account").await;
    assert_eq!(
        visitor.post_form("/signout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = visitor.page("/").await;
    assert_eq!(text_of(&page, "nav.account a"), "Sign in");

    assert_eq!(
        visitor.sign_in("ADA@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "emails match whatever their case"
    );
    let hash: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn sign_up_validates_and_answers_a_taken_email_as_it_answers_a_free_one() {
    let app = TestApp::spawn().await;
    app.user("taken@example.org", Role::Contributor).await;
    let mut visitor = app.visitor();
    visitor.fetch_csrf("/signup").await;
    for (email, password, says) in [
        ("not-an-email", PASSWORD, "email: must be an email address"),
        (
            "new@example.org",
            "short",
            "password: must be at least 10 characters",
        ),
    ] {
        let response = visitor
            .post_form(
                "/signup",
                &[
                    ("email", email),
                    ("display_name", "X"),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email}"
        );
        let page = html(response).await;
        assert!(text_of(&page, ".notice").contains(says), "{email}");
    }
    assert!(
        app.mails().is_empty(),
        "nothing is mailed for a refused form"
    );

    let taken = visitor.sign_up("taken@example.org", "X", "/").await;
    let free = visitor.sign_up("free@example.org", "X", "/").await;
    assert_eq!(taken.status(), free.status());
    let main = |page: &scraper::Html| text_of(page, "main");
    assert_eq!(
        main(&html(taken).await).replace("taken@", "@"),
        main(&html(free).await).replace("free@", "@"),
        "the page does not tell a taken address from a free one"
    );
    // Only the owner of the address learns that it has an account.
    let to_owner = app.mails_to("taken@example.org");
    assert_eq!(to_owner.len(), 1);
    assert!(to_owner[0].contains("already has one"), "{}", to_owner[0]);
    assert!(app.signup_link("taken@example.org").is_none());
    assert!(app.signup_link("free@example.org").is_some());
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_rate_limited() {
    let app = TestApp::spawn().await;
    app.user("bea@example.org", Role::Contributor).await;
    let mut visitor = app.visitor();
    for _ in 0..argmap::auth::pages::MAX_FAILURES_PER_EMAIL {
        let response = visitor.sign_in("bea@example.org", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = visitor.sign_in("bea@example.org", PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits out the window"
    );
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_with_403() {
    let (app, visitor) = contributor("cat@example.org").await;
    let path = format!("/claims/{TARGET}/annotations");
    let missing = visitor
        .client
        .post(visitor.url(&path))
        .form(&[("body", "hello")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let wrong = visitor
        .client
        .post(visitor.url(&path))
        .form(&[("csrf", "0".repeat(64).as_str()), ("body", "hello")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let page = html(wrong).await;
    assert!(text_of(&page, "main").contains("CSRF"));
    assert_eq!(revisions_of_kind(&app, "annotation").await, 0);
}

async fn revisions_of_kind(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("select count(*) from revisions where object_kind = $1")
        .bind(kind)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_claim_added_from_a_passage_shows_on_its_pages_with_one_revision() {
    let (app, visitor) = contributor("dan@example.org").await;
    let before = revisions(&app).await;

    let response = add_claim(
        &visitor,
        SEGMENT,
        "More central control only adds to what ministers can be blamed for.",
        QUOTE,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let claim_url = location(&response);
    assert_eq!(
        claim_url, "/claims/more-central-control-only-adds-to-what-ministers-can-be",
        "a readable slug, cut at a word"
    );
    assert_eq!(revisions(&app).await, before + 1, "one write, one revision");

    let page = visitor.page(&claim_url).await;
    assert_eq!(text_of(&page, "blockquote"), QUOTE);
    assert_eq!(
        text_of(&page, ".kind .actor"),
        AUTHOR_NAME,
        "the source's author by default"
    );
    let target = visitor.page(&format!("/claims/{TARGET}")).await;
    assert_eq!(
        text_of(&target, ".standing-line .standing"),
        "defeated",
        "the attacked claim's standing changed"
    );
    let source = visitor.page(&format!("/sources/{SOURCE}")).await;
    let marks = texts(&source, &format!("#{SEGMENT} mark"));
    assert!(
        marks
            .iter()
            .any(|m| m.contains("probability of blameworthy")),
        "{marks:?}"
    );
}

#[tokio::test]
async fn a_quote_that_is_not_in_the_passage_gets_422_and_nothing_is_written() {
    let (app, visitor) = contributor("eve@example.org").await;
    let before = revisions(&app).await;
    let typed = "Ministers love control more than anything else.";
    let response = add_claim(&visitor, SEGMENT, typed, "ministers love control").await;
    let page = refused_form(response).await;
    assert!(
        text_of(&page, ".notice").starts_with("quote: these words are not in 2/3"),
        "{}",
        text_of(&page, ".notice")
    );
    assert_eq!(
        select(&page, "textarea#text").first().map(text).as_deref(),
        Some(typed),
        "the form keeps what was typed"
    );
    assert_one(
        &page,
        "#quote[aria-invalid=true]",
        "the quote field is marked",
    );
    assert_eq!(revisions(&app).await, before);
}

#[tokio::test]
async fn a_word_not_in_its_list_is_a_422_naming_the_field_and_the_words_through_api_and_forms() {
    let (app, visitor) = contributor("eve@example.org").await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let admin = app.signed_in("root@example.org", Role::Admin).await;
    let id = app.user("ann@example.org", Role::Contributor).await;
    let before = revisions(&app).await;
    let claim = json!({ "source": SOURCE, "segment": SEGMENT, "quote": QUOTE, "text": "Blame follows control, always and everywhere.", "relation": "contradicts", "target": TARGET });
    for (method, path, body, field, says) in [
        (
            Method::POST,
            format!("/api/v1/claims/{TARGET}/annotations"),
            json!({ "body": "A note.", "stance": "maybe" }),
            "stance",
            "unknown stance \"maybe\": expected agree, disagree or unsure",
        ),
        (
            Method::POST,
            format!("/api/v1/claims/{TARGET}/reviews"),
            json!({ "reason": "rude" }),
            "reason",
            "unknown review reason \"rude\": expected misquoted, duplicate, unclear, unsupported or off-topic",
        ),
        (
            Method::POST,
            "/api/v1/claims".to_owned(),
            claim,
            "relation",
            "unknown relation kind \"contradicts\": expected supports, attacks or undercuts",
        ),
        (
            Method::PATCH,
            "/api/v1/relations/1".to_owned(),
            json!({ "kind": "refutes" }),
            "kind",
            "unknown relation kind \"refutes\"",
        ),
        (
            Method::PATCH,
            format!("/api/v1/claims/{TARGET}"),
            json!({ "version": "first", "text": "Reorganisations seed the next one." }),
            "version",
            "invalid type: string \"first\", expected i32",
        ),
    ] {
        assert_refused(app.send_as(method, &path, &token, &body).await, field, says).await;
    }
    assert_eq!(revisions(&app).await, before, "nothing refused is written");

    // Left blank, a word that may be left out is none.
    let noted = app
        .send_as(
            Method::POST,
            &format!("/api/v1/claims/{TARGET}/annotations"),
            &token,
            &json!({ "body": "A note with no stance.", "stance": "" }),
        )
        .await;
    assert_eq!(noted.status(), StatusCode::CREATED);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from annotations where stance is null"
        )
        .await,
        1
    );

    // A form names the field in the same words, and keeps what was typed.
    let fields = [
        ("segment", SEGMENT),
        ("quote", QUOTE),
        ("text", "Blame follows control, always and everywhere."),
        ("relation", "contradicts"),
        ("target", TARGET),
    ];
    let page = refused_form(
        visitor
            .post_form(&format!("/sources/{SOURCE}/claims"), &fields)
            .await,
    )
    .await;
    assert_eq!(
        text_of(&page, ".notice"),
        "relation: unknown relation kind \"contradicts\": expected supports, attacks or undercuts"
    );
    assert_one(
        &page,
        "#relation[aria-invalid=true]",
        "the relation field is marked",
    );
    let refused = admin
        .post_form(&format!("/admin/users/{id}/role"), &[("role", "emperor")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text_of(&html(refused).await, "main")
            .contains("unknown role \"emperor\": expected contributor, moderator or admin")
    );
    assert_eq!(
        revisions(&app).await,
        before + 1,
        "only the note was written"
    );
}

#[tokio::test]
async fn a_stale_edit_gets_409_with_the_current_version_and_loses_nothing() {
    let (app, first) = contributor("fay@example.org").await;
    let second = app.signed_in("gus@example.org", Role::Contributor).await;
    let path = format!("/claims/{TARGET}/edit");
    let version = version(&app, "claims", TARGET).await.to_string();
    // The edit form as `who` sends it, from the claim at `version`.
    let edit = async |who: &Visitor, version: &str, text: &str, tags: &str| {
        let fields = [("version", version), ("text", text), ("tags", tags)];
        who.post_form(&path, &fields).await
    };
    let mine = "My own rewording of this claim, made at the same time.";

    let saved = edit(
        &first,
        &version,
        "Every reorganisation since 1974 seeded the next one.",
        "history",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let before = revisions(&app).await;
    let stale = edit(&second, &version, mine, "history").await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let page = html(stale).await;
    assert_eq!(
        text_of(&page, ".conflict blockquote"),
        "Every reorganisation since 1974 seeded the next one."
    );
    assert_eq!(
        text_of(&page, "textarea#text"),
        mine,
        "the loser's text is kept"
    );
    assert_eq!(revisions(&app).await, before, "nothing written");
    let body: String = sqlx::query_scalar("select body from claims where slug = $1")
        .bind(TARGET)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(body, "Every reorganisation since 1974 seeded the next one.");

    // Saving again from the conflict page (which now carries the current version) works.
    let current_version = form_version(&page);
    let retried = edit(&second, &current_version, mine, "").await;
    assert_eq!(retried.status(), StatusCode::SEE_OTHER);
    let history = first.page(&format!("/claims/{TARGET}/history")).await;
    assert!(select(&history, "ol.history li").len() >= 3);
}

#[tokio::test]
async fn what_people_write_is_shown_inert() {
    let (_app, visitor) = contributor("hal@example.org").await;
    let script = "Reform <script>alert('claim')</script> fails <img src=x onerror=alert(1)>.";
    let response = add_claim(&visitor, SEGMENT, script, QUOTE).await;
    let claim_url = location(&response);
    let note = "A comment <script>alert('note')</script> with [a link](javascript:alert(1)) and <b onclick=alert(2)>bold</b>.";
    visitor
        .post_form(
            &format!("{claim_url}/annotations"),
            &[("body", note), ("stance", "agree")],
        )
        .await;
    for path in [
        claim_url.as_str(),
        "/search?q=reform+fails",
        &format!("/sources/{SOURCE}"),
    ] {
        let body = visitor.get(path).await.text().await.unwrap();
        let page = scraper::Html::parse_document(&body);
        assert!(
            select(
                &page,
                "main script, main img, main [onclick], main [onerror]"
            )
            .is_empty(),
            "{path}"
        );
        assert!(!body.contains("javascript:"), "{path}");
    }
    let page = visitor.page(&claim_url).await;
    assert_eq!(text_of(&page, "h1.claim-body"), script, "shown as text");
}

/// Every write route of the pages: a name, the least role that may use it, and what an
/// allowed request gets.
const PAGE_WRITES: [(&str, Role, u16); 25] = [
    ("add claim", Role::Contributor, 303),
    ("edit claim", Role::Contributor, 303),
    ("annotate", Role::Contributor, 303),
    ("report", Role::Contributor, 303),
    ("new proposal", Role::Contributor, 303),
    ("edit proposal", Role::Contributor, 303),
    ("new tension", Role::Contributor, 303),
    ("edit tension", Role::Contributor, 303),
    ("dismiss suggestion", Role::Contributor, 303),
    ("link claims", Role::Contributor, 303),
    ("add source", Role::Contributor, 303),
    ("add quote", Role::Contributor, 303),
    ("retire quote", Role::Contributor, 303),
    ("make token", Role::Contributor, 200),
    ("hide", Role::Moderator, 303),
    ("restore", Role::Moderator, 303),
    ("merge", Role::Moderator, 303),
    ("edit source details", Role::Moderator, 303),
    ("edit debate details", Role::Moderator, 303),
    ("edit actor details", Role::Moderator, 303),
    ("dismiss review", Role::Moderator, 303),
    ("reply to review", Role::Moderator, 303),
    ("set role", Role::Admin, 303),
    ("disable account", Role::Admin, 303),
    ("enable account", Role::Admin, 303),
];

/// A claim `slug` written straight into the tables, quoting two passages of `SOURCE`'s
/// first post; the id of its second quote.
async fn quoted_claim(app: &TestApp, slug: &str) -> i64 {
    insert_claim_row(&app.db, slug, "A claim whose quotes change.").await;
    let quote = |start: i32, end: i32| {
        format!(
            "insert into quotes (claim_id, segment_id, start_char, end_char, body)
             select c.id, g.id, {start}, {end}, substr(g.body, {start} + 1, {end} - {start})
             from claims c, segments g join current_source_versions v on v.id = g.source_version_id
             join sources s on s.id = v.source_id
             where c.slug = '{slug}' and s.slug = '{SOURCE}' and g.position = 1 returning id"
        )
    };
    scalar(&app.db, &quote(0, 10)).await;
    scalar(&app.db, &quote(11, 20)).await
}

/// The current version of the object `slug` in `table`.
async fn version(app: &TestApp, table: &str, slug: &str) -> i64 {
    scalar(
        &app.db,
        &format!("select version::bigint from {table} where slug = '{slug}'"),
    )
    .await
}

/// The object an edit route changes, by its table and slug; None for the other routes.
fn edited(route: &str) -> Option<(&'static str, &'static str)> {
    Some(match route {
        "edit claim" => ("claims", TARGET),
        "edit proposal" => ("proposals", PROPOSAL),
        "edit tension" => ("tensions", TENSION),
        "edit source details" => ("sources", SOURCE),
        "edit debate details" => ("debates", DEBATE),
        "edit actor details" => ("actors", AUTHOR),
        _ => return None,
    })
}

/// What one attempt at a write route acts on, made ready straight in the tables, the same
/// for its page form and its API call.
struct Arranged {
    /// The attempt's own claim, for the routes that merge, link, quote or unlink one.
    slug: String,
    /// The quote, suggestion, review, user, token or relation the route acts on.
    id: i64,
    /// For an edit: the object's current version, which the write must send back.
    version: i64,
}

/// Makes ready what one attempt at `route` acts on. `token` is the API caller's: the
/// token "revoke token" revokes is a spare one of theirs (for the anonymous, anyone's).
async fn arrange(app: &TestApp, route: &str, attempt: usize, token: Option<&str>) -> Arranged {
    let db = &app.db;
    let slug = format!("attempt-{attempt}");
    let version = match edited(route) {
        Some((table, edited)) => version(app, table, edited).await,
        None => 0,
    };
    let id = match route {
        "add quote" | "retire quote" => quoted_claim(app, &slug).await,
        "merge" | "link claims" => {
            insert_claim_row(db, &slug, "A claim to merge away or to link from.").await;
            0
        }
        "retype relation" | "retire relation" => {
            // A relation nobody in the matrix made: only moderators may change it.
            insert_claim_row(db, &slug, "A claim whose relation is changed.").await;
            scalar(db, &format!("insert into relations (kind, from_claim_id, to_claim_id) select 'supports', f.id, t.id from claims f, claims t where f.slug = '{slug}' and t.slug = '{TARGET}' returning id")).await
        }
        "hide" | "restore" => {
            // The victim as the route finds it: shown to hide, hidden to restore.
            let hidden = if route == "hide" { "null" } else { "now()" };
            scalar(db, &format!("update claims set hidden_at = {hidden} where slug = '{VICTIM}' returning 1::bigint")).await
        }
        "dismiss suggestion" => scalar(db, "update suggestions set status = 'open', decided_at = null, decided_by = null where id = (select min(id) from suggestions) returning id").await,
        "dismiss review" | "reply to review" => {
            let reviewer = scalar(db, "insert into users (email, display_name, password_hash) values (gen_random_uuid()::text || '@example.org', 'R', 'x') returning id").await;
            scalar(db, &format!("insert into claim_reviews (claim_id, reason, reported_by) select id, 'unclear', {reviewer} from claims where slug = '{TARGET}' returning id")).await
        }
        "set role" | "disable account" | "enable account" => {
            let disabled = if route == "enable account" { "now()" } else { "null" };
            scalar(db, &format!("insert into users (email, display_name, password_hash, disabled_at) values ('target{attempt}@example.org', 'T', 'x', {disabled}) returning id")).await
        }
        "revoke token" => {
            let owner = match token {
                Some(secret) => format!(
                    "(select user_id from api_tokens where token_hash = sha256('{secret}'::bytea))"
                ),
                None => "(select min(id) from users)".into(),
            };
            scalar(db, &format!("insert into api_tokens (user_id, name, token_hash) values ({owner}, 'spare', sha256(gen_random_uuid()::text::bytea)) returning id")).await
        }
        _ => 0,
    };
    Arranged { slug, id, version }
}

/// Sets the map up for one attempt at `route` and returns the page form's path and fields.
async fn prepare(
    app: &TestApp,
    route: &str,
    attempt: usize,
) -> (String, Vec<(&'static str, String)>) {
    let Arranged { slug, id, version } = arrange(app, route, attempt, None).await;
    if let Some((table, edited)) = edited(route) {
        let mut form = vec![("version", version.to_string())];
        form.extend(edit_fields(route, attempt));
        return (format!("/{table}/{edited}/edit"), form);
    }
    match route {
        "add quote" => (
            format!("/claims/{slug}/quotes"),
            vec![("source", SOURCE.into()), ("quote", QUOTE.into())],
        ),
        "retire quote" => (format!("/claims/{slug}/quotes/{id}/retire"), vec![]),
        "add source" => (
            "/sources/new".into(),
            vec![
                (
                    "text",
                    format!("Source number {attempt}, pasted in a form."),
                ),
                ("action", "save".into()),
            ],
        ),
        "link claims" => (
            format!("/claims/{slug}/relations"),
            vec![("kind", "supports".into()), ("to", TARGET.into())],
        ),
        "add claim" => (
            format!("/sources/{SOURCE}/claims"),
            vec![
                ("segment", SEGMENT.into()),
                ("quote", QUOTE.into()),
                (
                    "text",
                    format!("Claim number {attempt} about blame and control."),
                ),
            ],
        ),
        "annotate" => (
            format!("/claims/{TARGET}/annotations"),
            vec![("body", "A comment.".into())],
        ),
        "report" => (
            format!("/claims/{TARGET}/reports"),
            vec![("reason", "unclear".into())],
        ),
        "new proposal" => (
            format!("/debates/{DEBATE}/proposals/new"),
            vec![("title", format!("A proposal from a test {attempt}"))],
        ),
        "new tension" => (
            "/tensions/new".into(),
            vec![
                ("title", format!("Speed vs care {attempt}")),
                ("pole_a", "Speed".into()),
                ("pole_b", "Care".into()),
            ],
        ),
        "dismiss suggestion" => (format!("/suggestions/{id}/dismiss"), vec![]),
        "make token" => (
            "/account/tokens".into(),
            vec![("name", format!("token {attempt}"))],
        ),
        "hide" | "restore" => (format!("/claims/{VICTIM}/{route}"), vec![]),
        "merge" => (
            format!("/claims/{slug}/merge"),
            vec![("into", TARGET.into())],
        ),
        "dismiss review" => (format!("/moderation/reviews/{id}/dismiss"), vec![]),
        "reply to review" => (
            format!("/moderation/reviews/{id}/replies"),
            vec![("body", "A reply.".into())],
        ),
        "set role" => (
            format!("/admin/users/{id}/role"),
            vec![("role", "moderator".into())],
        ),
        "disable account" => (format!("/admin/users/{id}/disable"), vec![]),
        "enable account" => (format!("/admin/users/{id}/enable"), vec![]),
        other => unreachable!("{other}"),
    }
}

/// An edit form's fields after the version: the one an attempt at `route` changes (its
/// words end in the attempt's number), then those it keeps.
fn edit_fields(route: &str, attempt: usize) -> Vec<(&'static str, String)> {
    let (changed, words, kept): (_, _, &[(&'static str, &str)]) = match route {
        "edit claim" => (
            "text",
            "Reorganisations since 1974 seed the next, take",
            &[("tags", "")],
        ),
        "edit proposal" => ("title", "ICS statutory footing", &[("summary", "")]),
        "edit tension" => (
            "title",
            "Scale",
            &[("pole_a", "Small"), ("pole_b", "Large")],
        ),
        "edit source details" => ("title", "A thread, take", &[("kind", "thread")]),
        "edit debate details" => ("title", "A debate, take", &[("started_on", "2020-01-31")]),
        "edit actor details" => ("name", "Ann Author", &[("kind", "person")]),
        other => unreachable!("{other} is no edit"),
    };
    let kept = kept.iter().map(|&(field, value)| (field, value.to_owned()));
    std::iter::once((changed, format!("{words} {attempt}")))
        .chain(kept)
        .collect()
}

#[tokio::test]
async fn the_authorisation_matrix_holds_for_every_page_write() {
    // Every role tries every route (sign-ins included) within seconds, from one address:
    // more writes than a person's limit, which is not what this test is about.
    let (db, _) = crate::builders::small::database().await;
    let app = TestApp::spawn_with_config(db, |config| config.limits.writes_per_minute = 1000).await;
    let mut attempt = 0;
    for (route, least, allowed_status) in PAGE_WRITES {
        for role in [
            None,
            Some(Role::Contributor),
            Some(Role::Moderator),
            Some(Role::Admin),
        ] {
            attempt += 1;
            let visitor = match role {
                Some(role) => {
                    app.signed_in(&format!("m{attempt}@example.org"), role)
                        .await
                }
                None => {
                    let mut visitor = app.visitor();
                    visitor.fetch_csrf("/signin").await;
                    visitor
                }
            };
            let (path, fields) = prepare(&app, route, attempt).await;
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let before = revisions(&app).await;
            let response = visitor.post_form(&path, &fields).await;
            let status = response.status().as_u16();
            let allowed = role.is_some_and(|r| r >= least);
            match role {
                None => {
                    assert_eq!(status, 303, "anonymous {route}");
                    assert!(
                        location(&response).starts_with("/signin"),
                        "anonymous {route} is sent to sign in"
                    );
                }
                Some(role) if !allowed => assert_eq!(status, 403, "{role:?} {route}"),
                Some(role) => assert_eq!(
                    status,
                    allowed_status,
                    "{role:?} {route}: {}",
                    response.text().await.unwrap_or_default()
                ),
            }
            let wrote = revisions(&app).await - before;
            assert_eq!(
                wrote,
                i64::from(allowed),
                "{role:?} {route}: one revision per allowed write, none otherwise"
            );
        }
    }
    let moderator = app.signed_in("queue@example.org", Role::Moderator).await;
    let contributor = app
        .signed_in("noqueue@example.org", Role::Contributor)
        .await;
    assert_eq!(moderator.get("/moderation").await.status(), StatusCode::OK);
    assert_eq!(
        contributor.get("/moderation").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.visitor().get("/moderation").await.status(),
        StatusCode::SEE_OTHER
    );
}

/// Sets the map up for one attempt at the API route `route` as the holder of `user_token`
/// (None: anonymous) and returns the method, path and body.
async fn prepare_api(
    app: &TestApp,
    route: &str,
    attempt: usize,
    user_token: Option<&str>,
) -> (reqwest::Method, String, Value) {
    use reqwest::Method;
    let Arranged { slug, id, version } = arrange(app, route, attempt, user_token).await;
    match route {
        "add claim" => (
            Method::POST,
            "/api/v1/claims".into(),
            json!({ "source": SOURCE, "segment": SEGMENT, "quote": QUOTE, "text": format!("API claim {attempt} about blame and control.") }),
        ),
        "edit claim" => (
            Method::PATCH,
            format!("/api/v1/claims/{TARGET}"),
            json!({ "version": version, "text": format!("Reorganisations seed the next, API take {attempt}.") }),
        ),
        "annotate" => (
            Method::POST,
            format!("/api/v1/claims/{TARGET}/annotations"),
            json!({ "body": "Through the API." }),
        ),
        "report" => (
            Method::POST,
            format!("/api/v1/claims/{TARGET}/reviews"),
            json!({ "reason": "unclear" }),
        ),
        "new proposal" => (
            Method::POST,
            "/api/v1/proposals".into(),
            json!({ "debate": DEBATE, "title": format!("An API proposal {attempt}") }),
        ),
        "edit proposal" => (
            Method::PATCH,
            format!("/api/v1/proposals/{PROPOSAL}"),
            json!({ "version": version, "title": format!("ICS footing {attempt}") }),
        ),
        "new tension" => (
            Method::POST,
            "/api/v1/tensions".into(),
            json!({ "title": format!("Speed vs care {attempt}"), "pole_a": "Speed", "pole_b": "Care" }),
        ),
        "edit tension" => (
            Method::PATCH,
            format!("/api/v1/tensions/{TENSION}"),
            json!({ "version": version, "title": format!("Scale {attempt}"), "pole_a": "Small", "pole_b": "Large" }),
        ),
        "make token" => (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({ "name": format!("token {attempt}") }),
        ),
        "revoke token" => (
            Method::POST,
            format!("/api/v1/tokens/{id}/revoke"),
            json!({}),
        ),
        "hide" | "restore" => (
            Method::POST,
            format!("/api/v1/claims/{VICTIM}/{route}"),
            json!({}),
        ),
        "merge" => (
            Method::POST,
            format!("/api/v1/claims/{slug}/merge"),
            json!({ "into": TARGET }),
        ),
        "link claims" => (
            Method::POST,
            "/api/v1/relations".into(),
            json!({ "from": slug, "kind": "attacks", "to": TARGET }),
        ),
        "add quote" => (
            Method::POST,
            format!("/api/v1/claims/{slug}/quotes"),
            json!({ "source": SOURCE, "quote": QUOTE }),
        ),
        "retire quote" => (
            Method::DELETE,
            format!("/api/v1/claims/{slug}/quotes/{id}"),
            json!({}),
        ),
        "add source" => (
            Method::POST,
            "/api/v1/sources".into(),
            json!({ "text": format!("Source number {attempt}, sent to the API.") }),
        ),
        "retype relation" => (
            Method::PATCH,
            format!("/api/v1/relations/{id}"),
            json!({ "kind": "attacks" }),
        ),
        "retire relation" => (Method::DELETE, format!("/api/v1/relations/{id}"), json!({})),
        other => unreachable!("{other}"),
    }
}

const API_WRITES: [(&str, Role); 19] = [
    ("add claim", Role::Contributor),
    ("edit claim", Role::Contributor),
    ("annotate", Role::Contributor),
    ("report", Role::Contributor),
    ("new proposal", Role::Contributor),
    ("edit proposal", Role::Contributor),
    ("new tension", Role::Contributor),
    ("edit tension", Role::Contributor),
    ("make token", Role::Contributor),
    ("revoke token", Role::Contributor),
    ("hide", Role::Moderator),
    ("restore", Role::Moderator),
    ("merge", Role::Moderator),
    ("link claims", Role::Contributor),
    ("retype relation", Role::Moderator),
    ("retire relation", Role::Moderator),
    ("add source", Role::Contributor),
    ("add quote", Role::Contributor),
    ("retire quote", Role::Contributor),
];

#[tokio::test]
async fn the_authorisation_matrix_holds_for_every_api_write() {
    let app = spawn().await;
    let mut tokens: Vec<(Option<Role>, Option<String>)> = vec![(None, None)];
    for (i, role) in [Role::Contributor, Role::Moderator, Role::Admin]
        .into_iter()
        .enumerate()
    {
        tokens.push((
            Some(role),
            Some(app.token(&format!("api{i}@example.org"), role).await),
        ));
    }
    let mut attempt = 0;
    for (route, least) in API_WRITES {
        for (role, token) in &tokens {
            attempt += 1;
            let (method, path, body) = prepare_api(&app, route, attempt, token.as_deref()).await;
            let mut request = app.client.request(method, app.url(&path)).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let before = revisions(&app).await;
            let response = request.send().await.unwrap();
            let status = response.status();
            let allowed = role.is_some_and(|r| r >= least);
            match role {
                None => assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {route}"),
                Some(role) if !allowed => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {route}")
                }
                Some(role) => assert!(
                    status.is_success(),
                    "{role:?} {route}: {status} {}",
                    response.text().await.unwrap()
                ),
            }
            if !allowed {
                assert_eq!(
                    header(&response, "content-type"),
                    "application/problem+json",
                    "{route}"
                );
            }
            assert_eq!(
                revisions(&app).await - before,
                i64::from(allowed),
                "{role:?} {route}: one revision per allowed write, none otherwise"
            );
        }
    }
}

#[tokio::test]
async fn the_api_adds_and_edits_claims_with_a_token_and_refuses_a_revoked_one() {
    let app = spawn().await;
    let token = app.token("ivy@example.org", Role::Contributor).await;
    let post = |path: &str, body: Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let bad = post("/api/v1/claims", json!({ "source": SOURCE, "segment": SEGMENT, "quote": "not in the text at all", "text": "A claim whose quote is wrong." })).await.unwrap();
    assert_eq!(header(&bad, "content-type"), "application/problem+json");
    assert_refused(bad, "quote", "").await;

    let missing = post("/api/v1/claims", json!({ "source": SOURCE }))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let problem: Value = missing.json().await.unwrap();
    assert_detail(&problem, "missing field");

    let created = post("/api/v1/claims", json!({ "source": SOURCE, "segment": SEGMENT, "quote": QUOTE, "text": "Blame follows control, so more control means more blame.", "relation": "attacks", "target": TARGET })).await.unwrap();
    let slug = created_slug(created).await;

    let claim = app.json(&format!("/api/v1/claims/{slug}")).await;
    let relates_to = claim["relates_to"].as_array().unwrap();
    assert_eq!(relates_to.len(), 1, "{claim}");
    assert_eq!(relates_to[0]["kind"], "attacks");
    assert_eq!(relates_to[0]["other"], TARGET);
    assert_eq!(relates_to[0]["undercut_by"], json!([]));
    let version = claim["version"].as_i64().unwrap();
    let patch = |body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/claims/{slug}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let edited = patch(
        json!({ "version": version, "text": "Blame follows control: more control, more blame." }),
    )
    .await
    .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    let stale = patch(json!({ "version": version, "text": "A stale edit that must not win." }))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let problem: Value = stale.json().await.unwrap();
    assert_eq!(
        problem["current"]["text"],
        "Blame follows control: more control, more blame."
    );
    let history = app.json(&format!("/api/v1/claims/{slug}/history")).await;
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|revision| revision["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["edit", "create"], "newest first");

    let tokens: Value = app
        .get_as("/api/v1/tokens", &token)
        .await
        .json()
        .await
        .unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    assert_eq!(
        post(&format!("/api/v1/tokens/{id}/revoke"), json!({}))
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post("/api/v1/claims", json!({})).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a revoked token stops working"
    );
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select token_hash from api_tokens")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|hash| hash.len() == 32
            && !token
                .as_bytes()
                .windows(8)
                .any(|w| hash.windows(8).any(|h| h == w))),
        "only hashes are stored"
    );
}

#[tokio::test]
async fn api_writes_with_a_session_need_the_csrf_header() {
    let (_app, visitor) = contributor("jay@example.org").await;
    let body = json!({ "body": "From a script on our page." });
    let path = visitor.url(&format!("/api/v1/claims/{TARGET}/annotations"));
    let without = visitor.client.post(&path).json(&body).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let with = visitor
        .client
        .post(&path)
        .header("x-csrf-token", &visitor.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn moderators_hide_restore_and_merge_and_nothing_is_lost() {
    let (app, contributor) = contributor("kit@example.org").await;
    let moderator = app.signed_in("lea@example.org", Role::Moderator).await;
    let response = add_claim(
        &contributor,
        "s1-3",
        "Every reorganisation since 1974 plants the seeds of the next.",
        "every reorganisation since 1974 contains the seeds of the next one",
    )
    .await;
    let duplicate = location(&response);
    let report = contributor
        .post_form(
            &format!("{duplicate}/reports"),
            &[("reason", "duplicate"), ("note", "same as the original")],
        )
        .await;
    assert_eq!(report.status(), StatusCode::SEE_OTHER);
    let queue = moderator.page("/moderation").await;
    assert!(text_of(&queue, "ol.reviews").contains("duplicate"));
    let page = contributor.page(&duplicate).await;
    assert_eq!(
        text_of(&page, "#reviews .review p"),
        "Reported as duplicate: same as the original",
        "the claim's own page shows its open report"
    );

    let hidden = moderator.post_form(&format!("{duplicate}/hide"), &[]).await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        contributor.get(&duplicate).await.status(),
        StatusCode::NOT_FOUND,
        "hidden from readers"
    );
    assert_eq!(
        moderator.get(&duplicate).await.status(),
        StatusCode::OK,
        "moderators still see it"
    );
    assert_eq!(
        moderator
            .post_form(&format!("{duplicate}/restore"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        contributor.get(&duplicate).await.status(),
        StatusCode::OK,
        "the hide was undone"
    );

    // The survivor named by its words, as every target field takes it.
    let survivor_text: String = sqlx::query_scalar("select body from claims where slug = $1")
        .bind(TARGET)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let merged = moderator
        .post_form(&format!("{duplicate}/merge"), &[("into", &survivor_text)])
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&merged), format!("/claims/{TARGET}"));
    let relations: i64 = sqlx::query_scalar(
        "select count(*) from relations r join claims c on c.id = r.from_claim_id where c.slug = $1 and r.removed_at is null",
    )
    .bind(duplicate.trim_start_matches("/claims/"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(relations, 0, "the duplicate's links moved");
    let rows: i64 = sqlx::query_scalar("select count(*) from claims where slug = $1")
        .bind(duplicate.trim_start_matches("/claims/"))
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1, "nothing is deleted");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from revisions r join claims c on c.id = r.object_id and r.object_kind = 'claim' where c.slug = $1 order by r.id",
    )
    .bind(duplicate.trim_start_matches("/claims/"))
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, ["create", "hide", "restore", "merge"]);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_has_a_readable_page() {
    let app = TestApp::spawn().await;
    let document: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(document["info"]["title"], "argmap API");
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/claims",
        "/api/v1/claims/{slug}",
        "/api/v1/claims/similar",
        "/api/v1/stats",
        "/api/v1/tokens",
        "/api/v1/map",
        "/api/v1/relations",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(document["paths"]["/api/v1/claims/{slug}"]["patch"].is_object());
    assert!(document["paths"]["/api/v1/relations/{id}"]["delete"].is_object());
    assert!(document["paths"]["/api/v1/relations/{id}"]["patch"].is_object());
    // The domain's words are listed where a body or an answer holds one.
    let schemas = &document["components"]["schemas"];
    for (schema, property, words) in [
        ("NewRelation", "kind", "RelationKind"),
        ("NewReview", "reason", "ReviewReason"),
        ("SearchHit", "kind", "HitKind"),
    ] {
        assert_eq!(
            schemas[schema]["properties"][property]["$ref"],
            format!("#/components/schemas/{words}"),
            "{schema}.{property}: {}",
            schemas[schema]
        );
    }
    assert_eq!(
        schemas["RelationKind"]["enum"],
        json!(["supports", "attacks", "undercuts"])
    );
    let page = app.page("/api").await;
    assert!(select(&page, "table.operations tbody tr").len() >= paths.len());
}

#[tokio::test]
async fn similar_claims_are_offered_while_typing() {
    let app = spawn().await;
    let similar: Value = app
        .get("/api/v1/claims/similar?q=every%20reorganisation%20since%201974%20carries%20seeds")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(similar[0]["slug"], TARGET, "{similar}");
}

#[test]
fn the_user_command_adds_admins_and_changes_roles() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (db, name) = runtime.block_on(crate::harness::fresh_database());
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = argmap()
            .args(args)
            .env("DATABASE_URL", crate::harness::database_url(&name))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let (code, out) = run(
        &[
            "user",
            "add",
            "--email",
            "root@example.org",
            "--role",
            "admin",
        ],
        "a long enough password\n",
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(
        &[
            "user",
            "role",
            "--email",
            "root@example.org",
            "--role",
            "moderator",
        ],
        "",
    );
    assert_eq!(code, Some(0), "{out}");
    let role: String = runtime
        .block_on(sqlx::query_scalar("select role from users").fetch_one(&db))
        .unwrap();
    assert_eq!(role, "moderator");
    let (code, out) = run(
        &[
            "user",
            "role",
            "--email",
            "nobody@example.org",
            "--role",
            "admin",
        ],
        "",
    );
    assert_eq!(code, Some(1));
    assert_contains(&out, "nobody@example.org");
}

#[tokio::test]
async fn proposals_and_tensions_are_edited_with_optimistic_locking() {
    let app = spawn().await;
    let token = app.token("mo@example.org", Role::Contributor).await;
    for (kind, slug, fields) in [
        (
            "proposals",
            PROPOSAL,
            json!({ "title": "Give ICSs a statutory footing", "summary": "Edited." }),
        ),
        (
            "tensions",
            TENSION,
            json!({ "title": "Scale", "pole_a": "Small units", "pole_b": "Large units", "description": "Edited." }),
        ),
    ] {
        let version: i32 =
            sqlx::query_scalar(&format!("select version from {kind} where slug = $1"))
                .bind(slug)
                .fetch_one(&app.db)
                .await
                .unwrap();
        let mut body = fields.clone();
        body["version"] = json!(version);
        let path = format!("/api/v1/{kind}/{slug}");
        let first = app
            .send_as(reqwest::Method::PATCH, &path, &token, &body)
            .await;
        assert_eq!(first.status(), StatusCode::NO_CONTENT, "{kind}");
        let again = app
            .send_as(reqwest::Method::PATCH, &path, &token, &body)
            .await;
        assert_eq!(
            again.status(),
            StatusCode::CONFLICT,
            "{kind}: a stale version"
        );
        let problem: Value = again.json().await.unwrap();
        assert_eq!(problem["current"]["version"], version + 1, "{kind}");
    }
    let visitor = app.signed_in("ned@example.org", Role::Contributor).await;
    let form = visitor.page(&format!("/proposals/{PROPOSAL}/edit")).await;
    assert_eq!(
        select(&form, "input[name=title]")[0].value().attr("value"),
        Some("Give ICSs a statutory footing")
    );
    let stale = visitor
        .post_form(
            &format!("/proposals/{PROPOSAL}/edit"),
            &[
                ("version", "1"),
                ("title", "My title, kept after a conflict"),
                ("summary", ""),
            ],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let page = html(stale).await;
    assert_eq!(
        select(&page, "input[name=title]")[0].value().attr("value"),
        Some("My title, kept after a conflict")
    );
}

#[tokio::test]
async fn suggested_claims_are_offered_to_contributors_who_take_them_up_or_dismiss_them() {
    let app = spawn().await;
    let anonymous = app.page(&format!("/sources/{SOURCE}")).await;
    assert_none(
        &anonymous,
        "details.suggestions",
        "readers are not shown the triage",
    );
    let visitor = app.signed_in("ola@example.org", Role::Contributor).await;
    let page = visitor.page(&format!("/sources/{SOURCE}")).await;
    let offered = select(&page, "details.suggestions > ul > li").len();
    assert!(offered > 0);
    let take_up = select(&page, "details.suggestions li a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let form = visitor.page(&take_up).await;
    let quote = text_of(&form, "textarea#quote");
    assert!(!quote.is_empty(), "the suggestion fills in the quote");

    let dismiss = select(&page, "details.suggestions form")[0]
        .value()
        .attr("action")
        .unwrap()
        .to_owned();
    let before = revisions(&app).await;
    assert_eq!(
        visitor
            .post_form(&dismiss, &[("back", format!("/sources/{SOURCE}").as_str())])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(revisions(&app).await, before + 1);
    let page = visitor.page(&format!("/sources/{SOURCE}")).await;
    assert_eq!(
        select(&page, "details.suggestions > ul > li").len(),
        offered - 1,
        "a dismissed suggestion is gone"
    );
    assert_eq!(
        visitor.post_form(&dismiss, &[]).await.status(),
        StatusCode::NOT_FOUND,
        "and cannot be dismissed twice"
    );
}

#[tokio::test]
async fn an_admin_disables_an_account_and_its_session_and_token_stop_working_at_once() {
    let (app, admin) = signed_in("admin@example.org", Role::Admin).await;
    let user = app.signed_in("pat@example.org", Role::Contributor).await;
    let token = app.token("pat-bot@example.org", Role::Contributor).await;
    let page = admin.page("/admin/users").await;
    assert!(text_of(&page, "table").contains("pat@example.org"));
    let disable = async |email: &str| {
        let id = scalar(
            &app.db,
            &format!("select id from users where email = '{email}'"),
        )
        .await;
        let path = format!("/admin/users/{id}/disable");
        admin.post_form(&path, &[]).await.status()
    };
    for email in ["pat@example.org", "pat-bot@example.org"] {
        assert_eq!(disable(email).await, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        user.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the session no longer signs anyone in"
    );
    let api = app.get_as("/api/v1/tokens", &token).await;
    assert_eq!(
        api.status(),
        StatusCode::UNAUTHORIZED,
        "the token no longer works"
    );
    let mut again = app.visitor();
    assert_eq!(
        again.sign_in("pat@example.org", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        disable("admin@example.org").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not yourself"
    );
}

#[tokio::test]
async fn the_accounts_page_lists_every_account_a_page_at_a_time_with_its_claims() {
    let (app, admin) = signed_in("admin@example.org", Role::Admin).await;
    crate::harness::execute(
        &app.db,
        "insert into users (email, display_name, password_hash, created_at)
         select 'user' || i || '@example.org', 'User ' || i, 'x', now() - interval '1 day'
         from generate_series(1, 230) i",
    )
    .await;
    crate::harness::execute(
        &app.db,
        "update claims set created_by = (select id from users where email = 'user7@example.org')
         where id = (select min(id) from claims)",
    )
    .await;
    let accounts = scalar(&app.db, "select count(*) from users").await as usize;

    let rows = "table.operations tbody tr";
    let pages = every_page("/admin/users", async |path| admin.page(path).await).await;
    let mut seen = Vec::new();
    for page in &pages {
        assert!(select(page, rows).len() <= 100, "at most a page");
        for row in select(page, rows) {
            let cells: Vec<String> = row
                .select(&scraper::Selector::parse("td").unwrap())
                .map(|c| text(&c))
                .collect();
            seen.push(cells[0].clone());
            if cells[0].contains("user7@example.org") {
                assert_eq!(cells[3], "1", "its claim is counted");
            }
        }
    }
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(
        (seen.len(), unique.len()),
        (accounts, accounts),
        "none twice, none skipped"
    );
    assert!(
        seen[0].contains("user1@example.org"),
        "oldest first: {}",
        seen[0]
    );
    assert_eq!(
        admin.get("/admin/users?page=9").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_review_queue_lists_every_open_report_a_page_at_a_time_oldest_first() {
    let app = spawn().await;
    let moderator = app.signed_in("mod@example.org", Role::Moderator).await;
    crate::harness::execute(
        &app.db,
        "insert into claim_reviews (claim_id, reason, note, reported_by, created_at)
         select (select min(id) from claims), 'unclear', 'report ' || i,
                (select id from users where email = 'mod@example.org'), now() - interval '1 day' * (200 - i)
         from generate_series(1, 130) i",
    )
    .await;
    crate::harness::execute(
        &app.db,
        "update claim_reviews set resolution = 'dismissed', resolved_at = now() where note = 'report 7'",
    )
    .await;
    let open = scalar(
        &app.db,
        "select count(*) from claim_reviews where resolution is null",
    )
    .await as usize;

    let pages = every_page("/moderation", async |path| moderator.page(path).await).await;
    for page in &pages {
        assert!(select(page, "li.review").len() <= 100, "at most a page");
    }
    let notes: Vec<String> = pages
        .iter()
        .flat_map(|page| texts(page, "li.review > p:nth-of-type(3)"))
        .collect();
    assert_eq!(notes.len(), open, "every open report, once: {notes:?}");
    assert_eq!(notes[0], "report 1", "oldest first");
    assert!(
        !notes.contains(&"report 7".to_owned()),
        "a dismissed report is not open"
    );
    assert_eq!(
        moderator.get("/moderation?page=5").await.status(),
        StatusCode::NOT_FOUND
    );
}
