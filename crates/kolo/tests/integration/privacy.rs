use kolo_core::auth::Role;
use kolo_core::participants::ParticipantId;
use reqwest::StatusCode;

use crate::common::TestApp;
use crate::fixtures::{self, OKSANA, YULIA};

#[tokio::test]
async fn forgetting_a_person_erases_the_personal_and_keeps_the_pseudonymous_facts() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let id = fixtures::participant(
        &browser,
        &OKSANA,
        &[
            ("real_name", "Оксана Забута"),
            ("phone", "+380501112233"),
            ("consent_contact", "on"),
        ],
    )
    .await;
    assert_eq!(
        fixtures::register(&browser, &event, &id).await.status(),
        StatusCode::SEE_OTHER
    );

    let wrong = browser
        .post(
            &format!("/participants/{id}/forget"),
            &[("uic", "NOTTHECODE1")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store
            .participant(&ParticipantId(id.clone()))
            .await
            .unwrap()
            .unwrap()
            .personal
            .phone
            .is_some()
    );

    let done = browser
        .post(
            &format!("/participants/{id}/forget"),
            &[("uic", OKSANA.code)],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let forgotten = app
        .store
        .participant(&ParticipantId(id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert!(forgotten.personal.real_name.is_none() && forgotten.personal.phone.is_none());
    assert_eq!(forgotten.uic.to_string(), OKSANA.code, "the code stays");
    let page = browser.text(&format!("/events/{event}")).await;
    assert!(page.contains(OKSANA.code), "the registration stays");
    assert!(!page.contains(OKSANA.nickname), "the nickname went");
    let audit = app
        .store
        .audit_entries(&kolo_core::audit::AuditFilter {
            action_prefix: Some("participant.forget".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn trainers_and_viewers_cannot_forget_anyone() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("maria", &[Role::Trainer]).await;
    let id = fixtures::participant(&app.signed_in("olena").await, &YULIA, &[]).await;
    let trainer = app.signed_in("maria").await;
    let refused = trainer
        .post(
            &format!("/participants/{id}/forget"),
            &[("uic", YULIA.code)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn contacts_of_people_not_seen_for_the_retention_period_are_erased_by_the_daily_job() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let old = fixtures::participant(
        &browser,
        &OKSANA,
        &[("phone", "+380501112233"), ("consent_contact", "on")],
    )
    .await;
    let recent = fixtures::participant(
        &browser,
        &YULIA,
        &[("phone", "+380671234567"), ("consent_contact", "on")],
    )
    .await;
    let event = fixtures::event(
        &browser,
        &[("start_date", "2026-11-02"), ("end_date", "2026-11-03")],
    )
    .await;
    fixtures::register(&browser, &event, &recent).await;
    // Seen from three years ahead, both people were last seen (added, or at an
    // event this month) more than the default 24 months before.
    let three_years = 3 * 365 * 24 * 3600;
    let later = kolo_core::time::Timestamp::now().plus_seconds(three_years);
    let report = kolo::retention::apply(&*app.store, &app.vault, later)
        .await
        .unwrap();
    assert_eq!(report.participant_contacts, 2);
    for id in [old, recent] {
        let p = app
            .store
            .participant(&ParticipantId(id))
            .await
            .unwrap()
            .unwrap();
        assert!(p.personal.phone.is_none());
    }
    app.finish().await;
}

#[tokio::test]
async fn a_person_seen_recently_keeps_their_contacts() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::participant(
        &browser,
        &OKSANA,
        &[("phone", "+380501112233"), ("consent_contact", "on")],
    )
    .await;
    let report = kolo::retention::apply(&*app.store, &app.vault, kolo_core::time::Timestamp::now())
        .await
        .unwrap();
    assert_eq!(report.participant_contacts, 0);
    assert!(
        app.store
            .participant(&ParticipantId(id))
            .await
            .unwrap()
            .unwrap()
            .personal
            .phone
            .is_some()
    );
    app.finish().await;
}

#[tokio::test]
async fn the_record_offers_forget_this_person_only_to_those_who_may() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let maria = app.user("maria", &[Role::Trainer]).await;
    let coordinator = app.signed_in("olena").await;
    let event = fixtures::event(&coordinator, &[("staff_trainers", &maria.0)]).await;
    let id = fixtures::participant(&coordinator, &YULIA, &[]).await;
    fixtures::register(&coordinator, &event, &id).await;
    let link = format!("href=\"/participants/{id}/forget\"");

    let page = coordinator.text(&format!("/participants/{id}")).await;
    assert!(page.contains(&link), "{page}");
    assert!(page.contains("Забути людину"));
    let confirm = coordinator.get(&format!("/participants/{id}/forget")).await;
    assert_eq!(confirm.status(), StatusCode::OK);

    let trainer = app.signed_in("maria").await;
    let response = trainer.get(&format!("/participants/{id}")).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the trainer's participant"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains(YULIA.code) && !page.contains(&link), "{page}");
    app.finish().await;
}
