//! Relations named the way people read them: the inference “A” supports “B”, and for an
//! undercut of an undercut, “U” undercuts (“A” supports “B”). Pages show them as text
//! with links; the API as plain text.

use std::collections::BTreeMap;

use sqlx::PgExecutor;

use crate::domain::RelationKind;

/// A piece of a relation's description: words, or a link to a claim or proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link { href: String, text: String },
}

/// One live relation and what it points at.
#[derive(Debug, Clone)]
struct Row {
    kind: RelationKind,
    from_href: String,
    from_text: String,
    to: To,
}

#[derive(Debug, Clone)]
enum To {
    Node { href: String, text: String },
    Relation(i64),
}

/// Descriptions of relations, loaded with everything they point through.
#[derive(Debug, Clone, Default)]
pub struct Inferences(BTreeMap<i64, Row>);

impl Inferences {
    /// Loads the relations `ids` and, for undercuts, the relations they undercut, down to
    /// a claim or proposal (hidden or not: a description names what the relation names).
    pub async fn load(db: impl PgExecutor<'_>, ids: &[i64]) -> Result<Self, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Self::default());
        }
        let rows = sqlx::query!(
            r#"with recursive rel(id) as (
                   select id from relations where id = any($1)
                   union
                   select r.to_relation_id from relations r join rel on rel.id = r.id
                   where r.to_relation_id is not null
               )
               select r.id as "id!", r.kind as "kind: RelationKind",
                      f.slug as "from_slug!: String", f.body as "from_body!",
                      t.slug as "to_slug?: String", t.body as "to_body?",
                      p.slug as "proposal_slug?: String", p.title as "proposal_title?",
                      r.to_relation_id
               from rel join relations r on r.id = rel.id
               join claims f on f.id = r.from_claim_id
               left join claims t on t.id = r.to_claim_id
               left join proposals p on p.id = r.to_proposal_id"#,
            ids
        )
        .fetch_all(db)
        .await?;
        let mut map = BTreeMap::new();
        for row in rows {
            let to = match (
                row.to_slug,
                row.to_body,
                row.proposal_slug,
                row.proposal_title,
                row.to_relation_id,
            ) {
                (Some(slug), Some(body), ..) => To::Node {
                    href: format!("/claims/{slug}"),
                    text: body,
                },
                (_, _, Some(slug), Some(title), _) => To::Node {
                    href: format!("/proposals/{slug}"),
                    text: title,
                },
                (.., Some(relation)) => To::Relation(relation),
                _ => continue,
            };
            map.insert(
                row.id,
                Row {
                    kind: row.kind,
                    from_href: format!("/claims/{}", row.from_slug),
                    from_text: row.from_body,
                    to,
                },
            );
        }
        Ok(Self(map))
    }

    /// “A” supports “B” as pieces (empty when the relation was not loaded).
    pub fn pieces(&self, id: i64) -> Vec<Piece> {
        let mut pieces = Vec::new();
        self.describe(id, &mut pieces, 0);
        pieces
    }

    /// The description as plain text, claims and proposals in quotation marks.
    pub fn text(&self, id: i64) -> String {
        self.pieces(id)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Link { text, .. } => format!("“{text}”"),
            })
            .collect()
    }

    fn describe(&self, id: i64, pieces: &mut Vec<Piece>, depth: usize) {
        let Some(row) = self.0.get(&id) else { return };
        pieces.push(Piece::Link {
            href: row.from_href.clone(),
            text: row.from_text.clone(),
        });
        pieces.push(Piece::Text(format!(" {} ", row.kind)));
        // Undercuts of undercuts nest; a cycle of them cannot be made (a relation only
        // points at one made before it), but the depth bound keeps a bad row harmless.
        match &row.to {
            To::Relation(target) if depth < 8 => {
                pieces.push(Piece::Text("(".into()));
                self.describe(*target, pieces, depth + 1);
                pieces.push(Piece::Text(")".into()));
            }
            To::Relation(_) => pieces.push(Piece::Text("an inference".into())),
            To::Node { href, text } => pieces.push(Piece::Link {
                href: href.clone(),
                text: text.clone(),
            }),
        }
    }
}
