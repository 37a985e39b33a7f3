//! Undercuts attack inferences: an undercut that stands disables the relation it
//! undercuts and leaves that relation's premise standing, on the pages, in the API and in
//! the exports; the map format names an inference and reports a bad one by file and line;
//! old undercuts of a claim are moved to its inference by the migration.

use std::collections::BTreeMap;

use argmap::auth::Role;
use argmap::export::{self, Format, MapDocument, Scope};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::harness::{TestApp, corpus_database, select, text};

/// In the shipped map: the Prime Minister's announcement that Monitor gains a duty to
/// support integration supports giving it that duty; the blog's author undercuts that
/// inference (integration is not the opposite of competition), conceding the fact.
const PREMISE: &str = "monitor-new-duty-to-support-integration";
const UNDERCUTTER: &str = "collaboration-is-the-opposite-of-competition";
const CONCLUSION: &str = "proposal:monitor-integration-duty";

async fn document(db: &PgPool, scope: Scope) -> MapDocument {
    export::load(db, scope)
        .await
        .unwrap()
        .expect("the scope exists")
}

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
        line.starts_with("undercuts: the inference from “Monitor will gain a new duty"),
        "{line}"
    );
    assert!(
        line.contains("” to “Give Monitor a duty to support integration”"),
        "{line}"
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
        "an undercut does not defeat its premise"
    );
    let support = select(
        &page,
        "section[aria-labelledby=outgoing-heading] li.rel-supports",
    );
    assert_eq!(support.len(), 1);
    let line = text(&support[0]);
    assert!(line.contains("the inference is disabled"), "{line}");
    assert!(
        line.contains("undercut by The opposite of competition is collaboration"),
        "{line}"
    );
}

#[tokio::test]
async fn the_api_names_relations_their_standing_and_takes_an_inference_as_an_undercut_target() {
    let app = TestApp::spawn_with_corpus().await;
    let premise: Value = app
        .get(&format!("/api/v1/claims/{PREMISE}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(premise["standing"], "stands");
    let support = &premise["relates_to"][0];
    assert_eq!(support["kind"], "supports");
    assert_eq!(support["other"], CONCLUSION);
    assert_eq!(support["standing"], "disabled");
    assert_eq!(support["undercut_by"], json!([UNDERCUTTER]));
    let inference = support["id"].as_i64().unwrap();

    let undercutter: Value = app
        .get(&format!("/api/v1/claims/{UNDERCUTTER}"))
        .await
        .json()
        .await
        .unwrap();
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
            .starts_with("the inference from “Monitor will gain"),
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
            .post(app.url("/api/v1/claims"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let claim = |text: &str, target: String| {
        json!({
            "source": "edwards-five-tensions", "segment": "s5-11",
            "quote": "more control increases the probability of blameworthy things",
            "text": text, "relation": "undercuts", "target": target,
        })
    };
    let wrong = post(claim(
        "An undercut aimed at a claim, not an inference.",
        attacked.clone(),
    ))
    .await
    .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = wrong.json().await.unwrap();
    assert_eq!(problem["field"], "target");
    let unknown = post(claim(
        "An undercut of an inference nobody made.",
        "relation:999999".into(),
    ))
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let attack_on_inference = post(json!({
        "source": "edwards-five-tensions", "segment": "s5-11",
        "quote": "more control increases the probability of blameworthy things",
        "text": "An attack cannot point at an inference.", "relation": "attacks",
        "target": format!("relation:{attack}"),
    }))
    .await
    .unwrap();
    assert_eq!(
        attack_on_inference.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let standing = |slug: String| {
        let app = &app;
        async move {
            let claim: Value = app
                .get(&format!("/api/v1/claims/{slug}"))
                .await
                .json()
                .await
                .unwrap();
            claim["standing"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(standing(attacked.clone()).await, "defeated");
    let attacker_before = standing(attacker.clone()).await;
    let created = post(claim(
        "That reasoning does not carry over: the attack misses its mark.",
        format!("relation:{attack}"),
    ))
    .await
    .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(standing(attacked.clone()).await, "stands");
    assert_eq!(standing(attacker.clone()).await, attacker_before);
    let page = app.page(&format!("/claims/{attacked}")).await;
    assert!(
        text(&select(&page, ".standing-line")[0]).contains("disabled by an undercut that stands"),
        "the page says why"
    );
}

/// An attack between visible claims whose attacker stands and whose target it alone
/// defeats: (attacker slug, attacked slug, relation id).
async fn defeating_attack(db: &PgPool) -> (String, String, i64) {
    let doc = document(db, Scope::All).await;
    let standing: BTreeMap<&str, &str> = doc
        .claims
        .iter()
        .map(|c| (c.slug.as_str(), c.standing.as_str()))
        .collect();
    let (from, to) = doc
        .relations
        .iter()
        .filter(|r| r.kind == "attacks" && r.standing == "holds")
        .filter_map(|r| Some((r.from.as_str(), r.to_claim()?)))
        .find(|(from, to)| {
            standing[from] == "stands"
                && standing[to] == "defeated"
                && doc
                    .relations
                    .iter()
                    .filter(|r| r.kind == "attacks" && r.to_claim() == Some(to))
                    .count()
                    == 1
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
    assert_eq!(undercut["standing"], "holds");
    let support = relations
        .iter()
        .find(|r| r["kind"] == "supports" && r["from"] == PREMISE)
        .unwrap();
    assert_eq!(support["standing"], "disabled");
    let premise = doc.claim(PREMISE).unwrap();
    assert_eq!(premise.standing, "stands");
    assert!(
        relations
            .iter()
            .filter(|r| r["kind"] == "undercuts")
            .all(|r| r["to"].is_object()),
        "every undercut names an inference"
    );

    // AIF: the undercut's CA-node points into the RA-node of the inference, not at the
    // premise's I-node; and no Undercut CA-node points at an I-node anywhere.
    let aif: Value = serde_json::from_str(&Format::Aif.write(&doc)).unwrap();
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
    for (from, to) in &edges {
        if nodes[from].1 == "Undercut" {
            assert!(["RA", "CA"].contains(&nodes[to].0), "an undercut into {to}");
        }
    }

    // Kialo writes the undercut as a con of the premise, beneath it.
    let kialo = Format::Kialo
        .write(&document(&db, Scope::Proposal("monitor-integration-duty".into())).await);
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

    // DOT: the undercut points at a point on the inference's edge.
    let dot = Format::Dot.write(&doc);
    let point = format!("\"inference: {PREMISE} supports {CONCLUSION}\"");
    assert!(dot.contains(&format!("{point} [shape=point")), "{dot}");
    assert!(
        dot.contains(&format!("\"{UNDERCUTTER}\" -> {point}")),
        "{dot}"
    );
}

#[tokio::test]
async fn the_iccma_export_of_undercuts_agrees_with_an_independent_solver() {
    // 1 attacks 2; 3 undercuts that attack; 4 undercuts that undercut; 5 attacks 4.
    let doc: MapDocument = serde_json::from_value(json!({
        "format": "argmap-map", "version": 1, "scope": { "kind": "all" }, "title": "t",
        "claims": [
            { "slug": "c1", "text": "Claim one." }, { "slug": "c2", "text": "Claim two." },
            { "slug": "c3", "text": "Claim three." }, { "slug": "c4", "text": "Claim four." },
            { "slug": "c5", "text": "Claim five." },
        ],
        "relations": [
            { "kind": "attacks", "from": "c1", "to": "c2" },
            { "kind": "undercuts", "from": "c3", "to": { "kind": "attacks", "from": "c1", "to": "c2" } },
            { "kind": "undercuts", "from": "c4", "to": { "kind": "undercuts", "from": "c3",
                "to": { "kind": "attacks", "from": "c1", "to": "c2" } } },
            { "kind": "attacks", "from": "c5", "to": "c4" },
        ],
    }))
    .unwrap();
    // 5 defeats 4, so 4's undercut is idle, 3's undercut holds, 1's attack is disabled:
    // every claim but 4 stands.
    let text = Format::Iccma.write(&doc);
    let mut lines = text.lines();
    let n: usize = lines.next().unwrap()[5..].parse().unwrap();
    assert_eq!(
        n,
        5 + 4,
        "two auxiliary arguments per undercut inference: {text}"
    );
    let attacks: Vec<(usize, usize)> = lines
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    let extension = crate::export::grounded(n, &attacks);
    let stands: Vec<usize> = (1..=5).filter(|a| extension.contains(a)).collect();
    assert_eq!(stands, [1, 2, 3, 5], "{text}");
}

#[tokio::test]
async fn the_map_loader_names_the_file_and_line_of_an_undercut_of_no_inference() {
    let (_, name) = crate::harness::fresh_database().await;
    let map = crate::map::edited_map("claims/hudson-success-regimes.toml", |text| {
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
    assert!(
        stderr.contains(&format!(
            "hudson-success-regimes.toml:{wrong}: no such inference in the map to undercut: \"success-regimes-offer-support\" attacks \"proposal:success-regimes\""
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "hudson-success-regimes.toml:{bare}: name the inference from \"scottish-model-not-all-answers\" with exactly one of supports, attacks or undercuts"
        )),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_migration_moves_an_undercut_of_a_claim_to_its_one_inference_and_retires_the_rest() {
    use sqlx::migrate::Migrator;
    let (db, _) = crate::harness::fresh_database().await;
    // A database as it was before undercuts named inferences: the same cluster, the
    // migrations before 0005 only.
    let name = format!("before_undercuts_{}", std::process::id());
    sqlx::query(&format!("create database {name}"))
        .execute(&db)
        .await
        .unwrap();
    let old = PgPool::connect(&crate::harness::database_url(&name))
        .await
        .unwrap();
    let all = &argmap::db::MIGRATOR;
    let before = Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < 5)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..Migrator::DEFAULT
    };
    before.run(&old).await.unwrap();
    sqlx::raw_sql(
        "insert into claims (slug, body) values ('a', 'Claim a, a premise.'), ('b', 'Claim b, its conclusion.'),
             ('u', 'Claim u undercuts a.'), ('x', 'Claim x, with two inferences.'), ('v', 'Claim v undercuts x.'),
             ('y', 'Claim y, supported by x.'), ('z', 'Claim z, attacked by x.');
         insert into relations (kind, from_claim_id, to_claim_id)
           select k, (select id from claims where slug = f), (select id from claims where slug = t)
           from (values ('supports', 'a', 'b'), ('undercuts', 'u', 'a'), ('supports', 'x', 'y'),
                        ('attacks', 'x', 'z'), ('undercuts', 'v', 'x')) as r(k, f, t);",
    )
    .execute(&old)
    .await
    .unwrap();
    all.run(&old).await.unwrap();

    let live: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "select r.kind, f.slug::text, t.slug::text, tf.slug::text from relations r
         join claims f on f.id = r.from_claim_id
         left join claims t on t.id = r.to_claim_id
         left join relations tr on tr.id = r.to_relation_id left join claims tf on tf.id = tr.from_claim_id
         where r.removed_at is null and r.kind = 'undercuts'",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    assert_eq!(
        live,
        [("undercuts".into(), "u".into(), None, Some("a".into()))],
        "u now undercuts a's one inference; v's undercut of x (two inferences) is retired"
    );
    let notes: Vec<(String, String)> = sqlx::query_as(
        "select action, note from revisions where object_kind = 'relation' order by id",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    assert_eq!(notes.len(), 3, "{notes:?}");
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
    // And the database now refuses an undercut of a claim.
    let refused = sqlx::query(
        "insert into relations (kind, from_claim_id, to_claim_id)
         select 'undercuts', (select id from claims where slug = 'v'), (select id from claims where slug = 'y')",
    )
    .execute(&old)
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("relations_undercuts_target_relations"),
        "{refused}"
    );
    old.close().await;
}
