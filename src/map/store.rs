//! Writing map objects: each upsert by slug (or by its natural key for links) records a
//! revision when it creates or changes something, and changes nothing when the stored
//! object already matches. Shared by the map loader and `import-map`.

use std::collections::HashMap;

use serde_json::{Value, json};
use sqlx::PgConnection;

use super::document;
use crate::domain::{Leaning, Pole, RelationKind};
use crate::revisions::{ObjectKind, Revision, RevisionAction};
use crate::sources::char_span;

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    pub sources_imported: usize,
    pub objects_created: usize,
    pub objects_changed: usize,
    pub links_added: usize,
}

impl LoadSummary {
    pub fn changed_anything(&self) -> bool {
        self.sources_imported + self.objects_created + self.objects_changed + self.links_added > 0
    }
}

/// The ids of the definitions a map or an imported file wrote, by slug.
#[derive(Debug, Default)]
pub struct DefinitionIds {
    pub actors: HashMap<String, i64>,
    pub debates: HashMap<String, i64>,
    pub tensions: HashMap<String, i64>,
    pub proposals: HashMap<String, i64>,
}

/// Writes objects, recording a revision for each that it creates or changes.
pub struct Store<'a> {
    pub conn: &'a mut PgConnection,
    pub summary: &'a mut LoadSummary,
}

/// What an upsert returned: nothing when the stored row already matched.
struct Upserted {
    id: i64,
    inserted: bool,
    before: Option<Value>,
    after: Option<Value>,
}

/// Writes one object by its key with `$upsert` (an `insert … on conflict (KEY) do update
/// … where` the stored row differs, `returning` an [`Upserted`]; nothing when it already
/// matched) and records the revision of what it created or changed; evaluates to the
/// object's id, found with `$find` when nothing changed. `$upsert` takes the key's columns
/// then the values, `$find` the key's. A macro because `sqlx::query_as!` checks each query
/// where it is written.
macro_rules! upsert {
    ($store:expr, $kind:expr, $find:literal, $upsert:literal, [$($key:expr),+], [$($value:expr),+] $(,)?) => {
        match sqlx::query_as!(Upserted, $upsert, $($key,)+ $($value),+)
            .fetch_optional(&mut *$store.conn)
            .await?
        {
            Some(row) => $store.record_upsert($kind, row).await,
            None => sqlx::query_scalar!($find, $($key),+)
                .fetch_one(&mut *$store.conn)
                .await,
        }
    };
}

/// Which count of the [`LoadSummary`] a write adds to.
#[derive(Debug, Clone, Copy)]
enum Tally {
    Created,
    Changed,
    Linked,
}

impl Store<'_> {
    /// Counts a write in the summary and records its revision: how every write here ends.
    async fn record(&mut self, tally: Tally, change: Revision) -> Result<(), sqlx::Error> {
        let count = match tally {
            Tally::Created => &mut self.summary.objects_created,
            Tally::Changed => &mut self.summary.objects_changed,
            Tally::Linked => &mut self.summary.links_added,
        };
        *count += 1;
        change.record(self.conn).await?;
        Ok(())
    }

    /// Counts and records `change` when the write it follows affected any of its rows.
    async fn record_if(
        &mut self,
        rows: u64,
        tally: Tally,
        change: Revision,
    ) -> Result<(), sqlx::Error> {
        if rows > 0 {
            self.record(tally, change).await?;
        }
        Ok(())
    }

    /// Records an upsert that created or changed a row; returns the row's id.
    async fn record_upsert(&mut self, kind: ObjectKind, row: Upserted) -> Result<i64, sqlx::Error> {
        let change = if row.inserted {
            (
                Tally::Created,
                Revision::new(kind, row.id, RevisionAction::Create),
            )
        } else {
            let change = Revision::new(kind, row.id, RevisionAction::Edit);
            (Tally::Changed, change.before(row.before))
        };
        self.record(change.0, change.1.after(row.after)).await?;
        Ok(row.id)
    }

    /// Writes what a map defines before its claims: actors, debates, tensions, then the
    /// proposals (whose debate is one just written or one already here). Returns their ids,
    /// and the proposals left out because their debate is neither.
    pub async fn definitions<'p>(
        &mut self,
        actors: &[document::Actor],
        debates: &[document::Debate],
        tensions: &[document::Tension],
        proposals: &'p [document::Proposal],
    ) -> Result<(DefinitionIds, Vec<&'p document::Proposal>), sqlx::Error> {
        let mut ids = DefinitionIds::default();
        for a in actors {
            let id = self.actor(a).await?;
            ids.actors.insert(a.slug.clone(), id);
        }
        for d in debates {
            let id = self.debate(d).await?;
            ids.debates.insert(d.slug.clone(), id);
        }
        for t in tensions {
            let id = self.tension(t).await?;
            ids.tensions.insert(t.slug.clone(), id);
        }
        let mut orphans = Vec::new();
        for p in proposals {
            let debate = match ids.debates.get(&p.debate) {
                Some(&id) => Some(id),
                None => {
                    sqlx::query_scalar!("select id from debates where slug = $1::text", p.debate)
                        .fetch_optional(&mut *self.conn)
                        .await?
                }
            };
            let Some(debate) = debate else {
                orphans.push(p);
                continue;
            };
            let id = self.proposal(p, debate).await?;
            ids.proposals.insert(p.slug.clone(), id);
        }
        Ok((ids, orphans))
    }

    /// Brings an existing source's description (not its text, nor its author and debates:
    /// see `source_links`) in line with `source`; None when this instance has no source
    /// with its slug.
    pub async fn source_description(
        &mut self,
        source: &document::Source,
    ) -> Result<Option<i64>, sqlx::Error> {
        let Some(id) =
            sqlx::query_scalar!("select id from sources where slug = $1::text", source.slug)
                .fetch_optional(&mut *self.conn)
                .await?
        else {
            return Ok(None);
        };
        let changed = sqlx::query!(
            r#"with old as (select to_jsonb(s) - 'search' as row from sources s where id = $1)
               update sources set kind = $2, title = $3, author_name = $4, outlet = $5, url = $6,
                                  published_on = $7, version = version + 1
               where id = $1 and (kind, title, author_name, outlet, url, published_on)
                     is distinct from ($2, $3, $4, $5, $6, $7)
               returning (select row from old) as before, to_jsonb(sources) - 'search' as after"#,
            id,
            source.kind.as_str(),
            source.title,
            source.author_name,
            source.outlet,
            source.url,
            source.published,
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        if let Some(row) = changed {
            self.record(
                Tally::Changed,
                Revision::new(ObjectKind::Source, id, RevisionAction::Edit)
                    .before(row.before)
                    .after(row.after),
            )
            .await?;
        }
        Ok(Some(id))
    }

    async fn actor(&mut self, a: &document::Actor) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::Actor,
            "select id from actors where slug = $1::text",
            r#"with old as (select to_jsonb(a) as row from actors a where slug = $1::text)
               insert into actors (slug, name, kind, handle, about) values ($1::text, $2, $3, $4, $5)
               on conflict (slug) do update
                   set name = excluded.name, kind = excluded.kind, handle = excluded.handle,
                       about = excluded.about, version = actors.version + 1
                   where (actors.name, actors.kind, actors.handle, actors.about)
                         is distinct from (excluded.name, excluded.kind, excluded.handle, excluded.about)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before, to_jsonb(actors) as after"#,
            [&a.slug],
            [
                &a.name,
                a.kind.as_str(),
                a.handle.as_deref(),
                a.about.as_deref()
            ]
        )
    }

    async fn debate(&mut self, d: &document::Debate) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::Debate,
            "select id from debates where slug = $1::text",
            r#"with old as (select to_jsonb(d) - 'search' as row from debates d where slug = $1::text)
               insert into debates (slug, title, summary, started_on, ended_on) values ($1::text, $2, $3, $4, $5)
               on conflict (slug) do update
                   set title = excluded.title, summary = excluded.summary, started_on = excluded.started_on,
                       ended_on = excluded.ended_on, version = debates.version + 1
                   where (debates.title, debates.summary, debates.started_on, debates.ended_on)
                         is distinct from (excluded.title, excluded.summary, excluded.started_on, excluded.ended_on)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                         to_jsonb(debates) - 'search' as after"#,
            [&d.slug],
            [&d.title, &d.summary, d.started, d.ended]
        )
    }

    async fn tension(&mut self, t: &document::Tension) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::Tension,
            "select id from tensions where slug = $1::text",
            r#"with old as (select to_jsonb(t) - 'search' as row from tensions t where slug = $1::text)
               insert into tensions (slug, title, pole_a, pole_b, description) values ($1::text, $2, $3, $4, $5)
               on conflict (slug) do update
                   set title = excluded.title, pole_a = excluded.pole_a, pole_b = excluded.pole_b,
                       description = excluded.description, version = tensions.version + 1
                   where (tensions.title, tensions.pole_a, tensions.pole_b, tensions.description)
                         is distinct from (excluded.title, excluded.pole_a, excluded.pole_b, excluded.description)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                         to_jsonb(tensions) - 'search' as after"#,
            [&t.slug],
            [&t.title, &t.pole_a, &t.pole_b, &t.description]
        )
    }

    /// The proposal `p`, in the debate `debate_id`.
    async fn proposal(
        &mut self,
        p: &document::Proposal,
        debate_id: i64,
    ) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::Proposal,
            "select id from proposals where slug = $1::text",
            r#"with old as (select to_jsonb(p) - 'search' as row from proposals p where slug = $1::text)
               insert into proposals (slug, debate_id, title, summary) values ($1::text, $2, $3, $4)
               on conflict (slug) do update
                   set debate_id = excluded.debate_id, title = excluded.title, summary = excluded.summary,
                       version = proposals.version + 1
                   where (proposals.debate_id, proposals.title, proposals.summary)
                         is distinct from (excluded.debate_id, excluded.title, excluded.summary)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                         to_jsonb(proposals) - 'search' as after"#,
            [&p.slug],
            [debate_id, &p.title, &p.summary]
        )
    }

    pub async fn claim(
        &mut self,
        slug: &str,
        text: &str,
        actor_id: Option<i64>,
    ) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::Claim,
            "select id from claims where slug = $1::text",
            r#"with old as (select to_jsonb(c) - 'search' as row from claims c where slug = $1::text)
               insert into claims (slug, body, actor_id) values ($1::text, $2, $3)
               on conflict (slug) do update
                   set body = excluded.body, actor_id = excluded.actor_id, version = claims.version + 1
                   where (claims.body, claims.actor_id) is distinct from (excluded.body, excluded.actor_id)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before,
                         to_jsonb(claims) - 'search' as after"#,
            [slug],
            [text.trim(), actor_id]
        )
    }

    /// Links a source to its author and debates.
    pub async fn source_links(
        &mut self,
        source_id: i64,
        author_id: Option<i64>,
        debate_ids: &[(i64, &str)],
    ) -> Result<(), sqlx::Error> {
        let changed = sqlx::query!(
            "update sources set author_id = $2, version = version + 1 where id = $1 and author_id is distinct from $2",
            source_id,
            author_id
        )
        .execute(&mut *self.conn)
        .await?
        .rows_affected();
        let change = Revision::new(ObjectKind::Source, source_id, RevisionAction::Edit)
            .after(json!({ "author_id": author_id }));
        self.record_if(changed, Tally::Changed, change).await?;
        for &(debate_id, slug) in debate_ids {
            let added = sqlx::query!(
                "insert into debate_sources (debate_id, source_id) values ($1, $2) on conflict do nothing",
                debate_id,
                source_id
            )
            .execute(&mut *self.conn)
            .await?
            .rows_affected();
            let change = Revision::new(ObjectKind::Source, source_id, RevisionAction::Link)
                .after(json!({ "debate": slug }));
            self.record_if(added, Tally::Linked, change).await?;
        }
        Ok(())
    }

    /// Adds a quote to a claim (or, when it is there, sets whether it is the primary one).
    pub async fn quote(
        &mut self,
        claim_id: i64,
        segment_id: i64,
        body: &str,
        start: usize,
        end: usize,
        primary: bool,
    ) -> Result<(), sqlx::Error> {
        let text = char_span(body, start, end);
        let written = sqlx::query!(
            r#"insert into quotes (claim_id, segment_id, start_char, end_char, body, is_primary)
               values ($1, $2, $3, $4, $5, $6)
               on conflict (claim_id, segment_id, start_char, end_char) do update set is_primary = excluded.is_primary
               where quotes.is_primary <> excluded.is_primary
               returning id, (xmax = 0) as "inserted!""#,
            claim_id,
            segment_id,
            start as i32,
            end as i32,
            text,
            primary,
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        let after = json!({ "claim_id": claim_id, "segment_id": segment_id, "start": start, "end": end, "body": text, "primary": primary });
        match written {
            Some(row) if row.inserted => {
                self.record(
                    Tally::Linked,
                    Revision::new(ObjectKind::Quote, row.id, RevisionAction::Create).after(after),
                )
                .await?;
            }
            Some(row) => {
                self.record(
                    Tally::Changed,
                    Revision::new(ObjectKind::Quote, row.id, RevisionAction::Edit)
                        .before(json!({ "primary": !primary }))
                        .after(after),
                )
                .await?;
            }
            None => {}
        }
        Ok(())
    }

    pub async fn tags(&mut self, claim_id: i64, tags: &[&str]) -> Result<(), sqlx::Error> {
        for tag in tags {
            let added = sqlx::query!(
                "with tag as (
                     insert into tags (slug) values ($2::text) on conflict (slug) do update set slug = excluded.slug returning id
                 )
                 insert into claim_tags (claim_id, tag_id) select $1, id from tag on conflict do nothing",
                claim_id,
                tag,
            )
            .execute(&mut *self.conn)
            .await?
            .rows_affected();
            let change = Revision::new(ObjectKind::Claim, claim_id, RevisionAction::Link)
                .after(json!({ "tag": tag }));
            self.record_if(added, Tally::Linked, change).await?;
        }
        Ok(())
    }

    /// Makes the relation unless it exists (live or retired); returns its id.
    pub async fn relation(
        &mut self,
        kind: RelationKind,
        from: i64,
        to: To,
    ) -> Result<i64, sqlx::Error> {
        let (to_claim, to_proposal, to_relation) = to.columns();
        let inserted = sqlx::query_scalar!(
            "insert into relations (kind, from_claim_id, to_claim_id, to_proposal_id, to_relation_id)
             values ($1, $2, $3, $4, $5)
             on conflict do nothing
             returning id",
            kind.as_str(),
            from,
            to_claim,
            to_proposal,
            to_relation
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        let Some(id) = inserted else {
            return sqlx::query_scalar!(
                "select id from relations
                 where kind = $1 and from_claim_id = $2 and to_claim_id is not distinct from $3
                   and to_proposal_id is not distinct from $4 and to_relation_id is not distinct from $5",
                kind.as_str(),
                from,
                to_claim,
                to_proposal,
                to_relation
            )
            .fetch_one(&mut *self.conn)
            .await;
        };
        let after = json!({
            "kind": kind, "from_claim_id": from, "to_claim_id": to_claim,
            "to_proposal_id": to_proposal, "to_relation_id": to_relation,
        });
        self.record(
            Tally::Linked,
            Revision::new(ObjectKind::Relation, id, RevisionAction::Create).after(after),
        )
        .await?;
        Ok(id)
    }

    pub async fn raise(
        &mut self,
        proposal_id: i64,
        tension_id: i64,
        leaning: Leaning,
        note: &str,
    ) -> Result<i64, sqlx::Error> {
        upsert!(
            self,
            ObjectKind::ProposalTension,
            "select id from proposal_tensions where proposal_id = $1 and tension_id = $2",
            r#"with old as (select to_jsonb(pt) as row from proposal_tensions pt where proposal_id = $1 and tension_id = $2)
               insert into proposal_tensions (proposal_id, tension_id, leaning, note) values ($1, $2, $3, $4)
               on conflict (proposal_id, tension_id) do update
                   set leaning = excluded.leaning, note = excluded.note, removed_at = null,
                       version = proposal_tensions.version + 1
                   where (proposal_tensions.leaning, proposal_tensions.note, proposal_tensions.removed_at)
                         is distinct from (excluded.leaning, excluded.note, null)
               returning id, (xmax = 0) as "inserted!", (select row from old) as before, to_jsonb(proposal_tensions) as after"#,
            [proposal_id, tension_id],
            [leaning.as_str(), note]
        )
    }

    pub async fn evidence(
        &mut self,
        proposal_tension_id: i64,
        claim_id: i64,
        pole: Pole,
    ) -> Result<(), sqlx::Error> {
        let changed = sqlx::query!(
            "insert into tension_evidence (proposal_tension_id, claim_id, pole) values ($1, $2, $3)
             on conflict (proposal_tension_id, claim_id) do update set pole = excluded.pole, removed_at = null
                 where (tension_evidence.pole, tension_evidence.removed_at) is distinct from (excluded.pole, null)",
            proposal_tension_id,
            claim_id,
            pole.as_str(),
        )
        .execute(&mut *self.conn)
        .await?
        .rows_affected();
        let after = json!({ "claim_id": claim_id, "pole": pole });
        let change = Revision::new(
            ObjectKind::ProposalTension,
            proposal_tension_id,
            RevisionAction::Link,
        )
        .after(after);
        self.record_if(changed, Tally::Linked, change).await?;
        Ok(())
    }
}

/// What a relation the store writes points at: a claim, a proposal, or (an undercut) a
/// relation, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    Claim(i64),
    Proposal(i64),
    Relation(i64),
}

impl To {
    /// The `to_claim_id`, `to_proposal_id` and `to_relation_id` columns.
    pub fn columns(self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match self {
            To::Claim(id) => (Some(id), None, None),
            To::Proposal(id) => (None, Some(id), None),
            To::Relation(id) => (None, None, Some(id)),
        }
    }

    pub fn relation(self) -> Option<i64> {
        match self {
            To::Relation(id) => Some(id),
            _ => None,
        }
    }
}
