//! A form's submissions exported through the staff pages' export routes, as a
//! coordinator downloads them: a real server on a loopback port, the demo's
//! survey (a group, a repeat, a select-multiple, a geopoint), and
//! `KOLO_BENCH_SUBMISSIONS` (default 100,000) fictional submissions stored
//! through the store as OpenRosa would. Measures, for the ZIP of CSVs and the
//! XLSX: the time to the last byte, the size, and the server process's
//! resident memory before and after (VmRSS, and VmHWM: the peak since start).
//! SQLite, then PostgreSQL when `KOLO_BENCH_DATABASE_URL` names a server.
//!
//! Run with `cargo bench -p kolo --bench clm_export`. Nothing is asserted: the
//! figures go to docs/PERFORMANCE.md with the machine and the date.

use std::sync::Arc;
use std::time::Instant;

use kolo::app::start;
use kolo::clm::blobs::BlobStore;
use kolo::clm::publish;
use kolo::config::ServerConfig;
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::Store;
use kolo_core::auth::{LoginName, NewUser, Password, Role, RoleSet, hash_password};
use kolo_core::clm::{
    AppUserId, NewAppUser, NewSubmission, Project, ProjectId, SubmissionId, SubmissionVersionId,
    parse_submission,
};
use kolo_core::ids::{hex, new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use kolo_store_postgres::scratch::ScratchDatabase;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

const PASSWORD: &str = "a long benchmark passphrase";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = std::env::var("KOLO_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    run("SQLite", None, count).await?;
    match std::env::var("KOLO_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let scratch = ScratchDatabase::create(&server).await?;
            let outcome = run("PostgreSQL", Some(scratch.url()), count).await;
            scratch.drop_database().await?;
            outcome?;
        }
        None => println!("\n(PostgreSQL skipped: set KOLO_BENCH_DATABASE_URL to measure it)"),
    }
    Ok(())
}

/// A line of /proc/self/status, in MiB.
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn run(name: &str, database_url: Option<String>, count: usize) -> anyhow::Result<()> {
    println!("\n== {name}: {count} submissions ==");
    let data = tempfile::tempdir()?;
    let vault = Arc::new(Vault::open(data.path())?);
    let store: Arc<dyn Store> = open_store(data.path(), database_url.as_deref()).await?;
    store
        .create_user(
            &NewUser {
                login: LoginName::parse("coordinator").map_err(|e| anyhow::anyhow!("{e:?}"))?,
                display_name: "Bench coordinator".into(),
                roles: RoleSet::of(&[Role::Coordinator]),
                oblast: None,
                password_hash: hash_password(
                    &Password::new(PASSWORD, "coordinator")
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                ),
            },
            Timestamp::now(),
        )
        .await?;
    store
        .set_setting(kolo_core::org::setting::TWO_FACTOR_ROLES, "")
        .await?;
    let project = ProjectId::new();
    store
        .create_project(&Project {
            id: project.clone(),
            name: "Bench".into(),
            description: String::new(),
            archived: false,
            created_at: Timestamp::now(),
        })
        .await?;
    let blobs = BlobStore::new(data.path());
    let draft = publish::save_draft(
        &*store,
        &blobs,
        &project,
        "survey.md",
        kolo::demo::clm::SURVEY.as_bytes(),
        None,
    )
    .await?;
    let version = publish::publish(&*store, &blobs, &draft.form_id).await?;
    let device = AppUserId::new();
    store
        .create_app_user(&NewAppUser {
            id: device.clone(),
            project_id: project.clone(),
            display_name: "Bench device".into(),
            user_id: None,
            token_hash: token_hash(&new_secret_token()),
            created_by: None,
            created_at: Timestamp::now(),
        })
        .await?;

    // Stored from 16 tasks at once, as concurrent devices would send them.
    let started = Instant::now();
    let mut tasks = Vec::new();
    let per_task = count.div_ceil(16);
    for t in 0..16 {
        let store = store.clone();
        let version = version.clone();
        let device = device.clone();
        tasks.push(tokio::spawn(async move {
            let mut bytes = 0usize;
            for n in (t * per_task)..((t + 1) * per_task).min(count) {
                let instance = format!("uuid:bench-{n:06}");
                let xml = kolo::demo::clm::sample_submission(
                    n as u64,
                    &version.root_name,
                    &version.version,
                    &instance,
                );
                bytes += xml.len();
                let meta = parse_submission(&xml)?;
                store
                    .submit(&NewSubmission {
                        submission_id: SubmissionId::new(),
                        version_id: SubmissionVersionId::new(),
                        form_id: version.form_id.clone(),
                        form_version_id: version.id.clone(),
                        form_version: version.version.clone(),
                        app_user_id: Some(device.clone()),
                        meta,
                        xml_sha256: hex(&Sha256::digest(xml.as_bytes())),
                        xml: xml.into_bytes(),
                        expected_files: Vec::new(),
                        files: Vec::new(),
                        received_at: Timestamp(1_709_244_000 + n as i64),
                        device_id: None,
                        sort_values: None,
                    })
                    .await?;
            }
            anyhow::Ok(bytes)
        }));
    }
    let mut bytes = 0;
    for task in tasks {
        bytes += task.await??;
    }
    println!(
        "stored {count} submissions ({:.0} bytes of XML each) in {:.1} s",
        bytes as f64 / count as f64,
        started.elapsed().as_secs_f64()
    );

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let config = ServerConfig::new(data.path().to_owned(), database_url, listener.local_addr()?);
    let server = start(store.clone(), vault, config, listener).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "coordinator"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    println!(
        "server process before exports: VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        status_mib("VmRSS:"),
        status_mib("VmHWM:")
    );
    println!("| export | time to last byte | submissions/s | size | VmRSS after | VmHWM after |");
    println!("|---|---|---|---|---|---|");
    for (label, path) in [
        ("ZIP of CSVs", "export/csv.zip"),
        ("XLSX", "export/workbook.xlsx"),
    ] {
        let started = Instant::now();
        let mut response = client
            .get(format!(
                "{base}/clm/projects/{project}/forms/clm_2024_regional/{path}"
            ))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{label}: {}",
            response.status()
        );
        let mut size = 0usize;
        while let Some(chunk) = response.chunk().await? {
            size += chunk.len();
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "| {label} | {seconds:.2} s | {:.0} | {:.1} MB | {:.1} MiB | {:.1} MiB |",
            count as f64 / seconds,
            size as f64 / 1e6,
            status_mib("VmRSS:"),
            status_mib("VmHWM:")
        );
    }
    server.shutdown().await;
    Ok(())
}
