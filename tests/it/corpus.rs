//! The importer on the five shipped corpus documents: segments, locators, first and last
//! text, and no page boilerplate left.

use std::path::PathBuf;

use argmap::sources::{CleanedText, SegmentKind, SourceKind, parse};

/// The shipped document `name`, parsed; it must be detected as `kind`, with `title`.
#[track_caller]
fn corpus(name: &str, kind: SourceKind, title: Option<&str>) -> CleanedText {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/nhs-reform/sources")
        .join(name);
    let text = argmap::sources::read_file(&path).unwrap();
    let parsed = parse(&text, None);
    assert_eq!(parsed.kind, kind, "{name}");
    assert_eq!(parsed.detected.title.as_deref(), title, "{name}");
    parsed
}

fn locators(parsed: &CleanedText) -> Vec<&str> {
    parsed.segments.iter().map(|s| s.locator.as_str()).collect()
}

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
fn edwards_thread_has_eleven_numbered_posts() {
    // A thread's title is its opening words.
    let title = "We are expecting a white paper on the NHS.";
    let parsed = corpus("000_9f35564ce0f09d0a.txt", SourceKind::Thread, Some(title));
    let expected: Vec<String> = (1..=11).map(|n| format!("{n}/11")).collect();
    assert_eq!(locators(&parsed), expected);
    assert_eq!(parsed.segments[2].anchor, "s3-11");
    assert_starts(&parsed, 0, "We are expecting a white paper on the NHS.");
    assert!(
        parsed.segments[0]
            .body
            .ends_with("contains the seeds of the next one"),
        "the marker is not part of the text"
    );
    assert_ends(&parsed, 10, "sooner than we might wish.");
    assert_eq!(parsed.detected.handle.as_deref(), Some("@nedwards_1"));
    assert_eq!(parsed.detected.outlet.as_deref(), Some("Twitter"));
    assert_no_boilerplate(&parsed);
}

#[test]
fn yeldham_thread_has_a_post_per_line_with_its_numbered_tests() {
    let title = "Thread on #NHSWhitePaper - As @MattHancock hurriedly brings forward announcement of plans to reform the NHS in England…";
    let parsed = corpus("001_7f7c3cf036fd3d1e.txt", SourceKind::Thread, Some(title));
    assert_eq!(parsed.segments.len(), 16);
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
    assert_starts(&parsed, 0, "Thread on #NHSWhitePaper");
    assert_ends(&parsed, 15, "rather than frontline services.");
    assert_eq!(parsed.detected.handle.as_deref(), Some("@RobYeldham"));
    assert_no_boilerplate(&parsed);
}

#[test]
fn nhs_bill_thread_ends_at_15_end_and_drops_the_appended_threads() {
    let title = "#NHSBill due in the HoC in the coming days.";
    let parsed = corpus("002_84b5ccf08f55c84f.txt", SourceKind::Thread, Some(title));
    let mut expected: Vec<String> = (1..=14).map(|n| format!("{n}/")).collect();
    expected.push("15/END".into());
    assert_eq!(locators(&parsed), expected);
    assert_starts(&parsed, 0, "#NHSBill due in the HoC in the coming days.");
    assert_ends(&parsed, 14, "Is the change in SoS a chance to reflect?");
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
    assert_no_boilerplate(&parsed);
}

#[test]
fn hudson_article_has_seventeen_paragraphs_three_headings_and_its_byline() {
    let title = "Are NHS success regimes doomed to fail?";
    let parsed = corpus("003_95096eca7c78b0e9.txt", SourceKind::Article, Some(title));
    assert_eq!(parsed.detected.author.as_deref(), Some("Bob Hudson"));
    assert_eq!(parsed.detected.outlet.as_deref(), Some("The Guardian"));
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
    assert_starts(&parsed, 0, "Humpty Dumpty’s declaration");
    let last = parsed.segments.last().unwrap();
    assert_eq!(last.locator, "¶17");
    assert!(
        last.body
            .ends_with("six impossible things before breakfast.")
    );
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
    assert_no_boilerplate(&parsed);
}

#[test]
fn monitor_blog_has_eighteen_paragraphs_and_no_footer() {
    let title = "NHS Monitor: Integration is not the opposite of competition, collaboration is";
    let parsed = corpus("004_ff4a7cdc38b275b5.txt", SourceKind::Blog, Some(title));
    let expected: Vec<String> = (1..=18).map(|n| format!("¶{n}")).collect();
    assert_eq!(locators(&parsed), expected);
    assert_eq!(parsed.segments[0].body, "As many report:");
    assert_starts(&parsed, 17, "That's the NHS reform we need");
    assert_no_boilerplate(&parsed);
}
