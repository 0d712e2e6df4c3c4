//! Receiving submissions: the HEAD preflight and the multipart POST.
//!
//! The XML part is read into memory (at most `MAX_XML_BYTES`) because it must
//! be parsed; every other part streams to the blob store, within the limit
//! Kolo announces. Nothing is acknowledged before the database transaction
//! has committed and the files it names are in their final place.

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kolo_core::StoreError;
use kolo_core::clm::{
    NewSubmission, NewSubmissionFile, SubmissionId, SubmissionProblem, SubmissionVersionId,
    SubmitOutcome, check_device_id, check_file_name, expected_files, parse_submission,
};
use kolo_core::ids::hex;
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;
use sha2::{Digest, Sha256};

use super::xml::{self, ACCEPT_CONTENT_LENGTH};
use super::{Device, Sender, error, internal};
use crate::app::AppState;
use crate::clm::blobs::{BlobError, StagedBlob};
use crate::clm::sort_values;
use crate::web::i18n;

/// The submission XML itself is parsed in memory: at most 10 MB.
pub const MAX_XML_BYTES: usize = 10_000_000;
/// Files per POST (Collect sends at most 100): each costs two fsyncs.
pub const MAX_FILES: usize = 500;

/// `HEAD|GET …/submission`: 204 with the size Kolo accepts.
pub async fn preflight(device: Device) -> Response {
    xml::with_openrosa_headers(StatusCode::NO_CONTENT.into_response(), device.lang)
}

/// What was read from the multipart body.
#[derive(Default)]
struct Received {
    xml: Option<Vec<u8>>,
    files: Vec<(String, String, StagedBlob)>,
}

/// Why a POST was refused before the database was asked.
enum Refusal {
    Response(Response),
    TooLarge,
}

impl From<Response> for Refusal {
    fn from(response: Response) -> Self {
        Refusal::Response(response)
    }
}

/// The query string of a submission POST.
#[derive(serde::Deserialize)]
struct SubmissionQuery {
    /// The device's identity as Collect sends it (`collect:…`); kept with the
    /// submission and exported, never written to the log.
    #[serde(rename = "deviceID", default)]
    device_id: Option<String>,
}

/// The `deviceID` of the query string (blank is none), or what is wrong with it.
fn device_id_of(uri: &Uri) -> Result<Option<String>, &'static str> {
    let Query(query) = Query::<SubmissionQuery>::try_from_uri(uri)
        .map_err(|_| "the query string cannot be read")?;
    let device_id = query.device_id.filter(|id| !id.trim().is_empty());
    if let Some(id) = &device_id {
        check_device_id(id)?;
    }
    Ok(device_id)
}

/// `POST …/submission`.
pub async fn receive(State(app): State<AppState>, device: Device, request: Request) -> Response {
    let lang = device.lang;
    let device_id = match device_id_of(request.uri()) {
        Ok(id) => id,
        Err(detail) => {
            return error(
                StatusCode::BAD_REQUEST,
                lang,
                "openrosa-device-id-bad",
                &[("detail", detail.to_owned())],
            );
        }
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > ACCEPT_CONTENT_LENGTH) {
        return too_large(lang);
    }
    let multipart = match Multipart::from_request(request, &app).await {
        Ok(multipart) => multipart,
        Err(rejection) => {
            return error(
                StatusCode::BAD_REQUEST,
                lang,
                "openrosa-multipart-bad",
                &[("detail", rejection.body_text())],
            );
        }
    };
    let mut received = Received::default();
    let read = read_parts(&app, lang, multipart, &mut received).await;
    let refused = match read {
        Ok(()) => None,
        Err(Refusal::TooLarge) => Some(too_large(lang)),
        Err(Refusal::Response(response)) => Some(response),
    };
    let (xml, files) = (received.xml, received.files);
    if let Some(response) = refused {
        discard(&app, files).await;
        return response;
    }
    let Some(xml) = xml else {
        discard(&app, files).await;
        return error(StatusCode::BAD_REQUEST, lang, "openrosa-no-xml-part", &[]);
    };
    match store_submission(&app, &device, device_id, xml, &files).await {
        Ok(response) => {
            let staged = files.into_iter().map(|(_, _, blob)| blob).collect();
            // The rows are committed: move the files they name to their place
            // before saying so. If this fails the staged files stay durable
            // and the next start (or the next read) finishes the move.
            if let Err(e) = app.blobs.settle(&*app.store, staged).await {
                return internal(lang, "moving received files into place", e);
            }
            response
        }
        Err(response) => {
            discard(&app, files).await;
            response
        }
    }
}

async fn discard(app: &AppState, files: Vec<(String, String, StagedBlob)>) {
    for (_, _, blob) in files {
        app.blobs.discard(blob).await;
    }
}

fn too_large(lang: Lang) -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        lang,
        "openrosa-too-large",
        &[("limit", ACCEPT_CONTENT_LENGTH.to_string())],
    )
}

/// Reads every part: the XML into memory, files to the blob store.
async fn read_parts(
    app: &AppState,
    lang: Lang,
    mut multipart: Multipart,
    received: &mut Received,
) -> Result<(), Refusal> {
    let mut total: u64 = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(()),
            Err(e) => return Err(multipart_error(lang, &e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "xml_submission_file" {
            let mut xml = Vec::new();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        total += chunk.len() as u64;
                        if xml.len() + chunk.len() > MAX_XML_BYTES || total > ACCEPT_CONTENT_LENGTH
                        {
                            return Err(Refusal::TooLarge);
                        }
                        xml.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(multipart_error(lang, &e.body_text())),
                }
            }
            received.xml = Some(xml);
            continue;
        }
        let file_name = field
            .file_name()
            .map(str::to_owned)
            .unwrap_or_else(|| name.clone());
        if field.file_name().is_none() {
            // A plain form field (`*isIncomplete*`, `deviceID`): read and ignore.
            let mut field = field;
            while let Ok(Some(chunk)) = field.chunk().await {
                total += chunk.len() as u64;
                if total > ACCEPT_CONTENT_LENGTH {
                    return Err(Refusal::TooLarge);
                }
            }
            continue;
        }
        if received.files.len() >= MAX_FILES {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                lang,
                "openrosa-too-many-files",
                &[("limit", MAX_FILES.to_string())],
            )
            .into());
        }
        if check_file_name(&file_name).is_err() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                lang,
                "openrosa-file-name-bad",
                &[("name", file_name)],
            )
            .into());
        }
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut writer = match app.blobs.writer(ACCEPT_CONTENT_LENGTH - total).await {
            Ok(writer) => writer,
            Err(e) => return Err(internal(lang, "starting a file", e).into()),
        };
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if let Err(e) = writer.write(&chunk).await {
                        writer.abort().await;
                        return Err(match e {
                            BlobError::TooLarge { .. } => Refusal::TooLarge,
                            other => internal(lang, "writing a file", other).into(),
                        });
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    writer.abort().await;
                    return Err(multipart_error(lang, &e.body_text()));
                }
            }
        }
        total += writer.size();
        match writer.finish().await {
            Ok(staged) => received.files.push((file_name, content_type, staged)),
            Err(e) => return Err(internal(lang, "finishing a file", e).into()),
        }
    }
}

fn multipart_error(lang: Lang, detail: &str) -> Refusal {
    if detail.contains("limit") {
        return Refusal::TooLarge;
    }
    Refusal::Response(error(
        StatusCode::BAD_REQUEST,
        lang,
        "openrosa-multipart-bad",
        &[("detail", detail.to_owned())],
    ))
}

/// Checks the XML against its form and stores it; the answer to give, or the
/// refusal (nothing stored).
async fn store_submission(
    app: &AppState,
    device: &Device,
    device_id: Option<String>,
    xml: Vec<u8>,
    files: &[(String, String, StagedBlob)],
) -> Result<Response, Response> {
    let lang = device.lang;
    let text = std::str::from_utf8(&xml).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            lang,
            "openrosa-xml-bad",
            &[("detail", "the XML is not UTF-8".to_owned())],
        )
    })?;
    let meta = parse_submission(text).map_err(|problem| {
        let (id, args) = match &problem {
            SubmissionProblem::Xml(detail) => {
                ("openrosa-xml-bad", vec![("detail", detail.clone())])
            }
            SubmissionProblem::NoFormId(root) => {
                ("openrosa-no-form-id", vec![("root", root.clone())])
            }
            SubmissionProblem::NoInstanceId => ("openrosa-no-instance-id", vec![]),
            SubmissionProblem::BadInstanceId | SubmissionProblem::BadDeprecatedId => {
                ("openrosa-bad-instance-id", vec![])
            }
        };
        error(StatusCode::BAD_REQUEST, lang, id, &args)
    })?;
    let form_args = [("form", meta.xml_form_id.clone())];
    let unknown_form = || {
        error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-form-unknown",
            &form_args,
        )
    };
    if device
        .draft()
        .is_some_and(|d| d.xml_form_id != meta.xml_form_id)
    {
        // A draft's token takes submissions to that draft only.
        return Err(unknown_form());
    }
    let form = app
        .store
        .form(&device.project_id, &meta.xml_form_id)
        .await
        .map_err(|e| internal(lang, "reading a form", e))?
        .ok_or_else(unknown_form)?;
    let version = match device.draft() {
        // A draft is tried whatever the published form's state.
        Some(target) => form
            .draft
            .clone()
            .filter(|d| d.id == target.version_id && d.version == meta.version),
        None => {
            if !form.state.accepts_submissions() {
                return Err(error(
                    StatusCode::FORBIDDEN,
                    lang,
                    "openrosa-form-closed",
                    &form_args,
                ));
            }
            app.store
                .published_version(&form.id, &meta.version)
                .await
                .map_err(|e| internal(lang, "reading a form version", e))?
        }
    };
    let version = version.ok_or_else(|| {
        error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-version-unknown",
            &[
                ("form", meta.xml_form_id.clone()),
                ("version", meta.version.clone()),
            ],
        )
    })?;
    if version.public_key.is_some() && !meta.encrypted {
        return Err(error(
            StatusCode::BAD_REQUEST,
            lang,
            "openrosa-must-be-encrypted",
            &form_args,
        ));
    }
    if !meta.encrypted && meta.root_name != version.root_name {
        return Err(error(
            StatusCode::BAD_REQUEST,
            lang,
            "openrosa-root-mismatch",
            &[
                ("found", meta.root_name.clone()),
                ("expected", version.root_name.clone()),
            ],
        ));
    }
    let expected = expected_files(text, &version.binary_fields, meta.encrypted);
    let instance = meta.instance_id.clone();
    let sort_values = sort_values::for_new(app, &version.id, meta.encrypted, text).await;
    let submission = NewSubmission {
        submission_id: SubmissionId::new(),
        version_id: SubmissionVersionId::new(),
        form_id: form.id.clone(),
        form_version_id: version.id.clone(),
        form_version: version.version.clone(),
        app_user_id: match &device.sender {
            Sender::AppUser(app_user) => Some(app_user.id.clone()),
            Sender::Draft(_) => None,
        },
        xml_sha256: hex(&Sha256::digest(&xml)),
        meta,
        expected_files: expected,
        files: files
            .iter()
            .map(|(name, content_type, staged)| NewSubmissionFile {
                name: name.clone(),
                content_type: content_type.clone(),
                blob: staged.blob.clone(),
            })
            .collect(),
        xml,
        received_at: Timestamp::now(),
        device_id,
        sort_values,
    };
    let stored = match device.sender {
        Sender::AppUser(_) => app.store.submit(&submission).await,
        // Apart from the form's submissions, never in its table or exports.
        Sender::Draft(_) => app.store.submit_draft(&submission).await,
    };
    let outcome = match stored {
        Ok(outcome) => outcome,
        // The draft was published or replaced since it was looked up.
        Err(StoreError::NotFound(_)) => {
            return Err(error(
                StatusCode::NOT_FOUND,
                lang,
                "openrosa-version-unknown",
                &[
                    ("form", submission.meta.xml_form_id.clone()),
                    ("version", submission.meta.version.clone()),
                ],
            ));
        }
        Err(e) => return Err(internal(lang, "storing a submission", e)),
    };
    let instance_args = [("instance", instance)];
    match outcome {
        SubmitOutcome::Created(_) | SubmitOutcome::Edited(_) => {
            Ok(success(lang, &i18n::text(lang, "openrosa-received")))
        }
        SubmitOutcome::Repeated { added_files, .. } => Ok(success(
            lang,
            &i18n::text_with(
                lang,
                "openrosa-received-again",
                &[("count", added_files.to_string())],
            ),
        )),
        SubmitOutcome::DifferentXml => Err(error(
            StatusCode::CONFLICT,
            lang,
            "openrosa-different-xml",
            &instance_args,
        )),
        SubmitOutcome::NotCurrent => Err(error(
            StatusCode::CONFLICT,
            lang,
            "openrosa-not-current",
            &instance_args,
        )),
        SubmitOutcome::DeprecatedNotFound => Err(error(
            StatusCode::NOT_FOUND,
            lang,
            "openrosa-deprecated-unknown",
            &[(
                "instance",
                submission.meta.deprecated_id.clone().unwrap_or_default(),
            )],
        )),
    }
}

/// 201 with the message Collect shows.
fn success(lang: Lang, text: &str) -> Response {
    xml::message(StatusCode::CREATED, "submit_success", text, lang)
}
