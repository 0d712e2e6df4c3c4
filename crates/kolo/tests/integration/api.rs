use kolo_core::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

async fn token(app: &TestApp, login: &str) -> String {
    let browser = app.signed_in(login).await;
    let body = browser
        .post("/account/tokens", &[("name", "test")])
        .await
        .text()
        .await
        .unwrap();
    let start = body.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn the_api_answers_with_the_tokens_account_and_its_permissions() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    app.user("viewer1", &[Role::Viewer]).await;
    let admin = token(&app, "admin1").await;
    let viewer = token(&app, "viewer1").await;
    let client = reqwest::Client::new();

    let me: Value = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["login"], "viewer1");
    assert_eq!(me["roles"], serde_json::json!(["viewer"]));

    let refused = client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["content-type"], "application/json");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    assert!(body["message"].as_str().unwrap().len() > 5);

    let users: Value = client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users["users"].as_array().unwrap().len(), 2);
    app.finish().await;
}

#[tokio::test]
async fn a_wrong_token_or_a_session_cookie_does_not_open_the_api() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    let client = reqwest::Client::new();
    let response = client
        .get(app.url("/api/v1/me"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let browser = app.signed_in("admin1").await;
    assert_eq!(
        browser.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

#[tokio::test]
async fn api_errors_follow_accept_language() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let body: Value = client
        .get(app.url("/api/v1/me"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["message"], "Please sign in.");
    let body: Value = client
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "not_found");
    app.finish().await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_api_and_its_security() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
    assert!(
        doc["paths"]["/api/v1/users"]["get"]["description"]
            .as_str()
            .unwrap()
            .contains("admin")
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    app.finish().await;
}
