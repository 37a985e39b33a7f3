//! The `argmap` binary end to end: no configuration, its own PostgreSQL, clean stops.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::harness::{argmap, assert_contains, fails, named_pipe, succeeds};

/// A data folder the server's unprivileged user can reach, removed after the test.
fn data_root() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("argmap-e2e-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

struct Running {
    child: Child,
    addr: SocketAddr,
}

/// Starts `argmap` with no database URL and waits for it to say where it listens.
fn start(data_dir: &Path) -> Running {
    let mut child = argmap()
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("ARGMAP_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(addr) = line.split("listening on http://").nth(1) {
                let _ = sender.send(addr.trim().parse::<SocketAddr>().unwrap());
            }
            eprintln!("[argmap] {line}");
        }
    });
    let addr = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("argmap did not start listening within 60 s");
    Running { child, addr }
}

fn stop(mut running: Running) -> ExitStatus {
    kill(Pid::from_raw(running.child.id() as i32), Signal::SIGTERM).unwrap();
    wait_with_timeout(&mut running.child, Duration::from_secs(30))
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("argmap did not exit within {timeout:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn get_status(addr: SocketAddr, path: &str) -> u16 {
    reqwest::get(format!("http://{addr}{path}"))
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn postmaster_pid(pgdata: &Path) -> Option<i32> {
    std::fs::read_to_string(pgdata.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn is_alive(pid: i32) -> bool {
    PathBuf::from(format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

async fn connect(pgdata: &Path) -> PgConnection {
    let options = PgConnectOptions::new()
        .socket(pgdata)
        .username("argmap")
        .database("argmap");
    PgConnection::connect_with(&options).await.unwrap()
}

#[tokio::test]
async fn serves_on_its_own_postgres_stops_cleanly_and_keeps_its_data() {
    let root = data_root();
    let data_dir = root.path().join("data");
    let pgdata = data_dir.join("postgres");

    let first = start(&data_dir);
    assert_eq!(get_status(first.addr, "/healthz").await, 200);
    assert_eq!(get_status(first.addr, "/readyz").await, 200);
    let postgres_pid = postmaster_pid(&pgdata).expect("a running cluster in the data folder");
    let mut db = connect(&pgdata).await;
    sqlx::raw_sql("insert into debates (slug, title) values ('kept-across-restarts', 'Marker')")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();

    let status = stop(first);
    assert!(status.success(), "argmap exited with {status}");
    assert!(
        !is_alive(postgres_pid),
        "PostgreSQL (pid {postgres_pid}) is still running"
    );
    assert!(
        !pgdata.join("postmaster.pid").exists(),
        "PostgreSQL did not shut down cleanly"
    );

    let second = start(&data_dir);
    assert_eq!(get_status(second.addr, "/readyz").await, 200);
    let mut db = connect(&pgdata).await;
    let title: String =
        sqlx::query_scalar("select title from debates where slug = 'kept-across-restarts'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(title, "Marker");
    db.close().await.unwrap();
    assert!(stop(second).success());
}

#[tokio::test]
async fn recovers_from_a_stale_postmaster_pid() {
    let root = data_root();
    let data_dir = root.path().join("data");
    let pgdata = data_dir.join("postgres");
    assert!(stop(start(&data_dir)).success());

    // What a crash leaves: a lock file naming a process that no longer exists.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let stale = format!(
        "{}\n{}\n0\n5432\n{}\n\n",
        gone.id(),
        pgdata.display(),
        pgdata.display()
    );
    std::fs::write(pgdata.join("postmaster.pid"), stale).unwrap();

    let running = start(&data_dir);
    assert_eq!(get_status(running.addr, "/readyz").await, 200);
    assert!(stop(running).success());
    assert!(!pgdata.join("postmaster.pid").exists());
}

#[tokio::test]
async fn uses_a_cluster_already_running_on_its_data_folder() {
    let root = data_root();
    let data_dir = root.path().join("data");
    let cluster = argmap::db::embedded::Cluster::new(&data_dir).unwrap();
    let postgres = cluster.start().await.unwrap();
    let pid = postgres.pid().unwrap() as i32;

    let running = start(&data_dir);
    assert_eq!(get_status(running.addr, "/readyz").await, 200);
    assert!(stop(running).success());
    assert!(is_alive(pid), "argmap stopped a server it did not start");

    postgres.stop().await.unwrap();
    assert!(!is_alive(pid));
}

#[tokio::test]
async fn migrate_applies_migrations_and_exits_leaving_nothing_running() {
    let root = data_root();
    let data_dir = root.path().join("data");
    succeeds(
        argmap()
            .args(["migrate", "--data-dir"])
            .arg(&data_dir)
            .env_remove("DATABASE_URL"),
    );
    assert!(data_dir.join("postgres/PG_VERSION").exists());
    assert!(
        !data_dir.join("postgres/postmaster.pid").exists(),
        "PostgreSQL left running"
    );
}

#[test]
fn a_bad_database_url_is_a_clear_error_not_a_panic() {
    let stderr = fails(argmap().args([
        "migrate",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]));
    assert_contains(&stderr, "argmap: cannot connect to the database");
}

/// `import-map` refuses what it cannot read as a file, before it touches a database: a
/// named pipe (which would block the open) and bytes that are not UTF-8 (with the line).
#[test]
fn import_map_refuses_a_pipe_and_names_the_line_of_bad_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = named_pipe(dir.path(), "map.json");
    let latin1 = dir.path().join("map.argdown");
    std::fs::write(&latin1, b"# A\n\n[a]: caf\xe9\n").unwrap();
    for (file, expected) in [
        (&fifo, "it is a named pipe, not a file".to_owned()),
        (&latin1, format!("{}:3: not UTF-8 text", latin1.display())),
    ] {
        let mut child = argmap()
            .arg("import-map")
            .arg(file)
            .args(["--database-url", "postgres://nobody@127.0.0.1:1/none"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_with_timeout(&mut child, Duration::from_secs(30));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert_contains(&stderr, &expected);
    }
}
