//! Reading the map (issue 12): the header's ways in, the index pages and the About page,
//! the icon, and search as an analyst types it; on the shipped map, over real HTTP.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{
    TestApp, assert_none, assert_one, assert_some, every_page, execute, header, hrefs, select,
    select_some, strings, text,
};

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
        assert_one(
            &page,
            "header form[role=search] input[name=q]",
            &format!("search stays in the header of {start}"),
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
    let order = strings(
        &app.db,
        "select '/debates/' || slug from debates where hidden_at is null
         order by started_on desc nulls last, ended_on desc nulls last, title",
    )
    .await;
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
        let first = format!("(select min(id) from {table})");
        let hide = format!("update {table} set hidden_at = now() where id = {first}");
        execute(&app.db, &hide).await;
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
        let content_type = header(&response, reqwest::header::CONTENT_TYPE).to_owned();
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
    let slugs = strings(
        &app.db,
        "select slug::text from proposals where hidden_at is null",
    )
    .await;
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

/// Each visible proposal's slug.
async fn proposal_slugs(db: &PgPool) -> BTreeSet<String> {
    crate::pages::slugs(db, "proposals").await
}

#[tokio::test]
async fn a_proposal_opens_with_its_tensions_and_the_balance_of_its_argument() {
    let app = TestApp::spawn_with_corpus().await;
    let mut strongest = 0;
    for slug in proposal_slugs(&app.db).await {
        let path = format!("/proposals/{slug}");
        let page = app.page(&path).await;
        let (raised, supporting, opposing): (i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from proposal_tensions pt join tensions t on t.id = pt.tension_id and t.hidden_at is null
                     where pt.proposal_id = p.id and pt.removed_at is null),
                    (select count(*) from relations r join claims c on c.id = r.from_claim_id and c.hidden_at is null
                     where r.to_proposal_id = p.id and r.removed_at is null and r.kind = 'supports'),
                    (select count(*) from relations r join claims c on c.id = r.from_claim_id and c.hidden_at is null
                     where r.to_proposal_id = p.id and r.removed_at is null and r.kind <> 'supports')
             from proposals p where p.slug = $1::text",
        )
        .bind(&slug)
        .fetch_one(&app.db)
        .await
        .unwrap();
        // The verdict comes before the description and the lists.
        let verdict = select(&page, "header.page-head .verdict");
        assert_eq!(verdict.len(), 1, "{path} has a verdict under its title");
        let chips = hrefs(&page, ".verdict ul.chips a.chip");
        assert_eq!(chips.len() as i64, raised, "{path}: one chip per tension");
        for chip in &chips {
            let id = chip.strip_prefix('#').unwrap();
            assert_one(
                &page,
                &format!("section.tension[id='{id}']"),
                &format!("{path}: {chip} leads to its tension"),
            );
        }
        for chip in select(&page, ".verdict a.chip") {
            let lean = text_of_in(&chip, ".chip-lean");
            assert!(
                lean == "balanced" || lean.starts_with("leans to "),
                "{path}: {lean:?}"
            );
        }
        let balance = text(&select(&page, ".verdict .balance strong")[0]);
        assert!(
            balance.starts_with(&format!("{supporting} for"))
                && balance.contains(&format!(" · {opposing} against")),
            "{path}: {balance:?} for {supporting} and {opposing}"
        );
        // The strongest claim on each side stands and bears on the proposal directly.
        for (side, n) in [("for", supporting), ("against", opposing)] {
            let line = select(
                &page,
                &format!(".verdict ul.strongest li:has(.side-{side}) a.claim-ref"),
            );
            if n == 0 {
                assert!(line.is_empty(), "{path}: no strongest claim {side}");
                continue;
            }
            let Some(line) = line.first() else {
                continue; // none of them stands
            };
            let target = line.value().attr("href").unwrap();
            let item = select(
                &page,
                &format!(
                    "#{side}-heading ~ ul.tree > li[id='{}']",
                    target.strip_prefix('#').unwrap()
                ),
            );
            assert_eq!(item.len(), 1, "{path}: {target} is a claim {side} it");
            assert_eq!(
                text_of_in(&item[0], ":scope > .meta .standing"),
                "stands",
                "{path}: {target}"
            );
            strongest += 1;
        }
    }
    assert!(strongest > 0, "the shipped map has standing claims to name");
}

/// The text of the first element under `element` matching `selector`.
#[track_caller]
fn text_of_in(element: &scraper::ElementRef, selector: &str) -> String {
    let parsed = scraper::Selector::parse(selector).unwrap();
    text(
        &element
            .select(&parsed)
            .next()
            .unwrap_or_else(|| panic!("nothing matches {selector}")),
    )
}

#[tokio::test]
async fn no_claim_is_listed_twice_on_a_proposal_page_and_replies_are_folded() {
    let app = TestApp::spawn_with_corpus().await;
    let (mut referred, mut folded) = (0, 0);
    for slug in proposal_slugs(&app.db).await {
        let path = format!("/proposals/{slug}");
        let page = app.page(&path).await;
        let listed = hrefs(&page, "main a.claim-text");
        let unique: BTreeSet<&String> = listed.iter().collect();
        assert_eq!(
            unique.len(),
            listed.len(),
            "{path} lists a claim twice: {listed:?}"
        );
        // Every claim the page bears (in the tree or showing a tension) is listed.
        let expected: BTreeSet<String> = sqlx::query_scalar(
            "with recursive tree (id) as (
                 select r.from_claim_id from relations r join proposals p on p.id = r.to_proposal_id
                 where p.slug = $1::text and r.removed_at is null
                 union
                 select r.from_claim_id from tree t join relations r on r.to_claim_id = t.id and r.removed_at is null)
             select '/claims/' || c.slug from claims c
             where c.hidden_at is null and (c.id in (select id from tree) or c.id in (
                 select e.claim_id from tension_evidence e join proposal_tensions pt on pt.id = e.proposal_tension_id
                 join proposals p on p.id = pt.proposal_id join tensions t on t.id = pt.tension_id and t.hidden_at is null
                 where p.slug = $1::text and e.removed_at is null and pt.removed_at is null))",
        )
        .bind(&slug)
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .collect();
        let unique: BTreeSet<String> = listed.iter().cloned().collect();
        assert!(
            expected.is_subset(&unique),
            "{path}: missing {:?}",
            expected.difference(&unique).collect::<Vec<_>>()
        );
        // A claim met again is a reference to where it is listed.
        for reference in hrefs(&page, "ul.tree li.again a.claim-ref") {
            let id = reference.strip_prefix('#').unwrap();
            assert_one(
                &page,
                &format!("li[id='{id}']"),
                &format!("{path}: {reference}"),
            );
            referred += 1;
        }
        // Only the first level is open: every deeper list is inside a closed <details>.
        for list in select(&page, "ul.tree ul.tree") {
            let parent = scraper::ElementRef::wrap(list.parent().unwrap()).unwrap();
            assert_eq!(parent.value().name(), "details", "{path}");
            assert!(parent.value().attr("open").is_none(), "{path}");
            folded += 1;
        }
    }
    assert!(
        folded > 0,
        "the shipped map has rebuttal chains: {referred} referred"
    );
}

#[tokio::test]
async fn debate_cards_show_the_balance_and_the_tensions_each_proposal_raises() {
    let app = TestApp::spawn_with_corpus().await;
    let page = app.page("/debates/2021-white-paper").await;
    let cards = select_some(&page, "ul.cards li.card", "a card per proposal");
    let mut chips = 0;
    for card in &cards {
        let balance = text_of_in(card, "p.meta");
        assert!(
            balance.contains(" for") && balance.contains(" against"),
            "{balance}"
        );
        let link = card
            .select(&scraper::Selector::parse("h3 a").unwrap())
            .next()
            .unwrap();
        let proposal = link.value().attr("href").unwrap();
        for chip in card.select(&scraper::Selector::parse("a.chip").unwrap()) {
            let href = chip.value().attr("href").unwrap();
            assert!(href.starts_with(&format!("{proposal}#tension-")), "{href}");
            chips += 1;
        }
    }
    assert!(chips > 0, "the 2021 proposals raise tensions");
    assert!(
        text(&select(&page, "main p.order")[0]).contains("most argued over first"),
        "the debate page states its order"
    );
}

#[tokio::test]
async fn timelines_and_lists_state_their_order_and_list_each_claim_once() {
    let app = TestApp::spawn_with_corpus().await;
    let home = app.page("/").await;
    assert_eq!(
        select(&home, "main p.order").len(),
        3,
        "home states the order of its debates, tensions and sources"
    );
    // Every debate card says when, or that it is undated.
    for card in select(&home, "ul.cards li.card p.meta") {
        let meta = text(&card);
        assert!(
            meta.starts_with("undated") || meta.chars().next().unwrap().is_ascii_digit(),
            "{meta}"
        );
    }
    for slug in crate::pages::slugs(&app.db, "tensions").await {
        let path = format!("/tensions/{slug}");
        let page = app.page(&path).await;
        assert!(
            text(&select(&page, "#raised-heading ~ p.order")[0]).contains("time order"),
            "{path} states its timeline's order"
        );
        // The timeline is in the order of the debates' dates, undated last.
        let years: Vec<Option<i32>> = select(&page, "ol.timeline .when")
            .iter()
            .map(|w| text(w).parse().ok())
            .collect();
        let mut sorted = years.clone();
        sorted.sort_by_key(|y| (y.is_none(), *y));
        assert_eq!(years, sorted, "{path}");
        for side in ["a", "b"] {
            let listed = hrefs(
                &page,
                &format!("section[aria-labelledby=side-{side}-heading] a.claim-text"),
            );
            let unique: BTreeSet<&String> = listed.iter().collect();
            assert_eq!(unique.len(), listed.len(), "{path} side {side}: {listed:?}");
        }
    }
}

#[tokio::test]
async fn the_api_page_shows_no_markdown_backticks_and_poles_keep_their_case() {
    let app = TestApp::spawn_with_corpus().await;
    let api = app.page("/api").await;
    let summaries = select_some(
        &api,
        "table.operations td.summary",
        "the operations' summaries",
    );
    for summary in &summaries {
        assert!(!text(summary).contains('`'), "{}", text(summary));
    }
    assert_some(
        &api,
        "table.operations td.summary code",
        "code spans are shown as code",
    );
    // A pole is shown as written wherever a leaning is phrased.
    let poles = strings(
        &app.db,
        "select unnest(array[pole_a, pole_b]) from tensions where hidden_at is null",
    )
    .await;
    let acronym = poles
        .iter()
        .find(|p| p.contains("NHS"))
        .expect("a pole names the NHS");
    let mut seen = 0;
    for slug in proposal_slugs(&app.db).await {
        let page = app.page(&format!("/proposals/{slug}")).await;
        for lean in select(&page, ".verdict .chip-lean") {
            let lean = text(&lean);
            assert!(!lean.contains("nhs"), "{lean}");
            seen += usize::from(lean.contains(acronym.as_str()));
        }
    }
    assert!(seen > 0, "{acronym:?} is shown as written");
}

#[tokio::test]
async fn a_write_is_confirmed_once_and_an_attack_names_the_claims_whose_standing_it_changed() {
    use crate::builders::small::{QUOTE, SEGMENT, SOURCE, TARGET};
    let app = crate::builders::small::spawn().await;
    let visitor = app
        .signed_in("reader@example.org", argmap::auth::Role::Contributor)
        .await;
    let response = visitor
        .post_form(
            &format!("/sources/{SOURCE}/claims"),
            &[
                ("segment", SEGMENT),
                ("quote", QUOTE),
                (
                    "text",
                    "More control only moves the blame about, it does not remove it.",
                ),
                ("relation", "attacks"),
                ("target", TARGET),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let landed = crate::harness::location(&response);
    let page = visitor.page(&landed).await;
    let flash = select(&page, "main .flash[role=status]");
    assert_eq!(flash.len(), 1, "{landed} confirms the write");
    assert!(
        text(&flash[0]).contains("Your claim is added."),
        "{}",
        text(&flash[0])
    );
    let changed = hrefs(&page, ".flash ul.changed a");
    assert_eq!(
        changed,
        vec![format!("/claims/{TARGET}")],
        "the attacked claim no longer stands"
    );
    assert!(
        text(&flash[0]).contains("was stands, now defeated"),
        "{}",
        text(&flash[0])
    );
    let again = visitor.page(&landed).await;
    assert_none(&again, ".flash", "a confirmation shows once");
}

#[tokio::test]
async fn long_indexes_come_in_pages_that_neither_overlap_nor_skip() {
    let app = TestApp::spawn_with_corpus().await;
    // Enough for three pages of each, beside the shipped map's own.
    for (table, columns, values) in [
        (
            "debates",
            "slug, title",
            "'debate-' || i, 'Debate ' || (i % 7)",
        ),
        (
            "proposals",
            "slug, title, debate_id",
            "'proposal-' || i, 'Proposal ' || (i % 7), (select min(id) from debates)",
        ),
        (
            "tensions",
            "slug, title, pole_a, pole_b",
            "'tension-' || i, 'Tension ' || (i % 7), 'A', 'B'",
        ),
        (
            "sources",
            "slug, title, kind",
            "'source-' || i, 'Source ' || (i % 7), 'article'",
        ),
    ] {
        execute(
            &app.db,
            &format!(
                "insert into {table} ({columns}) select {values} from generate_series(1, 230) i"
            ),
        )
        .await;
    }
    for table in ["debates", "proposals", "tensions", "sources"] {
        let read = every_page(&format!("/{table}"), async |path| app.page(path).await).await;
        let pages = read.len();
        let mut seen = Vec::new();
        for page in &read {
            let shown = listed(page, table);
            assert!(shown.len() <= 100, "/{table} lists at most a page");
            seen.extend(shown);
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "/{table}: no row on two pages");
        assert_eq!(
            unique,
            visible(&app.db, table).await,
            "/{table}: none skipped"
        );
        let expected_pages = seen.len().div_ceil(100).max(1);
        assert_eq!(pages, expected_pages, "/{table}");
        if pages > 1 {
            let second = app.page(&format!("/{table}?page=2")).await;
            assert_eq!(
                hrefs(&second, "nav.pager a[rel=prev]"),
                [format!("/{table}")]
            );
        }
        let past = app.get(&format!("/{table}?page={}", pages + 1)).await;
        assert_eq!(
            past.status(),
            StatusCode::NOT_FOUND,
            "/{table} past its end"
        );
        for bad in ["0", "x", "-1"] {
            let response = app.get(&format!("/{table}?page={bad}")).await;
            assert!(
                response.status().is_client_error(),
                "/{table}?page={bad}: {}",
                response.status()
            );
        }
    }
}
