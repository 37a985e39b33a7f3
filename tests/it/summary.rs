//! The debate summary as its readers get it: each shipped debate's default note within 900
//! words and two A4 pages (printed to PDF by headless Chromium), no boilerplate sentence repeated,
//! no defeated claim without its defeater, every quote verbatim, links only to the public
//! address, and the Word file read back by an independent reader saying what the HTML says.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

use crate::harness::{
    TestApp, argmap, corpus_database, database_url, header, node_tools, strings, succeeds,
    succeeds_with_bytes,
};

const PUBLIC: &str = "https://argmap.example.org";

async fn debates(app: &TestApp) -> Vec<String> {
    strings(&app.db, "select slug::text from debates order by slug").await
}

async fn public_app() -> TestApp {
    let (db, _) = corpus_database().await;
    TestApp::spawn_with_config(db, |config| config.public_url = Some(PUBLIC.to_owned())).await
}

async fn note_html(app: &TestApp, slug: &str, query: &str) -> Html {
    let response = app
        .get(&format!("/debates/{slug}/summary.html{query}"))
        .await;
    assert_eq!(response.status(), 200, "{slug}");
    Html::parse_document(&response.text().await.unwrap())
}

/// Every debate's note as HTML, short and full, each with its label ("SLUG", "SLUG?detail=full").
async fn every_note_html(app: &TestApp) -> Vec<(String, Html)> {
    let mut notes = Vec::new();
    for slug in debates(app).await {
        for query in ["", "?detail=full"] {
            notes.push((format!("{slug}{query}"), note_html(app, &slug, query).await));
        }
    }
    notes
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(element: ElementRef) -> String {
    squash(&element.text().collect::<String>())
}

/// The note's text, block by block (headings, paragraphs, list items, table cells).
fn blocks(page: &Html) -> Vec<String> {
    page.select(&sel(
        "main h1, main h2, main h3, main p, main li, main th, main td",
    ))
    .map(text_of)
    .filter(|t| !t.is_empty())
    .collect()
}

/// The prose of the note's argument: its headings, paragraphs and list items before its
/// Sources and Links (the table of recurring tensions states the same facts in every note
/// by design, as the sources list may).
fn prose(page: &Html) -> Vec<String> {
    page.select(&sel("main h1, main h2, main h3, main p, main li"))
        .map(text_of)
        .take_while(|b| b != "Sources" && b != "Links")
        .collect()
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            out.push(current.trim().to_owned());
            current.clear();
        }
    }
    out.push(current.trim().to_owned());
    out.into_iter()
        .filter(|s| s.split_whitespace().count() >= 6)
        .collect()
}

/// The page objects of a PDF (`/Type /Page`, not the `/Type /Pages` tree above them).
fn pdf_pages(pdf: &[u8]) -> usize {
    const PAGE: &str = "/Type /Page";
    let text = String::from_utf8_lossy(pdf);
    text.match_indices(PAGE)
        .filter(|(i, _)| !text[i + PAGE.len()..].starts_with('s'))
        .count()
}

#[tokio::test]
async fn each_debates_default_note_fits_in_900_words_and_two_a4_pages() {
    let app = public_app().await;
    let slugs = debates(&app).await;
    assert_eq!(slugs.len(), 3, "the shipped map has three debates");
    for slug in &slugs {
        let page = note_html(&app, slug, "").await;
        let words: usize = blocks(&page)
            .iter()
            .map(|b| b.split_whitespace().count())
            .sum();
        assert!(words <= 900, "{slug}: {words} words");

        // Printed as a reader's Chromium prints it: the stylesheet's @page (A4) decides.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/summaries");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{slug}.pdf"));
        let profile = tempfile::tempdir().unwrap();
        let mut chromium = Command::new("/usr/bin/chromium");
        chromium
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", file.display()))
            .arg(app.url(&format!("/debates/{slug}/summary.html")))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // Off the test's runtime thread: the app that serves Chromium runs on it.
        let status = tokio::task::spawn_blocking(move || chromium.status())
            .await
            .unwrap()
            .expect("the summary test needs Debian's chromium");
        assert!(status.success());
        let pdf = std::fs::read(&file).unwrap();
        assert!(
            String::from_utf8_lossy(&pdf).contains("/MediaBox [0 0 59"),
            "{slug}: printed on A4"
        );
        let pages = pdf_pages(&pdf);
        assert!((1..=2).contains(&pages), "{slug}: {pages} A4 pages");
        println!("{slug}: {words} words, {pages} A4 pages");
    }
}

#[tokio::test]
async fn no_sentence_of_the_notes_argument_is_repeated_more_than_twice_across_them() {
    let app = public_app().await;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for slug in debates(&app).await {
        let page = note_html(&app, &slug, "").await;
        for block in prose(&page) {
            for sentence in sentences(&block) {
                *seen.entry(sentence).or_default() += 1;
            }
        }
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 2).collect();
    assert!(repeated.is_empty(), "{repeated:#?}");
}

#[tokio::test]
async fn a_defeated_claim_is_only_ever_shown_with_what_defeats_it() {
    let app = public_app().await;
    let mut defeated = 0;
    for (label, page) in every_note_html(&app).await {
        let items = sel("main li");
        let defeated_items = page
            .select(&items)
            .filter(|item| text_of(*item).contains("(defeated)"));
        for item in defeated_items {
            let text = text_of(item);
            defeated += 1;
            let (_, after) = text.split_once("(defeated)").unwrap();
            let defeater = after
                .split_once("Defeated by: ")
                .map(|(_, d)| d)
                .unwrap_or_else(|| panic!("{label}: no defeater in {text}"));
            assert!(defeater.len() > 20, "{text}");
            // The defeater is a claim of the map, linked.
            let links: Vec<_> = item.select(&sel("a[href*='/claims/']")).collect();
            assert!(links.len() >= 2, "{text}");
        }
    }
    assert!(
        defeated > 0,
        "the shipped map has defeated claims on its proposals"
    );
}

#[tokio::test]
async fn every_quote_shown_is_verbatim_in_the_passage_it_cites() {
    let app = public_app().await;
    let mut quotes = 0;
    for (label, page) in every_note_html(&app).await {
        for q in page.select(&sel("main q[cite]")) {
            let cite = q.value().attr("cite").unwrap();
            let path = cite
                .strip_prefix(PUBLIC)
                .expect("cited under the public URL");
            let (source, anchor) = path
                .strip_prefix("/sources/")
                .and_then(|p| p.split_once('#'))
                .unwrap_or_else(|| panic!("{cite}"));
            let body: String = sqlx::query_scalar(
                "select g.body from segments g join source_versions v on v.id = g.source_version_id
                 join sources s on s.id = v.source_id
                 where s.slug = $1 and g.anchor = $2 order by v.number desc limit 1",
            )
            .bind(source)
            .bind(anchor)
            .fetch_one(&app.db)
            .await
            .unwrap();
            let text: String = q.text().collect();
            assert!(body.contains(&text), "{label}: {text:?} is not in {cite}");
            quotes += 1;
        }
    }
    assert!(quotes > 20, "{quotes} quotes");
}

/// Every address a note in any format points at.
fn addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "<>\"()[]".contains(c))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ';']).to_owned())
        .collect()
}

#[tokio::test]
async fn with_a_public_url_every_link_is_under_it_or_a_sources_original_whatever_the_host_header() {
    let app = public_app().await;
    let originals = strings(&app.db, "select url from sources where url is not null").await;
    for slug in debates(&app).await {
        for ext in ["md", "html"] {
            let path = format!("/debates/{slug}/summary.{ext}?detail=full");
            let response = app.get_with(&path, "host", "evil.example").await;
            let body = response.text().await.unwrap();
            let found = addresses(&body);
            assert!(found.len() > 5, "{slug}.{ext}");
            for address in found {
                assert!(
                    address.starts_with(&format!("{PUBLIC}/")) || originals.contains(&address),
                    "{slug}.{ext}: {address}"
                );
            }
            assert!(!body.contains("127.0.0.1") && !body.contains("evil.example"));
        }
    }
}

/// The note on the 2015 debate in Markdown, as asked for with the `Host` header `host`.
async fn note_for_host(app: &TestApp, host: &str) -> String {
    let path = "/debates/2015-success-regimes/summary.md";
    let response = app.get_with(path, "host", host).await;
    response.text().await.unwrap()
}

#[tokio::test]
async fn without_a_public_url_links_use_the_requests_host_only_when_it_is_a_plain_host_name() {
    let app = TestApp::spawn_with_corpus().await;
    let get = async |host: &str| note_for_host(&app, host).await;
    let body = get("argmap.example.net").await;
    assert!(body.contains("<http://argmap.example.net/debates/2015-success-regimes>"));
    let body = get("evil.example\"><script>").await;
    assert!(!body.contains("evil.example") && body.contains("http://localhost/debates/"));
}

#[tokio::test]
async fn a_reused_note_keeps_the_links_of_the_host_it_was_written_for() {
    let (db, _) = corpus_database().await;
    let app = TestApp::spawn_with_config(db, |config| config.page_cache = true).await;
    let get = async |host: &str| note_for_host(&app, host).await;
    assert!(get("evil.example").await.contains("http://evil.example/"));
    let body = get("argmap.example.net").await;
    assert!(body.contains("http://argmap.example.net/") && !body.contains("evil.example"));
}

#[tokio::test]
async fn the_word_file_opens_in_an_independent_reader_and_says_what_the_html_says() {
    let app = public_app().await;
    let dir = tempfile::tempdir().unwrap();
    for slug in debates(&app).await {
        for query in ["", "?detail=full"] {
            let response = app
                .get(&format!("/debates/{slug}/summary.docx{query}"))
                .await;
            assert_eq!(response.status(), 200);
            assert_eq!(
                header(&response, "content-type"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            );
            assert!(
                header(&response, "content-disposition").starts_with("attachment; filename=\"")
            );
            let file = dir.path().join(format!("{slug}.docx"));
            std::fs::write(&file, response.bytes().await.unwrap()).unwrap();
            let read: serde_json::Value = serde_json::from_str(&succeeds(
                Command::new("node")
                    .arg(node_tools().join("docx-text.mjs"))
                    .arg(&file),
            ))
            .unwrap();
            let paragraphs: Vec<String> =
                serde_json::from_value(read["paragraphs"].clone()).unwrap();
            let html = blocks(&note_html(&app, &slug, query).await);
            assert_eq!(paragraphs, html, "{slug}{query}");
        }
    }
}

#[tokio::test]
async fn the_full_note_adds_an_annex_and_a_bad_detail_is_refused_naming_the_field() {
    let app = public_app().await;
    let short = blocks(&note_html(&app, "2021-white-paper", "").await);
    let full = blocks(&note_html(&app, "2021-white-paper", "?detail=full").await);
    assert!(full.len() > short.len());
    assert!(full.iter().any(|b| b == "Annex: the other proposals"));
    assert!(!short.iter().any(|b| b.starts_with("Annex")));
    let response = app
        .get("/debates/2021-white-paper/summary.html?detail=everything")
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("detail"));
    assert_eq!(app.get("/debates/nope/summary.docx").await.status(), 404);
}

#[tokio::test]
async fn the_note_opens_with_the_bottom_line_and_orders_proposals_by_weight() {
    let app = public_app().await;
    let page = note_html(&app, "2015-success-regimes", "").await;
    let headings: Vec<String> = page.select(&sel("main h2, main h3")).map(text_of).collect();
    assert_eq!(headings[0], "Bottom line");
    assert!(
        headings[2].contains("Success regimes in three failing localities"),
        "the headline proposal comes first: {headings:?}"
    );
    assert!(
        headings
            .iter()
            .any(|h| h == "Tensions that recur across debates")
    );
    let table = page.select(&sel("main table")).next().expect("a table");
    assert!(text_of(table).contains("Local autonomy vs national control"));
    let text = blocks(&page).join("\n");
    for boilerplate in [
        "Nothing in the argument over this proposal is left contested",
        "No claim in the map supports it",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate}");
    }
    assert!(text.contains("ordered by weight"), "the rule is stated");
}

#[test]
fn the_cli_writes_the_note_as_markdown_html_and_docx_with_the_public_url() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, name) = runtime.block_on(corpus_database());
    let run = |args: &[&str]| {
        succeeds_with_bytes(
            argmap()
                .args(args)
                .env("DATABASE_URL", database_url(&name))
                .env("ARGMAP_PUBLIC_URL", PUBLIC),
        )
    };
    let md = String::from_utf8(run(&["export", "summary", "--debate", "2012-reforms"])).unwrap();
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains(&format!("<{PUBLIC}/debates/2012-reforms>")));
    assert!(!md.contains("127.0.0.1"));
    let html = run(&[
        "export",
        "summary",
        "--debate",
        "2021-white-paper",
        "--as",
        "html",
        "--detail",
        "full",
    ]);
    assert!(String::from_utf8(html).unwrap().contains("Annex"));
    let docx = run(&[
        "export",
        "summary",
        "--debate",
        "2012-reforms",
        "--as",
        "docx",
    ]);
    assert!(docx.starts_with(b"PK\x03\x04"), "a zip file");
}
