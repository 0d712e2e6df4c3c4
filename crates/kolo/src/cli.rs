//! The command line: `kolo serve`, `kolo demo`, `kolo admin ...`, and the
//! scripted monitoring setup (`kolo project|form|app-user ...`).
//!
//! Exit codes: 0 success, 1 failure (with a message naming what is wrong),
//! 2 a usage error.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kolo_core::Store;
use tokio::net::TcpListener;

use crate::config::ServerConfig;
use crate::demo::{self, DataState};
use crate::storage::{ensure_data_dir, open_store};
use crate::vault::Vault;

#[derive(Parser)]
#[command(
    name = "kolo",
    version,
    about = "Kolo: programme management for community-led organisations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the organisation's data.
    Serve(ServeArgs),
    /// Create a fictional demo organisation (if the data directory is empty) and serve it.
    Demo(ServeArgs),
    /// Administration for scripted setups.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write an encrypted backup of the running installation: a consistent copy of
    /// the database, attachments, keys and audit head. Encrypted with
    /// KOLO_BACKUP_PASSPHRASE when set, else with keys/backup.key.
    Backup {
        /// The backup file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Verify a backup whole, then restore it into an empty data directory (and,
    /// for PostgreSQL, an empty database given by --database-url).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The backup key file, for a backup made without a passphrase.
        #[arg(long)]
        backup_key: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Monitoring projects.
    Project {
        #[command(subcommand)]
        command: ProjectCommand,
    },
    /// Monitoring forms.
    Form {
        #[command(subcommand)]
        command: FormCommand,
    },
    /// App users: the credentials of field devices running ODK Collect.
    AppUser {
        #[command(subcommand)]
        command: AppUserCommand,
    },
    /// XLSForm tools.
    Xlsform {
        #[command(subcommand)]
        command: XlsformCommand,
    },
}

#[derive(Subcommand)]
enum XlsformCommand {
    /// Compile an XLSForm (.xlsx, .xls, .csv or a markdown table) to an ODK XForm.
    Convert {
        /// The XLSForm; its format is read from its content, not its name.
        form: PathBuf,
        /// Where to write the XForm (default: the form's name with .xml).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Print the outcome and every diagnostic as JSON on standard output.
        #[arg(long)]
        json: bool,
        /// The language of the messages: en or uk.
        #[arg(long, default_value = "en", value_parser = ["en", "uk"])]
        lang: String,
    },
}

#[derive(Subcommand)]
enum ProjectCommand {
    /// Create a monitoring project; prints its id.
    Create {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum FormCommand {
    /// Compile an XLSForm (or take an XForm), attach its media and data files,
    /// and publish it; prints the form id and version, or the form's errors
    /// with their sheet, row and column (exit code 1).
    Publish {
        #[arg(long)]
        project: String,
        /// The XLSForm (.xlsx, .xls, .csv, markdown) or XForm (.xml).
        form: PathBuf,
        /// Files the form references (images, CSV for select_one_from_file, ...).
        attachments: Vec<PathBuf>,
        /// The language of the form's messages: en or uk.
        #[arg(long, default_value = "en", value_parser = ["en", "uk"])]
        lang: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum AppUserCommand {
    /// Create an app user for one monitor's device; prints the server URL for
    /// ODK Collect and the settings QR code's content.
    Create {
        #[arg(long)]
        project: String,
        /// A label for the device or monitor (a pseudonym, not a full name).
        name: String,
        /// The login of the monitor who carries the device: they see what it sends.
        #[arg(long)]
        monitor: Option<String>,
        /// How devices reach this server (scheme and host).
        #[arg(long, env = "KOLO_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        server_url: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revoke an app user at once: its device can no longer list, download or submit.
    Revoke {
        /// The app user's id, as `create` printed it.
        id: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Where the data lives; every command takes these.
#[derive(Args, Clone)]
struct DataArgs {
    /// The data directory (database, keys, attachments).
    #[arg(long, env = "KOLO_DATA", default_value = "kolo-data")]
    data: PathBuf,
    /// A postgres:// URL; without it Kolo uses SQLite in the data directory.
    #[arg(long, env = "KOLO_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The address to listen on.
    #[arg(long, env = "KOLO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A reverse proxy in front terminates TLS (trust its X-Forwarded-* headers).
    #[arg(long, env = "KOLO_BEHIND_TLS_PROXY")]
    behind_tls_proxy: bool,
    /// Accept plain HTTP on a non-loopback address (only on a network you control).
    #[arg(long, env = "KOLO_ALLOW_PLAIN_HTTP")]
    allow_plain_http: bool,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "KOLO_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=720))]
    session_idle_minutes: u32,
}

impl ServeArgs {
    fn config(&self) -> ServerConfig {
        let mut config = ServerConfig::new(
            self.data.data.clone(),
            self.data.database_url.clone(),
            self.listen,
        );
        config.behind_tls_proxy = self.behind_tls_proxy;
        config.allow_plain_http = self.allow_plain_http;
        config.sessions.idle_timeout_secs = i64::from(self.session_idle_minutes) * 60;
        config
    }
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account. The password comes from KOLO_PASSWORD, or is asked for.
    CreateUser {
        login: String,
        /// A role: admin, coordinator, trainer, monitor, case_worker, viewer (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The name shown on pages (defaults to the login).
        #[arg(long)]
        name: Option<String>,
        /// The ISO 3166-2:UA code of the person's oblast, e.g. UA-46.
        #[arg(long)]
        oblast: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print a new API token for an account.
    ApiToken {
        login: String,
        /// What the token is for, shown on the account page.
        #[arg(long, default_value = "command line")]
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Walk the audit log's hash chain and report the first broken link.
    VerifyAudit {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Seal the master key with a passphrase (from KOLO_VAULT_NEW_PASSPHRASE, or asked
    /// for): the server then starts locked until an admin unlocks it. A sealed key ring
    /// is opened with KOLO_VAULT_PASSPHRASE.
    SetPassphrase {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Keep the master key in its file again, so the server starts unattended.
    RemovePassphrase {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Make a new data key and re-encrypt every stored value to it; resumes a
    /// rotation that was interrupted. Safe while the server runs.
    RotateKey {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Erase a data key that no stored value uses any more (after rotate-key).
    RetireKey {
        /// The key id, e.g. k1.
        key: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Apply the retention rules now (the server also does it once a day).
    ApplyRetention {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Copy keys/backup.key to a file, to keep it away from the server: backups
    /// made without a passphrase need it to be restored elsewhere.
    ExportBackupKey {
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let command = match cli.command {
        // Pure and synchronous: no runtime, no logging, no data directory.
        Command::Xlsform {
            command:
                XlsformCommand::Convert {
                    form,
                    output,
                    json,
                    lang,
                },
        } => {
            return crate::clm::xlsform_command::run(
                &crate::clm::xlsform_command::ConvertRequest {
                    input: form,
                    output,
                    json,
                    lang: if lang == "uk" {
                        xlsform::Lang::Uk
                    } else {
                        xlsform::Lang::En
                    },
                },
            );
        }
        Command::Serve(args) => ServerCommand::Serve(args),
        Command::Demo(args) => ServerCommand::Demo(args),
        Command::Admin { command } => ServerCommand::Admin(command),
        Command::Project { command } => ServerCommand::Project(command),
        Command::Form { command } => ServerCommand::Form(command),
        Command::AppUser { command } => ServerCommand::AppUser(command),
        Command::Backup { out, data } => ServerCommand::Backup { out, data },
        Command::Restore {
            file,
            backup_key,
            data,
        } => ServerCommand::Restore {
            file,
            backup_key,
            data,
        },
    };

    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kolo: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kolo: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error, at the level in `KOLO_LOG` (default `info`). Kolo
/// never logs personal data: identifiers are random ids, not names.
fn init_logging() {
    let level = std::env::var("KOLO_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// The commands that work on a data directory, inside the async runtime.
enum ServerCommand {
    Serve(ServeArgs),
    Demo(ServeArgs),
    Admin(AdminCommand),
    Project(ProjectCommand),
    Form(FormCommand),
    AppUser(AppUserCommand),
    Backup {
        out: PathBuf,
        data: DataArgs,
    },
    Restore {
        file: PathBuf,
        backup_key: Option<PathBuf>,
        data: DataArgs,
    },
}

async fn run(command: ServerCommand) -> anyhow::Result<()> {
    match command {
        ServerCommand::Serve(args) => serve(args.config()).await,
        ServerCommand::Demo(args) => run_demo(args.config()).await,
        ServerCommand::Admin(command) => run_admin(command).await,
        ServerCommand::Project(ProjectCommand::Create { name, data }) => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            crate::clm::commands::create_project(&*store, &vault, &name).await
        }
        ServerCommand::Form(FormCommand::Publish {
            project,
            form,
            attachments,
            lang,
            data,
        }) => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            let lang = if lang == "uk" {
                xlsform::Lang::Uk
            } else {
                xlsform::Lang::En
            };
            crate::clm::commands::publish_form(
                &*store,
                &vault,
                &data.data,
                &project,
                &form,
                &attachments,
                lang,
            )
            .await
        }
        ServerCommand::AppUser(AppUserCommand::Create {
            project,
            name,
            monitor,
            server_url,
            data,
        }) => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            crate::clm::commands::create_app_user(
                &*store,
                &vault,
                &project,
                &name,
                monitor.as_deref(),
                &server_url,
            )
            .await
        }
        ServerCommand::AppUser(AppUserCommand::Revoke { id, data }) => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            crate::clm::commands::revoke_app_user(&*store, &vault, &id).await
        }
        ServerCommand::Backup { out, data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            let passphrase = backup_passphrase();
            let summary =
                crate::backup::create_backup(&*store, &vault, &data.data, &out, passphrase).await?;
            println!(
                "Backup written to {}: {} entries, {} bytes, encrypted with {}.",
                out.display(),
                summary.entries,
                summary.bytes,
                if summary.with_passphrase {
                    "KOLO_BACKUP_PASSPHRASE"
                } else {
                    "keys/backup.key (keep a copy of it elsewhere)"
                }
            );
            Ok(())
        }
        ServerCommand::Restore {
            file,
            backup_key,
            data,
        } => {
            let secret = match (backup_passphrase(), backup_key) {
                (Some(passphrase), _) => Some(crate::backup::restore::RestoreSecret::Passphrase(
                    passphrase,
                )),
                (None, Some(path)) => Some(crate::backup::restore::RestoreSecret::KeyFile(path)),
                (None, None) => None,
            };
            let summary = crate::backup::restore_backup(
                &file,
                secret,
                &data.data,
                data.database_url.as_deref(),
            )
            .await?;
            println!(
                "Restored {} entries into {}; the audit log verifies ({} entries).",
                summary.entries,
                data.data.display(),
                summary.audit_entries
            );
            Ok(())
        }
    }
}

/// The backup passphrase from `KOLO_BACKUP_PASSPHRASE`, if set.
fn backup_passphrase() -> Option<vault::SecretString> {
    std::env::var("KOLO_BACKUP_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(vault::SecretString::new)
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    config.check_safe().map_err(anyhow::Error::msg)?;
    let (store, vault) = open_data(&config.data_dir, config.database_url.as_deref()).await?;
    let listener = bind(&config).await?;
    serve_store(store, vault, config, listener).await
}

/// Opens the keys first (refusing to start on a missing or damaged key file,
/// before any data is touched), then the database.
async fn open_data(
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<(Arc<dyn Store>, Arc<Vault>)> {
    ensure_data_dir(data_dir)?;
    let vault = Vault::open_for_command(data_dir).context("opening the keys")?;
    let store = open_store(data_dir, database_url).await?;
    Ok((store, Arc::new(vault)))
}

async fn bind(config: &ServerConfig) -> anyhow::Result<TcpListener> {
    TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))
}

async fn serve_store(
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    config: ServerConfig,
    listener: TcpListener,
) -> anyhow::Result<()> {
    let locked = vault.is_locked();
    let server = crate::app::start(store, vault, config, listener).await?;
    if locked {
        println!(
            "The keys are sealed by a passphrase: an administrator must sign in and unlock the server."
        );
    }
    println!("Kolo is serving on http://{}/", server.addr);
    wait_for_stop_signal().await;
    println!("Kolo is stopping.");
    server.shutdown().await;
    Ok(())
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn run_demo(config: ServerConfig) -> anyhow::Result<()> {
    config.check_safe().map_err(anyhow::Error::msg)?;
    let (store, vault) = open_data(&config.data_dir, config.database_url.as_deref()).await?;
    match demo::data_state(&*store).await? {
        DataState::Empty => {
            println!(
                "Creating the demo organisation in {} ...",
                config.data_dir.display()
            );
            demo::create(&*store, &vault, &config.data_dir).await?;
        }
        DataState::Demo => println!(
            "Serving the existing demo in {}.",
            config.data_dir.display()
        ),
        DataState::Organisation => anyhow::bail!(
            "{} holds a real organisation's data (or an interrupted demo); the demo adds fictional people \
             only to an empty data directory. Use `kolo serve` for this data, or `kolo demo --data OTHER_DIR`.",
            config.data_dir.display()
        ),
    }
    let listener = bind(&config).await?;
    let address = listener
        .local_addr()
        .context("reading the listening address")?;
    println!();
    println!("DEMO DATA: every person and organisation here is fictional.");
    println!("Open http://{address}/ and sign in with one of these demo logins:");
    for login in demo::logins() {
        println!(
            "  {:<12} login: {:<12} password: {}",
            login.role.as_str(),
            login.login,
            login.password
        );
    }
    println!(
        "Regional leaders: monitor.odesa, monitor.lviv, monitor.dnipro, monitor.poltava, monitor.mykolaiv, monitor.chernihiv (same password as monitor)."
    );
    println!(
        "admin and caseworker set up an authenticator app at their first sign-in: their roles require two-factor sign-in."
    );
    println!();
    serve_store(store, vault, config, listener).await
}

async fn run_admin(command: AdminCommand) -> anyhow::Result<()> {
    use crate::admin::commands;
    match command {
        AdminCommand::CreateUser {
            login,
            roles,
            name,
            oblast,
            data,
        } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::create_user(&*store, &vault, &login, &roles, name, oblast).await
        }
        AdminCommand::ApiToken { login, name, data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::api_token(&*store, &vault, &login, name).await
        }
        AdminCommand::VerifyAudit { data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::verify_audit(store, &vault).await
        }
        AdminCommand::SetPassphrase { data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::set_passphrase(&*store, &vault).await
        }
        AdminCommand::RotateKey { data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            let report = crate::vault::rotation::rotate(&*store, &vault).await?;
            println!(
                "{} rotation to {}: {} values re-encrypted. The old key can now be retired with `kolo admin retire-key`.",
                if report.resumed {
                    "Resumed and finished the"
                } else {
                    "Finished the"
                },
                report.to,
                report.reencrypted
            );
            Ok(())
        }
        AdminCommand::RetireKey { key, data } => {
            let key: vault::KeyId = key.parse()?;
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            crate::vault::rotation::retire(&*store, &vault, key).await?;
            println!("Data key {key} is retired and erased.");
            Ok(())
        }
        AdminCommand::ApplyRetention { data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            let report =
                crate::retention::apply(&*store, &vault, kolo_core::time::Timestamp::now()).await?;
            println!(
                "Retention applied: {} audit entries erased.",
                report.audit_entries
            );
            Ok(())
        }
        AdminCommand::ExportBackupKey { out, data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::export_backup_key(&*store, &vault, &out).await
        }
        AdminCommand::RemovePassphrase { data } => {
            let (store, vault) = open_data(&data.data, data.database_url.as_deref()).await?;
            commands::remove_passphrase(&*store, &vault).await
        }
    }
}
