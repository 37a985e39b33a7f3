//! Builders for small maps, so that a test needing "some claim" or "some proposal" makes
//! its own instead of leaning on the shipped NHS corpus (whose edits would then break it).
//!
//! A map is written as a map folder (`docs/map-format.md`) in a temporary directory and
//! loaded with `argmap::map::load_map`, the path `argmap load-map` takes:
//!
//! ```ignore
//! let map = MapBuilder::new()
//!     .debate("a-debate")
//!     .proposal("a-proposal", "a-debate")
//!     .source("a-source", &["A first post.", "A second post."])
//!     .claim("a-claim", "A claim in the mapper's words.", "A first post")
//!     .claim("b-claim", "Another claim in the mapper's words.", "second post")
//!     .attacks("b-claim", "a-claim")
//!     .create(&app.db)
//!     .await;
//! ```
//!
//! Every source is a numbered thread by one author, [`AUTHOR_NAME`], in every debate
//! declared before it; its posts' anchors are `s1-N`, `s2-N`, ... (see
//! [`BuiltMap::segment`]). Titles are made from the slugs.

use std::fmt::Write as _;
use std::path::Path;

use sqlx::PgPool;

use crate::harness::TestApp;

/// The slug of the one actor of a built map, the author of every source and claim.
pub const AUTHOR: &str = "ann-author";
/// Its name, as pages show it.
pub const AUTHOR_NAME: &str = "Ann Author";

#[derive(Default)]
pub struct MapBuilder {
    debates: Vec<String>,
    tensions: Vec<String>,
    proposals: Vec<(String, String)>,
    raises: Vec<Raise>,
    sources: Vec<SourceSpec>,
}

struct Raise {
    proposal: String,
    tension: String,
    leaning: String,
    /// The claims that show it, each with the pole it argues for.
    shown_by: Vec<(String, String)>,
}

struct SourceSpec {
    slug: String,
    posts: Vec<String>,
    debates: Vec<String>,
    claims: Vec<ClaimSpec>,
}

struct ClaimSpec {
    slug: String,
    text: String,
    quote: String,
    supports: Vec<String>,
    attacks: Vec<String>,
}

/// What a built map holds: its sources' and claims' slugs, and its posts' anchors.
pub struct BuiltMap {
    pub sources: Vec<String>,
    pub claims: Vec<String>,
    posts: Vec<usize>,
}

impl BuiltMap {
    /// The anchor of post `n` (from 1) of `source`, as its page and forms name it.
    pub fn segment(&self, source: &str, n: usize) -> String {
        let index = self
            .sources
            .iter()
            .position(|s| s == source)
            .unwrap_or_else(|| panic!("no source {source:?} in the built map"));
        format!("s{n}-{}", self.posts[index])
    }
}

impl MapBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A debate titled after its slug.
    pub fn debate(mut self, slug: &str) -> Self {
        self.debates.push(slug.to_owned());
        self
    }

    /// A tension titled after its slug, its poles `Pole A` and `Pole B`.
    pub fn tension(mut self, slug: &str) -> Self {
        self.tensions.push(slug.to_owned());
        self
    }

    /// A proposal in `debate`, titled after its slug.
    pub fn proposal(mut self, slug: &str, debate: &str) -> Self {
        self.proposals.push((slug.to_owned(), debate.to_owned()));
        self
    }

    /// `proposal` raises `tension`, leaning `a`, `b` or `balanced`.
    pub fn raises(mut self, proposal: &str, tension: &str, leaning: &str) -> Self {
        self.raises.push(Raise {
            proposal: proposal.to_owned(),
            tension: tension.to_owned(),
            leaning: leaning.to_owned(),
            shown_by: Vec::new(),
        });
        self
    }

    /// The last tension raised is shown by `claim`, arguing for `pole` (`a` or `b`).
    pub fn shown_by(mut self, claim: &str, pole: &str) -> Self {
        self.raises
            .last_mut()
            .expect("evidence shows a raised tension: call .raises(..) first")
            .shown_by
            .push((claim.to_owned(), pole.to_owned()));
        self
    }

    /// A thread whose posts are `posts`, in every debate declared so far.
    pub fn source(mut self, slug: &str, posts: &[&str]) -> Self {
        self.sources.push(SourceSpec {
            slug: slug.to_owned(),
            posts: posts.iter().map(|&p| p.to_owned()).collect(),
            debates: self.debates.clone(),
            claims: Vec::new(),
        });
        self
    }

    /// A claim of the last source, evidenced by `quote` (verbatim from one of its posts).
    pub fn claim(mut self, slug: &str, text: &str, quote: &str) -> Self {
        self.sources
            .last_mut()
            .expect("a claim belongs to a source: call .source(..) first")
            .claims
            .push(ClaimSpec {
                slug: slug.to_owned(),
                text: text.to_owned(),
                quote: quote.to_owned(),
                supports: Vec::new(),
                attacks: Vec::new(),
            });
        self
    }

    /// Claim `from` supports `to` (a claim slug, or `proposal:SLUG`).
    pub fn supports(self, from: &str, to: &str) -> Self {
        self.relate(from, to, |claim| &mut claim.supports)
    }

    /// Claim `from` attacks `to` (a claim slug, or `proposal:SLUG`).
    pub fn attacks(self, from: &str, to: &str) -> Self {
        self.relate(from, to, |claim| &mut claim.attacks)
    }

    fn relate(
        mut self,
        from: &str,
        to: &str,
        kind: impl FnOnce(&mut ClaimSpec) -> &mut Vec<String>,
    ) -> Self {
        let claim = self
            .sources
            .iter_mut()
            .flat_map(|s| &mut s.claims)
            .find(|c| c.slug == from)
            .unwrap_or_else(|| panic!("no claim {from:?} declared yet"));
        kind(claim).push(to.to_owned());
        self
    }

    /// Writes the map folder into `dir` (`map.toml`, `claims/`, `sources/`).
    pub fn write(&self, dir: &Path) {
        std::fs::create_dir_all(dir.join("claims")).unwrap();
        std::fs::create_dir_all(dir.join("sources")).unwrap();
        std::fs::write(dir.join("map.toml"), self.map_toml()).unwrap();
        for source in &self.sources {
            let count = source.posts.len();
            let thread: String = (1..)
                .zip(&source.posts)
                .map(|(n, post)| format!("{post} {n}/{count}\n"))
                .collect();
            std::fs::write(dir.join(format!("sources/{}.txt", source.slug)), thread).unwrap();
            std::fs::write(
                dir.join(format!("claims/{}.toml", source.slug)),
                source.toml(),
            )
            .unwrap();
        }
    }

    /// Loads the map into `db` as `argmap load-map` would.
    pub async fn create(self, db: &PgPool) -> BuiltMap {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        let mut tx = db.begin().await.unwrap();
        argmap::map::load_map(&mut tx, dir.path())
            .await
            .unwrap_or_else(|e| panic!("the built map does not load: {e}"));
        tx.commit().await.unwrap();
        BuiltMap {
            posts: self.sources.iter().map(|s| s.posts.len()).collect(),
            claims: self
                .sources
                .iter()
                .flat_map(|s| s.claims.iter().map(|c| c.slug.clone()))
                .collect(),
            sources: self.sources.into_iter().map(|s| s.slug).collect(),
        }
    }

    fn map_toml(&self) -> String {
        let mut toml = format!(
            "[[actors]]\nslug = \"{AUTHOR}\"\nname = \"{AUTHOR_NAME}\"\nkind = \"person\"\n"
        );
        for slug in &self.debates {
            let title = quoted(&title(slug));
            write!(toml, "\n[[debates]]\nslug = \"{slug}\"\ntitle = {title}\n").unwrap();
        }
        for slug in &self.tensions {
            let title = quoted(&title(slug));
            write!(
                toml,
                "\n[[tensions]]\nslug = \"{slug}\"\ntitle = {title}\npole_a = \"Pole A\"\npole_b = \"Pole B\"\n"
            )
            .unwrap();
        }
        for (slug, debate) in &self.proposals {
            let title = quoted(&title(slug));
            write!(
                toml,
                "\n[[proposals]]\nslug = \"{slug}\"\ndebate = \"{debate}\"\ntitle = {title}\n"
            )
            .unwrap();
        }
        for raise in &self.raises {
            let shown_by: Vec<String> = raise
                .shown_by
                .iter()
                .map(|(claim, pole)| format!("{{ claim = \"{claim}\", pole = \"{pole}\" }}"))
                .collect();
            write!(
                toml,
                "\n[[raises]]\nproposal = \"{}\"\ntension = \"{}\"\nleaning = \"{}\"\nshown_by = [{}]\n",
                raise.proposal,
                raise.tension,
                raise.leaning,
                shown_by.join(", "),
            )
            .unwrap();
        }
        toml
    }
}

impl SourceSpec {
    fn toml(&self) -> String {
        let mut toml = format!(
            "[source]\nslug = \"{slug}\"\nfile = \"sources/{slug}.txt\"\nkind = \"thread\"\ntitle = {title}\nauthor = \"{AUTHOR}\"\ndebates = {debates}\n",
            slug = self.slug,
            title = quoted(&title(&self.slug)),
            debates = list(&self.debates),
        );
        for claim in &self.claims {
            write!(
                toml,
                "\n[[claims]]\nslug = \"{}\"\ntext = {}\nquotes = [{}]\nsupports = {}\nattacks = {}\n",
                claim.slug,
                quoted(&claim.text),
                quoted(&claim.quote),
                list(&claim.supports),
                list(&claim.attacks),
            )
            .unwrap();
        }
        toml
    }
}

/// A TOML basic string: JSON's string escapes are all valid TOML ones.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap()
}

/// `a-small-debate` → `A small debate`.
fn title(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl TestApp {
    /// The app on a fresh database holding the map `builder` describes.
    pub async fn spawn_with_map(builder: MapBuilder) -> (Self, BuiltMap) {
        let app = Self::spawn().await;
        let map = builder.create(&app.db).await;
        (app, map)
    }
}

/// A small map for tests that need "some claim": a debate with a proposal raising a
/// tension, and a three-post thread with two claims, one supporting the proposal and the
/// other showing the tension's pole B. The
/// third post's second sentence is claimed by no one, so the importer suggests it.
pub mod small {
    use sqlx::PgPool;

    use argmap::auth::Role;

    use super::MapBuilder;
    use crate::harness::{TestApp, Visitor, fresh_database};

    pub const DEBATE: &str = "a-debate";
    pub const PROPOSAL: &str = "a-proposal";
    pub const TENSION: &str = "a-tension";
    pub const SOURCE: &str = "a-thread";
    /// The second of the thread's three posts, which holds `QUOTE`.
    pub const SEGMENT: &str = "s2-3";
    /// Words of `SEGMENT` that no claim quotes yet.
    pub const QUOTE: &str = "more control increases the probability of blameworthy things";
    /// A claim with no attackers, supporting `PROPOSAL`.
    pub const TARGET: &str = "reorganisations-seed-the-next";
    /// Another claim, related to nothing.
    pub const VICTIM: &str = "proposals-allow-local-variation";

    pub fn map() -> MapBuilder {
        MapBuilder::new()
            .debate(DEBATE)
            .proposal(PROPOSAL, DEBATE)
            .tension(TENSION)
            .raises(PROPOSAL, TENSION, "a")
            .shown_by(VICTIM, "b")
            .source(
                SOURCE,
                &[
                    "It is striking that every reorganisation since 1974 contains the seeds of the next one.",
                    "Ministers want levers to steer the service, but more control increases the probability of blameworthy things.",
                    "Current proposals allow local variation. Variation will be reversed the moment it fails, because nobody tolerates a postcode lottery.",
                ],
            )
            .claim(
                TARGET,
                "Every NHS reorganisation since 1974 has carried within it the seeds of the next one.",
                "every reorganisation since 1974 contains the seeds of the next one",
            )
            .claim(
                VICTIM,
                "The current reform proposals allow local variation.",
                "Current proposals allow local variation.",
            )
            .supports(TARGET, &format!("proposal:{PROPOSAL}"))
    }

    /// The app on a fresh database holding the small map.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with_map(map()).await.0
    }

    /// The app on the small map, and a visitor signed in as a new contributor, `email`.
    pub async fn contributor(email: &str) -> (TestApp, Visitor) {
        signed_in(email, Role::Contributor).await
    }

    /// The app on the small map, and a visitor signed in as a new user, `email`, with
    /// `role`.
    pub async fn signed_in(email: &str, role: Role) -> (TestApp, Visitor) {
        let app = spawn().await;
        let visitor = app.signed_in(email, role).await;
        (app, visitor)
    }

    /// A fresh database holding the small map, and its name.
    pub async fn database() -> (PgPool, String) {
        let (db, name) = fresh_database().await;
        map().create(&db).await;
        (db, name)
    }
}

#[tokio::test]
async fn a_built_map_loads_with_its_claims_relations_and_tension() {
    let (app, map) = TestApp::spawn_with_map(
        MapBuilder::new()
            .debate("a-debate")
            .proposal("a-proposal", "a-debate")
            .tension("a-tension")
            .raises("a-proposal", "a-tension", "b")
            .source(
                "a-source",
                &[
                    "The first post says one thing.",
                    "The second post says another.",
                ],
            )
            .claim("first-claim", "The first post says one thing.", "one thing")
            .claim(
                "second-claim",
                "The second post says another.",
                "says another",
            )
            .attacks("second-claim", "first-claim")
            .supports("first-claim", "proposal:a-proposal"),
    )
    .await;
    assert_eq!(map.claims, ["first-claim", "second-claim"]);
    assert_eq!(map.segment("a-source", 2), "s2-2");
    let claim = app.page("/claims/first-claim").await;
    assert_eq!(crate::harness::text_of(&claim, ".kind .actor"), AUTHOR_NAME);
    assert_eq!(
        crate::harness::text_of(&claim, ".standing-line .standing"),
        "defeated"
    );
    let source = app.page("/sources/a-source").await;
    assert_eq!(
        crate::harness::text_of(&source, "#s2-2 mark"),
        "says another"
    );
    let proposal = app.page("/proposals/a-proposal").await;
    assert!(
        crate::harness::hrefs(&proposal, "a").contains(&"/tensions/a-tension".to_owned()),
        "the proposal raises the tension"
    );
}
