use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp, location};

#[tokio::test]
async fn a_staff_page_redirects_to_login_and_back_after_signing_in() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Admin]).await;
    let browser = app.browser();

    let response = browser.get("/admin/users?page=2").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/login?next=%2Fadmin%2Fusers%3Fpage%3D2"
    );

    let token = browser
        .csrf("/login?next=%2Fadmin%2Fusers%3Fpage%3D2")
        .await;
    let response = browser
        .post_raw(
            "/login",
            &[
                ("_csrf", &token),
                ("login", "Olena"),
                ("password", PASSWORD),
                ("next", "/admin/users?page=2"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/users?page=2");
    assert_eq!(browser.get("/admin/users").await.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn a_return_target_on_another_site_is_ignored() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();
    let token = browser.csrf("/login").await;
    let response = browser
        .post_raw(
            "/login",
            &[
                ("_csrf", &token),
                ("login", "olena"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
    app.finish().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();

    let wrong_password = browser.login("olena", "not the password at all").await;
    assert_eq!(wrong_password.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_password = wrong_password.text().await.unwrap();
    let unknown = browser.login("nobody", "not the password at all").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = unknown.text().await.unwrap();

    assert!(wrong_password.contains("Неправильний логін або пароль."));
    let message = |body: &str| {
        body.split("role=\"alert\"")
            .nth(1)
            .map(|s| s[..80].to_owned())
    };
    assert_eq!(message(&wrong_password), message(&unknown));
    app.finish().await;
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let id = app.user("olena", &[Role::Trainer]).await;
    let mut user = app.store.user(&id).await.unwrap().unwrap();
    user.disabled = true;
    app.store
        .change_user(
            &id,
            &kolo_core::auth::UserChange {
                display_name: user.display_name,
                roles: user.roles,
                oblast: None,
                disabled: true,
            },
            kolo_core::time::Timestamp::now(),
        )
        .await
        .unwrap();
    let response = app.browser().login("olena", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn five_failures_lock_the_account_for_a_while_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();
    for _ in 0..5 {
        assert_eq!(
            browser
                .login("olena", "wrong guess number x")
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let response = browser.login("olena", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Забагато невдалих спроб")
    );
    app.finish().await;
}

#[tokio::test]
async fn many_failures_from_one_address_are_throttled_across_logins() {
    let app = TestApp::spawn_with(|config| config.login_throttle.max_per_address = 6).await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();
    for i in 0..6 {
        let response = browser
            .login(&format!("guess{i}"), "wrong guess number x")
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        browser.login("olena", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.finish().await;
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.signed_in("olena").await;
    let cookie = browser.cookie("kolo_session").expect("a session cookie");
    assert_eq!(
        browser.post("/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);

    // The old cookie, replayed, no longer opens a session.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .header("cookie", format!("kolo_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    app.finish().await;
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout() {
    let app = TestApp::spawn_with(|config| config.sessions.idle_timeout_secs = 2).await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.signed_in("olena").await;
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2_600)).await;
    let response = browser.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));
    app.finish().await;
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();
    let _ = browser.get("/login").await;
    let response = browser
        .post_raw("/login", &[("login", "olena"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .post_raw(
            "/login",
            &[
                ("_csrf", "0123456789abcdef0123456789abcdef"),
                ("login", "olena"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Форма застаріла"));
    app.finish().await;
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_the_token() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Viewer]).await;
    let browser = app.browser();
    let token = browser.csrf("/login").await;
    let response = browser
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", token.as_str()),
            ("login", "olena"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

/// Password checks run on a few worker threads, not one thread per request (so
/// that a burst of logins cannot allocate Argon2's memory dozens of times at
/// once). A burst of concurrent logins, right and wrong, for accounts that exist
/// and not, must still give each request its own right answer.
#[tokio::test]
async fn a_burst_of_concurrent_logins_each_gets_its_right_answer() {
    const LOGINS: usize = 48;
    let app = TestApp::spawn_with(|config| {
        // Many failures from one address and per account are the point here;
        // the throttle has its own tests.
        config.login_throttle.max_per_address = 1_000;
        config.login_throttle.max_per_account = 1_000;
    })
    .await;
    let accounts = ["olena", "iryna", "marta", "sofiia"];
    for login in accounts {
        app.user(login, &[Role::Viewer]).await;
    }
    let mut attempts = Vec::new();
    for i in 0..LOGINS {
        let browser = app.browser();
        let token = browser.csrf("/login").await;
        // A quarter each: right password, wrong password, no such account,
        // and the right password of another account.
        let (login, password, accepted) = match i % 4 {
            0 => (accounts[i % 3].to_owned(), PASSWORD.to_owned(), true),
            1 => (
                accounts[i % 3].to_owned(),
                format!("wrong guess {i}"),
                false,
            ),
            2 => (format!("nobody{i}"), PASSWORD.to_owned(), false),
            _ => (accounts[3].to_owned(), format!("{PASSWORD}{i}"), false),
        };
        attempts.push((browser, token, login, password, accepted));
    }
    let mut running = tokio::task::JoinSet::new();
    for (i, (browser, token, login, password, accepted)) in attempts.into_iter().enumerate() {
        running.spawn(async move {
            let response = browser
                .post_raw(
                    "/login",
                    &[
                        ("_csrf", &token),
                        ("login", &login),
                        ("password", &password),
                        ("next", "/"),
                    ],
                )
                .await;
            (i, accepted, response.status(), location(&response), browser)
        });
    }
    let mut answered = 0;
    while let Some(outcome) = running.join_next().await {
        let (i, accepted, status, target, browser) = outcome.expect("the login task finishes");
        if accepted {
            assert_eq!(status, StatusCode::SEE_OTHER, "login {i}");
            assert_eq!(target, "/", "login {i}");
            assert_eq!(browser.get("/").await.status(), StatusCode::OK, "login {i}");
        } else {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "login {i}");
        }
        answered += 1;
    }
    assert_eq!(answered, LOGINS);
    app.finish().await;
}
