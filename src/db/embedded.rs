//! argmap's own PostgreSQL: a private cluster in the data folder, reachable only through a
//! Unix socket inside it.
//!
//! [`Cluster::start`] initialises the cluster on first use, recovers from a stale
//! `postmaster.pid` left by a crash, attaches to a server already running on the folder
//! instead of fighting it, and waits until it accepts connections. [`Postgres::stop`]
//! shuts down a server we started. PostgreSQL refuses to run as root, so when argmap is
//! root the server runs as the `postgres` user (or `nobody`).

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{self, Signal};
use nix::unistd::{Pid, User};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use super::binaries::{BinariesError, PgBinaries};

/// The cluster's superuser, and the database argmap keeps its data in.
pub const SUPERUSER: &str = "argmap";
const PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_PATH: usize = 107;
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(transparent)]
    Binaries(#[from] BinariesError),
    #[error(
        "argmap runs as root, and PostgreSQL refuses to: create a `postgres` user for it to run as"
    )]
    NoUnprivilegedUser,
    #[error(
        "PostgreSQL runs as user `{user}`, who cannot enter {dir}: choose a data folder it can \
         reach (--data-dir) or make the folder traversable (chmod o+x)"
    )]
    Unreachable { user: String, dir: PathBuf },
    #[error(
        "the data folder path is too long for a Unix socket ({len} bytes, at most {MAX_SOCKET_PATH}): {socket}"
    )]
    SocketPathTooLong { socket: PathBuf, len: usize },
    #[error(
        "{path} exists but is not a PostgreSQL cluster (no PG_VERSION): move it away or choose another data folder"
    )]
    NotACluster { path: PathBuf },
    #[error("{what} failed: {source}")]
    Io { what: String, source: io::Error },
    #[error("initdb failed ({status}):\n{output}")]
    Initdb {
        status: std::process::ExitStatus,
        output: String,
    },
    #[error("PostgreSQL exited during start-up ({status}); the end of {log}:\n{tail}")]
    Exited {
        status: std::process::ExitStatus,
        log: PathBuf,
        tail: String,
    },
    #[error("PostgreSQL did not accept connections within {0:?}: {1}")]
    NotReady(Duration, String),
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> EmbeddedError {
    let what = what.into();
    move |source| EmbeddedError::Io { what, source }
}

/// A PostgreSQL cluster in a folder of argmap's data directory.
#[derive(Debug, Clone)]
pub struct Cluster {
    binaries: PgBinaries,
    /// PGDATA; also the directory of the server's Unix socket.
    pgdata: PathBuf,
    log_file: PathBuf,
    run_as: Option<User>,
    settings: Vec<(String, String)>,
}

impl Cluster {
    /// The cluster kept in `data_dir/postgres`. Finds the server binaries and, when argmap
    /// is root, the unprivileged user the server will run as.
    pub fn new(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let binaries = PgBinaries::find()?;
        let data_dir = std::path::absolute(data_dir)
            .map_err(io_err(format!("resolving {}", data_dir.display())))?;
        let pgdata = data_dir.join("postgres");
        let socket = pgdata.join(format!(".s.PGSQL.{PORT}"));
        let len = socket.as_os_str().len();
        if len > MAX_SOCKET_PATH {
            return Err(EmbeddedError::SocketPathTooLong { socket, len });
        }
        let run_as = if nix::unistd::geteuid().is_root() {
            let user = ["postgres", "nobody"]
                .into_iter()
                .find_map(|name| User::from_name(name).ok().flatten())
                .ok_or(EmbeddedError::NoUnprivilegedUser)?;
            Some(user)
        } else {
            None
        };
        Ok(Self {
            binaries,
            log_file: data_dir.join("postgres.log"),
            pgdata,
            run_as,
            settings: Vec::new(),
        })
    }

    /// Adds a server setting passed on the command line at every start (`-c name=value`).
    pub fn with_setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    pub fn binaries(&self) -> &PgBinaries {
        &self.binaries
    }

    /// Brings the cluster up and returns once it accepts connections.
    ///
    /// Spawns the server from the calling thread and asks the kernel to stop it (fast
    /// shutdown) when that thread dies, so a killed argmap leaves no server behind: call it
    /// from a thread that lives as long as the server should.
    pub async fn start(&self) -> Result<Postgres, EmbeddedError> {
        self.prepare_data_dir()?;
        if !self.pgdata.join("PG_VERSION").is_file() {
            self.initdb()?;
        }
        if let Some(running) = self.running_server() {
            tracing::info!(
                pid = running.pid,
                "PostgreSQL already running on {}; using it",
                self.pgdata.display()
            );
            let postgres = Postgres {
                child: None,
                socket_dir: running.socket_dir,
                port: running.port,
            };
            postgres.wait_until_ready(None, &self.log_file).await?;
            return Ok(postgres);
        }
        self.remove_stale_lock_files()?;

        let started = Instant::now();
        let mut child = self.spawn_server()?;
        let postgres = Postgres {
            child: None,
            socket_dir: self.pgdata.clone(),
            port: PORT,
        };
        match postgres
            .wait_until_ready(Some(&mut child), &self.log_file)
            .await
        {
            Ok(()) => {
                tracing::info!(elapsed = ?started.elapsed(), pid = child.id(), "PostgreSQL ready on {}", self.pgdata.display());
                Ok(Postgres {
                    child: Some(child),
                    ..postgres
                })
            }
            Err(err) => {
                let _ = signal::kill(Pid::from_raw(child.id() as i32), Signal::SIGQUIT);
                let _ = child.wait();
                Err(err)
            }
        }
    }

    /// Creates the data folder, and checks the server's user can reach it.
    fn prepare_data_dir(&self) -> Result<(), EmbeddedError> {
        let data_dir = self.pgdata.parent().expect("pgdata has a parent");
        if !data_dir.exists() {
            fs::create_dir_all(data_dir)
                .map_err(io_err(format!("creating {}", data_dir.display())))?;
            // Readable so that the server's own user can enter it when argmap is root.
            fs::set_permissions(data_dir, fs::Permissions::from_mode(0o755)).map_err(io_err(
                format!("setting permissions of {}", data_dir.display()),
            ))?;
        }
        if let Some(user) = &self.run_as {
            for dir in data_dir.ancestors() {
                if !can_enter(dir, user) {
                    return Err(EmbeddedError::Unreachable {
                        user: user.name.clone(),
                        dir: dir.to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Runs initdb into a scratch folder and renames it into place, so an interrupted
    /// first start leaves nothing half-made.
    fn initdb(&self) -> Result<(), EmbeddedError> {
        if self.pgdata.exists() {
            let empty = fs::read_dir(&self.pgdata)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(EmbeddedError::NotACluster {
                    path: self.pgdata.clone(),
                });
            }
            fs::remove_dir(&self.pgdata)
                .map_err(io_err(format!("removing empty {}", self.pgdata.display())))?;
        }
        let scratch = self.pgdata.with_file_name("postgres.initdb");
        if scratch.exists() {
            fs::remove_dir_all(&scratch)
                .map_err(io_err(format!("removing {}", scratch.display())))?;
        }
        fs::create_dir(&scratch).map_err(io_err(format!("creating {}", scratch.display())))?;
        fs::set_permissions(&scratch, fs::Permissions::from_mode(0o700)).map_err(io_err(
            format!("setting permissions of {}", scratch.display()),
        ))?;
        if let Some(user) = &self.run_as {
            nix::unistd::chown(&scratch, Some(user.uid), Some(user.gid)).map_err(|errno| {
                EmbeddedError::Io {
                    what: format!("chown {}", scratch.display()),
                    source: errno.into(),
                }
            })?;
        }

        let started = Instant::now();
        let mut initdb = Command::new(self.binaries.initdb());
        initdb
            .arg("--pgdata")
            .arg(&scratch)
            .args([
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ])
            .arg("--no-instructions");
        let output = self
            .as_server_user(&mut initdb)
            .output()
            .map_err(io_err("running initdb"))?;
        if !output.status.success() {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stderr));
            return Err(EmbeddedError::Initdb {
                status: output.status,
                output: text,
            });
        }
        fs::rename(&scratch, &self.pgdata)
            .map_err(io_err(format!("renaming {} into place", scratch.display())))?;
        tracing::info!(elapsed = ?started.elapsed(), "initialised a PostgreSQL cluster in {}", self.pgdata.display());
        Ok(())
    }

    /// The server named by `postmaster.pid`, when that process is alive and is PostgreSQL.
    fn running_server(&self) -> Option<RunningServer> {
        let text = fs::read_to_string(self.pgdata.join("postmaster.pid")).ok()?;
        let lines: Vec<&str> = text.lines().collect();
        let pid: i32 = lines.first()?.trim().parse().ok()?;
        let comm = fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        if comm.trim() != "postgres" && comm.trim() != "postmaster" {
            return None;
        }
        let port = lines
            .get(3)
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(PORT);
        let socket_dir = lines
            .get(4)
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.pgdata.clone());
        Some(RunningServer {
            pid,
            port,
            socket_dir,
        })
    }

    /// A crash leaves `postmaster.pid` and the socket's lock file behind; once we know no
    /// server owns them they only stand in the way.
    fn remove_stale_lock_files(&self) -> Result<(), EmbeddedError> {
        for name in [
            "postmaster.pid".to_owned(),
            format!(".s.PGSQL.{PORT}.lock"),
            format!(".s.PGSQL.{PORT}"),
        ] {
            let path = self.pgdata.join(&name);
            if path.exists() {
                tracing::warn!(
                    "removing stale {} left by a server that is no longer running",
                    path.display()
                );
                fs::remove_file(&path)
                    .map_err(io_err(format!("removing stale {}", path.display())))?;
            }
        }
        Ok(())
    }

    fn spawn_server(&self) -> Result<Child, EmbeddedError> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_file)
            .map_err(io_err(format!("opening {}", self.log_file.display())))?;
        let log_err = log
            .try_clone()
            .map_err(io_err("duplicating the log file handle"))?;

        let mut command = Command::new(self.binaries.postgres());
        command
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-c", "listen_addresses="])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", self.pgdata.display()))
            .args([
                "-c",
                "unix_socket_permissions=0700",
                "-p",
                &PORT.to_string(),
            ]);
        for (name, value) in &self.settings {
            command.arg("-c").arg(format!("{name}={value}"));
        }
        command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            // Its own process group: a Ctrl-C in the terminal reaches argmap only, which then
            // drains its requests before stopping the server.
            .process_group(0);
        // SAFETY: prctl is async-signal-safe; the closure touches no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(io::Error::from)?;
                Ok(())
            });
        }
        self.as_server_user(&mut command)
            .spawn()
            .map_err(io_err("starting postgres"))
    }

    fn as_server_user<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        if let Some(user) = &self.run_as {
            command
                .uid(user.uid.as_raw())
                .gid(user.gid.as_raw())
                .env("HOME", &user.dir);
        }
        command
    }
}

struct RunningServer {
    pid: i32,
    port: u16,
    socket_dir: PathBuf,
}

/// Whether `user` may traverse `dir` (the execute bit that applies to them).
fn can_enter(dir: &Path, user: &User) -> bool {
    let Ok(meta) = fs::metadata(dir) else {
        return true;
    };
    let mode = meta.mode();
    if meta.uid() == user.uid.as_raw() {
        mode & 0o100 != 0
    } else if meta.gid() == user.gid.as_raw() {
        mode & 0o010 != 0
    } else {
        mode & 0o001 != 0
    }
}

/// A running PostgreSQL server of a [`Cluster`].
#[derive(Debug)]
pub struct Postgres {
    /// The server process, when we started it (and so must stop it).
    child: Option<Child>,
    socket_dir: PathBuf,
    port: u16,
}

impl Postgres {
    /// How to reach `database` on this server.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(self.port)
            .username(SUPERUSER)
            .database(database)
            .disable_statement_logging()
    }

    /// A URL for `database`, for people and tools such as psql.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost/{database}?host={}&port={}",
            self.socket_dir.display(),
            self.port
        )
    }

    /// Whether argmap started this server (and will stop it).
    pub fn is_owned(&self) -> bool {
        self.child.is_some()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    async fn wait_until_ready(
        &self,
        mut child: Option<&mut Child>,
        log: &Path,
    ) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(child) = child.as_deref_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(EmbeddedError::Exited {
                        status,
                        log: log.to_owned(),
                        tail: tail(log, 2000),
                    });
                }
            }
            match PgConnection::connect_with(&self.connect_options("postgres")).await {
                Ok(conn) => {
                    let _ = conn.close().await;
                    return Ok(());
                }
                Err(err) if Instant::now() >= deadline => {
                    return Err(EmbeddedError::NotReady(READY_TIMEOUT, err.to_string()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Stops a server we started: a fast shutdown (sessions are ended, data is flushed),
    /// then an immediate one if it has not finished within 30 seconds. A server we only
    /// attached to is left running.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let pid = Pid::from_raw(child.id() as i32);
        let _ = signal::kill(pid, Signal::SIGINT);
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match child.try_wait().map_err(io_err("waiting for postgres"))? {
                Some(status) => {
                    tracing::info!(%status, "PostgreSQL stopped");
                    return Ok(());
                }
                None if Instant::now() >= deadline => {
                    tracing::warn!(
                        "PostgreSQL still running after {STOP_TIMEOUT:?}; sending an immediate shutdown"
                    );
                    let _ = signal::kill(pid, Signal::SIGQUIT);
                    child.wait().map_err(io_err("waiting for postgres"))?;
                    return Ok(());
                }
                None => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

/// The last `max` bytes of a log file, for error messages.
fn tail(path: &Path, max: u64) -> String {
    let Ok(mut file) = fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(max)));
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    text
}
