//! The test harness: one private PostgreSQL cluster for the whole run (argmap's own
//! embedded-cluster code), a fresh database per test cloned from a migrated template,
//! and the app served on a random port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use argmap::config::Config;
use argmap::db::embedded::Cluster;
use argmap::export::import::ImportReport;
use argmap::export::{self, MapDocument, Scope};
use argmap::{AppState, app};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

const TEMPLATE: &str = "argmap_template";
/// The template with the shipped NHS map loaded.
const CORPUS_TEMPLATE: &str = "argmap_corpus";

struct TestCluster {
    options: PgConnectOptions,
    /// The server's socket folder, for database URLs.
    socket_dir: PathBuf,
}

/// Starts the cluster on first use. Its server is spawned from a thread that lives until
/// the test binary exits, so the kernel stops it then (see `Cluster::start`).
fn cluster() -> &'static TestCluster {
    static CLUSTER: OnceLock<TestCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("test-postgres".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let cluster = runtime.block_on(start_cluster());
                sender.send(cluster).unwrap();
                loop {
                    std::thread::park();
                }
            })
            .unwrap();
        receiver.recv().expect("the test cluster thread died")
    })
}

async fn start_cluster() -> TestCluster {
    remove_clusters_of_finished_runs();
    let data_dir = run_dir(std::process::id());
    let postgres = Cluster::new(&data_dir)
        .expect("PostgreSQL server binaries are needed for the tests")
        // Durability is worthless for throwaway test data; speed is not.
        .with_setting("fsync", "off")
        .with_setting("synchronous_commit", "off")
        .with_setting("full_page_writes", "off")
        .with_setting("max_connections", "300")
        // Counts the statements each page runs (see `pages::queries`).
        .with_setting("shared_preload_libraries", "pg_stat_statements")
        .start()
        .await
        .expect("starting the test cluster");
    let options = postgres.connect_options("postgres");
    let mut admin = PgConnection::connect_with(&options).await.unwrap();
    create_database(&mut admin, TEMPLATE, None).await;
    let mut template = PgConnection::connect_with(&options.clone().database(TEMPLATE))
        .await
        .unwrap();
    argmap::db::MIGRATOR
        .run(&mut template)
        .await
        .expect("migrating the template database");
    sqlx::raw_sql("create extension pg_stat_statements")
        .execute(&mut template)
        .await
        .unwrap();
    template.close().await.unwrap();

    create_database(&mut admin, CORPUS_TEMPLATE, Some(TEMPLATE)).await;
    let mut corpus = PgConnection::connect_with(&options.clone().database(CORPUS_TEMPLATE))
        .await
        .unwrap();
    let mut tx = corpus.begin().await.unwrap();
    argmap::map::load_map(&mut tx, &Config::shipped_map())
        .await
        .expect("loading the shipped map");
    tx.commit().await.unwrap();
    corpus.close().await.unwrap();
    admin.close().await.unwrap();
    // Leak it: the server must outlive this function, and stops with the test binary.
    std::mem::forget(postgres);
    TestCluster {
        options,
        socket_dir: data_dir.join("postgres"),
    }
}

/// `create database NAME`, a copy of `template` if there is one.
async fn create_database(admin: &mut PgConnection, name: &str, template: Option<&str>) {
    let copy = template
        .map(|t| format!(" template {t}"))
        .unwrap_or_default();
    sqlx::raw_sql(&format!("create database {name}{copy}"))
        .execute(admin)
        .await
        .unwrap();
}

fn run_dir(pid: u32) -> PathBuf {
    std::env::temp_dir().join(format!("argmap-tests-{pid}"))
}

/// Each run leaves its cluster folder behind; remove those whose test binary has exited.
fn remove_clusters_of_finished_runs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("argmap-tests-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = PathBuf::from(format!("/proc/{pid}")).exists();
        let server_alive = std::fs::read_to_string(entry.path().join("postgres/postmaster.pid"))
            .ok()
            .and_then(|text| {
                text.lines()
                    .next()
                    .map(|l| PathBuf::from(format!("/proc/{}", l.trim())).exists())
            })
            .unwrap_or(false);
        if !alive && !server_alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder of the test cluster's Unix socket.
#[allow(dead_code)] // for the replica test
pub fn socket_dir() -> PathBuf {
    cluster().socket_dir.clone()
}

/// A URL for a database of the test cluster, for the `argmap` binary.
pub fn database_url(name: &str) -> String {
    format!(
        "postgres://argmap@localhost/{name}?host={}",
        cluster().socket_dir.display()
    )
}

/// A fresh, migrated database of its own.
pub async fn fresh_database() -> (PgPool, String) {
    database_from(TEMPLATE).await
}

/// A fresh database holding the shipped NHS map.
pub async fn corpus_database() -> (PgPool, String) {
    database_from(CORPUS_TEMPLATE).await
}

async fn database_from(template: &str) -> (PgPool, String) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let cluster = cluster();
    let name = format!("test_{}", COUNTER.fetch_add(1, Ordering::Relaxed));
    let mut admin = PgConnection::connect_with(&cluster.options).await.unwrap();
    create_database(&mut admin, &name, Some(template)).await;
    admin.close().await.unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(cluster.options.clone().database(&name))
        .await
        .unwrap();
    (pool, name)
}

/// The app, serving a fresh database on a random port.
/// Where the app listening on `addr` writes its mail.
fn outbox(addr: SocketAddr) -> PathBuf {
    std::env::temp_dir().join(format!("argmap-test-outbox-{}", addr.port()))
}

pub struct TestApp {
    pub addr: SocketAddr,
    #[allow(dead_code)] // for tests that check what a request wrote
    pub db: PgPool,
    pub client: reqwest::Client,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(outbox(self.addr));
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        let (db, _) = fresh_database().await;
        Self::spawn_with_pool(db).await
    }

    /// The app on a fresh copy of the shipped NHS map.
    pub async fn spawn_with_corpus() -> Self {
        let (db, _) = corpus_database().await;
        Self::spawn_with_pool(db).await
    }

    /// The app on a pool of our choosing (e.g. one whose database is unreachable).
    pub async fn spawn_with_pool(db: PgPool) -> Self {
        Self::spawn_with_config(db, |_| {}).await
    }

    /// The app on a fresh database, its default test configuration changed by `configure`.
    pub async fn spawn_configured(configure: impl FnOnce(&mut Config)) -> Self {
        let (db, _) = fresh_database().await;
        Self::spawn_with_config(db, configure).await
    }

    /// The app on `db`, its default test configuration changed by `configure`.
    pub async fn spawn_with_config(db: PgPool, configure: impl FnOnce(&mut Config)) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::for_addr(addr);
        let outbox = outbox(addr);
        let _ = std::fs::remove_dir_all(&outbox); // a port used by an earlier run
        config.mail = argmap::mail::MailConfig::Outbox(outbox);
        configure(&mut config);
        let header_read_timeout = config.header_read_timeout;
        let app = app(AppState::new(db.clone(), config));
        // Served the way `argmap serve` serves (connect info, header read timeout).
        tokio::spawn(argmap::http::serve::serve(
            listener,
            app,
            header_read_timeout,
            std::future::pending(),
        ));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Self { addr, db, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The sign-up link in the last mail sent to `to`, if it has one.
    #[allow(dead_code)]
    pub fn signup_link(&self, to: &str) -> Option<String> {
        let mail = self.mails_to(to).pop()?;
        let start = mail.find("http")?;
        let link: String = mail[start..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        link.contains("/signup/confirm?token=").then_some(link)
    }

    /// The bodies of the mail sent to `to`, oldest first (headers and encoding undone).
    #[allow(dead_code)]
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        self.mails()
            .into_iter()
            .filter(|mail| {
                mail.lines()
                    .any(|l| l.starts_with("To: ") && l.contains(&format!("<{to}>")))
            })
            .map(|mail| {
                let (_, body) = mail.split_once("\r\n\r\n").unwrap();
                // Quoted-printable, as lettre writes long lines: soft breaks, `=3D`.
                body.replace("=\r\n", "")
                    .replace("=3D", "=")
                    .replace("\r\n", "\n")
            })
            .collect()
    }

    /// The mail the app has sent (its outbox), oldest first, each as its raw text.
    #[allow(dead_code)]
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(outbox(self.addr)) else {
            return Vec::new();
        };
        let mut mails: Vec<(std::time::SystemTime, String)> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .map(|path| {
                let written = std::fs::metadata(&path).unwrap().modified().unwrap();
                (written, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        mails.sort();
        mails.into_iter().map(|(_, text)| text).collect()
    }

    /// A GET of `path`, for the caller to finish (a header, a query, a token) and [`send`].
    fn get_request(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(self.url(path))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        send(self.get_request(path)).await
    }

    /// GETs `path` with one more request header.
    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        send(self.get_request(path).header(header, value)).await
    }

    /// GETs `path` with the query string `query` (its values encoded as need be).
    pub async fn get_query(&self, path: &str, query: &[(&str, &str)]) -> reqwest::Response {
        send(self.get_request(path).query(query)).await
    }

    /// Sends `body` as JSON to `path` with an API token.
    pub async fn send_as(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let request = self.client.request(method, self.url(path));
        send(request.bearer_auth(token).json(body)).await
    }

    /// GETs `path` with an API token.
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        send(self.get_request(path).bearer_auth(token)).await
    }

    /// GETs `path` and reads its JSON body.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.unwrap()
    }

    /// GETs `path`, asserting a 200 answer of the type `content_type`, and reads its text.
    pub async fn text(&self, path: &str, content_type: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
        assert_eq!(
            header(&response, "content-type"),
            content_type,
            "GET {path}"
        );
        response.text().await.unwrap()
    }

    /// GETs the drawing at `path` (a `map.svg`), asserting a 200 SVG answer, and reads it.
    pub async fn svg(&self, path: &str) -> String {
        self.text(path, "image/svg+xml; charset=utf-8").await
    }

    /// GETs a page, asserting a 200 HTML response, and parses it.
    pub async fn page(&self, path: &str) -> scraper::Html {
        ok_page(path, self.get(path).await).await
    }

    /// GETs a page as [`TestApp::page`] does, asserting that its main heading is `heading`.
    pub async fn page_headed(&self, path: &str, heading: &str) -> scraper::Html {
        let page = self.page(path).await;
        assert_eq!(text_of(&page, "main h1"), heading, "GET {path}");
        page
    }
}

/// Sends `request`, which must be answered (with whatever status).
pub async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request failed")
}

/// Asserts that the answer to `GET path` is a 200 HTML page, and parses it.
async fn ok_page(path: &str, response: reqwest::Response) -> scraper::Html {
    assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
    html(response).await
}

/// The page of a form refused with 422, which shows the form again with what was wrong.
pub async fn refused_form(response: reqwest::Response) -> scraper::Html {
    let status = response.status();
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "refused");
    html(response).await
}

/// Parses a response's body, asserting it is HTML.
pub async fn html(response: reqwest::Response) -> scraper::Html {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "expected HTML, got {content_type:?}"
    );
    scraper::Html::parse_document(&response.text().await.unwrap())
}

/// Every element matching `selector`.
pub fn select<'a>(document: &'a scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let parsed = scraper::Selector::parse(selector).unwrap();
    document.select(&parsed).collect()
}

/// Asserts that nothing on `document` matches `selector`, for the reason `why`.
#[track_caller]
pub fn assert_none(document: &scraper::Html, selector: &str, why: &str) {
    let found = select(document, selector).len();
    assert_eq!(found, 0, "{why}: {found} match {selector:?}");
}

/// Asserts that something on `document` matches `selector`, for the reason `why`.
#[track_caller]
pub fn assert_some(document: &scraper::Html, selector: &str, why: &str) {
    select_some(document, selector, why);
}

/// Every element matching `selector`, asserting (for the reason `why`) that there is one
/// at least.
#[track_caller]
pub fn select_some<'a>(
    document: &'a scraper::Html,
    selector: &str,
    why: &str,
) -> Vec<scraper::ElementRef<'a>> {
    let found = select(document, selector);
    assert!(!found.is_empty(), "{why}: nothing matches {selector:?}");
    found
}

/// Asserts that exactly one element on `document` matches `selector`, for the reason `why`.
#[track_caller]
pub fn assert_one(document: &scraper::Html, selector: &str, why: &str) {
    let found = select(document, selector).len();
    assert_eq!(found, 1, "{why}: {found} match {selector:?}");
}

/// The `href`s of the elements matching `selector`.
pub fn hrefs(document: &scraper::Html, selector: &str) -> Vec<String> {
    select(document, selector)
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_owned)
        .collect()
}

/// The texts (whitespace collapsed) of the elements matching `selector`.
pub fn texts(document: &scraper::Html, selector: &str) -> Vec<String> {
    select(document, selector).iter().map(text).collect()
}

/// An element's text with whitespace collapsed.
pub fn text(element: &scraper::ElementRef) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The slug of what a create made: the answer must be 201, with the new object's `slug`.
pub async fn created_slug(response: reqwest::Response) -> String {
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let created: serde_json::Value = response.json().await.unwrap();
    created["slug"].as_str().unwrap().to_owned()
}

/// The version an edit form carries (its hidden `version` field).
pub fn form_version(form: &scraper::Html) -> String {
    select(form, "input[name=version]")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_owned()
}

/// The text of the first element matching `selector`.
#[track_caller]
pub fn text_of(document: &scraper::Html, selector: &str) -> String {
    let parsed = scraper::Selector::parse(selector).unwrap();
    let element = document
        .select(&parsed)
        .next()
        .unwrap_or_else(|| panic!("nothing matches {selector}"));
    text(&element)
}

/// Someone using the site: their own cookie jar, and the CSRF token of their session.
pub struct Visitor {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// A new visitor with no session.
    pub fn visitor(&self) -> Visitor {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Visitor {
            client,
            base: self.url(""),
            csrf: String::new(),
        }
    }

    /// Creates an account with `role` (straight in the database) and returns its id.
    pub async fn user(&self, email: &str, role: argmap::auth::Role) -> i64 {
        let mut conn = self.db.acquire().await.unwrap();
        let new = argmap::users::NewUser {
            email: email.to_owned(),
            display_name: email.split('@').next().unwrap().to_owned(),
            password: PASSWORD.to_owned(),
            role,
        };
        argmap::users::create(&mut conn, &new, None).await.unwrap()
    }

    /// A visitor signed in (through the sign-in form) as a new user with `role`.
    pub async fn signed_in(&self, email: &str, role: argmap::auth::Role) -> Visitor {
        self.user(email, role).await;
        let mut visitor = self.visitor();
        visitor.sign_in(email, PASSWORD).await;
        visitor
    }

    /// An API token for a new user with `role`.
    pub async fn token(&self, email: &str, role: argmap::auth::Role) -> String {
        let id = self.user(email, role).await;
        let mut conn = self.db.acquire().await.unwrap();
        let user = argmap::auth::User {
            id,
            email: email.to_owned(),
            display_name: email.to_owned(),
            role,
            via: argmap::auth::Via::Token,
        };
        argmap::auth::tokens::create(&mut conn, &user, "tests")
            .await
            .unwrap()
            .1
    }
}

impl Visitor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        send(self.client.get(self.url(path))).await
    }

    /// GETs a page as this visitor, asserting a 200 HTML response, and parses it.
    pub async fn page(&self, path: &str) -> scraper::Html {
        ok_page(path, self.get(path).await).await
    }

    /// Reads the CSRF token from a form on `path` (as a browser would have it).
    pub async fn fetch_csrf(&mut self, path: &str) {
        let body = self.get(path).await.text().await.unwrap();
        let page = scraper::Html::parse_document(&body);
        let selector = scraper::Selector::parse("input[name=csrf]").unwrap();
        self.csrf = page
            .select(&selector)
            .next()
            .and_then(|input| input.value().attr("value"))
            .unwrap_or_else(|| panic!("no CSRF field on {path}"))
            .to_owned();
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        self.fetch_csrf("/signin").await;
        let response = self
            .post_form("/signin", &[("email", email), ("password", password)])
            .await;
        if response.status() == 303 {
            // A new session id after signing in; its token stays the same.
            self.fetch_csrf("/account").await;
        }
        response
    }

    /// Fills in the sign-up form (which mails a link; it makes no account by itself).
    #[allow(dead_code)]
    pub async fn sign_up(&mut self, email: &str, name: &str, next: &str) -> reqwest::Response {
        self.fetch_csrf("/signup").await;
        let fields = [
            ("email", email),
            ("display_name", name),
            ("password", PASSWORD),
        ];
        let mut form = fields.to_vec();
        form.push(("next", next));
        self.post_form("/signup", &form).await
    }

    /// Follows a mailed sign-up link: opens its page, then presses its one button.
    #[allow(dead_code)]
    pub async fn confirm(&mut self, link: &str) -> reqwest::Response {
        let path = link.strip_prefix(&self.base).expect("a link to this app");
        let page = self.client.get(link).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        self.fetch_csrf(path).await;
        let token = path.split_once("token=").unwrap().1;
        self.post_form("/signup/confirm", &[("token", token)]).await
    }

    /// POSTs a form with this visitor's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        send(self.client.post(self.url(path)).form(&form)).await
    }
}

/// The npm tools the tests run (`tests/node`: the Argdown parser, axe-core), installed
/// from the committed lockfile on first use.
pub fn node_tools() -> PathBuf {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    INSTALL.call_once(|| {
        if !dir.join("node_modules/axe-core").exists()
            || !dir.join("node_modules/@argdown/core").exists()
            || !dir.join("node_modules/mammoth").exists()
        {
            let status = std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "npm ci in tests/node failed: Node.js and npm are needed"
            );
        }
    });
    dir
}

/// The one number `sql` selects.
pub async fn scalar(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// The value of the header `name`, which the response must carry, as text.
#[track_caller]
pub fn header(response: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> &str {
    let value = &response.headers()[name];
    value.to_str().unwrap()
}

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    header(response, "location").to_owned()
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A named pipe called `name` in `dir`: a path that is not a file, and whose opening for
/// reading would block until someone writes.
pub fn named_pipe(dir: &Path, name: &str) -> PathBuf {
    let fifo = dir.join(name);
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    fifo
}

/// The `argmap` binary, ready to be given arguments.
pub fn argmap() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_argmap"))
}

/// Runs `command`, asserting that it succeeds, and returns what it wrote to stdout.
#[track_caller]
pub fn succeeds(command: &mut std::process::Command) -> String {
    String::from_utf8(succeeds_with_bytes(command)).unwrap()
}

/// Runs `command`, asserting that it succeeds, and returns the bytes it wrote to stdout.
#[track_caller]
pub fn succeeds_with_bytes(command: &mut std::process::Command) -> Vec<u8> {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} could not run: {e}"));
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs `command`, asserting that it fails with exit code 1 and a message rather than a
/// panic, and returns what it wrote to stderr.
#[track_caller]
pub fn fails(command: &mut std::process::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// A bare claim row written straight into the table (no quote, no revision), as an old
/// row or another instance might have left it: something for moderators to merge away.
pub async fn insert_claim_row(db: &PgPool, slug: &str, body: &str) {
    sqlx::query("insert into claims (slug, body) values ($1, $2)")
        .bind(slug)
        .bind(body)
        .execute(db)
        .await
        .unwrap();
}

/// The map document of `scope`, as the exports write it; the scope must exist.
pub async fn document(db: &PgPool, scope: Scope) -> MapDocument {
    export::load(db, scope)
        .await
        .unwrap()
        .expect("the scope exists")
}

/// Imports `text` (a map in `format`, read from `file`) into `db` in one committed
/// transaction, as `import-map` does; panics with the file's name if it is refused.
pub async fn import_into(
    db: &PgPool,
    file: &str,
    text: &str,
    format: &str,
    debate: Option<&str>,
) -> ImportReport {
    let mut tx = db.begin().await.unwrap();
    let report = export::import::import(&mut tx, file, text, format, debate)
        .await
        .unwrap_or_else(|err| panic!("{file}: {err}"));
    tx.commit().await.unwrap();
    report
}

/// The elements of the JSON array `value`.
#[track_caller]
pub fn items(value: &serde_json::Value) -> std::slice::Iter<'_, serde_json::Value> {
    match value.as_array() {
        Some(items) => items.iter(),
        None => panic!("not an array: {value}"),
    }
}

/// The string `key` of each element of the JSON array `value`.
#[track_caller]
pub fn strs<'a>(value: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    items(value)
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

/// Asserts that `text` contains `needle`, showing the whole text if not.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not in:\n{text}");
}

/// Asserts that the API problem document `problem` says `says` in its `detail`.
#[track_caller]
pub fn assert_detail(problem: &serde_json::Value, says: &str) {
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(says), "{says:?} not in {problem}");
}

/// Asserts that an API answer is a 422 problem blaming `field` and saying `says` (`""`
/// for anything) in its detail; returns the problem.
pub async fn assert_refused(
    response: reqwest::Response,
    field: &str,
    says: &str,
) -> serde_json::Value {
    let status = response.status();
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        status,
        reqwest::StatusCode::UNPROCESSABLE_ENTITY,
        "{problem}"
    );
    assert_eq!(problem["field"], field, "{problem}");
    assert_detail(&problem, says);
    problem
}

/// The strings `sql` selects, one a row.
pub async fn strings(db: &PgPool, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(db).await.unwrap()
}

/// Runs the statement `sql`.
pub async fn execute(db: &PgPool, sql: &str) {
    sqlx::query(sql).execute(db).await.unwrap();
}

/// Whether an import's report lists, among what the format could not carry, something
/// that says `words`.
pub fn lost(report: &ImportReport, words: &str) -> bool {
    report.not_represented.iter().any(|n| n.contains(words))
}

/// Every page of a paged list from `first` on, following each page's "Next page" link,
/// read through `page`.
pub async fn every_page(
    first: &str,
    page: impl AsyncFn(&str) -> scraper::Html,
) -> Vec<scraper::Html> {
    let mut pages = Vec::new();
    let mut path = first.to_owned();
    loop {
        let document = page(&path).await;
        let next = hrefs(&document, "nav.pager a[rel=next]").pop();
        pages.push(document);
        match next {
            Some(next) => path = next,
            None => return pages,
        }
    }
}
