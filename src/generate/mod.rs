//! `argmap generate --scale N [--seed S]`: a synthetic map N times the shipped one in
//! every kind of object, for measuring argmap at size.
//!
//! Each of the N units has the shipped map's counts (11 actors, 3 debates, 12 tensions,
//! 23 proposals, 49 raised tensions, 5 sources of about 5 KB, 86 claims quoting them
//! verbatim) with supports, attacks and undercuts in chains, two- and three-claim cycles
//! and links into the previous unit, plus accounts, annotations, tags and one revision per
//! object. The same seed makes the same map. Rows are built in memory, sent with COPY into
//! staging tables, and inserted from there, so every constraint and trigger of real data
//! (quote spans included) checks them; then the tables are analysed.

mod copy;
mod plan;
pub mod text;
mod write;

use std::time::Instant;

use sqlx::PgPool;

use self::plan::plan;
use self::write::write;

/// How many of each object one unit of scale holds: the shipped map's counts.
pub const ACTORS: usize = 11;
pub const DEBATES: usize = 3;
pub const TENSIONS: usize = 12;
pub const PROPOSALS: usize = 23;
pub const RAISES: usize = 49;
pub const SOURCES: usize = 5;
pub const CLAIMS: usize = 86;
pub const USERS: usize = 4;
pub const ANNOTATIONS: usize = 12;
/// Tags are shared by all units, as topics are.
const TAGS: &[&str] = &[
    "history",
    "reorganisation",
    "localism",
    "leadership",
    "scale",
    "funding",
    "workforce",
    "competition",
    "integration",
    "accountability",
    "targets",
    "prevention",
    "social-care",
    "primary-care",
    "regulation",
];

/// What `generate` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub scale: u32,
    pub seed: u64,
}

/// What `generate` added.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub actors: usize,
    pub debates: usize,
    pub tensions: usize,
    pub proposals: usize,
    pub raises: usize,
    pub sources: usize,
    pub segments: usize,
    pub claims: usize,
    pub quotes: usize,
    pub relations: usize,
    pub evidence: usize,
    pub users: usize,
    pub annotations: usize,
    pub revisions: usize,
    pub seconds: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated {} claims ({} quotes, {} relations), {} sources ({} segments), {} debates, \
             {} proposals, {} tensions ({} raised, {} evidence links), {} actors, {} accounts, \
             {} annotations and {} revisions in {:.1} s",
            self.claims,
            self.quotes,
            self.relations,
            self.sources,
            self.segments,
            self.debates,
            self.proposals,
            self.tensions,
            self.raises,
            self.evidence,
            self.actors,
            self.users,
            self.annotations,
            self.revisions,
            self.seconds
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("--scale must be between 1 and {max}, not {given}")]
    Scale { given: u32, max: u32 },
    #[error(
        "this database already holds the map generated with --seed {seed}: choose another seed"
    )]
    SeedUsed { seed: u64 },
    #[error("database error while generating: {0}")]
    Database(#[from] sqlx::Error),
}

pub const MAX_SCALE: u32 = 10_000;

/// Adds the map planned for `options` to the database in one transaction, then analyses
/// the tables so the planner knows their new sizes.
pub async fn generate(pool: &PgPool, options: Options) -> Result<Summary, GenerateError> {
    if options.scale == 0 || options.scale > MAX_SCALE {
        return Err(GenerateError::Scale {
            given: options.scale,
            max: MAX_SCALE,
        });
    }
    let started = Instant::now();
    let planned = tokio::task::spawn_blocking(move || plan(options))
        .await
        .expect("planning does not panic");
    let tag = format!("g{}-actor-0-0", options.seed);
    let used = sqlx::query_scalar!(
        r#"select exists(select 1 from actors where slug = $1::text) as "used!""#,
        tag
    )
    .fetch_one(pool)
    .await?;
    if used {
        return Err(GenerateError::SeedUsed { seed: options.seed });
    }
    let password_hash = crate::auth::passwords::hash(format!(
        "generated-{}-{}",
        options.seed,
        crate::auth::csrf::random_token()
    ))
    .await
    .map_err(|_| sqlx::Error::Protocol("cannot hash a password".into()))?;

    let mut tx = pool.begin().await?;
    let mut summary = write(&mut tx, &planned, &password_hash, options).await?;
    tx.commit().await?;
    crate::db::analyze(pool).await?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
