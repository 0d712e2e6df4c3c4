//! OpenRosa for ODK Collect, at ODK Central's URL layout, so Collect's
//! settings and QR codes work unchanged:
//!
//! ```text
//! GET       /v1/key/{token}/projects/{project}/formList
//! GET       /v1/key/{token}/projects/{project}/forms/{xmlFormId}.xml
//! GET       /v1/key/{token}/projects/{project}/forms/{xmlFormId}/manifest
//! GET       /v1/key/{token}/projects/{project}/forms/{xmlFormId}/attachments/{name}
//! HEAD/GET  /v1/key/{token}/projects/{project}/submission      (204)
//! POST      /v1/key/{token}/projects/{project}/submission
//! ```
//!
//! and, for trying a draft on a phone before publishing it, Central's draft
//! layout, whose server URL is `/v1/test/{draftToken}/projects/{project}/forms/{xmlFormId}/draft`:
//!
//! ```text
//! GET       …/draft/formList          (the draft alone)
//! GET       …/draft.xml
//! GET       …/draft/manifest
//! GET       …/draft/attachments/{name}
//! HEAD/GET  …/draft/submission        (204)
//! POST      …/draft/submission        (kept apart, discarded on publish)
//! ```
//!
//! The token in the path is an app user's credential, or a draft's:
//! `device_guard` checks it against the project (and the form) before any
//! handler runs (deny by default), and every refusal is an OpenRosa XML
//! message. These routes use no cookie, so they sit outside the CSRF check.

mod forms;
mod submission;
pub mod xml;

use std::collections::HashMap;
use std::sync::Arc;

use axum::RequestExt;
use axum::extract::{DefaultBodyLimit, FromRequestParts, RawPathParams, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use kolo_core::clm::{AppUser, DraftTarget, ProjectId};
use kolo_core::ids::token_hash;
use kolo_core::lang::Lang;

use crate::app::AppState;
use crate::clm::commands::{draft_server_url, server_url};
use crate::web::i18n;
use crate::web::{Access, RouteTable};

/// A route pattern under the app user's server URL.
macro_rules! under_key {
    ($tail:literal) => {
        concat!("/v1/key/{token}/projects/{project}", $tail)
    };
}

/// A route pattern under a draft's test server URL.
macro_rules! under_test {
    ($tail:literal) => {
        concat!("/v1/test/{token}/projects/{project}/forms/{form}", $tail)
    };
}

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get(under_key!("/formList"), Access::AppUser, forms::form_list)
        .get(
            under_key!("/forms/{file}"),
            Access::AppUser,
            forms::download,
        )
        .get(
            under_key!("/forms/{form}/manifest"),
            Access::AppUser,
            forms::manifest,
        )
        .get(
            under_key!("/forms/{form}/attachments/{name}"),
            Access::AppUser,
            forms::attachment,
        )
        // Axum answers HEAD with the GET route: 204 to both, as Central does.
        .get(
            under_key!("/submission"),
            Access::AppUser,
            submission::preflight,
        )
        .post(
            under_key!("/submission"),
            Access::AppUser,
            // The handler counts bytes itself and answers 413 as OpenRosa XML.
            submission::receive.layer(DefaultBodyLimit::disable()),
        )
        .get(
            under_test!("/draft/formList"),
            Access::AppUser,
            forms::form_list,
        )
        .get(under_test!("/draft.xml"), Access::AppUser, forms::download)
        .get(
            under_test!("/draft/manifest"),
            Access::AppUser,
            forms::manifest,
        )
        .get(
            under_test!("/draft/attachments/{name}"),
            Access::AppUser,
            forms::attachment,
        )
        .get(
            under_test!("/draft/submission"),
            Access::AppUser,
            submission::preflight,
        )
        .post(
            under_test!("/draft/submission"),
            Access::AppUser,
            submission::receive.layer(DefaultBodyLimit::disable()),
        )
}

/// Who a device speaks for.
#[derive(Clone, Debug)]
pub enum Sender {
    /// A monitor's device, with its app user's token.
    AppUser(AppUser),
    /// A phone trying a form's draft with the draft's token.
    Draft(DraftTarget),
}

/// The device a request comes from, as the guard found it.
#[derive(Clone, Debug)]
pub struct Device {
    pub project_id: ProjectId,
    pub sender: Sender,
    /// `http(s)://HOST/v1/key/TOKEN/projects/ID`, or for a draft
    /// `…/v1/test/TOKEN/projects/ID/forms/FORM/draft`, as the device addressed us.
    pub server_url: String,
    pub lang: Lang,
}

impl Device {
    /// The URL a form's files hang from: `{base}.xml`, `{base}/manifest`,
    /// `{base}/attachments/{name}`.
    pub fn form_base_url(&self, xml_form_id: &str) -> String {
        match self.sender {
            Sender::AppUser(_) => format!(
                "{}/forms/{}",
                self.server_url,
                xml::encode_segment(xml_form_id)
            ),
            Sender::Draft(_) => self.server_url.clone(),
        }
    }

    /// The draft the device tries, if it tries one.
    pub fn draft(&self) -> Option<&DraftTarget> {
        match &self.sender {
            Sender::Draft(target) => Some(target),
            Sender::AppUser(_) => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Device {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<Device>>()
            .map(|device| Device::clone(device))
            .ok_or_else(|| {
                xml::message(
                    StatusCode::FORBIDDEN,
                    "error",
                    &i18n::text(Lang::default(), "openrosa-bad-key"),
                    Lang::default(),
                )
            })
    }
}

/// Checks the app user's (or the draft's) token against the project (and
/// form) of the URL; refuses with 403 (not 401, which would make Collect ask
/// for a password) otherwise.
pub async fn device_guard(app: &AppState, mut request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let draft = request.uri().path().starts_with("/v1/test/");
    // The route's parameters, percent-decoded.
    let params: HashMap<String, String> = match request.extract_parts::<RawPathParams>().await {
        Ok(params) => params
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(_) => return refuse(lang),
    };
    let (Some(token), Some(project)) = (params.get("token"), params.get("project")) else {
        return refuse(lang);
    };
    if let Some(version) = request.headers().get("x-openrosa-version")
        && version.as_bytes() != b"1.0"
    {
        return xml::message(
            StatusCode::BAD_REQUEST,
            "error",
            &i18n::text(lang, "openrosa-protocol-version"),
            lang,
        );
    }
    let found = if draft {
        app.store.draft_by_token(token).await.map(|target| {
            target
                .filter(|t| {
                    t.project_id.0 == *project && Some(&t.xml_form_id) == params.get("form")
                })
                .map(Sender::Draft)
        })
    } else {
        app.store
            .app_user_by_token(&token_hash(token))
            .await
            .map(|user| {
                user.filter(|u| u.is_active() && u.project_id.0 == *project)
                    .map(Sender::AppUser)
            })
    };
    let sender = match found {
        Ok(Some(sender)) => sender,
        Ok(None) => return refuse(lang),
        Err(error) => {
            tracing::error!(%error, "looking up a device's token");
            return xml::message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error",
                &i18n::text(lang, "openrosa-internal"),
                lang,
            );
        }
    };
    let origin = origin(app, request.headers());
    let project = ProjectId(project.clone());
    let server_url = match &sender {
        Sender::AppUser(_) => server_url(&origin, token, &project),
        Sender::Draft(target) => draft_server_url(&origin, token, &project, &target.xml_form_id),
    };
    request.extensions_mut().insert(Arc::new(Device {
        project_id: project,
        sender,
        server_url,
        lang,
    }));
    next.run(request).await
}

fn refuse(lang: Lang) -> Response {
    xml::message(
        StatusCode::FORBIDDEN,
        "error",
        &i18n::text(lang, "openrosa-bad-key"),
        lang,
    )
}

/// The language of the device (Collect sends its locale), Ukrainian by default.
fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// `scheme://host` as the device reached us (through the TLS proxy if any).
pub(crate) fn origin(app: &AppState, headers: &HeaderMap) -> String {
    let behind_proxy = app.config.behind_tls_proxy;
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let https = behind_proxy
        && header_text("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let host = behind_proxy
        .then(|| header_text("x-forwarded-host"))
        .flatten()
        .or_else(|| header_text("host"))
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .map_or_else(|| app.config.listen.to_string(), str::to_owned);
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// An OpenRosa error message.
pub(crate) fn error(
    status: StatusCode,
    lang: Lang,
    id: &str,
    args: &[(&'static str, String)],
) -> Response {
    xml::message(status, "error", &i18n::text_with(lang, id, args), lang)
}

pub(crate) fn internal(lang: Lang, what: &str, detail: impl std::fmt::Display) -> Response {
    tracing::error!(%detail, "{what}");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "openrosa-internal",
        &[],
    )
}
