//! The site in a real headless Chromium (Debian's chromium and chromium-driver), driven
//! over WebDriver: clicking from the home page down to a source, searching from the box,
//! and every page type at phone and desktop widths, checked by axe-core for WCAG 2 A/AA
//! problems, with screenshots saved under `target/screenshots/`.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::harness::TestApp;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver and the Chromium it drives, stopped (with all their processes) on drop.
struct Browser {
    driver: Child,
    client: Client,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver and the browsers it started share its process group.
        let group = nix::unistd::Pid::from_raw(-(self.driver.id() as i32));
        let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.driver.wait();
    }
}

impl Browser {
    async fn start() -> Self {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            builder.capabilities(capabilities.as_object().unwrap().clone());
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(err) if Instant::now() > deadline => {
                    panic!("chromedriver did not start: {err}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser {
            driver,
            client,
            _profile: profile,
        }
    }

    async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        url.path().to_owned()
    }

    /// The first element `selector` matches.
    async fn find(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|_| panic!("nothing matches {selector}"))
    }

    async fn click(&self, selector: &str) {
        self.find(selector).await.click().await.unwrap();
    }

    /// Clicks what `selector` matches and waits until the page at `path` (a prefix) shows.
    async fn follow(&self, selector: &str, path: &str) -> String {
        self.click(selector).await;
        self.wait_for_path(path).await
    }

    /// Clicks the link whose text is `text`.
    async fn click_link(&self, text: &str) {
        let link = self.client.find(Locator::LinkText(text)).await.unwrap();
        link.click().await.unwrap();
    }

    /// Types `text` into the field `selector` matches.
    async fn fill(&self, selector: &str, text: &str) {
        self.find(selector).await.send_keys(text).await.unwrap();
    }

    /// Waits for a navigation to land on a path starting with `prefix`.
    async fn wait_for_path(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = self.path().await;
            if path.starts_with(prefix) {
                return path;
            }
            assert!(
                Instant::now() < deadline,
                "still on {path}, expected {prefix}…"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Makes `email` a contributor and signs them in through the sign-in form, which goes
    /// on to `page`.
    async fn sign_in_contributor(&self, app: &TestApp, email: &str, page: &str) {
        app.user(email, argmap::auth::Role::Contributor).await;
        self.goto(&app.url(&format!("/signin?next={page}"))).await;
        self.fill("#email", email).await;
        self.fill("#password", crate::harness::PASSWORD).await;
        self.click("main form button[type=submit]").await;
        self.wait_for_path(page).await;
    }

    /// Waits (10 s at most) until `script` returns true; fails saying `what` did not happen.
    async fn wait_until(&self, script: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.script(script).await != json!(true) {
            assert!(Instant::now() < deadline, "{what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn text(&self, selector: &str) -> String {
        self.find(selector).await.text().await.unwrap()
    }

    /// The standing shown on the claim page at `url`, in lower case.
    async fn standing(&self, url: &str) -> String {
        self.goto(url).await;
        self.text(".standing-line .standing").await.to_lowercase()
    }

    async fn script(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Whether the first element `selector` matches is shown: displayed, with a height.
    async fn shows(&self, selector: &str) -> bool {
        let script = format!(
            "const e = document.querySelector({selector:?}); return !!e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0"
        );
        self.script(&script).await == json!(true)
    }

    /// Asserts that at `width` px `wide` is shown and `narrow` is not, or the other way
    /// round at a phone's width (600 px or less): `what` says which is which.
    async fn assert_shows_for_width(&self, width: u32, wide: &str, narrow: &str, what: &str) {
        let shown = (self.shows(wide).await, self.shows(narrow).await);
        assert_eq!(shown, (width > 600, width <= 600), "{what}");
    }

    async fn set_width(&self, width: u32) {
        self.client.set_window_size(width, 1000).await.unwrap();
        let inner = self.script("return window.innerWidth").await;
        assert_eq!(inner, json!(width), "the viewport is {width} px wide");
    }

    /// Saves a screenshot as `target/screenshots/{name}-{width}.png`.
    async fn screenshot(&self, name: &str, width: u32) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
    }

    /// The WCAG 2 A and AA rules axe-core finds broken on the current page.
    async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(
            crate::harness::node_tools().join("node_modules/axe-core/axe.min.js"),
        )
        .unwrap();
        self.client
            .execute(&format!("{axe}; window.axe = axe; return true;"), vec![])
            .await
            .unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })
                   .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(result).unwrap()
    }

    /// Fails when the page is wider than the viewport (a horizontal scroll bar).
    async fn assert_no_horizontal_overflow(&self, what: &str) {
        let widths = self
            .script("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        if scroll > inner {
            let culprits = self
                .script(
                    "return [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                       .slice(0, 5).map(e => e.tagName + '.' + e.className)",
                )
                .await;
            panic!(
                "{what} overflows horizontally: {scroll} px of content in a {inner} px viewport; widest: {culprits}"
            );
        }
    }
}

/// The app on the small built map, and a browser signed in as the contributor `email`
/// on its page `page`.
async fn contributor_on_small_map(email: &str, page: &str) -> (TestApp, Browser) {
    let (app, browser) = small_map().await;
    browser.sign_in_contributor(&app, email, page).await;
    (app, browser)
}

/// The app on the small built map, and a browser.
async fn small_map() -> (TestApp, Browser) {
    let app = crate::builders::small::spawn().await;
    let browser = Browser::start().await;
    (app, browser)
}

/// The app on the shipped map, and a browser.
async fn shipped_map() -> (TestApp, Browser) {
    let app = TestApp::spawn_with_corpus().await;
    let browser = Browser::start().await;
    (app, browser)
}

/// The app on the shipped map, and a browser on its home page.
async fn home_page() -> (TestApp, Browser) {
    let (app, browser) = shipped_map().await;
    browser.goto(&app.url("/")).await;
    (app, browser)
}

#[tokio::test]
async fn a_reader_clicks_from_home_to_a_source_through_every_page_type() {
    let (_app, browser) = home_page().await;
    assert_eq!(
        browser.text("main h1").await,
        "NHS England reform debates, mapped"
    );

    browser
        .click(".cards a[href='/debates/2021-white-paper']")
        .await;
    browser.wait_for_path("/debates/2021-white-paper").await;
    assert!(browser.text("main h1").await.contains("2021 white paper"));

    browser
        .click(".cards a[href='/proposals/ics-statutory-footing']")
        .await;
    browser
        .wait_for_path("/proposals/ics-statutory-footing")
        .await;
    let map = browser.find("#map svg").await;
    assert!(map.is_displayed().await.unwrap(), "the map is drawn");

    browser
        .click("section.tension h3 a[href='/tensions/local-autonomy-vs-national-control']")
        .await;
    assert_eq!(
        browser.path().await,
        "/tensions/local-autonomy-vs-national-control"
    );
    assert_eq!(browser.text(".pole-pair .pole-a").await, "Local autonomy");

    browser
        .click("ul.claims a.claim-text[href='/claims/proposals-allow-local-variation']")
        .await;
    assert_eq!(
        browser.path().await,
        "/claims/proposals-allow-local-variation"
    );
    assert_eq!(
        browser
            .text(".standing-line .standing")
            .await
            .to_lowercase(),
        "defeated"
    );

    browser
        .follow(
            "figure.quote figcaption a",
            "/sources/edwards-five-tensions",
        )
        .await;
    let target = browser
        .script("return document.querySelector(':target') && document.querySelector(':target').id")
        .await;
    assert_eq!(target, json!("s10-11"), "the link lands on the quoted post");
    let marked = browser
        .script("return document.querySelectorAll(':target mark').length")
        .await;
    assert!(
        marked.as_i64().unwrap() > 0,
        "the quoted words are highlighted"
    );
}

#[tokio::test]
async fn a_reader_searches_from_the_box_in_the_header() {
    let (_app, browser) = home_page().await;
    browser.fill("#site-q", "postcode lottery").await;
    browser
        .follow("form.site-search button[type=submit]", "/search")
        .await;
    let first = browser.text("ol.hits li a").await;
    assert!(!first.is_empty());
    let marks = browser.script("return [...document.querySelectorAll('.snippet mark')].map(m => m.textContent.toLowerCase())").await;
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "postcode" || m == "lottery"),
        "{marks}"
    );
    let value = browser
        .script("return document.getElementById('q').value")
        .await;
    assert_eq!(
        value,
        json!("postcode lottery"),
        "the query stays in the box"
    );
}

#[tokio::test]
async fn every_page_type_fits_a_phone_and_a_desktop_passes_axe_and_is_screenshotted() {
    let (app, browser) = shipped_map().await;
    let pages = [
        ("home", "/"),
        ("debate", "/debates/2021-white-paper"),
        ("proposal", "/proposals/ics-statutory-footing"),
        ("tension", "/tensions/local-autonomy-vs-national-control"),
        ("claim", "/claims/every-reorganisation-seeds-the-next"),
        ("source", "/sources/hudson-success-regimes"),
        ("search", "/search?q=integration"),
        ("not-found", "/proposals/no-such-proposal"),
        ("sign-in", "/signin"),
        ("api", "/api"),
        ("debates", "/debates"),
        ("proposals", "/proposals"),
        ("tensions", "/tensions"),
        ("sources", "/sources"),
        ("about", "/about"),
    ];
    for width in [1280, 375] {
        browser.set_width(width).await;
        for (name, path) in pages {
            browser.goto(&app.url(path)).await;
            browser
                .assert_no_horizontal_overflow(&format!("{path} at {width} px"))
                .await;
            let violations = browser.accessibility_violations().await;
            assert!(
                violations.is_empty(),
                "{path} at {width} px breaks WCAG 2 A/AA rules (axe-core): {violations:#?}"
            );
            browser.screenshot(name, width).await;
        }
    }
}

#[tokio::test]
async fn a_contributor_selects_a_passage_adds_an_attacking_claim_and_sees_the_standing_change() {
    const QUOTE: &str = "more control increases the probability of blameworthy things";
    const TARGET: &str = "/claims/every-reorganisation-seeds-the-next";
    let (app, browser) = shipped_map().await;

    assert_eq!(browser.standing(&app.url(TARGET)).await, "stands");

    browser
        .sign_in_contributor(&app, "zoe@example.org", "/sources/edwards-five-tensions")
        .await;

    // Select the words in post 5/11, as a reader dragging across them would.
    let selected = browser
        .client
        .execute(
            "const quote = arguments[0];
             const p = document.querySelector('#s5-11 .text');
             const start = p.textContent.indexOf(quote), end = start + quote.length;
             const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
             const range = document.createRange();
             let pos = 0, started = false, node;
             while ((node = walker.nextNode())) {
               const len = node.textContent.length;
               if (!started && start <= pos + len) { range.setStart(node, start - pos); started = true; }
               if (end <= pos + len) { range.setEnd(node, end - pos); break; }
               pos += len;
             }
             const selection = window.getSelection();
             selection.removeAllRanges();
             selection.addRange(range);
             return selection.toString();",
            vec![json!(QUOTE)],
        )
        .await
        .unwrap();
    assert_eq!(selected, json!(QUOTE));
    browser
        .wait_until(
            "return !document.querySelector('.quote-button').hidden",
            "no 'add a claim' button appeared for the selection",
        )
        .await;
    browser
        .follow(".quote-button", "/sources/edwards-five-tensions/claims/new")
        .await;
    assert_eq!(
        browser
            .script("return document.getElementById('quote').value")
            .await,
        json!(QUOTE)
    );
    assert_eq!(
        browser
            .script("return document.getElementById('segment').value")
            .await,
        json!("s5-11")
    );

    browser
        .fill(
            "#text",
            "More central control only multiplies what ministers are blamed for.",
        )
        .await;
    browser
        .find("#relation")
        .await
        .select_by_value("attacks")
        .await
        .unwrap();
    browser
        .fill("#target", "every-reorganisation-seeds-the-next")
        .await;
    let invalid = browser.script("return [...document.querySelectorAll('form.claim-form :invalid')].map(e => e.id + ': ' + e.validationMessage)").await;
    assert_eq!(invalid, json!([]), "the form is valid");
    browser
        .follow(
            "form.claim-form button[type=submit]",
            "/claims/more-central-control",
        )
        .await;
    assert_eq!(browser.text("blockquote").await, QUOTE);

    assert_eq!(
        browser.standing(&app.url(TARGET)).await,
        "defeated",
        "the attacked claim no longer stands"
    );
    browser.screenshot("claim-after-attack", 1280).await;
}

#[tokio::test]
async fn a_contributor_rebuts_a_claim_from_its_page_without_typing_a_slug() {
    use crate::builders::small::{QUOTE, SEGMENT, TARGET};
    let (app, browser) = small_map().await;
    let page = format!("/claims/{TARGET}");
    assert_eq!(browser.standing(&app.url(&page)).await, "stands");

    browser
        .sign_in_contributor(&app, "rae@example.org", &page)
        .await;

    browser.click_link("Attack").await;
    browser.wait_for_path("/sources/").await;
    assert_eq!(
        browser
            .script("return [document.getElementById('target').value, document.getElementById('relation').value]")
            .await,
        json!([TARGET, "attacks"]),
        "the target is fixed"
    );
    assert!(
        browser
            .text(".answering")
            .await
            .contains("seeds of the next one")
    );

    browser
        .find("#segment")
        .await
        .select_by_value(SEGMENT)
        .await
        .unwrap();
    browser.fill("#quote", QUOTE).await;
    browser
        .fill(
            "#text",
            "Reorganising only adds to what ministers are blamed for.",
        )
        .await;
    browser
        .follow(
            "form.claim-form button[type=submit]",
            "/claims/reorganising-only",
        )
        .await;
    assert_eq!(
        browser.standing(&app.url(&page)).await,
        "defeated",
        "the answered claim no longer stands"
    );
}

/// Reading the map at a laptop's and a phone's width (issue 12): no page kind scrolls
/// sideways at 390 px; the proposal map is drawn at 1280 px with every label inside its
/// box as Chromium lays the text out, and gives way to the tree at 390 px; the matrix
/// shows its poles on focus at 1280 px and is a list at 390 px.
#[tokio::test]
async fn the_map_reads_at_1280_and_390_px_without_sideways_scrolling() {
    let (app, browser) = shipped_map().await;
    let pages = [
        "/",
        "/debates/2021-white-paper",
        "/debates/2015-success-regimes",
        "/proposals/ics-statutory-footing",
        "/proposals/success-regimes",
        "/tensions/local-autonomy-vs-national-control",
        "/claims/every-reorganisation-seeds-the-next",
        "/sources/hudson-success-regimes",
        "/search?q=ICS",
        "/debates",
        "/proposals",
        "/tensions",
        "/sources",
        "/about",
        "/api",
    ];
    for width in [1280, 390] {
        browser.set_width(width).await;
        for path in pages {
            browser.goto(&app.url(path)).await;
            browser
                .assert_no_horizontal_overflow(&format!("{path} at {width} px"))
                .await;
        }
        browser
            .goto(&app.url("/proposals/ics-statutory-footing"))
            .await;
        browser
            .assert_shows_for_width(
                width,
                "#map svg.argument-map",
                "#map .map-narrow",
                "the drawing at 1280 px, the tree at 390 px",
            )
            .await;
        if width == 1280 {
            let cut = browser
                .script(
                    "return [...document.querySelectorAll('#map g.node')].flatMap(g => {
                       const box = g.querySelector('path, polygon').getBBox();
                       return [...g.querySelectorAll('text')].filter(t => {
                         const b = t.getBBox();
                         return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5
                             || b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5;
                       }).map(t => t.textContent);
                     })",
                )
                .await;
            assert_eq!(cut, json!([]), "every label fits its box as drawn");
            let nodes = browser
                .script("return document.querySelectorAll('#map g.node text').length")
                .await;
            assert!(nodes.as_i64().unwrap() > 30, "the map has labels: {nodes}");
            browser.screenshot("proposal-map", width).await;
        }
        browser.goto(&app.url("/debates/2021-white-paper")).await;
        browser
            .assert_shows_for_width(
                width,
                "table.matrix",
                ".matrix-list",
                "the matrix at 1280 px, its list at 390 px",
            )
            .await;
        if width == 1280 {
            let before = browser.shows("th.tension-head .poles").await;
            assert!(!before, "a head is short until focused");
            browser
                .script("document.querySelector('th.tension-head a').focus(); return true")
                .await;
            let after = browser.shows("th.tension-head .poles").await;
            assert!(after, "focus shows the poles");
            let colours = browser
                .script(
                    "const bg = s => { const e = document.querySelector(s); return e && getComputedStyle(e).backgroundColor; };
                     return [bg('.matrix td.lean-a'), bg('.matrix td.lean-b'), bg('.matrix td.lean-balanced')]",
                )
                .await;
            let standing = browser
                .script(
                    "const s = document.createElement('span'); document.body.append(s);
                     return ['stands', 'contested', 'defeated'].map(k => { s.className = 'standing ' + k; return getComputedStyle(s).backgroundColor; })",
                )
                .await;
            for colour in colours.as_array().unwrap().iter().filter(|c| !c.is_null()) {
                assert!(
                    !standing.as_array().unwrap().contains(colour),
                    "matrix cells have their own palette: {colour} is a standing's"
                );
            }
            let overflow = browser
                .script("const s = document.querySelector('.table-scroll'); return s.scrollWidth - s.clientWidth")
                .await;
            assert_eq!(overflow, json!(0), "the whole matrix fits at 1280 px");
            browser.screenshot("matrix", width).await;
        } else {
            browser.screenshot("matrix-list", width).await;
        }
    }
}

#[tokio::test]
async fn a_contributor_pastes_an_article_previews_it_saves_it_and_quotes_it_in_a_claim() {
    use crate::adding_sources::ARTICLE;
    let (_app, browser) = contributor_on_small_map("sam@example.org", "/sources").await;

    browser.click_link("Add a source").await;
    browser.wait_for_path("/sources/new").await;
    browser.fill("#text", ARTICLE).await;
    browser.fill("#outlet", "The Review").await;
    browser.click("button[value=preview]").await;
    browser
        .wait_until(
            "return document.querySelectorAll('.preview-segments li').length > 0",
            "no preview appeared",
        )
        .await;
    let segments = browser
        .script("return [...document.querySelectorAll('.preview-segments li')].map(li => li.textContent.trim())")
        .await;
    assert_eq!(segments.as_array().unwrap().len(), 3, "{segments}");
    assert!(
        browser
            .text(".source-preview .facts")
            .await
            .contains("Dana Writer")
    );
    assert_eq!(
        browser
            .script("return document.getElementById('outlet').value")
            .await,
        json!("The Review"),
        "what was typed is kept"
    );

    browser
        .follow(
            "button[value=save]",
            "/sources/integrated-care-needs-patience",
        )
        .await;
    assert_eq!(browser.text("h1").await, "Integrated care needs patience");

    browser
        .follow(
            "#p3 .add-claim",
            "/sources/integrated-care-needs-patience/claims/new",
        )
        .await;
    browser
        .fill(
            "#quote",
            "give the new bodies five years before judging them",
        )
        .await;
    browser
        .fill(
            "#text",
            "Integrated care systems deserve five years before they are judged.",
        )
        .await;
    browser
        .follow(
            "form.claim-form button[type=submit]",
            "/claims/integrated-care-systems-deserve",
        )
        .await;
    assert_eq!(
        browser.text("blockquote").await,
        "give the new bodies five years before judging them"
    );
}

#[tokio::test]
async fn a_contributor_links_two_claims_by_choosing_the_target_from_its_words() {
    use crate::builders::small::{TARGET, VICTIM};
    let page = format!("/claims/{VICTIM}");
    let (app, browser) = contributor_on_small_map("kit@example.org", &page).await;

    browser
        .find("#link-kind")
        .await
        .select_by_value("attacks")
        .await
        .unwrap();
    browser.fill("#link-to", "seeds of the next").await;
    browser
        .wait_until(
            "return document.querySelectorAll('.target-matches button').length > 0",
            "no matches were listed",
        )
        .await;
    assert!(
        browser
            .text(".target-matches button")
            .await
            .contains("seeds of the next one")
    );
    browser.click(".target-matches button").await;
    assert_eq!(
        browser
            .script("return document.getElementById('link-to').value")
            .await,
        json!(TARGET),
        "choosing puts the claim's exact name in the field"
    );
    browser.click("form.link-form button[type=submit]").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let linked = format!(
        "select count(*) from relations r join claims c on c.id = r.from_claim_id where c.slug = '{VICTIM}'"
    );
    while crate::harness::scalar(&app.db, &linked).await == 0 {
        assert!(Instant::now() < deadline, "the link was not saved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(browser.path().await, page);
    assert_eq!(
        browser
            .standing(&app.url(&format!("/claims/{TARGET}")))
            .await,
        "defeated",
        "the linked attack counts"
    );
}

#[tokio::test]
async fn a_drag_that_starts_on_a_quoted_passage_selects_whole_words_and_follows_no_link() {
    use crate::builders::small::SOURCE;
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let page = format!("/sources/{SOURCE}");
    let (app, browser) = contributor_on_small_map("lee@example.org", &page).await;

    // Post 1 reads "It is striking that every reorganisation since 1974 contains the seeds
    // of the next one."; from "every" on it is quoted (highlighted, a link to its claim).
    // Drag from the middle of "reorganisation" to the middle of "seeds".
    let points = browser
        .script(
            "const p = document.querySelector('#s1-3 .text');
             const text = p.textContent;
             const at = (i) => {
               const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
               let node, pos = 0;
               while ((node = walker.nextNode())) {
                 if (i < pos + node.textContent.length) {
                   const r = document.createRange();
                   r.setStart(node, i - pos); r.setEnd(node, i - pos + 1);
                   const box = r.getBoundingClientRect();
                   return [box.left + box.width / 2, box.top + box.height / 2];
                 }
                 pos += node.textContent.length;
               }
             };
             return [at(text.indexOf('reorganisation') + 5), at(text.indexOf('seeds') + 2),
                     document.querySelector('#s1-3 mark a') !== null];",
        )
        .await;
    assert_eq!(points[2], json!(true), "the passage is highlighted");
    let (from, to) = (&points[0], &points[1]);
    let drag = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: from[0].as_f64().unwrap(),
            y: from[1].as_f64().unwrap(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(300)),
            x: to[0].as_f64().unwrap(),
            y: to[1].as_f64().unwrap(),
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(drag).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(browser.path().await, page, "no link was followed");
    assert_eq!(
        browser
            .script("return window.getSelection().toString()")
            .await,
        json!("reorganisation since 1974 contains the seeds"),
        "the selection snapped to whole words"
    );
    browser
        .wait_until(
            "return !document.querySelector('.quote-button').hidden",
            "no 'add a claim' button for the selection",
        )
        .await;
    browser
        .follow(".quote-button", &format!("/sources/{SOURCE}/claims/new"))
        .await;
    assert_eq!(
        browser
            .script("return document.getElementById('quote').value")
            .await,
        json!("reorganisation since 1974 contains the seeds")
    );

    // A click (no drag) on the highlighted passage still follows its link.
    browser.goto(&app.url(&page)).await;
    browser.follow("#s1-3 mark a", "/claims/").await;
}
