//! Trying drafts from devices on SQLite: the draft's token and the test
//! submissions sent to it, kept apart from the form's submissions.

use kolo_core::StoreError;
use kolo_core::clm::{
    DraftSubmission, DraftTarget, FormVersionId, NewSubmission, ProjectId, SubmissionId,
    SubmitOutcome,
};
use kolo_core::ids::new_secret_token;
use kolo_core::time::Timestamp;
use sqlx::SqlitePool;

use crate::clm::{FilesOf, add_files, forget_unnamed_blob};
use crate::db_error;
use crate::rows::get;

type Conn = sqlx::SqliteConnection;

/// The draft's token; a draft saved before drafts had tokens (migration
/// 0009) gets one now.
pub(crate) async fn draft_token(
    pool: &SqlitePool,
    version: &FormVersionId,
) -> Result<Option<String>, StoreError> {
    let token: Option<Option<String>> = sqlx::query_scalar(
        "SELECT draft_token FROM clm_form_versions WHERE id = ?1 AND state = 'draft'",
    )
    .bind(&version.0)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    match token {
        Some(None) => {
            // A draft saved before drafts had tokens (migration 0009) gets one
            // now; of two racing requests, the first one's stays.
            sqlx::query(
                "UPDATE clm_form_versions SET draft_token = ?2 \
                 WHERE id = ?1 AND state = 'draft' AND draft_token IS NULL",
            )
            .bind(&version.0)
            .bind(new_secret_token())
            .execute(pool)
            .await
            .map_err(db_error)?;
            sqlx::query_scalar(
                "SELECT draft_token FROM clm_form_versions WHERE id = ?1 AND state = 'draft'",
            )
            .bind(&version.0)
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
            .map_err(db_error)
        }
        other => Ok(other.flatten()),
    }
}

pub(crate) async fn draft_by_token(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<DraftTarget>, StoreError> {
    let row = sqlx::query(
        "SELECT f.project_id, f.xml_form_id, v.id FROM clm_form_versions v \
         JOIN clm_forms f ON f.id = v.form_id WHERE v.draft_token = ?1 AND v.state = 'draft'",
    )
    .bind(token)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.map(|row| {
        Ok(DraftTarget {
            project_id: ProjectId(get(&row, "project_id")?),
            xml_form_id: get(&row, "xml_form_id")?,
            version_id: FormVersionId(get(&row, "id")?),
        })
    })
    .transpose()
}

/// Stores a test submission inside the caller's transaction.
pub(crate) async fn submit_draft(
    tx: &mut Conn,
    submission: &NewSubmission,
) -> Result<SubmitOutcome, StoreError> {
    let version = &submission.form_version_id;
    let is_draft: Option<String> =
        sqlx::query_scalar("SELECT id FROM clm_form_versions WHERE id = ?1 AND state = 'draft'")
            .bind(&version.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
    if is_draft.is_none() {
        return Err(StoreError::NotFound("draft"));
    }
    let existing = sqlx::query(
        "SELECT id, xml_sha256 FROM clm_draft_submissions \
         WHERE form_version_id = ?1 AND instance_id = ?2",
    )
    .bind(&version.0)
    .bind(&submission.meta.instance_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    if let Some(row) = existing {
        if get::<String>(&row, "xml_sha256")? != submission.xml_sha256 {
            return Ok(SubmitOutcome::DifferentXml);
        }
        let id = SubmissionId(get(&row, "id")?);
        let added = add_draft_files(tx, &id, submission).await?;
        return Ok(SubmitOutcome::Repeated {
            id,
            added_files: added,
        });
    }
    sqlx::query(
        "INSERT INTO clm_draft_submissions (id, form_version_id, instance_id, xml, xml_sha256, \
         encrypted, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&submission.submission_id.0)
    .bind(&version.0)
    .bind(&submission.meta.instance_id)
    .bind(&submission.xml)
    .bind(&submission.xml_sha256)
    .bind(submission.meta.encrypted)
    .bind(submission.received_at.seconds())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    add_draft_files(tx, &submission.submission_id, submission).await?;
    Ok(SubmitOutcome::Created(submission.submission_id.clone()))
}

/// Records a test submission's awaited names and received files, the way a
/// form's submission records them; how many were new.
async fn add_draft_files(
    tx: &mut Conn,
    id: &SubmissionId,
    submission: &NewSubmission,
) -> Result<usize, StoreError> {
    add_files(
        tx,
        FilesOf::DraftSubmission(id),
        &submission.expected_files,
        &submission.files,
        submission.received_at,
    )
    .await
}

/// Deletes a draft's test submissions with their files' rows (the files
/// themselves go after the commit, see `draft_submission_blobs`).
pub(crate) async fn discard_draft_submissions(
    tx: &mut Conn,
    version: &str,
) -> Result<(), StoreError> {
    let blobs: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT f.blob_sha256 FROM clm_draft_submission_files f \
         JOIN clm_draft_submissions s ON s.id = f.submission_id \
         WHERE s.form_version_id = ?1 AND f.blob_sha256 IS NOT NULL",
    )
    .bind(version)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "DELETE FROM clm_draft_submission_files WHERE submission_id IN \
         (SELECT id FROM clm_draft_submissions WHERE form_version_id = ?1)",
    )
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    sqlx::query("DELETE FROM clm_draft_submissions WHERE form_version_id = ?1")
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    for sha256 in blobs {
        forget_unnamed_blob(tx, &sha256).await?;
    }
    Ok(())
}

pub(crate) async fn draft_submissions(
    pool: &SqlitePool,
    version: &FormVersionId,
) -> Result<Vec<DraftSubmission>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.instance_id, s.received_at, s.encrypted, \
         (SELECT COUNT(*) FROM clm_draft_submission_files f WHERE f.submission_id = s.id \
          AND f.blob_sha256 IS NOT NULL) AS files_present, \
         (SELECT COUNT(*) FROM clm_draft_submission_files f WHERE f.submission_id = s.id) AS files_expected \
         FROM clm_draft_submissions s WHERE s.form_version_id = ?1 \
         ORDER BY s.received_at DESC, s.instance_id",
    )
    .bind(&version.0)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let count = |column: &str| -> Result<u32, StoreError> {
                u32::try_from(get::<i64>(row, column)?).map_err(|_| crate::rows::corrupt("a count"))
            };
            Ok(DraftSubmission {
                instance_id: get(row, "instance_id")?,
                received_at: Timestamp(get(row, "received_at")?),
                encrypted: get(row, "encrypted")?,
                files_present: count("files_present")?,
                files_expected: count("files_expected")?,
            })
        })
        .collect()
}

pub(crate) async fn draft_submission_blobs(
    pool: &SqlitePool,
    version: &FormVersionId,
) -> Result<Vec<String>, StoreError> {
    sqlx::query_scalar(
        "SELECT DISTINCT f.blob_sha256 FROM clm_draft_submission_files f \
         JOIN clm_draft_submissions s ON s.id = f.submission_id \
         WHERE s.form_version_id = ?1 AND f.blob_sha256 IS NOT NULL",
    )
    .bind(&version.0)
    .fetch_all(pool)
    .await
    .map_err(db_error)
}
