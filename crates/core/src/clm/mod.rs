//! Community-led monitoring: projects, XLSForm/XForm questionnaires with their
//! versions and media, the app users (field devices) that submit through ODK
//! Collect, and the submissions they send, with their review.
//!
//! The rules here are pure: the binary adapts OpenRosa's HTTP to them, the
//! store crates keep the rows, and the blob store in the binary keeps the
//! files (content-addressed by SHA-256).

mod access;
mod app_user;
mod draft;
mod form;
mod ids;
mod project;
mod store;
mod submission;
mod xform;

pub use access::{ProjectAccess, project_access};
pub use app_user::{AppUser, NewAppUser};
pub use draft::{DraftSubmission, DraftTarget, is_client_audit};
pub use form::{
    Form, FormAttachment, FormState, FormVersion, NewFormDraft, VersionState, check_file_name,
    check_xml_form_id,
};
pub use ids::{AppUserId, FormId, FormVersionId, ProjectId, SubmissionId, SubmissionVersionId};
pub use project::{Project, ProjectRole, ProjectStaff};
pub use store::{ClmStore, PendingSortValues};
pub use submission::{
    BlobRef, MAX_DEVICE_ID_CHARS, MAX_INSTANCE_ID_CHARS, NewSubmission, NewSubmissionFile,
    ReviewEntry, ReviewState, SortColumn, SortValue, SubmissionAttachment, SubmissionDetail,
    SubmissionFilter, SubmissionMeta, SubmissionProblem, SubmissionSort, SubmissionSummary,
    SubmissionVersion, SubmitOutcome, check_device_id, expected_files, parse_submission,
};
pub use xform::{
    FormDefinition, XFormProblem, check_version, inspect_xform, parse_xml, with_version,
};
