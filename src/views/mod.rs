//! Small view types shared by the pages: claims as listed, breadcrumbs, standings; `form`
//! holds what every form page shares.

pub(crate) mod form;

use sqlx::PgExecutor;

use crate::standing::{self, Framework, Relation, Standing, StandingLabel, Target};

/// A claim as shown in a list: its text, speaker and standing, linking to its page.
#[derive(Debug, Clone)]
pub struct ClaimItem {
    pub id: i64,
    pub slug: String,
    pub body: String,
    pub actor: Option<String>,
    pub standing: StandingLabel,
}

impl ClaimItem {
    pub fn href(&self) -> String {
        format!("/claims/{}", self.slug)
    }
}

/// One step of the trail from the home page.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: String,
}

impl Crumb {
    pub fn new(label: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: href.into(),
        }
    }

    pub fn home() -> Self {
        Self::new("Home", "/")
    }
}

/// Every visible claim's standing, and whether each live relation between visible
/// claims (or to a proposal) still carries its inference, computed over all supports,
/// attacks and undercuts: two queries whatever the page.
#[derive(Debug, Clone, Default)]
pub struct Standings(standing::Standings);

impl Standings {
    pub async fn load(db: impl PgExecutor<'_> + Copy) -> Result<Self, sqlx::Error> {
        let claims = sqlx::query_scalar!("select id from claims where hidden_at is null")
            .fetch_all(db)
            .await?;
        let rows = sqlx::query!(
            r#"select r.id, r.kind, r.from_claim_id, r.to_claim_id, r.to_relation_id
               from relations r
               join claims f on f.id = r.from_claim_id and f.hidden_at is null
               left join claims t on t.id = r.to_claim_id
               left join proposals p on p.id = r.to_proposal_id
               where r.removed_at is null
                 and (t.hidden_at is null and r.to_claim_id is not null
                      or p.hidden_at is null and r.to_proposal_id is not null
                      or r.to_relation_id is not null)"#
        )
        .fetch_all(db)
        .await?;
        let relations = rows.into_iter().map(|r| Relation {
            id: r.id,
            from: r.from_claim_id,
            to: match (r.to_claim_id, r.to_relation_id) {
                (Some(claim), _) => Target::Claim(claim),
                (None, Some(relation)) => Target::Relation(relation),
                (None, None) => Target::Outside,
            },
            attacks: r.kind != "supports",
        });
        // An undercut of a relation that is not live (retired, or between hidden claims)
        // points outside the framework, which ignores it.
        Ok(Self(Framework::new(claims, relations).standings()))
    }

    pub fn of(&self, claim: i64) -> Option<&Standing> {
        self.0.claim(claim)
    }

    pub fn label(&self, claim: i64) -> StandingLabel {
        self.of(claim)
            .map_or(StandingLabel::Stands, Standing::label)
    }

    /// Whether a relation carries its inference: None when it is not live.
    pub fn relation(&self, relation: i64) -> Option<&Standing> {
        self.0.relation(relation)
    }

    /// "holds", "disabled" or "contested".
    pub fn relation_label(&self, relation: i64) -> &'static str {
        self.relation(relation)
            .map_or("holds", Standing::relation_label)
    }
}

/// A claim's text cut for a breadcrumb.
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 48;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
