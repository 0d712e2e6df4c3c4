//! Trying a draft from ODK Collect before publishing it, as ODK Central does:
//! the draft has a token, devices reach it at
//! `/v1/test/{token}/projects/{id}/forms/{xmlFormId}/draft`, and what they
//! send there is kept apart from the form's submissions, then discarded when
//! the draft is published or replaced.

use super::ids::{FormVersionId, ProjectId};
use crate::time::Timestamp;

/// The draft a token opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftTarget {
    pub project_id: ProjectId,
    pub xml_form_id: String,
    pub version_id: FormVersionId,
}

/// A submission sent to a draft, as the form page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSubmission {
    pub instance_id: String,
    pub received_at: Timestamp,
    pub encrypted: bool,
    pub files_present: u32,
    pub files_expected: u32,
}

/// Whether a submission's file is Collect's client audit log (a form with
/// `audit` in its metadata). Collect always names it `audit.csv`, and the
/// question files it names by time (`1700000000.jpg`), so the name tells.
/// Central keeps it as an attachment but leaves it out of the media in
/// exports.
pub fn is_client_audit(file_name: &str) -> bool {
    file_name == "audit.csv"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_collects_audit_log_is_a_client_audit() {
        assert!(is_client_audit("audit.csv"));
        assert!(!is_client_audit("1700000000.jpg"));
        assert!(!is_client_audit("audit.csv.jpg"));
    }
}
