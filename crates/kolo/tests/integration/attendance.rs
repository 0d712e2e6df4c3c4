//! Registration, the attendance grid, the paper sheet entry, and the printed
//! sign-in sheet and certificates.

use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, location};
use crate::fixtures::{self, HALYNA, OKSANA, YULIA};

/// The text of a PDF through poppler's `pdftotext`; `None` only when it is
/// not installed. A PDF it cannot read fails the test.
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).expect("the PDF is written");
    let output = match std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => panic!("pdftotext did not run: {error}"),
    };
    assert!(
        output.status.success(),
        "pdftotext cannot read the PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

async fn event_with_three(browser: &Browser) -> (String, Vec<String>) {
    let event = fixtures::event(browser, &[]).await;
    let mut people = Vec::new();
    for person in [&OKSANA, &YULIA, &HALYNA] {
        let id = fixtures::participant(browser, person, &[]).await;
        let response = fixtures::register(browser, &event, &id).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        people.push(id);
    }
    (event, people)
}

#[tokio::test]
async fn participants_are_found_by_code_or_nickname_and_registered_once() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let id = fixtures::participant(&browser, &OKSANA, &[]).await;
    let found = browser
        .text(&format!("/events/{event}/register?q=OKIV"))
        .await;
    assert!(found.contains("OKIVF150390") && found.contains(&format!("value=\"{id}\"")));
    let by_nickname = browser
        .text(&format!("/events/{event}/register?q=ластів"))
        .await;
    assert!(by_nickname.contains("OKIVF150390"));
    assert_eq!(
        fixtures::register(&browser, &event, &id).await.status(),
        StatusCode::SEE_OTHER
    );
    let twice = fixtures::register(&browser, &event, &id).await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice
            .text()
            .await
            .unwrap()
            .contains("OKIVF150390 уже зареєстровано на цю подію")
    );
    assert_eq!(fixtures::registrations(&browser, &event).await.len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn a_new_participant_is_added_and_registered_inline_in_one_step() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let page = browser.text(&format!("/events/{event}/register")).await;
    assert!(
        page.contains("name=\"mother_name\"")
            && page.contains(&format!("name=\"event\" value=\"{event}\""))
    );
    let response = fixtures::post_person(&browser, &YULIA, &[("event", &event)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/events/{event}/register?notice=added")
    );
    let rows = fixtures::registrations(&browser, &event).await;
    assert_eq!(
        rows.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
        ["YUZHM011201"]
    );
    // A refused inline addition saves neither the person nor a registration.
    let refused =
        fixtures::post_person(&browser, &OKSANA, &[("event", &event), ("birth_date", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fixtures::registrations(&browser, &event).await.len(), 1);
    assert!(browser.text("/participants").await.contains("Знайдено: 1"));
    app.finish().await;
}

#[tokio::test]
async fn the_attendance_grid_saves_days_and_the_everyone_button_ticks_a_column() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let (event, _) = event_with_three(&browser).await;
    let rows = fixtures::registrations(&browser, &event).await;
    let mut form: Vec<(String, String)> = rows
        .iter()
        .map(|(id, _)| ("row".to_owned(), id.clone()))
        .collect();
    form.push(("p".into(), format!("{}:2024-03-12", rows[0].0)));
    form.push(("p".into(), format!("{}:2024-03-13", rows[1].0)));
    form.push(("all".into(), "2024-03-14".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = browser
        .post(&format!("/events/{event}/attendance"), &fields)
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let grid = browser.text(&format!("/events/{event}/attendance")).await;
    assert_eq!(
        grid.matches(" checked>").count(),
        5,
        "two days ticked and one column of three"
    );
    let page = browser.text(&format!("/events/{event}")).await;
    assert!(
        page.contains("зареєстровано: 3, присутні хоча б один день: 3"),
        "{page}"
    );

    // Unticking removes; a day outside the event saves nothing.
    let outside = format!("{}:2024-03-20", rows[0].0);
    let refused = browser
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", &rows[0].0), ("p", &outside)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("2024-03-20 не є днем цієї події")
    );
    assert_eq!(
        browser
            .text(&format!("/events/{event}/attendance"))
            .await
            .matches(" checked>")
            .count(),
        5
    );
    browser
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", &rows[0].0)],
        )
        .await;
    assert_eq!(
        browser
            .text(&format!("/events/{event}/attendance"))
            .await
            .matches(" checked>")
            .count(),
        3
    );
    app.finish().await;
}

#[tokio::test]
async fn a_paper_sheet_is_entered_by_code_and_a_wrong_row_stops_everything() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let registered = fixtures::participant(&browser, &OKSANA, &[]).await;
    fixtures::register(&browser, &event, &registered).await;
    fixtures::participant(&browser, &YULIA, &[]).await;
    let page = browser.text(&format!("/events/{event}/paper")).await;
    assert!(page.contains("<datalist id=\"uics\"><option value=\"OKIVF150390\">Ластівка</option>"));
    assert!(page.contains("name=\"uic_29\""), "thirty rows to type into");

    let wrong = browser
        .post(
            &format!("/events/{event}/paper"),
            &[
                ("count", "30"),
                ("uic_0", "okivf150390"),
                ("day_0", "2024-03-12"),
                ("uic_1", "ZZZZZ999999"),
                ("day_1", "2024-03-12"),
                ("day_2", "2024-03-13"),
                ("uic_3", "OKIVF150390"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = wrong.text().await.unwrap();
    assert!(text.contains("ZZZZZ999999 немає в реєстрі"));
    assert!(text.contains("Дні позначено, але коду немає"));
    assert!(text.contains("Ця людина вже є в рядку 1"));
    assert!(
        text.contains("value=\"okivf150390\""),
        "typed rows are kept"
    );
    assert_eq!(
        browser
            .text(&format!("/events/{event}/attendance"))
            .await
            .matches(" checked>")
            .count(),
        0
    );

    let saved = browser
        .post(
            &format!("/events/{event}/paper"),
            &[
                ("count", "30"),
                ("uic_0", "OKIVF150390"),
                ("day_0", "2024-03-12"),
                ("day_0", "2024-03-14"),
                ("uic_1", "YUZHM011201"),
                ("day_1", "2024-03-13"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let rows = fixtures::registrations(&browser, &event).await;
    assert_eq!(rows.len(), 2, "the walk-in from the register is registered");
    assert_eq!(
        browser
            .text(&format!("/events/{event}/attendance"))
            .await
            .matches(" checked>")
            .count(),
        3
    );
    app.finish().await;
}

#[tokio::test]
async fn the_sign_in_sheet_lists_the_codes_with_a_column_per_day_in_either_language() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("root", &[Role::Admin]).await;
    let browser = app.signed_in("olena").await;
    browser
        .post(
            "/funders",
            &[("name", "Демо-фонд Світанок"), ("grant_code", "SV-1")],
        )
        .await;
    let funders = browser.text("/funders").await;
    let start = funders.find("/funders/").unwrap() + "/funders/".len();
    let funder = &funders[start..start + funders[start..].find('"').unwrap()];
    let event = fixtures::event(&browser, &[("funder_ids", funder)]).await;
    for person in [&OKSANA, &YULIA, &HALYNA] {
        let id = fixtures::participant(&browser, person, &[]).await;
        fixtures::register(&browser, &event, &id).await;
    }
    let response = browser
        .get(&format!("/events/{event}/sign-in.pdf?lang=uk"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&bytes) {
        for expected in [
            "Реєстраційний лист",
            "Тренінг з моделей регулювання",
            "OKIVF150390",
            "YUZHM011201",
            "HAPEF090785",
            "Демо-фонд Світанок",
            "12.03",
            "14.03",
        ] {
            assert!(
                text.contains(expected),
                "{expected} is missing from:\n{text}"
            );
        }
    } else {
        eprintln!("pdftotext is not installed: the sheet's text was not read back");
    }
    let english = browser
        .get(&format!("/events/{event}/sign-in.pdf?lang=en"))
        .await
        .bytes()
        .await
        .unwrap();
    if let Some(text) = pdf_text(&english) {
        assert!(
            text.contains("Sign-in sheet") && text.contains("12 Mar"),
            "{text}"
        );
    }
    let admin = app.signed_in("root").await;
    assert!(
        admin
            .text("/admin/audit?action=event.sign_in_sheet")
            .await
            .contains("event.sign_in_sheet")
    );
    app.finish().await;
}

#[tokio::test]
async fn certificates_are_printed_only_for_people_who_agreed_to_their_name_and_came() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let agreed = fixtures::participant(
        &browser,
        &OKSANA,
        &[
            ("real_name", "Оксана Вигадана"),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    let absent = fixtures::participant(
        &browser,
        &YULIA,
        &[
            ("real_name", "Юлій Відсутній"),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    let pseudonymous = fixtures::participant(&browser, &HALYNA, &[]).await;
    for id in [&agreed, &absent, &pseudonymous] {
        fixtures::register(&browser, &event, id).await;
    }
    let none = browser
        .get(&format!("/events/{event}/certificates.pdf"))
        .await;
    assert_eq!(
        none.status(),
        StatusCode::BAD_REQUEST,
        "nobody was present yet"
    );
    let rows = fixtures::registrations(&browser, &event).await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for (id, code) in &rows {
        fields.push(("row".into(), id.clone()));
        if code != YULIA.code {
            fields.push(("p".into(), format!("{id}:2024-03-12")));
        }
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser
        .post(&format!("/events/{event}/attendance"), &form)
        .await;
    let response = browser
        .get(&format!("/events/{event}/certificates.pdf?lang=uk"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    if let Some(text) = pdf_text(&bytes) {
        assert!(
            text.contains("Оксана Вигадана") && text.contains("СЕРТИФІКАТ"),
            "{text}"
        );
        assert!(
            !text.contains("Юлій Відсутній"),
            "absent people get no certificate"
        );
        assert!(!text.contains("HAPEF090785"));
    }
    app.finish().await;
}

#[tokio::test]
async fn on_paper_the_start_of_a_registered_code_completes_it_when_only_one_matches() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let oksana = fixtures::participant(&browser, &OKSANA, &[]).await;
    let lookalike = fixtures::Person {
        birth: "1991-03-15",
        code: "OKIVF150391",
        ..OKSANA
    };
    let other = fixtures::participant(&browser, &lookalike, &[("confirm_new", "on")]).await;
    let yulia = fixtures::participant(&browser, &YULIA, &[]).await;
    for id in [&oksana, &other, &yulia] {
        fixtures::register(&browser, &event, id).await;
    }
    fixtures::participant(&browser, &HALYNA, &[]).await;
    let page = browser.text(&format!("/events/{event}/paper")).await;
    let first = &page[page.find("name=\"uic_0\"").unwrap()..];
    assert!(
        first[..first.find('>').unwrap()].contains(" autofocus"),
        "the first code field takes the keyboard"
    );
    assert_eq!(page.matches(" autofocus").count(), 1);

    let refused = browser
        .post(
            &format!("/events/{event}/paper"),
            &[
                ("count", "5"),
                ("uic_0", "okiv"),
                ("day_0", "2024-03-12"),
                ("uic_1", "yu"),
                ("day_1", "2024-03-12"),
                ("uic_2", "HAPE"),
                ("day_2", "2024-03-12"),
                ("uic_3", "yuz"),
                ("day_3", "2024-03-20"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Так починаються кілька кодів зареєстрованих: OKIVF150390, OKIVF150391"),
        "{text}"
    );
    assert!(
        text.contains("Це не код"),
        "two characters complete nothing"
    );
    assert!(
        text.contains("HAPE немає в реєстрі"),
        "only registered codes complete: {text}"
    );
    assert!(text.contains("2024-03-20 не є днем цієї події"), "{text}");
    assert_eq!(
        fixtures::registrations(&browser, &event).await.len(),
        3,
        "nothing saved"
    );

    let saved = browser
        .post(
            &format!("/events/{event}/paper"),
            &[
                ("count", "3"),
                ("uic_0", "okivf150391"),
                ("day_0", "2024-03-12"),
                ("uic_1", "yuz"),
                ("day_1", "2024-03-13"),
                ("day_1", "2024-03-14"),
                ("uic_2", "OKIVF150390"),
                ("day_2", "2024-03-14"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let grid = browser.text(&format!("/events/{event}/attendance")).await;
    assert_eq!(grid.matches(" checked>").count(), 4, "{grid}");
    app.finish().await;
}
