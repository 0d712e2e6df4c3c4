//! `kolo backup` of a running installation and `kolo restore` elsewhere: the same
//! records, the same attachments by hash, an audit chain that still verifies,
//! and a clear refusal of damaged files and wrong secrets that writes nothing.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use sha2::{Digest, Sha256};

const KOLO: &str = env!("CARGO_BIN_EXE_kolo");
const PASSPHRASE: &str = "резервна копія у сейфі";

fn kolo(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(KOLO);
    command
        .args(args)
        .stdin(Stdio::null())
        .env_remove("KOLO_BACKUP_PASSPHRASE")
        .env_remove("KOLO_DATABASE_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("kolo runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The demo, running, with one attachment file beside it.
struct RunningDemo {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for RunningDemo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn running_demo() -> RunningDemo {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(KOLO)
        .args([
            "demo",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.starts_with("Kolo is serving on") => break,
            Some(_) => continue,
            None => {
                let _ = child.wait();
                panic!("the demo did not start");
            }
        }
    }
    std::thread::spawn(move || for _ in lines {});
    std::fs::create_dir_all(data.join("attachments/3f")).unwrap();
    std::fs::write(
        data.join("attachments/3f/photo.jpg"),
        b"\xff\xd8 a fictional photo of a clinic door",
    )
    .unwrap();
    RunningDemo { child, dir }
}

fn sha256_of(path: &Path) -> String {
    kolo_core::ids::hex(&Sha256::digest(std::fs::read(path).unwrap()))
}

async fn logins(data: &Path) -> Vec<(String, String, Vec<String>)> {
    let store = kolo::storage::open_store(data, None).await.unwrap();
    let mut users: Vec<_> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| {
            (
                u.login.to_string(),
                u.display_name,
                u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            )
        })
        .collect();
    users.sort();
    users
}

#[tokio::test]
async fn a_running_demo_is_backed_up_and_restored_elsewhere_with_everything_intact() {
    let demo = running_demo();
    let data = demo.dir.path().join("data");
    let backup = demo.dir.path().join("kolo.backup");
    let made = kolo(
        &[
            "backup",
            "--out",
            backup.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)],
    );
    assert!(made.status.success(), "{}", text(&made));
    assert!(text(&made).contains("KOLO_BACKUP_PASSPHRASE"));
    let contents = std::fs::read(&backup).unwrap();
    for plain in [
        &b"kolo-demo"[..],
        "Ірина".as_bytes(),
        b"a fictional photo",
        b"argon2id",
    ] {
        assert!(
            !contents.windows(plain.len()).any(|w| w == plain),
            "the backup holds plain text"
        );
    }

    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("restored");
    let restored = kolo(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ],
        &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)],
    );
    assert!(restored.status.success(), "{}", text(&restored));

    assert_eq!(logins(&target).await, logins(&data).await);
    assert_eq!(
        sha256_of(&target.join("attachments/3f/photo.jpg")),
        sha256_of(&data.join("attachments/3f/photo.jpg"))
    );
    let verified = kolo(
        &["admin", "verify-audit", "--data", target.to_str().unwrap()],
        &[],
    );
    assert!(verified.status.success(), "{}", text(&verified));
    let again = kolo(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ],
        &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again).contains("is not empty"), "{}", text(&again));
}

#[tokio::test]
async fn a_backup_without_passphrase_needs_the_exported_backup_key() {
    let demo = running_demo();
    let data = demo.dir.path().join("data");
    let backup = demo.dir.path().join("kolo.backup");
    let key = demo.dir.path().join("backup.key");
    assert!(
        kolo(
            &[
                "backup",
                "--out",
                backup.to_str().unwrap(),
                "--data",
                data.to_str().unwrap()
            ],
            &[]
        )
        .status
        .success()
    );
    assert!(
        kolo(
            &[
                "admin",
                "export-backup-key",
                "--out",
                key.to_str().unwrap(),
                "--data",
                data.to_str().unwrap()
            ],
            &[]
        )
        .status
        .success()
    );

    let target = demo.dir.path().join("restored");
    let without = kolo(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(without.status.code(), Some(1));
    assert!(
        text(&without).contains("--backup-key"),
        "{}",
        text(&without)
    );
    assert!(!target.exists(), "nothing was written");
    let with = kolo(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--backup-key",
            key.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ],
        &[],
    );
    assert!(with.status.success(), "{}", text(&with));
    assert_eq!(logins(&target).await, logins(&data).await);
}

#[tokio::test]
async fn a_damaged_backup_or_a_wrong_passphrase_is_refused_and_nothing_is_written() {
    let demo = running_demo();
    let data = demo.dir.path().join("data");
    let backup = demo.dir.path().join("kolo.backup");
    assert!(
        kolo(
            &[
                "backup",
                "--out",
                backup.to_str().unwrap(),
                "--data",
                data.to_str().unwrap()
            ],
            &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)]
        )
        .status
        .success()
    );
    let bytes = std::fs::read(&backup).unwrap();
    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    let truncated = &bytes[..bytes.len() - 100];
    let cases: [(&str, &[u8], &str, &str); 3] = [
        ("tampered", &tampered, PASSPHRASE, "altered or damaged"),
        ("truncated", truncated, PASSPHRASE, "truncated"),
        (
            "wrong passphrase",
            &bytes,
            "not the right passphrase",
            "wrong backup passphrase",
        ),
    ];
    for (what, content, passphrase, expected) in cases {
        let file = demo
            .dir
            .path()
            .join(format!("{}.backup", what.replace(' ', "-")));
        std::fs::write(&file, content).unwrap();
        let target = demo
            .dir
            .path()
            .join(format!("target-{}", what.replace(' ', "-")));
        let output = kolo(
            &[
                "restore",
                file.to_str().unwrap(),
                "--data",
                target.to_str().unwrap(),
            ],
            &[("KOLO_BACKUP_PASSPHRASE", passphrase)],
        );
        assert_eq!(output.status.code(), Some(1), "{what}");
        assert!(
            text(&output).contains(expected),
            "{what}: {}",
            text(&output)
        );
        assert!(!target.exists(), "{what}: the target was left behind");
    }
}

#[tokio::test]
async fn a_postgresql_installation_is_restored_into_an_empty_database() {
    let Some(server) = std::env::var("KOLO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("KOLO_TEST_DATABASE_URL is not set: the PostgreSQL backup test needs it");
        return;
    };
    use kolo_store_postgres::scratch::ScratchDatabase;
    let source = ScratchDatabase::create(&server).await.unwrap();
    let target_db = ScratchDatabase::create(&server).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (source_url, target_url) = (source.url(), target_db.url());
    for login in ["iryna", "olena", "maria"] {
        let created = kolo(
            &[
                "admin",
                "create-user",
                login,
                "--role",
                "coordinator",
                "--data",
                data.to_str().unwrap(),
                "--database-url",
                &source_url,
            ],
            &[("KOLO_PASSWORD", "a passphrase for the test")],
        );
        assert!(created.status.success(), "{}", text(&created));
    }
    let backup = dir.path().join("pg.backup");
    let made = kolo(
        &[
            "backup",
            "--out",
            backup.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--database-url",
            &source_url,
        ],
        &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)],
    );
    assert!(made.status.success(), "{}", text(&made));
    let target = dir.path().join("restored");
    let restored = kolo(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
            "--database-url",
            &target_url,
        ],
        &[("KOLO_BACKUP_PASSPHRASE", PASSPHRASE)],
    );
    assert!(restored.status.success(), "{}", text(&restored));
    let source_store = kolo::storage::open_store(&data, Some(&source_url))
        .await
        .unwrap();
    let target_store = kolo::storage::open_store(&target, Some(&target_url))
        .await
        .unwrap();
    let names = |users: Vec<kolo_core::auth::User>| {
        users
            .into_iter()
            .map(|u| u.login.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(target_store.users().await.unwrap()),
        names(source_store.users().await.unwrap())
    );
    drop((source_store, target_store));
    source.drop_database().await.unwrap();
    target_db.drop_database().await.unwrap();
}
