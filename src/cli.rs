//! The command line: `argmap [serve]`, `argmap migrate`, ...

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::auth::Role;
use crate::config::Config;
use crate::server::{self, Database, ServeError};
use crate::sources::{self, SourceInput, SourceKind};
use crate::{map, suggest};

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
    /// Map loaded into an empty embedded database on first start (defaults to the shipped
    /// NHS map; "none" loads nothing).
    #[arg(long, env = "ARGMAP_SEED_MAP", global = true)]
    pub seed_map: Option<PathBuf>,
    /// Whether anyone may sign up (true) or only users added with `argmap user add` (false).
    #[arg(long, env = "ARGMAP_OPEN_SIGNUP", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub open_signup: bool,
    /// Send session cookies only over HTTPS (set when serving behind TLS).
    #[arg(long, env = "ARGMAP_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub secure_cookies: bool,
    /// The site's public address, e.g. https://argmap.example.org: the start of every link
    /// in a debate summary (without it, the address a request came to; the CLI uses
    /// http://ADDR).
    #[arg(long, env = "ARGMAP_PUBLIC_URL", global = true, value_parser = crate::config::parse_public_url)]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Import a raw thread or article as a source (or a new version of one).
    Import(ImportArgs),
    /// Load a map folder (map.toml, claims/*.toml, sources/): see docs/map-format.md.
    LoadMap {
        /// The map folder, e.g. data/nhs-reform.
        path: PathBuf,
    },
    /// Measure the candidate-claim suggestions against the claims' quotes in the database.
    EvalSuggestions,
    /// Write the map (or a debate's or proposal's part) in a format, or a debate summary, to stdout.
    Export(ExportArgs),
    /// Read a map in argmap JSON, Argdown or Kialo text back into the database.
    ImportMap(ImportMapArgs),
    /// Write every record of the instance as JSON to stdout.
    Dump,
    /// Restore a dump into an empty instance (or, with --merge, add what is missing).
    Restore(RestoreArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line); with none
    /// given, a random one is made and printed.
    Add {
        #[arg(long)]
        email: String,
        /// The name shown beside what they write (defaults to the email's local part).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = Role::Contributor)]
        role: Role,
    },
    /// Change an account's role.
    Role {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: Role,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json, argdown, aif, dot, svg, kialo, iccma, csv, or summary (needs --debate).
    pub format: String,
    #[arg(long, conflicts_with = "proposal")]
    pub debate: Option<String>,
    #[arg(long)]
    pub proposal: Option<String>,
    /// For summary: the file to write (a .docx is written to stdout as bytes).
    #[arg(long = "as", value_enum, default_value = "md")]
    pub summary_format: crate::export::summary::NoteFormat,
    /// For summary: short (two pages) or full (with every proposal in an annex).
    #[arg(long, value_enum, default_value = "short")]
    pub detail: crate::export::summary::Detail,
}

#[derive(Debug, Args)]
pub struct ImportMapArgs {
    /// An argmap JSON (.json), Argdown (.argdown) or Kialo text (.txt) file.
    pub file: PathBuf,
    /// The format, when the extension does not say it.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["json", "argdown", "kialo"]))]
    pub format: Option<String>,
    /// For Kialo and Argdown files: the debate new proposals belong to.
    #[arg(long)]
    pub debate: Option<String>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `argmap dump`.
    pub file: PathBuf,
    /// Add the dump's records to a non-empty instance, keeping what is there.
    #[arg(long)]
    pub merge: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The text file to import (UTF-8, at most 1 MiB).
    pub file: PathBuf,
    #[arg(long, value_enum)]
    pub kind: Option<SourceKind>,
    /// The source's slug (its URL); by default made from the title.
    #[arg(long)]
    pub slug: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub author: Option<String>,
    #[arg(long)]
    pub outlet: Option<String>,
    #[arg(long)]
    pub url: Option<String>,
    /// Publication date, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub published: Option<time::Date>,
    /// Slug of the debate the source belongs to.
    #[arg(long)]
    pub debate: Option<String>,
    /// Show how the file would be cleaned and segmented, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    time::Date::parse(
        text,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| format!("{text:?} is not a date of the form YYYY-MM-DD"))
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
            seed_map: match &self.seed_map {
                Some(path) if path.as_os_str() == "none" => None,
                Some(path) => Some(path.clone()),
                None => Some(Config::shipped_map()),
            },
            open_signup: self.open_signup,
            secure_cookies: self.secure_cookies,
            public_url: self.public_url.clone(),
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
            Command::Serve => server::serve(config).await.map_err(CliError::from),
            Command::Migrate => migrate(config).await,
            Command::Import(args) => import(config, args).await,
            Command::LoadMap { path } => load_map(config, path).await,
            Command::EvalSuggestions => eval_suggestions(config).await,
            Command::Export(args) => export(config, args).await,
            Command::ImportMap(args) => import_map(config, args).await,
            Command::Dump => dump(config).await,
            Command::Restore(args) => restore(config, args).await,
            Command::User(command) => user(config, command).await,
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

async fn migrate(config: Config) -> Result<(), CliError> {
    let database = Database::open(&config).await?;
    tracing::info!("migrations are up to date");
    Ok(database.close().await?)
}

/// Runs `work` in one transaction on the configured database, then closes it cleanly
/// whether or not the work succeeded.
async fn in_transaction<T>(
    config: &Config,
    work: impl AsyncFnOnce(&mut sqlx::PgConnection) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let database = Database::open(config).await?;
    let result = async {
        let mut tx = database.pool.begin().await.map_err(ServeError::Connect)?;
        let value = work(&mut tx).await?;
        tx.commit().await.map_err(ServeError::Connect)?;
        Ok(value)
    }
    .await;
    database.close().await?;
    result
}

async fn import(config: Config, args: ImportArgs) -> Result<(), CliError> {
    let input = SourceInput {
        origin: args.file.display().to_string(),
        text: String::new(),
        kind: args.kind,
        slug: args.slug,
        title: args.title,
        author: args.author,
        outlet: args.outlet,
        url: args.url,
        published: args.published,
        debate: args.debate,
    };
    if args.dry_run {
        let text = sources::read_file(&args.file)?;
        let parsed = sources::parse(&text, input.kind);
        println!("kind: {}", parsed.kind.as_str());
        println!("detected: {:?}", parsed.detected);
        println!("dropped {} lines of page chrome", parsed.dropped_lines);
        for segment in &parsed.segments {
            println!(
                "\n[{}] #{} ({})\n{}",
                segment.locator,
                segment.anchor,
                segment.kind.as_str(),
                segment.body
            );
        }
        return Ok(());
    }
    // The file is checked before the database is touched.
    let input = SourceInput {
        text: sources::read_file(&args.file)?,
        ..input
    };
    let outcome = in_transaction(&config, async |conn| {
        Ok(sources::import_source(conn, &input).await?)
    })
    .await?;
    if outcome.changed {
        println!(
            "imported {} as /sources/{} version {}: {} segments, {} suggestions",
            args.file.display(),
            outcome.slug,
            outcome.version,
            outcome.segments,
            outcome.suggestions
        );
    } else {
        println!(
            "{} is unchanged: /sources/{} version {} already has this text",
            args.file.display(),
            outcome.slug,
            outcome.version
        );
    }
    Ok(())
}

async fn load_map(config: Config, path: PathBuf) -> Result<(), CliError> {
    let summary =
        in_transaction(&config, async |conn| Ok(map::load_map(conn, &path).await?)).await?;
    if summary.changed_anything() {
        println!(
            "loaded {}: {} sources imported, {} objects created, {} changed, {} links added",
            path.display(),
            summary.sources_imported,
            summary.objects_created,
            summary.objects_changed,
            summary.links_added
        );
    } else {
        println!("loaded {}: nothing changed", path.display());
    }
    Ok(())
}

async fn eval_suggestions(config: Config) -> Result<(), CliError> {
    let scores = in_transaction(&config, async |conn| {
        Ok(suggest::evaluate(conn).await.map_err(ServeError::Connect)?)
    })
    .await?;
    println!("{scores}");
    Ok(())
}

async fn export(config: Config, args: ExportArgs) -> Result<(), CliError> {
    use crate::export::{self, Format, Scope, summary};
    let scope = match (args.debate.clone(), args.proposal.clone()) {
        (Some(debate), _) => Scope::Debate(debate),
        (None, Some(proposal)) => Scope::Proposal(proposal),
        (None, None) => Scope::All,
    };
    let is_summary = args.format == "summary";
    let format: Option<Format> = if is_summary {
        None
    } else {
        Some(args.format.parse().map_err(CliError::Usage)?)
    };
    if is_summary && !matches!(scope, Scope::Debate(_)) {
        return Err(CliError::Usage(
            "a summary is of one debate: pass --debate SLUG".into(),
        ));
    }
    let database = Database::open(&config).await?;
    let result: Result<Vec<u8>, CliError> = async {
        if is_summary {
            let slug = match &scope {
                Scope::Debate(slug) => slug.clone(),
                _ => unreachable!("checked above"),
            };
            let all = export::load(&database.pool, Scope::All)
                .await
                .map_err(ServeError::Connect)?
                .expect("the whole map exists");
            let options = summary::Options {
                base: config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", config.addr)),
                today: time::OffsetDateTime::now_utc().date(),
                detail: args.detail,
            };
            let note = summary::note(&all, &slug, &options)
                .ok_or_else(|| CliError::Usage(format!("no debate has the slug {slug:?}")))?;
            return Ok(args.summary_format.write(&note));
        }
        let doc = export::load(&database.pool, scope.clone())
            .await
            .map_err(ServeError::Connect)?
            .ok_or_else(|| {
                CliError::Usage(format!("nothing to export: {scope:?} does not exist"))
            })?;
        Ok(format.expect("not a summary").write(&doc).into_bytes())
    }
    .await;
    database.close().await?;
    let bytes = result?;
    let mut out = std::io::stdout().lock();
    match std::io::Write::write_all(&mut out, &bytes).and_then(|()| std::io::Write::flush(&mut out))
    {
        // A reader that stops early (`| head`) is not an error.
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Usage(format!(
            "cannot write to standard output: {err}"
        ))),
        _ => Ok(()),
    }
}

async fn import_map(config: Config, args: ImportMapArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.file).map_err(|err| {
        CliError::Usage(format!("{}: cannot read it: {err}", args.file.display()))
    })?;
    let format = args.format.clone().unwrap_or_else(|| {
        let name = args.file.to_string_lossy();
        if name.ends_with(".json") {
            "json".into()
        } else if name.ends_with(".argdown") || name.ends_with(".ad") {
            "argdown".into()
        } else {
            "kialo".into()
        }
    });
    let origin = args.file.display().to_string();
    let report = in_transaction(&config, async |conn| {
        Ok(
            crate::export::import::import(conn, &origin, &text, &format, args.debate.as_deref())
                .await?,
        )
    })
    .await?;
    println!("{report}");
    Ok(())
}

async fn dump(config: Config) -> Result<(), CliError> {
    let database = Database::open(&config).await?;
    let mut stdout = tokio::io::stdout();
    let result = crate::export::dump::dump(&database.pool, &mut stdout).await;
    database.close().await?;
    Ok(result?)
}

async fn restore(config: Config, args: RestoreArgs) -> Result<(), CliError> {
    let text = std::fs::read(&args.file).map_err(|err| {
        CliError::Usage(format!("{}: cannot read it: {err}", args.file.display()))
    })?;
    let origin = args.file.display().to_string();
    let summary = in_transaction(&config, async |conn| {
        Ok(crate::export::dump::restore(conn, &origin, &text, args.merge).await?)
    })
    .await?;
    println!("{summary}");
    Ok(())
}

async fn user(config: Config, command: UserCommand) -> Result<(), CliError> {
    use crate::users::{self, NewUser};
    match command {
        UserCommand::Add { email, name, role } => {
            let mut line = String::new();
            // A password piped in (never prompted for, so it stays out of shell history).
            let piped = !std::io::IsTerminal::is_terminal(&std::io::stdin());
            let given = piped && std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0);
            let password = if given {
                line.trim_end_matches(['\n', '\r']).to_owned()
            } else {
                crate::auth::csrf::random_token()[..20].to_owned()
            };
            let display_name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
            let new = NewUser {
                email: email.clone(),
                display_name,
                password: password.clone(),
                role,
            };
            in_transaction(&config, async |conn| {
                users::create(conn, &new, None)
                    .await
                    .map_err(|e| CliError::Usage(e.to_string()))
            })
            .await?;
            println!("added {email} as {}", role.as_str());
            if !given {
                println!("password: {password}");
            }
        }
        UserCommand::Role { email, role } => {
            in_transaction(&config, async |conn| {
                users::set_role(conn, &email, role, None)
                    .await
                    .map_err(|e| CliError::Usage(e.to_string()))
            })
            .await?;
            println!("{email} is now {}", role.as_str());
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Dump(#[from] crate::export::dump::DumpError),
    #[error(transparent)]
    ImportMap(#[from] crate::export::import::ImportMapError),
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Import(#[from] sources::ImportError),
    #[error("{0}")]
    Map(#[from] map::LoadError),
}
