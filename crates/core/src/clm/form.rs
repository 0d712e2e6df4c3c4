//! Forms, their versions (one draft, one current, earlier ones kept for the
//! submissions made with them) and the files their definitions reference.

use super::ids::{FormId, FormVersionId, ProjectId};
use super::submission::BlobRef;
use crate::auth::UserId;
use crate::time::Timestamp;

/// Whether a form takes new downloads and submissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FormState {
    /// Listed to devices, downloadable, accepting submissions.
    Open,
    /// No longer listed or downloadable; submissions from devices that have it
    /// are still accepted (monitors finishing their round).
    Closing,
    /// Neither downloads nor submissions.
    Closed,
}

impl FormState {
    pub const ALL: [FormState; 3] = [FormState::Open, FormState::Closing, FormState::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            FormState::Open => "open",
            FormState::Closing => "closing",
            FormState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<FormState> {
        FormState::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    pub fn message_id(self) -> &'static str {
        match self {
            FormState::Open => "clm-form-state-open",
            FormState::Closing => "clm-form-state-closing",
            FormState::Closed => "clm-form-state-closed",
        }
    }

    /// Whether devices may list and download the form.
    pub fn downloadable(self) -> bool {
        self == FormState::Open
    }

    /// Whether submissions are accepted.
    pub fn accepts_submissions(self) -> bool {
        self != FormState::Closed
    }
}

/// Where a version of a form stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionState {
    /// Uploaded, to be tried; devices do not see it.
    Draft,
    /// The published version devices download.
    Current,
    /// Published once, replaced since; its submissions are still accepted.
    Previous,
}

impl VersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Draft => "draft",
            VersionState::Current => "current",
            VersionState::Previous => "previous",
        }
    }

    pub fn parse(text: &str) -> Option<VersionState> {
        [
            VersionState::Draft,
            VersionState::Current,
            VersionState::Previous,
        ]
        .into_iter()
        .find(|s| s.as_str() == text.trim())
    }
}

/// One version of a form's definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormVersion {
    pub id: FormVersionId,
    pub form_id: FormId,
    /// The `version` attribute of the form (may be empty).
    pub version: String,
    pub title: String,
    /// MD5 of the XForm bytes, in hex: what formList announces.
    pub xml_md5: String,
    /// The name of the primary instance's root element, which submissions must use.
    pub root_name: String,
    /// The form's RSA public key: submissions arrive encrypted.
    pub public_key: Option<String>,
    /// Names of the leaves whose values are file names (binary questions).
    pub binary_fields: Vec<String>,
    pub state: VersionState,
    pub created_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// A form with its current and draft versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub id: FormId,
    pub project_id: ProjectId,
    /// The `id` attribute of the form's instance root; devices know the form by it.
    pub xml_form_id: String,
    pub state: FormState,
    pub created_at: Timestamp,
    pub current: Option<FormVersion>,
    pub draft: Option<FormVersion>,
}

/// A file a form version references (media, CSV for `select_*_from_file`,
/// `itemsets.csv`), uploaded or still missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormAttachment {
    pub version_id: FormVersionId,
    pub name: String,
    pub content_type: Option<String>,
    /// `None` while the file is expected but not uploaded.
    pub blob: Option<BlobRef>,
    pub uploaded_at: Option<Timestamp>,
}

/// A definition to keep as the form's draft (replacing an earlier draft).
#[derive(Clone, Debug)]
pub struct NewFormDraft {
    pub project_id: ProjectId,
    /// Used when the form does not exist yet.
    pub form_id: FormId,
    pub version_id: FormVersionId,
    pub xml_form_id: String,
    pub version: String,
    pub title: String,
    pub xml: String,
    pub xml_md5: String,
    pub root_name: String,
    pub public_key: Option<String>,
    pub binary_fields: Vec<String>,
    /// Files the definition references, each expected as an attachment.
    pub attachments: Vec<String>,
    /// The compiled XLSForm's source, kept as received.
    pub source: Option<BlobRef>,
    pub created_by: Option<UserId>,
    pub now: Timestamp,
    /// What devices use to try the draft (`/v1/test/{token}/…`); it stops
    /// working once the draft is published or replaced.
    pub draft_token: String,
}

/// Checks a form id: it appears in URLs and file names.
pub fn check_xml_form_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() || id.chars().count() > 128 {
        return Err("a form id has 1 to 128 characters");
    }
    if id
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "/\\?#%".contains(c))
    {
        return Err("a form id has no spaces, slashes, ?, # or %");
    }
    Ok(())
}

/// Checks an attachment's file name: a plain name, never a path.
pub fn check_file_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 255 {
        return Err("a file name has 1 to 255 bytes");
    }
    if name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err("a file name is a plain name, without a folder");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_never_paths() {
        assert!(check_file_name("badge.png").is_ok());
        assert!(check_file_name("../etc/passwd").is_err());
        assert!(check_file_name("a/b.png").is_err());
        assert!(check_file_name("..").is_err());
        assert!(check_file_name("").is_err());
    }

    #[test]
    fn form_ids_fit_in_urls() {
        assert!(check_xml_form_id("clm_visit_2024").is_ok());
        assert!(check_xml_form_id("a b").is_err());
        assert!(check_xml_form_id("a/b").is_err());
    }

    #[test]
    fn closing_forms_take_submissions_but_no_downloads() {
        assert!(!FormState::Closing.downloadable());
        assert!(FormState::Closing.accepts_submissions());
        assert!(!FormState::Closed.accepts_submissions());
    }
}
