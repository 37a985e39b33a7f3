//! Lines of a scraped page that describe the document rather than belong to it: where it
//! came from (`Source: https://…`), who wrote it (`By Jane Smith`, `Jane Smith @handle`),
//! when (`Published: 20/02/2020`, `Posted on 3 March 2021`), what it is (`Blog post`,
//! `Press release`) and how long it takes to read. They become the source's fields, not
//! its text.
//!
//! Dates in the `d/m/y` and `m/d/y` orders are told apart where a part is over 12;
//! otherwise the day comes first, as in British usage (the corpus is about the NHS).

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month};

/// The fields that describe a document besides its text, each where known. An importer
/// gives them ([`crate::sources::SourceInput`]) and the text's metadata lines say them
/// ([`Metadata`]); what the importer gives wins. Once settled for storing
/// ([`crate::sources::Prepared`]) the title is a `String`: every source has one, and a
/// stored source reads back with them ([`crate::sources::read::Source`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(description = "A source's title, author, outlet, URL and publication date.")]
pub struct SourceFields<Title = Option<String>> {
    pub title: Title,
    pub author: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// YYYY-MM-DD.
    #[schema(value_type = Option<String>)]
    pub published: Option<Date>,
}

/// What metadata lines say about the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub fields: SourceFields,
    /// The author's handle (`@someone`), the author's name when no other is given.
    pub handle: Option<String>,
    /// A later "Updated:" date, used when no publication date is given.
    pub updated: Option<Date>,
    /// The page's content-type label, lowercased ("blog post", "press release").
    pub label: Option<String>,
}

/// What one part of a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Url(String),
    Author(String),
    AuthorHandle(Option<String>, String),
    Published(Date),
    Updated(Date),
    Label(String),
    Outlet(String),
    Title(String),
    /// Metadata with nothing worth keeping: reading time, tags, categories.
    Noise,
}

/// Lines longer than this are prose, whatever they start with.
const MAX_METADATA_WORDS: usize = 16;

static LABELLED_URL: LazyLock<Regex> = lazy_regex!(
    r"(?ix)^(?:(?:source|url|link|original(?:\ url)?|permalink|canonical(?:\ url)?|web\ ?page|retrieved\ from|archived\ from)\s*[:\-–—]\s*)
           <?(?P<url>https?://[^\s<>]+?)>?\.?$"
);
static BARE_URL: LazyLock<Regex> = lazy_regex!(r"^<?(?P<url>https?://[^\s<>]+?)>?$");
static BYLINE: LazyLock<Regex> =
    lazy_regex!(r"(?i)^(?:by|written by|words by|posted by|authors?\s*:)\s*:?\s+(?P<rest>\S.*)$");
static NAME_WITH_HANDLE: LazyLock<Regex> = lazy_regex!(
    r"^(?:(?i:thread by)\s+)?(?P<name>[^@()]{2,60}?)?\s*\(?@(?P<handle>[A-Za-z0-9_]{1,15})\)?$"
);
static DATED: LazyLock<Regex> = lazy_regex!(
    r"(?ix)^(?P<label>(?:first\ )?published|posted|date|dated|released|issued|(?:last\ )?updated|(?:last\ )?modified)
           (?:\ (?:on|at))?\s*[:\-–—]?\s*(?P<date>.+)$"
);
static LABEL: LazyLock<Regex> = lazy_regex!(
    r"(?ix)^(?P<label>
            blog(?:\ post)? | guest\ (?:post|blog) | press\ release | news\ release | media\ release
          | (?:press\ |media\ |joint\ )?statement | news(?:\ story|\ item|\ article)? | opinion | comment(?:ary)?
          | analysis | article | long\ read | briefing | explainer | feature | editorial | op-?ed
          | viewpoint | insight | perspective | letter | interview | essay | report | research
        )\s*:?$"
);
static OUTLET: LazyLock<Regex> = lazy_regex!(
    r"(?i)^(?:outlet|publisher|publication|published by|site|organi[sz]ation)\s*:\s*(?P<v>\S.*)$"
);
static TITLE: LazyLock<Regex> = lazy_regex!(r"(?i)^(?:title|headline)\s*:\s*(?P<v>\S.*)$");
static NOISE: LazyLock<Regex> = lazy_regex!(
    r"(?ix)^(?:
            \d{1,3}\s*(?:-|\ )?\s*min(?:ute)?s?(?:\ read|\ reading(?:\ time)?)?
          | (?:reading\ time|read\ time)\s*:?\s*\d{1,3}\s*min(?:ute)?s?
          | (?:tags?|categor(?:y|ies)|filed\ under|topics?|keywords|section)\s*:.*
        )$"
);

/// Words that make a capitalised phrase a body, not a person ("Health Policy Review").
static ORGANISATION_WORD: LazyLock<Regex> = lazy_regex!(
    r"(?ix)\b(?:review|trust|fund|institute|foundation|centre|center|times|journal|post|news|blog
          |nhs|health|policy|society|association|college|colleges|council|department|group|network
          |partnership|confederation|providers|guardian|telegraph|independent|observer|monitor
          |magazine|daily|weekly|press|media|uk|england|britain|government|office|agency|service
          |services|commission|committee|board|team|staff|admin|editor|editors|desk|unit|care
          |hospital|university|school|party|union|federation|alliance|forum|tank|ltd|limited|plc|inc)\b"
);
/// A person's name as a byline gives it: two to four capitalised words, an honorific or
/// initials allowed, two names joined by "and".
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    let name = r"(?:(?:Dr|Prof|Professor|Sir|Dame|Lord|Lady|Baroness|Mr|Mrs|Ms|Miss|Cllr|Rt Hon)\.?\s+)?(?:[A-Z][\w'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][\w'’-]+|[A-Z]\.|van|von|de|da|del|der|le|la|du)){1,3}";
    Regex::new(&format!(r"^(?P<names>{name}(?:\s*(?:,|and|&)\s*{name})*)$")).unwrap()
});

/// Whether `text` reads as one or more people's names (not an organisation's).
pub fn is_person_name(text: &str) -> bool {
    PERSON.is_match(text.trim()) && !ORGANISATION_WORD.is_match(text)
}

/// A byline's names without the role after them: "Jane Smith, senior fellow" → "Jane Smith".
fn byline_names(rest: &str) -> Option<String> {
    let rest = rest.trim().trim_end_matches(['.', ',']);
    if is_person_name(rest) {
        return Some(rest.to_owned());
    }
    // "Jane Smith, senior fellow at X" / "Jane Smith - senior fellow" / "Jane Smith on 3 May"
    let cut = [",", " - ", " – ", " — ", " (", " on "]
        .iter()
        .filter_map(|sep| rest.find(sep))
        .min()?;
    let name = rest[..cut].trim();
    is_person_name(name).then(|| name.to_owned())
}

fn classify(part: &str, in_head: bool) -> Option<Field> {
    let part = part.trim();
    if part.is_empty() || part.split_whitespace().count() > MAX_METADATA_WORDS {
        return None;
    }
    if let Some(c) = LABELLED_URL.captures(part) {
        return Some(Field::Url(c["url"].to_owned()));
    }
    if !in_head {
        return None;
    }
    if let Some(c) = BARE_URL.captures(part) {
        return Some(Field::Url(c["url"].to_owned()));
    }
    if let Some(c) = TITLE.captures(part) {
        return Some(Field::Title(c["v"].trim().to_owned()));
    }
    if let Some(c) = OUTLET.captures(part) {
        return Some(Field::Outlet(c["v"].trim().to_owned()));
    }
    if NOISE.is_match(part) {
        return Some(Field::Noise);
    }
    if let Some(c) = LABEL.captures(part) {
        return Some(Field::Label(c["label"].to_lowercase()));
    }
    if let Some(c) = DATED.captures(part) {
        let date = parse_date(&c["date"])?;
        let updated = c["label"].to_ascii_lowercase().contains("updated")
            || c["label"].to_ascii_lowercase().contains("modified");
        return Some(if updated {
            Field::Updated(date)
        } else {
            Field::Published(date)
        });
    }
    if let Some(date) = parse_date(part) {
        return Some(Field::Published(date));
    }
    if let Some(c) = BYLINE.captures(part) {
        let rest = &c["rest"];
        if let Some(c) = NAME_WITH_HANDLE.captures(rest) {
            let name = c.name("name").map(|n| n.as_str().trim().to_owned());
            if name.as_deref().is_none_or(is_person_name) {
                return Some(Field::AuthorHandle(name, format!("@{}", &c["handle"])));
            }
        }
        return byline_names(rest).map(Field::Author);
    }
    if let Some(c) = NAME_WITH_HANDLE.captures(part) {
        let name = c.name("name").map(|n| n.as_str().trim().to_owned());
        if name.as_deref().is_none_or(is_person_name) {
            return Some(Field::AuthorHandle(name, format!("@{}", &c["handle"])));
        }
    }
    None
}

/// The fields of a whole line, when every part of it (split at `|` or `·`) is metadata.
fn classify_line(line: &str, in_head: bool) -> Option<Vec<Field>> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    if let Some(field) = classify(line, in_head) {
        return Some(vec![field]);
    }
    if !in_head {
        return None;
    }
    let parts: Vec<&str> = line
        .split(['|', '·'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    parts.iter().map(|p| classify(p, true)).collect()
}

/// The longest run of opening lines searched for metadata.
const MAX_HEAD_LINES: usize = 15;

/// Whether a line is the document's prose (which ends the header).
pub fn is_prose(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    words > 25
        || (words >= 3 && line.ends_with(':'))
        || (words >= 8 && line.ends_with(['.', '!', '"', '”', '’', ')']))
}

/// Takes the metadata lines out of `lines`: any in the header (the opening lines before
/// the first line of prose), and labelled source URLs anywhere. Returns the remaining
/// lines and what the removed ones said.
pub fn take<'a>(lines: &[&'a str], ends_head: impl Fn(&str) -> bool) -> (Vec<&'a str>, Metadata) {
    let mut meta = Metadata::default();
    let mut kept = Vec::with_capacity(lines.len());
    let mut in_head = true;
    let mut head_seen = 0;
    for line in lines {
        if in_head && !line.trim().is_empty() {
            head_seen += 1;
            if head_seen > MAX_HEAD_LINES {
                in_head = false;
            }
        }
        let fields = classify_line(line, in_head);
        match fields {
            Some(fields) => {
                for field in fields {
                    meta.record(field);
                }
            }
            None => {
                if in_head && (is_prose(line) || ends_head(line)) {
                    in_head = false;
                }
                kept.push(*line);
            }
        }
    }
    if meta.fields.published.is_none() {
        meta.fields.published = meta.updated;
    }
    (kept, meta)
}

impl Metadata {
    fn record(&mut self, field: Field) {
        match field {
            Field::Url(url) => {
                self.fields.url.get_or_insert(url);
            }
            Field::Author(name) => {
                self.fields.author.get_or_insert(name);
            }
            Field::AuthorHandle(name, handle) => {
                if let Some(name) = name {
                    self.fields.author.get_or_insert(name);
                }
                self.handle.get_or_insert(handle);
            }
            Field::Published(date) => {
                self.fields.published.get_or_insert(date);
            }
            Field::Updated(date) => {
                self.updated.get_or_insert(date);
            }
            Field::Label(label) => {
                self.label.get_or_insert(label);
            }
            Field::Outlet(outlet) => {
                self.fields.outlet.get_or_insert(outlet);
            }
            Field::Title(title) => {
                self.fields.title.get_or_insert(title);
            }
            Field::Noise => {}
        }
    }
}

// Dates -----------------------------------------------------------------------------------

const MONTHS: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

static DATE_FORMS: LazyLock<Regex> = lazy_regex!(&format!(
    r"(?ix)
        (?P<iso>(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}}))(?:T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<num>(?P<na>\d{{1,2}})[/.-](?P<nb>\d{{1,2}})[/.-](?P<ny>\d{{4}}|\d{{2}}))
      | (?P<dmy>(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\ of)?[\s-]+(?P<m1>{MONTHS})\.?,?[\s-]+(?P<y1>\d{{4}}))
      | (?P<mdy>(?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}}))
    "
));
/// What may surround a date on a date line: a weekday before, a time and zone after.
static AROUND_DATE: LazyLock<Regex> = lazy_regex!(
    r"(?ix)^[\s,]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)?[\s,]*$
          | ^[\s,.]*(?:(?:at\s+|-\s+|–\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\s*(?:gmt|bst|utc|cet|est|[+-]\d{2}:?\d{2})?)?[\s,.]*$"
);

fn month_number(name: &str) -> Option<Month> {
    let prefix: String = name.to_ascii_lowercase().chars().take(3).collect();
    let index = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == prefix)?;
    Month::try_from(index as u8 + 1).ok()
}

fn full_year(year: &str) -> Option<i32> {
    let value: i32 = year.parse().ok()?;
    Some(if year.len() == 2 { 2000 + value } else { value })
}

/// A date written on its own ("20/02/2020", "Thursday 20 February 2020, 09.00 GMT",
/// "Feb 20, 2020", "2020-02-20"); `None` when the text is anything more.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let c = DATE_FORMS.captures(text)?;
    let whole = c.get(0)?;
    if !AROUND_DATE.is_match(&text[..whole.start()]) || !AROUND_DATE.is_match(&text[whole.end()..])
    {
        return None;
    }
    date_of(&c)
}

/// The first date written anywhere in `text`, in words or ISO form (numeric forms like
/// `3/4/21` are too often something else inside prose).
pub fn find_date_in_prose(text: &str) -> Option<Date> {
    DATE_FORMS
        .captures_iter(text)
        .filter(|c| c.name("num").is_none())
        .find_map(|c| date_of(&c))
}

fn date_of(c: &regex::Captures<'_>) -> Option<Date> {
    let (year, month, day) = if c.name("iso").is_some() {
        let month: u8 = c["im"].parse().ok()?;
        (
            full_year(&c["iy"])?,
            Month::try_from(month).ok()?,
            c["id"].parse().ok()?,
        )
    } else if c.name("num").is_some() {
        let a: u8 = c["na"].parse().ok()?;
        let b: u8 = c["nb"].parse().ok()?;
        // Day first unless that cannot be: 02/20/2020 is February the 20th.
        let (day, month) = if b > 12 && a <= 12 { (b, a) } else { (a, b) };
        (full_year(&c["ny"])?, Month::try_from(month).ok()?, day)
    } else if c.name("dmy").is_some() {
        (
            full_year(&c["y1"])?,
            month_number(&c["m1"])?,
            c["d1"].parse().ok()?,
        )
    } else {
        (
            full_year(&c["y2"])?,
            month_number(&c["m2"])?,
            c["d2"].parse().ok()?,
        )
    };
    if !(1900..=2200).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_read_in_the_common_forms() {
        let cases = [
            ("20/02/2020", date!(2020 - 02 - 20)),
            ("02/20/2020", date!(2020 - 02 - 20)),
            ("03/04/2021", date!(2021 - 04 - 03)),
            ("20.02.2020", date!(2020 - 02 - 20)),
            ("20-02-20", date!(2020 - 02 - 20)),
            ("2020-02-20", date!(2020 - 02 - 20)),
            ("2020-02-20T09:30:00Z", date!(2020 - 02 - 20)),
            ("20 February 2020", date!(2020 - 02 - 20)),
            ("20th Feb 2020", date!(2020 - 02 - 20)),
            ("Thursday 20 February 2020 09.00 GMT", date!(2020 - 02 - 20)),
            ("Thu, 20 Feb. 2020", date!(2020 - 02 - 20)),
            ("February 20, 2020", date!(2020 - 02 - 20)),
            ("Sept 3rd, 2015", date!(2015 - 09 - 03)),
            ("20-Feb-2020", date!(2020 - 02 - 20)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_date(text), Some(expected), "{text}");
        }
        for text in ["31/02/2020", "the 20 February 2020 meeting", "1/11", "2020"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[track_caller]
    fn fields(line: &str) -> Option<Vec<Field>> {
        classify_line(line, true)
    }

    #[test]
    fn header_lines_are_recognised_as_metadata() {
        use Field::{Author, AuthorHandle, Label, Noise, Published, Updated, Url};
        let text = |s: &str| s.to_owned();
        for (line, expected) in [
            (
                "Source: https://example.org/a/b",
                vec![Url(text("https://example.org/a/b"))],
            ),
            (
                "Published: 20/02/2020",
                vec![Published(date!(2020 - 02 - 20))],
            ),
            (
                "Posted on March 3, 2015",
                vec![Published(date!(2015 - 03 - 03))],
            ),
            (
                "Last updated: 4 March 2015",
                vec![Updated(date!(2015 - 03 - 04))],
            ),
            (
                "By Jane Smith, senior fellow",
                vec![Author(text("Jane Smith"))],
            ),
            (
                "By Dr Helen Marsh and Tom O’Neill",
                vec![Author(text("Dr Helen Marsh and Tom O’Neill"))],
            ),
            (
                "Jane Smith @jsmith_nhs",
                vec![AuthorHandle(Some(text("Jane Smith")), text("@jsmith_nhs"))],
            ),
            ("Blog post", vec![Label(text("blog post"))]),
            ("Press release", vec![Label(text("press release"))]),
            ("5 min read", vec![Noise]),
            (
                "By Jane Smith | 20 February 2020 | Opinion",
                vec![
                    Author(text("Jane Smith")),
                    Published(date!(2020 - 02 - 20)),
                    Label(text("opinion")),
                ],
            ),
        ] {
            assert_eq!(fields(line), Some(expected), "{line}");
        }
    }

    #[test]
    fn prose_and_organisations_are_not_bylines() {
        assert_eq!(
            fields("By the end of the decade the NHS will need more staff."),
            None
        );
        assert_eq!(fields("By Health Policy Review"), None);
        assert_eq!(fields("Who will answer for integrated care?"), None);
        assert_eq!(fields("Comments are closed"), None);
        assert!(!is_person_name("Health Policy Review"));
        assert!(is_person_name("Bob Hudson"));
    }

    #[test]
    fn only_labelled_urls_are_taken_outside_the_header() {
        assert_eq!(
            classify_line("Source: https://example.org/x", false),
            Some(vec![Field::Url("https://example.org/x".into())])
        );
        assert_eq!(classify_line("https://example.org/x", false), None);
        assert_eq!(classify_line("Blog post", false), None);
    }
}
