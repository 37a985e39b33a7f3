//! Small view types shared by the pages: claims as listed, breadcrumbs, standings; `form`
//! holds what every form page shares.

pub(crate) mod form;

use std::collections::BTreeMap;

use sqlx::PgExecutor;

use crate::standing::{Framework, Standing, StandingLabel};

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

/// Every visible claim's standing, computed over all attack and undercut relations
/// between visible claims: two queries whatever the page.
#[derive(Debug, Clone, Default)]
pub struct Standings(BTreeMap<i64, Standing>);

impl Standings {
    pub async fn load(db: impl PgExecutor<'_> + Copy) -> Result<Self, sqlx::Error> {
        let claims = sqlx::query_scalar!("select id from claims where hidden_at is null")
            .fetch_all(db)
            .await?;
        let attacks = sqlx::query!(
            r#"select r.from_claim_id, r.to_claim_id as "to_claim_id!"
               from relations r
               join claims f on f.id = r.from_claim_id and f.hidden_at is null
               join claims t on t.id = r.to_claim_id and t.hidden_at is null
               where r.kind in ('attacks', 'undercuts') and r.removed_at is null"#
        )
        .fetch_all(db)
        .await?;
        let framework = Framework::new(
            claims,
            attacks
                .into_iter()
                .map(|r| (r.from_claim_id, r.to_claim_id)),
        );
        Ok(Self(framework.standings()))
    }

    pub fn of(&self, claim: i64) -> Option<&Standing> {
        self.0.get(&claim)
    }

    pub fn label(&self, claim: i64) -> StandingLabel {
        self.of(claim)
            .map_or(StandingLabel::Stands, Standing::label)
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
