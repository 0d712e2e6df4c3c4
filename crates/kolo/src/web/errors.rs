//! Errors as pages in the person's language (or JSON on the API), never a stack
//! trace. Handlers return `AppError`; `render_errors` turns it into the page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use kolo_core::StoreError;
use kolo_core::lang::Lang;

use super::page::Page;
use super::{RequestContext, i18n};
use crate::app::AppState;

/// Why a request could not be answered as asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The form's CSRF token is missing or wrong, or it came from another site.
    #[error("form token rejected")]
    CsrfRejected,
    #[error("request too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    /// The server's keys are sealed until an admin unlocks them.
    #[error("the server is locked")]
    Locked,
    /// The request is malformed; the message id explains it to the person.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Something failed inside Kolo. The text goes to the log, never to the page.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Locked => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable name, for the API's `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Locked => "locked",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }

    /// The Fluent id of the explanation shown to the person.
    pub fn message_id(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "error-unauthorized",
            AppError::Forbidden => "error-forbidden",
            AppError::CsrfRejected => "error-csrf",
            AppError::NotFound => "error-not-found",
            AppError::MethodNotAllowed => "error-method",
            AppError::PayloadTooLarge => "error-too-large",
            AppError::TooManyRequests => "error-too-many",
            AppError::Locked => "error-locked",
            AppError::BadRequest(id) => id,
            AppError::Internal(_) => "error-internal",
        }
    }
}

/// Marks a response as an error for `render_errors` to fill in.
#[derive(Clone, Copy, Debug)]
struct ErrorMarker {
    code: &'static str,
    message_id: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorMarker {
            code: self.code(),
            message_id: self.message_id(),
        });
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<crate::audit::AuditError> for AppError {
    fn from(error: crate::audit::AuditError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<crate::vault::DecryptError> for AppError {
    fn from(error: crate::vault::DecryptError) -> Self {
        match error {
            crate::vault::DecryptError::Locked(_) => AppError::Locked,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::vault::VaultLocked> for AppError {
    fn from(_: crate::vault::VaultLocked) -> Self {
        AppError::Locked
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(format!("rendering a template: {error}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    message: String,
}

/// Fills error responses (from handlers, unknown paths, wrong methods and
/// panics) with a page in the person's language, or with JSON on the API.
pub async fn render_errors(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let fallback_lang = lang_of_headers(request.headers());
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let marker = match response.extensions().get::<ErrorMarker>() {
        Some(marker) => *marker,
        None if is_bare_error(&response) => {
            let error = match response.status() {
                StatusCode::NOT_FOUND => AppError::NotFound,
                StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
                StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
                _ => return response,
            };
            ErrorMarker {
                code: error.code(),
                message_id: error.message_id(),
            }
        }
        None => return response,
    };
    let ctx = response.extensions().get::<Arc<RequestContext>>().cloned();
    let lang = ctx.as_ref().map_or(fallback_lang, |c| c.lang);
    let status = response.status();
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let message = i18n::text(lang, marker.message_id);
    let body = if api {
        parts.headers.insert(
            header::CONTENT_TYPE,
            "application/json".parse().expect("static header value"),
        );
        serde_json::json!({ "error": marker.code, "message": message }).to_string()
    } else {
        let page = match &ctx {
            Some(ctx) => Page::new(&app, ctx, "error-title"),
            None => Page::anonymous(&app, lang, "error-title"),
        };
        let html = ErrorPage {
            page,
            status: status.as_u16(),
            message,
        }
        .render()
        .unwrap_or_else(|_| "Error".to_owned());
        parts.headers.insert(
            header::CONTENT_TYPE,
            "text/html; charset=utf-8"
                .parse()
                .expect("static header value"),
        );
        html
    };
    Response::from_parts(parts, Html(body).into_response().into_body())
}

fn is_bare_error(response: &Response) -> bool {
    response.status().is_client_error() && !response.headers().contains_key(header::CONTENT_TYPE)
        || response.status() == StatusCode::METHOD_NOT_ALLOWED
        || response.status() == StatusCode::PAYLOAD_TOO_LARGE
}

fn lang_of_headers(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The response to a panic inside a handler: a plain 500 that `render_errors`
/// turns into the error page. The panic's text goes to the log only.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    AppError::Internal(format!("handler panicked: {detail}")).into_response()
}
