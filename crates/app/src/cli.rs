//! The `headliner` command line: `serve` (the default), `migrate`, `create-admin`,
//! `seed --demo`, `backup`, `restore`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::database::Database;
use crate::startup::Application;

/// Headliner: book celebrities and talent.
#[derive(Debug, Parser)]
#[command(name = "headliner", version, about, long_about = None)]
pub struct Cli {
    /// TOML configuration file (default: $HEADLINER_CONFIG, else ./headliner.toml if present).
    /// Environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (what a bare `headliner` does). Stops gracefully on SIGTERM/SIGINT.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with data (after migrating it).
    Seed {
        /// A realistic demo data set: celebrities across categories, customers, talent and
        /// admin accounts, bookings in every status with their audit trails.
        #[arg(long, required = true)]
        demo: bool,
    },
    /// Create an admin account. The password is read from a no-echo prompt, or from the first
    /// line of standard input when it is not a terminal; never from the command line.
    CreateAdmin {
        /// The admin's email address (their login).
        #[arg(long)]
        email: String,
        /// The name shown in the app.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Write a portable, verified archive of every table to FILE.
    Backup {
        /// Where to write the archive (replaced atomically).
        file: PathBuf,
    },
    /// Restore an archive made by `backup` into an empty, migrated database.
    Restore {
        /// The archive to restore; it is verified completely before anything is written.
        file: PathBuf,
    },
}

/// Exit code for a configuration that was refused.
const EXIT_CONFIG: u8 = 2;
/// Exit code for a failure while running (database unreachable, port taken, ...).
const EXIT_FAILURE: u8 = 1;

/// Parses arguments, loads settings and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_process(cli.config) {
        Ok(settings) => settings,
        Err(e) => return fail(EXIT_CONFIG, &format!("configuration error: {e}")),
    };
    if let Err(e) = crate::telemetry::init(settings.log_format, &settings.log_filter) {
        return fail(EXIT_CONFIG, &format!("configuration error: {e}"));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(EXIT_FAILURE, &format!("cannot start the async runtime: {e}")),
    };
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(settings)),
        Command::Migrate => runtime.block_on(migrate(settings)),
        Command::Seed { demo: _ } => runtime.block_on(seed(settings)),
        Command::CreateAdmin { email, name } => runtime.block_on(create_admin(settings, email, name)),
        Command::Backup { file } => runtime.block_on(crate::backup::backup(settings, file)),
        Command::Restore { file } => runtime.block_on(crate::backup::restore(settings, file)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(EXIT_FAILURE, &message),
    }
}

/// One line on stderr, whatever the log format, so scripts and people both see it. Line
/// breaks inside causes (libpq writes some) are folded so the message stays one line.
#[allow(clippy::print_stderr, reason = "the CLI's own error line, written before or without logging")]
fn fail(code: u8, message: &str) -> ExitCode {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("headliner: {one_line}");
    ExitCode::from(code)
}

fn log_choices(settings: &Settings) {
    match &settings.config_file {
        Some(path) => tracing::info!(file = %path.display(), "configuration file read; environment overrides it"),
        None => tracing::info!("no configuration file; built-in defaults and environment only"),
    }
    tracing::info!(database = %settings.database.describe(), "store");
    tracing::info!(mail = %settings.mail.describe(), from = %settings.mail_from, "mail");
    tracing::info!(payments = headliner_stripe::PaymentsConfig::Simulated.describe(), "payments");
    if settings.cors_allowed_origins.is_empty() {
        tracing::info!("CORS: no cross-origin callers allowed (set HEADLINER_CORS_ALLOWED_ORIGINS)");
    } else {
        tracing::info!(origins = ?settings.cors_allowed_origins, "CORS allow-list");
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    log_choices(&settings);
    let app = Application::build(&settings, None).await.map_err(|e| e.to_string())?;
    let handle = app.handle();
    let grace = settings.shutdown_timeout;
    tokio::spawn(async move {
        let signal = shutdown_signal().await;
        tracing::info!(signal, grace_secs = grace.as_secs(), "shutting down: finishing in-flight requests");
        handle.stop(true).await;
    });
    app.run_until_stopped().await.map_err(|e| format!("the server failed: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Opens the configured store and brings its schema up to date.
pub(crate) async fn open_migrated(settings: &Settings) -> Result<Database, String> {
    let target = settings.database.describe();
    let database = Database::open(settings).await.map_err(|e| e.to_string())?;
    database.migrate(&target).await.map_err(|e| e.to_string())?;
    Ok(database)
}

async fn seed(settings: Settings) -> Result<(), String> {
    let database = open_migrated(&settings).await?;
    let folder = crate::wiring::images_dir(&settings);
    let files = headliner_files::LocalFileStore::open(&folder)
        .map_err(|e| format!("cannot use the image folder {}: {e}", folder.display()))?;
    let summary =
        crate::seed::demo(&database.repositories(), &files).await.map_err(|e| format!("seeding failed: {e}"))?;
    tracing::info!(database = %settings.database.describe(), %summary, "demo data written");
    Ok(())
}

/// Reads the new admin's password without echo (terminal) or from stdin's first line.
fn read_password() -> Result<String, String> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let first = rpassword::prompt_password("Password: ").map_err(|e| format!("cannot read the password: {e}"))?;
        let again =
            rpassword::prompt_password("Password again: ").map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)
        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn create_admin(settings: Settings, email: String, name: String) -> Result<(), String> {
    let password = read_password()?;
    let database = open_migrated(&settings).await?;
    let ports = crate::accounts_wiring::account_ports(&settings, &database).await.map_err(|e| e.to_string())?;
    let admin = headliner_services::accounts::admin::create_admin(&ports, &email, &name, password)
        .await
        .map_err(|e| format!("create-admin: {e}"))?;
    tracing::info!(id = %admin.id, email = %admin.email, "admin account created");
    Ok(())
}

async fn migrate(settings: Settings) -> Result<(), String> {
    let target = settings.database.describe();
    let database = Database::open(&settings).await.map_err(|e| e.to_string())?;
    let applied = database.migrate(&target).await.map_err(|e| e.to_string())?;
    if applied.is_empty() {
        tracing::info!(database = %target, "schema is up to date; nothing to apply");
    } else {
        tracing::info!(database = %target, count = applied.len(), versions = ?applied, "migrations applied");
    }
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM with the signal's name.
async fn shutdown_signal() -> &'static str {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => "SIGINT",
        () = terminate => "SIGTERM",
    }
}
