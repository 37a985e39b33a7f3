//! CSV of the claims with their quotes and sources, one row per quote, for spreadsheets.

use super::model::MapDocument;

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

pub fn write(doc: &MapDocument) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for claim in &doc.claims {
        let speaker = doc.actor_name(claim.actor.as_deref()).unwrap_or("");
        let tags = claim.tags.join(" ");
        let url = format!("/claims/{}", claim.slug);
        if claim.quotes.is_empty() {
            out.write_record([
                claim.text.as_str(),
                &url,
                speaker,
                claim.standing.as_str(),
                &tags,
                "",
                "",
                "",
                "",
                "",
            ])?;
        }
        for quote in &claim.quotes {
            let source_title = doc
                .sources
                .iter()
                .find(|s| s.slug == quote.source)
                .map_or("", |s| s.title.as_str());
            let source_url = format!("/sources/{}#{}", quote.source, quote.anchor);
            out.write_record([
                claim.text.as_str(),
                &url,
                speaker,
                claim.standing.as_str(),
                &tags,
                &quote.text,
                &quote.source,
                &source_url,
                &quote.locator,
                source_title,
            ])?;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}
