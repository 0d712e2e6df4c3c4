use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, location};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in [
        "/login",
        "/nowhere",
        "/static/kolo.css",
        "/healthz",
        "/api/v1/me",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn pages_are_ukrainian_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let page = browser.text("/login").await;
    assert!(page.contains("<html lang=\"uk\">") && page.contains("Увійти"));

    let english = reqwest::Client::new()
        .get(app.url("/login"))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Sign in"));
    app.finish().await;
}

#[tokio::test]
async fn the_language_switch_is_remembered_for_the_account() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let response = browser
        .post("/language", &[("lang", "en"), ("back", "/account")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account");
    assert!(browser.text("/").await.contains("Welcome"));

    // Another browser of the same person follows the account's choice.
    let other = app.signed_in("olena").await;
    assert!(other.text("/").await.contains("<html lang=\"en\">"));
    browser
        .post("/language", &[("lang", "uk"), ("back", "/")])
        .await;
    assert!(browser.text("/").await.contains("Вітаємо"));
    app.finish().await;
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page_in_the_persons_language() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Такої сторінки немає.")
    );
    let response = reqwest::Client::new()
        .get(app.url("/no/such/page"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("There is no such page.")
    );
    app.finish().await;
}

#[tokio::test]
async fn a_viewer_is_refused_the_admin_pages_with_a_403_page() {
    let app = TestApp::spawn().await;
    app.user("donor", &[Role::Viewer]).await;
    let browser = app.signed_in("donor").await;
    let response = browser.get("/admin/users").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.text().await.unwrap();
    assert!(body.contains("У вас немає доступу до цієї сторінки."));
    assert!(
        !body.contains("href=\"/admin/users\""),
        "the menu does not offer what is refused"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_dashboard_shows_each_role_what_it_can_do() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    app.user("trainer1", &[Role::Trainer]).await;
    let admin = app.signed_in("admin1").await.text("/").await;
    assert!(
        admin.contains("Активні облікові записи") && admin.contains("href=\"/admin/users/new\"")
    );
    let trainer = app.signed_in("trainer1").await.text("/").await;
    assert!(!trainer.contains("Активні облікові записи"));
    assert!(trainer.contains("Ваші ролі: Тренер(ка)."));
    app.finish().await;
}

#[tokio::test]
async fn the_health_check_reports_the_database_without_data() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok\n");
    app.finish().await;
}

#[tokio::test]
async fn pages_stay_small_and_the_stylesheet_is_cacheable() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Admin]).await;
    let browser = app.signed_in("olena").await;
    let dashboard = browser.text("/").await;
    assert!(
        dashboard.len() < 12_000,
        "dashboard is {} bytes",
        dashboard.len()
    );
    assert!(!dashboard.contains("<script"));
    let css = reqwest::get(app.url("/static/kolo.css")).await.unwrap();
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(css.text().await.unwrap().len() < 8_000);
    app.finish().await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_page() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::new()
        .delete(app.url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Цю дію не можна виконати так.")
    );
    app.finish().await;
}

#[tokio::test]
async fn an_internal_error_is_a_page_in_the_persons_language_without_details() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Admin]).await;
    let admin = app.signed_in("olena").await;
    // A role this version of Kolo does not know makes reading the accounts fail.
    let corrupt = app.user("broken", &[Role::Viewer]).await;
    crate::common::execute_sql(
        &app,
        &format!("UPDATE user_roles SET role = 'wizard' WHERE user_id = '{corrupt}'"),
    )
    .await;
    let response = admin.get("/admin/users").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(body.contains("Сталася внутрішня помилка"));
    assert!(
        !body.contains("wizard") && !body.contains("user_roles"),
        "no internal detail reaches the page"
    );
    app.finish().await;
}

#[tokio::test]
async fn behind_a_tls_proxy_cookies_are_secure_and_host_bound() {
    let app = TestApp::spawn_with(|config| config.behind_tls_proxy = true).await;
    let response = reqwest::Client::new()
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-kolo_visitor=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let plain = reqwest::get(app.url("/login")).await.unwrap();
    let cookie = plain.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("kolo_visitor=") && !cookie.contains("Secure"));
    app.finish().await;
}
