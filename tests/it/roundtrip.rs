//! Round trips through `import-map`: each map export (JSON, Argdown, Kialo) brought back
//! into the instance it came from changes nothing (the dump is byte for byte the same);
//! into an empty instance it brings back everything the format carries and the report
//! lists, item by item, what it could not (quotes of sources that are not there, the
//! sources themselves; for Kialo, what the format has no place for). And the CSV files a
//! spreadsheet opens.

use std::collections::BTreeSet;

use argmap::config::Config;
use argmap::export::import::import;
use argmap::export::{self, Format, MapDocument, Scope};
use sqlx::PgPool;

use crate::export::BASE;
use crate::harness::{
    TestApp, corpus_database, document, fresh_database, header, import_into, lost,
};

async fn dump(db: &PgPool) -> Vec<u8> {
    let mut out = Vec::new();
    export::dump::dump(db, &mut out).await.unwrap();
    out
}

/// A fresh database with the shipped sources imported (their texts are in no map
/// export), bare: slug, title and kind, nothing else.
async fn database_with_sources() -> PgPool {
    let (db, _) = fresh_database().await;
    let mut conn = db.acquire().await.unwrap();
    for entry in std::fs::read_dir(Config::shipped_map().join("claims")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let source = &value["source"];
        let path = Config::shipped_map().join(source["file"].as_str().unwrap());
        let input = argmap::sources::SourceInput {
            origin: path.display().to_string(),
            text: std::fs::read_to_string(&path).unwrap(),
            slug: Some(source["slug"].as_str().unwrap().to_owned()),
            fields: argmap::sources::SourceFields {
                title: source
                    .get("title")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned),
                ..Default::default()
            },
            kind: source
                .get("kind")
                .and_then(|k| k.as_str())
                .map(|k| k.parse().unwrap()),
            ..Default::default()
        };
        argmap::sources::import_source(&mut conn, &input)
            .await
            .unwrap();
    }
    db
}

#[tokio::test]
async fn every_export_reimported_into_its_own_instance_changes_nothing_at_all() {
    let (db, _) = corpus_database().await;
    let before = dump(&db).await;
    // By the name `import-map --format` takes.
    let cases = [
        (Scope::All, "json"),
        (Scope::All, "argdown"),
        (Scope::All, "kialo"),
        (Scope::Debate("2021-white-paper".into()), "argdown"),
        (Scope::Proposal("ics-statutory-footing".into()), "json"),
        (Scope::Proposal("ics-statutory-footing".into()), "argdown"),
        (Scope::Proposal("success-regimes".into()), "kialo"),
    ];
    for (scope, name) in cases {
        let format: Format = name.parse().unwrap();
        let text = format.write(&document(&db, scope.clone()).await, BASE);
        let report = import_into(&db, "map", &text, name, None).await;
        let what = format!("{name} of {scope:?}: {report}");
        assert!(!report.summary.changed_anything(), "{what}");
        assert!(
            report
                .to_string()
                .starts_with("imported: 0 objects created, 0 changed, 0 links added")
        );
        let expected = usize::from(name == "kialo");
        assert_eq!(report.not_represented.len(), expected, "{what}");
        assert!(dump(&db).await == before, "{what}: the dump changed");
    }
}

/// The original without what no map format carries: the sources' texts, so their
/// quotes and the sources themselves.
fn without_sources(doc: &MapDocument) -> MapDocument {
    let mut doc = doc.clone();
    doc.sources.clear();
    for claim in &mut doc.claims {
        claim.quotes.clear();
    }
    doc
}

#[tokio::test]
async fn json_and_argdown_into_an_empty_instance_bring_back_all_but_the_sources_and_list_each_one_lost()
 {
    let (db, _) = corpus_database().await;
    let original = document(&db, Scope::All).await;
    let quotes: usize = original.claims.iter().map(|c| c.quotes.len()).sum();
    assert!(quotes > 100 && original.actors.len() > 5 && original.tensions.len() > 5);
    for (format, name) in [(Format::Json, "json"), (Format::Argdown, "argdown")] {
        let (empty, _) = fresh_database().await;
        let text = format.write(&original, BASE);
        let report = import_into(&empty, "map", &text, name, None).await;
        let copy = document(&empty, Scope::All).await;
        assert_eq!(copy, without_sources(&original), "{name}");
        let lost_quotes = report
            .not_represented
            .iter()
            .filter(|n| n.contains(": quote of "))
            .count();
        let lost_sources = report
            .not_represented
            .iter()
            .filter(|n| n.contains(": source "))
            .count();
        assert_eq!(lost_quotes, quotes, "{name}: every quote is listed");
        assert_eq!(lost_sources, original.sources.len(), "{name}");
        assert_eq!(
            report.not_represented.len(),
            quotes + original.sources.len(),
            "{name}: nothing else is missing: {report}"
        );
    }
}

#[tokio::test]
async fn json_and_argdown_into_an_instance_with_the_sources_bring_back_everything() {
    let (db, _) = corpus_database().await;
    let original = document(&db, Scope::All).await;
    for (format, name) in [(Format::Json, "json"), (Format::Argdown, "argdown")] {
        let target = database_with_sources().await;
        let text = format.write(&original, BASE);
        let report = import_into(&target, "map", &text, name, None).await;
        assert!(report.not_represented.is_empty(), "{name}: {report}");
        assert_eq!(document(&target, Scope::All).await, original, "{name}");
        let again = import_into(&target, "map", &text, name, None).await;
        assert!(!again.summary.changed_anything(), "{name}: {again}");
    }
}

#[tokio::test]
async fn the_whole_map_in_kialo_hangs_each_claim_on_its_own_proposal() {
    let (db, _) = corpus_database().await;
    let original = document(&db, Scope::All).await;
    let text = Format::Kialo.write(&original, BASE);
    let (empty, _) = fresh_database().await;
    let err = {
        let mut tx = empty.begin().await.unwrap();
        import(&mut tx, "all.txt", &text, "kialo", None)
            .await
            .unwrap_err()
    };
    assert!(err.to_string().contains("pass --debate SLUG"), "{err}");
    let report = import_into(&empty, "all.txt", &text, "kialo", Some("imported")).await;
    assert!(
        lost(
            &report,
            "no speakers, tags, quotes, sources, tensions or debates"
        ),
        "{report}"
    );
    let copy = document(&empty, Scope::All).await;
    assert_eq!(copy.proposals.len(), original.proposals.len());
    // Each proposal's pros and cons, by text: the same as in the original.
    let direct = |doc: &MapDocument, proposal: &str| {
        doc.relations_to(&format!("proposal:{proposal}"))
            .map(|r| {
                let sign = if r.kind.is_attack() { "con" } else { "pro" };
                (sign, doc.claim(&r.from).unwrap().text.clone())
            })
            .collect::<BTreeSet<_>>()
    };
    for proposal in &original.proposals {
        let slug = &copy
            .proposals
            .iter()
            .find(|p| p.title == proposal.title)
            .unwrap()
            .slug;
        assert_eq!(
            direct(&copy, slug),
            direct(&original, &proposal.slug),
            "{}",
            proposal.slug
        );
    }
}

#[tokio::test]
async fn a_kialo_file_matches_claims_by_text_and_adds_only_what_is_new() {
    let (db, _) = corpus_database().await;
    let one = document(&db, Scope::Proposal("success-regimes".into())).await;
    let claims_before: i64 = sqlx::query_scalar("select count(*) from claims")
        .fetch_one(&db)
        .await
        .unwrap();
    let mut text = Format::Kialo.write(&one, BASE);
    text.push_str("1.99. Con: A con written in Kialo that argmap has never seen.\n");
    let report = import_into(&db, "p.txt", &text, "kialo", None).await;
    assert_eq!(report.summary.objects_created, 1, "{report}");
    assert_eq!(report.summary.objects_changed, 0, "{report}");
    assert_eq!(report.summary.links_added, 1, "{report}");
    let claims_after: i64 = sqlx::query_scalar("select count(*) from claims")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(claims_after, claims_before + 1, "no claim duplicated");
    let attacks: i64 = sqlx::query_scalar(
        "select count(*) from relations r join claims c on c.id = r.from_claim_id
         join proposals p on p.id = r.to_proposal_id
         where c.body like 'A con written in Kialo%' and p.slug = 'success-regimes' and r.kind = 'attacks'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(attacks, 1);
}

#[tokio::test]
async fn argdown_can_link_new_claims_to_existing_ones_by_slug() {
    let (db, _) = corpus_database().await;
    let slug: String = sqlx::query_scalar("select slug::text from claims order by id limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    let text = format!(
        "[{slug}]\n  - [a-new-objection]: A new objection written in Argdown. #new\n\n[no-such-claim]\n  + [another-new-one]: Another new claim written in Argdown.\n"
    );
    let report = import_into(&db, "new.argdown", &text, "argdown", None).await;
    assert_eq!(report.summary.objects_created, 2, "{report}");
    assert_eq!(
        report.not_represented,
        [
            "new.argdown: relation another-new-one supports no-such-claim: its target is neither in the file nor here"
        ],
    );
    let linked: i64 = sqlx::query_scalar(
        "select count(*) from relations r join claims f on f.id = r.from_claim_id join claims t on t.id = r.to_claim_id
         where f.slug = 'a-new-objection' and t.slug = $1 and r.kind = 'attacks'",
    )
    .bind(&slug)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(linked, 1);
}

#[tokio::test]
async fn the_csv_files_open_in_a_spreadsheet_as_utf8_with_relations_absolute_links_and_no_formulas()
{
    let app = TestApp::spawn_with_corpus().await;
    sqlx::query(
        "insert into claims (slug, body) values ('formula', '=HYPERLINK(\"http://evil.example\")')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let doc = document(&app.db, Scope::All).await;
    let base = app.url("");
    let base = base.trim_end_matches('/');

    let response = app.get("/export/map.csv").await;
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a byte-order mark"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        rows.iter()
            .all(|r| r[1].starts_with(&format!("{base}/claims/")))
    );
    assert!(
        rows.iter()
            .filter(|r| !r[7].is_empty())
            .all(|r| r[7].starts_with(&format!("{base}/sources/")))
    );
    let formula = rows
        .iter()
        .find(|r| r[1].ends_with("/claims/formula"))
        .unwrap();
    assert_eq!(&formula[0], "'=HYPERLINK(\"http://evil.example\")");
    assert!(
        rows.iter()
            .all(|r| r.iter().all(|cell| !cell.starts_with(['=', '+', '-', '@']))),
        "no cell is a formula"
    );
    assert!(
        rows.iter().any(|r| r.iter().any(|cell| !cell.is_ascii())),
        "non-ASCII text kept"
    );

    let response = app.get("/export/map.relations.csv").await;
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        export::table::RELATIONS_HEADER
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), doc.relations.len(), "a row per relation");
    for (row, relation) in rows.iter().zip(&doc.relations) {
        assert_eq!(&row[0], relation.kind.as_str());
        assert_eq!(row[2], format!("{base}/claims/{}", relation.from));
        let to = match (relation.to_proposal(), relation.to.inference()) {
            (Some(slug), _) => format!("{base}/proposals/{slug}"),
            // An undercut's inference is shown on its premise's page.
            (None, Some(inference)) => format!("{base}/claims/{}", inference.from),
            (None, None) => format!("{base}/claims/{}", relation.to),
        };
        assert_eq!(row[4], to);
    }
}
