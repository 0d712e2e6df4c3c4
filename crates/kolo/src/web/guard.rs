//! The one place where every request is identified and checked: who is asking
//! (session cookie or API token), in which language, whether the route's declared
//! access allows them, and, for state changes from pages, the CSRF token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kolo_core::auth::{Action, SessionStage};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;

use super::context::{PendingSignIn, RequestContext, Staff};
use super::routes::{Access, Declared};
use super::url::encode_component;
use super::{AppError, cookies, csrf};
use crate::app::AppState;

pub async fn guard(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let declared = match &matched {
        Some(pattern) => app.routes.lookup(request.method(), pattern),
        // No route matched: the fallback answers 404 to anyone.
        None => Declared::Access(Access::Public),
    };
    let access = match declared {
        Declared::Access(access) => access,
        Declared::OtherMethods => return AppError::MethodNotAllowed.into_response(),
        Declared::Nothing => {
            // Deny by default: a route the table does not know is refused.
            tracing::error!(
                route = matched.as_deref().unwrap_or(""),
                "route without a declared access"
            );
            return AppError::Forbidden.into_response();
        }
    };

    if access == Access::AppUser {
        // Devices carry their credential in the path, never a cookie.
        return crate::clm::openrosa::device_guard(&app, request, next).await;
    }

    // Only the parts (which are Sync) are held across awaits, not the body.
    let (parts, body) = request.into_parts();
    let (ctx, new_visitor) = match identify(&app, &parts).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let request = Request::from_parts(parts, body);
    let ctx = Arc::new(ctx);
    let mut response = match refusal(&app, &ctx, access, request.method()) {
        Some(response) => response,
        None => match protect_state_change(&app, &ctx, request).await {
            Ok(mut request) => {
                request.extensions_mut().insert(ctx.clone());
                next.run(request).await
            }
            Err(error) => error.into_response(),
        },
    };
    if let Some(visitor) = new_visitor {
        cookies::attach(
            &mut response,
            &cookies::set(cookies::VISITOR, &visitor, ctx.secure, None),
        );
    }
    response.extensions_mut().insert(ctx);
    response
}

/// The answer to a caller who may not reach a route with this access, if any.
fn refusal(
    app: &AppState,
    ctx: &RequestContext,
    access: Access,
    method: &Method,
) -> Option<Response> {
    let reading = method == Method::GET || method == Method::HEAD;
    let action = match access {
        Access::Public => return None,
        Access::SignInStep if ctx.staff.is_some() || ctx.pending.is_some() => return None,
        Access::SignInStep => return Some(sign_in_first(ctx, reading)),
        // Handled by the device guard before; deny if ever reached here.
        Access::AppUser => return Some(AppError::Forbidden.into_response()),
        Access::Staff(action) => action,
    };
    if app.vault.is_locked() && action != Action::UnlockVault && ctx.staff.is_some() {
        // A sealed server serves nothing but the sign-in steps and the unlock form.
        let admin = ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.user.may(Action::UnlockVault));
        return Some(if admin && reading {
            Redirect::to("/unlock").into_response()
        } else {
            AppError::Locked.into_response()
        });
    }
    match (&ctx.staff, &ctx.pending) {
        (Some(staff), _) if staff.user.may(action) => None,
        (Some(_), _) => Some(AppError::Forbidden.into_response()),
        // Midway through signing in: back to the step that is missing.
        (None, Some(pending)) if reading && !ctx.api => {
            Some(Redirect::to(step_path(pending.stage)).into_response())
        }
        (None, _) => Some(sign_in_first(ctx, reading)),
    }
}

/// Where a session midway through signing in continues.
pub fn step_path(stage: SessionStage) -> &'static str {
    match stage {
        SessionStage::Enrol => "/account/two-factor",
        SessionStage::SecondFactor | SessionStage::Full => "/login/code",
    }
}

/// Sends a reader to the login page (and back afterwards); refuses anything else.
fn sign_in_first(ctx: &RequestContext, reading: bool) -> Response {
    if reading && !ctx.api {
        let target = format!("/login?next={}", encode_component(&ctx.path_and_query));
        Redirect::to(&target).into_response()
    } else {
        AppError::Unauthorized.into_response()
    }
}

/// Page requests that change state must carry the CSRF token. The API is
/// exempt: it authenticates by a bearer token that a browser never sends on
/// its own.
async fn protect_state_change(
    app: &AppState,
    ctx: &RequestContext,
    request: Request,
) -> Result<Request, AppError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || ctx.api {
        return Ok(request);
    }
    let host = request_host(app, request.headers()).map(str::to_owned);
    csrf::verify(request, &ctx.csrf_token, host.as_deref()).await
}

/// Builds the request context; the second value is a new visitor cookie to set.
async fn identify(
    app: &AppState,
    request: &Parts,
) -> Result<(RequestContext, Option<String>), AppError> {
    let headers = &request.headers;
    let path = request.uri.path();
    let api = path.starts_with("/api/");
    let secure = app.config.behind_tls_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    let now = Timestamp::now();

    let mut csrf_secret = None;
    let (staff, pending) = if api {
        (bearer_staff(app, headers, now).await?, None)
    } else {
        match cookies::read(headers, cookies::SESSION, secure) {
            Some(token) => {
                let found = session_of(app, &token, now).await?;
                if !matches!(found, SessionFound::Nothing) {
                    csrf_secret = Some(token);
                }
                match found {
                    SessionFound::Staff(staff) => (Some(staff), None),
                    SessionFound::Pending(pending) => (None, Some(pending)),
                    SessionFound::Nothing => (None, None),
                }
            }
            None => (None, None),
        }
    };

    let mut new_visitor = None;
    let csrf_secret = match csrf_secret {
        Some(token) => token,
        None => match cookies::read(headers, cookies::VISITOR, secure) {
            Some(visitor) => visitor,
            None if api => String::new(),
            None => {
                let visitor = new_secret_token();
                new_visitor = Some(visitor.clone());
                visitor
            }
        },
    };

    let lang = staff
        .as_ref()
        .and_then(|s| s.user.language)
        .or_else(|| {
            cookies::read(headers, cookies::LANGUAGE, secure).and_then(|l| Lang::from_tag(&l))
        })
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();

    let path_and_query = request
        .uri
        .path_and_query()
        .map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned());
    let ctx = RequestContext {
        lang,
        staff,
        pending,
        csrf_token: csrf::token_for(&csrf_secret),
        secure,
        client_addr: client_address(app, request),
        path_and_query,
        api,
    };
    Ok((ctx, new_visitor))
}

/// What a session cookie stands for.
enum SessionFound {
    Staff(Staff),
    Pending(PendingSignIn),
    Nothing,
}

async fn session_of(app: &AppState, token: &str, now: Timestamp) -> Result<SessionFound, AppError> {
    let hash = token_hash(token);
    let Some((session, user)) = app.store.session(&hash).await? else {
        return Ok(SessionFound::Nothing);
    };
    let policy = &app.config.sessions;
    if !policy.is_live(&session, now) || user.disabled {
        app.store.delete_session(&hash).await?;
        return Ok(SessionFound::Nothing);
    }
    if policy.needs_touch(&session, now) {
        app.store.touch_session(&hash, now).await?;
    }
    Ok(match session.stage {
        SessionStage::Full => SessionFound::Staff(Staff {
            user,
            session_hash: Some(hash),
        }),
        stage => SessionFound::Pending(PendingSignIn {
            user,
            session_hash: hash,
            stage,
        }),
    })
}

async fn bearer_staff(
    app: &AppState,
    headers: &HeaderMap,
    now: Timestamp,
) -> Result<Option<Staff>, AppError> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    let Some((api_token, user)) = app.store.api_token(&token_hash(token.trim())).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let stale = api_token
        .last_used_at
        .is_none_or(|at| now.seconds() - at.seconds() >= 60);
    if stale {
        app.store.touch_api_token(&api_token.id, now).await?;
    }
    Ok(Some(Staff {
        user,
        session_hash: None,
    }))
}

/// The client's address: the socket's, or behind a proxy the last hop the
/// proxy appended to `X-Forwarded-For`.
fn client_address(app: &AppState, request: &Parts) -> String {
    if app.config.behind_tls_proxy
        && let Some(forwarded) = request
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return forwarded.trim().to_owned();
    }
    request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The host the browser addressed, to compare with `Origin`.
fn request_host<'a>(app: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    let forwarded = app
        .config
        .behind_tls_proxy
        .then(|| headers.get("x-forwarded-host"))
        .flatten();
    forwarded
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
}
