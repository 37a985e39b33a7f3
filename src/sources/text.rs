//! Turning a raw scraped document into clean, located segments.
//!
//! Scraped pages carry site chrome: subscription prompts, cookie notices, "unroll"
//! adverts, share buttons, related-story lists, image captions, and for threads whole
//! unrelated threads appended after the end. The rules here are general (the vocabulary
//! of web boilerplate, the shape of headers, footers and thread numbering), not a list of
//! any particular file's lines.

use std::sync::LazyLock;

use regex::Regex;

crate::domain::vocabulary! {
    /// What kind of document a source is.
    pub enum SourceKind ("kind") {
        Thread = "thread",
        Article = "article",
        Blog = "blog",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Post,
    Paragraph,
    Heading,
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Post => "post",
            SegmentKind::Paragraph => "paragraph",
            SegmentKind::Heading => "heading",
        }
    }
}

/// A cleaned, located unit of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// How the document numbers it ("3/11", "15/END", "1.") or its place ("¶4", "post 3").
    pub locator: String,
    /// The URL fragment for it ("s3-11", "p4").
    pub anchor: String,
    pub body: String,
}

/// What the text itself says about the document; import flags override it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    pub title: Option<String>,
    pub author_name: Option<String>,
    pub handle: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub kind: SourceKind,
    pub detected: Detected,
    pub segments: Vec<Segment>,
    /// How many non-blank lines of the raw text were dropped as chrome.
    pub dropped_lines: usize,
}

/// Cleans and segments `raw`; `kind` overrides the detected kind.
pub fn parse(raw: &str, kind: Option<SourceKind>) -> Parsed {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let all_lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
    let content_lines = strip_chrome(&all_lines);
    let kind = kind.unwrap_or_else(|| detect_kind(raw, &content_lines));
    let mut detected = Detected {
        handle: detect_handle(raw),
        published: detect_date(&all_lines),
        ..Detected::default()
    };
    let segments = match kind {
        SourceKind::Thread => {
            detected.outlet = detect_thread_outlet(raw);
            segment_thread(&content_lines)
        }
        SourceKind::Article | SourceKind::Blog => {
            let (header, title, body) = split_article_header(&content_lines);
            detected.title = title;
            detected.outlet = header.outlet;
            detected.author_name = header.author;
            segment_article(&body)
        }
    };
    if detected.title.is_none() {
        detected.title = segments
            .iter()
            .find(|s| s.kind != SegmentKind::Heading)
            .map(|s| title_from(&s.body));
    }
    let kept: usize = content_lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .count();
    let total: usize = all_lines.iter().filter(|l| !l.trim().is_empty()).count();
    Parsed {
        kind,
        detected,
        segments,
        dropped_lines: total - kept,
    }
}

// Chrome ----------------------------------------------------------------------------------

/// Lines after which a page has nothing of the document: footers, appended threads.
static FOOTER_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
            (you\ can\ )?follow\ @\w+
          | missing\ some\ tweets?\b
          | latest\ threads\ unrolled
          | related\ (stories|articles|posts|content|reading)
          | (more|top)\ stories\b
          | you\ (might|may)\ also\ like
          | recommended\ for\ you
          | thanks?\ (you\ )?for\ reading
          | (sign\ up|subscribe|register)\ to\ (read|continue)
          | you\ can\ share\ this
          | share\ this(\ (post|article|story|page))?:?$
          | (leave\ a\ (comment|reply)|comments?:?$)
        )",
    )
    .unwrap()
});

/// Boilerplate that can appear anywhere: prompts, notices, buttons, captions.
static CRUFT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)(
            \bcookies?\b.*\b(policy|consent|accept|experience|use)\b | \b(consent\w*|accept\w*|use\ of)\b.*\bcookies?\b
          | \bunroll(ed)?\b
          | \b(subscribe|subscription|sign\ up|sign\ in|log\ in|newsletter|free\ trial|days\ free
               |download\ the\ app|already\ a\ member|premium\ titles|start\ reading|membership)\b
          | \bget\ all\ your\ news\b | \bread\ news\ from\b
          | ^(our\ picks|most\ (read|popular)|trending(\ now)?|advertisement|skip\ to(\ main)?\ content)\b
          | ^(share|tweet|email|print|facebook|twitter|linkedin|whatsapp|reddit)(\ this)?$
          | ^posted\ (on|by|in)\b\W*$
          | \bsupport\ this\ (blog|site|newsletter)\b
          | \bforce\ a\ refresh\b
          | \b(photograph|photo|illustration|image|picture)(\ credit)?:\ \S
        )",
    )
    .unwrap()
});

static APP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bapps?\b").unwrap());

/// A caption's credit marks the line as a caption.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(photograph|photo|illustration|image|picture)(\ credit)?: \S").unwrap()
});

/// Short lines only: a long line is prose even when it mentions a boilerplate word.
const MAX_CHROME_LINE_CHARS: usize = 220;
/// A "short app" line in a header ("One app.") is chrome when it is this short.
const MAX_CHROME_APP_WORDS: usize = 5;

fn is_chrome_line(line: &str) -> bool {
    let line = line.trim();
    if line.chars().count() > MAX_CHROME_LINE_CHARS {
        return false;
    }
    if !line.chars().any(char::is_alphanumeric) {
        return true; // "• • •", rules, stray emoji
    }
    CRUFT_LINE.is_match(line) || (word_count(line) <= MAX_CHROME_APP_WORDS && APP.is_match(line))
}

/// The lines of the document itself: footers cut off, boilerplate lines and image
/// captions (with the alt text scraped just before them) removed. Blank lines are kept:
/// they separate an article's paragraphs.
fn strip_chrome<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let end = lines
        .iter()
        .position(|line| {
            line.chars().count() <= MAX_CHROME_LINE_CHARS && FOOTER_START.is_match(line.trim())
        })
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = Vec::with_capacity(end);
    for (i, line) in lines[..end].iter().enumerate() {
        if is_chrome_line(line) && !line.trim().is_empty() {
            // An image's alt text sits alone just above its caption.
            if CAPTION.is_match(line) {
                if let Some(previous) = kept.last() {
                    if is_alt_text(previous) && (i < 2 || lines[i - 2].trim().is_empty()) {
                        kept.pop();
                    }
                }
            }
            continue;
        }
        kept.push(line);
    }
    kept
}

fn is_alt_text(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && word_count(line) <= 6
        && !ends_sentence(line)
        && line.chars().next().is_some_and(char::is_lowercase)
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '’', ')'])
}

// Detection -------------------------------------------------------------------------------

/// `3/11`, `10/`, `15/END`, `1/16 (sorry)` at the end of a post.
static POST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?P<n>\d{1,3})/(?P<of>\d{1,3}|END|end|End)?(?:\s*\([^)]{0,20}\))?\s*$")
        .unwrap()
});
/// `1. ` opening a numbered point.
static NUMBERED_POINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<n>\d{1,2})\.\s+\S").unwrap());
static HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bfollow @(?P<handle>[A-Za-z0-9_]{1,15})\b").unwrap());

/// The longest a post of a thread runs (Twitter's 280, with room for scraping noise).
const MAX_POST_CHARS: usize = 320;

static BLOG_SIGNS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^posted (on|by)\b|\bthis blog\b|\bblog post\b").unwrap());
static TWITTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(twitter|tweets?|twtextapp|threadreader)\b").unwrap());
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(By )?(?P<name>[A-Z][a-z'’-]+( [A-Z][a-z'’.-]+){1,3})$").unwrap()
});

fn detect_kind(raw: &str, lines: &[&str]) -> SourceKind {
    let text: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let marked = text.iter().filter(|l| POST_MARKER.is_match(l)).count();
    let has_blank_separators = lines.iter().any(|l| l.trim().is_empty());
    let short = text
        .iter()
        .filter(|l| l.chars().count() <= MAX_POST_CHARS)
        .count();
    let looks_like_thread = (text.len() >= 3 && marked * 3 >= text.len())
        || (!has_blank_separators && text.len() >= 3 && short * 10 >= text.len() * 9);
    if looks_like_thread {
        SourceKind::Thread
    } else if BLOG_SIGNS.is_match(raw) {
        SourceKind::Blog
    } else {
        SourceKind::Article
    }
}

fn detect_handle(raw: &str) -> Option<String> {
    HANDLE.captures(raw).map(|c| format!("@{}", &c["handle"]))
}

fn detect_thread_outlet(raw: &str) -> Option<String> {
    TWITTER.is_match(raw).then(|| "Twitter".to_owned())
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(
            (?P<iso>\d{4}-\d{2}-\d{2})
          | (?P<d1>\d{1,2})(st|nd|rd|th)?\ (?P<m1>january|february|march|april|may|june|july|august|september|october|november|december)\ (?P<y1>\d{4})
          | (?P<m2>january|february|march|april|may|june|july|august|september|october|november|december)\ (?P<d2>\d{1,2}),?\ (?P<y2>\d{4})
        )\b",
    )
    .unwrap()
});

/// A publication date in the first lines ("12 February 2021", "February 12, 2021", ISO).
fn detect_date(lines: &[&str]) -> Option<time::Date> {
    let head = lines
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    let captures = DATE.captures(&head)?;
    if let Some(iso) = captures.name("iso") {
        return time::Date::parse(
            iso.as_str(),
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok();
    }
    let (day, month, year) = match captures.name("d1") {
        Some(day) => (day, &captures["m1"], &captures["y1"]),
        None => (captures.name("d2")?, &captures["m2"], &captures["y2"]),
    };
    let month: time::Month = month.to_ascii_lowercase().parse().ok().or_else(|| {
        let index = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))?;
        time::Month::try_from(index as u8 + 1).ok()
    })?;
    time::Date::from_calendar_date(year.parse().ok()?, month, day.as_str().parse().ok()?).ok()
}

/// A title from the opening sentence of a document that has none.
fn title_from(body: &str) -> String {
    let first_line = body.lines().next().unwrap_or(body);
    let sentence_end = first_line
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '?' | '!') && first_line[i + c.len_utf8()..].starts_with(' ')
        })
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(first_line.len());
    truncate_words(first_line[..sentence_end].trim(), 120)
}

fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max_chars - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

// Threads ---------------------------------------------------------------------------------

/// A thread's posts. With numbering markers (`3/11`), a post runs until the line that ends
/// with its marker, and the thread ends at `N/N`, `N/END` or when the numbering starts
/// again (an appended thread). Without markers, each line is a post.
fn segment_thread(lines: &[&str]) -> Vec<Segment> {
    let text: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let numbered = text.iter().any(|l| POST_MARKER.is_match(l));
    if !numbered {
        return text
            .iter()
            .enumerate()
            .map(|(i, line)| unnumbered_post(i + 1, line.trim()))
            .collect();
    }
    let mut posts = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    let mut last_number = 0u32;
    for line in text {
        let Some(marker) = POST_MARKER.captures(line) else {
            pending.push(line.trim());
            continue;
        };
        let number: u32 = marker["n"].parse().unwrap_or(0);
        if number <= last_number {
            break; // numbering starts again: another thread was appended
        }
        last_number = number;
        let whole = marker.get(0).unwrap();
        let before = line[..whole.start()].trim();
        if !before.is_empty() {
            pending.push(before);
        }
        let of = marker.name("of").map(|m| m.as_str());
        let locator = match of {
            Some(of) => format!("{number}/{of}"),
            None => format!("{number}/"),
        };
        let anchor = match of {
            Some(of) => format!("s{number}-{}", of.to_ascii_lowercase()),
            None => format!("s{number}"),
        };
        if !pending.is_empty() {
            posts.push(Segment {
                kind: SegmentKind::Post,
                locator,
                anchor,
                body: pending.join("\n"),
            });
        }
        pending.clear();
        let is_last =
            of.is_some_and(|of| of.eq_ignore_ascii_case("end") || of.parse::<u32>() == Ok(number));
        if is_last {
            return posts;
        }
    }
    // Text after the last marker of an unfinished thread is its final, unnumbered post.
    if !pending.is_empty() {
        let position = posts.len() + 1;
        posts.push(unnumbered_post(position, &pending.join("\n")));
    }
    posts
}

fn unnumbered_post(position: usize, line: &str) -> Segment {
    if let Some(point) = NUMBERED_POINT.captures(line) {
        let n = &point["n"];
        let body = line[n.len() + 1..].trim_start().to_owned();
        return Segment {
            kind: SegmentKind::Post,
            locator: format!("{n}."),
            anchor: format!("n{n}"),
            body,
        };
    }
    Segment {
        kind: SegmentKind::Post,
        locator: format!("post {position}"),
        anchor: format!("post-{position}"),
        body: line.to_owned(),
    }
}

// Articles --------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Header {
    outlet: Option<String>,
    author: Option<String>,
}

/// Headings and header lines are short.
const MAX_HEADING_WORDS: usize = 8;
const MAX_TITLE_WORDS: usize = 25;

/// Splits off a page's header block (outlet, section, byline: short lines before the first
/// blank line) and its title (a short first paragraph that is not a sentence).
fn split_article_header<'a>(lines: &[&'a str]) -> (Header, Option<String>, Vec<Vec<&'a str>>) {
    let mut blocks = blocks(lines);
    let mut header = Header::default();
    let is_header_block = |block: &Vec<&str>| {
        block.len() >= 2
            && block
                .iter()
                .all(|l| word_count(l) <= MAX_HEADING_WORDS && !l.trim_end().ends_with('.'))
    };
    if blocks.first().is_some_and(is_header_block) {
        let block = blocks.remove(0);
        header = read_header(&block);
    }
    let mut title = None;
    if let Some(first) = blocks.first() {
        if first.len() == 1
            && word_count(first[0]) <= MAX_TITLE_WORDS
            && !first[0].trim_end().ends_with('.')
        {
            title = Some(first[0].trim().to_owned());
            blocks.remove(0);
        }
    }
    (header, title, blocks)
}

fn read_header(block: &[&str]) -> Header {
    let lines: Vec<&str> = block.iter().map(|l| l.trim()).collect();
    let repeated = lines.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
    let outlet = repeated
        .or_else(|| lines.iter().copied().find(|l| l.contains(" - ")))
        .map(|l| l.split(" - ").next().unwrap_or(l).trim().to_owned());
    let author = lines
        .iter()
        .rev()
        .filter(|l| Some(**l) != repeated && !l.contains(" - "))
        .find_map(|l| BYLINE.captures(l).map(|c| c["name"].to_owned()));
    Header { outlet, author }
}

fn blocks<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim());
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// Paragraphs (`¶1`, `¶2`...) and headings. A paragraph that stops mid-sentence, with its
/// end scraped into the next block, is joined back to it.
fn segment_article(blocks: &[Vec<&str>]) -> Vec<Segment> {
    let mut texts: Vec<String> = Vec::new();
    let mut open = false;
    for block in blocks {
        let text = block.join(" ");
        if open {
            let last = texts.last_mut().unwrap();
            last.push(' ');
            last.push_str(&text);
        } else {
            texts.push(text);
        }
        let last = texts.last().unwrap();
        open = word_count(last) > MAX_HEADING_WORDS
            && last.chars().last().is_some_and(char::is_alphanumeric);
    }
    let mut segments = Vec::new();
    let mut paragraph = 0;
    let mut used_anchors = std::collections::HashSet::new();
    for text in texts {
        if word_count(&text) <= MAX_HEADING_WORDS && !ends_sentence(&text) {
            let mut anchor = format!("h-{}", crate::slug::slugify(&text, 30));
            while !used_anchors.insert(anchor.clone()) {
                anchor.push_str("-2");
            }
            segments.push(Segment {
                kind: SegmentKind::Heading,
                locator: text.clone(),
                anchor,
                body: text,
            });
        } else {
            paragraph += 1;
            segments.push(Segment {
                kind: SegmentKind::Paragraph,
                locator: format!("¶{paragraph}"),
                anchor: format!("p{paragraph}"),
                body: text,
            });
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_thread_is_split_at_its_markers_and_ends_at_n_of_n() {
        let raw = "First point here 1/3\nSecond point 2/3\nThird 3/3\nYou can follow @someone.\nUnrelated 1/2";
        let parsed = parse(raw, None);
        assert_eq!(parsed.kind, SourceKind::Thread);
        let locators: Vec<_> = parsed.segments.iter().map(|s| s.locator.as_str()).collect();
        assert_eq!(locators, ["1/3", "2/3", "3/3"]);
        assert_eq!(parsed.segments[0].body, "First point here");
        assert_eq!(parsed.segments[0].anchor, "s1-3");
        assert_eq!(parsed.detected.handle.as_deref(), Some("@someone"));
    }

    #[test]
    fn a_post_runs_over_several_lines_until_its_marker() {
        let raw = "Opening 1/\nThe levers:\n- one\n- two\n2/\nClosing 3/END";
        let parsed = parse(raw, Some(SourceKind::Thread));
        assert_eq!(parsed.segments[1].locator, "2/");
        assert_eq!(parsed.segments[1].body, "The levers:\n- one\n- two");
        assert_eq!(parsed.segments[2].anchor, "s3-end");
    }

    #[test]
    fn a_restarted_numbering_marks_an_appended_thread() {
        let raw = "A 1/\nB 2/\nC 3/\nSomething else entirely 2/15\n";
        let parsed = parse(raw, Some(SourceKind::Thread));
        assert_eq!(parsed.segments.len(), 3);
    }

    #[test]
    fn an_unnumbered_thread_has_a_post_per_line_and_numbered_points() {
        let raw = "Intro to my tests.\n1. Will it work?\nMore on that.\n2. Will it last?";
        let parsed = parse(raw, None);
        assert_eq!(parsed.kind, SourceKind::Thread);
        let locators: Vec<_> = parsed.segments.iter().map(|s| s.locator.as_str()).collect();
        assert_eq!(locators, ["post 1", "1.", "post 3", "2."]);
        assert_eq!(parsed.segments[1].body, "Will it work?");
    }

    #[test]
    fn an_article_loses_its_header_caption_and_footer_and_keeps_headings() {
        let raw = "Get all your news in one place.\nOne app.\nThe Daily Paper - UK\nThe Daily Paper - UK\nPolitics\nJane Smith\n\n\
                   Is reform working?\n\nsome picture\nA caption here. Photograph: Someone\n\n\
                   The first paragraph is long enough to be a paragraph of prose, and it ends properly.\n\nPeople\n\n\
                   A second paragraph that was split by the scraper in the middle of its sentence, whereas\n\n\
                   this part finishes it.\n\nSign up to read this article\nRelated Stories\n";
        let parsed = parse(raw, None);
        assert_eq!(parsed.kind, SourceKind::Article);
        assert_eq!(parsed.detected.title.as_deref(), Some("Is reform working?"));
        assert_eq!(parsed.detected.outlet.as_deref(), Some("The Daily Paper"));
        assert_eq!(parsed.detected.author_name.as_deref(), Some("Jane Smith"));
        let locators: Vec<_> = parsed.segments.iter().map(|s| s.locator.as_str()).collect();
        assert_eq!(locators, ["¶1", "People", "¶2"]);
        assert!(
            parsed.segments[2]
                .body
                .ends_with("whereas this part finishes it.")
        );
    }

    #[test]
    fn dates_are_detected_in_the_opening_lines() {
        assert_eq!(
            detect_date(&["Posted on 12 February 2021"]),
            Some(time::macros::date!(2021 - 02 - 12))
        );
        assert_eq!(
            detect_date(&["March 3, 2015"]),
            Some(time::macros::date!(2015 - 03 - 03))
        );
        assert_eq!(
            detect_date(&["2012-03-27"]),
            Some(time::macros::date!(2012 - 03 - 27))
        );
        assert_eq!(detect_date(&["no date here"]), None);
    }

    #[test]
    fn long_lines_that_mention_boilerplate_words_are_prose() {
        let prose = "The report says patients who sign up to the new scheme, and the app it comes with, will find \
                     that their records follow them, which the authors argue is the point of the whole exercise and \
                     the reason it deserves support from clinicians.";
        assert!(!is_chrome_line(prose));
        assert!(is_chrome_line("Download the app"));
        assert!(is_chrome_line(
            "By continuing to use the site, you are consenting to the use of cookies."
        ));
    }
}
