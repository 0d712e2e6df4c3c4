//! The audit chain against someone with write access to the database: entries
//! changed, deleted, reordered or cut off the tail are named by
//! `kolo admin verify-audit`. Runs on SQLite, and on PostgreSQL when
//! `KOLO_TEST_DATABASE_URL` is set.

use std::process::{Command, Output};

use kolo_store_postgres::scratch::ScratchDatabase;
use sqlx::{AssertSqlSafe, Connection};

const KOLO: &str = env!("CARGO_BIN_EXE_kolo");

/// A data directory (and a PostgreSQL database, when configured) holding an
/// audit log of five entries.
struct Installation {
    dir: tempfile::TempDir,
    database_url: Option<String>,
    scratch: Option<ScratchDatabase>,
}

impl Installation {
    async fn with_five_entries() -> Installation {
        let dir = tempfile::tempdir().unwrap();
        let scratch = match std::env::var("KOLO_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(server) => Some(ScratchDatabase::create(&server).await.unwrap()),
            None => None,
        };
        let installation = Installation {
            database_url: scratch.as_ref().map(ScratchDatabase::url),
            dir,
            scratch,
        };
        for login in ["anna", "bohdana", "vira", "halyna", "daryna"] {
            let output = installation.kolo(&["admin", "create-user", login, "--role", "viewer"]);
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        installation
    }

    fn kolo(&self, args: &[&str]) -> Output {
        let mut command = Command::new(KOLO);
        command
            .args(args)
            .args(["--data", self.dir.path().to_str().unwrap()])
            .env("KOLO_PASSWORD", "a passphrase for the test")
            .env_remove("KOLO_DATABASE_URL");
        if let Some(url) = &self.database_url {
            command.args(["--database-url", url]);
        }
        command.output().unwrap()
    }

    /// Runs SQL directly against the database, as an intruder would.
    async fn tamper(&self, statements: &[&str]) {
        match &self.database_url {
            Some(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                for sql in statements {
                    sqlx::query(AssertSqlSafe(*sql))
                        .execute(&mut conn)
                        .await
                        .unwrap();
                }
            }
            None => {
                let path = self.dir.path().join("kolo.db");
                let mut conn =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                        .await
                        .unwrap();
                for sql in statements {
                    sqlx::query(AssertSqlSafe(*sql))
                        .execute(&mut conn)
                        .await
                        .unwrap();
                }
            }
        }
    }

    fn verify(&self) -> (bool, String) {
        let output = self.kolo(&["admin", "verify-audit"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }

    async fn finish(mut self) {
        if let Some(scratch) = self.scratch.take() {
            scratch.drop_database().await.unwrap();
        }
    }
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let installation = Installation::with_five_entries().await;
    let (ok, text) = installation.verify();
    assert!(ok, "{text}");
    assert!(text.contains("intact: 5 entries"), "{text}");
    installation.finish().await;
}

#[tokio::test]
async fn a_changed_entry_is_named() {
    let installation = Installation::with_five_entries().await;
    installation
        .tamper(&["UPDATE audit_log SET action = 'user.delete' WHERE seq = 3"])
        .await;
    let (ok, text) = installation.verify();
    assert!(!ok);
    assert!(
        text.contains("broken at entry 3") && text.contains("edited"),
        "{text}"
    );
    installation.finish().await;
}

#[tokio::test]
async fn a_deleted_entry_is_named() {
    let installation = Installation::with_five_entries().await;
    installation
        .tamper(&["DELETE FROM audit_log WHERE seq = 2"])
        .await;
    let (ok, text) = installation.verify();
    assert!(!ok);
    assert!(text.contains("entries 2 to 2 are missing"), "{text}");
    installation.finish().await;
}

#[tokio::test]
async fn reordered_entries_are_named() {
    let installation = Installation::with_five_entries().await;
    installation
        .tamper(&[
            "UPDATE audit_log SET seq = 100 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = 100",
        ])
        .await;
    let (ok, text) = installation.verify();
    assert!(!ok);
    assert!(text.contains("broken at entry 2"), "{text}");
    installation.finish().await;
}

#[tokio::test]
async fn a_deleted_tail_is_caught_by_the_head_file() {
    let installation = Installation::with_five_entries().await;
    installation
        .tamper(&["DELETE FROM audit_log WHERE seq >= 4"])
        .await;
    let (ok, text) = installation.verify();
    assert!(!ok);
    assert!(
        text.contains("head file records entries up to 5") && text.contains("ends at 3"),
        "{text}"
    );
    installation.finish().await;
}

#[tokio::test]
async fn an_edited_head_file_is_refused() {
    let installation = Installation::with_five_entries().await;
    let path = installation.dir.path().join("audit.head");
    let head = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, head.replace("seq 5", "seq 3")).unwrap();
    let (ok, text) = installation.verify();
    assert!(!ok);
    assert!(
        text.contains("was not written by this installation"),
        "{text}"
    );
    installation.finish().await;
}
