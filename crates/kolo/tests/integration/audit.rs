use kolo_core::audit::AuditFilter;
use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp};

async fn actions(app: &TestApp) -> Vec<String> {
    let filter = AuditFilter {
        limit: 1000,
        ..AuditFilter::default()
    };
    let mut entries = app.store.audit_entries(&filter).await.unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.entry.action).collect()
}

#[tokio::test]
async fn sign_ins_permission_changes_and_tokens_are_recorded_without_secrets() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    let admin = app.signed_in("admin1").await;
    let stranger = app.browser();
    stranger
        .login("Olena.Petrenko", "мій секретний пароль")
        .await;
    admin
        .post(
            "/admin/users/new",
            &[
                ("login", "natalia"),
                ("display_name", "Наталя"),
                ("role", "monitor"),
                ("password", "морський бриз 2024"),
            ],
        )
        .await;
    admin.post("/account/tokens", &[("name", "звіт")]).await;

    let recorded = actions(&app).await;
    for expected in [
        "login.success",
        "login.failed",
        "user.create",
        "api_token.create",
    ] {
        assert!(
            recorded.iter().any(|a| a == expected),
            "{expected} missing from {recorded:?}"
        );
    }
    let everything = format!(
        "{:?}",
        app.store
            .audit_entries(&AuditFilter {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
    );
    for secret in [
        "Olena.Petrenko",
        "olena.petrenko",
        "мій секретний пароль",
        "морський бриз",
        "Наталя",
        "127.0.0.1",
    ] {
        assert!(
            !everything.contains(secret),
            "the audit log holds {secret:?}"
        );
    }
    assert!(
        everything.contains("127.0.0.0/24"),
        "the address is kept truncated to its network"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_audit_page_filters_and_its_export_is_itself_audited() {
    let app = TestApp::spawn().await;
    app.user("admin1", &[Role::Admin]).await;
    app.user("olena", &[Role::Viewer]).await;
    let admin = app.signed_in("admin1").await;
    app.browser().login("olena", PASSWORD).await;
    app.browser().login("olena", "wrong, deliberately").await;

    let page = admin.text("/admin/audit?action=login.failed").await;
    assert!(page.contains("login.failed") && !page.contains("login.success"));
    let bad = admin.get("/admin/audit?from=yesterday").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("РРРР-ММ-ДД"));

    let export = admin.get("/admin/audit.csv?action=login").await;
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    assert!(csv.starts_with("seq,at_utc_ms,actor,action"));
    assert_eq!(csv.lines().filter(|l| l.contains(",login.")).count(), 3);
    assert!(actions(&app).await.contains(&"export.audit".to_owned()));
    app.finish().await;
}
