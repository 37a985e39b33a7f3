//! Contributing to what is already in the map: quotes matched forgivingly but stored
//! exactly, and relations between existing claims added and retired, through the API.

use argmap::auth::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::builders::{BuiltMap, MapBuilder};
use crate::harness::{
    TestApp, Visitor, assert_detail, assert_none, assert_refused, created_slug, hrefs, items,
    location, refused_form, scalar, select, text_of, texts,
};

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
    let body = json!({
        "source": SOURCE, "segment": map.segment(SOURCE, n), "quote": quote,
        "text": "The hospitals are full again.",
    });
    app.send_as(Method::POST, "/api/v1/claims", token, &body)
        .await
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
    let slug = created_slug(created).await;

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
    let problem = assert_refused(
        refused,
        "quote",
        "the nearest passage is “Ministers think they are getting blamed”",
    )
    .await;
    assert_detail(&problem, "the source has “think” where you typed “thought”");
    let after: i64 = sqlx::query_scalar("select count(*) from revisions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(after, before, "nothing is written");
}

/// Adds the relation `body` through the API as the holder of `token`.
async fn link(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.send_as(Method::POST, "/api/v1/relations", token, &body)
        .await
}

/// Retires the relation at `path` through the API as the holder of `token`.
async fn retire(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    let request = app.client.delete(app.url(path));
    request.bearer_auth(token).send().await.unwrap()
}

/// What supports or attacks the claim `slug`, by the API: each relation's kind and other end.
async fn related_from(app: &TestApp, slug: &str) -> Vec<(String, String)> {
    let claim = app.json(&format!("/api/v1/claims/{slug}")).await;
    let text = |value: &Value| value.as_str().unwrap().to_owned();
    items(&claim["related_from"])
        .map(|r| (text(&r["kind"]), text(&r["other"])))
        .collect()
}

async fn standing(app: &TestApp, slug: &str) -> Value {
    app.json(&format!("/api/v1/claims/{slug}")).await["standing"].clone()
}

#[tokio::test]
async fn linking_two_existing_claims_changes_the_targets_standing_until_it_is_retired() {
    use crate::builders::small::{TARGET, VICTIM, spawn};
    let app = spawn().await;
    let ivy = app.token("ivy@example.org", Role::Contributor).await;
    assert_eq!(standing(&app, TARGET).await, "stands");
    let revisions = "select count(*) from revisions where object_kind = 'relation'";
    let loaded = scalar(&app.db, revisions).await;

    let relation = json!({ "from": VICTIM, "kind": "attacks", "to": TARGET });
    let created = link(&app, &ivy, relation.clone()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let url = created["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/api/v1/relations/{}", created["id"]));
    assert_eq!(standing(&app, TARGET).await, "defeated");
    let related = related_from(&app, TARGET).await;
    assert!(
        related.contains(&("attacks".into(), VICTIM.into())),
        "{related:?}"
    );
    let page = app.page(&format!("/claims/{TARGET}")).await;
    assert!(
        text_of(&page, ".standing-line").contains("efeated"),
        "the claim's page shows it: {}",
        text_of(&page, ".standing-line")
    );
    assert_eq!(scalar(&app.db, revisions).await - loaded, 1);

    let again = link(&app, &ivy, relation.clone()).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let problem: Value = again.json().await.unwrap();
    assert_detail(
        &problem,
        &format!(
            "{VICTIM} already attacks {TARGET}: that is relation {}",
            created["id"]
        ),
    );

    let other = app.token("otto@example.org", Role::Contributor).await;
    let refused = retire(&app, &other, &url).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "only its creator or a moderator"
    );
    let retired = retire(&app, &ivy, &url).await;
    assert_eq!(retired.status(), StatusCode::NO_CONTENT);
    assert_eq!(standing(&app, TARGET).await, "stands");
    let kept = format!(
        "select count(*) from relations where id = {} and removed_at is not null",
        created["id"]
    );
    assert_eq!(scalar(&app.db, &kept).await, 1, "retired, not deleted");
    let twice = retire(&app, &ivy, &url).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert_eq!(
        scalar(&app.db, revisions).await - loaded,
        2,
        "one Create, one Unlink"
    );

    let back = link(&app, &other, relation).await;
    assert_eq!(
        back.status(),
        StatusCode::CREATED,
        "a retired relation can be made again"
    );
    assert_eq!(back.json::<Value>().await.unwrap()["id"], created["id"]);
    assert_eq!(standing(&app, TARGET).await, "defeated");
}

#[tokio::test]
async fn a_wrong_relation_gets_422_naming_the_field_and_writes_nothing() {
    use crate::builders::small::{PROPOSAL, TARGET, VICTIM, spawn};
    let app = spawn().await;
    let ivy = app.token("ivy@example.org", Role::Contributor).await;
    let before = scalar(&app.db, "select count(*) from revisions").await;
    // Each relation (from, kind, to) with the field it is refused for and what that says.
    for (from, kind, to, field, says) in [
        (VICTIM, "attacks", VICTIM, "to", "itself"),
        (
            VICTIM,
            "attacks",
            "no-such-claim",
            "to",
            "has the slug or the words \"no-such-claim\"",
        ),
        (
            VICTIM,
            "attacks",
            "proposal:nope",
            "to",
            "no proposal has the slug \"nope\"",
        ),
        (
            "nobody-said-this",
            "attacks",
            TARGET,
            "from",
            "no claim has the slug",
        ),
        (
            VICTIM,
            "contradicts",
            TARGET,
            "kind",
            "unknown relation kind \"contradicts\": expected supports, attacks or undercuts",
        ),
        (VICTIM, "attacks", "", "to", "name the claim"),
    ] {
        let body = json!({ "from": from, "kind": kind, "to": to });
        assert_refused(link(&app, &ivy, body).await, field, says).await;
    }
    assert_eq!(
        scalar(&app.db, "select count(*) from revisions").await,
        before
    );

    let to_proposal =
        json!({ "from": VICTIM, "kind": "attacks", "to": format!("proposal:{PROPOSAL}") });
    let created = link(&app, &ivy, to_proposal).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let missing = retire(&app, &ivy, "/api/v1/relations/999999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Follows the "Attack" answer on `page` (an anonymous visitor is offered none; a
/// contributor is offered all three) to the add-a-claim form, whose target is fixed to
/// `target`: that contributor and the form.
async fn attack_from(app: &TestApp, page: &str, target: &str) -> (Visitor, scraper::Html) {
    use crate::builders::small::SOURCE;
    assert!(
        select(&app.page(page).await, "p.answer a").is_empty(),
        "answering needs an account"
    );
    let visitor = app.signed_in("ivy@example.org", Role::Contributor).await;
    let shown = visitor.page(page).await;
    assert_eq!(
        texts(&shown, "p.answer a"),
        ["Support", "Attack", "Undercut"]
    );
    let attack = &hrefs(&shown, "p.answer a")[1];
    assert_eq!(
        attack,
        &format!("/sources/{SOURCE}/claims/new?target={target}&relation=attacks")
    );
    let form = visitor.page(attack).await;
    assert_eq!(
        select(&form, "input#target")[0].value().attr("value"),
        Some(target),
        "the target is fixed"
    );
    (visitor, form)
}

#[tokio::test]
async fn a_claim_page_answers_the_claim_and_links_it_to_another_without_typing_its_words() {
    use crate::builders::small::{TARGET, VICTIM, spawn};
    let app = spawn().await;
    let (visitor, form) = attack_from(&app, &format!("/claims/{TARGET}"), TARGET).await;
    let chosen = select(&form, "select#relation option[selected]");
    assert_eq!(chosen[0].value().attr("value"), Some("attacks"));
    assert_eq!(
        text_of(&form, ".answering"),
        "Answering: Every NHS reorganisation since 1974 has carried within it the seeds of the next one.",
        "the target's text is shown"
    );

    let attack = async |to: &str| {
        let path = format!("/claims/{VICTIM}/relations");
        visitor
            .post_form(&path, &[("kind", "attacks"), ("to", to)])
            .await
    };
    let linked = attack(TARGET).await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&linked),
        format!("/claims/{VICTIM}#relations-heading")
    );
    assert_eq!(standing(&app, TARGET).await, "defeated");
    let refused = attack(VICTIM).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_relation_is_retyped_by_its_creator_and_the_standing_follows() {
    use crate::builders::small::{TARGET, VICTIM, spawn};
    let app = spawn().await;
    let ivy = app.token("ivy@example.org", Role::Contributor).await;
    let relation = json!({ "from": VICTIM, "kind": "attacks", "to": TARGET });
    let created: Value = link(&app, &ivy, relation).await.json().await.unwrap();
    let url = created["url"].as_str().unwrap().to_owned();
    assert_eq!(standing(&app, TARGET).await, "defeated");
    let retype = |token: &str, kind: &str| {
        let request = app
            .client
            .patch(app.url(&url))
            .json(&json!({ "kind": kind }));
        request.bearer_auth(token.to_owned()).send()
    };
    let revisions = "select count(*) from revisions where object_kind = 'relation'";
    let before = scalar(&app.db, revisions).await;

    let other = app.token("otto@example.org", Role::Contributor).await;
    let refused = retype(&other, "supports").await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let wrong = retype(&ivy, "refutes").await.unwrap();
    assert_refused(wrong, "kind", "unknown relation kind \"refutes\"").await;
    let same = retype(&ivy, "attacks").await.unwrap();
    assert_eq!(same.status(), StatusCode::NO_CONTENT);
    assert_eq!(scalar(&app.db, revisions).await, before, "nothing changed");

    let retyped = retype(&ivy, "supports").await.unwrap();
    assert_eq!(retyped.status(), StatusCode::NO_CONTENT);
    assert_eq!(standing(&app, TARGET).await, "stands");
    let related = related_from(&app, TARGET).await;
    assert!(
        related.contains(&("supports".into(), VICTIM.into())),
        "{related:?}"
    );
    assert_eq!(scalar(&app.db, revisions).await, before + 1, "one Edit");
}

#[tokio::test]
async fn targets_are_named_by_their_words_and_several_matches_are_offered_to_choose_from() {
    use crate::builders::small::{SEGMENT, SOURCE, TARGET, VICTIM, spawn};
    use crate::harness::insert_claim_row;
    let app = spawn().await;
    insert_claim_row(
        &app.db,
        "winter-lists",
        "Waiting lists grow longer every winter.",
    )
    .await;
    insert_claim_row(
        &app.db,
        "summer-lists",
        "Waiting lists grow longer in summer too.",
    )
    .await;
    let ivy = app.token("ivy@example.org", Role::Contributor).await;
    let relations_to = async |slug: &str| {
        scalar(
            &app.db,
            &format!("select count(*) from relations r join claims c on c.id = r.to_claim_id where c.slug = '{slug}' and r.removed_at is null"),
        )
        .await
    };

    // Through the API: words that match one claim name it.
    let attack = async |words: &str| {
        let body = json!({ "from": VICTIM, "kind": "attacks", "to": words });
        link(&app, &ivy, body).await
    };
    let linked = attack("the seeds of the next one").await;
    assert_eq!(linked.status(), StatusCode::CREATED);
    assert_eq!(relations_to(TARGET).await, 1);
    let ambiguous = attack("waiting lists grow").await;
    assert_refused(ambiguous, "to", "2 claims and proposals match").await;

    // The add-a-claim form: the words match two, which are offered; choosing one saves.
    let visitor = app.signed_in("rae@example.org", Role::Contributor).await;
    let claim = [
        ("segment", SEGMENT),
        ("quote", crate::builders::small::QUOTE),
        ("text", "Control makes every bad winter a minister's fault."),
        ("relation", "supports"),
        ("target", "waiting lists grow"),
    ];
    let path = format!("/sources/{SOURCE}/claims");
    let offered = visitor.post_form(&path, &claim).await;
    let form = refused_form(offered).await;
    let choices = texts(&form, ".target-choices label");
    assert_eq!(choices.len(), 2, "both claims are offered: {choices:?}");
    assert!(
        choices
            .iter()
            .any(|c| c == "Waiting lists grow longer every winter.")
    );
    assert_eq!(
        text_of(&form, "textarea#text"),
        "Control makes every bad winter a minister's fault.",
        "what was typed is kept"
    );
    let mut chosen = claim.to_vec();
    chosen.push(("pick", "winter-lists"));
    let saved = visitor.post_form(&path, &chosen).await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap_or_default()
    );
    assert_eq!(relations_to("winter-lists").await, 1);
    assert_eq!(relations_to("summer-lists").await, 0);

    // The claim page's link form: the same choice on a page of its own.
    let link_path = format!("/claims/{VICTIM}/relations");
    let link_to = async |words: &str, pick: &[(&str, &str)]| {
        let fields = [&[("kind", "attacks"), ("to", words)], pick].concat();
        visitor.post_form(&link_path, &fields).await
    };
    let form = refused_form(link_to("lists grow longer", &[]).await).await;
    let values: Vec<&str> = select(&form, ".target-choices input[name=pick]")
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(values.len(), 2, "{values:?}");
    assert!(values.contains(&"summer-lists"));
    let linked = link_to("lists grow longer", &[("pick", "summer-lists")]).await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    assert_eq!(relations_to("summer-lists").await, 1);

    let form = refused_form(link_to("zebras on the moon", &[]).await).await;
    assert!(text_of(&form, "#form-error").contains("no claim or proposal"));
}

#[tokio::test]
async fn a_proposal_page_answers_the_proposal_with_its_target_fixed() {
    use crate::builders::small::{PROPOSAL, QUOTE, SEGMENT, SOURCE, spawn};
    let app = spawn().await;
    let target = format!("proposal:{PROPOSAL}");
    let (visitor, form) = attack_from(&app, &format!("/proposals/{PROPOSAL}"), &target).await;
    assert!(text_of(&form, ".answering").starts_with("Answering: "));

    let saved = visitor
        .post_form(
            &format!("/sources/{SOURCE}/claims"),
            &[
                ("segment", SEGMENT),
                ("quote", QUOTE),
                ("text", "More control only brings more blame to ministers."),
                ("relation", "attacks"),
                ("target", &target),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let against = scalar(
        &app.db,
        &format!("select count(*) from relations r join proposals p on p.id = r.to_proposal_id where p.slug = '{PROPOSAL}' and r.kind = 'attacks'"),
    )
    .await;
    assert_eq!(against, 1);
}

#[tokio::test]
async fn the_add_a_claim_form_chooses_a_tensions_pole_by_its_name() {
    use crate::builders::small::{PROPOSAL, QUOTE, SEGMENT, SOURCE, TENSION, contributor};
    let (app, visitor) = contributor("ivy@example.org").await;
    let form = visitor.page(&format!("/sources/{SOURCE}/claims/new")).await;
    let options = texts(&form, "select#shows_tension option");
    assert_eq!(
        options,
        [
            "(none)",
            "A proposal: A tension, for Pole A",
            "A proposal: A tension, for Pole B"
        ]
    );
    assert_none(&form, "input[name=pole]", "no 'pole a / pole b' radios");
    let value = select(&form, "select#shows_tension option")[2]
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let saved = visitor
        .post_form(
            &format!("/sources/{SOURCE}/claims"),
            &[
                ("segment", SEGMENT),
                ("quote", QUOTE),
                ("text", "More control brings more blame to ministers."),
                ("shows_tension", &value),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let slug = location(&saved).trim_start_matches("/claims/").to_owned();
    let pole = sqlx::query_scalar::<_, String>(&format!(
        "select e.pole from tension_evidence e join claims c on c.id = e.claim_id
         join proposal_tensions pt on pt.id = e.proposal_tension_id
         join proposals p on p.id = pt.proposal_id join tensions t on t.id = pt.tension_id
         where c.slug = '{slug}' and p.slug = '{PROPOSAL}' and t.slug = '{TENSION}'"
    ))
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(pole, "b");
}
