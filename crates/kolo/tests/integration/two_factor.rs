use kolo_core::auth::Role;
use kolo_core::org::setting;
use reqwest::StatusCode;
use vault::totp::TotpSecret;

use crate::common::{Browser, PASSWORD, TestApp, location};

/// The key the setup page shows for typing by hand.
fn manual_key(page: &str) -> TotpSecret {
    let start = page
        .find("id=\"manual-key\" class=\"secret\">")
        .expect("the manual key is shown")
        + 31;
    let key: String = page[start..start + page[start..].find('<').unwrap()]
        .split_whitespace()
        .collect();
    TotpSecret::from_base32(&key).expect("a base-32 key")
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Signs in with the password and sets up the authenticator; returns its secret
/// and the recovery codes shown.
async fn enrol(browser: &Browser, login: &str) -> (TotpSecret, Vec<String>) {
    let response = browser.login(login, PASSWORD).await;
    assert_eq!(location(&response), "/account/two-factor");
    let page = browser.text("/account/two-factor").await;
    assert!(page.contains("Для вашої ролі потрібен двофакторний вхід"));
    assert!(
        page.contains("<svg role=\"img\""),
        "the QR code is drawn on the page"
    );
    let secret = manual_key(&page);
    let done = browser
        .post("/account/two-factor", &[("code", &secret.code_at(now()))])
        .await
        .text()
        .await
        .unwrap();
    let codes: Vec<String> = done
        .split("<li><code>")
        .skip(1)
        .map(|piece| piece[..piece.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes are shown once");
    (secret, codes)
}

#[tokio::test]
async fn an_admin_must_set_up_two_factor_before_anything_else() {
    let app = TestApp::spawn().await;
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, "admin,case_worker")
        .await
        .unwrap();
    app.user("iryna", &[Role::Admin]).await;
    let browser = app.browser();
    let response = browser.login("iryna", PASSWORD).await;
    assert_eq!(location(&response), "/account/two-factor");
    // Midway, nothing else opens: pages send back to the setup, the API refuses.
    assert_eq!(
        location(&browser.get("/admin/users").await),
        "/account/two-factor"
    );
    assert_eq!(location(&browser.get("/").await), "/account/two-factor");

    let page = browser.text("/account/two-factor").await;
    let secret = manual_key(&page);
    let wrong = browser
        .post("/account/two-factor", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = manual_key(&wrong.text().await.unwrap());
    assert_eq!(
        again.to_base32().expose(),
        secret.to_base32().expose(),
        "the offered key stays the same"
    );

    let done = browser
        .post("/account/two-factor", &[("code", &secret.code_at(now()))])
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("Резервні коди"));
    assert_eq!(browser.get("/admin/users").await.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn signing_in_takes_a_fresh_code_and_refuses_a_used_one() {
    let app = TestApp::spawn().await;
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, "admin")
        .await
        .unwrap();
    app.user("iryna", &[Role::Admin]).await;
    let (secret, _) = enrol(&app.browser(), "iryna").await;

    // The code used to set up cannot sign in again within its time step.
    let browser = app.browser();
    let response = browser.login("iryna", PASSWORD).await;
    assert!(location(&response).starts_with("/login/code"));
    let reused = browser
        .post(
            "/login/code",
            &[("code", &secret.code_at(now())), ("next", "/")],
        )
        .await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reused.text().await.unwrap().contains("вже використаний"));

    // The next time step's code (within the drift window of one step) works once.
    let next = secret.code_at(now() + 30);
    let ok = browser
        .post("/login/code", &[("code", &next), ("next", "/admin/users")])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/admin/users");
    assert_eq!(browser.get("/admin/users").await.status(), StatusCode::OK);

    let other = app.browser();
    other.login("iryna", PASSWORD).await;
    let replay = other
        .post("/login/code", &[("code", &next), ("next", "/")])
        .await;
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let app = TestApp::spawn().await;
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, "case_worker")
        .await
        .unwrap();
    app.user("halyna", &[Role::CaseWorker]).await;
    let (_, codes) = enrol(&app.browser(), "halyna").await;

    let first = app.browser();
    first.login("halyna", PASSWORD).await;
    let ok = first
        .post("/login/code", &[("code", &codes[3]), ("next", "/")])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let second = app.browser();
    second.login("halyna", PASSWORD).await;
    let again = second
        .post("/login/code", &[("code", &codes[3]), ("next", "/")])
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn wrong_codes_are_throttled() {
    let app = TestApp::spawn().await;
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, "admin")
        .await
        .unwrap();
    app.user("iryna", &[Role::Admin]).await;
    let (secret, _) = enrol(&app.browser(), "iryna").await;
    let browser = app.browser();
    browser.login("iryna", PASSWORD).await;
    for _ in 0..5 {
        browser
            .post("/login/code", &[("code", "123456"), ("next", "/")])
            .await;
    }
    let blocked = browser
        .post(
            "/login/code",
            &[("code", &secret.code_at(now() + 30)), ("next", "/")],
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blocked
            .text()
            .await
            .unwrap()
            .contains("Забагато неправильних кодів")
    );
    app.finish().await;
}

#[tokio::test]
async fn an_admin_requires_it_per_role_and_resets_a_lost_phone() {
    let app = TestApp::spawn().await;
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, "admin")
        .await
        .unwrap();
    app.user("iryna", &[Role::Admin]).await;
    let trainer = app.user("maria", &[Role::Trainer]).await;
    let (secret, _) = enrol(&app.browser(), "iryna").await;
    let admin = app.browser();
    admin.login("iryna", PASSWORD).await;
    admin
        .post(
            "/login/code",
            &[("code", &secret.code_at(now() + 30)), ("next", "/")],
        )
        .await;

    // Trainers are not required: a password is enough.
    assert_eq!(location(&app.browser().login("maria", PASSWORD).await), "/");
    let saved = admin
        .post(
            "/admin/security/two-factor",
            &[("role", "admin"), ("role", "trainer")],
        )
        .await;
    assert!(
        saved
            .text()
            .await
            .unwrap()
            .contains("Налаштування збережено.")
    );
    assert_eq!(
        location(&app.browser().login("maria", PASSWORD).await),
        "/account/two-factor"
    );

    let (_, _) = enrol(&app.browser(), "maria").await;
    let page = admin.text(&format!("/admin/users/{trainer}")).await;
    assert!(page.contains("Скинути двофакторний вхід"));
    let reset = admin
        .post(&format!("/admin/users/{trainer}/two-factor/reset"), &[])
        .await;
    assert!(
        reset
            .text()
            .await
            .unwrap()
            .contains("Двофакторний вхід скинуто.")
    );
    assert_eq!(
        location(&app.browser().login("maria", PASSWORD).await),
        "/account/two-factor"
    );
    let audit = admin.text("/admin/audit?action=two_factor").await;
    assert!(audit.contains("two_factor.reset") && audit.contains("two_factor.enable"));
    app.finish().await;
}
