//! The command line: `kolo serve`, `kolo demo`, `kolo admin ...`.
//!
//! Exit codes: 0 success, 1 failure (with a message naming what is wrong),
//! 2 a usage error.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kolo_core::auth::{ApiToken, LoginName, NewUser, Password, Role, RoleSet, hash_password};
use kolo_core::ids::{new_id, new_secret_token, token_hash};
use kolo_core::org::Oblast;
use kolo_core::time::Timestamp;
use kolo_core::{Store, StoreError};
use tokio::net::TcpListener;

use crate::config::ServerConfig;
use crate::demo::{self, DataState};
use crate::storage::open_store;

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
}

async fn run(command: ServerCommand) -> anyhow::Result<()> {
    match command {
        ServerCommand::Serve(args) => serve(args.config()).await,
        ServerCommand::Demo(args) => run_demo(args.config()).await,
        ServerCommand::Admin(command) => run_admin(command).await,
    }
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    config.check_safe().map_err(anyhow::Error::msg)?;
    let store = open_store(&config.data_dir, config.database_url.as_deref()).await?;
    let listener = bind(&config).await?;
    serve_store(store, config, listener).await
}

async fn bind(config: &ServerConfig) -> anyhow::Result<TcpListener> {
    TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))
}

async fn serve_store(
    store: std::sync::Arc<dyn Store>,
    config: ServerConfig,
    listener: TcpListener,
) -> anyhow::Result<()> {
    let server = crate::app::start(store, config, listener).await?;
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
    let store = open_store(&config.data_dir, config.database_url.as_deref()).await?;
    match demo::data_state(&*store).await? {
        DataState::Empty => {
            println!(
                "Creating the demo organisation in {} ...",
                config.data_dir.display()
            );
            demo::create(&*store).await?;
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
    println!();
    serve_store(store, config, listener).await
}

async fn run_admin(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            login,
            roles,
            name,
            oblast,
            data,
        } => {
            let login = LoginName::parse(&login).map_err(|problem| {
                anyhow::anyhow!(
                    "login {login:?} is not valid: {}",
                    crate::web::i18n::text(kolo_core::lang::Lang::En, problem.message_id())
                )
            })?;
            let roles = parse_roles(&roles)?;
            let oblast = oblast
                .map(|code| {
                    Oblast::from_code(&code).ok_or_else(|| {
                        anyhow::anyhow!("--oblast {code:?} is not an ISO 3166-2:UA code such as UA-46 (Lviv oblast)")
                    })
                })
                .transpose()?;
            let password = read_new_password(login.as_str())?;
            let store = open_store(&data.data, data.database_url.as_deref()).await?;
            let password_hash =
                tokio::task::spawn_blocking(move || hash_password(&password)).await?;
            let new_user = NewUser {
                display_name: name.unwrap_or_else(|| login.to_string()),
                login: login.clone(),
                roles,
                oblast,
                password_hash,
            };
            match store.create_user(&new_user, Timestamp::now()).await {
                Ok(_) => {
                    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    println!("created account {login} with roles: {}", names.join(", "));
                    Ok(())
                }
                Err(StoreError::Conflict(_)) => {
                    anyhow::bail!("an account with login {login} already exists")
                }
                Err(error) => Err(error.into()),
            }
        }
        AdminCommand::ApiToken { login, name, data } => {
            let login = LoginName::parse(&login)
                .map_err(|_| anyhow::anyhow!("no account has login {login:?}"))?;
            let store = open_store(&data.data, data.database_url.as_deref()).await?;
            let Some((user, _)) = store.user_credentials(&login).await? else {
                anyhow::bail!("no account has login {login}");
            };
            if user.disabled {
                anyhow::bail!(
                    "the account {login} is disabled; enable it before giving it a token"
                );
            }
            let token = new_secret_token();
            let record = ApiToken {
                id: new_id(),
                user_id: user.id,
                name,
                created_at: Timestamp::now(),
                last_used_at: None,
            };
            store.create_api_token(&record, &token_hash(&token)).await?;
            println!("{token}");
            Ok(())
        }
    }
}

fn parse_roles(names: &[String]) -> anyhow::Result<RoleSet> {
    names
        .iter()
        .map(|name| {
            Role::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                anyhow::anyhow!(
                    "--role {name:?} is not a role; use one of: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The new password from `KOLO_PASSWORD`, or typed twice at a prompt.
fn read_new_password(login: &str) -> anyhow::Result<Password> {
    let explain = |problem: kolo_core::auth::PasswordProblem| {
        anyhow::anyhow!(
            "the password is refused: {}",
            crate::web::i18n::text(kolo_core::lang::Lang::En, problem.message_id())
        )
    };
    if let Ok(password) = std::env::var("KOLO_PASSWORD") {
        return Password::new(&password, login).map_err(explain);
    }
    let first = rpassword::prompt_password(format!("New password for {login}: "))
        .context("reading the password (set KOLO_PASSWORD when no terminal is attached)")?;
    let password = Password::new(&first, login).map_err(explain)?;
    let second =
        rpassword::prompt_password("The same password again: ").context("reading the password")?;
    if first != second {
        anyhow::bail!("the two passwords differ; nothing was changed");
    }
    Ok(password)
}
