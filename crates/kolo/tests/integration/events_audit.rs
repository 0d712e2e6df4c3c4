//! Every change to events, registrations, attendance and the register is in
//! the audit log, on pages and over the API, with ids and counts only: never
//! a code, a nickname, a title or a personal detail.

use kolo_core::audit::StoredEntry;
use kolo_core::auth::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{TestApp, location};
use crate::fixtures::{self, HALYNA, OKSANA, YULIA};

async fn entries(app: &TestApp) -> Vec<StoredEntry> {
    let mut entries = fixtures::audit_log(app).await;
    entries.reverse();
    entries
}

/// The actions recorded for a target, oldest first.
fn actions_on(entries: &[StoredEntry], target: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.entry.target == target)
        .map(|e| e.entry.action.clone())
        .collect()
}

#[tokio::test]
async fn event_registration_attendance_and_register_changes_are_audited_without_personal_data() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;

    // An event: created, edited, cancelled (pages).
    let event = fixtures::event(&browser, &[("title", "Тренінг «Лідерство»")]).await;
    let edited = browser
        .post(
            &format!("/events/{event}/edit"),
            &[
                ("title", "Тренінг «Лідерство»"),
                ("type_id", "training"),
                ("format", "in_person"),
                ("start_date", "2024-03-12"),
                ("end_date", "2024-03-14"),
                ("oblast", "UA-30"),
                ("city", "Київ"),
                ("venue", "Готель «Русь»"),
                ("status", "held"),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);

    // Participants: one added on the register, one inline on the event's page.
    let oksana = fixtures::participant(
        &browser,
        &OKSANA,
        &[
            ("consent_contact", "on"),
            ("phone", "067 765 43 21"),
            ("real_name", "Оксана Вигадана"),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    let inline = fixtures::post_person(&browser, &YULIA, &[("event", &event)]).await;
    assert_eq!(inline.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        fixtures::register(&browser, &event, &oksana).await.status(),
        StatusCode::SEE_OTHER
    );
    let saved = browser
        .post(
            &format!("/participants/{oksana}/edit"),
            &[
                ("nickname", "Ластівка-2"),
                ("oblast", "UA-30"),
                ("consent_contact", "on"),
                ("consent_certificate", "on"),
                ("messenger", "@lastivka_fictional"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // Attendance on the grid, then a paper sheet.
    let rows = fixtures::registrations(&browser, &event).await;
    assert_eq!(rows.len(), 2);
    let mark = format!("{}:2024-03-12", rows[0].0);
    browser
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", &rows[0].0), ("row", &rows[1].0), ("p", &mark)],
        )
        .await;
    let halyna = fixtures::participant(&browser, &HALYNA, &[]).await;
    let paper = browser
        .post(
            &format!("/events/{event}/paper"),
            &[
                ("count", "2"),
                ("uic_0", "OKIV"),
                ("day_0", "2024-03-13"),
                ("uic_1", HALYNA.code),
                ("day_1", "2024-03-13"),
            ],
        )
        .await;
    assert_eq!(
        paper.status(),
        StatusCode::SEE_OTHER,
        "{}",
        location(&paper)
    );

    // A registration removed on the page.
    let rows = fixtures::registrations(&browser, &event).await;
    let (halyna_row, _) = rows.iter().find(|(_, code)| code == HALYNA.code).unwrap();
    let removed = browser
        .post(
            &format!("/events/{event}/registrations/{halyna_row}/remove"),
            &[],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);

    // The sign-in sheet.
    let sheet = browser.get(&format!("/events/{event}/sign-in.pdf")).await;
    assert_eq!(sheet.status(), StatusCode::OK);

    let cancelled = browser
        .post(
            &format!("/events/{event}/edit"),
            &[
                ("title", "Тренінг «Лідерство»"),
                ("type_id", "training"),
                ("format", "in_person"),
                ("start_date", "2024-03-12"),
                ("end_date", "2024-03-14"),
                ("oblast", "UA-30"),
                ("city", "Київ"),
                ("venue", "Готель «Русь»"),
                ("status", "cancelled"),
            ],
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);

    let log = entries(&app).await;
    assert_eq!(
        actions_on(&log, &format!("event:{event}")),
        [
            "event.create",
            "event.edit",
            "event.register",   // Yulia, added inline
            "event.register",   // Oksana
            "event.attendance", // the grid
            "event.attendance", // the paper sheet (registers Halyna)
            "event.unregister",
            "event.sign_in_sheet",
            "event.cancel",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
    );
    assert_eq!(
        actions_on(&log, &format!("participant:{oksana}")),
        ["participant.create", "participant.edit"]
    );
    assert_eq!(
        actions_on(&log, &format!("participant:{halyna}")),
        ["participant.create"]
    );
    let edit = log.iter().find(|e| e.entry.action == "event.edit").unwrap();
    let details = edit.entry.details.to_string();
    assert!(
        details.contains("venue"),
        "the edit names its field: {details}"
    );
    let paper_entry = log
        .iter()
        .filter(|e| e.entry.action == "event.attendance")
        .nth(1)
        .unwrap();
    let details = paper_entry.entry.details.to_string();
    assert!(
        details.contains("paper") && details.contains("\"registered\":1"),
        "{details}"
    );

    let everything = format!("{log:?}");
    for personal in [
        OKSANA.code,
        YULIA.code,
        HALYNA.code,
        "OKIV",
        OKSANA.nickname,
        "Ластівка-2",
        YULIA.nickname,
        "Оксана",
        "Вигадана",
        "380677654321",
        "lastivka",
        "Лідерство",
        "Русь",
    ] {
        assert!(
            !everything.contains(personal),
            "the audit log holds {personal:?}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn changes_over_the_api_are_audited_like_those_on_pages() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let token = fixtures::api_token(&browser).await;
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut request = client.request(method, app.url(path)).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let event_body = json!({
        "title": "Онлайн-консультація спільноти", "type": "consultation",
        "format": "online", "start": "2024-05-20", "end": "2024-05-20", "status": "planned"
    });
    let created: serde_json::Value = send(
        reqwest::Method::POST,
        "/api/v1/events",
        Some(event_body.clone()),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let event = created["id"].as_str().expect("an event id").to_owned();
    let mut held = event_body.clone();
    held["status"] = json!("held");
    let response = send(
        reqwest::Method::PUT,
        &format!("/api/v1/events/{event}"),
        Some(held),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let person: serde_json::Value = send(
        reqwest::Method::POST,
        "/api/v1/participants",
        Some(
            json!({ "mother_name": "Оксана", "father_name": "Іван", "sex": "female",
                     "birth_date": "1990-03-15", "nickname": "Ластівка" }),
        ),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let participant = person["id"].as_str().unwrap().to_owned();
    let registration: serde_json::Value = send(
        reqwest::Method::POST,
        &format!("/api/v1/events/{event}/registrations"),
        Some(json!({ "participant_id": participant })),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let registration = registration["id"].as_str().unwrap().to_owned();
    let marked = send(
        reqwest::Method::POST,
        &format!("/api/v1/events/{event}/attendance"),
        Some(json!({ "marks": [{ "registration_id": registration, "day": "2024-05-20", "present": true }] })),
    )
    .await
    .unwrap();
    assert_eq!(marked.status(), StatusCode::OK);
    let removed = send(
        reqwest::Method::DELETE,
        &format!("/api/v1/events/{event}/registrations/{registration}"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);

    let log = entries(&app).await;
    assert_eq!(
        actions_on(&log, &format!("event:{event}")),
        [
            "event.create",
            "event.edit",
            "event.register",
            "event.attendance",
            "event.unregister"
        ]
    );
    assert_eq!(
        actions_on(&log, &format!("participant:{participant}")),
        ["participant.create"]
    );
    let api_mark = log
        .iter()
        .find(|e| e.entry.action == "event.attendance")
        .unwrap();
    assert!(api_mark.entry.details.to_string().contains("\"api\""));
    let everything = format!("{log:?}");
    for personal in ["OKIVF150390", "Ластівка", "Оксана", "консультація"]
    {
        assert!(
            !everything.contains(personal),
            "the audit log holds {personal:?}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn materials_event_types_and_funders_are_audited_without_file_names() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let uploaded = fixtures::upload(
        &browser,
        &format!("/events/{event}/materials"),
        "file",
        "Оксана_нотатки.txt",
        "text/plain",
        "Нотатки тренерки".as_bytes(),
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let page = browser.text(&format!("/events/{event}")).await;
    let start = page
        .find(&format!("/events/{event}/materials/"))
        .expect("a link to the file");
    let link = &page[start..start + page[start..].find('"').unwrap()];
    let deleted = browser.post(&format!("{link}/delete"), &[]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    browser
        .post(
            "/events/types",
            &[("id", ""), ("name_uk", "Вебінар"), ("name_en", "Webinar")],
        )
        .await;
    browser
        .post(
            "/funders",
            &[("name", "Демо-фонд Світанок"), ("grant_code", "SV-1")],
        )
        .await;

    let log = entries(&app).await;
    assert_eq!(
        actions_on(&log, &format!("event:{event}")),
        [
            "event.create",
            "event.material_add",
            "event.material_delete"
        ]
    );
    let actions: Vec<&str> = log.iter().map(|e| e.entry.action.as_str()).collect();
    assert!(actions.contains(&"event_type.save") && actions.contains(&"funder.create"));
    let everything = format!("{log:?}");
    for secret in ["Оксана", "нотатки", "Вебінар", "Світанок"] {
        assert!(
            !everything.contains(secret),
            "the audit log holds {secret:?}"
        );
    }
    app.finish().await;
}
