//! The participant register: codes computed from answers, near-duplicates
//! proposed before saving, consents and encrypted personal details, audited
//! viewing, merges, who sees whom, and the admin's code scheme.

use kolo_core::auth::Role;
use kolo_core::org::Oblast;
use reqwest::StatusCode;

use crate::common::{TestApp, location};
use crate::fixtures::{self, HALYNA, OKSANA, Person, YULIA};

const NAME: &str = "Зоряна Шевчукова-Тестова";
const PHONE: &str = "+380 67 987 65 43";
const MESSENGER: &str = "@zoriana_secret_9";

#[tokio::test]
async fn the_code_is_computed_from_the_answers_and_the_answers_are_not_kept() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::participant(&browser, &OKSANA, &[("mother_name", "  оксана ")]).await;
    let page = browser.text(&format!("/participants/{id}")).await;
    assert!(
        page.contains("OKIVF150390") && page.contains("Ластівка"),
        "{page}"
    );
    let edit = browser.text(&format!("/participants/{id}/edit")).await;
    assert!(!edit.contains("Оксана") && !edit.contains("1990-03-15"));
    let found = browser.text("/participants?q=okiv").await;
    assert!(found.contains("OKIVF150390"));
    assert!(
        browser
            .text("/participants?q=ласт")
            .await
            .contains("OKIVF150390"),
        "nicknames match in any case"
    );
    app.finish().await;
}

#[tokio::test]
async fn missing_answers_are_named_next_to_their_fields() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let response = browser
        .post(
            "/participants/new",
            &[
                ("mother_name", ""),
                ("father_name", "123"),
                ("nickname", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for field in [
        "mother_name",
        "father_name",
        "sex",
        "birth_date",
        "nickname",
    ] {
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    let unknown = fixtures::post_person(
        &browser,
        &OKSANA,
        &[("mother_name", ""), ("mother_unknown", "on")],
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::SEE_OTHER);
    let id = fixtures::id_after(&location(&unknown), "/participants/");
    assert!(
        browser
            .text(&format!("/participants/{id}"))
            .await
            .contains("XXIVF150390")
    );
    app.finish().await;
}

async fn proposes(browser: &crate::common::Browser, person: &Person, reason: &str) {
    let response = fixtures::post_person(browser, person, &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        person.code
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Можливо, ця людина вже є в реєстрі"),
        "{page}"
    );
    assert!(
        page.contains(OKSANA.code) && page.contains(reason),
        "{reason}: {page}"
    );
    assert!(page.contains("name=\"confirm_new\""));
}

#[tokio::test]
async fn near_duplicates_are_proposed_before_anything_is_saved() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    fixtures::participant(&browser, &OKSANA, &[]).await;
    let typo = Person {
        birth: "1991-03-15",
        code: "OKIVF150391",
        ..OKSANA
    };
    proposes(&browser, &typo, "відрізняється один символ").await;
    let swapped = Person {
        mother: "Іванна",
        father: "Оксен",
        code: "IVOKF150390",
        ..OKSANA
    };
    proposes(&browser, &swapped, "переставлено літери матері й батька").await;
    let date = Person {
        birth: "1990-15-03",
        ..OKSANA
    };
    // 15 is not a month: the date is refused, not proposed.
    assert_eq!(
        fixtures::post_person(&browser, &date, &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let day_month = Person {
        birth: "1990-03-03",
        nickname: "Інша",
        code: "OKIVF030390",
        ..OKSANA
    };
    fixtures::participant(&browser, &day_month, &[("confirm_new", "on")]).await;
    assert_eq!(
        browser
            .text("/participants")
            .await
            .matches("<code>OKIV")
            .count(),
        2,
        "only the confirmed one was added"
    );
    let confirmed = fixtures::participant(&browser, &typo, &[("confirm_new", "on")]).await;
    assert!(
        browser
            .text(&format!("/participants/{confirmed}"))
            .await
            .contains("OKIVF150391")
    );
    app.finish().await;
}

#[tokio::test]
async fn the_same_code_needs_a_distinguishing_number() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    fixtures::participant(&browser, &OKSANA, &[]).await;
    let again = fixtures::post_person(&browser, &OKSANA, &[("confirm_new", "on")]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("У реєстрі вже є людина з цим кодом")
    );
    let bad = fixtures::post_person(&browser, &OKSANA, &[("suffix", "1")]).await;
    assert!(bad.text().await.unwrap().contains("id=\"suffix-error\""));
    let second =
        fixtures::participant(&browser, &OKSANA, &[("suffix", "2"), ("confirm_new", "on")]).await;
    assert!(
        browser
            .text(&format!("/participants/{second}"))
            .await
            .contains("OKIVF150390-2")
    );
    app.finish().await;
}

#[tokio::test]
async fn personal_details_need_their_consent() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let response =
        fixtures::post_person(&browser, &OKSANA, &[("real_name", NAME), ("phone", PHONE)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"real_name-error\"") && page.contains("id=\"phone-error\""));
    let certificate_only = fixtures::post_person(
        &browser,
        &OKSANA,
        &[
            ("real_name", NAME),
            ("phone", PHONE),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    let page = certificate_only.text().await.unwrap();
    assert!(
        !page.contains("id=\"real_name-error\"")
            && page.contains("Телефон чи месенджер зберігаються лише за згоди")
    );
    let bad_phone = fixtures::post_person(
        &browser,
        &OKSANA,
        &[("phone", "call me"), ("consent_contact", "on")],
    )
    .await;
    assert!(
        bad_phone
            .text()
            .await
            .unwrap()
            .contains("Введіть номер телефону")
    );
    assert!(browser.text("/participants").await.contains("Знайдено: 0"));
    app.finish().await;
}

/// Every way the distinctive values could appear in storage as text.
fn leaks(bytes: &[u8]) -> Vec<&'static str> {
    let needles: [&'static str; 6] = [
        "Зоряна",
        "Шевчукова",
        "zoriana_secret",
        "987 65 43",
        "679876543",
        "+380679876543",
    ];
    needles
        .into_iter()
        .filter(|needle| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .collect()
}

#[tokio::test]
async fn real_names_and_phones_are_stored_encrypted_and_never_in_plain_text() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::participant(
        &browser,
        &OKSANA,
        &[
            ("real_name", NAME),
            ("phone", PHONE),
            ("messenger", MESSENGER),
            ("consent_contact", "on"),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    let contact = browser.text(&format!("/participants/{id}/contact")).await;
    assert!(
        contact.contains(NAME) && contact.contains("+380679876543") && contact.contains(MESSENGER)
    );

    match app.database_url() {
        None => {
            let mut checked = 0;
            let mut code_seen = false;
            for file in ["kolo.db", "kolo.db-wal"] {
                let path = app.data_dir().join(file);
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                checked += 1;
                code_seen |= bytes.windows(11).any(|w| w == b"OKIVF150390");
                assert!(bytes.len() > 1000, "{file} holds data");
                assert_eq!(
                    leaks(&bytes),
                    Vec::<&str>::new(),
                    "{file} holds personal details in plain text"
                );
            }
            assert!(checked >= 1, "the database files were found");
            assert!(
                code_seen,
                "the files read hold the register (the code is stored as text)"
            );
            assert!(
                app.data_dir().join("kolo.db-wal").exists(),
                "the WAL was checked too"
            );
        }
        Some(url) => {
            let dump = std::process::Command::new("pg_dump")
                .arg("--data-only")
                .arg(&url)
                .output();
            match dump {
                Ok(output) if output.status.success() => {
                    let text = output.stdout;
                    assert!(
                        String::from_utf8_lossy(&text).contains("OKIVF150390"),
                        "the dump holds the register"
                    );
                    assert_eq!(
                        leaks(&text),
                        Vec::<&str>::new(),
                        "pg_dump shows personal details in plain text"
                    );
                }
                Ok(output) => panic!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ),
                Err(_) => eprintln!(
                    "pg_dump is not installed: the PostgreSQL half of this check did not run"
                ),
            }
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn viewing_personal_details_is_audited_and_withdrawing_consent_erases_them() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("root", &[Role::Admin]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::participant(
        &browser,
        &OKSANA,
        &[
            ("real_name", NAME),
            ("phone", PHONE),
            ("consent_contact", "on"),
            ("consent_certificate", "on"),
        ],
    )
    .await;
    browser.text(&format!("/participants/{id}/contact")).await;
    let saved = browser
        .post(
            &format!("/participants/{id}/edit"),
            &[("nickname", "Ластівка"), ("consent_certificate", "on")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let contact = browser.text(&format!("/participants/{id}/contact")).await;
    assert!(
        contact.contains(NAME),
        "the name stays with consent for certificates"
    );
    assert!(
        !contact.contains("+380679876543"),
        "the phone went with the consent to contact"
    );
    let record = browser.text(&format!("/participants/{id}")).await;
    assert!(
        record.contains("відкликано"),
        "the consent history shows the withdrawal"
    );

    let admin = app.signed_in("root").await;
    let log = admin.text("/admin/audit?action=participant").await;
    assert_eq!(log.matches("participant.read_personal").count(), 2, "{log}");
    assert!(log.contains("participant.erase") && log.contains("participant.consent"));
    assert!(!log.contains("Зоряна") && !log.contains("679876543"));
    app.finish().await;
}

#[tokio::test]
async fn merging_keeps_both_histories_and_is_audited() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("root", &[Role::Admin]).await;
    let browser = app.signed_in("olena").await;
    let first = fixtures::event(&browser, &[("title", "Перша подія")]).await;
    let second = fixtures::event(&browser, &[("title", "Друга подія")]).await;
    let keep = fixtures::participant(&browser, &OKSANA, &[]).await;
    let typo = Person {
        birth: "1991-03-15",
        code: "OKIVF150391",
        ..OKSANA
    };
    let absorb = fixtures::participant(&browser, &typo, &[("confirm_new", "on")]).await;
    fixtures::register(&browser, &first, &keep).await;
    fixtures::register(&browser, &first, &absorb).await;
    fixtures::register(&browser, &second, &absorb).await;
    for (event, day) in [(&first, "2024-03-12"), (&first, "2024-03-13")] {
        let rows = fixtures::registrations(&browser, event).await;
        let (registration, _) = rows.iter().find(|(_, code)| code == "OKIVF150391").unwrap();
        let mark = format!("{registration}:{day}");
        browser
            .post(
                &format!("/events/{event}/attendance"),
                &[("row", registration), ("p", &mark)],
            )
            .await;
    }
    let preview = browser
        .text(&format!("/participants/{keep}/merge?other=okivf150391"))
        .await;
    assert!(preview.contains("OKIVF150391") && preview.contains("name=\"other\""));
    let merged = browser
        .post(
            &format!("/participants/{keep}/merge"),
            &[("other", &absorb)],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);

    let kept = browser.text(&format!("/participants/{keep}")).await;
    assert!(kept.contains("Перша подія") && kept.contains("Друга подія"));
    assert!(kept.contains("OKIVF150391"), "the merged record is listed");
    assert!(kept.contains("з об&#39;єднаного запису") || kept.contains("з об'єднаного запису"));
    let old = browser.text(&format!("/participants/{absorb}")).await;
    assert!(old.contains("Цей запис об&#39;єднано") || old.contains("Цей запис об'єднано"));
    assert_eq!(
        browser
            .get(&format!("/participants/{absorb}/edit"))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let first_page = browser.text(&format!("/events/{first}")).await;
    assert_eq!(
        first_page.matches("<code>OKIVF15039").count(),
        1,
        "one person at the first event now"
    );
    let rows = fixtures::registrations(&browser, &first).await;
    assert_eq!(rows.len(), 1);
    assert!(
        first_page.contains("✓"),
        "the absorbed record's days are kept"
    );
    let again = browser
        .post(
            &format!("/participants/{keep}/merge"),
            &[("other", &absorb)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let admin = app.signed_in("root").await;
    let log = admin.text("/admin/audit?action=participant.merge").await;
    assert!(
        log.contains("participant.merge") && log.contains(&absorb),
        "{log}"
    );
    app.finish().await;
}

#[tokio::test]
async fn each_role_sees_the_part_of_the_register_it_works_with() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let trainer = app.user("maria", &[Role::Trainer]).await;
    fixtures::user_in(&app, "svitlana", &[Role::Monitor], Oblast::Kharkiv).await;
    app.user("donor", &[Role::Viewer]).await;
    let coordinator = app.signed_in("olena").await;
    let kharkiv = fixtures::participant(&coordinator, &OKSANA, &[("oblast", "UA-63")]).await;
    let trained = fixtures::participant(&coordinator, &YULIA, &[("oblast", "UA-46")]).await;
    fixtures::participant(&coordinator, &HALYNA, &[("oblast", "UA-30")]).await;
    let event = fixtures::event(&coordinator, &[("staff_trainers", &trainer.0)]).await;
    fixtures::register(&coordinator, &event, &trained).await;

    let all = coordinator.text("/participants").await;
    assert!(all.contains(OKSANA.code) && all.contains(YULIA.code) && all.contains(HALYNA.code));
    let monitor = app.signed_in("svitlana").await;
    let theirs = monitor.text("/participants").await;
    assert!(
        theirs.contains(OKSANA.code)
            && !theirs.contains(YULIA.code)
            && !theirs.contains(HALYNA.code)
    );
    assert_eq!(
        monitor
            .get(&format!("/participants/{kharkiv}/edit"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        monitor
            .get(&format!("/participants/{trained}/edit"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let maria = app.signed_in("maria").await;
    let hers = maria.text("/participants").await;
    assert!(hers.contains(YULIA.code) && !hers.contains(OKSANA.code));
    let donor = app.signed_in("donor").await;
    assert_eq!(
        donor.get("/participants").await.status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn the_admin_chooses_how_new_codes_are_built() {
    let app = TestApp::spawn().await;
    app.user("root", &[Role::Admin]).await;
    app.user("olena", &[Role::Coordinator]).await;
    let admin = app.signed_in("root").await;
    let page = admin.text("/admin/uic").await;
    assert!(
        page.contains("OKIVF150390"),
        "the default is explained with its example"
    );
    let refused = admin
        .post(
            "/admin/uic",
            &[
                ("mother_letters", "1"),
                ("father_letters", "0"),
                ("birth", "yyyy"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("щонайменше 2 літери")
    );
    let saved = admin
        .post(
            "/admin/uic",
            &[
                ("mother_letters", "3"),
                ("father_letters", "1"),
                ("sex", "on"),
                ("birth", "ddmmyyyy"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(saved.text().await.unwrap().contains("OKSIF15031990"));
    let coordinator = app.signed_in("olena").await;
    assert_eq!(
        coordinator.get("/admin/uic").await.status(),
        StatusCode::FORBIDDEN
    );
    let id = fixtures::participant(&coordinator, &OKSANA, &[]).await;
    assert!(
        coordinator
            .text(&format!("/participants/{id}"))
            .await
            .contains("OKSIF15031990")
    );
    app.finish().await;
}
