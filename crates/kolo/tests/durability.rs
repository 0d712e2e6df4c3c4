//! A submission is acknowledged only once it is durable. Many concurrent
//! clients send a few thousand submissions (a third with an attachment) while
//! the real server process is killed with SIGKILL several times and restarted.
//! Clients that get no answer send again, as Collect does. Afterwards every
//! acknowledged instanceID is stored exactly once with its attachment, no
//! submission lacks a file it came with, the final blob directories hold only
//! complete files that rows name, and what is left in the staging directory is
//! unnamed and swept.
//!
//! SQLite by default; PostgreSQL with `KOLO_TEST_DATABASE_URL`.

#[path = "support/collect.rs"]
mod collect;
#[path = "support/process.rs"]
mod process;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kolo::clm::blobs::BlobStore;
use kolo::storage::open_store;
use kolo_core::clm::SubmissionFilter;
use sha2::{Digest, Sha256};

use collect::Collect;
use process::{run_ok, serve};

const FORM: &str = "\
| survey |
| | type | name | label |
| | integer | waiting | Waiting time |
| | image | photo | Photo |
| settings |
| | form_id | version |
| | durable | 1 |
";

const SUBMISSIONS: usize = 6_000;
const CLIENTS: usize = 24;
const KILLS: usize = 5;

/// What the clients were told.
#[derive(Default)]
struct Ledger {
    /// Still to send (never sent, or sent without an answer).
    pending: Vec<usize>,
    /// Acknowledged with 201, with the SHA-256 of the attachment sent, if any.
    acknowledged: HashMap<usize, Option<String>>,
    /// Answers other than 201 or a lost connection: must never happen.
    refused: Vec<String>,
    /// Requests that got no answer because the server died under them.
    lost: usize,
    /// Acknowledged before each kill.
    per_round: Vec<usize>,
}

fn instance(n: usize) -> String {
    format!("uuid:durable-{n:06}")
}

fn submission(n: usize) -> (String, Vec<(String, Vec<u8>)>) {
    let with_photo = n.is_multiple_of(3);
    let photo = if with_photo {
        format!("p{n}.jpg")
    } else {
        String::new()
    };
    let xml = format!(
        "<data id=\"durable\" version=\"1\"><waiting>{}</waiting><photo>{photo}</photo>\
         <meta><instanceID>{}</instanceID></meta></data>",
        n % 240,
        instance(n)
    );
    let files = if with_photo {
        let mut bytes = vec![0u8; 4096 + n % 1000];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = ((i * 31 + n * 7) % 251) as u8;
        }
        vec![(photo, bytes)]
    } else {
        Vec::new()
    };
    (xml, files)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Clients send until the ledger is empty or the server stops answering.
async fn send_round(server_url: String, ledger: Arc<Mutex<Ledger>>, stop: Arc<Mutex<bool>>) {
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let ledger = ledger.clone();
        let stop = stop.clone();
        let collect = Collect::new(&server_url);
        tasks.push(tokio::spawn(async move {
            loop {
                if *stop.lock().unwrap() {
                    return;
                }
                let Some(n) = ledger.lock().unwrap().pending.pop() else {
                    return;
                };
                let (xml, files) = submission(n);
                let sha = files.first().map(|(_, bytes)| sha256_hex(bytes));
                match collect.post(xml.as_bytes(), &files, false).await {
                    Ok(answer) if answer.status == reqwest::StatusCode::CREATED => {
                        ledger.lock().unwrap().acknowledged.insert(n, sha);
                    }
                    Ok(answer) => {
                        let mut ledger = ledger.lock().unwrap();
                        ledger.refused.push(format!(
                            "{}: {} {}",
                            instance(n),
                            answer.status,
                            answer.message
                        ));
                        ledger.pending.push(n);
                        return;
                    }
                    Err(_) => {
                        // No answer: the device keeps the form and sends it later.
                        {
                            let mut ledger = ledger.lock().unwrap();
                            ledger.pending.push(n);
                            ledger.lost += 1;
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_submissions_survive_sigkill_exactly_once_with_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap().to_owned();
    let scratch = match std::env::var("KOLO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => Some(
            kolo_store_postgres::scratch::ScratchDatabase::create(&server)
                .await
                .unwrap(),
        ),
        None => None,
    };
    let url = scratch.as_ref().map(|s| s.url()).unwrap_or_default();
    let env: Vec<(&str, &str)> = if url.is_empty() {
        vec![]
    } else {
        vec![("KOLO_DATABASE_URL", url.as_str())]
    };

    let project = run_ok(&["project", "create", "Durability", "--data", &data], &env)
        .trim()
        .to_owned();
    let form = dir.path().join("durable.md");
    std::fs::write(&form, FORM).unwrap();
    run_ok(
        &[
            "form",
            "publish",
            "--project",
            &project,
            form.to_str().unwrap(),
            "--data",
            &data,
        ],
        &env,
    );
    let created = run_ok(
        &[
            "app-user",
            "create",
            "--project",
            &project,
            "load",
            "--data",
            &data,
        ],
        &env,
    );
    let key_path = created
        .lines()
        .next()
        .unwrap()
        .split_once("/v1/key/")
        .map(|(_, rest)| format!("/v1/key/{rest}"))
        .unwrap();

    let ledger = Arc::new(Mutex::new(Ledger {
        pending: (0..SUBMISSIONS).rev().collect(),
        ..Ledger::default()
    }));
    for round in 0..=KILLS {
        let server = serve(&data, "127.0.0.1:0", &env);
        let server_url = format!("{}{key_path}", server.base);
        let stop = Arc::new(Mutex::new(false));
        let clients = tokio::spawn(send_round(server_url, ledger.clone(), stop.clone()));
        if round < KILLS {
            // Let the clients get going, then pull the plug mid-stream.
            tokio::time::sleep(Duration::from_millis(400 + 100 * round as u64)).await;
            server.kill();
            *stop.lock().unwrap() = true;
            clients.await.unwrap();
        } else {
            // The last run: everything still pending goes through.
            clients.await.unwrap();
            server.kill();
        }
        let mut ledger = ledger.lock().unwrap();
        assert!(ledger.refused.is_empty(), "refused: {:?}", ledger.refused);
        let acknowledged = ledger.acknowledged.len();
        ledger.per_round.push(acknowledged);
    }
    let ledger = Arc::try_unwrap(ledger)
        .ok()
        .expect("no client holds the ledger")
        .into_inner()
        .unwrap();
    assert!(
        ledger.pending.is_empty(),
        "{} never sent",
        ledger.pending.len()
    );
    eprintln!(
        "acknowledged after each run: {:?}; requests cut off by a kill: {}",
        ledger.per_round, ledger.lost
    );
    // The kills fell while submissions were in flight, and each run got work done.
    assert!(ledger.lost >= KILLS, "the kills cut off too few requests");
    assert!(
        ledger.per_round.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        ledger.per_round
    );
    assert_eq!(ledger.acknowledged.len(), SUBMISSIONS);

    // Open the data as the next start would (this also finishes moves the
    // last kill interrupted), and check every promise.
    let store = open_store(
        std::path::Path::new(&data),
        scratch.as_ref().map(|s| s.url()).as_deref(),
    )
    .await
    .unwrap();
    let blobs = BlobStore::new(std::path::Path::new(&data));
    blobs
        .recover(&*store, kolo::clm::blobs::STAGING_GRACE)
        .await
        .unwrap();
    let stored = store
        .submissions(&SubmissionFilter {
            limit: 1_000_000,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut seen = HashSet::new();
    for summary in &stored {
        assert!(
            seen.insert(summary.instance_id.clone()),
            "{} twice",
            summary.instance_id
        );
        assert_eq!(
            summary.files_present, summary.files_expected,
            "{} lacks a file it came with",
            summary.instance_id
        );
    }
    for (n, sha) in &ledger.acknowledged {
        let id = instance(*n);
        let summary = stored
            .iter()
            .find(|s| s.instance_id == id)
            .unwrap_or_else(|| panic!("acknowledged {id} is missing"));
        let files = store
            .submission_attachments(&summary.current_version_id)
            .await
            .unwrap();
        match sha {
            Some(sha) => {
                let blob = files[0].blob.as_ref().expect("the file arrived");
                assert_eq!(&blob.sha256, sha);
                let bytes = std::fs::read(blobs.path_of(sha))
                    .unwrap_or_else(|_| panic!("{id}: its file is not on disk"));
                assert_eq!(&sha256_hex(&bytes), sha, "{id}: the file is damaged");
            }
            None => assert!(files.is_empty()),
        }
    }
    // Nothing but acknowledged (or acknowledged-then-lost-and-resent) ones.
    assert_eq!(stored.len(), SUBMISSIONS);

    // The final directories: complete files, each named by a row.
    let mut final_files = 0;
    for entry in std::fs::read_dir(blobs.root()).unwrap().flatten() {
        if entry.file_name() == "tmp" {
            continue;
        }
        for file in std::fs::read_dir(entry.path()).unwrap().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(file.path()).unwrap();
            assert_eq!(sha256_hex(&bytes), name, "a partial or damaged blob");
            assert!(
                store.blob_referenced(&name).await.unwrap(),
                "orphan blob {name}"
            );
            final_files += 1;
        }
    }
    assert_eq!(
        final_files,
        SUBMISSIONS.div_ceil(3) + 1,
        "one per photo, plus the form's source"
    );
    for blob in store.referenced_blobs().await.unwrap() {
        assert!(
            blobs.path_of(&blob.sha256).exists(),
            "a row names a missing blob"
        );
    }
    // Staging holds only unnamed leftovers of killed uploads; the sweep
    // (after its grace period, here at once) removes them all.
    for entry in std::fs::read_dir(blobs.root().join("tmp"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(sha) = name.split('.').next().filter(|s| s.len() == 64) {
            assert!(
                !store.blob_referenced(sha).await.unwrap(),
                "{name} is named but staged"
            );
        }
    }
    blobs.recover(&*store, Duration::ZERO).await.unwrap();
    assert_eq!(
        std::fs::read_dir(blobs.root().join("tmp")).unwrap().count(),
        0
    );

    if let Some(scratch) = scratch {
        drop(store);
        scratch.drop_database().await.unwrap();
    }
}
