//! Exports of the shipped map: each format checked by the tool or schema that reads it,
//! the summary as a reader gets it, and the round trips (dump → restore → dump, JSON,
//! Argdown and Kialo back through `import-map`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use argmap::export::{self, Format, MapDocument, Scope};

use crate::harness::{
    TestApp, argmap, assert_contains, corpus_database, database_url, document, fails,
    fresh_database, header, hrefs, succeeds,
};

/// The site's address the exports' absolute links use.
pub const BASE: &str = "https://argmap.example";

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn relation_counts(doc: &MapDocument) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for relation in &doc.relations {
        let name = match relation.kind.as_str() {
            "supports" => "support",
            "attacks" => "attack",
            _ => "undercut",
        };
        *counts.entry(name.to_owned()).or_default() += 1;
    }
    counts
}

/// Runs the Argdown parser from npm on `file`.
fn argdown_check(file: &Path) -> serde_json::Value {
    let check = crate::harness::node_tools().join("check.mjs");
    serde_json::from_str(&succeeds(Command::new("node").arg(check).arg(file))).unwrap()
}

#[tokio::test]
async fn the_argdown_export_parses_cleanly_with_our_statement_and_relation_counts() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("map.argdown");
    std::fs::write(&file, Format::Argdown.write(&doc, BASE)).unwrap();
    let parsed = argdown_check(&file);
    for errors in ["lexerErrors", "parserErrors", "exceptions"] {
        assert_eq!(parsed[errors], serde_json::json!([]), "{errors}");
    }
    let statements: BTreeSet<String> =
        serde_json::from_value(parsed["statements"].clone()).unwrap();
    let ours: BTreeSet<String> = doc
        .claims
        .iter()
        .map(|c| c.slug.clone())
        .chain(doc.proposals.iter().map(|p| p.slug.clone()))
        .collect();
    assert_eq!(statements, ours, "a statement per claim and proposal");
    let relations: BTreeMap<String, usize> =
        serde_json::from_value(parsed["relations"].clone()).unwrap();
    assert_eq!(relations, relation_counts(&doc));
    // An argument per inference something undercuts, the undercuts relating to it.
    let undercut: BTreeSet<String> = doc
        .relations
        .iter()
        .filter_map(|r| Some(r.to.inference()?.to_string()))
        .collect();
    assert_eq!(parsed["arguments"], undercut.len());
    // What Argdown has no syntax for, Argdown's own parser reads from its data.
    assert_eq!(parsed["lists"]["actors"], doc.actors.len());
    assert_eq!(parsed["lists"]["tensions"], doc.tensions.len());
    assert_eq!(parsed["lists"]["sources"], doc.sources.len());
    let speakers: BTreeMap<String, String> =
        serde_json::from_value(parsed["speakers"].clone()).unwrap();
    let ours: BTreeMap<String, String> = doc
        .claims
        .iter()
        .filter_map(|c| Some((c.slug.clone(), c.actor.clone()?)))
        .collect();
    assert!(!ours.is_empty());
    assert_eq!(speakers, ours);
    let quotes: usize = doc.claims.iter().map(|c| c.quotes.len()).sum();
    assert_eq!(parsed["quotes"], quotes);
}

fn validate(schema_path: &str, instance: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest(schema_path)).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{schema_path}: {errors:#?}");
}

/// Where the shipped map's exports are served from: the whole map, a debate and a
/// proposal; the last two are pages that link to their exports.
const EXPORTED: [&str; 3] = [
    "/export",
    "/debates/2021-white-paper",
    "/proposals/ics-statutory-footing",
];

#[tokio::test]
async fn the_json_export_validates_against_its_published_schema() {
    let app = TestApp::spawn_with_corpus().await;
    for base in EXPORTED {
        let path = format!("{base}/map.json");
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let json: serde_json::Value = response.json().await.unwrap();
        validate("static/schemas/argmap-map.v1.schema.json", &json);
    }
    let schema = app.get("/static/schemas/argmap-map.v1.schema.json").await;
    assert_eq!(schema.status(), 200, "the schema is published");
}

#[tokio::test]
async fn the_aif_export_validates_against_the_aifdb_shape_and_links_every_node() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;
    let aif: serde_json::Value = serde_json::from_str(&Format::Aif.write(&doc, BASE)).unwrap();
    validate("tests/schemas/aif.schema.json", &aif);
    let ids: BTreeSet<&str> = aif["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["nodeID"].as_str().unwrap())
        .collect();
    for edge in aif["edges"].as_array().unwrap() {
        assert!(
            ids.contains(edge["fromID"].as_str().unwrap())
                && ids.contains(edge["toID"].as_str().unwrap())
        );
    }
    let count = |kind: &str| {
        aif["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == kind)
            .count()
    };
    assert_eq!(count("I"), doc.claims.len() + doc.proposals.len());
    assert_eq!(
        count("RA"),
        doc.relations
            .iter()
            .filter(|r| r.kind.as_str() == "supports")
            .count()
    );
    assert_eq!(
        count("CA"),
        doc.relations
            .iter()
            .filter(|r| r.kind.as_str() != "supports")
            .count()
    );
    assert!(
        count("L") > 0 && count("L") == aif["locutions"].as_array().unwrap().len(),
        "locutions carry the quotes"
    );
}

#[tokio::test]
async fn the_dot_export_renders_with_graphviz() {
    let (db, _) = corpus_database().await;
    for scope in [
        Scope::All,
        Scope::Debate("2021-white-paper".into()),
        Scope::Proposal("ics-statutory-footing".into()),
    ] {
        let doc = document(&db, scope.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("map.dot");
        std::fs::write(&file, Format::Dot.write(&doc, BASE)).unwrap();
        let output = Command::new("dot")
            .args(["-Tsvg", "-o"])
            .arg(dir.path().join("map.svg"))
            .arg(&file)
            .output()
            .expect("Graphviz's dot is needed: apt-get install graphviz");
        assert!(
            output.status.success(),
            "{scope:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "{scope:?}: dot warned: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
        assert!(svg.contains("<svg"));
    }
}

/// The grounded extension by its definition's fixpoint (least fixpoint of the
/// characteristic function), independent of argmap's labelling algorithm.
pub(crate) fn grounded(n: usize, attacks: &[(usize, usize)]) -> BTreeSet<usize> {
    let mut extension = BTreeSet::new();
    loop {
        let defended: BTreeSet<usize> = (1..=n)
            .filter(|&a| {
                attacks.iter().filter(|(_, to)| *to == a).all(|(b, _)| {
                    attacks
                        .iter()
                        .any(|(c, to)| *to == *b && extension.contains(c))
                })
            })
            .collect();
        if defended == extension {
            return extension;
        }
        extension = defended;
    }
}

#[tokio::test]
async fn the_iccma_export_lets_an_independent_solver_confirm_every_standing() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;
    let text = Format::Iccma.write(&doc, BASE);
    let mut lines = text.lines();
    let n: usize = lines
        .next()
        .unwrap()
        .strip_prefix("p af ")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(n, doc.claims.len());
    let mut standing = BTreeMap::new();
    let mut attacks = Vec::new();
    for line in lines {
        if let Some(comment) = line.strip_prefix("# ") {
            let parts: Vec<&str> = comment.split(' ').collect();
            assert!(parts[1].starts_with("/claims/"), "{line}");
            standing.insert(parts[0].parse::<usize>().unwrap(), parts[2].to_owned());
        } else {
            let (a, b) = line.split_once(' ').unwrap();
            attacks.push((a.parse().unwrap(), b.parse().unwrap()));
        }
    }
    assert!(!attacks.is_empty());
    let extension = grounded(n, &attacks);
    for argument in 1..=n {
        let attacked_by_extension = attacks
            .iter()
            .any(|(a, b)| *b == argument && extension.contains(a));
        let expected = if extension.contains(&argument) {
            "stands"
        } else if attacked_by_extension {
            "defeated"
        } else {
            "contested"
        };
        assert_eq!(standing[&argument], expected, "argument {argument}");
    }
}

#[tokio::test]
async fn the_csv_export_has_a_row_per_quote() {
    let (db, _) = corpus_database().await;
    let doc = document(&db, Scope::All).await;
    let text = Format::Csv.write(&doc, BASE);
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        argmap::export::table::HEADER
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let quotes: usize = doc.claims.iter().map(|c| c.quotes.len().max(1)).sum();
    assert_eq!(rows.len(), quotes);
    assert!(
        rows.iter()
            .all(|r| r[1].starts_with("https://argmap.example/claims/"))
    );
}

#[tokio::test]
async fn every_export_url_answers_with_its_content_type_and_pages_link_to_them() {
    let app = TestApp::spawn_with_corpus().await;
    for base in EXPORTED {
        for format in Format::ALL {
            let path = format!("{base}/map.{}", format.extension());
            let response = app.get(&path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                header(&response, "content-type"),
                format.content_type(),
                "{path}"
            );
        }
    }
    assert_eq!(app.get("/export/map.docx").await.status(), 404);
    assert_eq!(
        app.get("/debates/no-such-debate/map.json").await.status(),
        404
    );
    for page in &EXPORTED[1..] {
        let links = hrefs(&app.page(page).await, "#export a");
        assert!(links.len() >= 8, "{page}: {links:?}");
        for link in links {
            assert_eq!(app.get(&link).await.status(), 200, "{page} → {link}");
        }
    }
}

#[tokio::test]
async fn the_debate_summary_reads_as_a_cited_briefing_in_markdown_and_print_ready_html() {
    let app = TestApp::spawn_with_corpus().await;
    let markdown = app
        .text(
            "/debates/2021-white-paper/summary.md",
            "text/markdown; charset=utf-8",
        )
        .await;
    assert!(markdown.starts_with("# The 2021 white paper and the Health and Care Bill\n"));
    assert!(markdown.contains("## Bottom line"));
    assert!(
        markdown.contains("\n### 1. ["),
        "proposals in detail, heaviest first"
    );
    assert!(markdown.contains("## Tensions that recur across debates"));
    assert!(
        markdown.contains("| [Local autonomy vs national control]"),
        "local autonomy recurs across debates"
    );
    assert!(markdown.contains("## Sources"));
    let (_, sources) = markdown.split_once("## Sources").unwrap();
    let (sources, _) = sources.split_once("## Links").unwrap();
    let listed: Vec<&str> = sources.lines().filter(|l| l.starts_with("- **S")).collect();
    assert!(!listed.is_empty(), "{markdown}");
    for source in listed {
        assert!(
            source.contains("/sources/"),
            "a permalink into argmap: {source}"
        );
    }
    assert!(markdown.contains("## Links"), "link targets are printed");

    let page = app.page("/debates/2021-white-paper/summary.html").await;
    assert!(hrefs(&page, "link[rel=stylesheet]").contains(&"/static/summary.css".to_owned()));
    assert!(
        hrefs(&page, "header.site, nav").is_empty(),
        "no navigation chrome"
    );
    assert!(!hrefs(&page, "main h3 a").is_empty());
    let css = app.get("/static/summary.css").await.text().await.unwrap();
    assert!(
        css.contains("@media print")
            && css.contains("size: A4")
            && css.contains("break-after: avoid")
    );
}

#[tokio::test]
async fn dump_then_restore_into_an_empty_instance_dumps_identically() {
    let (_source, source_name) = corpus_database().await;
    let (_, target_name) = fresh_database().await;
    let run = |args: &[&str], database: &str| {
        let output = argmap()
            .args(args)
            .env("DATABASE_URL", database_url(database))
            .output()
            .unwrap();
        (
            output.status.success(),
            output.stdout,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, first, stderr) = run(&["dump"], &source_name);
    assert!(ok, "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.json");
    std::fs::write(&file, &first).unwrap();
    let file = file.to_str().unwrap();

    let (ok, stdout, stderr) = run(&["restore", file], &target_name);
    assert!(ok, "{stderr}");
    assert!(String::from_utf8_lossy(&stdout).starts_with("restored "));
    let (_, second, _) = run(&["dump"], &target_name);
    assert!(first == second, "the second dump differs from the first");

    let (ok, _, stderr) = run(&["restore", file], &target_name);
    assert!(!ok);
    assert_contains(&stderr, "this instance is not empty");

    let (ok, stdout, stderr) = run(&["restore", "--merge", file], &source_name);
    assert!(ok, "{stderr}");
    assert!(String::from_utf8_lossy(&stdout).contains("already present"));
}

#[tokio::test]
async fn a_truncated_or_invalid_dump_is_refused_and_nothing_is_written() {
    let (db, _) = corpus_database().await;
    let mut dump = Vec::new();
    export::dump::dump(&db, &mut dump).await.unwrap();
    let (empty, empty_name) = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &dump[..dump.len() * 2 / 3]).unwrap();
    let wrong = dir.path().join("wrong.json");
    std::fs::write(
        &wrong,
        br#"{"format":"something-else","version":1,"schema":1,"tables":{}}"#,
    )
    .unwrap();
    let bad_row = dir.path().join("bad-row.json");
    let text = String::from_utf8(dump.clone()).unwrap().replacen(
        "\"slug\": \"",
        "\"slug\": \"Not A Slug ",
        1,
    );
    std::fs::write(&bad_row, text).unwrap();
    for (file, expected) in [
        (&truncated, "not a valid dump: EOF while parsing"),
        (&wrong, "format \"something-else\""),
        (&bad_row, "table "),
    ] {
        let stderr = fails(
            argmap()
                .arg("restore")
                .arg(file)
                .env("DATABASE_URL", database_url(&empty_name)),
        );
        assert!(
            stderr.contains(expected) && stderr.contains(file.to_str().unwrap()),
            "{stderr}"
        );
        let rows: i64 = sqlx::query_scalar("select (select count(*) from claims) + (select count(*) from sources) + (select count(*) from revisions)")
            .fetch_one(&empty)
            .await
            .unwrap();
        assert_eq!(rows, 0, "{file:?} wrote something");
    }
}

#[test]
fn the_export_command_explains_bad_arguments() {
    let run = |args: &[&str]| {
        let output = argmap()
            .args(args)
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["export", "docx"]);
    assert_eq!(code, Some(1));
    assert_contains(&stderr, "unknown format \"docx\"");
    let (code, stderr) = run(&["export", "summary"]);
    assert_eq!(code, Some(1));
    assert_contains(&stderr, "a summary is of one debate: pass --debate SLUG");
}

#[tokio::test]
async fn a_map_too_large_to_draw_is_refused_by_name_and_its_debates_are_still_drawn() {
    use argmap::generate::{CLAIMS, Options, PROPOSALS, generate};
    let (db, _) = fresh_database().await;
    // Just past what a drawing holds.
    let scale = (argmap::export::routes::MAX_DRAWN as usize / (CLAIMS + PROPOSALS) + 1) as u32;
    generate(&db, Options { scale, seed: 3 }).await.unwrap();
    let app = TestApp::spawn_with_pool(db.clone()).await;

    let whole = app.get("/export/map.svg").await;
    assert_eq!(whole.status(), 422);
    let problem = whole.text().await.unwrap();
    assert_contains(&problem, "more than a drawing can show");
    let debate: String = sqlx::query_scalar("select slug from debates order by slug limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    let drawn = app.svg(&format!("/debates/{debate}/map.svg")).await;
    assert_contains(&drawn, "<svg");
    // Other formats of the whole map are not drawings: they are still served.
    assert_eq!(app.get("/export/map.json").await.status(), 200);
}

#[tokio::test]
async fn whole_map_exports_asked_for_at_once_take_turns_and_all_arrive_whole() {
    let app = TestApp::spawn_with_corpus().await;
    let (a, b, c, d, e) = tokio::join!(
        app.get("/export/map.json"),
        app.get("/export/map.argdown"),
        app.get("/export/map.json"),
        app.get("/export/map.kialo.txt"),
        app.get("/export/map.json"),
    );
    for (answer, what) in [(&b, "argdown"), (&d, "kialo")] {
        assert_eq!(answer.status(), 200, "{what}");
    }
    let mut bodies = BTreeSet::new();
    for answer in [a, c, e] {
        assert_eq!(answer.status(), 200);
        let body = answer.text().await.unwrap();
        let document: MapDocument = serde_json::from_str(&body).expect("a whole document");
        assert!(!document.claims.is_empty());
        bodies.insert(body);
    }
    assert_eq!(bodies.len(), 1, "the three JSON exports are the same map");
}
