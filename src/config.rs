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
    /// Mark session cookies `Secure` (serve over HTTPS, e.g. behind a proxy); also sends
    /// `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// The request header a trusted reverse proxy puts the client's address in (e.g.
    /// `x-forwarded-for`, whose last entry is taken, or `x-real-ip`). Unset: the address is
    /// the connection's peer, and no header is believed.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// How long a client may take to send a request's headers (slowloris defence).
    pub header_read_timeout: std::time::Duration,
    /// Rate limits, per client address and per account (see `http::limits`).
    pub limits: LimitConfig,
    /// Reuse rendered pages for anonymous visitors until the map changes.
    pub page_cache: bool,
    /// PostgreSQL streaming replicas that answer anonymous reads (`http::replicas`).
    pub replica_urls: Vec<String>,
    /// The site's public address (`https://argmap.example.org`, no trailing slash): links in
    /// documents that leave the site (the debate summary) start with it. When unset, the
    /// address the request was made to is used.
    pub public_url: Option<String>,
    /// Where mail (the link that finishes a sign-up) goes.
    pub mail: crate::mail::MailConfig,
    /// Who that mail is from, e.g. `argmap <argmap@example.org>`.
    pub mail_from: lettre::message::Mailbox,
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
            trusted_proxy_header: None,
            header_read_timeout: Self::HEADER_READ_TIMEOUT,
            limits: LimitConfig::default(),
            // Tests turn it on where they mean to check reuse.
            page_cache: false,
            replica_urls: Vec::new(),
            public_url: None,
            mail: crate::mail::MailConfig::Outbox(std::env::temp_dir().join("argmap-outbox")),
            mail_from: Self::default_mail_from(),
        }
    }
}

impl Config {
    /// The default time a client has to send a request's headers.
    pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

    pub fn default_mail_from() -> lettre::message::Mailbox {
        "argmap <argmap@localhost>"
            .parse()
            .expect("a valid mailbox")
    }

    /// The site's address at the start of links that leave it (mail, summaries): the
    /// configured public URL, else the address argmap listens on. Never the request's
    /// `Host`, which the requester chooses.
    pub fn site_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// The static folder of the source tree argmap was built from.
    pub fn default_static_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
    }

    /// The NHS map shipped in the source tree argmap was built from.
    pub fn shipped_map() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/nhs-reform"))
    }
}

/// How many sign-ups and writes are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    /// Accounts one client address may create per hour.
    pub signups_per_hour: u32,
    /// Writes (POST, PUT, PATCH, DELETE) per minute, for one address and for one account.
    pub writes_per_minute: u32,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            signups_per_hour: 10,
            writes_per_minute: 120,
        }
    }
}

/// Checks a public base URL: `http` or `https`, a host, no query or fragment; returns it
/// without a trailing slash.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("{text:?} is not an http:// or https:// address"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    {
        return Err(format!("{text:?} has no valid host name"));
    }
    if rest.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return Err(format!(
            "{text:?}: a public URL has no query, fragment or spaces"
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn a_public_url_is_an_http_address_with_a_host_and_loses_its_trailing_slash() {
        assert_eq!(
            parse_public_url("https://argmap.example.org/").unwrap(),
            "https://argmap.example.org"
        );
        assert_eq!(
            parse_public_url("http://example.org/argmap").unwrap(),
            "http://example.org/argmap"
        );
        assert!(parse_public_url("argmap.example.org").is_err());
        assert!(parse_public_url("https:///x").is_err());
        assert!(parse_public_url("https://a.org/?x=1").is_err());
        assert!(parse_public_url("https://a<b>.org").is_err());
    }
}
