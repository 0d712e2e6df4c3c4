//! Storing submissions from ODK Collect: the group commit.
//!
//! SQLite has one writer at a time and a commit costs an fsync, so
//! submissions arriving together are written by one writer, in one
//! transaction, and each is told its outcome only after that transaction is
//! durable. Concurrent writers would otherwise queue on the file lock,
//! sleeping in SQLite's busy handler.
//!
//! The writer has a connection and a thread of its own. Every statement is a
//! hand-over to the connection's thread and back; on the server's runtime,
//! each hand-back would wait its turn behind every request being read and
//! answered, and all submissions wait for the writer. On its own thread the
//! writer carries on as soon as the database answers, and never waits for a
//! connection behind the readers of a busy pool.
//!
//! The writer is the one place every submission passes through, so the
//! common case is written in a few statements for the whole group: new
//! submissions (no `deprecatedID`, an instanceID not yet stored) are
//! inserted together, each table in one multi-row statement. Everything else
//! (a submission sent again, an edit, a refusal) is stored after them one by
//! one, each in its own savepoint, so one refusal undoes only itself. Should
//! the multi-row insert fail, the transaction starts again and every
//! submission of the group goes one by one.

use std::collections::HashSet;

use kolo_core::StoreError;
use kolo_core::clm::{NewSubmission, SubmitOutcome};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::clm::submit_in;
use crate::db_error;

/// A submission waiting for the group commit, and where its outcome goes.
pub(crate) type SubmitJob = (
    NewSubmission,
    oneshot::Sender<Result<SubmitOutcome, StoreError>>,
);

/// What the writer is asked to do.
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every job is a submission: boxing it would only add an allocation"
)]
pub(crate) enum Job {
    Submit(SubmitJob),
    /// Write what came before, close the connection, say so and stop.
    Close(oneshot::Sender<()>),
}

/// At most this many submissions share one transaction.
const GROUP_SIZE: usize = 128;

/// SQLite takes at most 32,766 parameters in one statement; rows of a group
/// insert are sent in chunks that stay well below.
const MAX_PARAMETERS: usize = 30_000;

/// Starts the writer on its own thread with its own connection; it stops
/// when the store (every sender) is dropped.
pub(crate) async fn start_writer(
    options: SqliteConnectOptions,
) -> Result<mpsc::Sender<Job>, StoreError> {
    let (submissions, jobs) = mpsc::channel(1024);
    let (ready, started) = oneshot::channel();
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Database(format!("starting the submission writer: {what}: {e}"))
    };
    std::thread::Builder::new()
        .name("kolo-submissions".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(failed("runtime", &e)));
                    return;
                }
            };
            runtime.block_on(async move {
                match SqliteConnection::connect_with(&options).await {
                    Ok(conn) => {
                        let _ = ready.send(Ok(()));
                        group_writer(conn, jobs).await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(db_error(e)));
                    }
                }
            });
        })
        .map_err(|e| failed("thread", &e))?;
    started.await.map_err(|e| failed("thread", &e))??;
    Ok(submissions)
}

/// Takes the submissions waiting, up to [`GROUP_SIZE`], writes them in one
/// transaction and answers each; then the next group.
async fn group_writer(mut conn: SqliteConnection, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = Vec::new();
        let mut closing = None;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Submit(submission) => batch.push(submission),
                Job::Close(closed) => {
                    closing = Some(closed);
                    break;
                }
            }
            if batch.len() < GROUP_SIZE {
                next = jobs.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            answer(&mut conn, batch).await;
        }
        if let Some(closed) = closing {
            let _ = conn.close().await;
            let _ = closed.send(());
            return;
        }
    }
}

/// Writes a group and tells each submission its outcome.
async fn answer(conn: &mut SqliteConnection, batch: Vec<SubmitJob>) {
    match write_group(conn, &batch).await {
        Ok(outcomes) => {
            for ((_, reply), outcome) in batch.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
        }
        Err(error) => {
            for (_, reply) in batch {
                let _ = reply.send(Err(StoreError::Database(error.to_string())));
            }
        }
    }
}

async fn write_group(
    conn: &mut SqliteConnection,
    batch: &[SubmitJob],
) -> Result<Vec<Result<SubmitOutcome, StoreError>>, StoreError> {
    let submissions: Vec<&NewSubmission> = batch.iter().map(|(s, _)| s).collect();
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
    let mut outcomes: Vec<Option<Result<SubmitOutcome, StoreError>>> =
        submissions.iter().map(|_| None).collect();
    let new = new_submissions(&mut tx, &submissions).await?;
    if !new.is_empty() {
        if insert_new(&mut tx, &submissions, &new).await.is_ok() {
            for &i in &new {
                outcomes[i] = Some(Ok(SubmitOutcome::Created(
                    submissions[i].submission_id.clone(),
                )));
            }
        } else {
            // Nothing is written yet but what failed: start again, and
            // store every submission one by one.
            tx.rollback().await.map_err(db_error)?;
            tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
        }
    }
    for (outcome, submission) in outcomes.iter_mut().zip(&submissions) {
        if outcome.is_none() {
            *outcome = Some(submit_in_savepoint(&mut tx, submission).await);
        }
    }
    tx.commit().await.map_err(db_error)?;
    Ok(outcomes.into_iter().flatten().collect())
}

/// Which submissions of the group start a new submission: no `deprecatedID`,
/// files with distinct names, an instanceID not stored yet and not sent
/// earlier in this group (the later copy is then a repeat, stored one by one).
async fn new_submissions(
    conn: &mut SqliteConnection,
    submissions: &[&NewSubmission],
) -> Result<Vec<usize>, StoreError> {
    let mut seen = HashSet::new();
    let candidates: Vec<usize> = (0..submissions.len())
        .filter(|&i| {
            let s = submissions[i];
            let mut names = HashSet::new();
            s.meta.deprecated_id.is_none()
                && s.files.iter().all(|f| names.insert(f.name.as_str()))
                && seen.insert((s.form_id.0.as_str(), s.meta.instance_id.as_str()))
        })
        .collect();
    let mut stored = HashSet::new();
    for chunk in candidates.chunks(MAX_PARAMETERS / 2) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT form_id, instance_id FROM clm_submission_versions \
             WHERE (form_id, instance_id) IN (VALUES ",
        );
        let mut rows = query.separated(", ");
        for &i in chunk {
            let s = submissions[i];
            rows.push("(")
                .push_bind_unseparated(s.form_id.0.clone())
                .push_unseparated(", ")
                .push_bind_unseparated(s.meta.instance_id.clone())
                .push_unseparated(")");
        }
        query.push(")");
        let found: Vec<(String, String)> = query
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        stored.extend(found);
    }
    Ok(candidates
        .into_iter()
        .filter(|&i| {
            let s = submissions[i];
            !stored.contains(&(s.form_id.0.clone(), s.meta.instance_id.clone()))
        })
        .collect())
}

/// Inserts new submissions, each table in one statement (or a few, for
/// large groups). On an error the caller rolls back the transaction.
async fn insert_new(
    conn: &mut SqliteConnection,
    submissions: &[&NewSubmission],
    new: &[usize],
) -> Result<(), StoreError> {
    let new: Vec<&NewSubmission> = new.iter().map(|&i| submissions[i]).collect();
    insert_rows(
        conn,
        "INSERT INTO clm_submissions (id, form_id, review_state, created_at, updated_at, \
         device_id, sort_values_ready)",
        "",
        &new,
        |mut row, s| {
            row.push_bind(s.submission_id.0.clone())
                .push_bind(s.form_id.0.clone())
                .push_bind("received")
                .push_bind(s.received_at.seconds())
                .push_bind(s.received_at.seconds())
                .push_bind(s.device_id.clone())
                .push_bind(s.sort_values.is_some());
        },
    )
    .await?;
    insert_rows(
        conn,
        "INSERT INTO clm_submission_versions (id, submission_id, form_id, form_version_id, \
         form_version, instance_id, deprecated_id, instance_name, app_user_id, xml, xml_sha256, \
         encrypted, is_current, received_at, number)",
        "",
        &new,
        |mut row, s| {
            row.push_bind(s.version_id.0.clone())
                .push_bind(s.submission_id.0.clone())
                .push_bind(s.form_id.0.clone())
                .push_bind(s.form_version_id.0.clone())
                .push_bind(s.form_version.clone())
                .push_bind(s.meta.instance_id.clone())
                .push_bind(None::<String>)
                .push_bind(s.meta.instance_name.clone())
                .push_bind(s.app_user_id.as_ref().map(|a| a.0.clone()))
                .push_bind(s.xml.clone())
                .push_bind(s.xml_sha256.clone())
                .push_bind(s.meta.encrypted)
                .push_bind(true)
                .push_bind(s.received_at.seconds())
                .push_bind(1_i64);
        },
    )
    .await?;
    let sort_values: Vec<_> = new
        .iter()
        .flat_map(|s| {
            let values = s.sort_values.as_deref().unwrap_or_default();
            values.iter().map(move |v| (*s, v))
        })
        .collect();
    insert_rows(
        conn,
        "INSERT INTO clm_submission_sort_values \
         (submission_id, form_id, field, value_num, value_text)",
        "",
        &sort_values,
        |mut row, (s, value)| {
            row.push_bind(s.submission_id.0.clone())
                .push_bind(s.form_id.0.clone())
                .push_bind(value.field.clone())
                .push_bind(value.number)
                .push_bind(value.text.clone());
        },
    )
    .await?;
    // Every received file's content, once.
    let mut contents = HashSet::new();
    let blobs = new
        .iter()
        .flat_map(|s| s.files.iter().map(move |f| (*s, f)))
        .filter(|(_, f)| contents.insert(f.blob.sha256.as_str()))
        .map(|(s, f)| Ok((s, f, i64::try_from(f.blob.size)?)))
        .collect::<Result<Vec<_>, std::num::TryFromIntError>>()
        .map_err(|_| StoreError::Database("blob too large".into()))?;
    insert_rows(
        conn,
        "INSERT INTO clm_blobs (sha256, size, md5, created_at)",
        // Content received before, for another submission, is kept as it is.
        " ON CONFLICT (sha256) DO NOTHING",
        &blobs,
        |mut row, (s, f, size)| {
            row.push_bind(f.blob.sha256.clone())
                .push_bind(*size)
                .push_bind(f.blob.md5.clone())
                .push_bind(s.received_at.seconds());
        },
    )
    .await?;
    // A row per file: those received with their content, the rest of the
    // files the XML names awaited (no content yet).
    let files: Vec<_> = new
        .iter()
        .flat_map(|s| {
            let received = s.files.iter().map(move |f| {
                (
                    *s,
                    f.name.as_str(),
                    Some((f.content_type.as_str(), f.blob.sha256.as_str())),
                )
            });
            let awaited = s
                .expected_files
                .iter()
                .filter(move |name| !s.files.iter().any(|f| &f.name == *name))
                .map(move |name| (*s, name.as_str(), None));
            received.chain(awaited)
        })
        .collect();
    insert_rows(
        conn,
        "INSERT INTO clm_submission_files (version_id, name, content_type, blob_sha256)",
        "",
        &files,
        |mut row, (s, name, content)| {
            row.push_bind(s.version_id.0.clone())
                .push_bind(name.to_string())
                .push_bind(content.map(|(t, _)| t.to_owned()))
                .push_bind(content.map(|(_, sha)| sha.to_owned()));
        },
    )
    .await
}

/// Inserts `rows` as `{insert} VALUES (…), (…){then}`, in as few statements
/// as SQLite's parameter limit allows. `insert` names the columns, one
/// bound by `bind` for each.
async fn insert_rows<T>(
    conn: &mut SqliteConnection,
    insert: &'static str,
    then: &'static str,
    rows: &[T],
    mut bind: impl FnMut(sqlx::query_builder::Separated<'_, Sqlite, &'static str>, &T),
) -> Result<(), StoreError> {
    let columns = insert.matches(',').count() + 1;
    for chunk in rows.chunks(MAX_PARAMETERS / columns) {
        let mut query = QueryBuilder::<Sqlite>::new(insert);
        query.push(" ");
        query.push_values(chunk, &mut bind);
        query.push(then);
        query.build().execute(&mut *conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// Stores one submission in its own savepoint; outcomes that change nothing
/// (a different XML under a stored instanceID, an edit of a replaced version)
/// are rolled back.
async fn submit_in_savepoint(
    tx: &mut SqliteConnection,
    submission: &NewSubmission,
) -> Result<SubmitOutcome, StoreError> {
    let mut savepoint = tx.begin().await.map_err(db_error)?;
    match submit_in(&mut savepoint, submission).await {
        Ok(outcome) => {
            let changes = matches!(
                outcome,
                SubmitOutcome::Created(_)
                    | SubmitOutcome::Edited(_)
                    | SubmitOutcome::Repeated { .. }
            );
            if changes {
                savepoint.commit().await.map_err(db_error)?;
            } else {
                savepoint.rollback().await.map_err(db_error)?;
            }
            Ok(outcome)
        }
        Err(error) => {
            let _ = savepoint.rollback().await;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    //! The group itself, written in one call so that its make-up is known:
    //! which submissions take the multi-row path and which go one by one,
    //! and what happens when the multi-row insert fails. (The OpenRosa
    //! integration tests cover storing submissions on both databases.)

    use kolo_core::clm::{
        AppUserId, BlobRef, ClmStore, FormVersion, NewAppUser, NewFormDraft, NewSubmissionFile,
        Project, ProjectId, SubmissionFilter, SubmissionId, SubmissionVersionId, parse_submission,
    };
    use kolo_core::time::Timestamp;

    use super::*;
    use crate::SqliteStore;

    struct Fixture {
        dir: tempfile::TempDir,
        store: SqliteStore,
        version: FormVersion,
        app_user: AppUserId,
    }

    async fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("kolo.db"))
            .await
            .unwrap();
        let now = Timestamp::now();
        let project = ProjectId::new();
        store
            .create_project(&Project {
                id: project.clone(),
                name: "Group test".into(),
                description: String::new(),
                archived: false,
                created_at: now,
            })
            .await
            .unwrap();
        let form = store
            .save_form_draft(&NewFormDraft {
                project_id: project.clone(),
                form_id: kolo_core::clm::FormId::new(),
                version_id: kolo_core::clm::FormVersionId::new(),
                xml_form_id: "group".into(),
                version: "1".into(),
                title: "Group".into(),
                xml: "<h:html/>".into(),
                xml_md5: "0".repeat(32),
                root_name: "data".into(),
                public_key: None,
                binary_fields: vec!["photo".into()],
                attachments: Vec::new(),
                source: None,
                created_by: None,
                now,
                draft_token: "group-draft-token".into(),
            })
            .await
            .unwrap();
        let version = store.publish_form_draft(&form, now).await.unwrap();
        let app_user = AppUserId::new();
        store
            .create_app_user(&NewAppUser {
                id: app_user.clone(),
                project_id: project,
                display_name: "phone".into(),
                user_id: None,
                token_hash: "0".repeat(64),
                created_by: None,
                created_at: now,
            })
            .await
            .unwrap();
        Fixture {
            dir,
            store,
            version,
            app_user,
        }
    }

    impl Fixture {
        fn submission(
            &self,
            instance: &str,
            deprecated: Option<&str>,
            photo: Option<&str>,
        ) -> NewSubmission {
            let deprecated = deprecated
                .map(|d| format!("<deprecatedID>{d}</deprecatedID>"))
                .unwrap_or_default();
            let xml = format!(
                "<data id=\"group\" version=\"1\"><photo>{}</photo><meta><instanceID>{instance}</instanceID>{deprecated}</meta></data>",
                photo.unwrap_or_default()
            );
            NewSubmission {
                submission_id: SubmissionId::new(),
                version_id: SubmissionVersionId::new(),
                form_id: self.version.form_id.clone(),
                form_version_id: self.version.id.clone(),
                form_version: "1".into(),
                app_user_id: Some(self.app_user.clone()),
                meta: parse_submission(&xml).unwrap(),
                xml_sha256: format!("{:0>64}", xml.len()),
                xml: xml.into_bytes(),
                expected_files: photo.map(str::to_owned).into_iter().collect(),
                files: photo
                    .map(|name| NewSubmissionFile {
                        name: name.into(),
                        content_type: "image/jpeg".into(),
                        blob: BlobRef {
                            sha256: "ab".repeat(32),
                            size: 3,
                            md5: "cd".repeat(16),
                        },
                    })
                    .into_iter()
                    .collect(),
                received_at: Timestamp::now(),
                device_id: None,
                sort_values: Some(Vec::new()),
            }
        }

        /// Writes `submissions` as one group.
        async fn write(&self, submissions: Vec<NewSubmission>) -> Vec<Option<SubmitOutcome>> {
            let batch: Vec<SubmitJob> = submissions
                .into_iter()
                .map(|s| (s, oneshot::channel().0))
                .collect();
            let mut conn = self.store.pool.acquire().await.unwrap();
            // Outcomes only: errors are checked by `is_none`.
            write_group(&mut conn, &batch)
                .await
                .unwrap()
                .into_iter()
                .map(Result::ok)
                .collect()
        }

        /// What a `SELECT COUNT(*)` counts.
        async fn rows(&self, count: &'static str) -> i64 {
            sqlx::query_scalar(count)
                .fetch_one(&self.store.pool)
                .await
                .unwrap()
        }

        async fn count(&self) -> u64 {
            self.store
                .count_submissions(&SubmissionFilter::default())
                .await
                .unwrap()
        }
    }

    #[tokio::test]
    async fn new_submissions_go_together_and_the_rest_one_by_one_after_them() {
        let f = fixture().await;
        let a = f.submission("uuid:a", None, Some("a.jpg"));
        let b = f.submission("uuid:b", None, Some("b.jpg"));
        let a_id = a.submission_id.clone();
        let b_id = b.submission_id.clone();
        let outcomes = f
            .write(vec![
                a.clone(),
                // Sent twice in one group: the second is a repeat of the first.
                a,
                // An edit of a submission new in the same group.
                f.submission("uuid:a2", Some("uuid:a"), Some("a.jpg")),
                // Its photo has the same content as a's: one blob row.
                b,
            ])
            .await;
        assert_eq!(
            outcomes,
            [
                Some(SubmitOutcome::Created(a_id.clone())),
                Some(SubmitOutcome::Repeated {
                    id: a_id.clone(),
                    added_files: 0
                }),
                Some(SubmitOutcome::Edited(a_id)),
                Some(SubmitOutcome::Created(b_id)),
            ]
        );
        assert_eq!(f.count().await, 2);
        assert_eq!(f.rows("SELECT COUNT(*) FROM clm_blobs").await, 1);
    }

    #[tokio::test]
    async fn a_failed_group_insert_stores_the_others_one_by_one() {
        let f = fixture().await;
        let mut orphan = f.submission("uuid:orphan", None, None);
        // An app user not in the database: its row breaks a foreign key.
        orphan.app_user_id = Some(AppUserId::new());
        let good = f.submission("uuid:good", None, Some("g.jpg"));
        let good_id = good.submission_id.clone();
        let outcomes = f.write(vec![orphan, good]).await;
        assert_eq!(outcomes[0], None);
        assert_eq!(outcomes[1], Some(SubmitOutcome::Created(good_id)));
        assert_eq!(f.count().await, 1);
        // Nothing of the orphan was left behind.
        let orphan_rows = "SELECT COUNT(*) FROM clm_submission_versions \
                           WHERE instance_id = 'uuid:orphan'";
        assert_eq!(f.rows(orphan_rows).await, 0);
    }

    #[tokio::test]
    async fn closing_the_store_closes_the_writer_too() {
        let f = fixture().await;
        let last = f.submission("uuid:last", None, None);
        let stored = f.store.submit(&last).await;
        assert!(
            matches!(stored, Ok(SubmitOutcome::Created(_))),
            "{stored:?}"
        );
        f.store.close().await;
        // SQLite removes the write-ahead log when its last connection closes.
        assert!(!f.dir.path().join("kolo.db-wal").exists());
        let late = f.submission("uuid:late", None, None);
        assert!(f.store.submit(&late).await.is_err());
        let reopened = SqliteStore::open(&f.dir.path().join("kolo.db"))
            .await
            .unwrap();
        let count = reopened
            .count_submissions(&SubmissionFilter::default())
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
}
