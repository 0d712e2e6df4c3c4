//! What devices download: the form list, form definitions, manifests and media.

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

/// `GET …/formList[?formID=X]`: the project's open forms at their current version.
pub async fn form_list(
    State(app): State<AppState>,
    device: Device,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = device.lang;
    let forms = match app.store.forms(&device.app_user.project_id).await {
        Ok(forms) => forms,
        Err(e) => return internal(lang, "listing forms", e),
    };
    let wanted = query.get("formID");
    let mut listed = Vec::new();
    for form in &forms {
        if !form.state.downloadable() || wanted.is_some_and(|id| *id != form.xml_form_id) {
            continue;
        }
        let Some(current) = &form.current else {
            continue;
        };
        let has_media = match app.store.form_attachments(&current.id).await {
            Ok(files) => !files.is_empty(),
            Err(e) => return internal(lang, "listing form files", e),
        };
        listed.push((form, current, has_media));
    }
    let entries: Vec<ListedForm<'_>> = listed
        .iter()
        .map(|(form, current, has_media)| ListedForm {
            xml_form_id: &form.xml_form_id,
            title: &current.title,
            version: &current.version,
            md5: &current.xml_md5,
            has_media: *has_media,
        })
        .collect();
    xml::xml_response(
        StatusCode::OK,
        xml::form_list(&device.server_url, &entries),
        lang,
    )
}

/// The form a device may download, or the OpenRosa refusal.
async fn downloadable(
    app: &AppState,
    device: &Device,
    xml_form_id: &str,
) -> Result<(Form, FormVersion), Response> {
    let lang = device.lang;
    let form = match app
        .store
        .form(&device.app_user.project_id, xml_form_id)
        .await
    {
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

/// `GET …/forms/{xmlFormId}.xml`: the XForm exactly as its hash says.
pub async fn download(
    State(app): State<AppState>,
    device: Device,
    Path((_, _, file)): Path<(String, String, String)>,
) -> Response {
    let lang = device.lang;
    let Some(xml_form_id) = file.strip_suffix(".xml") else {
        return error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &[("form", file.clone())],
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
    Path((_, _, xml_form_id)): Path<(String, String, String)>,
) -> Response {
    let lang = device.lang;
    let (_, current) = match downloadable(&app, &device, &xml_form_id).await {
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
        xml::manifest(&device.server_url, &xml_form_id, &entries),
        lang,
    )
}

/// `GET …/forms/{xmlFormId}/attachments/{name}`: one media or data file, streamed.
pub async fn attachment(
    State(app): State<AppState>,
    device: Device,
    Path((_, _, xml_form_id, name)): Path<(String, String, String, String)>,
) -> Response {
    let lang = device.lang;
    let (_, current) = match downloadable(&app, &device, &xml_form_id).await {
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
