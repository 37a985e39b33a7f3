//! Speed without staleness: reused pages are dropped by every write (on this instance at
//! once, on others through LISTEN/NOTIFY), revalidate with ETags, are never reused for
//! signed-in users; `argmap generate` adds a checked, deterministic synthetic map.

use std::time::{Duration, Instant};

use argmap::auth::Role;
use argmap::generate::{GenerateError, Options, generate};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::json;
use sqlx::PgPool;

use crate::builders::small;
use crate::harness::{TestApp, execute, fresh_database, header, select, strings, text_of};

/// A claim supporting `PROPOSAL`, so that editing it changes both pages.
const CLAIM: &str = small::TARGET;
const PROPOSAL: &str = small::PROPOSAL;

async fn cached_app(db: PgPool) -> TestApp {
    let app = TestApp::spawn_with_config(db, |c| c.page_cache = true).await;
    // The listener connects in the background; pages are only reused once it has.
    tokio::time::sleep(Duration::from_millis(200)).await;
    app
}

/// A plain client: no cookies, so every request is anonymous.
fn anonymous() -> reqwest::Client {
    reqwest::Client::new()
}

async fn body_of(client: &reqwest::Client, app: &TestApp, path: &str) -> (String, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let etag = header(&response, ETAG).to_owned();
    (response.text().await.unwrap(), etag)
}

/// Asks for `path` again, sending the `etag` of the copy we hold.
async fn revalidate(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    etag: &str,
) -> reqwest::Response {
    client
        .get(app.url(path))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap()
}

async fn edit_claim(app: &TestApp, token: &str, text: &str) {
    let current = app.json(&format!("/api/v1/claims/{CLAIM}")).await;
    let body = json!({ "version": current["version"], "text": text, "tags": [] });
    let edited = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/api/v1/claims/{CLAIM}"),
            token,
            &body,
        )
        .await;
    assert_eq!(
        edited.status(),
        StatusCode::OK,
        "{}",
        edited.text().await.unwrap()
    );
}

#[tokio::test]
async fn a_reused_page_never_shows_what_a_write_changed() {
    let (db, _) = small::database().await;
    let app = cached_app(db).await;
    let token = app.token("writer@example.org", Role::Contributor).await;
    let client = anonymous();
    let claim_page = format!("/claims/{CLAIM}");
    let proposal_page = format!("/proposals/{PROPOSAL}");

    let (first, etag) = body_of(&client, &app, &claim_page).await;
    let (again, etag_again) = body_of(&client, &app, &claim_page).await;
    assert_eq!(first, again);
    assert_eq!(etag, etag_again, "the reused page is the same bytes");
    let (proposal_before, _) = body_of(&client, &app, &proposal_page).await;

    let unchanged = revalidate(&client, &app, &claim_page, &etag).await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&unchanged, CACHE_CONTROL), "public, no-cache");

    let text = "Each reorganisation since 1974 planted the seeds of the one after it.";
    edit_claim(&app, &token, text).await;

    let (after, etag_after) = body_of(&client, &app, &claim_page).await;
    assert_ne!(etag, etag_after);
    let page = scraper::Html::parse_document(&after);
    assert!(
        text_of(&page, "h1").contains(text),
        "{}",
        text_of(&page, "h1")
    );
    let (proposal_after, _) = body_of(&client, &app, &proposal_page).await;
    assert_ne!(proposal_before, proposal_after);
    assert!(
        proposal_after.contains(text),
        "the proposal's tree shows the new text"
    );

    let revalidated = revalidate(&client, &app, &claim_page, &etag).await;
    assert_eq!(
        revalidated.status(),
        StatusCode::OK,
        "the old ETag no longer matches"
    );
}

#[tokio::test]
async fn signed_in_pages_are_private_and_never_reused() {
    let (db, _) = small::database().await;
    let app = cached_app(db).await;
    let anonymous = anonymous();
    let (public, _) = body_of(&anonymous, &app, "/").await;
    let visitor = app.signed_in("reader@example.org", Role::Contributor).await;
    let response = visitor.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CACHE_CONTROL), "private, no-cache");
    let mine = response.text().await.unwrap();
    assert_ne!(public, mine, "the signed-in page has its own masthead");
    let (public_again, _) = body_of(&anonymous, &app, "/").await;
    assert_eq!(
        public, public_again,
        "the anonymous page is not the signed-in one"
    );
}

/// Polls `path` on `app` until it contains `text` (failing after `limit`), returning how
/// long that took.
async fn until_shown(app: &TestApp, path: &str, text: &str, limit: Duration) -> Duration {
    let client = anonymous();
    let started = Instant::now();
    loop {
        let (body, _) = body_of(&client, app, path).await;
        if body.contains(text) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "{path} still does not show {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_write_on_one_instance_is_shown_by_another_at_once() {
    let (db, _) = small::database().await;
    let one = cached_app(db.clone()).await;
    let other = cached_app(db.clone()).await;
    let token = one.token("writer@example.org", Role::Contributor).await;
    let claim_page = format!("/claims/{CLAIM}");
    let client = anonymous();
    // The other instance has the page reused before the write.
    body_of(&client, &other, &claim_page).await;
    body_of(&client, &other, &claim_page).await;

    let text = "Every reorganisation since 1974 has sown the seeds of its successor.";
    edit_claim(&one, &token, text).await;
    let took = until_shown(&other, &claim_page, text, Duration::from_secs(5)).await;
    eprintln!("the other instance showed the write after {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");

    // A write made straight in the database (the CLI, a restore) reaches both.
    sqlx::query("update claims set body = $1 where slug = $2")
        .bind("A change made outside the web application entirely.")
        .bind(CLAIM)
        .execute(&db)
        .await
        .unwrap();
    for app in [&one, &other] {
        until_shown(
            app,
            &claim_page,
            "outside the web application",
            Duration::from_secs(5),
        )
        .await;
    }
}

async fn counts(db: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "actors",
        "debates",
        "tensions",
        "proposals",
        "proposal_tensions",
        "sources",
        "segments",
        "claims",
        "quotes",
        "relations",
        "tension_evidence",
        "users",
        "annotations",
        "revisions",
    ] {
        out.push(
            sqlx::query_scalar(&format!("select count(*) from {table}"))
                .fetch_one(db)
                .await
                .unwrap(),
        );
    }
    out
}

#[tokio::test]
async fn generate_adds_a_checked_map_the_same_for_the_same_seed() {
    let (db, _) = fresh_database().await;
    let options = Options { scale: 2, seed: 11 };
    let summary = generate(&db, options).await.unwrap();
    assert_eq!(summary.claims, 2 * argmap::generate::CLAIMS);
    assert_eq!(summary.proposals, 2 * argmap::generate::PROPOSALS);
    let added = counts(&db).await;
    assert!(
        added.iter().all(|&n| n > 0),
        "every kind of object: {added:?}"
    );
    let kinds = strings(&db, "select distinct kind from relations order by kind").await;
    assert_eq!(kinds, ["attacks", "supports", "undercuts"]);
    let bad_quotes: i64 = sqlx::query_scalar(
        "select count(*) from quotes q join segments g on g.id = q.segment_id
         where substr(g.body, q.start_char + 1, q.end_char - q.start_char) <> q.body",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(bad_quotes, 0);
    let analysed: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select last_analyze from pg_stat_user_tables where relname = 'claims'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(analysed.is_some(), "the tables are analysed after the load");

    assert!(matches!(
        generate(&db, options).await,
        Err(GenerateError::SeedUsed { seed: 11 })
    ));
    assert_eq!(counts(&db).await, added, "a refused run adds nothing");

    let (again, _) = fresh_database().await;
    generate(&again, options).await.unwrap();
    let claims = |db: PgPool| async move {
        strings(&db, "select slug || ' ' || body from claims order by slug").await
    };
    assert_eq!(claims(db.clone()).await, claims(again).await);

    // The generated map is served like any other.
    let app = TestApp::spawn_with_pool(db).await;
    for path in [
        "/proposals/g11-proposal-1-0",
        "/claims/g11-claim-1-40",
        "/sources/g11-source-0-2",
        "/debates/g11-debate-0-1",
        "/tensions/g11-tension-1-3",
    ] {
        let page = app.page(path).await;
        assert!(!select(&page, "h1").is_empty(), "{path}");
    }
}

/// A hot standby of the whole test cluster, made with pg_basebackup, stopped on drop.
struct Standby {
    dir: std::path::PathBuf,
    server: std::process::Child,
}

impl Standby {
    fn command(program: &std::path::Path) -> std::process::Command {
        // The test cluster runs as `postgres` when the tests run as root; so must its copy.
        if nix_is_root() {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    fn start() -> Self {
        let found = argmap::db::binaries::PgBinaries::find().unwrap().postgres();
        // The client tools sit beside the server in Debian's layout, wherever `postgres` is.
        let bin = [found.parent().unwrap().to_owned()]
            .into_iter()
            .chain(
                std::fs::read_dir("/usr/lib/postgresql")
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path().join("bin")),
            )
            .find(|dir| dir.join("pg_basebackup").is_file())
            .expect("pg_basebackup is installed");
        let bin = bin.as_path();
        let dir = std::env::temp_dir().join(format!("argmap-standby-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let status = Self::command(std::path::Path::new("mkdir"))
            .arg("-p")
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        let data = dir.join("data");
        let status = Self::command(&bin.join("pg_basebackup"))
            .arg("-D")
            .arg(&data)
            .arg("-h")
            .arg(crate::harness::socket_dir())
            .args(["-U", "argmap", "-R", "-X", "stream", "-c", "fast"])
            .status()
            .unwrap();
        assert!(status.success(), "pg_basebackup failed");
        let server = Self::command(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-c", "listen_addresses=", "-c"])
            .arg(format!("unix_socket_directories={}", dir.display()))
            .args([
                "-c",
                "shared_preload_libraries=",
                "-c",
                "max_connections=300",
                "-p",
                "5433",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        Standby { dir, server }
    }

    fn options(&self, database: &str) -> sqlx::postgres::PgConnectOptions {
        sqlx::postgres::PgConnectOptions::new()
            .socket(&self.dir)
            .port(5433)
            .username("argmap")
            .database(database)
    }
}

impl Drop for Standby {
    fn drop(&mut self) {
        // SIGINT to the postmaster itself (PostgreSQL's fast shutdown): `runuser`, which
        // started it when the tests run as root, does not pass SIGINT on.
        let postmaster = std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()
            .and_then(|pid| pid.lines().next().map(str::to_owned))
            .unwrap_or_else(|| self.server.id().to_string());
        let _ = std::process::Command::new("kill")
            .args(["-INT", &postmaster])
            .status();
        let _ = self.server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[tokio::test]
async fn anonymous_pages_are_read_from_a_hot_standby_and_writers_see_their_writes() {
    let (db, name) = small::database().await;
    let standby = Standby::start();
    let mut replica = None;
    for _ in 0..200 {
        match sqlx::postgres::PgPoolOptions::new()
            .max_connections(3)
            .connect_with(standby.options(&name))
            .await
        {
            Ok(pool) => {
                replica = Some(pool);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let replica = replica.expect("the standby accepts connections");
    let in_recovery: bool = sqlx::query_scalar("select pg_is_in_recovery()")
        .fetch_one(&replica)
        .await
        .unwrap();
    assert!(in_recovery, "it is a hot standby");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = argmap::config::Config::for_addr(addr);
    let router = argmap::http::replicas::with_replicas(
        argmap::app(argmap::AppState::new(db.clone(), config.clone())),
        vec![argmap::app(argmap::AppState::replica(
            replica.clone(),
            config,
        ))],
    );
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let app = TestApp {
        addr,
        db: db.clone(),
        client: reqwest::Client::new(),
    };

    for path in [
        "/",
        &format!("/claims/{CLAIM}"),
        &format!("/proposals/{PROPOSAL}"),
        "/search?q=reorganisation",
    ] {
        let page = app.page(path).await;
        assert!(!select(&page, "h1").is_empty(), "{path}");
    }
    // With replay paused the standby stays behind the primary, so what an anonymous
    // reader sees tells which of the two answered.
    execute(&replica, "select pg_wal_replay_pause()").await;

    // A writer reads on the primary: their edit shows at once.
    let token = app.token("writer@example.org", Role::Contributor).await;
    let text = "Each reorganisation since 1974 has contained the seeds of the next one.";
    edit_claim(&app, &token, text).await;
    let mine = app
        .get_as(&format!("/claims/{CLAIM}"), &token)
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains(text), "the writer sees their write at once");
    let anonymous = app.page(&format!("/claims/{CLAIM}")).await;
    assert!(
        !text_of(&anonymous, "main").contains(text),
        "an anonymous reader is answered by the paused standby, not the primary"
    );
    // Anonymous readers see it once the standby has replayed it.
    execute(&replica, "select pg_wal_replay_resume()").await;
    // Replay is quick, but under the whole suite on two cores it has taken over 5 s.
    let limit = Duration::from_secs(60);
    until_shown(&app, &format!("/claims/{CLAIM}"), text, limit).await;
}
