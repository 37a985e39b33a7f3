//! Runtime configuration, read from flags with environment fallbacks (see `cli`).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to know to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the HTTP server listens.
    pub addr: SocketAddr,
    /// Folder for argmap's own files: the embedded PostgreSQL cluster lives in `postgres/`.
    pub data_dir: PathBuf,
    /// An external PostgreSQL to use instead of the embedded one.
    pub database_url: Option<String>,
    /// Folder served under `/static`.
    pub static_dir: PathBuf,
    /// The map loaded into an empty embedded database on first start.
    pub seed_map: Option<PathBuf>,
    /// Whether anyone may create an account (otherwise admins add users from the CLI).
    pub open_signup: bool,
    /// Mark session cookies `Secure` (serve over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Reuse rendered pages for anonymous visitors until the map changes.
    pub page_cache: bool,
    /// PostgreSQL streaming replicas that answer anonymous reads (`http::replicas`).
    pub replica_urls: Vec<String>,
}

impl Config {
    /// A configuration for tests and tools: `addr` and defaults for the rest.
    pub fn for_addr(addr: SocketAddr) -> Self {
        Self {
            addr,
            data_dir: std::env::temp_dir(),
            database_url: None,
            static_dir: Self::default_static_dir(),
            seed_map: None,
            open_signup: true,
            secure_cookies: false,
            // Tests turn it on where they mean to check reuse.
            page_cache: false,
            replica_urls: Vec::new(),
        }
    }
}

impl Config {
    /// The static folder of the source tree argmap was built from.
    pub fn default_static_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
    }

    /// The NHS map shipped in the source tree argmap was built from.
    pub fn shipped_map() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nhs-reform"))
    }
}
