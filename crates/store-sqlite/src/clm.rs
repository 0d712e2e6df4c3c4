//! Community-led monitoring on SQLite: projects, forms and their versions,
//! app users, submissions and their files and reviews.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::UserId;
use kolo_core::clm::{
    AppUser, AppUserId, BlobRef, ClmStore, DraftSubmission, DraftTarget, Form, FormAttachment,
    FormId, FormState, FormVersion, FormVersionId, NewAppUser, NewFormDraft, NewSubmission,
    NewSubmissionFile, PendingSortValues, Project, ProjectId, ProjectRole, ProjectStaff,
    ReviewEntry, ReviewState, SortColumn, SortValue, SubmissionAttachment, SubmissionDetail,
    SubmissionFilter, SubmissionId, SubmissionSort, SubmissionSummary, SubmissionVersion,
    SubmissionVersionId, SubmitOutcome, VersionState,
};
use kolo_core::time::Timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

use crate::clm_drafts::{self, discard_draft_submissions};
use crate::clm_ingest::Job;

use crate::rows::{corrupt, get};
use crate::{SqliteStore, db_error};

type Conn = sqlx::SqliteConnection;

const VERSION_COLUMNS: &str = "id, form_id, version, title, xml_md5, root_name, public_key, binary_fields, \
     state, created_at, published_at";

fn project_from_row(row: &SqliteRow) -> Result<Project, StoreError> {
    Ok(Project {
        id: ProjectId(get(row, "id")?),
        name: get(row, "name")?,
        description: get(row, "description")?,
        archived: get(row, "archived")?,
        created_at: Timestamp(get(row, "created_at")?),
    })
}

fn staff_from_row(row: &SqliteRow) -> Result<ProjectStaff, StoreError> {
    let role: String = get(row, "role")?;
    Ok(ProjectStaff {
        project_id: ProjectId(get(row, "project_id")?),
        user_id: UserId(get(row, "user_id")?),
        role: ProjectRole::parse(&role).ok_or_else(|| corrupt("clm_project_staff.role"))?,
    })
}

fn version_from_row(row: &SqliteRow) -> Result<FormVersion, StoreError> {
    let state: String = get(row, "state")?;
    let binary_fields: String = get(row, "binary_fields")?;
    Ok(FormVersion {
        id: FormVersionId(get(row, "id")?),
        form_id: FormId(get(row, "form_id")?),
        version: get(row, "version")?,
        title: get(row, "title")?,
        xml_md5: get(row, "xml_md5")?,
        root_name: get(row, "root_name")?,
        public_key: get(row, "public_key")?,
        binary_fields: binary_fields
            .split('\n')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        state: VersionState::parse(&state).ok_or_else(|| corrupt("clm_form_versions.state"))?,
        created_at: Timestamp(get(row, "created_at")?),
        published_at: get::<Option<i64>>(row, "published_at")?.map(Timestamp),
    })
}

fn blob_from_row(row: &SqliteRow) -> Result<Option<BlobRef>, StoreError> {
    let sha256: Option<String> = get(row, "blob_sha256")?;
    let Some(sha256) = sha256 else {
        return Ok(None);
    };
    let size: i64 = get(row, "size")?;
    Ok(Some(BlobRef {
        sha256,
        size: u64::try_from(size).map_err(|_| corrupt("clm_blobs.size"))?,
        md5: get(row, "md5")?,
    }))
}

fn app_user_from_row(row: &SqliteRow) -> Result<AppUser, StoreError> {
    Ok(AppUser {
        id: AppUserId(get(row, "id")?),
        project_id: ProjectId(get(row, "project_id")?),
        display_name: get(row, "display_name")?,
        user_id: get::<Option<String>>(row, "user_id")?.map(UserId),
        created_at: Timestamp(get(row, "created_at")?),
        revoked_at: get::<Option<i64>>(row, "revoked_at")?.map(Timestamp),
    })
}

const SUMMARY_SELECT: &str = "SELECT s.id, s.form_id, s.review_state, s.created_at, s.updated_at, s.device_id, \
     v.id AS version_id, v.instance_id, v.form_version, v.instance_name, v.app_user_id, v.encrypted, \
     (SELECT COUNT(*) FROM clm_submission_versions e WHERE e.submission_id = s.id) AS versions, \
     (SELECT COUNT(*) FROM clm_submission_files f WHERE f.version_id = v.id AND f.blob_sha256 IS NOT NULL) AS files_present, \
     (SELECT COUNT(*) FROM clm_submission_files f WHERE f.version_id = v.id) AS files_expected \
     FROM clm_submissions s JOIN clm_submission_versions v ON v.submission_id = s.id AND v.is_current";

fn summary_from_row(row: &SqliteRow) -> Result<SubmissionSummary, StoreError> {
    let state: String = get(row, "review_state")?;
    let count = |column: &str| -> Result<u32, StoreError> {
        u32::try_from(get::<i64>(row, column)?).map_err(|_| corrupt("a count"))
    };
    Ok(SubmissionSummary {
        id: SubmissionId(get(row, "id")?),
        form_id: FormId(get(row, "form_id")?),
        instance_id: get(row, "instance_id")?,
        form_version: get(row, "form_version")?,
        instance_name: get(row, "instance_name")?,
        app_user_id: get::<Option<String>>(row, "app_user_id")?.map(AppUserId),
        review_state: ReviewState::parse(&state)
            .ok_or_else(|| corrupt("clm_submissions.review_state"))?,
        encrypted: get(row, "encrypted")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
        edits: count("versions")?.saturating_sub(1),
        files_present: count("files_present")?,
        files_expected: count("files_expected")?,
        current_version_id: SubmissionVersionId(get(row, "version_id")?),
        device_id: get(row, "device_id")?,
    })
}

/// What a sort joins to the summary's tables: the sort value of the field,
/// or the app user for its name.
fn push_sort_join(query: &mut QueryBuilder<Sqlite>, sort: &SubmissionSort) {
    match &sort.column {
        SortColumn::Field(path) => {
            query
                .push(
                    " LEFT JOIN clm_submission_sort_values sv ON sv.submission_id = s.id \
                     AND sv.field = ",
                )
                .push_bind(path.clone());
        }
        SortColumn::AppUser => {
            query.push(" LEFT JOIN clm_app_users au ON au.id = v.app_user_id");
        }
        SortColumn::Received | SortColumn::ReviewState => {}
    }
}

/// The ORDER BY of a sort: its column, blanks last either way, then the
/// date, newest first, and the id, so that pages never overlap.
fn push_sort_order(query: &mut QueryBuilder<Sqlite>, sort: &SubmissionSort) {
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let keys = match &sort.column {
        SortColumn::Received => {
            query.push(format!(" ORDER BY s.created_at {dir}, s.id {dir}"));
            return;
        }
        SortColumn::AppUser => format!("au.display_name {dir} NULLS LAST"),
        SortColumn::ReviewState => format!(
            "CASE s.review_state WHEN 'received' THEN 0 WHEN 'has_issues' THEN 1 \
             WHEN 'approved' THEN 2 ELSE 3 END {dir}"
        ),
        SortColumn::Field(_) => {
            format!("sv.value_num {dir} NULLS LAST, sv.value_text {dir} NULLS LAST")
        }
    };
    query.push(format!(" ORDER BY {keys}, s.created_at DESC, s.id DESC"));
}

/// Adds the sort values of a new submission's first version.
async fn insert_sort_values(
    tx: &mut Conn,
    submission: &SubmissionId,
    form: &FormId,
    values: &[SortValue],
) -> Result<(), StoreError> {
    // SQLite takes at most 32,766 parameters per statement: 5 per row.
    for chunk in values.chunks(1000) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO clm_submission_sort_values \
             (submission_id, form_id, field, value_num, value_text) ",
        );
        query.push_values(chunk, |mut row, value| {
            row.push_bind(submission.0.clone())
                .push_bind(form.0.clone())
                .push_bind(value.field.clone())
                .push_bind(value.number)
                .push_bind(value.text.clone());
        });
        query.build().execute(&mut *tx).await.map_err(db_error)?;
    }
    Ok(())
}

/// Replaces a submission's sort values with those of its new current version,
/// or, without them, marks them as still to be read.
async fn replace_sort_values(
    tx: &mut Conn,
    submission: &SubmissionId,
    form: &FormId,
    values: Option<&[SortValue]>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM clm_submission_sort_values WHERE submission_id = ?1")
        .bind(&submission.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    insert_sort_values(tx, submission, form, values.unwrap_or_default()).await?;
    sqlx::query("UPDATE clm_submissions SET sort_values_ready = ?2 WHERE id = ?1")
        .bind(&submission.0)
        .bind(values.is_some())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

fn push_filter(query: &mut QueryBuilder<Sqlite>, filter: &SubmissionFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(form) = &filter.form_id {
        query.push(" AND s.form_id = ").push_bind(form.0.clone());
    }
    if let Some(app_users) = &filter.app_users {
        if app_users.is_empty() {
            query.push(" AND 1 = 0");
        } else {
            query.push(" AND v.app_user_id IN (");
            let mut list = query.separated(", ");
            for id in app_users {
                list.push_bind(id.0.clone());
            }
            list.push_unseparated(")");
        }
    }
    if let Some(state) = filter.review_state {
        query
            .push(" AND s.review_state = ")
            .push_bind(state.as_str());
    }
    if let Some(from) = filter.from {
        query
            .push(" AND s.created_at >= ")
            .push_bind(from.seconds());
    }
    if let Some(until) = filter.until {
        query
            .push(" AND s.created_at < ")
            .push_bind(until.seconds());
    }
    if let Some((at, id)) = &filter.after {
        let op = if filter.oldest_first { " > " } else { " < " };
        query
            .push(" AND (s.created_at")
            .push(op)
            .push_bind(at.seconds())
            .push(" OR (s.created_at = ")
            .push_bind(at.seconds())
            .push(" AND s.id")
            .push(op)
            .push_bind(id.0.clone())
            .push("))");
    }
}

pub(crate) async fn insert_blob(
    tx: &mut Conn,
    blob: &BlobRef,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO clm_blobs (sha256, size, md5, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&blob.sha256)
    .bind(i64::try_from(blob.size).map_err(|_| StoreError::Database("blob too large".into()))?)
    .bind(&blob.md5)
    .bind(now.seconds())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The submission whose files are being recorded: a version of a form's
/// submission, or a test submission sent to a draft. Both keep their files
/// the same way, each in its own table.
#[derive(Clone, Copy)]
pub(crate) enum FilesOf<'a> {
    Version(&'a SubmissionVersionId),
    DraftSubmission(&'a SubmissionId),
}

impl<'a> FilesOf<'a> {
    /// The table holding the files and the column naming their submission
    /// (constants, so the SQL built from them holds nothing from outside).
    fn table_and_key(self) -> (&'static str, &'static str, &'a str) {
        match self {
            FilesOf::Version(version) => ("clm_submission_files", "version_id", &version.0),
            FilesOf::DraftSubmission(id) => ("clm_draft_submission_files", "submission_id", &id.0),
        }
    }
}

/// Records the awaited names and the received files of a submission; returns
/// how many files were new (a name already holding a file keeps it).
pub(crate) async fn add_files(
    tx: &mut Conn,
    of: FilesOf<'_>,
    expected: &[String],
    files: &[NewSubmissionFile],
    now: Timestamp,
) -> Result<usize, StoreError> {
    let (table, key_column, key) = of.table_and_key();
    let expect_name = format!(
        "INSERT INTO {table} ({key_column}, name) VALUES (?1, ?2) \
         ON CONFLICT ({key_column}, name) DO NOTHING"
    );
    for name in expected {
        sqlx::query(sqlx::AssertSqlSafe(expect_name.as_str()))
            .bind(key)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    let insert_file = format!(
        "INSERT INTO {table} ({key_column}, name, content_type, blob_sha256) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT ({key_column}, name) DO UPDATE SET content_type = excluded.content_type, \
         blob_sha256 = excluded.blob_sha256 WHERE {table}.blob_sha256 IS NULL"
    );
    let mut added = 0;
    for file in files {
        insert_blob(tx, &file.blob, now).await?;
        let done = sqlx::query(sqlx::AssertSqlSafe(insert_file.as_str()))
            .bind(key)
            .bind(&file.name)
            .bind(&file.content_type)
            .bind(&file.blob.sha256)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            // The name already holds a file: this content stays unnamed, so
            // its row goes (unless something else names the same content).
            forget_unnamed_blob(tx, &file.blob.sha256).await?;
        }
        added += usize::try_from(done.rows_affected()).unwrap_or(0);
    }
    Ok(added)
}

pub(crate) async fn forget_unnamed_blob(tx: &mut Conn, sha256: &str) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM clm_blobs WHERE sha256 = ?1 \
         AND NOT EXISTS (SELECT 1 FROM clm_submission_files WHERE blob_sha256 = ?1) \
         AND NOT EXISTS (SELECT 1 FROM clm_draft_submission_files WHERE blob_sha256 = ?1) \
         AND NOT EXISTS (SELECT 1 FROM clm_form_attachments WHERE blob_sha256 = ?1) \
         AND NOT EXISTS (SELECT 1 FROM clm_form_versions WHERE source_sha256 = ?1)",
    )
    .bind(sha256)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_version(
    tx: &mut Conn,
    submission: &NewSubmission,
    submission_id: &SubmissionId,
    number: i64,
) -> Result<(), StoreError> {
    let meta = &submission.meta;
    sqlx::query(
        "INSERT INTO clm_submission_versions (id, submission_id, form_id, form_version_id, form_version, \
         instance_id, deprecated_id, instance_name, app_user_id, xml, xml_sha256, encrypted, is_current, received_at, \
         number) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, TRUE, ?13, ?14)",
    )
    .bind(&submission.version_id.0)
    .bind(&submission_id.0)
    .bind(&submission.form_id.0)
    .bind(&submission.form_version_id.0)
    .bind(&submission.form_version)
    .bind(&meta.instance_id)
    .bind(&meta.deprecated_id)
    .bind(&meta.instance_name)
    .bind(submission.app_user_id.as_ref().map(|a| a.0.clone()))
    .bind(&submission.xml)
    .bind(&submission.xml_sha256)
    .bind(meta.encrypted)
    .bind(submission.received_at.seconds())
    .bind(number)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

impl SqliteStore {
    async fn versions_where(
        &self,
        condition: &str,
        form: &FormId,
    ) -> Result<Vec<FormVersion>, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM clm_form_versions WHERE form_id = ?1 AND {condition} \
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&form.0)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(version_from_row).collect()
    }

    async fn form_from_row(&self, row: &SqliteRow) -> Result<Form, StoreError> {
        let id = FormId(get(row, "id")?);
        let state: String = get(row, "state")?;
        let versions = self.versions_where("state <> 'previous'", &id).await?;
        let mut form = Form {
            id,
            project_id: ProjectId(get(row, "project_id")?),
            xml_form_id: get(row, "xml_form_id")?,
            state: FormState::parse(&state).ok_or_else(|| corrupt("clm_forms.state"))?,
            created_at: Timestamp(get(row, "created_at")?),
            current: None,
            draft: None,
        };
        for version in versions {
            match version.state {
                VersionState::Current => form.current = Some(version),
                VersionState::Draft => form.draft = Some(version),
                VersionState::Previous => {}
            }
        }
        Ok(form)
    }
}

/// Stores one submission inside the caller's transaction (a savepoint of the
/// group commit, `clm_ingest`); the caller rolls back outcomes that change
/// nothing.
pub(crate) async fn submit_in(
    tx: &mut Conn,
    submission: &NewSubmission,
) -> Result<SubmitOutcome, StoreError> {
    let now = submission.received_at;
    let existing = sqlx::query(
        "SELECT id, submission_id, xml_sha256, is_current FROM clm_submission_versions \
             WHERE form_id = ?1 AND instance_id = ?2",
    )
    .bind(&submission.form_id.0)
    .bind(&submission.meta.instance_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    if let Some(row) = existing {
        let sha: String = get(&row, "xml_sha256")?;
        if sha != submission.xml_sha256 {
            return Ok(SubmitOutcome::DifferentXml);
        }
        if !get::<bool>(&row, "is_current")? {
            return Ok(SubmitOutcome::NotCurrent);
        }
        let version = SubmissionVersionId(get(&row, "id")?);
        let added = add_files(
            tx,
            FilesOf::Version(&version),
            &submission.expected_files,
            &submission.files,
            now,
        )
        .await?;
        return Ok(SubmitOutcome::Repeated {
            id: SubmissionId(get(&row, "submission_id")?),
            added_files: added,
        });
    }

    let outcome = if let Some(deprecated) = &submission.meta.deprecated_id {
        let Some(previous) = sqlx::query(
            "SELECT id, submission_id, is_current, number FROM clm_submission_versions \
                 WHERE form_id = ?1 AND instance_id = ?2",
        )
        .bind(&submission.form_id.0)
        .bind(deprecated)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        else {
            return Ok(SubmitOutcome::DeprecatedNotFound);
        };
        let previous_id: String = get(&previous, "id")?;
        let superseded = sqlx::query(
            "UPDATE clm_submission_versions SET is_current = FALSE WHERE id = ?1 AND is_current",
        )
        .bind(&previous_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if superseded.rows_affected() != 1 {
            return Ok(SubmitOutcome::NotCurrent);
        }
        let submission_id = SubmissionId(get(&previous, "submission_id")?);
        let number = get::<i64>(&previous, "number")? + 1;
        insert_version(tx, submission, &submission_id, number).await?;
        // Files the edit still names but did not send again come from the
        // version it replaces, as Collect sends only new or changed media.
        let previous_files = sqlx::query(
            "SELECT name, content_type, blob_sha256 FROM clm_submission_files \
                 WHERE version_id = ?1 AND blob_sha256 IS NOT NULL",
        )
        .bind(&previous_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        for row in &previous_files {
            let name: String = get(row, "name")?;
            let kept = submission.expected_files.contains(&name);
            let resent = submission.files.iter().any(|f| f.name == name);
            if kept && !resent {
                sqlx::query(
                        "INSERT INTO clm_submission_files (version_id, name, content_type, blob_sha256) \
                         VALUES (?1, ?2, ?3, ?4)",
                    )
                    .bind(&submission.version_id.0)
                    .bind(&name)
                    .bind(get::<Option<String>>(row, "content_type")?)
                    .bind(get::<String>(row, "blob_sha256")?)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
        }
        sqlx::query("UPDATE clm_submissions SET updated_at = ?2 WHERE id = ?1")
            .bind(&submission_id.0)
            .bind(now.seconds())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        replace_sort_values(
            tx,
            &submission_id,
            &submission.form_id,
            submission.sort_values.as_deref(),
        )
        .await?;
        SubmitOutcome::Edited(submission_id)
    } else {
        sqlx::query(
            "INSERT INTO clm_submissions (id, form_id, review_state, created_at, updated_at, \
                 device_id, sort_values_ready) VALUES (?1, ?2, 'received', ?3, ?3, ?4, ?5)",
        )
        .bind(&submission.submission_id.0)
        .bind(&submission.form_id.0)
        .bind(now.seconds())
        .bind(&submission.device_id)
        .bind(submission.sort_values.is_some())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_version(tx, submission, &submission.submission_id, 1).await?;
        insert_sort_values(
            tx,
            &submission.submission_id,
            &submission.form_id,
            submission.sort_values.as_deref().unwrap_or_default(),
        )
        .await?;
        SubmitOutcome::Created(submission.submission_id.clone())
    };
    add_files(
        tx,
        FilesOf::Version(&submission.version_id),
        &submission.expected_files,
        &submission.files,
        now,
    )
    .await?;
    Ok(outcome)
}

#[async_trait]
impl ClmStore for SqliteStore {
    async fn create_project(&self, project: &Project) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO clm_projects (id, name, description, archived, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&project.id.0)
        .bind(&project.name)
        .bind(&project.description)
        .bind(project.archived)
        .bind(project.created_at.seconds())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }

    async fn project(&self, id: &ProjectId) -> Result<Option<Project>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, description, archived, created_at FROM clm_projects WHERE id = ?1",
        )
        .bind(&id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(project_from_row).transpose()
    }

    async fn projects(&self) -> Result<Vec<Project>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, description, archived, created_at FROM clm_projects ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(project_from_row).collect()
    }

    async fn set_project_staff(
        &self,
        project: &ProjectId,
        user: &UserId,
        role: Option<ProjectRole>,
    ) -> Result<(), StoreError> {
        let query = match role {
            Some(role) => sqlx::query(
                "INSERT INTO clm_project_staff (project_id, user_id, role) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
            )
            .bind(&project.0)
            .bind(&user.0)
            .bind(role.as_str()),
            None => {
                sqlx::query("DELETE FROM clm_project_staff WHERE project_id = ?1 AND user_id = ?2")
                    .bind(&project.0)
                    .bind(&user.0)
            }
        };
        query.execute(&self.pool).await.map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound("project or user")
            }
            other => db_error(other),
        })?;
        Ok(())
    }

    async fn project_staff(&self, project: &ProjectId) -> Result<Vec<ProjectStaff>, StoreError> {
        let rows = sqlx::query(
            "SELECT project_id, user_id, role FROM clm_project_staff WHERE project_id = ?1 ORDER BY user_id",
        )
        .bind(&project.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn staff_projects(&self, user: &UserId) -> Result<Vec<ProjectStaff>, StoreError> {
        let rows = sqlx::query(
            "SELECT project_id, user_id, role FROM clm_project_staff WHERE user_id = ?1 ORDER BY project_id",
        )
        .bind(&user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn save_form_draft(&self, draft: &NewFormDraft) -> Result<FormId, StoreError> {
        let mut tx = self.write_transaction().await?;
        let existing: Option<String> = sqlx::query_scalar(
            "SELECT id FROM clm_forms WHERE project_id = ?1 AND xml_form_id = ?2",
        )
        .bind(&draft.project_id.0)
        .bind(&draft.xml_form_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let form_id = match existing {
            Some(id) => FormId(id),
            None => {
                sqlx::query(
                    "INSERT INTO clm_forms (id, project_id, xml_form_id, state, created_at) \
                     VALUES (?1, ?2, ?3, 'open', ?4)",
                )
                .bind(&draft.form_id.0)
                .bind(&draft.project_id.0)
                .bind(&draft.xml_form_id)
                .bind(draft.now.seconds())
                .execute(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::NotFound("project")
                    }
                    other => db_error(other),
                })?;
                draft.form_id.clone()
            }
        };
        let replaced: Option<String> = sqlx::query_scalar(
            "SELECT id FROM clm_form_versions WHERE form_id = ?1 AND state = 'draft'",
        )
        .bind(&form_id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if let Some(replaced) = replaced {
            discard_draft_submissions(&mut tx, &replaced).await?;
        }
        sqlx::query(
            "DELETE FROM clm_form_attachments WHERE version_id IN \
             (SELECT id FROM clm_form_versions WHERE form_id = ?1 AND state = 'draft')",
        )
        .bind(&form_id.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM clm_form_versions WHERE form_id = ?1 AND state = 'draft'")
            .bind(&form_id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if let Some(source) = &draft.source {
            insert_blob(&mut tx, source, draft.now).await?;
        }
        sqlx::query(
            "INSERT INTO clm_form_versions (id, form_id, version, title, xml, xml_md5, root_name, public_key, \
             binary_fields, source_sha256, state, created_by, created_at, published_at, draft_token) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'draft', ?11, ?12, NULL, ?13)",
        )
        .bind(&draft.version_id.0)
        .bind(&form_id.0)
        .bind(&draft.version)
        .bind(&draft.title)
        .bind(&draft.xml)
        .bind(&draft.xml_md5)
        .bind(&draft.root_name)
        .bind(&draft.public_key)
        .bind(draft.binary_fields.join("\n"))
        .bind(draft.source.as_ref().map(|s| s.sha256.clone()))
        .bind(draft.created_by.as_ref().map(|u| u.0.clone()))
        .bind(draft.now.seconds())
        .bind(&draft.draft_token)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for name in &draft.attachments {
            // Carry over the current version's file of the same name, if any.
            sqlx::query(
                "INSERT INTO clm_form_attachments (version_id, name, content_type, blob_sha256, uploaded_at) \
                 SELECT ?1, ?2, a.content_type, a.blob_sha256, a.uploaded_at FROM (SELECT 1) AS one \
                 LEFT JOIN clm_form_attachments a ON a.name = ?2 AND a.version_id = \
                 (SELECT id FROM clm_form_versions WHERE form_id = ?3 AND state = 'current')",
            )
            .bind(&draft.version_id.0)
            .bind(name)
            .bind(&form_id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(form_id)
    }

    async fn publish_form_draft(
        &self,
        form: &FormId,
        now: Timestamp,
    ) -> Result<FormVersion, StoreError> {
        let mut tx = self.write_transaction().await?;
        let draft = sqlx::query(
            "SELECT id, version FROM clm_form_versions WHERE form_id = ?1 AND state = 'draft'",
        )
        .bind(&form.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound("draft"))?;
        let draft_id: String = get(&draft, "id")?;
        let version: String = get(&draft, "version")?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM clm_form_versions WHERE form_id = ?1 AND state <> 'draft' AND version = ?2",
        )
        .bind(&form.0)
        .bind(&version)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if taken > 0 {
            return Err(StoreError::Conflict("form version"));
        }
        sqlx::query("UPDATE clm_form_versions SET state = 'previous' WHERE form_id = ?1 AND state = 'current'")
            .bind(&form.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "UPDATE clm_form_versions SET state = 'current', published_at = ?2, draft_token = NULL \
             WHERE id = ?1",
        )
        .bind(&draft_id)
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        discard_draft_submissions(&mut tx, &draft_id).await?;
        let sql = format!("SELECT {VERSION_COLUMNS} FROM clm_form_versions WHERE id = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&draft_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let published = version_from_row(&row)?;
        tx.commit().await.map_err(db_error)?;
        Ok(published)
    }

    async fn set_draft_version(
        &self,
        version: &FormVersionId,
        version_string: &str,
        xml: &str,
        xml_md5: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE clm_form_versions SET version = ?2, xml = ?3, xml_md5 = ?4 \
             WHERE id = ?1 AND state = 'draft'",
        )
        .bind(&version.0)
        .bind(version_string)
        .bind(xml)
        .bind(xml_md5)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("draft"));
        }
        Ok(())
    }

    async fn set_form_state(&self, form: &FormId, state: FormState) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE clm_forms SET state = ?2 WHERE id = ?1")
            .bind(&form.0)
            .bind(state.as_str())
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("form"));
        }
        Ok(())
    }

    async fn forms(&self, project: &ProjectId) -> Result<Vec<Form>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, project_id, xml_form_id, state, created_at FROM clm_forms WHERE project_id = ?1 \
             ORDER BY xml_form_id",
        )
        .bind(&project.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut forms = Vec::with_capacity(rows.len());
        for row in &rows {
            forms.push(self.form_from_row(row).await?);
        }
        Ok(forms)
    }

    async fn form(
        &self,
        project: &ProjectId,
        xml_form_id: &str,
    ) -> Result<Option<Form>, StoreError> {
        let row = sqlx::query(
            "SELECT id, project_id, xml_form_id, state, created_at FROM clm_forms \
             WHERE project_id = ?1 AND xml_form_id = ?2",
        )
        .bind(&project.0)
        .bind(xml_form_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        match row {
            Some(row) => Ok(Some(self.form_from_row(&row).await?)),
            None => Ok(None),
        }
    }

    async fn form_versions(&self, form: &FormId) -> Result<Vec<FormVersion>, StoreError> {
        self.versions_where("1 = 1", form).await
    }

    async fn published_version(
        &self,
        form: &FormId,
        version: &str,
    ) -> Result<Option<FormVersion>, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM clm_form_versions WHERE form_id = ?1 AND version = ?2 \
             AND state <> 'draft'"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&form.0)
            .bind(version)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn form_version_xml(
        &self,
        version: &FormVersionId,
    ) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT xml FROM clm_form_versions WHERE id = ?1")
            .bind(&version.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn form_attachments(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<FormAttachment>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.version_id, a.name, a.content_type, a.blob_sha256, a.uploaded_at, b.size, b.md5 \
             FROM clm_form_attachments a LEFT JOIN clm_blobs b ON b.sha256 = a.blob_sha256 \
             WHERE a.version_id = ?1 ORDER BY a.name",
        )
        .bind(&version.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(FormAttachment {
                    version_id: FormVersionId(get(row, "version_id")?),
                    name: get(row, "name")?,
                    content_type: get(row, "content_type")?,
                    blob: blob_from_row(row)?,
                    uploaded_at: get::<Option<i64>>(row, "uploaded_at")?.map(Timestamp),
                })
            })
            .collect()
    }

    async fn attach_form_file(
        &self,
        version: &FormVersionId,
        name: &str,
        content_type: &str,
        blob: &BlobRef,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        insert_blob(&mut tx, blob, now).await?;
        let done = sqlx::query(
            "UPDATE clm_form_attachments SET content_type = ?3, blob_sha256 = ?4, uploaded_at = ?5 \
             WHERE version_id = ?1 AND name = ?2",
        )
        .bind(&version.0)
        .bind(name)
        .bind(content_type)
        .bind(&blob.sha256)
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("form attachment"));
        }
        tx.commit().await.map_err(db_error)
    }

    async fn draft_token(&self, version: &FormVersionId) -> Result<Option<String>, StoreError> {
        clm_drafts::draft_token(&self.pool, version).await
    }

    async fn draft_by_token(&self, token: &str) -> Result<Option<DraftTarget>, StoreError> {
        clm_drafts::draft_by_token(&self.pool, token).await
    }

    async fn submit_draft(&self, submission: &NewSubmission) -> Result<SubmitOutcome, StoreError> {
        let mut tx = self.write_transaction().await?;
        let outcome = clm_drafts::submit_draft(&mut tx, submission).await?;
        if matches!(
            outcome,
            SubmitOutcome::Created(_) | SubmitOutcome::Repeated { .. }
        ) {
            tx.commit().await.map_err(db_error)?;
        }
        Ok(outcome)
    }

    async fn draft_submissions(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<DraftSubmission>, StoreError> {
        clm_drafts::draft_submissions(&self.pool, version).await
    }

    async fn draft_submission_blobs(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<String>, StoreError> {
        clm_drafts::draft_submission_blobs(&self.pool, version).await
    }

    async fn create_app_user(&self, app_user: &NewAppUser) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO clm_app_users (id, project_id, display_name, user_id, token_hash, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&app_user.id.0)
        .bind(&app_user.project_id.0)
        .bind(&app_user.display_name)
        .bind(app_user.user_id.as_ref().map(|u| u.0.clone()))
        .bind(&app_user.token_hash)
        .bind(app_user.created_by.as_ref().map(|u| u.0.clone()))
        .bind(app_user.created_at.seconds())
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NotFound("project or user")
            }
            other => db_error(other),
        })?;
        Ok(())
    }

    async fn app_users(&self, project: &ProjectId) -> Result<Vec<AppUser>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, project_id, display_name, user_id, created_at, revoked_at FROM clm_app_users \
             WHERE project_id = ?1 ORDER BY display_name, id",
        )
        .bind(&project.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(app_user_from_row).collect()
    }

    async fn app_user_by_token(&self, token_hash: &str) -> Result<Option<AppUser>, StoreError> {
        let row = sqlx::query(
            "SELECT id, project_id, display_name, user_id, created_at, revoked_at FROM clm_app_users \
             WHERE token_hash = ?1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(app_user_from_row).transpose()
    }

    async fn revoke_app_user(&self, id: &AppUserId, now: Timestamp) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE clm_app_users SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
        )
        .bind(&id.0)
        .bind(now.seconds())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("app user"));
        }
        Ok(())
    }

    async fn submit(&self, submission: &NewSubmission) -> Result<SubmitOutcome, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submissions
            .send(Job::Submit((submission.clone(), reply)))
            .await
            .map_err(|_| StoreError::Database("the submission writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Database("the submission writer has stopped".into()))?
    }

    async fn submissions(
        &self,
        filter: &SubmissionFilter,
    ) -> Result<Vec<SubmissionSummary>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(SUMMARY_SELECT);
        let limit = i64::from(filter.limit.max(1));
        let offset = i64::from(filter.offset);
        if let Some(sort) = &filter.sort {
            // The page's ids first, sorted on the bare rows; the counts of
            // the summary are then computed for that page only, not for
            // every row the sort passes over.
            push_sort_join(&mut query, sort);
            query.push(
                " WHERE s.id IN (SELECT s.id FROM clm_submissions s JOIN clm_submission_versions v \
                 ON v.submission_id = s.id AND v.is_current",
            );
            push_sort_join(&mut query, sort);
            let unkeyed = SubmissionFilter {
                after: None,
                ..filter.clone()
            };
            push_filter(&mut query, &unkeyed);
            push_sort_order(&mut query, sort);
            query
                .push(" LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset)
                .push(")");
            push_sort_order(&mut query, sort);
        } else {
            push_filter(&mut query, filter);
            query
                .push(if filter.oldest_first {
                    " ORDER BY s.created_at, s.id"
                } else {
                    " ORDER BY s.created_at DESC, s.id DESC"
                })
                .push(" LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset);
        }
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn count_submissions(&self, filter: &SubmissionFilter) -> Result<u64, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT COUNT(*) FROM clm_submissions s JOIN clm_submission_versions v \
             ON v.submission_id = s.id AND v.is_current",
        );
        push_filter(&mut query, filter);
        let count: i64 = query
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn submission(&self, id: &SubmissionId) -> Result<Option<SubmissionDetail>, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE s.id = ?1");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let summary = summary_from_row(&row)?;
        let versions = sqlx::query(
            "SELECT id, instance_id, deprecated_id, form_version_id, form_version, app_user_id, is_current, \
             encrypted, received_at FROM clm_submission_versions WHERE submission_id = ?1 \
             ORDER BY number",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| {
            Ok(SubmissionVersion {
                id: SubmissionVersionId(get(row, "id")?),
                instance_id: get(row, "instance_id")?,
                deprecated_id: get(row, "deprecated_id")?,
                form_version_id: FormVersionId(get(row, "form_version_id")?),
                form_version: get(row, "form_version")?,
                app_user_id: get::<Option<String>>(row, "app_user_id")?.map(AppUserId),
                current: get(row, "is_current")?,
                encrypted: get(row, "encrypted")?,
                received_at: Timestamp(get(row, "received_at")?),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let reviews = sqlx::query(
            "SELECT state, comment, user_id, created_at FROM clm_reviews WHERE submission_id = ?1 \
             ORDER BY created_at, id",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| {
            let state: String = get(row, "state")?;
            Ok(ReviewEntry {
                state: ReviewState::parse(&state).ok_or_else(|| corrupt("clm_reviews.state"))?,
                comment: get(row, "comment")?,
                by: get::<Option<String>>(row, "user_id")?.map(UserId),
                at: Timestamp(get(row, "created_at")?),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(SubmissionDetail {
            summary,
            versions,
            reviews,
        }))
    }

    async fn submission_xml(
        &self,
        version: &SubmissionVersionId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT xml FROM clm_submission_versions WHERE id = ?1")
            .bind(&version.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn submission_xmls(
        &self,
        versions: &[SubmissionVersionId],
    ) -> Result<Vec<(SubmissionVersionId, Vec<u8>)>, StoreError> {
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT id, xml FROM clm_submission_versions WHERE id IN (",
        );
        let mut list = query.separated(", ");
        for version in versions {
            list.push_bind(version.0.clone());
        }
        list.push_unseparated(")");
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| Ok((SubmissionVersionId(get(row, "id")?), get(row, "xml")?)))
            .collect()
    }

    async fn submission_attachments(
        &self,
        version: &SubmissionVersionId,
    ) -> Result<Vec<SubmissionAttachment>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.name, f.content_type, f.blob_sha256, b.size, b.md5 FROM clm_submission_files f \
             LEFT JOIN clm_blobs b ON b.sha256 = f.blob_sha256 WHERE f.version_id = ?1 ORDER BY f.name",
        )
        .bind(&version.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(SubmissionAttachment {
                    name: get(row, "name")?,
                    content_type: get(row, "content_type")?,
                    blob: blob_from_row(row)?,
                })
            })
            .collect()
    }

    async fn sort_values_pending(
        &self,
        form: &FormId,
        limit: u32,
    ) -> Result<Vec<PendingSortValues>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, v.id AS version_id, v.form_version_id, v.encrypted FROM clm_submissions s \
             JOIN clm_submission_versions v ON v.submission_id = s.id AND v.is_current \
             WHERE s.form_id = ?1 AND NOT s.sort_values_ready ORDER BY s.id LIMIT ?2",
        )
        .bind(&form.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(PendingSortValues {
                    submission_id: SubmissionId(get(row, "id")?),
                    version_id: SubmissionVersionId(get(row, "version_id")?),
                    form_version_id: FormVersionId(get(row, "form_version_id")?),
                    encrypted: get(row, "encrypted")?,
                    values: Vec::new(),
                })
            })
            .collect()
    }

    async fn set_sort_values(&self, values: &[PendingSortValues]) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for pending in values {
            let form: Option<String> = sqlx::query_scalar(
                "SELECT form_id FROM clm_submission_versions WHERE id = ?1 AND submission_id = ?2 \
                 AND is_current",
            )
            .bind(&pending.version_id.0)
            .bind(&pending.submission_id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if let Some(form) = form {
                replace_sort_values(
                    &mut tx,
                    &pending.submission_id,
                    &FormId(form),
                    Some(&pending.values),
                )
                .await?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn review_submission(
        &self,
        id: &SubmissionId,
        state: ReviewState,
        comment: &str,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let done = sqlx::query(
            "UPDATE clm_submissions SET review_state = ?2, updated_at = ?3 WHERE id = ?1",
        )
        .bind(&id.0)
        .bind(state.as_str())
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("submission"));
        }
        sqlx::query(
            "INSERT INTO clm_reviews (id, submission_id, state, comment, user_id, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(kolo_core::ids::new_id())
        .bind(&id.0)
        .bind(state.as_str())
        .bind(comment)
        .bind(by.map(|u| u.0.clone()))
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn blob_referenced(&self, sha256: &str) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM clm_blobs WHERE sha256 = ?1 AND (\
             EXISTS (SELECT 1 FROM clm_submission_files WHERE blob_sha256 = ?1) OR \
             EXISTS (SELECT 1 FROM clm_draft_submission_files WHERE blob_sha256 = ?1) OR \
             EXISTS (SELECT 1 FROM clm_form_attachments WHERE blob_sha256 = ?1) OR \
             EXISTS (SELECT 1 FROM clm_form_versions WHERE source_sha256 = ?1))",
        )
        .bind(sha256)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(found > 0)
    }

    async fn referenced_blobs(&self) -> Result<Vec<BlobRef>, StoreError> {
        let rows =
            sqlx::query("SELECT sha256 AS blob_sha256, size, md5 FROM clm_blobs ORDER BY sha256")
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        rows.iter()
            .filter_map(|row| blob_from_row(row).transpose())
            .collect()
    }
}
