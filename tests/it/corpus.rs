//! The importer on the five shipped corpus documents: segments, locators, first and last
//! text, and no page boilerplate left.

use std::path::PathBuf;

use argmap::sources::{CleanedText, SegmentKind, SourceKind, parse};

/// The shipped document `name`, parsed.
fn parsed(name: &str) -> CleanedText {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/nhs-reform/sources")
        .join(name);
    parse(&argmap::sources::read_file(&path).unwrap(), None)
}

fn locators(parsed: &CleanedText) -> Vec<&str> {
    parsed.segments.iter().map(|s| s.locator.as_str()).collect()
}

/// Asserts that the segments' locators are, in order, `expected`.
#[track_caller]
fn assert_locators(parsed: &CleanedText, expected: impl IntoIterator<Item = String>) {
    let expected: Vec<String> = expected.into_iter().collect();
    assert_eq!(locators(parsed), expected);
}

/// What a shipped document must parse to, whatever its kind.
struct Shipped {
    file: &'static str,
    kind: SourceKind,
    /// The title detected; a thread's is its opening words.
    title: &'static str,
    segments: usize,
    /// How the first segment starts.
    first: &'static str,
    /// How the last segment ends.
    last: &'static str,
}

const SHIPPED: [Shipped; 5] = [
    Shipped {
        file: "000_9f35564ce0f09d0a.txt",
        kind: SourceKind::Thread,
        title: "We are expecting a white paper on the NHS.",
        segments: 11,
        first: "We are expecting a white paper on the NHS.",
        last: "sooner than we might wish.",
    },
    Shipped {
        file: "001_7f7c3cf036fd3d1e.txt",
        kind: SourceKind::Thread,
        title: "Thread on #NHSWhitePaper - As @MattHancock hurriedly brings forward announcement of plans to reform the NHS in England…",
        segments: 16,
        first: "Thread on #NHSWhitePaper",
        last: "rather than frontline services.",
    },
    Shipped {
        file: "002_84b5ccf08f55c84f.txt",
        kind: SourceKind::Thread,
        title: "#NHSBill due in the HoC in the coming days.",
        segments: 15,
        first: "#NHSBill due in the HoC in the coming days.",
        last: "Is the change in SoS a chance to reflect?",
    },
    Shipped {
        file: "003_95096eca7c78b0e9.txt",
        kind: SourceKind::Article,
        title: "Are NHS success regimes doomed to fail?",
        // Seventeen paragraphs and three headings.
        segments: 20,
        first: "Humpty Dumpty’s declaration",
        last: "six impossible things before breakfast.",
    },
    Shipped {
        file: "004_ff4a7cdc38b275b5.txt",
        kind: SourceKind::Blog,
        title: "NHS Monitor: Integration is not the opposite of competition, collaboration is",
        segments: 18,
        first: "As many report:",
        last: "far removed from the reform we are getting.",
    },
];

/// Lines of page boilerplate seen in these documents; none may survive into a segment.
const BOILERPLATE: &[&str] = &[
    "You can follow",
    "twtextapp",
    "unroll",
    "Latest Threads Unrolled",
    "cookies",
    "Missing some Tweet",
    "force a refresh",
    "• • •",
    "Get all your news",
    "premium titles",
    "One app",
    "Start reading",
    "Photograph:",
    "queen of hearts",
    "Sign up",
    "Sign in",
    "Related Stories",
    "Top stories",
    "Our Picks",
    "Fourteen days free",
    "Download the app",
    "Posted on",
    "Thanks for reading",
    "share this post",
    "subscribe",
    "support this blog",
];

#[track_caller]
fn assert_no_boilerplate(parsed: &CleanedText) {
    for segment in &parsed.segments {
        for boilerplate in BOILERPLATE {
            assert!(
                !segment
                    .body
                    .to_lowercase()
                    .contains(&boilerplate.to_lowercase()),
                "{} still contains {boilerplate:?}: {}",
                segment.locator,
                segment.body
            );
        }
    }
}

/// Asserts that segment `index`'s text starts with `start`.
#[track_caller]
fn assert_starts(parsed: &CleanedText, index: usize, start: &str) {
    let body = &parsed.segments[index].body;
    assert!(body.starts_with(start), "segment {index}: {body}");
}

/// Asserts that segment `index`'s text ends with `end`.
#[track_caller]
fn assert_ends(parsed: &CleanedText, index: usize, end: &str) {
    let body = &parsed.segments[index].body;
    assert!(body.ends_with(end), "segment {index}: {body}");
}

#[test]
fn every_shipped_document_is_detected_and_cut_from_its_first_to_its_last_words_without_boilerplate()
{
    for shipped in SHIPPED {
        let parsed = parsed(shipped.file);
        let name = shipped.file;
        assert_eq!(parsed.kind, shipped.kind, "{name}");
        let title = parsed.detected.fields.title.as_deref();
        assert_eq!(title, Some(shipped.title), "{name}");
        assert_eq!(parsed.segments.len(), shipped.segments, "{name}");
        assert_starts(&parsed, 0, shipped.first);
        assert_ends(&parsed, shipped.segments - 1, shipped.last);
        assert_no_boilerplate(&parsed);
    }
}

#[test]
fn edwards_thread_has_eleven_numbered_posts() {
    let parsed = parsed("000_9f35564ce0f09d0a.txt");
    assert_locators(&parsed, (1..=11).map(|n| format!("{n}/11")));
    assert_eq!(parsed.segments[2].anchor, "s3-11");
    assert!(
        parsed.segments[0]
            .body
            .ends_with("contains the seeds of the next one"),
        "the marker is not part of the text"
    );
    assert_eq!(parsed.detected.handle.as_deref(), Some("@nedwards_1"));
    assert_eq!(parsed.detected.fields.outlet.as_deref(), Some("Twitter"));
}

#[test]
fn yeldham_thread_has_a_post_per_line_with_its_numbered_tests() {
    let parsed = parsed("001_7f7c3cf036fd3d1e.txt");
    let numbered: Vec<&str> = locators(&parsed)
        .into_iter()
        .filter(|l| l.ends_with('.'))
        .collect();
    assert_eq!(numbered, ["1.", "2.", "3.", "4."]);
    assert_eq!(parsed.segments[1].locator, "1.");
    assert_starts(
        &parsed,
        1,
        "Will change mean greater accountability for workforce planning",
    );
    assert_eq!(parsed.detected.handle.as_deref(), Some("@RobYeldham"));
}

#[test]
fn nhs_bill_thread_ends_at_15_end_and_drops_the_appended_threads() {
    let parsed = parsed("002_84b5ccf08f55c84f.txt");
    let posts = (1..=14).map(|n| format!("{n}/"));
    assert_locators(&parsed, posts.chain(["15/END".to_owned()]));
    let levers = &parsed.segments[9];
    assert_eq!(levers.locator, "10/");
    assert_eq!(
        levers.body.lines().count(),
        5,
        "post 10 keeps its list: {}",
        levers.body
    );
    for segment in &parsed.segments {
        for appended in ["GP data sharing", "Covid", "ICU beds", "@JimBethell"] {
            assert!(
                !segment.body.contains(appended),
                "{} holds appended text {appended:?}",
                segment.locator
            );
        }
    }
}

#[test]
fn hudson_article_has_seventeen_paragraphs_three_headings_and_its_byline() {
    let parsed = parsed("003_95096eca7c78b0e9.txt");
    assert_eq!(parsed.detected.fields.author.as_deref(), Some("Bob Hudson"));
    assert_eq!(
        parsed.detected.fields.outlet.as_deref(),
        Some("The Guardian")
    );
    let paragraphs = parsed
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Paragraph)
        .count();
    let headings: Vec<&str> = parsed
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Heading)
        .map(|s| s.body.as_str())
        .collect();
    assert_eq!(paragraphs, 17);
    assert_eq!(headings, ["People", "Context", "Complexity"]);
    assert_eq!(parsed.segments[0].locator, "¶1");
    assert_eq!(parsed.segments.last().unwrap().locator, "¶17");
    let rejoined = parsed
        .segments
        .iter()
        .find(|s| s.body.contains("32 local partnerships, whereas"))
        .unwrap();
    assert!(
        rejoined
            .body
            .ends_with("whereas England is adopting short-term targeted intervention.")
    );
}

#[test]
fn monitor_blog_has_eighteen_paragraphs_and_no_footer() {
    let parsed = parsed("004_ff4a7cdc38b275b5.txt");
    assert_locators(&parsed, (1..=18).map(|n| format!("¶{n}")));
    assert_eq!(parsed.segments[0].body, "As many report:");
    assert_starts(&parsed, 17, "That's the NHS reform we need");
}
