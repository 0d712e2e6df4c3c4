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

#[tokio::test]
async fn retention_rules_are_saved_only_when_every_value_is_valid() {
    let app = TestApp::spawn().await;
    app.user("iryna", &[Role::Admin]).await;
    let admin = app.signed_in("iryna").await;
    let bad = admin
        .post(
            "/admin/security/retention",
            &[
                ("participant_contacts", "12"),
                ("case_narratives", "0"),
                ("audit", "60"),
            ],
        )
        .await;
    assert_eq!(bad.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("від 1 до 600"));
    let rules = kolo::retention::rules(&*app.store).await.unwrap();
    assert_eq!(rules[0].1, 24, "nothing was saved");

    let good = admin
        .post(
            "/admin/security/retention",
            &[
                ("participant_contacts", "12"),
                ("case_narratives", "72"),
                ("audit", "36"),
            ],
        )
        .await;
    assert!(good.text().await.unwrap().contains("value=\"72\""));
    let months: Vec<u32> = kolo::retention::rules(&*app.store)
        .await
        .unwrap()
        .iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(months, [12, 72, 36]);
    app.finish().await;
}

#[tokio::test]
async fn audit_entries_past_retention_are_erased_and_the_chain_still_verifies() {
    use kolo_core::audit::{AuditDetails, NewEntry};
    let app = TestApp::spawn().await;
    let now_ms = kolo_core::time::Timestamp::now().seconds() * 1000;
    let six_years_ms = 6 * 365 * 24 * 3600 * 1000;
    for (i, at) in [
        now_ms - six_years_ms,
        now_ms - six_years_ms + 1,
        now_ms - 1000,
    ]
    .into_iter()
    .enumerate()
    {
        let stored = app
            .store
            .append_audit(NewEntry {
                at_unix_ms: at,
                actor: "system".into(),
                action: format!("test.{i}"),
                target: "nothing".into(),
                address: None,
                details: AuditDetails::none(),
            })
            .await
            .unwrap();
        vault::audit::write_head(
            &app.vault.audit_head_path(),
            &stored.head(),
            app.vault.server_key(),
        )
        .unwrap();
    }
    let report = kolo::retention::apply(&*app.store, &app.vault, kolo_core::time::Timestamp::now())
        .await
        .unwrap();
    assert_eq!(report.audit_entries, 2);
    match kolo::audit::verify_audit(app.store.clone(), &app.vault)
        .await
        .unwrap()
    {
        kolo::audit::VerifyOutcome::Intact { entries, .. } => {
            assert_eq!(entries, 2, "the recent entry and the run's own")
        }
        other => panic!("the pruned chain does not verify: {other:?}"),
    }
    app.finish().await;
}
