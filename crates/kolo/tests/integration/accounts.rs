use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp};

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_the_new_one_works() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Trainer]).await;
    let phone = app.signed_in("olena").await;
    let laptop = app.signed_in("olena").await;

    let response = laptop
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "зелений чай о п'ятій"),
                ("confirm", "зелений чай о п'ятій"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Пароль змінено"));
    assert_eq!(
        laptop.get("/").await.status(),
        StatusCode::OK,
        "the session that changed it stays"
    );
    assert_eq!(
        phone.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "other sessions end"
    );

    let fresh = app.browser();
    assert_eq!(
        fresh.login("olena", PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        fresh.login("olena", "зелений чай о п'ятій").await.status(),
        StatusCode::SEE_OTHER
    );
    app.finish().await;
}

#[tokio::test]
async fn a_weak_or_mistyped_new_password_is_refused_with_the_field_marked() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Trainer]).await;
    let browser = app.signed_in("olena").await;

    let response = browser
        .post(
            "/account/password",
            &[
                ("current", "not my password"),
                ("new", "short"),
                ("confirm", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("Поточний пароль неправильний."));
    assert!(body.contains("Пароль закороткий"));
    assert!(body.contains("Паролі не збігаються."));
    assert!(body.contains("id=\"new\" name=\"new\""));
    assert!(body.contains("aria-invalid=\"true\""));

    let response = browser
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "password123456"),
                ("confirm", "password123456"),
            ],
        )
        .await;
    assert!(response.text().await.unwrap().contains("надто поширений"));
    let still = app.browser();
    assert_eq!(
        still.login("olena", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    app.finish().await;
}

#[tokio::test]
async fn an_admin_creates_edits_and_disables_an_account() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    let admin = app.signed_in("admin1").await;

    let response = admin
        .post(
            "/admin/users/new",
            &[
                ("login", "Natalia.K"),
                ("display_name", "Наталя"),
                ("role", "monitor"),
                ("role", "case_worker"),
                ("oblast", "UA-51"),
                ("password", "морський бриз 2024"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let list = admin.text("/admin/users").await;
    assert!(
        list.contains("natalia.k") && list.contains("Наталя") && list.contains("Одеська область")
    );

    let natalia = app.browser();
    assert_eq!(
        natalia
            .login("natalia.k", "морський бриз 2024")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(natalia.get("/").await.status(), StatusCode::OK);

    let user = app
        .store
        .user_credentials(&kolo_core::auth::LoginName::parse("natalia.k").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(user.roles.contains(Role::Monitor) && user.roles.contains(Role::CaseWorker));
    let response = admin
        .post(
            &format!("/admin/users/{}", user.id),
            &[
                ("display_name", "Наталя К."),
                ("role", "viewer"),
                ("oblast", ""),
                ("disabled", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed = app.store.user(&user.id).await.unwrap().unwrap();
    assert!(changed.disabled);
    assert_eq!(changed.display_name, "Наталя К.");
    assert!(changed.roles.contains(Role::Viewer) && !changed.roles.contains(Role::Monitor));
    assert_eq!(
        natalia.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "disabling ends the session"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_bad_account_form_is_shown_again_with_each_problem_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    let admin = app.signed_in("admin1").await;
    let response = admin
        .post(
            "/admin/users/new",
            &[
                ("login", "ой"),
                ("display_name", ""),
                ("oblast", "UA-99"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    for expected in [
        "Логін має містити",
        "Вкажіть ім’я",
        "Оберіть щонайменше одну роль",
        "Невідома область",
        "Пароль закороткий",
    ] {
        assert!(body.contains(expected), "missing: {expected}");
    }
    assert_eq!(app.store.users().await.unwrap().len(), 1);

    let taken = admin
        .post(
            "/admin/users/new",
            &[
                ("login", "admin1"),
                ("display_name", "Two"),
                ("role", "viewer"),
                ("password", "морський бриз 2024"),
            ],
        )
        .await;
    assert!(taken.text().await.unwrap().contains("Такий логін уже є."));
    app.finish().await;
}

#[tokio::test]
async fn the_last_admin_cannot_remove_their_own_admin_role() {
    let app = TestApp::spawn().await;
    let id = app.user("admin1", &[Role::Admin]).await;
    let admin = app.signed_in("admin1").await;
    let response = admin
        .post(
            &format!("/admin/users/{id}"),
            &[("display_name", "Admin"), ("role", "viewer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Ви — остання активна адміністраторка")
    );
    let user = app.store.user(&id).await.unwrap().unwrap();
    assert!(user.roles.contains(Role::Admin));
    app.finish().await;
}

#[tokio::test]
async fn api_tokens_are_shown_once_listed_and_revoked() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let body = browser
        .post("/account/tokens", &[("name", "звіти для донора")])
        .await
        .text()
        .await
        .unwrap();
    let start = body.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
    let token = body[start..start + body[start..].find('<').unwrap()].to_owned();
    assert_eq!(token.len(), 52);

    let client = reqwest::Client::new();
    let me = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let page = browser.text("/account").await;
    assert!(page.contains("звіти для донора"));
    assert!(!page.contains(&token), "the token is never shown again");

    let id = app
        .store
        .api_tokens_of(&app.store.users().await.unwrap()[0].id)
        .await
        .unwrap()[0]
        .id
        .clone();
    let response = browser
        .post(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let me = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}
