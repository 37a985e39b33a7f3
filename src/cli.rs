//! The command line: `argmap [serve]`, `argmap migrate`, ...

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::auth::Role;
use crate::config::Config;
use crate::map;
use crate::server::{self, Database, ServeError};
use crate::sources::suggest;
use crate::sources::{self, SourceFields, SourceInput, SourceKind};

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
    /// The header a trusted reverse proxy sets to the client's address (e.g.
    /// x-forwarded-for or x-real-ip); only set this behind a proxy that always sets it.
    #[arg(long, env = "ARGMAP_TRUSTED_PROXY_HEADER", global = true)]
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// Sign-ups allowed per client address per hour.
    #[arg(long, env = "ARGMAP_SIGNUPS_PER_HOUR", default_value_t = crate::config::LimitConfig::default().signups_per_hour, global = true)]
    pub signups_per_hour: u32,
    /// Writes (any POST/PUT/PATCH/DELETE) allowed per client address, and per account, per minute.
    #[arg(long, env = "ARGMAP_WRITES_PER_MINUTE", default_value_t = crate::config::LimitConfig::default().writes_per_minute, global = true)]
    pub writes_per_minute: u32,
    /// Reuse rendered pages for anonymous visitors until the map changes (false renders
    /// every request from the database).
    #[arg(long, env = "ARGMAP_PAGE_CACHE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub page_cache: bool,
    /// A PostgreSQL streaming replica of the database for anonymous reads (repeatable;
    /// the environment variable takes a comma-separated list).
    #[arg(
        long = "replica-url",
        env = "ARGMAP_REPLICA_URLS",
        value_delimiter = ',',
        global = true,
        hide_env_values = true
    )]
    pub replica_urls: Vec<String>,
    /// The site's public address, e.g. https://argmap.example.org: the start of every
    /// absolute link in a debate summary or CSV export (without it, the address a request
    /// came to; `argmap export` uses http://ADDR).
    #[arg(
        long,
        alias = "base-url",
        env = "ARGMAP_PUBLIC_URL",
        global = true,
        value_parser = crate::config::parse_public_url
    )]
    pub public_url: Option<String>,
    /// Where mail goes: `outbox:FOLDER` writes each message as a .eml file (the default:
    /// DATA_DIR/outbox), `sendmail` or `sendmail:COMMAND` hands it to the mail system.
    #[arg(long, env = "ARGMAP_MAIL", global = true, value_parser = crate::mail::MailConfig::parse)]
    pub mail: Option<crate::mail::MailConfig>,
    /// The sender of argmap's mail, e.g. "argmap <argmap@example.org>".
    #[arg(long, env = "ARGMAP_MAIL_FROM", global = true, value_parser = parse_mailbox)]
    pub mail_from: Option<lettre::message::Mailbox>,
}

fn parse_mailbox(text: &str) -> Result<lettre::message::Mailbox, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a mailbox like \"argmap <argmap@example.org>\""))
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
    /// Measure the candidate-claim suggestions: against the claims' quotes in the database,
    /// or with --fixtures against the main points marked by hand in a folder of documents.
    EvalSuggestions {
        /// A folder of NAME.txt documents with their main points in NAME.expected.toml
        /// (e.g. tests/fixtures/unseen); needs no database.
        #[arg(long)]
        fixtures: Option<PathBuf>,
    },
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
    /// Add a synthetic map N times the shipped one (for measuring argmap at size).
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many times the shipped map's objects to add (1000 makes 86,000 claims).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::generate::MAX_SCALE)))]
    pub scale: u32,
    /// The same seed makes the same map; each seed can be added to a database once.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
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
    /// json, argdown, aif, dot, svg, kialo, iccma, csv, csv-relations, or summary (needs --debate).
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
    /// Show how the file would be cleaned and segmented, and write nothing. It refuses
    /// exactly what the import would.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: print the cleaned source as JSON (title, author, outlet, url,
    /// published, segments with anchor, kind and text, suggested claims).
    #[arg(long, requires = "dry_run")]
    pub json: bool,
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
            trusted_proxy_header: self.trusted_proxy_header.clone(),
            header_read_timeout: Config::HEADER_READ_TIMEOUT,
            limits: crate::config::LimitConfig {
                signups_per_hour: self.signups_per_hour,
                writes_per_minute: self.writes_per_minute,
            },
            page_cache: self.page_cache,
            replica_urls: self.replica_urls.clone(),
            public_url: self.public_url.clone(),
            mail: self
                .mail
                .clone()
                .unwrap_or_else(|| crate::mail::MailConfig::Outbox(self.data_dir.join("outbox"))),
            mail_from: self
                .mail_from
                .clone()
                .unwrap_or_else(Config::default_mail_from),
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
            Command::EvalSuggestions { fixtures } => eval_suggestions(config, fixtures).await,
            Command::Export(args) => export(config, args).await,
            Command::ImportMap(args) => import_map(config, args).await,
            Command::Dump => dump(config).await,
            Command::Restore(args) => restore(config, args).await,
            Command::User(command) => user(config, command).await,
            Command::Generate(args) => generate(config, args).await,
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
    run_in_transaction(Database::open(config).await?, work).await
}

async fn import(config: Config, args: ImportArgs) -> Result<(), CliError> {
    use crate::sources::import::{NewVersionOf, find_debate, prepare};
    let origin = args.file.display().to_string();
    // The file is read and checked before the database is touched, for a dry run and an
    // import alike: both go through `prepare`, so they accept the same documents.
    let input = SourceInput {
        text: sources::read_file(&args.file)?,
        origin: origin.clone(),
        kind: args.kind,
        slug: args.slug,
        fields: SourceFields {
            title: args.title,
            author: args.author,
            outlet: args.outlet,
            url: args.url,
            published: args.published,
        },
        debate: args.debate,
    };
    let prepared = prepare(&input)?;
    if args.dry_run {
        // The one check that needs the database: the debate named exists.
        if let Some(debate) = &input.debate {
            in_seeded_transaction(&config, async |conn| {
                Ok(find_debate(conn, &origin, debate).await?)
            })
            .await?;
        }
        if args.json {
            println!("{:#}", prepared.to_json());
        } else {
            print!("{}", prepared.describe());
        }
        return Ok(());
    }
    let (outcome, resemblances) = in_seeded_transaction(&config, async |conn| {
        let outcome = sources::import_source(conn, &input).await?;
        let resemblances = if outcome.changed {
            suggest::resemblances(conn, outcome.source_id)
                .await
                .map_err(ServeError::Connect)?
        } else {
            Vec::new()
        };
        Ok((outcome, resemblances))
    })
    .await?;
    if !outcome.changed {
        println!(
            "{origin} is unchanged: /sources/{} version {} already has this text",
            outcome.slug, outcome.version
        );
        return Ok(());
    }
    match &outcome.new_version_of {
        Some(why) => {
            let because = match why {
                NewVersionOf::Slug => "--slug names it".to_owned(),
                NewVersionOf::Url(url) => format!("its URL is the same ({url})"),
            };
            println!(
                "imported {origin} as version {} of the existing source /sources/{}, because {because}: {} segments, {} suggestions",
                outcome.version, outcome.slug, outcome.segments, outcome.suggestions
            );
        }
        None => {
            println!(
                "imported {origin} as /sources/{} version {}: {} segments, {} suggestions",
                outcome.slug, outcome.version, outcome.segments, outcome.suggestions
            );
            if let Some(taken) = &outcome.slug_taken {
                println!(
                    "/sources/{taken} is another source, so this one is /sources/{}; to make it a new version of {taken} instead, import it with --slug {taken}",
                    outcome.slug
                );
            }
        }
    }
    for (suggestion, claims) in resemblances {
        println!(
            "\nsuggested: {suggestion}\n  resembles claims already in the map (link rather than duplicate):"
        );
        for claim in claims {
            println!(
                "  /claims/{} ({:.0}% alike): {}",
                claim.slug,
                claim.similarity * 100.0,
                claim.text
            );
        }
    }
    Ok(())
}

/// [`in_transaction`], on a database that gets the seed map first if it is a fresh one.
async fn in_seeded_transaction<T>(
    config: &Config,
    work: impl AsyncFnOnce(&mut sqlx::PgConnection) -> Result<T, CliError>,
) -> Result<T, CliError> {
    run_in_transaction(Database::open_seeded(config).await?, work).await
}

/// Runs `work` in one transaction on `database`, then closes it cleanly whether or not the
/// work succeeded.
async fn run_in_transaction<T>(
    database: Database,
    work: impl AsyncFnOnce(&mut sqlx::PgConnection) -> Result<T, CliError>,
) -> Result<T, CliError> {
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

async fn load_map(config: Config, path: PathBuf) -> Result<(), CliError> {
    let summary = in_transaction(&config, async |conn| {
        let summary = map::load_map(conn, &path).await?;
        // In the transaction, so the load and its statistics land together.
        crate::db::analyze(&mut *conn)
            .await
            .map_err(ServeError::Connect)?;
        Ok(summary)
    })
    .await?;
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

async fn generate(config: Config, args: GenerateArgs) -> Result<(), CliError> {
    let database = Database::open(&config).await?;
    let options = crate::generate::Options {
        scale: args.scale,
        seed: args.seed,
    };
    let result = crate::generate::generate(&database.pool, options).await;
    database.close().await?;
    println!("{}", result?);
    Ok(())
}

async fn eval_suggestions(config: Config, fixtures: Option<PathBuf>) -> Result<(), CliError> {
    if let Some(dir) = fixtures {
        let (each, total) = suggest::evaluate_fixtures(&dir).map_err(CliError::Usage)?;
        for (name, scores) in each {
            println!("{name}: {scores}");
        }
        println!("all: {total}");
        return Ok(());
    }
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
    let base = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.addr));
    let database = Database::open(&config).await?;
    if scope == Scope::All && format == Some(Format::Json) {
        let result = export_whole_map(&database.pool).await;
        database.close().await?;
        return result;
    }
    let result: Result<Vec<u8>, CliError> = async {
        if is_summary {
            let slug = match &scope {
                Scope::Debate(slug) => slug.clone(),
                _ => unreachable!("checked above"),
            };
            let no_debate = || CliError::Usage(format!("no debate has the slug {slug:?}"));
            let doc = summary::load::load(&database.pool, &slug, None)
                .await
                .map_err(ServeError::Connect)?
                .ok_or_else(no_debate)?;
            let options = summary::Options {
                base: base.clone(),
                today: time::OffsetDateTime::now_utc().date(),
                detail: args.detail,
            };
            let note = summary::note(&doc, &slug, &options).ok_or_else(no_debate)?;
            return Ok(args.summary_format.write(&note));
        }
        let doc = export::load(&database.pool, scope.clone())
            .await
            .map_err(ServeError::Connect)?
            .ok_or_else(|| {
                CliError::Usage(format!("nothing to export: {scope:?} does not exist"))
            })?;
        Ok(format
            .expect("not a summary")
            .write(&doc, &base)
            .into_bytes())
    }
    .await;
    database.close().await?;
    write_stdout(&result?)
}

/// The whole map as argmap JSON on standard output, written as it is read.
async fn export_whole_map(db: &sqlx::PgPool) -> Result<(), CliError> {
    use crate::export::stream::{CLAIMS_AT_ONCE, StreamError, write_whole_map};
    let mut stdout = tokio::io::stdout();
    match write_whole_map(db, None, CLAIMS_AT_ONCE, &mut stdout).await {
        Ok(()) => Ok(()),
        Err(StreamError::Write(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(StreamError::Write(err)) => Err(CliError::Usage(format!(
            "cannot write to standard output: {err}"
        ))),
        Err(StreamError::Database(err)) => Err(ServeError::Connect(err).into()),
    }
}

/// Writes to standard output; a reader that stopped early (`argmap export json | head`)
/// is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Usage(format!(
            "cannot write to standard output: {err}"
        ))),
        _ => Ok(()),
    }
}

/// The largest file `import-map` reads (a whole exported map is a few megabytes).
const MAX_IMPORT_MAP_BYTES: usize = 64 * 1024 * 1024;

async fn import_map(config: Config, args: ImportMapArgs) -> Result<(), CliError> {
    // A named pipe or a device is refused rather than waited on, and a huge file is
    // refused before it fills memory.
    let bytes = crate::files::read_bounded(&args.file, MAX_IMPORT_MAP_BYTES)
        .map_err(|err| CliError::Usage(format!("{}: {err}", args.file.display())))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        CliError::Usage(format!("{}:{line}: not UTF-8 text", args.file.display()))
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
    match result {
        // A reader that stopped early (`argmap dump | head`) is not an error.
        Err(crate::export::dump::DumpError::Write(err))
            if err.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(())
        }
        result => Ok(result?),
    }
}

async fn restore(config: Config, args: RestoreArgs) -> Result<(), CliError> {
    // Read as it is restored, never whole.
    let file = std::fs::File::open(&args.file).map_err(|err| {
        CliError::Usage(format!("{}: cannot read it: {err}", args.file.display()))
    })?;
    let reader = std::io::BufReader::with_capacity(256 * 1024, file);
    let origin = args.file.display().to_string();
    let summary = in_transaction(&config, async |conn| {
        let summary = crate::export::dump::restore_from(conn, &origin, reader, args.merge).await?;
        crate::db::analyze(&mut *conn)
            .await
            .map_err(ServeError::Connect)?;
        Ok(summary)
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
    #[error(transparent)]
    Generate(#[from] crate::generate::GenerateError),
}
