//! The argument pages over HTTP, on the shipped map: what each shows, that every link
//! resolves, and that everything is reachable from the home page.

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::builders::{AUTHOR_NAME, MapBuilder, small};
use crate::harness::{
    TestApp, assert_none, assert_one, assert_some, execute, hrefs, html, location, scalar, select,
    strings, text, text_of, texts,
};

/// The slugs of `table`'s visible objects.
pub(crate) async fn slugs(db: &PgPool, table: &str) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>(&format!(
        "select slug::text from {table} where hidden_at is null"
    ))
    .fetch_all(db)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

/// Splits an internal link into its path and fragment.
fn split(href: &str) -> (String, Option<String>) {
    match href.split_once('#') {
        Some((path, fragment)) => (path.to_owned(), Some(fragment.to_owned())),
        None => (href.to_owned(), None),
    }
}

#[tokio::test]
async fn the_home_page_lists_debates_tensions_sources_and_figures() {
    let posts = ["A first post of the thread.", "And a second post of it."];
    let map = MapBuilder::new()
        .debate("one-debate")
        .proposal("one-proposal", "one-debate")
        .debate("another-debate")
        .proposal("another-proposal", "another-debate")
        .tension("one-tension")
        .tension("another-tension")
        .raises("one-proposal", "one-tension", "a")
        .raises("another-proposal", "another-tension", "balanced")
        .source("one-thread", &posts)
        .source("another-thread", &posts)
        .source("a-third-thread", &posts);
    let (app, _) = TestApp::spawn_with_map(map).await;
    let page = app.page("/").await;
    let debates: BTreeSet<String> = hrefs(&page, ".cards a[href^='/debates/']")
        .into_iter()
        .collect();
    let expected: BTreeSet<String> = slugs(&app.db, "debates")
        .await
        .iter()
        .map(|s| format!("/debates/{s}"))
        .collect();
    assert_eq!(debates, expected);
    assert_eq!(
        hrefs(&page, ".tension-list a").len(),
        slugs(&app.db, "tensions").await.len()
    );
    assert_eq!(hrefs(&page, ".source-list a").len(), 3);
    let figures = texts(&page, ".figures li");
    assert!(figures.contains(&"3 sources".to_owned()), "{figures:?}");
    assert_one(&page, "form[role=search] input[name=q]", "a search box");
}

#[tokio::test]
async fn a_debate_shows_its_proposals_and_the_proposal_by_tension_matrix() {
    const TITLE: &str = "The 2021 white paper and the Health and Care Bill";
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page_headed("/debates/2021-white-paper", TITLE).await;
    let proposals = scalar(
        &app.db,
        "select count(*) from proposals p join debates d on d.id = p.debate_id where d.slug = '2021-white-paper'",
    )
    .await;
    assert_eq!(select(&page, ".cards .card").len() as i64, proposals);
    assert_eq!(
        select(&page, "table.matrix tbody tr").len() as i64,
        proposals,
        "a row per proposal"
    );
    let cells = hrefs(&page, "table.matrix td a");
    assert!(!cells.is_empty());
    for cell in &cells {
        let (path, fragment) = split(cell);
        assert!(path.starts_with("/proposals/"), "{cell}");
        let target = app.page(&path).await;
        let anchor = fragment.expect("a cell links to the tension on the proposal page");
        assert_one(
            &target,
            &format!("[id='{anchor}']"),
            &format!("{cell} points at a section"),
        );
    }
    assert_eq!(text_of(&page, "nav.crumbs li:last-child"), TITLE);
}

#[tokio::test]
async fn every_link_on_a_proposal_page_resolves() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app
        .page_headed(
            "/proposals/ics-statutory-footing",
            "Give integrated care systems statutory footing",
        )
        .await;
    assert_some(&page, "#tensions section.tension", "the tensions it raises");
    assert_some(&page, "#claims ul.tree li", "claims for and against");
    assert_some(&page, "#claims .standing", "each claim's standing");
    let svg = select(&page, "#map svg[role=group]");
    assert_eq!(svg.len(), 1, "an inline SVG map");
    let labelled_by = svg[0].value().attr("aria-labelledby").unwrap();
    for id in labelled_by.split_whitespace() {
        assert_one(&page, &format!("#{id}"), &format!("the map's {id} exists"));
    }
    assert_some(&page, "#sources .source-list a", "the sources it quotes");

    let mut links: BTreeSet<String> = hrefs(&page, "main a[href]").into_iter().collect();
    links.extend(hrefs(&page, "main svg a[href]"));
    let mut checked = 0;
    for link in links {
        let (path, fragment) = split(&link);
        if path.is_empty() {
            let id = fragment.unwrap();
            assert_one(
                &page,
                &format!("[id='{id}']"),
                &format!("#{id} is on the page"),
            );
            continue;
        }
        assert!(path.starts_with('/'), "internal links only: {link}");
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{link}");
        if let Some(id) = fragment {
            let target = html(response).await;
            assert_one(
                &target,
                &format!("[id='{id}']"),
                &format!("{link}: the fragment exists"),
            );
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} links checked");
}

#[tokio::test]
async fn the_map_is_also_served_as_a_standalone_svg() {
    let app = TestApp::spawn_with_corpus().await;
    let body = app.svg("/proposals/ics-statutory-footing/map.svg").await;
    assert!(body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(body.contains("<title id=\"map-title\">Argument map: Give integrated care systems statutory footing</title>"));
}

#[tokio::test]
async fn a_tension_shows_its_poles_the_proposals_raising_it_in_time_order_and_both_sides() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app
        .page("/tensions/local-autonomy-vs-national-control")
        .await;
    assert_eq!(text_of(&page, ".pole-pair .pole-a"), "Local autonomy");
    assert_eq!(text_of(&page, ".pole-pair .pole-b"), "National control");
    let years = texts(&page, "ol.timeline .when");
    assert!(years.len() >= 2, "{years:?}");
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted, "in time order");
    let debates: BTreeSet<String> = hrefs(&page, "ol.timeline a[href^='/debates/']")
        .into_iter()
        .collect();
    assert!(debates.len() >= 2, "raised across debates: {debates:?}");
    assert!(
        !select(
            &page,
            "#side-a-heading + ul li, #side-a-heading ~ ul.claims li"
        )
        .is_empty()
    );
}

/// Three claims of one thread: `nobody-learns`, supported by `memory-is-wiped`, which
/// attacks (and so defeats) `learning-happens`.
async fn argued_map() -> TestApp {
    let map = MapBuilder::new()
        .source(
            "a-thread",
            &[
                "Reform keeps failing because nobody learns from the last one.",
                "Each reform wipes the memory of the one before.",
                "Yet learning does happen, in some places.",
            ],
        )
        .claim(
            "nobody-learns",
            "Reform keeps failing because nobody learns from the last one.",
            "nobody learns from the last one",
        )
        .claim(
            "memory-is-wiped",
            "Each reform wipes the institutional memory of the one before.",
            "Each reform wipes the memory",
        )
        .claim(
            "learning-happens",
            "Learning from past reforms does happen in some places.",
            "learning does happen",
        )
        .supports("memory-is-wiped", "nobody-learns")
        .attacks("memory-is-wiped", "learning-happens");
    TestApp::spawn_with_map(map).await.0
}

#[tokio::test]
async fn a_claim_shows_its_quotes_relations_standing_and_history() {
    let app = argued_map().await;
    let page = app.page("/claims/nobody-learns").await;
    assert_eq!(text_of(&page, ".kind .actor"), AUTHOR_NAME);
    assert_eq!(
        text_of(&page, "blockquote"),
        "nobody learns from the last one"
    );
    let source_link = hrefs(&page, "figure.quote figcaption a");
    assert_eq!(source_link, ["/sources/a-thread#s1-3"]);
    let source = app.page("/sources/a-thread").await;
    assert_one(&source, "#s1-3", "the quoted segment's anchor");
    assert_eq!(text_of(&page, ".standing-line .standing"), "stands");
    assert!(!select(&page, ".relations li").is_empty());
    assert_eq!(
        hrefs(&page, ".history-link a"),
        ["/claims/nobody-learns/history"]
    );
    let history = app.page("/claims/nobody-learns/history").await;
    assert!(!select(&history, "ol.history li").is_empty());
}

#[tokio::test]
async fn a_defeated_claim_names_the_claim_that_defeats_it() {
    let app = argued_map().await;
    let page = app.page("/claims/learning-happens").await;
    assert_eq!(text_of(&page, ".standing-line .standing"), "defeated");
    let by = hrefs(&page, "ol.explanation a.claim-text");
    assert_eq!(by.len(), 1);
    let attacker = app.page(&by[0]).await;
    assert_eq!(
        text_of(&attacker, ".standing-line .standing"),
        "stands",
        "the defeater stands"
    );
}

#[tokio::test]
async fn a_claim_id_redirects_to_its_readable_url() {
    let app = small::spawn().await;
    let id: i64 = sqlx::query_scalar("select id from claims where slug = $1")
        .bind(small::TARGET)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let response = app.get(&format!("/claims/{id}")).await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&response), format!("/claims/{}", small::TARGET));
}

#[tokio::test]
async fn a_source_shows_its_segments_with_anchors_and_every_quote_highlighted() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app
        .page_headed(
            "/sources/hudson-success-regimes",
            "Are NHS success regimes doomed to fail?",
        )
        .await;
    let anchors: Vec<String> = select(&page, "section.segment")
        .iter()
        .map(|s| s.value().id().unwrap().to_owned())
        .collect();
    assert_eq!(anchors.first().map(String::as_str), Some("p1"));
    assert_eq!(anchors.len(), 17, "seventeen paragraphs");
    assert_eq!(select(&page, "h2.segment-heading").len(), 3);

    let quoting_claims: BTreeSet<String> = strings(
        &app.db,
        "select distinct '/claims/' || c.slug from quotes q join claims c on c.id = q.claim_id
         join segments g on g.id = q.segment_id join source_versions v on v.id = g.source_version_id
         join sources s on s.id = v.source_id where s.slug = 'hudson-success-regimes'",
    )
    .await
    .into_iter()
    .collect();
    let listed: BTreeSet<String> = hrefs(&page, "ul.quoted-by a.claim-text")
        .into_iter()
        .collect();
    assert_eq!(
        listed, quoting_claims,
        "each quoting claim is linked beside its passage"
    );
    let marked: BTreeSet<String> = hrefs(&page, "mark a").into_iter().collect();
    assert!(marked.is_subset(&quoting_claims) && !marked.is_empty());
    for mark in select(&page, "mark") {
        assert!(!text(&mark).is_empty());
    }
}

#[tokio::test]
async fn search_finds_claims_quotes_proposals_tensions_and_sources_with_marked_snippets() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page("/search?q=postcode+lottery").await;
    let hits = hrefs(&page, "ol.hits li a");
    assert!(hits.iter().any(|h| h.starts_with("/claims/")), "{hits:?}");
    assert_some(&page, ".snippet mark", "matched words are marked");
    for (query, prefix) in [
        ("tendering", "/proposals/"),
        ("geographies", "/tensions/"),
        ("success regimes", "/sources/"),
    ] {
        let page = app
            .page(&format!("/search?q={}", query.replace(' ', "+")))
            .await;
        let hits = hrefs(&page, "ol.hits li a");
        assert!(
            hits.iter().any(|h| h.starts_with(prefix)),
            "{query}: {hits:?}"
        );
    }
}

/// Searches for `q`, whatever characters it holds.
async fn search(app: &TestApp, q: &str) -> reqwest::Response {
    app.get_query("/search", &[("q", q)]).await
}

#[tokio::test]
async fn empty_odd_and_oversized_searches_get_a_helpful_page() {
    let app = small::spawn().await;
    let empty = app.page("/search").await;
    assert_eq!(select(&empty, "ol.hits li").len(), 0);
    assert_one(
        &empty,
        "form.big-search input[name=q]",
        "a search box to try again",
    );

    let stopwords = app.page("/search?q=the+and").await;
    assert!(text_of(&stopwords, ".notice").contains("very common words"));

    for odd in [
        "\"unbalanced",
        "-",
        "or or",
        "a & b | !c",
        "'); drop table claims; --",
    ] {
        assert_eq!(search(&app, odd).await.status(), StatusCode::OK, "{odd:?}");
    }

    let long = "nhs ".repeat(60);
    let response = search(&app, &long).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = html(response).await;
    assert!(text_of(&page, ".notice").contains("at most 200"));
}

#[tokio::test]
async fn user_text_is_escaped_in_search_snippets() {
    let app = small::spawn().await;
    execute(&app.db, "insert into claims (slug, body) values ('xss-probe', 'Reform <script>alert(1)</script> fails badly.')").await;
    let page = app.page("/search?q=reform+fails").await;
    assert_none(
        &page,
        "script:not([src='/static/argmap.js'])",
        "no script element made it into the page",
    );
    let titles = texts(&page, "ol.hits li a");
    assert!(
        titles.contains(&"Reform <script>alert(1)</script> fails badly.".to_owned()),
        "shown as text: {titles:?}"
    );
}

#[tokio::test]
async fn unknown_objects_get_a_404_page_that_names_them() {
    let app = small::spawn().await;
    for path in [
        "/debates/nope",
        "/proposals/nope",
        "/tensions/nope",
        "/claims/nope",
        "/sources/nope",
        "/claims/999999",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let page = html(response).await;
        assert!(text_of(&page, "main").contains("not found"), "{path}");
    }
}

/// Follows every internal link from the home page (breadth first) and checks that every
/// proposal, tension, claim and source of the map is reached, each page answering 200.
#[tokio::test]
async fn everything_in_the_map_is_reachable_from_the_home_page_by_clicking() {
    let app = TestApp::spawn_with_corpus().await;
    let mut seen: BTreeSet<String> = BTreeSet::from(["/".to_owned()]);
    let mut queue: VecDeque<String> = VecDeque::from(["/".to_owned()]);
    while let Some(path) = queue.pop_front() {
        let response = app.get(&path).await;
        // A page for signed-in people (the API page links the account page) sends an
        // anonymous reader to sign in.
        if response.status() == StatusCode::SEE_OTHER {
            assert!(location(&response).starts_with("/signin"), "GET {path}");
            continue;
        }
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let page = html(response).await;
        for link in hrefs(&page, "a[href]") {
            let (target, _) = split(&link);
            // Pages only: exports and static files have an extension in their last segment.
            let is_file = target
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.'));
            let crawlable = target.starts_with('/') && !is_file;
            if crawlable && seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    for (table, prefix) in [
        ("proposals", "/proposals/"),
        ("tensions", "/tensions/"),
        ("claims", "/claims/"),
        ("sources", "/sources/"),
    ] {
        for slug in slugs(&app.db, table).await {
            assert!(
                seen.contains(&format!("{prefix}{slug}")),
                "{prefix}{slug} is not reachable from the home page"
            );
        }
    }
}
