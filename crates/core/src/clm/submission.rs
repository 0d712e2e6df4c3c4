//! Submissions: what one received XML says about itself, what the store keeps,
//! and how a POST relates to what is already there (new, repeated, edit,
//! conflict).

use super::ids::{AppUserId, FormId, FormVersionId, SubmissionId, SubmissionVersionId};
use super::xform::parse_xml;
use crate::auth::UserId;
use crate::time::Timestamp;

/// OpenRosa allows instance ids this long.
pub const MAX_INSTANCE_ID_CHARS: usize = 249;

/// A stored file, by content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRef {
    /// SHA-256 of the content in hex: its name in the blob store.
    pub sha256: String,
    pub size: u64,
    /// MD5 in hex, as manifests announce it.
    pub md5: String,
}

/// What a submission's XML says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionMeta {
    /// The root element's local name.
    pub root_name: String,
    /// The `id` attribute of the root: the form it belongs to.
    pub xml_form_id: String,
    /// The `version` attribute of the root (empty when absent).
    pub version: String,
    pub instance_id: String,
    pub deprecated_id: Option<String>,
    pub instance_name: Option<String>,
    /// An encrypted submission (`encrypted="yes"`), stored as received.
    pub encrypted: bool,
}

/// Why a submission's XML cannot be accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionProblem {
    #[error("{0}")]
    Xml(String),
    #[error("the root element <{0}> has no id attribute naming its form")]
    NoFormId(String),
    #[error("the submission has no meta/instanceID (nor an instanceID attribute on its root)")]
    NoInstanceId,
    #[error("meta/instanceID is longer than 249 characters or holds control characters")]
    BadInstanceId,
    #[error("meta/deprecatedID is longer than 249 characters or holds control characters")]
    BadDeprecatedId,
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or_default().trim())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_INSTANCE_ID_CHARS
        && !id.chars().any(char::is_control)
}

/// Reads a submission's identity (form, version, instance ids).
pub fn parse_submission(xml: &str) -> Result<SubmissionMeta, SubmissionProblem> {
    let doc = parse_xml(xml).map_err(SubmissionProblem::Xml)?;
    let root = doc.root_element();
    let root_name = root.tag_name().name().to_owned();
    let xml_form_id = root
        .attribute("id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| SubmissionProblem::NoFormId(root_name.clone()))?
        .to_owned();
    let version = root.attribute("version").unwrap_or_default().to_owned();
    let meta = root
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "meta");
    let instance_id = meta
        .and_then(|m| child_text(m, "instanceID"))
        .filter(|t| !t.is_empty())
        .or_else(|| root.attribute("instanceID"))
        .ok_or(SubmissionProblem::NoInstanceId)?;
    if !valid_id(instance_id) {
        return Err(SubmissionProblem::BadInstanceId);
    }
    let deprecated_id = meta
        .and_then(|m| child_text(m, "deprecatedID"))
        .filter(|t| !t.is_empty());
    if deprecated_id.is_some_and(|d| !valid_id(d)) {
        return Err(SubmissionProblem::BadDeprecatedId);
    }
    let instance_name = meta
        .and_then(|m| child_text(m, "instanceName"))
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(500).collect());
    Ok(SubmissionMeta {
        root_name,
        xml_form_id,
        version,
        instance_id: instance_id.to_owned(),
        deprecated_id: deprecated_id.map(str::to_owned),
        instance_name,
        encrypted: root.attribute("encrypted") == Some("yes"),
    })
}

/// The file names a submission refers to: the values of its binary questions,
/// or, encrypted, its `media/file` entries and `encryptedXmlFile`.
pub fn expected_files(xml: &str, binary_fields: &[String], encrypted: bool) -> Vec<String> {
    let Ok(doc) = parse_xml(xml) else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        let local = node.tag_name().name();
        let wanted = if encrypted {
            local == "encryptedXmlFile"
                || (local == "file"
                    && node
                        .parent_element()
                        .is_some_and(|p| p.tag_name().name() == "media"))
        } else {
            binary_fields.iter().any(|f| f == local)
        };
        if !wanted {
            continue;
        }
        let value = node.text().unwrap_or_default().trim();
        if !value.is_empty()
            && super::form::check_file_name(value).is_ok()
            && !names.iter().any(|n| n == value)
        {
            names.push(value.to_owned());
        }
    }
    names
}

/// Review of a submission by staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewState {
    Received,
    HasIssues,
    Approved,
    Rejected,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] = [
        ReviewState::Received,
        ReviewState::HasIssues,
        ReviewState::Approved,
        ReviewState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Received => "received",
            ReviewState::HasIssues => "has_issues",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<ReviewState> {
        ReviewState::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    pub fn message_id(self) -> &'static str {
        match self {
            ReviewState::Received => "clm-review-received",
            ReviewState::HasIssues => "clm-review-has_issues",
            ReviewState::Approved => "clm-review-approved",
            ReviewState::Rejected => "clm-review-rejected",
        }
    }
}

/// One file received with a submission, already durable in the blob store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSubmissionFile {
    pub name: String,
    pub content_type: String,
    pub blob: BlobRef,
}

/// A received submission, to be stored in one transaction.
#[derive(Clone, Debug)]
pub struct NewSubmission {
    /// Used when this starts a new submission (no deprecatedID).
    pub submission_id: SubmissionId,
    pub version_id: SubmissionVersionId,
    pub form_id: FormId,
    pub form_version_id: FormVersionId,
    pub form_version: String,
    pub app_user_id: Option<AppUserId>,
    pub meta: SubmissionMeta,
    /// The XML exactly as received.
    pub xml: Vec<u8>,
    pub xml_sha256: String,
    /// Files the XML refers to; those not among `files` are awaited.
    pub expected_files: Vec<String>,
    pub files: Vec<NewSubmissionFile>,
    pub received_at: Timestamp,
    /// The `deviceID` the device sent with the POST; kept from the first
    /// version only (edits keep the original's, as ODK Central does).
    pub device_id: Option<String>,
    /// The values the submissions table sorts by, read from this version;
    /// `None` when they could not be read now (they are read later, before
    /// the table is first sorted by a field).
    pub sort_values: Option<Vec<SortValue>>,
}

/// At most this many characters of a `deviceID` (Collect's are ~40).
pub const MAX_DEVICE_ID_CHARS: usize = 249;

/// Checks a `deviceID` from a device: printable and short, as Collect's are.
pub fn check_device_id(id: &str) -> Result<(), &'static str> {
    if id.chars().count() > MAX_DEVICE_ID_CHARS || id.chars().any(char::is_control) {
        return Err("deviceID is longer than 249 characters or holds control characters");
    }
    Ok(())
}

/// One value of a submission as the table sorts it: the field's path (the
/// same in every form version that has the field), the raw text, and the
/// number it reads as when the field is numeric.
#[derive(Clone, Debug, PartialEq)]
pub struct SortValue {
    pub field: String,
    pub number: Option<f64>,
    pub text: String,
}

/// What the submissions table is sorted by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortColumn {
    /// When the submission was first received.
    Received,
    /// The name of the app user (device) that sent it.
    AppUser,
    /// The review state, in the order of the review's steps.
    ReviewState,
    /// A field's value, by the field's path; blanks last either way.
    Field(String),
}

/// A sort of the table other than by date: the column and its direction.
/// Ties (and blanks) follow the date, newest first, so pages never overlap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionSort {
    pub column: SortColumn,
    pub descending: bool,
}

/// What storing a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A new submission.
    Created(SubmissionId),
    /// A new version of an existing submission (meta/deprecatedID).
    Edited(SubmissionId),
    /// The same XML again: nothing new but the files not held before.
    Repeated {
        id: SubmissionId,
        added_files: usize,
    },
    /// The instanceID is held with different XML: nothing changed.
    DifferentXml,
    /// The instanceID (or the deprecatedID) names a version that has been
    /// edited since: nothing changed.
    NotCurrent,
    /// meta/deprecatedID names no submission of this form.
    DeprecatedNotFound,
}

/// A submission in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionSummary {
    pub id: SubmissionId,
    pub form_id: FormId,
    /// The current version's instance id and form version.
    pub instance_id: String,
    pub form_version: String,
    pub instance_name: Option<String>,
    pub app_user_id: Option<AppUserId>,
    pub review_state: ReviewState,
    pub encrypted: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Versions beyond the first (edits).
    pub edits: u32,
    pub files_present: u32,
    pub files_expected: u32,
    pub current_version_id: SubmissionVersionId,
    /// The `deviceID` sent with the first version.
    pub device_id: Option<String>,
}

/// Which submissions to list, newest first unless `oldest_first`.
#[derive(Clone, Debug, Default)]
pub struct SubmissionFilter {
    pub form_id: Option<FormId>,
    /// Only those sent by these app users (a monitor's own devices).
    pub app_users: Option<Vec<AppUserId>>,
    pub review_state: Option<ReviewState>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Oldest first instead of newest first (the staff table's sort).
    pub oldest_first: bool,
    /// Only those after this one (received time, id) in the chosen order:
    /// keyset paging, which costs the same on the last page as on the first.
    pub after: Option<(Timestamp, SubmissionId)>,
    /// Another order than by date (`oldest_first` and `after` are then
    /// ignored); paged by `offset`.
    pub sort: Option<SubmissionSort>,
    pub offset: u32,
    pub limit: u32,
}

/// One version of a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionVersion {
    pub id: SubmissionVersionId,
    pub instance_id: String,
    pub deprecated_id: Option<String>,
    pub form_version_id: FormVersionId,
    pub form_version: String,
    pub app_user_id: Option<AppUserId>,
    pub current: bool,
    pub encrypted: bool,
    pub received_at: Timestamp,
}

/// A submission with its edit history (oldest version first) and review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionDetail {
    pub summary: SubmissionSummary,
    pub versions: Vec<SubmissionVersion>,
    pub reviews: Vec<ReviewEntry>,
}

/// A file of a submission version, received or awaited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionAttachment {
    pub name: String,
    pub content_type: Option<String>,
    pub blob: Option<BlobRef>,
}

/// A review decision with its comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewEntry {
    pub state: ReviewState,
    pub comment: String,
    pub by: Option<UserId>,
    pub at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBMISSION: &str = r#"<data xmlns:orx="http://openrosa.org/xforms" id="clm_visit" version="3"><photo>p.jpg</photo><site>x</site><orx:meta><orx:instanceID>uuid:1</orx:instanceID><orx:deprecatedID>uuid:0</orx:deprecatedID><orx:instanceName>Odesa</orx:instanceName></orx:meta></data>"#;

    #[test]
    fn reads_form_version_and_instance_ids() {
        let meta = parse_submission(SUBMISSION).unwrap();
        assert_eq!(meta.root_name, "data");
        assert_eq!(meta.xml_form_id, "clm_visit");
        assert_eq!(meta.version, "3");
        assert_eq!(meta.instance_id, "uuid:1");
        assert_eq!(meta.deprecated_id.as_deref(), Some("uuid:0"));
        assert_eq!(meta.instance_name.as_deref(), Some("Odesa"));
        assert!(!meta.encrypted);
        assert_eq!(
            expected_files(SUBMISSION, &["photo".into()], false),
            ["p.jpg"]
        );
    }

    #[test]
    fn a_submission_without_instance_id_is_refused() {
        let xml = r#"<data id="f"><a/><meta><instanceID> </instanceID></meta></data>"#;
        assert_eq!(parse_submission(xml), Err(SubmissionProblem::NoInstanceId));
        let attr = r#"<data id="f" instanceID="uuid:9"><a/></data>"#;
        assert_eq!(parse_submission(attr).unwrap().instance_id, "uuid:9");
        assert_eq!(
            parse_submission("<data><meta><instanceID>x</instanceID></meta></data>"),
            Err(SubmissionProblem::NoFormId("data".into()))
        );
    }

    #[test]
    fn encrypted_submissions_list_their_files() {
        let xml = r#"<data xmlns="http://opendatakit.org/submissions" id="f" version="1" encrypted="yes"><base64EncryptedKey>k</base64EncryptedKey><meta xmlns="http://openrosa.org/xforms"><instanceID>uuid:e</instanceID></meta><media><file>a.jpg.enc</file></media><encryptedXmlFile>submission.xml.enc</encryptedXmlFile></data>"#;
        let meta = parse_submission(xml).unwrap();
        assert!(meta.encrypted);
        assert_eq!(meta.instance_id, "uuid:e");
        assert_eq!(
            expected_files(xml, &[], true),
            ["a.jpg.enc", "submission.xml.enc"]
        );
    }
}
