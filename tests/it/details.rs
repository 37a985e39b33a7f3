//! Moderators correct the details of sources, debates and actors: one form for the three,
//! checked as the schema checks them, against the version read, with a revision.

use argmap::auth::Role;
use reqwest::StatusCode;

use crate::builders::AUTHOR;
use crate::builders::small::{self, DEBATE, SOURCE};
use crate::harness::{
    TestApp, Visitor, assert_one, form_version, hrefs, location, refused_form, scalar, select,
    text_of,
};

async fn revisions(app: &TestApp, kind: &str) -> i64 {
    scalar(
        &app.db,
        &format!("select count(*) from revisions where object_kind = '{kind}' and action = 'edit'"),
    )
    .await
}

/// The version the edit form at `path` carries.
async fn version(visitor: &Visitor, path: &str) -> String {
    form_version(&visitor.page(path).await)
}

#[tokio::test]
async fn a_moderator_corrects_a_sources_details_and_a_stale_edit_loses_nothing() {
    let (app, moderator) = small::signed_in("mo@example.org", Role::Moderator).await;
    let contributor = app.signed_in("co@example.org", Role::Contributor).await;
    let page = format!("/sources/{SOURCE}");
    let edit = format!("/sources/{SOURCE}/edit");
    assert_eq!(
        hrefs(&moderator.page(&page).await, ".actions a"),
        [edit.as_str()]
    );
    assert!(hrefs(&contributor.page(&page).await, ".actions a").is_empty());
    assert_eq!(contributor.get(&edit).await.status(), StatusCode::FORBIDDEN);

    let read = version(&moderator, &edit).await;
    let fields = |title: &'static str, published: &'static str| {
        vec![
            ("version", read.clone()),
            ("title", title.to_owned()),
            ("outlet", "The Review".to_owned()),
            ("url", "https://example.org/thread".to_owned()),
            ("published_on", published.to_owned()),
            ("kind", "thread".to_owned()),
        ]
    };
    let post = async |fields: Vec<(&str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        moderator.post_form(&edit, &fields).await
    };

    let before = revisions(&app, "source").await;
    let refused = post(fields("A thread on control", "31 January")).await;
    let form = refused_form(refused).await;
    assert_one(
        &form,
        "#published_on[aria-invalid=true]",
        "the date field is marked",
    );
    assert!(text_of(&form, "#form-error").starts_with("published_on:"));
    assert_eq!(revisions(&app, "source").await, before);

    let saved = post(fields("A thread on control", "2021-01-31")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), page);
    assert_eq!(revisions(&app, "source").await, before + 1);
    let shown = app.page(&page).await;
    assert_eq!(text_of(&shown, "h1"), "A thread on control");
    let facts = text_of(&shown, ".facts");
    assert!(
        facts.contains("The Review") && facts.contains("2021-01-31"),
        "{facts}"
    );

    // The same form again, made against the version before that save.
    let stale = post(fields("A thread on something else", "2021-01-31")).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let form = crate::harness::html(stale).await;
    assert_eq!(
        select(&form, "#title")[0].value().attr("value"),
        Some("A thread on something else"),
        "what was typed is kept"
    );
    assert_eq!(revisions(&app, "source").await, before + 1);
    assert_eq!(text_of(&app.page(&page).await, "h1"), "A thread on control");
}

#[tokio::test]
async fn debates_and_actors_details_are_checked_as_the_schema_checks_them() {
    let (app, moderator) = small::signed_in("mo@example.org", Role::Moderator).await;

    let debate = format!("/debates/{DEBATE}/edit");
    let read = version(&moderator, &debate).await;
    let dates = |ended: &'static str| {
        [
            ("version", read.clone()),
            ("title", "Reforming the NHS".to_owned()),
            ("summary", "What the reforms change.".to_owned()),
            ("started_on", "2021-06-01".to_owned()),
            ("ended_on", ended.to_owned()),
        ]
    };
    let send = async |path: &str, fields: &[(&str, String)]| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        moderator.post_form(path, &fields).await
    };
    let refused = send(&debate, &dates("2020-01-01")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&crate::harness::html(refused).await, "#form-error").starts_with("ended_on:"));
    let saved = send(&debate, &dates("2022-07-01")).await;
    assert_eq!(location(&saved), format!("/debates/{DEBATE}"));
    assert_eq!(
        text_of(&app.page(&format!("/debates/{DEBATE}")).await, "h1"),
        "Reforming the NHS"
    );
    assert_eq!(revisions(&app, "debate").await, 1);

    let actor = format!("/actors/{AUTHOR}/edit");
    let read = version(&moderator, &actor).await;
    let person = |kind: &'static str| {
        [
            ("version", read.clone()),
            ("name", "Ann Author-Smith".to_owned()),
            ("kind", kind.to_owned()),
            ("handle", "annauthor".to_owned()),
            ("about", "Writes on health policy.".to_owned()),
        ]
    };
    let refused = send(&actor, &person("robot")).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = send(&actor, &person("person")).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        text_of(&app.page(&format!("/sources/{SOURCE}")).await, ".facts dd"),
        "Ann Author-Smith",
        "the source's author is the actor, renamed"
    );
    assert_eq!(revisions(&app, "actor").await, 1);
    assert_eq!(
        app.visitor().get("/actors/nobody/edit").await.status(),
        StatusCode::SEE_OTHER,
        "the anonymous are sent to sign in"
    );
    assert_eq!(
        moderator.get("/actors/nobody/edit").await.status(),
        StatusCode::NOT_FOUND
    );
}
