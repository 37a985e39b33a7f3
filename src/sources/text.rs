//! Turning a raw scraped document into clean, located segments.
//!
//! Scraped pages carry site boilerplate: subscription prompts, cookie notices, "unroll"
//! adverts, share buttons, related-story lists, image captions, and for threads whole
//! unrelated threads appended after the end. The rules here are general (the vocabulary
//! of web boilerplate, the shape of headers, footers and thread numbering), not a list of
//! any particular file's lines.

use std::sync::LazyLock;

use regex::Regex;

use super::metadata;

crate::domain::vocabulary! {
    /// What kind of document a source is.
    pub enum SourceKind ("source kind") {
        Thread = "thread",
        Article = "article",
        Blog = "blog",
    }
}

crate::domain::vocabulary! {
    /// What a segment is: a post of a thread, a paragraph, or a heading.
    pub enum SegmentKind ("segment kind") {
        Post = "post",
        Paragraph = "paragraph",
        Heading = "heading",
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

#[derive(Debug, Clone)]
pub struct CleanedText {
    pub kind: SourceKind,
    /// What the text itself says about the document: its metadata lines, completed from
    /// its head, its prose and its speakers; import flags override it.
    pub detected: metadata::Metadata,
    pub segments: Vec<Segment>,
    /// How many non-blank lines of the raw text were dropped as boilerplate.
    pub dropped_lines: usize,
    /// How many lines were metadata (source URL, byline, dates, labels), now in `detected`.
    pub metadata_lines: usize,
}

/// The text with every line break as `\n`: Windows (`\r\n`), old Mac (`\r`) and Unicode
/// line and paragraph separators alike.
pub fn normalize_line_breaks(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace(
        ['\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{c}', '\u{b}'],
        "\n",
    )
}

/// Cleans and segments `raw`; `kind` overrides the detected kind.
pub fn parse(raw: &str, kind: Option<SourceKind>) -> CleanedText {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let normalized = normalize_line_breaks(raw);
    let all_lines: Vec<&str> = normalized.split('\n').map(str::trim_end).collect();
    let (lines, meta) = metadata::take(&all_lines, |line| {
        leading_mark(line).is_some() || trailing_mark(line).is_some()
    });
    let content_lines = strip_boilerplate(&lines);
    let numbering = Numbering::find(&content_lines);
    let kind = kind.unwrap_or_else(|| detect_kind(&normalized, &content_lines, numbering, &meta));
    let mut detected = meta;
    detected.handle = detected.handle.or_else(|| detect_handle(&normalized));
    // What the metadata lines did not say, the text may still: a date in its prose, an
    // outlet in a thread's links, an article's head and speakers, a first sentence.
    let fields = &mut detected.fields;
    fields.published = fields
        .published
        .or_else(|| metadata::find_date_in_prose(&head_text(&lines)));
    let segments = match kind {
        SourceKind::Thread => {
            if fields.outlet.is_none() {
                fields.outlet = detect_thread_outlet(&normalized, fields.url.as_deref());
            }
            segment_thread(&content_lines, numbering)
        }
        SourceKind::Article | SourceKind::Blog => {
            let (head, body) = read_article_head(&content_lines);
            fields.title = fields.title.take().or(head.title);
            fields.outlet = fields.outlet.take().or(head.outlet);
            fields.author = fields.author.take().or(head.author);
            let segments = segment_article(&paragraph_blocks(&body));
            if fields.author.is_none() {
                fields.author = detect_speaker(&segments);
            }
            segments
        }
    };
    if fields.title.is_none() {
        fields.title = segments
            .iter()
            .find(|s| s.kind != SegmentKind::Heading)
            .map(|s| title_from(&s.body));
    }
    let non_blank = |lines: &[&str]| lines.iter().filter(|l| !l.trim().is_empty()).count();
    CleanedText {
        kind,
        detected,
        segments,
        dropped_lines: non_blank(&lines) - non_blank(&content_lines),
        metadata_lines: non_blank(&all_lines) - non_blank(&lines),
    }
}

/// The opening lines, where a publication date written in words may be found.
fn head_text(lines: &[&str]) -> String {
    lines
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

// Boilerplate ----------------------------------------------------------------------------------

/// Lines after which a page has nothing of the document: footers, appended threads.
static FOOTER_START: LazyLock<Regex> = lazy_regex!(
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
          | read\ \d+\ tweets?$
          | -*\ ?ends\ ?-*$
          | notes?\ (to|for)\ editors?:?$ | editor'?s?’?\ notes?:?$
          | (for\ )?(further|more)\ information:?$
          | (media|press)\ (contacts?|enquiries|office):?$
          | like\ this:?$
        )"
);

/// Boilerplate that can appear anywhere: prompts, notices, buttons, captions.
static CRUFT_LINE: LazyLock<Regex> = lazy_regex!(
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
        )"
);

static APP: LazyLock<Regex> = lazy_regex!(r"(?i)\bapps?\b");

/// A caption's credit marks the line as a caption.
static CAPTION: LazyLock<Regex> =
    lazy_regex!(r"(?i)\b(photograph|photo|illustration|image|picture)(\ credit)?: \S");

/// Short lines only: a long line is prose even when it mentions a boilerplate word.
const MAX_BOILERPLATE_LINE_CHARS: usize = 220;
/// A "short app" line in a header ("One app.") is boilerplate when it is this short.
const MAX_BOILERPLATE_APP_WORDS: usize = 5;

fn is_boilerplate_line(line: &str) -> bool {
    let line = line.trim();
    if line.chars().count() > MAX_BOILERPLATE_LINE_CHARS {
        return false;
    }
    if !line.chars().any(char::is_alphanumeric) {
        return true; // "• • •", rules, stray emoji
    }
    CRUFT_LINE.is_match(line)
        || (word_count(line) <= MAX_BOILERPLATE_APP_WORDS && APP.is_match(line))
}

/// The lines of the document itself: footers cut off, boilerplate lines and image
/// captions (with the alt text scraped just before them) removed. Blank lines are kept:
/// they separate an article's paragraphs.
fn strip_boilerplate<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let end = lines
        .iter()
        .position(|line| {
            line.chars().count() <= MAX_BOILERPLATE_LINE_CHARS && FOOTER_START.is_match(line.trim())
        })
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = Vec::with_capacity(end);
    for (i, line) in lines[..end].iter().enumerate() {
        if is_boilerplate_line(line) && !line.trim().is_empty() {
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

static HANDLE: LazyLock<Regex> = lazy_regex!(r"(?i)\bfollow @(?P<handle>[A-Za-z0-9_]{1,15})\b");

/// The longest a post of a thread runs (Twitter's 280, with room for scraping noise).
const MAX_POST_CHARS: usize = 320;

static BLOG_SIGNS: LazyLock<Regex> =
    lazy_regex!(r"(?im)^posted (on|by)\b|\bthis blog\b|\bblog post\b");
static TWITTER: LazyLock<Regex> = lazy_regex!(
    r"(?i)\b(twitter|tweets?|twtextapp|threadreader)\b|https?://(www\.)?(twitter|x)\.com/"
);
/// What marks a text as written for social media: mentions, hashtags, the thread emoji.
static SOCIAL: LazyLock<Regex> =
    lazy_regex!(r"(?i)(^|\s)[@#][A-Za-z0-9_]{2,}|🧵|\bthread\b|\b(twitter|tweets?)\b");
/// "Jane Smith, director of policy at X, said:" opening a statement.
static ATTRIBUTION: LazyLock<Regex> = lazy_regex!(
    r"(?:^|,\s+|\.\s+)(?P<name>(?:(?:Dr|Prof|Professor|Sir|Dame|Lord|Lady|Baroness|Mr|Mrs|Ms|Cllr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})(?:,\s+[^,:]{2,150},)?\s+(?:said|says|commented|added|responded|warned|explained)\s*:\s*$"
);

fn detect_kind(
    raw: &str,
    lines: &[&str],
    numbering: Option<Numbering>,
    meta: &metadata::Metadata,
) -> SourceKind {
    let text: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let is_blog = meta
        .label
        .as_deref()
        .map_or(BLOG_SIGNS.is_match(raw), |label| {
            label.contains("blog") || label.contains("post")
        });
    let prose_kind = if is_blog {
        SourceKind::Blog
    } else {
        SourceKind::Article
    };
    if numbering.is_some_and(|n| n.marks_a_thread(text.len())) {
        return SourceKind::Thread;
    }
    let has_blank_separators = lines.iter().any(|l| l.trim().is_empty());
    let short = text
        .iter()
        .filter(|l| l.chars().count() <= MAX_POST_CHARS)
        .count();
    let post_per_line = !has_blank_separators && text.len() >= 3 && short * 10 >= text.len() * 9;
    if !post_per_line {
        return prose_kind;
    }
    // A page whose paragraphs are separated by single line breaks (a press statement)
    // looks like a thread with a post per line; what it says about itself tells them apart.
    let social = SOCIAL.is_match(raw)
        || meta.handle.is_some()
        || meta
            .fields
            .url
            .as_deref()
            .is_some_and(|u| TWITTER.is_match(u));
    let written_as_prose = meta.label.is_some()
        || meta.fields.title.is_some()
        || meta.fields.published.is_some()
        || meta.fields.author.is_some()
        || text.first().is_some_and(|first| is_title_line(first))
        || text.iter().take(4).any(|l| ATTRIBUTION.is_match(l.trim()));
    if written_as_prose && !social {
        prose_kind
    } else {
        SourceKind::Thread
    }
}

/// A short line that does not end a sentence: a title or heading.
fn is_title_line(line: &str) -> bool {
    let line = line.trim();
    let words = word_count(line);
    (1..=MAX_TITLE_WORDS).contains(&words)
        && !line.ends_with(['.', ':', ';', ',', '…'])
        && line.chars().next().is_some_and(|c| !c.is_lowercase())
}

fn detect_handle(raw: &str) -> Option<String> {
    HANDLE.captures(raw).map(|c| format!("@{}", &c["handle"]))
}

fn detect_thread_outlet(raw: &str, url: Option<&str>) -> Option<String> {
    (TWITTER.is_match(raw) || url.is_some_and(|u| TWITTER.is_match(u)))
        .then(|| "Twitter".to_owned())
}

/// The speaker a press statement quotes, when no byline names an author: "Responding to
/// X, Jane Smith, director of policy at Y, said:" in its opening paragraphs.
fn detect_speaker(segments: &[Segment]) -> Option<String> {
    segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Paragraph)
        .take(3)
        .find_map(|s| {
            let c = ATTRIBUTION.captures(s.body.trim())?;
            let name = c["name"].trim();
            metadata::is_person_name(name).then(|| name.to_owned())
        })
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

// Thread numbering ------------------------------------------------------------------------

/// How a thread writes its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `3/`, `3/11`, `3/END`, `[3/11]`
    Slash,
    /// `(3)`
    Paren,
    /// `3.` (only at the start of a post)
    Dot,
    /// `3)` (only at the start of a post)
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Leading,
    Trailing,
}

/// A post number found on a line, and the line's text without it.
#[derive(Debug, Clone, Copy)]
struct Mark<'a> {
    n: u32,
    of: Option<&'a str>,
    form: Form,
    text: &'a str,
}

impl Mark<'_> {
    fn locator(&self) -> String {
        match (self.form, self.of) {
            (Form::Slash, Some(of)) => format!("{}/{of}", self.n),
            (Form::Slash, None) => format!("{}/", self.n),
            (Form::Paren, _) => format!("({})", self.n),
            (Form::Dot, _) => format!("{}.", self.n),
            (Form::Close, _) => format!("{})", self.n),
        }
    }

    fn anchor(&self) -> String {
        match self.of {
            Some(of) => format!("s{}-{}", self.n, of.to_ascii_lowercase()),
            None => format!("s{}", self.n),
        }
    }

    /// `N/N` and `N/END` close a thread.
    fn is_last(&self) -> bool {
        self.of
            .is_some_and(|of| of.eq_ignore_ascii_case("end") || of.parse::<u32>() == Ok(self.n))
    }
}

/// `3/11`, `10/`, `15/END`, `1/16 (sorry)`, `[3/11]`, `(3)` at the end of a post.
static TRAILING_MARK: LazyLock<Regex> = lazy_regex!(
    r"(?i)(?:^|\s)(?:(?P<n>\d{1,3})/(?P<of>\d{1,3}|end)?(?:\s*\([^)]{0,20}\))?|\[(?P<bn>\d{1,3})(?:/(?P<bof>\d{1,3}|end))?\]|\((?P<pn>\d{1,3})\))\s*$"
);
/// `3/ `, `3/11 `, `[3/11] `, `(3) `, `3. `, `3) ` opening a post.
static LEADING_MARK: LazyLock<Regex> = lazy_regex!(
    r"(?i)^\s*(?:(?P<n>\d{1,3})/(?P<of>\d{1,3}|end)?|\[(?P<bn>\d{1,3})(?:/(?P<bof>\d{1,3}|end))?\]|\((?P<pn>\d{1,3})\)|(?P<dn>\d{1,3})\.|(?P<cn>\d{1,3})\))\s+(?P<text>\S.*)$"
);

fn mark_of<'a>(c: &regex::Captures<'a>, text: &'a str) -> Option<Mark<'a>> {
    let number = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (n, of, form) = if let Some(n) = number("n") {
        (n, c.name("of").map(|m| m.as_str()), Form::Slash)
    } else if let Some(n) = number("bn") {
        (n, c.name("bof").map(|m| m.as_str()), Form::Slash)
    } else if let Some(n) = number("pn") {
        (n, None, Form::Paren)
    } else if let Some(n) = number("dn") {
        (n, None, Form::Dot)
    } else {
        (number("cn")?, None, Form::Close)
    };
    (n > 0).then_some(Mark { n, of, form, text })
}

fn trailing_mark(line: &str) -> Option<Mark<'_>> {
    let c = TRAILING_MARK.captures(line)?;
    let text = line[..c.get(0)?.start()].trim();
    mark_of(&c, text)
}

fn leading_mark(line: &str) -> Option<Mark<'_>> {
    let c = LEADING_MARK.captures(line)?;
    let text = c.name("text")?.as_str().trim();
    mark_of(&c, text)
}

/// The numbering a thread uses: where its marks sit and their form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Numbering {
    place: Place,
    form: Form,
    /// Lines with a mark of this kind.
    marked: usize,
    /// Marks in increasing order before the numbering starts again.
    run: usize,
    /// The position among non-blank lines of the first mark.
    first: usize,
}

impl Numbering {
    fn mark(self, line: &str) -> Option<Mark<'_>> {
        let mark = match self.place {
            Place::Leading => leading_mark(line),
            Place::Trailing => trailing_mark(line),
        }?;
        (mark.form == self.form).then_some(mark)
    }

    /// The numbering most of the lines follow, if any.
    fn find(lines: &[&str]) -> Option<Numbering> {
        let text: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let mut best: Option<Numbering> = None;
        for place in [Place::Trailing, Place::Leading] {
            for form in [Form::Slash, Form::Paren, Form::Dot, Form::Close] {
                let mut candidate = Numbering {
                    place,
                    form,
                    marked: 0,
                    run: 0,
                    first: 0,
                };
                let mut last = 0;
                let mut running = true;
                for (i, line) in text.iter().enumerate() {
                    let Some(mark) = candidate.mark(line) else {
                        continue;
                    };
                    if candidate.marked == 0 {
                        candidate.first = i;
                    }
                    candidate.marked += 1;
                    if running && mark.n > last {
                        candidate.run += 1;
                        last = mark.n;
                    } else {
                        running = false;
                    }
                }
                if candidate.run > 0 && best.is_none_or(|b| candidate.run > b.run) {
                    best = Some(candidate);
                }
            }
        }
        best.filter(|n| n.usable(text.len()))
    }

    /// Whether a thread's posts can be split by these marks. `1.` and `1)` also number
    /// the points of a list, so they must number most of the lines, from the start.
    fn usable(self, lines: usize) -> bool {
        match self.form {
            Form::Slash => true,
            Form::Paren => self.run >= 2,
            Form::Dot | Form::Close => {
                self.place == Place::Leading
                    && self.run >= 3
                    && self.marked * 5 >= lines * 3
                    && self.first <= 1
            }
        }
    }

    /// Whether the marks are enough to call the document a thread.
    fn marks_a_thread(self, lines: usize) -> bool {
        lines >= 3 && self.run >= 2 && self.marked * 3 >= lines && self.usable(lines)
    }
}

// Threads ---------------------------------------------------------------------------------

/// `1. ` opening a numbered point of an unnumbered thread.
static NUMBERED_POINT: LazyLock<Regex> = lazy_regex!(r"^(?P<n>\d{1,2})\.\s+\S");

/// A thread's posts. With numbering, a post runs from its number to the next (numbers at
/// the start) or until the line that ends with its number (numbers at the end); the
/// thread ends at `N/N`, `N/END` or when the numbering starts again (an appended thread).
/// Without numbering, each line is a post.
fn segment_thread(lines: &[&str], numbering: Option<Numbering>) -> Vec<Segment> {
    let text: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    match numbering {
        None => text
            .iter()
            .enumerate()
            .map(|(i, line)| unnumbered_post(i + 1, line.trim()))
            .collect(),
        Some(numbering) if numbering.place == Place::Trailing => segment_trailing(&text, numbering),
        Some(numbering) => segment_leading(lines, numbering),
    }
}

fn numbered_post(mark: &Mark<'_>, body: String) -> Segment {
    Segment {
        kind: SegmentKind::Post,
        locator: mark.locator(),
        anchor: mark.anchor(),
        body,
    }
}

fn segment_trailing(text: &[&str], numbering: Numbering) -> Vec<Segment> {
    let mut posts = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    let mut last_number = 0u32;
    for line in text {
        let Some(mark) = numbering.mark(line) else {
            pending.push(line.trim());
            continue;
        };
        if mark.n <= last_number {
            break; // numbering starts again: another thread was appended
        }
        last_number = mark.n;
        if !mark.text.is_empty() {
            pending.push(mark.text);
        }
        if !pending.is_empty() {
            posts.push(numbered_post(&mark, pending.join("\n")));
        }
        pending.clear();
        if mark.is_last() {
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

fn segment_leading(lines: &[&str], numbering: Numbering) -> Vec<Segment> {
    let mut posts = Vec::new();
    let mut intro: Vec<&str> = Vec::new();
    let mut current: Option<(Mark<'_>, Vec<&str>)> = None;
    let mut last_number = 0u32;
    for line in lines {
        if line.trim().is_empty() {
            // The closing post (`N/N`) ends at the first blank line after it.
            if current.as_ref().is_some_and(|(mark, _)| mark.is_last()) {
                break;
            }
            continue;
        }
        match numbering.mark(line) {
            Some(mark) if mark.n <= last_number => break, // an appended thread
            Some(mark) => {
                last_number = mark.n;
                if let Some((done, body)) = current.replace((mark, vec![mark.text])) {
                    posts.push(numbered_post(&done, body.join("\n")));
                }
            }
            None => match &mut current {
                Some((_, body)) => body.push(line.trim()),
                None => intro.push(line.trim()),
            },
        }
    }
    if let Some((done, body)) = current {
        posts.push(numbered_post(&done, body.join("\n")));
    }
    let mut intro_posts: Vec<Segment> = intro
        .iter()
        .enumerate()
        .map(|(i, line)| unnumbered_post(i + 1, line))
        .collect();
    intro_posts.extend(posts);
    intro_posts
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

/// What an article's opening lines say: its title, and the outlet and byline around it.
#[derive(Debug, Default)]
struct Head {
    title: Option<String>,
    outlet: Option<String>,
    author: Option<String>,
}

/// A segment's locator is at most this long (a heading's is its text, shortened).
const MAX_LOCATOR_CHARS: usize = 40;
/// Headings and header lines are short.
const MAX_HEADING_WORDS: usize = 8;
const MAX_TITLE_WORDS: usize = 25;
/// An article's header runs at most this many lines before its prose.
const MAX_HEAD_LINES: usize = 10;

/// Splits off a page's header: the short lines before the first line of prose. The
/// longest of them that is not a sentence is the title; lines before it are the outlet
/// and section, a person's name is the byline. Lines after the title that are neither
/// stay in the text.
fn read_article_head<'a>(lines: &[&'a str]) -> (Head, Vec<&'a str>) {
    let mut head: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if head.len() == MAX_HEAD_LINES
            || metadata::is_prose(line)
            || word_count(line) > MAX_TITLE_WORDS
        {
            break;
        }
        head.push(i);
    }
    let text = |i: usize| lines[i].trim();
    let candidates: Vec<usize> = head
        .iter()
        .copied()
        .filter(|&i| is_title_line(text(i)) && !metadata::is_person_name(text(i)))
        .collect();
    // A site's name ("The Daily Paper - UK", often twice) and a section ("Health") are
    // not the title, unless nothing else can be.
    let site_like = |i: usize| {
        let line = text(i);
        word_count(line) <= 2
            || [" - ", " – ", " | "].iter().any(|sep| line.contains(sep))
            || head.iter().filter(|&&j| text(j) == line).count() > 1
    };
    let longest = |lines: &mut dyn Iterator<Item = usize>| {
        lines.max_by_key(|&i| (word_count(text(i)), std::cmp::Reverse(i)))
    };
    let Some(title_at) = longest(&mut candidates.iter().copied().filter(|&i| !site_like(i)))
        .or_else(|| longest(&mut candidates.iter().copied()))
    else {
        return (Head::default(), lines.to_vec());
    };
    let before: Vec<&str> = head
        .iter()
        .copied()
        .filter(|&i| i < title_at)
        .map(text)
        .collect();
    let repeated = before.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
    let author = head
        .iter()
        .copied()
        .filter(|&i| i != title_at)
        .map(text)
        .find(|l| metadata::is_person_name(l))
        .map(str::to_owned);
    let outlet = repeated
        .or_else(|| before.iter().copied().find(|l| l.contains(" - ")))
        .map(|l| l.split(" - ").next().unwrap_or(l).trim().to_owned())
        .or_else(|| {
            before
                .iter()
                .copied()
                .find(|l| word_count(l) <= 6 && !metadata::is_person_name(l))
                .map(str::to_owned)
        });
    // Everything up to the title goes; after it, only a byline.
    let body: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|&(i, line)| {
            i > title_at && !(head.contains(&i) && author.as_deref() == Some(line.trim()))
        })
        .map(|(_, line)| *line)
        .collect();
    let head = Head {
        title: Some(text(title_at).to_owned()),
        outlet,
        author,
    };
    (head, body)
}

/// The article's text as blocks of lines, one block a paragraph. Blank lines always
/// separate paragraphs; a single line break does too, unless the text is hard-wrapped
/// (most of its long lines break mid-sentence), as in e-mail or plain-text pages.
fn paragraph_blocks<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut pairs = 0;
    let mut wrapped = 0;
    for pair in lines.windows(2) {
        let (line, next) = (pair[0].trim(), pair[1].trim());
        if next.is_empty() || word_count(line) <= MAX_HEADING_WORDS {
            continue;
        }
        pairs += 1;
        if !ends_sentence(line) || next.chars().next().is_some_and(char::is_lowercase) {
            wrapped += 1;
        }
    }
    if pairs > 0 && wrapped * 2 >= pairs {
        return blocks(lines);
    }
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| vec![l])
        .collect()
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
            if anchor == "h-" {
                anchor.push_str("heading");
            }
            while !used_anchors.insert(anchor.clone()) {
                anchor.push_str("-2");
            }
            segments.push(Segment {
                kind: SegmentKind::Heading,
                locator: truncate_words(&text, MAX_LOCATOR_CHARS),
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

    /// How the document numbers its segments, in order.
    fn locators(parsed: &CleanedText) -> Vec<&str> {
        parsed.segments.iter().map(|s| s.locator.as_str()).collect()
    }

    #[test]
    fn a_numbered_thread_is_split_at_its_markers_and_ends_at_n_of_n() {
        let raw = "First point here 1/3\nSecond point 2/3\nThird 3/3\nYou can follow @someone.\nUnrelated 1/2";
        let parsed = parse(raw, None);
        assert_eq!(parsed.kind, SourceKind::Thread);
        assert_eq!(locators(&parsed), ["1/3", "2/3", "3/3"]);
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
        assert_eq!(locators(&parsed), ["post 1", "1.", "post 3", "2."]);
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
        assert_eq!(
            parsed.detected.fields.title.as_deref(),
            Some("Is reform working?")
        );
        assert_eq!(
            parsed.detected.fields.outlet.as_deref(),
            Some("The Daily Paper")
        );
        assert_eq!(parsed.detected.fields.author.as_deref(), Some("Jane Smith"));
        assert_eq!(locators(&parsed), ["¶1", "People", "¶2"]);
        assert!(
            parsed.segments[2]
                .body
                .ends_with("whereas this part finishes it.")
        );
    }

    #[test]
    fn dates_are_detected_in_the_opening_lines() {
        let published = |head: &str| {
            let raw = format!(
                "{head}\n\nThe reform will fail, because it ignores the lessons of every earlier reform."
            );
            parse(&raw, None).detected.fields.published
        };
        assert_eq!(
            published("Posted on 12 February 2021"),
            Some(time::macros::date!(2021 - 02 - 12))
        );
        assert_eq!(
            published("March 3, 2015"),
            Some(time::macros::date!(2015 - 03 - 03))
        );
        assert_eq!(
            published("2012-03-27"),
            Some(time::macros::date!(2012 - 03 - 27))
        );
        assert_eq!(published("no date here"), None);
    }

    #[test]
    fn long_lines_that_mention_boilerplate_words_are_prose() {
        let prose = "The report says patients who sign up to the new scheme, and the app it comes with, will find \
                     that their records follow them, which the authors argue is the point of the whole exercise and \
                     the reason it deserves support from clinicians.";
        assert!(!is_boilerplate_line(prose));
        assert!(is_boilerplate_line("Download the app"));
        assert!(is_boilerplate_line(
            "By continuing to use the site, you are consenting to the use of cookies."
        ));
    }
}
