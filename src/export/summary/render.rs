//! A [`Note`] as Markdown and as a printable HTML page of its own (no site navigation).
//! Every link's target is also printed in the closing numbered list, so nothing is lost
//! on paper.

use std::fmt::Write;

use super::{Block, LINKS_HEADING, Note, Span, escape_markdown};
// XML escaping (with the characters XML cannot hold dropped) is valid HTML text and
// attribute content.
use crate::map_svg::escape_xml;

/// The two languages a note is written in; a span is written by [`Dialect::spans`], one
/// match arm a kind of span and dialect, so the two stay side by side.
#[derive(Clone, Copy)]
enum Dialect {
    Markdown,
    Html,
}

impl Dialect {
    fn escape(self, text: &str) -> String {
        match self {
            Dialect::Markdown => escape_markdown(text),
            Dialect::Html => escape_xml(text),
        }
    }

    /// `spans` written inline; a link's target is `note`'s numbered link.
    fn spans(self, note: &Note, spans: &[Span]) -> String {
        use Dialect::{Html, Markdown};
        let e = |text: &str| self.escape(text);
        let mut out = String::new();
        for span in spans {
            let _ = match (self, span) {
                (_, Span::Text(t)) => write!(out, "{}", e(t)),
                (Markdown, Span::Strong(t)) => write!(out, "**{}**", e(t)),
                (Html, Span::Strong(t)) => write!(out, "<strong>{}</strong>", e(t)),
                (Markdown, Span::Emphasis(t)) => write!(out, "*{}*", e(t)),
                (Html, Span::Emphasis(t)) => write!(out, "<em>{}</em>", e(t)),
                (Markdown, Span::Link { text, number }) => {
                    let url = &note.links[number - 1];
                    write!(out, "[{}]({url})\\[{number}\\]", e(text))
                }
                (Html, Span::Link { text, number }) => {
                    let url = e(&note.links[number - 1]);
                    let text = e(text);
                    write!(
                        out,
                        r#"<a href="{url}">{text}</a><sup class="ref">[{number}]</sup>"#
                    )
                }
                (Markdown, Span::Url(url)) => write!(out, "<{url}>"),
                (Html, Span::Url(url)) => {
                    let url = e(url);
                    write!(out, r#"<a class="url" href="{url}">{url}</a>"#)
                }
                (Markdown, Span::Quote { text, .. }) => write!(out, "“{}”", e(text)),
                (Html, Span::Quote { text, cite }) => {
                    write!(out, r#"“<q cite="{}">{}</q>”"#, e(cite), e(text))
                }
            };
        }
        out
    }

    /// The whole note: its blocks, then the numbered list of every link's target.
    fn note(self, note: &Note) -> String {
        let mut out = String::new();
        for block in &note.blocks {
            self.block(note, block, &mut out);
        }
        match self {
            Dialect::Markdown => {
                let _ = writeln!(out, "## {LINKS_HEADING}\n");
                for (i, url) in note.links.iter().enumerate() {
                    let _ = writeln!(out, "- \\[{}\\] <{url}>", i + 1);
                }
            }
            Dialect::Html => {
                let _ = writeln!(
                    out,
                    "<h2 class=\"links\">{LINKS_HEADING}</h2>\n<ul class=\"links\">"
                );
                for item in note.link_items() {
                    let _ = writeln!(out, "<li>{}</li>", escape_xml(&item));
                }
                out.push_str("</ul>\n");
            }
        }
        out
    }

    /// One block, written to `out`.
    fn block(self, note: &Note, block: &Block, out: &mut String) {
        use Dialect::{Html, Markdown};
        let spans = |spans: &[Span]| self.spans(note, spans);
        let _ = match (self, block) {
            (Markdown, Block::Heading(level, text)) => {
                let hashes = "#".repeat(usize::from(*level));
                writeln!(out, "{hashes} {}\n", spans(text))
            }
            (Html, Block::Heading(level, text)) => {
                writeln!(out, "<h{level}>{}</h{level}>", spans(text))
            }
            (Markdown, Block::Paragraph(text) | Block::Label(text)) => {
                writeln!(out, "{}\n", spans(text))
            }
            (Html, Block::Paragraph(text)) => writeln!(out, "<p>{}</p>", spans(text)),
            (Html, Block::Label(text)) => writeln!(out, r#"<p class="label">{}</p>"#, spans(text)),
            (Markdown, Block::List(items)) => {
                for item in items {
                    let _ = writeln!(out, "- {}", spans(item));
                }
                writeln!(out)
            }
            (Html, Block::List(items)) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", spans(item));
                }
                writeln!(out, "</ul>")
            }
            (Markdown, Block::Table { head, rows }) => {
                let head: Vec<String> = head.iter().map(|h| escape_markdown(h)).collect();
                let _ = writeln!(out, "| {} |", head.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| spans(c)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                writeln!(out)
            }
            (Html, Block::Table { head, rows }) => {
                out.push_str("<table>\n<thead><tr>");
                for cell in head {
                    let _ = write!(out, r#"<th scope="col">{}</th>"#, escape_xml(cell));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        let tag = if i == 0 { r#"th scope="row""# } else { "td" };
                        let _ = write!(out, "<{tag}>{}</{}>", spans(cell), &tag[..2]);
                    }
                    out.push_str("</tr>\n");
                }
                writeln!(out, "</tbody>\n</table>")
            }
        };
    }
}

/// The note in Markdown (CommonMark with a GitHub-style table).
pub fn markdown(note: &Note) -> String {
    Dialect::Markdown.note(note)
}

/// The note's body in HTML.
pub fn html_body(note: &Note) -> String {
    Dialect::Html.note(note)
}

#[derive(askama::Template)]
#[template(path = "summaries/debate.html")]
struct SummaryPage<'a> {
    title: &'a str,
    body: String,
}

/// The note as a printable HTML page of its own.
pub fn standalone_html(note: &Note) -> String {
    use askama::Template;
    SummaryPage {
        title: &note.title,
        body: html_body(note),
    }
    .render()
    .expect("the summary template renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_html_and_markdown_are_shown_not_run() {
        let note = Note {
            title: "t".into(),
            blocks: vec![Block::Paragraph(vec![
                Span::Text("<script>alert(1)</script> *bold* [x](y)".into()),
                Span::Quote {
                    text: "<img src=x onerror=alert(1)>".into(),
                    cite: "\"><b>".into(),
                },
            ])],
            links: vec![],
        };
        let html = html_body(&note);
        assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>"));
        let md = markdown(&note);
        let rendered = {
            let mut out = String::new();
            pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(&md));
            out
        };
        assert!(
            !rendered.contains("<em>") && !rendered.contains("<a "),
            "{rendered}"
        );
    }
}
