//! Reading the map (issue 12): the header's ways in, the index pages and the About page,
//! the icon, and search as an analyst types it; on the shipped map, over real HTTP.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{TestApp, hrefs, select, text};

/// The header's section links, in order: name and path.
const SECTIONS: [(&str, &str); 6] = [
    ("Debates", "/debates"),
    ("Proposals", "/proposals"),
    ("Tensions", "/tensions"),
    ("Sources", "/sources"),
    ("About", "/about"),
    ("API", "/api"),
];

/// The paths of `table`'s visible objects, as `/table/slug`.
async fn visible(db: &PgPool, table: &str) -> BTreeSet<String> {
    let slugs = crate::pages::slugs(db, table).await;
    slugs
        .iter()
        .map(|slug| format!("/{table}/{slug}"))
        .collect()
}

/// The links in `page`'s main content to objects of `table`, in page order.
fn listed(page: &scraper::Html, table: &str) -> Vec<String> {
    hrefs(page, &format!("main a[href^='/{table}/']"))
        .into_iter()
        .filter(|href| href.matches('/').count() == 2)
        .collect()
}

#[tokio::test]
async fn every_header_link_answers_and_each_index_lists_every_visible_object() {
    let app = TestApp::spawn_with_corpus().await;
    for start in ["/", "/claims/every-reorganisation-seeds-the-next", "/about"] {
        let page = app.page(start).await;
        let links: Vec<(String, String)> = select(&page, "header nav.sections a")
            .iter()
            .map(|a| (text(a), a.value().attr("href").unwrap().to_owned()))
            .collect();
        let expected: Vec<(String, String)> = SECTIONS
            .iter()
            .map(|(name, path)| ((*name).to_owned(), (*path).to_owned()))
            .collect();
        assert_eq!(links, expected, "the header of {start}");
        assert_eq!(
            select(&page, "header form[role=search] input[name=q]").len(),
            1,
            "search stays in the header of {start}"
        );
    }
    for (_, path) in SECTIONS {
        let page = app.page(path).await;
        assert!(!select(&page, "main h1").is_empty(), "{path} has a heading");
    }
    for table in ["debates", "proposals", "tensions", "sources"] {
        let page = app.page(&format!("/{table}")).await;
        let shown = listed(&page, table);
        let unique: BTreeSet<String> = shown.iter().cloned().collect();
        assert_eq!(
            unique.len(),
            shown.len(),
            "/{table} lists each once: {shown:?}"
        );
        let expected = visible(&app.db, table).await;
        assert!(!expected.is_empty(), "the shipped map has {table}");
        assert_eq!(unique, expected, "/{table} lists every visible one");
        assert!(
            !select(&page, "main p.order").is_empty(),
            "/{table} states its order"
        );
    }
}

#[tokio::test]
async fn debates_are_listed_newest_first_with_undated_ones_last() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page("/debates").await;
    let order: Vec<String> = sqlx::query_scalar(
        "select '/debates/' || slug from debates where hidden_at is null
         order by started_on desc nulls last, ended_on desc nulls last, title",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(listed(&page, "debates"), order);
    let dates: Vec<Option<time::Date>> = sqlx::query_scalar(
        "select started_on from debates where hidden_at is null order by started_on desc nulls last",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(dates.windows(2).all(|w| w[1].is_none() || w[0] >= w[1]));
}

#[tokio::test]
async fn hidden_objects_are_left_out_of_the_indexes() {
    let app = TestApp::spawn_with_corpus().await;
    for table in ["proposals", "tensions", "sources"] {
        sqlx::query(&format!(
            "update {table} set hidden_at = now() where id = (select min(id) from {table})"
        ))
        .execute(&app.db)
        .await
        .unwrap();
    }
    for table in ["debates", "proposals", "tensions", "sources"] {
        let page = app.page(&format!("/{table}")).await;
        let shown: BTreeSet<String> = listed(&page, table).into_iter().collect();
        assert_eq!(shown, visible(&app.db, table).await, "/{table}");
    }
}

#[tokio::test]
async fn the_about_page_explains_standing_and_links_the_api_and_every_export() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page("/about").await;
    let body = text(&select(&page, "main")[0]);
    for word in [
        "grounded semantics",
        "stands",
        "contested",
        "defeated",
        "quote",
    ] {
        assert!(body.contains(word), "the About page speaks of {word:?}");
    }
    let links = hrefs(&page, "main a");
    assert!(links.contains(&"/api".to_owned()), "{links:?}");
    assert!(
        links.contains(&"/api/v1/openapi.json".to_owned()),
        "{links:?}"
    );
    let exports: Vec<&String> = links.iter().filter(|l| l.starts_with("/export/")).collect();
    assert_eq!(
        exports.len(),
        argmap::export::Format::ALL.len(),
        "{links:?}"
    );
    for link in exports {
        assert_eq!(app.get(link).await.status(), StatusCode::OK, "GET {link}");
    }
}

#[tokio::test]
async fn the_favicon_answers_with_an_image_that_every_page_links() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page("/").await;
    let icons = hrefs(&page, "head link[rel=icon]");
    assert_eq!(icons.len(), 1, "{icons:?}");
    for path in ["/favicon.ico", icons[0].as_str()] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.starts_with("image/"), "{path}: {content_type}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
}

/// The results of a search page: each one's link, in order.
async fn results(app: &TestApp, q: &str) -> Vec<String> {
    let page = app
        .page(&format!("/search?q={}", q.replace(' ', "+")))
        .await;
    hrefs(&page, "ol.hits > li > a")
}

#[tokio::test]
async fn an_acronym_finds_what_its_plural_finds() {
    let app = TestApp::spawn_with_corpus().await;
    for (singular, plural) in [("CCG", "CCGs"), ("ICS", "ICSs"), ("AHP", "AHPs")] {
        let one: BTreeSet<String> = results(&app, singular).await.into_iter().collect();
        let many: BTreeSet<String> = results(&app, plural).await.into_iter().collect();
        assert_eq!(one, many, "{singular} and {plural} find the same");
        assert!(
            !one.is_empty(),
            "the shipped map mentions {singular} or {plural}"
        );
    }
    let narrower = results(&app, "CCG commissioning").await;
    let broad: BTreeSet<String> = results(&app, "CCGs").await.into_iter().collect();
    assert!(
        narrower.iter().all(|href| broad.contains(href)),
        "an acronym with another word narrows the search: {narrower:?}"
    );
    assert!(
        results(&app, "\"the CCG\"").await.len() <= broad.len(),
        "a phrase is searched as typed"
    );
}

#[tokio::test]
async fn each_object_comes_back_once_with_its_matched_quotes_under_it() {
    let app = TestApp::spawn_with_corpus().await;
    let mut quotes_under_claims = 0;
    for q in [
        "reorganisation",
        "CCGs",
        "ICS",
        "integration",
        "postcode lottery",
        "NHS England",
    ] {
        let found = results(&app, q).await;
        let unique: BTreeSet<&String> = found.iter().collect();
        assert_eq!(unique.len(), found.len(), "{q}: no object twice: {found:?}");
        let page = app
            .page(&format!("/search?q={}", q.replace(' ', "+")))
            .await;
        quotes_under_claims += select(
            &page,
            "ol.hits > li.hit-claim .within-quote blockquote.snippet",
        )
        .len();
        for within in select(&page, "ol.hits > li .within a") {
            let href = within.value().attr("href").unwrap();
            assert!(
                href.starts_with("/sources/") && href.contains('#'),
                "{q}: {href}"
            );
        }
    }
    assert!(
        quotes_under_claims > 0,
        "matched quotes are shown under their claims"
    );
}

/// The breadcrumb trail of a page: each step's link.
fn trail(page: &scraper::Html) -> Vec<String> {
    hrefs(page, "nav.crumbs a")
}

/// A claim's slug; the `/debates/… /proposals/…` pairs it bears on directly, and through
/// the claims it bears on, comma-separated; whether it bears on anything.
type ClaimPlaces = (String, Option<String>, Option<String>, Option<String>);

#[tokio::test]
async fn a_claims_breadcrumbs_follow_its_debate_and_proposal() {
    let app = TestApp::spawn_with_corpus().await;
    // Each claim with the proposals it bears on directly, and those of the claims it
    // bears on (one step up), each with its debate.
    let rows: Vec<ClaimPlaces> =
        sqlx::query_as(
            "select c.slug::text,
                    (select string_agg('/debates/' || d.slug || ' /proposals/' || p.slug, ',')
                     from relations r join proposals p on p.id = r.to_proposal_id join debates d on d.id = p.debate_id
                     where r.from_claim_id = c.id and r.removed_at is null),
                    (select string_agg('/debates/' || d.slug || ' /proposals/' || p.slug, ',')
                     from relations r join relations r2 on r2.from_claim_id = r.to_claim_id and r2.removed_at is null
                     join proposals p on p.id = r2.to_proposal_id join debates d on d.id = p.debate_id
                     where r.from_claim_id = c.id and r.removed_at is null),
                    (select 'x' from relations r where r.from_claim_id = c.id limit 1)
             from claims c where c.hidden_at is null",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
    let (mut direct, mut chained, mut alone) = (0, 0, 0);
    for (slug, own, above, relates) in rows {
        let path = format!("/claims/{slug}");
        let crumbs = trail(&app.page(&path).await);
        assert_eq!(crumbs.first().map(String::as_str), Some("/"), "{path}");
        assert_eq!(crumbs.last(), Some(&path), "{path}");
        let middle = crumbs[1..crumbs.len() - 1].join(" ");
        if let Some(own) = own {
            assert!(
                own.split(',').any(|p| p == middle),
                "{path}: {middle:?} in {own:?}"
            );
            direct += 1;
        } else if let Some(above) = above {
            assert!(
                above.split(',').any(|p| p == middle),
                "{path}: {middle:?} in {above:?}"
            );
            chained += 1;
        } else if relates.is_none() {
            assert_eq!(middle, "", "{path} bears on nothing");
            alone += 1;
        }
    }
    assert!(
        direct > 0 && chained > 0,
        "{direct} direct, {chained} through a claim, {alone} alone"
    );
}

#[tokio::test]
async fn defeated_and_contested_claims_look_different_in_lists() {
    let app = TestApp::spawn_with_corpus().await;
    let slugs: Vec<String> =
        sqlx::query_scalar("select slug::text from proposals where hidden_at is null")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let mut defeated = 0;
    for slug in slugs {
        let page = app.page(&format!("/proposals/{slug}")).await;
        for line in select(&page, "ul.claims > li") {
            let link = line
                .select(&scraper::Selector::parse("a.claim-text").unwrap())
                .next()
                .unwrap();
            let badge = line
                .select(&scraper::Selector::parse(".standing").unwrap())
                .next()
                .unwrap();
            let standing = text(&badge);
            assert!(
                link.value().has_class(
                    &format!("standing-{standing}"),
                    scraper::CaseSensitivity::CaseSensitive
                ),
                "/proposals/{slug}: {:?} is {standing}",
                text(&link)
            );
            defeated += usize::from(standing == "defeated");
        }
    }
    assert!(defeated > 0, "the shipped map lists defeated claims");
}

/// The "N for · M against" of a proposal counts visible claims only, on the debate's
/// cards as on the proposals index: hiding every claim about a proposal leaves 0 and 0.
#[tokio::test]
async fn hidden_claims_are_counted_neither_on_debate_cards_nor_in_the_index() {
    let app = TestApp::spawn_with_corpus().await;
    let (proposal, debate): (String, String) = sqlx::query_as(
        "select p.slug::text, d.slug::text from proposals p join debates d on d.id = p.debate_id
         join relations r on r.to_proposal_id = p.id and r.removed_at is null
         group by p.id, d.id order by count(*) desc, p.slug limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "update claims set hidden_at = now() where id in (select r.from_claim_id from relations r
         join proposals p on p.id = r.to_proposal_id where p.slug = $1::text)",
    )
    .bind(&proposal)
    .execute(&app.db)
    .await
    .unwrap();
    let card = scraper::Selector::parse("li.card").unwrap();
    let meta = scraper::Selector::parse("p.meta").unwrap();
    let link = scraper::Selector::parse(&format!("a[href='/proposals/{proposal}']")).unwrap();
    for path in [format!("/debates/{debate}"), "/proposals".to_owned()] {
        let page = app.page(&path).await;
        let counts = page
            .select(&card)
            .find(|li| li.select(&link).next().is_some())
            .and_then(|li| li.select(&meta).next())
            .map(|p| text(&p))
            .unwrap_or_else(|| panic!("{path} has no card for {proposal}"));
        assert!(
            counts == "0 for · 0 against" || counts.ends_with(" · 0 for · 0 against"),
            "{path}: {counts}"
        );
    }
}
