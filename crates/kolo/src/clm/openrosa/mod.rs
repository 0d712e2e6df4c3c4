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
//! The token in the path is an app user's credential: `device_guard` checks it
//! against the project before any handler runs (deny by default), and every
//! refusal is an OpenRosa XML message. These routes use no cookie, so they sit
//! outside the CSRF check.

mod forms;
mod submission;
pub mod xml;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use kolo_core::clm::AppUser;
use kolo_core::ids::token_hash;
use kolo_core::lang::Lang;

use crate::app::AppState;
use crate::web::i18n;
use crate::web::{Access, RouteTable};

/// A route pattern under the app user's server URL.
macro_rules! under_key {
    ($tail:literal) => {
        concat!("/v1/key/{token}/projects/{project}", $tail)
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
}

/// The app user a request comes from, as the guard found it.
#[derive(Clone, Debug)]
pub struct Device {
    pub app_user: AppUser,
    /// `http(s)://HOST/v1/key/TOKEN/projects/ID`, as the device addressed us.
    pub server_url: String,
    pub lang: Lang,
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

/// Checks the app user's token against the project of the URL; refuses with
/// 403 (not 401, which would make Collect ask for a password) otherwise.
pub async fn device_guard(app: &AppState, mut request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let segments: Vec<&str> = request.uri().path().split('/').collect();
    let (token, project) = match segments.as_slice() {
        ["", "v1", "key", token, "projects", project, ..] => {
            ((*token).to_owned(), (*project).to_owned())
        }
        _ => return refuse(lang),
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
    let app_user = match app.store.app_user_by_token(&token_hash(&token)).await {
        Ok(Some(user)) if user.is_active() && user.project_id.0 == project => user,
        Ok(_) => return refuse(lang),
        Err(error) => {
            tracing::error!(%error, "looking up an app user");
            return xml::message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error",
                &i18n::text(lang, "openrosa-internal"),
                lang,
            );
        }
    };
    let server_url = format!(
        "{}/v1/key/{token}/projects/{project}",
        origin(app, request.headers())
    );
    request.extensions_mut().insert(Arc::new(Device {
        app_user,
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
