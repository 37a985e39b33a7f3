//! Exports: the map (or a debate's or proposal's part of it) in argmap's own JSON and in
//! the formats other argument-mapping tools read, all written from one export model; the
//! debate summary; and the full dump and restore.

pub mod aif;
pub mod argdown;
pub mod dot;
pub mod dump;
pub mod iccma;
pub mod import;
pub mod kialo;
pub mod model;
pub mod routes;
pub mod stream;
pub mod summary;
pub mod svg;
pub mod table;

use std::str::FromStr;

pub use model::{MapDocument, Scope, load, load_with};

/// A map export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Argdown,
    Aif,
    Dot,
    Svg,
    Kialo,
    Iccma,
    Csv,
    /// The relations, as CSV beside the claims' CSV.
    CsvRelations,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Json,
        Format::Argdown,
        Format::Aif,
        Format::Dot,
        Format::Svg,
        Format::Kialo,
        Format::Iccma,
        Format::Csv,
        Format::CsvRelations,
    ];

    /// The file extension, as used in export URLs (`/debates/{slug}/map.{extension}`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Argdown => "argdown",
            Format::Aif => "aif.json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Kialo => "kialo.txt",
            Format::Iccma => "i23",
            Format::Csv => "csv",
            Format::CsvRelations => "relations.csv",
        }
    }

    /// The name in a list of export links.
    pub fn short_name(self) -> &'static str {
        match self {
            Format::Json => "argmap JSON",
            Format::Argdown => "Argdown",
            Format::Aif => "AIF",
            Format::Dot => "Graphviz DOT",
            Format::Svg => "SVG",
            Format::Kialo => "Kialo",
            Format::Iccma => "ICCMA",
            Format::Csv => "CSV of claims",
            Format::CsvRelations => "CSV of relations",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "argmap JSON",
            Format::Argdown => "Argdown",
            Format::Aif => "AIF (AIFdb JSON)",
            Format::Dot => "Graphviz DOT",
            Format::Svg => "SVG map",
            Format::Kialo => "Kialo text",
            Format::Iccma => "ICCMA i23",
            Format::Csv => "CSV",
            Format::CsvRelations => "CSV of relations",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json | Format::Aif => "application/json",
            Format::Argdown | Format::Kialo | Format::Iccma => "text/plain; charset=utf-8",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::Svg => "image/svg+xml; charset=utf-8",
            Format::Csv | Format::CsvRelations => "text/csv; charset=utf-8",
        }
    }

    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// Writes `doc` in this format; `base` (the site's address, `https://argmap.example`)
    /// makes the links of the CSV files absolute.
    pub fn write(self, doc: &MapDocument, base: &str) -> String {
        let base = base.trim_end_matches('/');
        match self {
            Format::Json => serde_json::to_string_pretty(doc).expect("the model serialises") + "\n",
            Format::Argdown => argdown::write(doc),
            Format::Aif => {
                let now = time::OffsetDateTime::now_utc();
                let format = time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                );
                let stamp = now.format(&format).expect("a valid format");
                serde_json::to_string_pretty(&aif::build(doc, &stamp)).expect("AIF serialises")
                    + "\n"
            }
            Format::Dot => dot::write(doc),
            Format::Svg => svg::write(doc),
            Format::Kialo => kialo::write(doc),
            Format::Iccma => iccma::write(doc),
            Format::Csv => table::write(doc, base).expect("writing CSV to memory cannot fail"),
            Format::CsvRelations => {
                table::write_relations(doc, base).expect("writing CSV to memory cannot fail")
            }
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "json" => Ok(Format::Json),
            "argdown" => Ok(Format::Argdown),
            "aif" => Ok(Format::Aif),
            "dot" => Ok(Format::Dot),
            "svg" => Ok(Format::Svg),
            "kialo" => Ok(Format::Kialo),
            "iccma" | "i23" => Ok(Format::Iccma),
            "csv" => Ok(Format::Csv),
            "csv-relations" => Ok(Format::CsvRelations),
            other => Err(format!(
                "unknown format {other:?}: json, argdown, aif, dot, svg, kialo, iccma, csv or csv-relations"
            )),
        }
    }
}
