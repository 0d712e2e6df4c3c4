//! The storage community-led monitoring needs. File contents live in the blob
//! store of the binary; rows here name them by SHA-256 (`BlobRef`).

use async_trait::async_trait;

use super::app_user::{AppUser, NewAppUser};
use super::draft::{DraftSubmission, DraftTarget};
use super::form::{Form, FormAttachment, FormState, FormVersion, NewFormDraft};
use super::ids::{AppUserId, FormId, FormVersionId, ProjectId, SubmissionId, SubmissionVersionId};
use super::project::{Project, ProjectRole, ProjectStaff};
use super::submission::{
    BlobRef, NewSubmission, ReviewState, SortValue, SubmissionAttachment, SubmissionDetail,
    SubmissionFilter, SubmissionSummary, SubmitOutcome,
};
use crate::auth::UserId;
use crate::store::StoreError;
use crate::time::Timestamp;

/// A submission whose sort values are to be read, and then what was read.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingSortValues {
    pub submission_id: SubmissionId,
    pub version_id: SubmissionVersionId,
    pub form_version_id: FormVersionId,
    pub encrypted: bool,
    /// Filled by the reader before `set_sort_values`.
    pub values: Vec<SortValue>,
}

#[async_trait]
pub trait ClmStore: Send + Sync {
    // Projects and their staff.
    async fn create_project(&self, project: &Project) -> Result<(), StoreError>;
    async fn project(&self, id: &ProjectId) -> Result<Option<Project>, StoreError>;
    /// Every project, by name.
    async fn projects(&self) -> Result<Vec<Project>, StoreError>;
    /// Names a member of staff on a project with a role, or (`None`) removes them.
    async fn set_project_staff(
        &self,
        project: &ProjectId,
        user: &UserId,
        role: Option<ProjectRole>,
    ) -> Result<(), StoreError>;
    async fn project_staff(&self, project: &ProjectId) -> Result<Vec<ProjectStaff>, StoreError>;
    /// The projects a person is named on, with their role.
    async fn staff_projects(&self, user: &UserId) -> Result<Vec<ProjectStaff>, StoreError>;

    // Forms and their versions.
    /// Keeps a definition as the form's draft, creating the form (open) if the
    /// project has none with this id, and replacing an earlier draft (with its
    /// token and test submissions). Files the
    /// current version holds under a name the draft expects are carried over.
    /// Returns the form's id. In one transaction.
    async fn save_form_draft(&self, draft: &NewFormDraft) -> Result<FormId, StoreError>;
    /// Makes the draft the current version. `Conflict("form version")` when a
    /// version with the same version string was published before;
    /// `NotFound("draft")` without a draft. In one transaction, which also
    /// ends the draft's token and discards its test submissions.
    async fn publish_form_draft(
        &self,
        form: &FormId,
        now: Timestamp,
    ) -> Result<FormVersion, StoreError>;
    /// Replaces the draft's definition with the same form under another
    /// version string (publishing with a version); `NotFound("draft")` when
    /// the version is no draft.
    async fn set_draft_version(
        &self,
        version: &FormVersionId,
        version_string: &str,
        xml: &str,
        xml_md5: &str,
    ) -> Result<(), StoreError>;
    async fn set_form_state(&self, form: &FormId, state: FormState) -> Result<(), StoreError>;
    /// The project's forms, by form id.
    async fn forms(&self, project: &ProjectId) -> Result<Vec<Form>, StoreError>;
    async fn form(
        &self,
        project: &ProjectId,
        xml_form_id: &str,
    ) -> Result<Option<Form>, StoreError>;
    /// Every version of a form, oldest first.
    async fn form_versions(&self, form: &FormId) -> Result<Vec<FormVersion>, StoreError>;
    /// The published (current or previous) version with this version string.
    async fn published_version(
        &self,
        form: &FormId,
        version: &str,
    ) -> Result<Option<FormVersion>, StoreError>;
    /// The XForm as uploaded.
    async fn form_version_xml(&self, version: &FormVersionId)
    -> Result<Option<String>, StoreError>;
    /// The files a version expects, by name.
    async fn form_attachments(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<FormAttachment>, StoreError>;
    /// Stores an uploaded file under a name the version expects;
    /// `NotFound("form attachment")` for a name it does not expect.
    async fn attach_form_file(
        &self,
        version: &FormVersionId,
        name: &str,
        content_type: &str,
        blob: &BlobRef,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    // Trying drafts from devices.
    /// The token that opens a draft (made now for a draft saved before drafts
    /// had tokens); `None` for a published version.
    async fn draft_token(&self, version: &FormVersionId) -> Result<Option<String>, StoreError>;
    /// The draft a token opens, while it is a draft.
    async fn draft_by_token(&self, token: &str) -> Result<Option<DraftTarget>, StoreError>;
    /// Stores a submission sent to a draft (`form_version_id` names the draft),
    /// apart from the form's submissions: new, or the same XML again adding
    /// files, or `DifferentXml`. An edit (`deprecatedID`) is kept as a new
    /// test submission. `NotFound("draft")` when the version is no draft.
    async fn submit_draft(&self, submission: &NewSubmission) -> Result<SubmitOutcome, StoreError>;
    /// A draft's test submissions, newest first.
    async fn draft_submissions(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<DraftSubmission>, StoreError>;
    /// The blobs a draft's test submissions name, so that their files can be
    /// deleted once the rows are discarded.
    async fn draft_submission_blobs(
        &self,
        version: &FormVersionId,
    ) -> Result<Vec<String>, StoreError>;

    // App users.
    async fn create_app_user(&self, app_user: &NewAppUser) -> Result<(), StoreError>;
    /// The project's app users, revoked ones too, by name.
    async fn app_users(&self, project: &ProjectId) -> Result<Vec<AppUser>, StoreError>;
    /// The app user holding a token (by its hash), revoked or not.
    async fn app_user_by_token(&self, token_hash: &str) -> Result<Option<AppUser>, StoreError>;
    /// Revokes at once; `NotFound` when there is no such app user.
    async fn revoke_app_user(&self, id: &AppUserId, now: Timestamp) -> Result<(), StoreError>;

    // Submissions.
    /// Stores a received submission by the rules of OpenRosa deduplication, in
    /// one transaction; outcomes that change nothing commit nothing.
    async fn submit(&self, submission: &NewSubmission) -> Result<SubmitOutcome, StoreError>;
    async fn submissions(
        &self,
        filter: &SubmissionFilter,
    ) -> Result<Vec<SubmissionSummary>, StoreError>;
    async fn count_submissions(&self, filter: &SubmissionFilter) -> Result<u64, StoreError>;
    async fn submission(&self, id: &SubmissionId) -> Result<Option<SubmissionDetail>, StoreError>;
    /// The XML of a version exactly as received.
    async fn submission_xml(
        &self,
        version: &SubmissionVersionId,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// The XML of several versions at once (exports), in no particular order;
    /// unknown ids are left out.
    async fn submission_xmls(
        &self,
        versions: &[SubmissionVersionId],
    ) -> Result<Vec<(SubmissionVersionId, Vec<u8>)>, StoreError>;
    async fn submission_attachments(
        &self,
        version: &SubmissionVersionId,
    ) -> Result<Vec<SubmissionAttachment>, StoreError>;
    /// Submissions of a form whose sort values were never read (stored
    /// before they existed, or without a readable form): at most `limit`,
    /// each with its current version and the form version it was made with.
    async fn sort_values_pending(
        &self,
        form: &FormId,
        limit: u32,
    ) -> Result<Vec<PendingSortValues>, StoreError>;
    /// Stores the sort values read from each submission's current version and
    /// marks it ready, in one transaction. A submission edited since (its
    /// current version is another) is left for the next reading.
    async fn set_sort_values(&self, values: &[PendingSortValues]) -> Result<(), StoreError>;
    /// Records a review decision and its comment; `NotFound` without such a submission.
    async fn review_submission(
        &self,
        id: &SubmissionId,
        state: ReviewState,
        comment: &str,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    // Blobs.
    /// Whether any row names this blob (the blob store's sweep asks).
    async fn blob_referenced(&self, sha256: &str) -> Result<bool, StoreError>;
    /// Every blob the rows name, for a consistency check.
    async fn referenced_blobs(&self) -> Result<Vec<BlobRef>, StoreError>;
}
