//! Small view types shared by the pages: claims as listed, breadcrumbs, standings; `form`
//! holds what every form page shares.

pub(crate) mod edit;
pub(crate) mod flash;
pub(crate) mod form;

use sqlx::PgConnection;

use crate::domain::RelationKind;
use crate::standing::{self, Framework, InferenceLabel, Relation, Standing, StandingLabel, Target};

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

    /// The trail to a page one step from home: `Crumb::step("Accounts", "/admin/users")`.
    pub fn step(label: impl Into<String>, href: impl Into<String>) -> Vec<Crumb> {
        vec![Crumb::home(), Crumb::new(label, href)]
    }

    /// The trail to a page about an object: home, the object (`label`, at `href`), then
    /// the page (`step`, at `href/path`): `Crumb::trail(title, "/tensions/x", "Edit", "edit")`.
    pub fn trail(label: impl Into<String>, href: &str, step: &str, path: &str) -> Vec<Crumb> {
        vec![
            Crumb::home(),
            Crumb::new(label, href),
            Crumb::new(step, format!("{href}/{path}")),
        ]
    }
}

/// Every visible claim's standing, and whether each live relation between visible
/// claims (or to a proposal) still carries its inference, computed over all supports,
/// attacks and undercuts: two queries whatever the page.
#[derive(Debug, Clone, Default)]
pub struct Standings(standing::Standings);

impl Standings {
    /// Reads them on `conn`: in a repeatable-read transaction, they are the standings of
    /// what the transaction sees.
    pub async fn load(conn: &mut PgConnection) -> Result<Self, sqlx::Error> {
        let claims = sqlx::query_scalar!("select id from claims where hidden_at is null")
            .fetch_all(&mut *conn)
            .await?;
        let rows = sqlx::query!(
            // Against the hidden ids (few, from partial indexes, migration 0014) rather
            // than joined to every claim: 16 ms at 88,890 relations instead of 220 ms.
            r#"select r.id, r.kind as "kind: RelationKind", r.from_claim_id, r.to_claim_id, r.to_relation_id
               from relations r
               where r.removed_at is null
                 and r.from_claim_id not in (select id from claims where hidden_at is not null)
                 and (r.to_claim_id is not null
                      and r.to_claim_id not in (select id from claims where hidden_at is not null)
                      or r.to_proposal_id is not null
                      and r.to_proposal_id not in (select id from proposals where hidden_at is not null)
                      or r.to_relation_id is not null)"#
        )
        .fetch_all(&mut *conn)
        .await?;
        let relations = rows.into_iter().map(|r| Relation {
            id: r.id,
            from: r.from_claim_id,
            to: match (r.to_claim_id, r.to_relation_id) {
                (Some(claim), _) => Target::Claim(claim),
                (None, Some(relation)) => Target::Relation(relation),
                (None, None) => Target::Outside,
            },
            attacks: r.kind.is_attack(),
        });
        // An undercut of a relation that is not live (retired, or between hidden claims)
        // points outside the framework, which ignores it.
        Ok(Self(Framework::new(claims, relations).standings()))
    }

    pub fn of(&self, claim: i64) -> Option<&Standing> {
        self.0.claim(claim)
    }

    /// Every visible claim's id.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.claims.keys().copied()
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
    pub fn relation_label(&self, relation: i64) -> InferenceLabel {
        self.relation(relation)
            .map_or(InferenceLabel::Holds, Standing::relation_label)
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

/// One side of the argument about a proposal: the claims bearing on it directly from that
/// side (for: supports; against: attacks and undercuts), and how many of them stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Side {
    pub claims: usize,
    pub standing: usize,
}

impl Side {
    fn of(ids: &[i64], standings: &Standings) -> Self {
        Side {
            claims: ids.len(),
            standing: ids
                .iter()
                .filter(|&&id| standings.label(id) == StandingLabel::Stands)
                .count(),
        }
    }

    /// "4 for (2 stand)", "6 against (all stand)", "0 for".
    fn phrase(self, name: &str) -> String {
        let stand = match (self.claims, self.standing) {
            (0, _) => String::new(),
            (1, 1) => " (it stands)".to_owned(),
            (1, 0) => " (it does not stand)".to_owned(),
            (n, k) if n == k => " (all stand)".to_owned(),
            (_, 0) => " (none stands)".to_owned(),
            (_, k) => format!(" ({k} stand)"),
        };
        format!("{} {name}{stand}", self.claims)
    }
}

/// The balance of the argument about a proposal, from its direct claims' standing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub for_: Side,
    pub against: Side,
}

impl Balance {
    /// The balance of the claims `supporting` and `opposing` a proposal directly.
    pub fn of(supporting: &[i64], opposing: &[i64], standings: &Standings) -> Self {
        Balance {
            for_: Side::of(supporting, standings),
            against: Side::of(opposing, standings),
        }
    }

    /// "4 for (2 stand) · 6 against (all stand)"; "0 for · 0 against" when nothing
    /// bears on the proposal.
    pub fn phrase(&self) -> String {
        format!(
            "{} · {}",
            self.for_.phrase("for"),
            self.against.phrase("against")
        )
    }
}
