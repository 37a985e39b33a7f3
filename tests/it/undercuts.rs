//! Undercuts attack inferences: an undercut that stands disables the relation it
//! undercuts and leaves that relation's premise standing, on the pages, in the API and in
//! the exports; the map format names an inference and reports a bad one by file and line;
//! round trips through JSON, Argdown and Kialo keep the inference an undercut names; old
//! undercuts of a claim are moved to an inference by the migration.

use std::collections::BTreeMap;

use argmap::auth::Role;
use argmap::export::import::ImportReport;
use argmap::export::{Format, MapDocument, Scope};
use argmap::standing::StandingLabel;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::export::BASE;
use crate::harness::{
    TestApp, assert_contains, assert_none, assert_one, corpus_database, document, execute,
    fresh_database, import_into, lost, select, text,
};

/// In the shipped map: the Prime Minister's announcement that Monitor gains a duty to
/// support integration supports giving it that duty; the blog's author undercuts that
/// inference (integration is not the opposite of competition), conceding the fact.
const PREMISE: &str = "monitor-new-duty-to-support-integration";
const UNDERCUTTER: &str = "collaboration-is-the-opposite-of-competition";
const CONCLUSION: &str = "proposal:monitor-integration-duty";

#[tokio::test]
async fn the_claim_pages_show_the_undercut_inference_disabled_and_its_premise_standing() {
    let app = TestApp::spawn_with_corpus().await;

    let page = app.page(&format!("/claims/{UNDERCUTTER}")).await;
    let outgoing = select(
        &page,
        "section[aria-labelledby=outgoing-heading] li.rel-undercuts",
    );
    assert_eq!(outgoing.len(), 1, "one undercut");
    let line = text(&outgoing[0]);
    assert!(
        line.starts_with("undercuts the inference: “Monitor will gain a new duty"),
        "{line}"
    );
    assert_contains(
        &line,
        "” supports “Give Monitor a duty to support integration”",
    );
    let links: Vec<&str> = outgoing[0]
        .select(&scraper::Selector::parse("a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        [
            format!("/claims/{PREMISE}"),
            "/proposals/monitor-integration-duty".to_owned()
        ]
    );

    let page = app.page(&format!("/claims/{PREMISE}")).await;
    let standing = text(&select(&page, ".standing-line .standing")[0]);
    assert_eq!(
        standing, "stands",
        "an undercut does not defeat its premise, a plain announcement of fact"
    );
    let support = select(
        &page,
        "section[aria-labelledby=outgoing-heading] li.rel-supports",
    );
    assert_eq!(support.len(), 1);
    let line = text(&support[0]);
    assert_contains(&line, "the inference is disabled");
    assert_contains(
        &line,
        "undercut by The opposite of competition is collaboration",
    );
    assert_none(
        &page,
        "form[action^='/relations/']",
        "undercutting a link needs an account",
    );
}

#[tokio::test]
async fn a_signed_in_reader_undercuts_a_link_from_the_claim_page_without_javascript() {
    let app = TestApp::spawn_with_corpus().await;
    let (attacker, attacked, attack) = defeating_attack(&app.db).await;
    let visitor = app
        .signed_in("undercutter@example.org", Role::Contributor)
        .await;
    let page = visitor.page(&format!("/claims/{attacked}")).await;
    let action = format!("/relations/{attack}/undercuts");
    assert_one(
        &page,
        &format!("form[action='{action}']"),
        "each link has its undercut form",
    );

    // Words matching no claim: the form comes back naming the field.
    let refused = visitor
        .post_form(
            &action,
            &[("from", "zzzz qqqq no such words"), ("back", &attacked)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert_contains(&body, "<strong>from</strong>");

    // The undercutter is a claim already in the map, named by its slug.
    let undercutter = sqlx::query_scalar::<_, String>(
        "select slug::text from claims where slug <> $1 and slug <> $2 and hidden_at is null order by id limit 1",
    )
    .bind(&attacker)
    .bind(&attacked)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let saved = visitor
        .post_form(&action, &[("from", &undercutter), ("back", &attacked)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::harness::location(&saved),
        format!("/claims/{attacked}#relation-{attack}")
    );
    let page = app.page(&format!("/claims/{attacked}")).await;
    let link = select(&page, &format!("#relation-{attack}"));
    assert!(
        text(&link[0]).contains("the inference is disabled")
            || text(&link[0]).contains("the inference is contested"),
        "{}",
        text(&link[0])
    );
    assert_eq!(
        crate::harness::scalar(
            &app.db,
            &format!(
                "select count(*) from revisions r join relations u on u.id = r.object_id
                 where r.object_kind = 'relation' and u.to_relation_id = {attack}"
            )
        )
        .await,
        1,
        "one write, one revision"
    );
}

#[tokio::test]
async fn the_api_names_relations_their_standing_and_takes_an_inference_as_an_undercut_target() {
    let app = TestApp::spawn_with_corpus().await;
    let premise: Value = app.json(&format!("/api/v1/claims/{PREMISE}")).await;
    assert_eq!(premise["standing"], "stands");
    let support = &premise["relates_to"][0];
    assert_eq!(support["kind"], "supports");
    assert_eq!(support["other"], CONCLUSION);
    assert_eq!(support["standing"], "disabled");
    assert_eq!(support["undercut_by"], json!([UNDERCUTTER]));
    let inference = support["id"].as_i64().unwrap();

    let undercutter: Value = app.json(&format!("/api/v1/claims/{UNDERCUTTER}")).await;
    let undercut = undercutter["relates_to"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "undercuts")
        .expect("an undercut");
    assert_eq!(undercut["other"], format!("relation:{inference}"));
    assert_eq!(undercut["standing"], "holds");
    assert!(
        undercut["inference"]
            .as_str()
            .unwrap()
            .starts_with("“Monitor will gain"),
        "{undercut}"
    );

    // A contributor undercuts an attack between two claims: the attacked claim, defeated
    // until then, stands again, and the attacker keeps its standing.
    let (attacker, attacked, attack) = defeating_attack(&app.db).await;
    let token = app
        .token("undercutter@example.org", Role::Contributor)
        .await;
    let post = |body: Value| {
        app.client
            .post(app.url("/api/v1/relations"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let undercut_by = |to: String| json!({ "from": UNDERCUTTER, "kind": "undercuts", "to": to });
    for (body, why) in [
        (
            undercut_by(attacked.clone()),
            "an undercut aimed at a claim",
        ),
        (
            undercut_by("relation:999999".into()),
            "an inference nobody made",
        ),
        (undercut_by("relation:x".into()), "not an id"),
        (
            json!({ "from": UNDERCUTTER, "kind": "attacks", "to": format!("relation:{attack}") }),
            "an attack on an inference",
        ),
        (
            json!({ "from": PREMISE, "kind": "undercuts", "to": format!("relation:{inference}") }),
            "a claim undercutting its own inference",
        ),
    ] {
        let refused = post(body).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["field"], "to", "{why}: {problem}");
    }

    let standing = async |slug: &str| {
        let claim: Value = app.json(&format!("/api/v1/claims/{slug}")).await;
        claim["standing"].as_str().unwrap().to_owned()
    };
    assert_eq!(standing(&attacked).await, "defeated");
    let attacker_before = standing(&attacker).await;
    let created = post(undercut_by(format!("relation:{attack}")))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(standing(&attacked).await, "stands");
    assert_eq!(standing(&attacker).await, attacker_before);
    let page = app.page(&format!("/claims/{attacked}")).await;
    assert!(
        text(&select(&page, ".standing-line")[0]).contains("disabled by an undercut that stands"),
        "the page says why"
    );
    // The same again is a 409; a relation cannot be retyped into an undercut.
    assert_eq!(
        post(undercut_by(format!("relation:{attack}")))
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
    let retyped = app
        .client
        .patch(app.url(&format!("/api/v1/relations/{attack}")))
        .bearer_auth(app.token("mod@example.org", Role::Moderator).await)
        .json(&json!({ "kind": "undercuts" }))
        .send()
        .await
        .unwrap();
    assert_eq!(retyped.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// An attack between visible claims whose attacker stands and whose target it alone
/// attacks, so that it defeats it: (attacker slug, attacked slug, relation id).
async fn defeating_attack(db: &PgPool) -> (String, String, i64) {
    let doc = document(db, Scope::All).await;
    let standing: BTreeMap<&str, StandingLabel> = doc
        .claims
        .iter()
        .map(|c| (c.slug.as_str(), c.standing))
        .collect();
    let attacks = |to: &str| {
        doc.relations
            .iter()
            .filter(|r| r.kind.as_str() == "attacks" && r.to_claim() == Some(to))
            .count()
    };
    let (from, to) = doc
        .relations
        .iter()
        .filter(|r| r.kind.as_str() == "attacks")
        .filter_map(|r| Some((r.from.as_str(), r.to_claim()?)))
        .find(|(from, to)| {
            standing[from] == StandingLabel::Stands
                && standing[to] == StandingLabel::Defeated
                && attacks(to) == 1
        })
        .expect("the shipped map has a claim defeated by a single attack");
    let id: i64 = sqlx::query_scalar(
        "select r.id from relations r join claims f on f.id = r.from_claim_id join claims t on t.id = r.to_claim_id
         where r.kind = 'attacks' and f.slug = $1 and t.slug = $2 and r.removed_at is null",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await
    .unwrap();
    (from.to_owned(), to.to_owned(), id)
}

#[tokio::test]
async fn the_shipped_maps_undercuts_all_name_inferences_and_defeat_no_premise() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;
    let undercuts: Vec<_> = doc
        .relations
        .iter()
        .filter(|r| r.kind.as_str() == "undercuts")
        .collect();
    assert_eq!(undercuts.len(), 5, "the five undercuts the map makes");
    for undercut in undercuts {
        let inference = undercut
            .to
            .inference()
            .expect("an undercut names an inference");
        // A premise is defeated only if something attacks it.
        let attacked = doc
            .relations
            .iter()
            .any(|r| r.kind.as_str() == "attacks" && r.to_claim() == Some(&inference.from));
        assert!(
            attacked || doc.claim(&inference.from).unwrap().standing == StandingLabel::Stands,
            "{} is not defeated by {}",
            inference.from,
            undercut.from
        );
    }
    // The concession and the announcement stand (they were "defeated" while undercuts
    // attacked claims).
    assert_eq!(doc.claim(PREMISE).unwrap().standing, StandingLabel::Stands);
    assert_eq!(
        doc.claim("success-regimes-offer-support").unwrap().standing,
        StandingLabel::Stands
    );
}

#[tokio::test]
async fn the_exports_point_undercuts_at_inferences() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;

    let json: Value = serde_json::to_value(&doc).unwrap();
    let relations = json["relations"].as_array().unwrap();
    let undercut = relations
        .iter()
        .find(|r| r["kind"] == "undercuts" && r["from"] == UNDERCUTTER)
        .unwrap();
    assert_eq!(
        undercut["to"],
        json!({ "kind": "supports", "from": PREMISE, "to": CONCLUSION })
    );
    assert!(
        relations
            .iter()
            .filter(|r| r["kind"] == "undercuts")
            .all(|r| r["to"].is_object()),
        "every undercut names an inference"
    );

    // AIF: the undercut's CA-node points into the RA-node of the inference, not at the
    // premise's I-node; and no Undercut CA-node points at an I-node anywhere.
    let aif: Value = serde_json::from_str(&Format::Aif.write(&doc, BASE)).unwrap();
    let nodes: BTreeMap<&str, (&str, &str)> = aif["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["nodeID"].as_str().unwrap(),
                (n["type"].as_str().unwrap(), n["text"].as_str().unwrap()),
            )
        })
        .collect();
    let edges: Vec<(&str, &str)> = aif["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["fromID"].as_str().unwrap(), e["toID"].as_str().unwrap()))
        .collect();
    let i_node = |text: &str| {
        nodes
            .iter()
            .find(|(_, (kind, t))| *kind == "I" && *t == text)
            .map(|(id, _)| *id)
            .unwrap()
    };
    let premise = doc.claim(PREMISE).unwrap();
    let undercutter = i_node(&doc.claim(UNDERCUTTER).unwrap().text);
    let premise_node = i_node(&premise.text);
    let undercut_ca = edges
        .iter()
        .find(|(from, to)| *from == undercutter && nodes[to].1 == "Undercut")
        .map(|(_, to)| *to)
        .expect("the undercut's CA-node");
    let targets: Vec<&str> = edges
        .iter()
        .filter(|(from, _)| *from == undercut_ca)
        .map(|(_, to)| *to)
        .collect();
    assert_eq!(targets.len(), 1);
    assert_eq!(nodes[targets[0]].0, "RA", "it points into the inference");
    assert!(
        edges.contains(&(premise_node, targets[0])),
        "the RA-node is the premise's inference"
    );
    let undercut_edges = edges.iter().filter(|(from, _)| nodes[from].1 == "Undercut");
    for (_, to) in undercut_edges {
        assert!(["RA", "CA"].contains(&nodes[to].0), "an undercut into {to}");
    }

    // Kialo writes the undercut as a con of the premise, beneath it.
    let kialo = Format::Kialo.write(
        &document(&db, Scope::Proposal("monitor-integration-duty".into())).await,
        BASE,
    );
    let premise_line = kialo
        .lines()
        .find(|l| l.ends_with(&premise.text))
        .expect("the premise is a pro");
    let number = premise_line.split(' ').next().unwrap();
    let undercutter_text = &doc.claim(UNDERCUTTER).unwrap().text;
    let first = kialo
        .lines()
        .find(|l| l.ends_with(undercutter_text.as_str()))
        .unwrap();
    let undercutter_number = first.split(' ').next().unwrap();
    assert!(
        kialo.lines().any(|l| {
            l.starts_with(number)
                && l.len() > number.len()
                && (l.ends_with(&format!(" Con: {undercutter_text}"))
                    || l.ends_with(&format!(" Con: -> See {undercutter_number}")))
        }),
        "the undercut is a con beneath the premise: {kialo}"
    );

    // DOT: the undercut points at a point in the middle of the inference's edge.
    let dot = Format::Dot.write(&doc, BASE);
    let point = format!("\"inference:{PREMISE} supports {CONCLUSION}\"");
    assert_contains(&dot, &format!("{point} [shape=point"));
    assert_contains(&dot, &format!("\"{UNDERCUTTER}\" -> {point}"));
}

/// A small map: c1 attacks c2; c3 undercuts that attack; c4 undercuts that undercut; c5
/// attacks c4; c6 supports the proposal p, and c7 undercuts that support.
fn small_map() -> MapDocument {
    let attack = json!({ "kind": "attacks", "from": "c1", "to": "c2" });
    let undercut = json!({ "kind": "undercuts", "from": "c3", "to": attack });
    let support = json!({ "kind": "supports", "from": "c6", "to": "proposal:p" });
    let claims: Vec<Value> = (1..=7)
        .map(|i| json!({ "slug": format!("c{i}"), "text": format!("Claim number {i} says so.") }))
        .collect();
    serde_json::from_value(json!({
        "format": "argmap-map", "version": 1, "scope": { "kind": "all" }, "title": "Undercuts",
        "debates": [{ "slug": "d", "title": "A debate" }],
        "proposals": [{ "slug": "p", "debate": "d", "title": "A proposal" }],
        "claims": claims,
        "relations": [
            attack, undercut.clone(), support.clone(),
            { "kind": "undercuts", "from": "c4", "to": undercut },
            { "kind": "attacks", "from": "c5", "to": "c4" },
            { "kind": "undercuts", "from": "c7", "to": support },
        ],
    }))
    .unwrap()
}

/// Imports `map` into `db` as the JSON file `file`.
async fn import_json(db: &PgPool, file: &str, map: &MapDocument) -> ImportReport {
    import_into(db, file, &Format::Json.write(map, BASE), "json", None).await
}

fn undercut_relations(doc: &MapDocument) -> Vec<String> {
    let mut found: Vec<String> = doc
        .relations
        .iter()
        .filter(|r| r.kind.as_str() == "undercuts")
        .map(|r| format!("{} undercuts {}", r.from, r.to))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn undercuts_survive_round_trips_through_json_and_argdown_and_say_what_kialo_loses() {
    let map = small_map();
    let (db, _) = fresh_database().await;
    let report = import_json(&db, "small.json", &map).await;
    assert!(report.not_represented.is_empty(), "{report}");
    let doc = document(&db, Scope::All).await;
    let expected = [
        "c3 undercuts (c1 attacks c2)",
        "c4 undercuts (c3 undercuts (c1 attacks c2))",
        "c7 undercuts (c6 supports proposal:p)",
    ];
    assert_eq!(undercut_relations(&doc), expected);
    // c5 defeats c4, so c4's undercut is idle, c3's holds and disables c1's attack: c2
    // stands; and c7's undercut changes no claim's standing.
    let standing = |slug: &str| doc.claim(slug).unwrap().standing;
    assert_eq!(standing("c2"), StandingLabel::Stands);
    assert_eq!(standing("c4"), StandingLabel::Defeated);
    assert_eq!(standing("c6"), StandingLabel::Stands);

    for (format, kind) in [(Format::Json, "json"), (Format::Argdown, "argdown")] {
        let name = format!("map.{}", format.extension());
        let text = format.write(&doc, BASE);
        // Into the instance it came from: nothing changes.
        let again = import_into(&db, &name, &text, kind, None).await;
        assert_eq!(again.summary.links_added, 0, "{format:?}: {again}");
        // Into an empty instance: every undercut, naming the same inference.
        let (empty, _) = fresh_database().await;
        let report = import_into(&empty, &name, &text, kind, None).await;
        assert!(!lost(&report, "undercut"), "{format:?}: {report}");
        let back = document(&empty, Scope::All).await;
        assert_eq!(undercut_relations(&back), expected, "{format:?}:\n{text}");
        assert_eq!(back.claim("c2").unwrap().standing, StandingLabel::Stands);
    }

    // Kialo has only pros and cons: back into the instance it came from, an undercut's
    // con is that undercut and nothing changes; into an empty one it arrives as a con,
    // an attack on the premise, and the report says so.
    let kialo = Format::Kialo.write(&document(&db, Scope::Proposal("p".into())).await, BASE);
    let again = import_into(&db, "p.txt", &kialo, "kialo", None).await;
    assert_eq!(again.summary.links_added, 0, "{again}\n{kialo}");
    let mut bare = map.clone();
    bare.relations.clear();
    let (empty, _) = fresh_database().await;
    import_json(&empty, "bare.json", &bare).await;
    let report = import_into(&empty, "p.txt", &kialo, "kialo", None).await;
    assert!(lost(&report, "undercut"), "{report}");
}

#[test]
fn the_iccma_export_of_undercuts_agrees_with_an_independent_solver() {
    // small_map: 5 defeats 4, so 4's undercut is idle, 3's undercut holds and 1's attack
    // is disabled: every claim but 4 stands.
    let doc = small_map();
    let text = Format::Iccma.write(&doc, BASE);
    let mut lines = text.lines();
    let n: usize = lines.next().unwrap()["p af ".len()..].parse().unwrap();
    assert_eq!(
        n,
        7 + 8,
        "four arguments per undercut attack or undercut: {text}"
    );
    let attacks: Vec<(usize, usize)> = lines
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    let extension = crate::export::grounded(n, &attacks);
    let stands: Vec<usize> = (1..=7).filter(|a| extension.contains(a)).collect();
    assert_eq!(stands, [1, 2, 3, 5, 6, 7], "{text}");
}

#[tokio::test]
async fn an_argdown_undercut_of_a_statement_is_reported_not_imported_as_an_attack() {
    let (db, _) = fresh_database().await;
    let text = "[a]: The first statement here.\n  <_ [b]: The second statement here.\n";
    let report = import_into(&db, "x.argdown", text, "argdown", None).await;
    assert!(
        lost(
            &report,
            "relation b undercuts a: argmap's undercuts name the inference"
        ),
        "{report}"
    );
    assert_eq!(
        crate::harness::scalar(&db, "select count(*) from relations").await,
        0
    );
}

/// The shipped map, copied to a temporary folder with one file edited.
fn shipped_map_edited(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::harness::copy_dir(&argmap::config::Config::shipped_map(), dir.path());
    crate::map::edit_file(&dir.path().join(file), edit);
    dir
}

#[tokio::test]
async fn the_map_loader_names_the_file_and_line_of_an_undercut_of_no_inference() {
    let (_, name) = fresh_database().await;
    let map = shipped_map_edited("claims/hudson-success-regimes.toml", |text| {
        text.replacen(
            "undercuts = [{ from = \"success-regimes-offer-support\", supports = \"proposal:success-regimes\" }]",
            "undercuts = [{ from = \"success-regimes-offer-support\", attacks = \"proposal:success-regimes\" }]",
            1,
        )
        .replacen(
            "undercuts = [{ from = \"scottish-model-not-all-answers\", attacks = \"proposal:jit-style-improvement\" }]",
            "undercuts = [{ from = \"scottish-model-not-all-answers\" }]",
            1,
        )
    });
    let claims = map.path().join("claims/hudson-success-regimes.toml");
    let (ok, stderr) = crate::map::run_load_map(&name, map.path());
    assert!(!ok);
    let wrong = crate::map::line_containing(&claims, "attacks = \"proposal:success-regimes\" }]");
    let bare =
        crate::map::line_containing(&claims, "{ from = \"scottish-model-not-all-answers\" }");
    assert_contains(
        &stderr,
        &format!(
            "hudson-success-regimes.toml:{wrong}: no such inference in the map to undercut: success-regimes-offer-support attacks proposal:success-regimes"
        ),
    );
    assert_contains(
        &stderr,
        &format!(
            "hudson-success-regimes.toml:{bare}: name the inference from \"scottish-model-not-all-answers\" with exactly one of supports, attacks or undercuts"
        ),
    );

    // The old form, a claim's slug, is refused where it stands, saying what to write.
    let old = shipped_map_edited("claims/hudson-success-regimes.toml", |text| {
        text.replacen(
            "undercuts = [{ from = \"success-regimes-offer-support\", supports = \"proposal:success-regimes\" }]",
            "undercuts = [\"success-regimes-offer-support\"]",
            1,
        )
    });
    let (ok, stderr) = crate::map::run_load_map(&name, old.path());
    assert!(!ok);
    let line = crate::map::line_containing(
        &old.path().join("claims/hudson-success-regimes.toml"),
        "undercuts = [\"success-regimes-offer-support\"]",
    );
    assert!(
        stderr.contains(&format!("hudson-success-regimes.toml:{line}"))
            && stderr.contains("an undercut names the link it denies, not a claim"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_migration_moves_undercuts_of_a_claim_to_an_inference_and_retires_the_rest() {
    use sqlx::migrate::Migrator;
    let (db, _) = fresh_database().await;
    // A database as it was before undercuts named inferences: the same cluster, the
    // migrations before 0011 only.
    let name = format!("before_undercuts_{}", std::process::id());
    execute(&db, &format!("create database {name}")).await;
    let old = PgPool::connect(&crate::harness::database_url(&name))
        .await
        .unwrap();
    let all = &argmap::db::MIGRATOR;
    let before = Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < 11)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..Migrator::DEFAULT
    };
    before.run(&old).await.unwrap();
    // u undercuts a, which has one inference; v and w undercut x, which has two: w also
    // attacks z, so it denies x's attack on z; nothing tells which of x's v denies.
    sqlx::raw_sql(
        "insert into claims (slug, body) values ('a', 'Claim a, a premise.'), ('b', 'Claim b, its conclusion.'),
             ('u', 'Claim u undercuts a.'), ('x', 'Claim x, with two inferences.'), ('v', 'Claim v undercuts x.'),
             ('y', 'Claim y, supported by x.'), ('z', 'Claim z, attacked by x.'), ('w', 'Claim w undercuts x too.');
         insert into relations (kind, from_claim_id, to_claim_id)
           select k, (select id from claims where slug = f), (select id from claims where slug = t)
           from (values ('supports', 'a', 'b'), ('undercuts', 'u', 'a'), ('supports', 'x', 'y'),
                        ('attacks', 'x', 'z'), ('undercuts', 'v', 'x'), ('undercuts', 'w', 'x'),
                        ('attacks', 'w', 'z')) as r(k, f, t);",
    )
    .execute(&old)
    .await
    .unwrap();
    let rows_before = crate::harness::scalar(&old, "select count(*) from relations").await;
    all.run(&old).await.unwrap();

    let live: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "select f.slug::text, tr.kind, tf.slug::text, tt.slug::text from relations r
         join claims f on f.id = r.from_claim_id
         left join relations tr on tr.id = r.to_relation_id
         left join claims tf on tf.id = tr.from_claim_id
         left join claims tt on tt.id = tr.to_claim_id
         where r.removed_at is null and r.kind = 'undercuts' order by f.slug",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    assert_eq!(
        live,
        [
            (
                "u".into(),
                "supports".into(),
                Some("a".into()),
                Some("b".into())
            ),
            (
                "w".into(),
                "attacks".into(),
                Some("x".into()),
                Some("z".into())
            ),
        ],
        "u now undercuts a's one inference, w the one it argues about; v's is retired"
    );
    assert_eq!(
        crate::harness::scalar(&old, "select count(*) from relations").await,
        rows_before + 2,
        "no row is lost: the three old undercuts stay, retired, beside the two moved"
    );
    let notes: Vec<(String, String)> = sqlx::query_as(
        "select action, note from revisions where object_kind = 'relation' order by id",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    assert_eq!(notes.len(), 5, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|(a, n)| a == "unlink" && n.contains("retired"))
    );
    assert!(
        notes
            .iter()
            .any(|(a, n)| a == "create" && n.contains("moved"))
    );
    // And the database now refuses an undercut of a claim, and a support of a relation.
    let refuses = async |sql: &str, constraint: &str| {
        let refused = sqlx::query(sql).execute(&old).await.unwrap_err();
        assert!(refused.to_string().contains(constraint), "{refused}");
    };
    refuses(
        "insert into relations (kind, from_claim_id, to_claim_id)
         select 'undercuts', (select id from claims where slug = 'v'), (select id from claims where slug = 'y')",
        "relations_undercuts_target_relations",
    )
    .await;
    refuses(
        "insert into relations (kind, from_claim_id, to_relation_id)
         select 'supports', (select id from claims where slug = 'v'), (select min(id) from relations)",
        "relations_only_undercuts_target_relations",
    )
    .await;
    old.close().await;
}
