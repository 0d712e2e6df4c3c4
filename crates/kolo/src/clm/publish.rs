//! Turning an uploaded XLSForm (or XForm) into a form draft with its files,
//! and publishing it. Used by `kolo form publish` and by the staff pages.

use std::path::Path;

use kolo_core::StoreError;
use kolo_core::auth::UserId;
use kolo_core::clm::{
    BlobRef, ClmStore, Form, FormDefinition, FormId, FormVersion, FormVersionId, NewFormDraft,
    ProjectId, VersionState, XFormProblem, check_file_name, check_version, inspect_xform,
    with_version,
};
use kolo_core::ids::{hex, new_secret_token};
use kolo_core::time::Timestamp;
use md5::{Digest, Md5};
use tokio::io::AsyncReadExt;
use xlsform::Diagnostic;

use super::blobs::{BlobError, BlobStore, StagedBlob};

/// A form file (XLSForm sources and XForms) may be at most 20 MB.
pub const MAX_FORM_BYTES: usize = 20_000_000;
/// A form's media or data file may be at most 100 MB.
pub const MAX_FORM_FILE_BYTES: u64 = 100_000_000;

/// A draft just saved.
#[derive(Debug)]
pub struct Draft {
    pub form_id: FormId,
    pub version_id: FormVersionId,
    pub definition: FormDefinition,
    /// The compiler's warnings, with their sheet, row and column.
    pub warnings: Vec<Diagnostic>,
}

/// Why a form could not be saved, attached to or published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the XLSForm has {} error(s)", .0.len())]
    Form(Vec<Diagnostic>, Vec<Diagnostic>),
    #[error("the XForm cannot be used: {0}")]
    XForm(#[from] XFormProblem),
    #[error("the form file is larger than {MAX_FORM_BYTES} bytes")]
    TooLarge,
    #[error("there is no project {0}")]
    UnknownProject(String),
    #[error(
        "version {0:?} of this form was published before; publishing needs a new version string"
    )]
    VersionTaken(String),
    #[error("the form does not reference a file named {0:?}")]
    UnexpectedFile(String),
    #[error("the file name {0:?} cannot be used: {1}")]
    BadFileName(String, &'static str),
    #[error("the form has no draft to publish")]
    NoDraft,
    #[error("the version {0:?} cannot be used: {1}")]
    BadVersion(String, &'static str),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("reading {0}: {1}")]
    Read(String, std::io::Error),
}

/// Compiles (XLSForm) or reads (XForm) a form and keeps it as the draft of its
/// form in the project, with `itemsets.csv` attached when the compiler made one.
pub async fn save_draft(
    store: &dyn ClmStore,
    blobs: &BlobStore,
    project: &ProjectId,
    file_name: &str,
    bytes: &[u8],
    by: Option<&UserId>,
) -> Result<Draft, PublishError> {
    if bytes.len() > MAX_FORM_BYTES {
        return Err(PublishError::TooLarge);
    }
    if store.project(project).await?.is_none() {
        return Err(PublishError::UnknownProject(project.0.clone()));
    }
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let (xml, warnings, itemsets, compiled_refs) = if looks_like_xml(bytes) {
        let xml = String::from_utf8(bytes.to_vec())
            .map_err(|_| XFormProblem::Xml("the XForm is not UTF-8".into()))?;
        (xml, Vec::new(), None, Vec::new())
    } else {
        let options = xlsform::Options { form_name: stem };
        match xlsform::convert(bytes, &options) {
            Ok(out) => (out.xform, out.warnings, out.itemsets_csv, out.attachments),
            Err(failed) => return Err(PublishError::Form(failed.errors, failed.warnings)),
        }
    };
    let mut definition = inspect_xform(&xml)?;
    for name in compiled_refs {
        if check_file_name(&name).is_ok() && !definition.attachments.contains(&name) {
            definition.attachments.push(name);
        }
    }
    if itemsets.is_some() && !definition.attachments.iter().any(|n| n == "itemsets.csv") {
        definition.attachments.push("itemsets.csv".to_owned());
    }
    definition.attachments.sort();

    // The draft this one replaces loses its test submissions; their files go
    // once the rows have.
    let replaced_blobs = match store.form(project, &definition.xml_form_id).await? {
        Some(Form {
            draft: Some(old), ..
        }) => store.draft_submission_blobs(&old.id).await?,
        _ => Vec::new(),
    };
    let source = blobs.stage_bytes(bytes).await?;
    let now = Timestamp::now();
    let draft = NewFormDraft {
        project_id: project.clone(),
        form_id: FormId::new(),
        version_id: FormVersionId::new(),
        xml_form_id: definition.xml_form_id.clone(),
        version: definition.version.clone(),
        title: definition.title.clone(),
        xml_md5: hex(&Md5::digest(xml.as_bytes())),
        xml,
        root_name: definition.root_name.clone(),
        public_key: definition.public_key.clone(),
        binary_fields: definition.binary_fields.clone(),
        attachments: definition.attachments.clone(),
        source: Some(source.blob.clone()),
        created_by: by.cloned(),
        now,
        draft_token: new_secret_token(),
    };
    let form_id = match store.save_form_draft(&draft).await {
        Ok(id) => id,
        Err(error) => {
            blobs.discard(source).await;
            return Err(error.into());
        }
    };
    blobs.publish(source).await?;
    blobs.remove_unnamed(store, &replaced_blobs).await?;
    if let Some(csv) = itemsets {
        let staged = blobs.stage_bytes(csv.as_bytes()).await?;
        let blob = staged.blob.clone();
        store
            .attach_form_file(&draft.version_id, "itemsets.csv", "text/csv", &blob, now)
            .await?;
        blobs.publish(staged).await?;
    }
    Ok(Draft {
        form_id,
        version_id: draft.version_id,
        definition,
        warnings,
    })
}

/// Streams a file from disk into the blob store and attaches it to a version
/// under its file name, which the version must expect.
pub async fn attach_path(
    store: &dyn ClmStore,
    blobs: &BlobStore,
    version: &FormVersionId,
    path: &Path,
) -> Result<BlobRef, PublishError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_file_name(&name).map_err(|why| PublishError::BadFileName(name.clone(), why))?;
    let shown = path.display().to_string();
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| PublishError::Read(shown.clone(), e))?;
    let mut writer = blobs.writer(MAX_FORM_FILE_BYTES).await?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut buffer).await {
            Ok(n) => n,
            Err(e) => {
                writer.abort().await;
                return Err(PublishError::Read(shown, e));
            }
        };
        if n == 0 {
            break;
        }
        if let Err(e) = writer.write(&buffer[..n]).await {
            writer.abort().await;
            return Err(e.into());
        }
    }
    let staged = writer.finish().await?;
    attach_staged(store, blobs, version, &name, staged).await
}

/// Attaches a file received whole to a version under `name`, which the
/// version must expect; the file is published once its row is, discarded
/// otherwise.
pub async fn attach_staged(
    store: &dyn ClmStore,
    blobs: &BlobStore,
    version: &FormVersionId,
    name: &str,
    staged: StagedBlob,
) -> Result<BlobRef, PublishError> {
    let blob = staged.blob.clone();
    match store
        .attach_form_file(
            version,
            name,
            content_type_of(name),
            &blob,
            Timestamp::now(),
        )
        .await
    {
        Ok(()) => {
            blobs.publish(staged).await?;
            Ok(blob)
        }
        Err(StoreError::NotFound(_)) => {
            blobs.discard(staged).await;
            Err(PublishError::UnexpectedFile(name.to_owned()))
        }
        Err(error) => {
            blobs.discard(staged).await;
            Err(error.into())
        }
    }
}

/// Gives the draft another version string before publishing, as Central's
/// `publish?version=` does: the XForm's `version` attribute is rewritten.
/// A version published before is refused.
pub async fn set_draft_version(
    store: &dyn ClmStore,
    form: &FormId,
    version: &str,
) -> Result<(), PublishError> {
    check_version(version).map_err(|why| PublishError::BadVersion(version.to_owned(), why))?;
    let versions = store.form_versions(form).await?;
    let draft = versions
        .iter()
        .find(|v| v.state == VersionState::Draft)
        .ok_or(PublishError::NoDraft)?;
    if draft.version == version {
        return Ok(());
    }
    if versions
        .iter()
        .any(|v| v.state != VersionState::Draft && v.version == version)
    {
        return Err(PublishError::VersionTaken(version.to_owned()));
    }
    let xml = store
        .form_version_xml(&draft.id)
        .await?
        .ok_or(PublishError::NoDraft)?;
    let xml = with_version(&xml, version)?;
    let md5 = hex(&Md5::digest(xml.as_bytes()));
    match store
        .set_draft_version(&draft.id, version, &xml, &md5)
        .await
    {
        Err(StoreError::NotFound(_)) => Err(PublishError::NoDraft),
        other => Ok(other?),
    }
}

/// Publishes the form's draft; a version string used before is refused. The
/// draft's test submissions are discarded, files too.
pub async fn publish(
    store: &dyn ClmStore,
    blobs: &BlobStore,
    form: &FormId,
) -> Result<FormVersion, PublishError> {
    let versions = store.form_versions(form).await?;
    let test_blobs = match versions.iter().find(|v| v.state == VersionState::Draft) {
        Some(draft) => store.draft_submission_blobs(&draft.id).await?,
        None => Vec::new(),
    };
    match store.publish_form_draft(form, Timestamp::now()).await {
        Ok(version) => {
            blobs.remove_unnamed(store, &test_blobs).await?;
            Ok(version)
        }
        Err(StoreError::Conflict(_)) => {
            let versions = store.form_versions(form).await?;
            let draft = versions
                .iter()
                .find(|v| v.state == VersionState::Draft)
                .map(|v| v.version.clone())
                .unwrap_or_default();
            Err(PublishError::VersionTaken(draft))
        }
        Err(StoreError::NotFound(_)) => Err(PublishError::NoDraft),
        Err(error) => Err(error.into()),
    }
}

/// An XForm starts with `<` (after a byte-order mark and blanks); workbooks never do.
fn looks_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// The content type devices get for a form file, by its extension.
pub fn content_type_of(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "csv" => "text/csv",
        "xml" => "text/xml",
        "geojson" => "application/geo+json",
        "json" => "application/json",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}
