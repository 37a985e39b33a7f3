//! The command line: `argmap [serve]`, `argmap migrate`, ...

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::config::Config;
use crate::server::{self, Database, ServeError};

#[derive(Debug, Parser)]
#[command(
    name = "argmap",
    version,
    about = "An argument map of NHS England reform debates, served on the web"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Address the web server listens on.
    #[arg(
        long,
        env = "ARGMAP_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Folder for argmap's own files, including its embedded PostgreSQL cluster.
    #[arg(
        long,
        env = "ARGMAP_DATA_DIR",
        default_value = "argmap-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Use this PostgreSQL database instead of the embedded one.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder served under /static (defaults to the source tree's `static/`).
    #[arg(long, env = "ARGMAP_STATIC_DIR", global = true)]
    pub static_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

impl GlobalArgs {
    fn config(&self) -> Config {
        Config {
            addr: self.addr,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone().filter(|url| !url.is_empty()),
            static_dir: self
                .static_dir
                .clone()
                .unwrap_or_else(Config::default_static_dir),
        }
    }
}

/// Runs one command to completion; errors are printed and become exit code 1.
pub fn run(cli: Cli) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("ARGMAP_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("argmap: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    // The embedded PostgreSQL is tied to the thread that spawns it (see
    // `Cluster::start`), so everything runs on the main thread's `block_on`.
    let config = cli.global.config();
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => server::serve(config).await,
            Command::Migrate => migrate(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("argmap: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: Config) -> Result<(), ServeError> {
    let database = Database::open(&config).await?;
    tracing::info!("migrations are up to date");
    database.close().await
}
