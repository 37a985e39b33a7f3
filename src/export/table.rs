//! CSV for spreadsheets: the claims with their quotes and sources (one row per quote) in
//! one file, and the relations between claims and proposals in a second file beside it
//! (`map.csv`, `map.relations.csv`), joined on the claim URLs. Both are UTF-8 with a
//! byte-order mark (so that Excel reads the text as UTF-8), links are absolute, and a
//! cell a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) is written with a leading `'`.

use super::model::{MapDocument, RelationTarget};

pub const HEADER: [&str; 10] = [
    "claim",
    "claim_url",
    "speaker",
    "standing",
    "tags",
    "quote",
    "source",
    "source_url",
    "locator",
    "source_title",
];

pub const RELATIONS_HEADER: [&str; 5] = ["relation", "from", "from_url", "to", "to_url"];

/// Written first, so spreadsheets read the file as UTF-8.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// `cell` as a spreadsheet shows it, never as a formula it runs.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn finish(out: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = out
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))?;
    let text = String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8");
    Ok(format!("{BYTE_ORDER_MARK}{text}"))
}

fn row<const N: usize>(out: &mut csv::Writer<Vec<u8>>, cells: [&str; N]) -> csv::Result<()> {
    out.write_record(cells.map(neutralise).iter().map(|c| c.as_ref()))
}

/// The claims file; `base` is the site's address (`https://argmap.example`).
pub fn write(doc: &MapDocument, base: &str) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for claim in &doc.claims {
        let speaker = doc.actor_name(claim.actor.as_deref()).unwrap_or("");
        let tags = claim.tags.join(" ");
        let url = format!("{base}/claims/{}", claim.slug);
        // One row per quote; a claim without quotes still gets its row.
        let mut quoted: Vec<[String; 5]> = claim
            .quotes
            .iter()
            .map(|quote| {
                let source_title = doc
                    .sources
                    .iter()
                    .find(|s| s.slug == quote.source)
                    .map_or("", |s| s.title.as_str());
                [
                    quote.text.clone(),
                    quote.source.clone(),
                    format!("{base}/sources/{}#{}", quote.source, quote.anchor),
                    quote.locator.clone(),
                    source_title.to_owned(),
                ]
            })
            .collect();
        if quoted.is_empty() {
            quoted.push(Default::default());
        }
        for [text, source, source_url, locator, source_title] in &quoted {
            row(
                &mut out,
                [
                    claim.text.as_str(),
                    &url,
                    speaker,
                    claim.standing.as_str(),
                    &tags,
                    text,
                    source,
                    source_url,
                    locator,
                    source_title,
                ],
            )?;
        }
    }
    finish(out)
}

/// The relations file: one row per relation, its kind, what it runs from and to (a
/// claim's text or a proposal's title) and their URLs.
pub fn write_relations(doc: &MapDocument, base: &str) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(RELATIONS_HEADER)?;
    for relation in &doc.relations {
        let from = doc.claim(&relation.from).map_or("", |c| c.text.as_str());
        let from_url = format!("{base}/claims/{}", relation.from);
        let (to, to_url) = match (&relation.to, relation.to_proposal()) {
            (_, Some(slug)) => (
                doc.proposal(slug)
                    .map_or("", |p| p.title.as_str())
                    .to_owned(),
                format!("{base}/proposals/{slug}"),
            ),
            (RelationTarget::Node(slug), None) => (
                doc.claim(slug).map_or("", |c| c.text.as_str()).to_owned(),
                format!("{base}/claims/{slug}"),
            ),
            // An undercut's target is an inference, shown on its premise's page.
            (RelationTarget::Inference(inference), None) => (
                format!("the inference: {inference}"),
                format!("{base}/claims/{}", inference.from),
            ),
        };
        row(
            &mut out,
            [relation.kind.as_str(), from, &from_url, &to, &to_url],
        )?;
    }
    finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_quoted() {
        for cell in ["=1+1", "+44 20", "-5% funding", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        assert_eq!(neutralise("NHS = money"), "NHS = money");
        assert_eq!(neutralise(""), "");
    }
}
