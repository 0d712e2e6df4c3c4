//! OpenRosa ingest: submissions per second and latency (p50, p99) of typical
//! 5 KB submissions from 32 concurrent clients, then of submissions with a
//! 1 MB attachment each, on SQLite and (when `KOLO_BENCH_DATABASE_URL` or
//! `KOLO_TEST_DATABASE_URL` names a server) PostgreSQL. The server runs in
//! this process on a real port; clients speak HTTP multipart as Collect does.
//! Run with `cargo bench -p kolo --bench openrosa`. `KOLO_BENCH_SUBMISSIONS`
//! changes the count of small submissions (default 10,000).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kolo::app::start;
use kolo::clm::blobs::BlobStore;
use kolo::clm::publish;
use kolo::config::ServerConfig;
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::clm::{AppUserId, NewAppUser, Project, ProjectId};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use kolo_store_postgres::scratch::ScratchDatabase;
use reqwest::multipart::{Form, Part};

const CLIENTS: usize = 32;

const FORM: &str = "\
| survey |
| | type | name | label |
| | text | oblast | Oblast |
| | integer | waiting | Waiting time |
| | text | comments | Comments |
| | image | photo | Photo |
| settings |
| | form_id | version |
| | bench | 1 |
";

struct Figures {
    count: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let small: usize = std::env::var("KOLO_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let postgres = std::env::var("KOLO_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("KOLO_TEST_DATABASE_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let mut backends = vec![None];
    if let Some(server) = postgres {
        backends.push(Some(server));
    }
    for server in backends {
        let scratch = match &server {
            Some(server) => Some(ScratchDatabase::create(server).await?),
            None => None,
        };
        let name = if scratch.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let dir = tempfile::tempdir()?;
        let url = scratch.as_ref().map(ScratchDatabase::url);
        let store = open_store(dir.path(), url.as_deref()).await?;
        let vault = Arc::new(Vault::open(dir.path())?);
        let server_url = setup(&store, dir.path()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let config = ServerConfig::new(dir.path().to_owned(), url.clone(), listener.local_addr()?);
        let running = start(store.clone(), vault, config, listener).await?;
        let base = format!("http://{}{server_url}", running.addr);

        let figures = ingest(&base, small, 0, "s").await?;
        report(name, "5 KB submissions", &figures);
        let large = (small / 16).clamp(64, 640);
        let figures = ingest(&base, large, 1_000_000, "l").await?;
        report(name, "5 KB + 1 MB attachment", &figures);

        running.shutdown().await;
        drop(store);
        if let Some(scratch) = scratch {
            scratch.drop_database().await?;
        }
    }
    Ok(())
}

fn report(backend: &str, what: &str, f: &Figures) {
    println!(
        "{backend:<10} {what:<24} {:>6} in {:>6.2} s = {:>7.0}/s   p50 {:>6.1} ms   p99 {:>6.1} ms",
        f.count,
        f.seconds,
        f.count as f64 / f.seconds,
        f.p50_ms,
        f.p99_ms
    );
}

async fn setup(
    store: &Arc<dyn kolo_core::Store>,
    data: &std::path::Path,
) -> anyhow::Result<String> {
    let project = ProjectId::new();
    store
        .create_project(&Project {
            id: project.clone(),
            name: "Benchmark".into(),
            description: String::new(),
            archived: false,
            created_at: Timestamp::now(),
        })
        .await?;
    let blobs = BlobStore::new(data);
    let draft = publish::save_draft(
        &**store,
        &blobs,
        &project,
        "bench.md",
        FORM.as_bytes(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    publish::publish(&**store, &blobs, &draft.form_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = new_secret_token();
    store
        .create_app_user(&NewAppUser {
            id: AppUserId::new(),
            project_id: project.clone(),
            display_name: "bench".into(),
            user_id: None,
            token_hash: token_hash(&token),
            created_by: None,
            created_at: Timestamp::now(),
        })
        .await?;
    Ok(format!("/v1/key/{token}/projects/{project}"))
}

/// A typical CLM submission: about 5 KB of XML.
fn xml(instance: &str, photo: bool) -> String {
    let comments = "Черга велика, персонал привітний, але немає приватності. ".repeat(45);
    format!(
        "<data xmlns:orx=\"http://openrosa.org/xforms\" id=\"bench\" version=\"1\"><oblast>UA-51</oblast>\
         <waiting>45</waiting><comments>{comments}</comments><photo>{}</photo>\
         <orx:meta><orx:instanceID>{instance}</orx:instanceID></orx:meta></data>",
        if photo { "photo.jpg" } else { "" }
    )
}

async fn ingest(base: &str, count: usize, attachment: usize, tag: &str) -> anyhow::Result<Figures> {
    let next = Arc::new(AtomicUsize::new(0));
    let photo = Arc::new(vec![0x5Au8; attachment]);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let next = next.clone();
        let photo = photo.clone();
        let url = format!("{base}/submission");
        let tag = tag.to_owned();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let with_photo = !photo.is_empty();
                let mut form = Form::new().part(
                    "xml_submission_file",
                    Part::bytes(xml(&format!("uuid:{tag}-{n}"), with_photo).into_bytes())
                        .file_name("submission.xml")
                        .mime_str("text/xml")?,
                );
                if with_photo {
                    form = form.part(
                        "photo.jpg",
                        Part::bytes(photo.as_ref().clone())
                            .file_name("photo.jpg")
                            .mime_str("image/jpeg")?,
                    );
                }
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header("X-OpenRosa-Version", "1.0")
                    .multipart(form)
                    .send()
                    .await?;
                let status = response.status();
                let _ = response.bytes().await?;
                if status != reqwest::StatusCode::CREATED {
                    anyhow::bail!("submission {n} answered {status}");
                }
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(count);
    for task in tasks {
        latencies.extend(task.await??);
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Figures {
        count,
        seconds,
        p50_ms: at(0.50).as_secs_f64() * 1000.0,
        p99_ms: at(0.99).as_secs_f64() * 1000.0,
    })
}
