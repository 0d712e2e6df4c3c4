//! `kolo project create`, `kolo form publish`, `kolo app-user create|revoke`:
//! scripted setup of monitoring projects. Each works while `kolo serve` runs on
//! the same data, and what matters is audited.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use kolo_core::Store;
use kolo_core::clm::{AppUserId, NewAppUser, Project, ProjectId};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use serde_json::json;
use xlsform::Lang;

use super::blobs::BlobStore;
use super::publish::{self, PublishError};
use crate::admin::commands::audit;
use crate::vault::Vault;

pub async fn create_project(store: &dyn Store, vault: &Vault, name: &str) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        anyhow::bail!("a project name has 1 to 200 characters");
    }
    let project = Project {
        id: ProjectId::new(),
        name: name.to_owned(),
        description: String::new(),
        archived: false,
        created_at: Timestamp::now(),
    };
    store.create_project(&project).await?;
    audit(
        store,
        vault,
        "clm.project.create",
        &format!("clm_project:{}", project.id),
        json!({}),
    )
    .await?;
    println!("{}", project.id);
    Ok(())
}

/// Compiles and publishes a form with its files; prints `xmlFormId version`.
pub async fn publish_form(
    store: &dyn Store,
    vault: &Vault,
    data_dir: &Path,
    project: &str,
    form: &Path,
    attachments: &[PathBuf],
    lang: Lang,
) -> anyhow::Result<()> {
    let blobs = BlobStore::new(data_dir);
    let project = ProjectId(project.to_owned());
    let bytes =
        std::fs::read(form).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", form.display()))?;
    let file_name = form
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = match publish::save_draft(store, &blobs, &project, &file_name, &bytes, None).await {
        Ok(draft) => draft,
        Err(PublishError::Form(errors, warnings)) => {
            for diagnostic in errors.iter().chain(&warnings) {
                eprintln!("{}", diagnostic_line(diagnostic, lang));
            }
            anyhow::bail!(
                "{}: {} error(s); nothing was published",
                form.display(),
                errors.len()
            );
        }
        Err(error) => anyhow::bail!("{}: {error}", form.display()),
    };
    for warning in &draft.warnings {
        eprintln!("{}", diagnostic_line(warning, lang));
    }
    for path in attachments {
        publish::attach_path(store, &blobs, &draft.version_id, path)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    let version = publish::publish(store, &blobs, &draft.form_id).await?;
    let held = store.form_attachments(&version.id).await?;
    let missing: Vec<&str> = held
        .iter()
        .filter(|a| a.blob.is_none())
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "warning: the form references files not uploaded yet: {}",
            missing.join(", ")
        );
    }
    audit(
        store,
        vault,
        "clm.form.publish",
        &format!("clm_form:{}", draft.form_id),
        json!({ "version": version.version, "files": held.len() - missing.len(), "missing": missing.len() }),
    )
    .await?;
    println!("{} {}", draft.definition.xml_form_id, version.version);
    Ok(())
}

fn diagnostic_line(diagnostic: &xlsform::Diagnostic, lang: Lang) -> String {
    let label = match (diagnostic.severity, lang) {
        (xlsform::Severity::Error, Lang::En) => "error",
        (xlsform::Severity::Warning, Lang::En) => "warning",
        (xlsform::Severity::Error, Lang::Uk) => "помилка",
        (xlsform::Severity::Warning, Lang::Uk) => "попередження",
    };
    format!("{label}: {}", diagnostic.message(lang))
}

/// Creates an app user; prints Collect's server URL and the settings QR payload.
pub async fn create_app_user(
    store: &dyn Store,
    vault: &Vault,
    project: &str,
    name: &str,
    monitor: Option<&str>,
    server: &str,
) -> anyhow::Result<()> {
    let project_id = ProjectId(project.to_owned());
    let Some(project) = store.project(&project_id).await? else {
        anyhow::bail!("there is no project {project_id}");
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        anyhow::bail!("an app user's name has 1 to 100 characters");
    }
    // The monitor who carries the device then sees what it sent.
    let user_id = match monitor {
        Some(login) => {
            let login = login.trim().to_ascii_lowercase();
            let users = store.users().await?;
            let user = users
                .into_iter()
                .find(|u| u.login.as_str() == login)
                .ok_or_else(|| anyhow::anyhow!("there is no staff account {login}"))?;
            Some(user.id)
        }
        None => None,
    };
    let token = new_secret_token();
    let app_user = NewAppUser {
        id: AppUserId::new(),
        project_id: project_id.clone(),
        display_name: name.to_owned(),
        user_id,
        token_hash: token_hash(&token),
        created_by: None,
        created_at: Timestamp::now(),
    };
    store.create_app_user(&app_user).await?;
    audit(
        store,
        vault,
        "clm.app_user.create",
        &format!("clm_app_user:{}", app_user.id),
        json!({ "project": project_id.0 }),
    )
    .await?;
    let url = server_url(server, &token, &project_id);
    println!("{url}");
    println!("{}", settings_payload(&url, &project.name));
    println!("app user id: {}", app_user.id);
    Ok(())
}

pub async fn revoke_app_user(store: &dyn Store, vault: &Vault, id: &str) -> anyhow::Result<()> {
    let id = AppUserId(id.to_owned());
    match store.revoke_app_user(&id, Timestamp::now()).await {
        Ok(()) => {}
        Err(kolo_core::StoreError::NotFound(_)) => anyhow::bail!("there is no app user {id}"),
        Err(error) => return Err(error.into()),
    }
    audit(
        store,
        vault,
        "clm.app_user.revoke",
        &format!("clm_app_user:{id}"),
        json!({}),
    )
    .await?;
    println!("App user {id} is revoked: its device can no longer list, download or submit.");
    Ok(())
}

/// The URL Collect is configured with: `BASE/v1/key/TOKEN/projects/ID`.
pub fn server_url(base: &str, token: &str, project: &ProjectId) -> String {
    format!(
        "{}/v1/key/{token}/projects/{project}",
        base.trim_end_matches('/')
    )
}

/// The server URL Collect uses to try a form's draft, as ODK Central lays it out.
pub fn draft_server_url(base: &str, token: &str, project: &ProjectId, xml_form_id: &str) -> String {
    format!(
        "{}/v1/test/{token}/projects/{project}/forms/{}/draft",
        base.trim_end_matches('/'),
        crate::clm::openrosa::xml::encode_segment(xml_form_id)
    )
}

/// Collect's settings QR code content, as ODK Central makes it: JSON,
/// zlib-compressed, base64.
pub fn settings_payload(server_url: &str, project_name: &str) -> String {
    let settings = json!({
        "general": {
            "server_url": server_url,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
        },
        "project": { "name": project_name },
        "admin": {},
    });
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(settings.to_string().as_bytes());
    let compressed = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(compressed)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_settings_payload_is_zlib_base64_json_with_the_server_url() {
        let payload = settings_payload("http://h/v1/key/t/projects/p", "CLM 2024");
        let compressed = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&compressed[..])
            .read_to_string(&mut json)
            .unwrap();
        let settings: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            settings["general"]["server_url"],
            "http://h/v1/key/t/projects/p"
        );
        assert_eq!(settings["project"]["name"], "CLM 2024");
        assert!(settings["admin"].is_object());
    }
}
