//! Walks every route of the route table with every role (and with nobody) and
//! checks the guard's answer against the permission table.

use axum::http::Method;
use kolo::web::{Access, RouteSpec};
use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, location};

/// A concrete URL for a route pattern: path parameters become an existing
/// account's id, so "allowed" routes do real work.
fn concrete(path: &str, user_id: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                user_id
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(
    browser: &Browser,
    spec: &RouteSpec,
    url: &str,
    api_token: Option<&str>,
) -> reqwest::Response {
    let full = format!("{}{url}", browser.base);
    let request = if spec.method == Method::GET {
        browser.client.get(full)
    } else {
        let token = browser.current_csrf().await;
        browser
            .client
            .request(spec.method.clone(), full)
            .form(&[("_csrf", token)])
    };
    let request = match api_token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.expect("the request is answered")
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_permission_table_says() {
    let app = TestApp::spawn().await;
    let (_, specs) = kolo::app::routes().into_parts();
    assert!(
        specs.len() >= 15,
        "the route table looks incomplete: {} routes",
        specs.len()
    );
    let target = app.user("target", &[Role::Viewer]).await;

    for role in Role::ALL {
        let login = format!("walker-{}", role.as_str().replace('_', "-"));
        app.user(&login, &[role]).await;
        let browser = app.signed_in(&login).await;
        let api_token = api_token_for(&app, &login).await;
        for spec in &specs {
            if spec.path == "/logout" {
                continue; // would end the walker's session; covered in the login tests
            }
            let url = concrete(spec.path, &target.0);
            let token = spec.path.starts_with("/api/").then_some(api_token.as_str());
            let status = call(&browser, spec, &url, token).await.status();
            let allowed = match spec.access {
                Access::Public | Access::SignInStep => true,
                // Staff sessions never reach device routes: only a token does.
                Access::AppUser => false,

                Access::Staff(action) => action.allowed_roles().contains(&role),
            };
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN
                        && status != StatusCode::UNAUTHORIZED
                        && !status.is_server_error(),
                    "{role} was refused {} {url}: {status}",
                    spec.method
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} reached {} {url}",
                    spec.method
                );
            }
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn nobody_signed_in_reaches_only_public_routes() {
    let app = TestApp::spawn().await;
    let (_, specs) = kolo::app::routes().into_parts();
    let browser = app.browser();
    for spec in &specs {
        let url = concrete(spec.path, "some-id");
        let response = call(&browser, spec, &url, None).await;
        let status = response.status();
        match spec.access {
            Access::Public => assert!(
                status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                "{} {url} is public but answered {status}",
                spec.method
            ),
            Access::Staff(_) if spec.path.starts_with("/api/") => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {url}", spec.method);
                let body: serde_json::Value = response.json().await.expect("a JSON error");
                assert_eq!(body["error"], "unauthorized");
            }
            Access::Staff(_) | Access::SignInStep if spec.method == Method::GET => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{} {url}", spec.method);
                assert!(location(&response).starts_with("/login?next="));
            }
            Access::Staff(_) | Access::SignInStep => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {url}", spec.method)
            }
            Access::AppUser => {
                assert_eq!(status, StatusCode::FORBIDDEN, "{} {url}", spec.method);
                let body = response.text().await.expect("a body");
                assert!(body.contains("<OpenRosaResponse"), "{url}: {body}");
            }
        }
    }
    app.finish().await;
}

async fn api_token_for(app: &TestApp, login: &str) -> String {
    let browser = app.signed_in(login).await;
    let body = browser
        .post("/account/tokens", &[("name", "walker")])
        .await
        .text()
        .await
        .expect("a page");
    let start = body
        .find("id=\"new-token\">")
        .expect("the new token is shown")
        + "id=\"new-token\">".len();
    body[start..start + body[start..].find('<').expect("end of token")].to_owned()
}
