//! Who is asking, in which language, and how to answer them.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kolo_core::auth::{SessionStage, User};
use kolo_core::lang::Lang;

use super::AppError;

/// A signed-in member of staff.
#[derive(Clone, Debug)]
pub struct Staff {
    pub user: User,
    /// The hash of the browser session's token; `None` for API tokens.
    pub session_hash: Option<String>,
}

/// Someone who gave the right password but has not finished signing in: the
/// second factor is awaited, or must first be set up. Such a session reaches
/// only the sign-in steps.
#[derive(Clone, Debug)]
pub struct PendingSignIn {
    pub user: User,
    pub session_hash: String,
    pub stage: SessionStage,
}

/// What the guard learned about a request; every handler and the error pages
/// read it. Built once per request in `guard`.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub lang: Lang,
    /// A fully signed-in member of staff.
    pub staff: Option<Staff>,
    /// A session midway through signing in.
    pub pending: Option<PendingSignIn>,
    /// The token forms must carry back (`_csrf`).
    pub csrf_token: String,
    /// Whether the browser reached us over TLS (directly or via the proxy).
    pub secure: bool,
    /// The client's address, for throttling. Never logged.
    pub client_addr: String,
    /// Path and query of the request, to come back to after login or a
    /// language switch.
    pub path_and_query: String,
    /// Whether the request came to the JSON API.
    pub api: bool,
}

impl RequestContext {
    pub fn user(&self) -> Option<&User> {
        self.staff.as_ref().map(|s| &s.user)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<RequestContext>>()
            .map(|ctx| RequestContext::clone(ctx))
            .ok_or_else(|| {
                AppError::Internal("request context missing: the guard did not run".into())
            })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        RequestContext::from_request_parts(parts, state)
            .await?
            .staff
            .ok_or(AppError::Unauthorized)
    }
}
