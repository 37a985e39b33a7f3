//! The debate summary: a briefing note a civil servant, an analyst or a journalist can hand
//! on unedited. One model ([`Note`]) is built from the map by the rules in [`rules`] (and
//! documented in `docs/summary.md`), then rendered as Markdown, HTML ([`render`]) or DOCX
//! ([`docx`]), so the three say the same thing. The map it is built from is the debate's
//! part of it ([`load`]).
//!
//! The default note is short (at most [`WORD_LIMIT`] words, two A4 pages): the bottom line,
//! the heaviest proposals in detail, the tensions that recur across debates, the sources
//! and the links. The full note ([`Detail::Full`]) adds an annex with every proposal.

pub mod docx;
pub mod load;
pub mod render;
pub mod rules;

use std::str::FromStr;

use super::model::MapDocument;

/// The most words a default note holds (about two A4 pages).
pub const WORD_LIMIT: usize = 900;

/// How much a note says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Detail {
    /// The two-page note: proposals in detail while they fit in [`WORD_LIMIT`] words.
    #[default]
    Short,
    /// Every proposal, every claim that bears on it directly, and what is left unresolved.
    Full,
}

impl FromStr for Detail {
    type Err = String;
    /// The level by its name on the command line (`short`, `full`), which URLs use too.
    fn from_str(text: &str) -> Result<Self, String> {
        <Self as clap::ValueEnum>::from_str(text, false)
            .map_err(|_| format!("{text:?} is not a detail level: short or full"))
    }
}

/// The file a note is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoteFormat {
    Md,
    Html,
    Docx,
}

impl NoteFormat {
    pub const ALL: [NoteFormat; 3] = [NoteFormat::Md, NoteFormat::Html, NoteFormat::Docx];

    pub fn extension(self) -> &'static str {
        match self {
            NoteFormat::Md => "md",
            NoteFormat::Html => "html",
            NoteFormat::Docx => "docx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            NoteFormat::Md => "text/markdown; charset=utf-8",
            NoteFormat::Html => "text/html; charset=utf-8",
            NoteFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The note in this format.
    pub fn write(self, note: &Note) -> Vec<u8> {
        match self {
            NoteFormat::Md => render::markdown(note).into_bytes(),
            NoteFormat::Html => render::standalone_html(note).into_bytes(),
            NoteFormat::Docx => docx::write(note),
        }
    }
}

/// What a note is built with besides the map.
#[derive(Debug, Clone)]
pub struct Options {
    /// The public address of the site, without a trailing slash: every link starts with it.
    pub base: String,
    pub today: time::Date,
    pub detail: Detail,
}

/// A briefing note: blocks of text, and the targets of its links, numbered so that they
/// can be printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub title: String,
    pub blocks: Vec<Block>,
    /// The targets of the [`Span::Link`]s: link `n` points at `links[n - 1]`.
    pub links: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 (the title) to 3.
    Heading(u8, Vec<Span>),
    Paragraph(Vec<Span>),
    /// A short paragraph that introduces the block after it (kept on the same page).
    Label(Vec<Span>),
    List(Vec<Vec<Span>>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Vec<Span>>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    Strong(String),
    Emphasis(String),
    /// A link whose target is printed in the note's numbered list of links.
    Link {
        text: String,
        number: usize,
    },
    /// An address shown as itself.
    Url(String),
    /// Words quoted verbatim from a source, with the address of their passage.
    Quote {
        text: String,
        cite: String,
    },
}

impl Span {
    /// The words a reader sees (the same in every format).
    pub fn text(&self) -> String {
        match self {
            Span::Text(t) | Span::Strong(t) | Span::Emphasis(t) | Span::Url(t) => t.clone(),
            Span::Link { text, number } => format!("{text}[{number}]"),
            Span::Quote { text, .. } => format!("“{text}”"),
        }
    }
}

/// The heading of the numbered list of link targets closing every note.
pub const LINKS_HEADING: &str = "Links";

impl Note {
    /// The note's text, one line per paragraph, list item or table cell.
    pub fn plain_text(&self) -> String {
        let line = |spans: &[Span]| spans.iter().map(Span::text).collect::<String>();
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Heading(_, spans) | Block::Paragraph(spans) | Block::Label(spans) => {
                    out.push(line(spans))
                }
                Block::List(items) => out.extend(items.iter().map(|i| line(i))),
                Block::Table { head, rows } => {
                    out.extend(head.iter().cloned());
                    for row in rows {
                        out.extend(row.iter().map(|c| line(c)));
                    }
                }
            }
        }
        out.push(LINKS_HEADING.to_owned());
        out.extend(self.link_items());
        out.join("\n")
    }

    /// The printed list of link targets: "[n] address".
    pub fn link_items(&self) -> Vec<String> {
        self.links
            .iter()
            .enumerate()
            .map(|(i, url)| format!("[{}] {url}", i + 1))
            .collect()
    }

    pub fn word_count(&self) -> usize {
        self.plain_text().split_whitespace().count()
    }
}

/// The note on debate `slug`, from a document of the whole map (so that tensions recurring
/// in other debates can be named); None when no such debate exists.
pub fn note(all: &MapDocument, slug: &str, options: &Options) -> Option<Note> {
    rules::build(all, slug, options)
}

/// Escapes text for Markdown, so that what people wrote is shown as written and never
/// read as markup (or, rendered, as HTML).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}
