use kolo_core::auth::Role;

use crate::common::TestApp;

#[tokio::test]
async fn the_security_page_warns_when_there_is_no_recent_backup_and_shows_the_keys() {
    let app = TestApp::spawn().await;
    app.user("iryna", &[Role::Admin]).await;
    let admin = app.signed_in("iryna").await;
    let page = admin.text("/admin/security").await;
    assert!(page.contains("Немає резервної копії за останній тиждень"));
    assert!(
        page.contains("зберігається у файлі"),
        "key-file mode is shown"
    );
    assert!(page.contains("<code>k1</code>: шифрує нові дані"));

    app.store
        .set_setting(
            kolo::backup::LAST_BACKUP_SETTING,
            &serde_json::json!({ "at": kolo_core::time::Timestamp::now().seconds(), "bytes": 2_500_000, "entries": 9, "with_passphrase": true })
                .to_string(),
        )
        .await
        .unwrap();
    let page = admin.text("/admin/security").await;
    assert!(!page.contains("Немає резервної копії") && page.contains("(2.5 MB)"));
    app.finish().await;
}
