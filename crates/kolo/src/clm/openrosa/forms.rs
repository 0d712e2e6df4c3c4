//! What devices download: the form list, form definitions, manifests and
//! media; for a draft's token, the draft alone.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kolo_core::clm::{Form, FormVersion};
use tokio::io::AsyncReadExt;

use super::xml::{self, ListedForm, ManifestFile};
use super::{Device, error, internal};
use crate::app::AppState;

/// `GET …/formList[?formID=X]`: the project's open forms at their current
/// version; for a draft's token, the draft.
pub async fn form_list(
    State(app): State<AppState>,
    device: Device,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = device.lang;
    let forms = match app.store.forms(&device.project_id).await {
        Ok(forms) => forms,
        Err(e) => return internal(lang, "listing forms", e),
    };
    let wanted = query.get("formID");
    let mut listed = Vec::new();
    for form in &forms {
        if wanted.is_some_and(|id| *id != form.xml_form_id) {
            continue;
        }
        let Some(version) = listed_version(&device, form) else {
            continue;
        };
        let has_media = match app.store.form_attachments(&version.id).await {
            Ok(files) => !files.is_empty(),
            Err(e) => return internal(lang, "listing form files", e),
        };
        listed.push((form, version, has_media));
    }
    let entries: Vec<ListedForm<'_>> = listed
        .iter()
        .map(|(form, version, has_media)| ListedForm {
            xml_form_id: &form.xml_form_id,
            title: &version.title,
            version: &version.version,
            md5: &version.xml_md5,
            has_media: *has_media,
            base_url: device.form_base_url(&form.xml_form_id),
        })
        .collect();
    xml::xml_response(StatusCode::OK, xml::form_list(&entries), lang)
}

/// The version of a form the device may see: the current one of an open
/// form, or the draft its token opens.
fn listed_version<'a>(device: &Device, form: &'a Form) -> Option<&'a FormVersion> {
    match device.draft() {
        Some(target) => form.draft.as_ref().filter(|d| d.id == target.version_id),
        None if form.state.downloadable() => form.current.as_ref(),
        None => None,
    }
}

/// The form a device may download, or the OpenRosa refusal.
async fn downloadable(
    app: &AppState,
    device: &Device,
    xml_form_id: &str,
) -> Result<(Form, FormVersion), Response> {
    let lang = device.lang;
    let form = match app.store.form(&device.project_id, xml_form_id).await {
        Ok(form) => form,
        Err(e) => return Err(internal(lang, "reading a form", e)),
    };
    let args = [("form", xml_form_id.to_owned())];
    let Some(form) = form else {
        return Err(error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &args,
        ));
    };
    if device.draft().is_some() {
        // The guard matched the token to this form; the draft may be gone since.
        return match listed_version(device, &form).cloned() {
            Some(draft) => Ok((form, draft)),
            None => Err(error(
                StatusCode::NOT_FOUND,
                lang,
                "openrosa-form-unknown",
                &args,
            )),
        };
    }
    let Some(current) = form.current.clone() else {
        return Err(error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &args,
        ));
    };
    if !form.state.downloadable() {
        return Err(error(
            StatusCode::FORBIDDEN,
            lang,
            "openrosa-form-not-downloadable",
            &args,
        ));
    }
    Ok((form, current))
}

/// The form id of a route: `{form}`, or `{file}` less its `.xml`.
fn form_param(params: &HashMap<String, String>) -> Option<&str> {
    params
        .get("form")
        .map(String::as_str)
        .or_else(|| params.get("file").and_then(|f| f.strip_suffix(".xml")))
}

/// `GET …/forms/{xmlFormId}.xml` (`…/forms/{xmlFormId}/draft.xml`): the XForm
/// exactly as its hash says.
pub async fn download(
    State(app): State<AppState>,
    device: Device,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let lang = device.lang;
    let Some(xml_form_id) = form_param(&params) else {
        return error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &[("form", params.get("file").cloned().unwrap_or_default())],
        );
    };
    let (_, current) = match downloadable(&app, &device, xml_form_id).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    match app.store.form_version_xml(&current.id).await {
        Ok(Some(body)) => xml::with_openrosa_headers(
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(xml::TEXT_XML),
                )],
                body,
            )
                .into_response(),
            lang,
        ),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &[("form", xml_form_id.to_owned())],
        ),
        Err(e) => internal(lang, "reading a form definition", e),
    }
}

/// `GET …/forms/{xmlFormId}/manifest`: the files the device should hold.
pub async fn manifest(
    State(app): State<AppState>,
    device: Device,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let lang = device.lang;
    let xml_form_id = form_param(&params).unwrap_or_default();
    let (_, current) = match downloadable(&app, &device, xml_form_id).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let files = match app.store.form_attachments(&current.id).await {
        Ok(files) => files,
        Err(e) => return internal(lang, "listing form files", e),
    };
    // Only files Kolo holds, as Central does: a missing one cannot be served.
    let entries: Vec<ManifestFile<'_>> = files
        .iter()
        .filter_map(|f| {
            f.blob.as_ref().map(|blob| ManifestFile {
                name: &f.name,
                md5: &blob.md5,
            })
        })
        .collect();
    xml::xml_response(
        StatusCode::OK,
        xml::manifest(&device.form_base_url(xml_form_id), &entries),
        lang,
    )
}

/// `GET …/forms/{xmlFormId}/attachments/{name}`: one media or data file, streamed.
pub async fn attachment(
    State(app): State<AppState>,
    device: Device,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let lang = device.lang;
    let xml_form_id = form_param(&params).unwrap_or_default();
    let name = params.get("name").cloned().unwrap_or_default();
    let (_, current) = match downloadable(&app, &device, xml_form_id).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let files = match app.store.form_attachments(&current.id).await {
        Ok(files) => files,
        Err(e) => return internal(lang, "listing form files", e),
    };
    let Some((file, blob)) = files
        .iter()
        .find(|f| f.name == name)
        .and_then(|f| f.blob.as_ref().map(|b| (f, b)))
    else {
        return error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-attachment-unknown",
            &[("name", name.clone())],
        );
    };
    let opened = match app.blobs.open(&blob.sha256).await {
        Ok(opened) => opened,
        Err(e) => return internal(lang, "opening a form file", e),
    };
    let content_type = file
        .content_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
        .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
    let mut response = Response::new(stream_file(opened));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    xml::with_openrosa_headers(response, lang)
}

/// A file as a body, read in 64 KiB chunks: never whole in memory.
pub fn stream_file(file: tokio::fs::File) -> Body {
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((
                    Ok::<_, std::io::Error>(axum::body::Bytes::from(buffer)),
                    Some(file),
                ))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(chunks)
}
