//! A [`Note`] as a Word document (`.docx`, written with `docx-rs`): A4, headings and labels
//! kept with what follows, real bulleted lists, links clickable and printed in the closing
//! numbered list. Its text is the HTML note's text, paragraph for paragraph.

use docx_rs::{
    AbstractNumbering, Docx, Hyperlink, HyperlinkType, IndentLevel, Level, LevelJc, LevelText,
    NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Start, Style, StyleType, Table, TableCell, TableRow, VertAlignType,
};

use super::{Block, LINKS_HEADING, Note, Span};

const BULLETS: usize = 1;
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// 18 mm and 16 mm margins, as on the printed HTML.
const MARGIN_TOP: i32 = 1020;
const MARGIN_SIDE: i32 = 907;

fn runs(note: &Note, mut paragraph: Paragraph, spans: &[Span]) -> Paragraph {
    for span in spans {
        paragraph = match span {
            Span::Text(t) => paragraph.add_run(Run::new().add_text(t)),
            Span::Strong(t) => paragraph.add_run(Run::new().add_text(t).bold()),
            Span::Emphasis(t) => paragraph.add_run(Run::new().add_text(t).italic()),
            Span::Quote { text, .. } => paragraph.add_run(Run::new().add_text(format!("“{text}”"))),
            Span::Url(url) => paragraph.add_hyperlink(
                Hyperlink::new(url, HyperlinkType::External)
                    .add_run(Run::new().add_text(url).color("00598A")),
            ),
            Span::Link { text, number } => {
                let mut marker = Run::new().add_text(format!("[{number}]"));
                marker.run_property = marker.run_property.vert_align(VertAlignType::SuperScript);
                paragraph
                    .add_hyperlink(
                        Hyperlink::new(&note.links[number - 1], HyperlinkType::External)
                            .add_run(Run::new().add_text(text).color("00598A")),
                    )
                    .add_run(marker)
            }
        };
    }
    paragraph
}

fn heading_style(level: u8, size: usize) -> Style {
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .bold()
        .size(size)
        .outline_lvl(usize::from(level) - 1)
}

/// The note as the bytes of a `.docx` file.
pub fn write(note: &Note) -> Vec<u8> {
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_TOP)
                .left(MARGIN_SIDE)
                .right(MARGIN_SIDE),
        )
        .default_size(21)
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .add_style(heading_style(1, 34))
        .add_style(heading_style(2, 26))
        .add_style(heading_style(3, 22))
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("bullet"),
                    LevelText::new("•"),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(360),
                    Some(SpecialIndentType::Hanging(240)),
                    None,
                    None,
                ),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .created_at("2000-01-01T00:00:00Z")
        .updated_at("2000-01-01T00:00:00Z");
    for block in &note.blocks {
        match block {
            Block::Heading(level, spans) => {
                let p = Paragraph::new()
                    .style(&format!("Heading{level}"))
                    .keep_next(true)
                    .keep_lines(true);
                doc = doc.add_paragraph(runs(note, p, spans));
            }
            Block::Paragraph(spans) => doc = doc.add_paragraph(runs(note, Paragraph::new(), spans)),
            Block::Label(spans) => {
                doc = doc.add_paragraph(runs(note, Paragraph::new().keep_next(true), spans))
            }
            Block::List(items) => {
                for item in items {
                    let p = Paragraph::new()
                        .numbering(NumberingId::new(BULLETS), IndentLevel::new(0))
                        .keep_lines(true);
                    doc = doc.add_paragraph(runs(note, p, item));
                }
            }
            Block::Table { head, rows } => {
                let mut table_rows = vec![TableRow::new(
                    head.iter()
                        .map(|h| {
                            TableCell::new().add_paragraph(
                                Paragraph::new().add_run(Run::new().add_text(h).bold()),
                            )
                        })
                        .collect(),
                )];
                for row in rows {
                    table_rows.push(TableRow::new(
                        row.iter()
                            .map(|cell| {
                                TableCell::new().add_paragraph(runs(note, Paragraph::new(), cell))
                            })
                            .collect(),
                    ));
                }
                doc = doc.add_table(Table::new(table_rows));
            }
        }
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .style("Heading2")
            .keep_next(true)
            .add_run(Run::new().add_text(LINKS_HEADING)),
    );
    for item in note.link_items() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(item).size(18)));
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .expect("writing a .docx to memory cannot fail");
    bytes.into_inner()
}
