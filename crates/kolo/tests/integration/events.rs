//! Events: the form and its bad input, the list and calendar, the row-level
//! rules, event types, funders and materials.

use kolo_core::auth::Role;
use kolo_core::org::Oblast;
use reqwest::StatusCode;

use crate::common::{TestApp, location};
use crate::fixtures::{self, OKSANA};

#[tokio::test]
async fn a_coordinator_creates_an_event_that_appears_in_the_list_the_calendar_and_its_page() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::event(
        &browser,
        &[
            ("topics", "право, декриміналізація"),
            ("budget_amount", "12 500,50"),
            ("budget_currency", "UAH"),
            ("agenda", "День 1: моделі регулювання"),
            ("external_trainers", "Запрошена експертка"),
        ],
    )
    .await;
    let page = browser.text(&format!("/events/{id}")).await;
    assert!(page.contains("Тренінг з моделей регулювання секс-роботи"));
    assert!(page.contains("12.03.2024 – 14.03.2024"));
    assert!(page.contains("12\u{202f}500.50 UAH"), "{page}");
    assert!(page.contains("декриміналізація") && page.contains("Запрошена експертка"));
    let list = browser
        .text("/events?from=2024-03-01&until=2024-03-31")
        .await;
    assert!(list.contains(&format!("/events/{id}")));
    let elsewhere = browser
        .text("/events?from=2024-05-01&until=2024-05-31")
        .await;
    assert!(!elsewhere.contains(&format!("/events/{id}")));
    let online = browser.text("/events?format=online").await;
    assert!(!online.contains(&format!("/events/{id}")));
    let calendar = browser.text("/events/calendar?month=2024-03").await;
    assert!(calendar.contains("Березень 2024"));
    assert_eq!(
        calendar.matches(&format!("/events/{id}\"")).count(),
        3,
        "one link per day"
    );
    app.finish().await;
}

#[tokio::test]
async fn an_end_before_the_start_is_refused_next_to_the_field_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let response = browser
        .post(
            "/events/new",
            &[
                ("title", "Зустріч"),
                ("type_id", "community_meeting"),
                ("format", "online"),
                ("start_date", "2024-05-10"),
                ("end_date", "2024-05-09"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"end_date\"") && page.contains("aria-describedby=\"end_date-error\"")
    );
    assert!(page.contains("Останній день раніше за перший"), "{page}");
    assert!(
        page.contains("value=\"Зустріч\""),
        "the typed title is kept"
    );
    assert!(browser.text("/events").await.contains("Немає подій"));
    app.finish().await;
}

#[tokio::test]
async fn a_day_outside_the_event_and_an_unknown_oblast_are_named_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let response = browser
        .post(
            "/events/new",
            &[
                ("title", "Тренінг"),
                ("type_id", "training"),
                ("format", "in_person"),
                ("start_date", "2024-03-12"),
                ("end_date", "2024-03-14"),
                ("days", "2024-03-12, 2024-03-20"),
                ("oblast", "UA-99"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"days-error\"") && page.contains("Один із днів поза подією"));
    assert!(page.contains("id=\"oblast-error\"") && page.contains("Такої області немає"));
    assert!(browser.text("/events").await.contains("Немає подій"));
    app.finish().await;
}

#[tokio::test]
async fn chosen_days_make_the_columns_and_days_with_attendance_cannot_be_removed() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::event(&browser, &[("days", "2024-03-12 2024-03-14")]).await;
    let person = fixtures::participant(&browser, &OKSANA, &[]).await;
    fixtures::register(&browser, &id, &person).await;
    let rows = fixtures::registrations(&browser, &id).await;
    let registration = &rows[0].0;
    let grid = browser.text(&format!("/events/{id}/attendance")).await;
    assert!(grid.contains("12.03") && grid.contains("14.03") && !grid.contains("13.03"));
    let mark = format!("{registration}:2024-03-14");
    let saved = browser
        .post(
            &format!("/events/{id}/attendance"),
            &[("row", registration), ("p", &mark)],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let edit = browser
        .post(
            &format!("/events/{id}/edit"),
            &[
                ("title", "Тренінг"),
                ("type_id", "training"),
                ("format", "in_person"),
                ("start_date", "2024-03-12"),
                ("end_date", "2024-03-13"),
                ("oblast", "UA-30"),
                ("status", "held"),
            ],
        )
        .await;
    assert_eq!(edit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        edit.text()
            .await
            .unwrap()
            .contains("На 14.03 записано відвідуваність")
    );
    assert!(
        browser
            .text(&format!("/events/{id}"))
            .await
            .contains("12.03.2024 – 14.03.2024")
    );
    app.finish().await;
}

#[tokio::test]
async fn trainers_manage_their_own_events_and_see_only_the_details_of_others() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let trainer = app.user("maria", &[Role::Trainer]).await;
    app.user("ira", &[Role::Trainer]).await;
    let coordinator = app.signed_in("olena").await;
    let own = fixtures::event(&coordinator, &[("staff_trainers", &trainer.0)]).await;
    let other = fixtures::event(&coordinator, &[("title", "Інший тренінг")]).await;
    let person = fixtures::participant(&coordinator, &OKSANA, &[]).await;
    fixtures::register(&coordinator, &own, &person).await;
    fixtures::register(&coordinator, &other, &person).await;

    let maria = app.signed_in("maria").await;
    let own_page = maria.text(&format!("/events/{own}")).await;
    assert!(own_page.contains(OKSANA.code) && own_page.contains("/attendance"));
    assert_eq!(
        maria.get(&format!("/events/{own}/edit")).await.status(),
        StatusCode::OK
    );
    let other_page = maria.get(&format!("/events/{other}")).await;
    assert_eq!(other_page.status(), StatusCode::OK);
    let other_page = other_page.text().await.unwrap();
    assert!(other_page.contains("Інший тренінг") && !other_page.contains(OKSANA.code));
    for path in ["edit", "attendance", "register", "paper", "sign-in.pdf"] {
        assert_eq!(
            maria.get(&format!("/events/{other}/{path}")).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        maria
            .post(
                &format!("/events/{other}/register"),
                &[("participant", &person)]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The participant is hers to manage through her own event.
    assert!(
        maria
            .text(&format!("/participants/{person}"))
            .await
            .contains("/edit")
    );
    assert_eq!(
        maria.get("/events/new").await.status(),
        StatusCode::FORBIDDEN
    );
    // Another trainer of nothing finds the person but does not manage the record.
    let ira = app.signed_in("ira").await;
    assert_eq!(
        ira.get(&format!("/participants/{person}/contact"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn monitors_see_the_events_of_their_oblast_only() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    fixtures::user_in(&app, "svitlana", &[Role::Monitor], Oblast::Kharkiv).await;
    let coordinator = app.signed_in("olena").await;
    let kharkiv = fixtures::event(
        &coordinator,
        &[("title", "Харківська зустріч"), ("oblast", "UA-63")],
    )
    .await;
    let kyiv = fixtures::event(&coordinator, &[("title", "Київський тренінг")]).await;
    let person = fixtures::participant(&coordinator, &OKSANA, &[]).await;
    fixtures::register(&coordinator, &kharkiv, &person).await;

    let monitor = app.signed_in("svitlana").await;
    let list = monitor.text("/events").await;
    assert!(list.contains("Харківська зустріч") && !list.contains("Київський тренінг"));
    assert!(
        monitor
            .text("/events?oblast=UA-30")
            .await
            .contains("Немає подій")
    );
    let page = monitor.text(&format!("/events/{kharkiv}")).await;
    assert!(
        page.contains(OKSANA.code),
        "monitors see who came in their oblast"
    );
    assert!(
        !page.contains("/attendance\""),
        "but do not manage the event"
    );
    assert_eq!(
        monitor.get(&format!("/events/{kyiv}")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        monitor
            .get(&format!("/events/{kharkiv}/attendance"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let calendar = monitor.text("/events/calendar?month=2024-03").await;
    assert!(calendar.contains("Харківська зустріч") && !calendar.contains("Київський тренінг"));
    app.finish().await;
}

#[tokio::test]
async fn viewers_see_figures_with_small_counts_hidden_and_nothing_else() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("donor", &[Role::Viewer]).await;
    let coordinator = app.signed_in("olena").await;
    let event = fixtures::event(&coordinator, &[]).await;
    let person = fixtures::participant(&coordinator, &OKSANA, &[]).await;
    fixtures::register(&coordinator, &event, &person).await;
    let rows = fixtures::registrations(&coordinator, &event).await;
    let mark = format!("{}:2024-03-12", rows[0].0);
    coordinator
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", &rows[0].0), ("p", &mark)],
        )
        .await;

    let donor = app.signed_in("donor").await;
    for path in [
        "/events",
        &format!("/events/{event}"),
        "/participants",
        &format!("/participants/{person}"),
    ] {
        assert_eq!(
            donor.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let figures = donor.text("/figures/events?year=2024").await;
    assert!(figures.contains("Тренінг з моделей регулювання секс-роботи"));
    assert!(
        figures.contains("<td>&#60;5</td>"),
        "one person is a small count: {figures}"
    );
    assert!(!figures.contains(OKSANA.code) && !figures.contains(OKSANA.nickname));
    app.finish().await;
}

#[tokio::test]
async fn event_types_are_named_in_both_languages_and_retired_ones_leave_the_form() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("maria", &[Role::Trainer]).await;
    let browser = app.signed_in("olena").await;
    let added = browser
        .post(
            "/events/types",
            &[("id", ""), ("name_uk", "Вебінар"), ("name_en", "Webinar")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    assert!(browser.text("/events/new").await.contains("Вебінар"));
    browser
        .post("/language", &[("lang", "en"), ("back", "/")])
        .await;
    assert!(browser.text("/events/new").await.contains("Webinar"));
    let refused = browser
        .post(
            "/events/types",
            &[("id", ""), ("name_uk", " "), ("name_en", "Empty")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Give a name of 1 to 80 characters.")
    );
    browser
        .post(
            "/events/types",
            &[
                ("id", "workshop"),
                ("name_uk", "Воркшоп"),
                ("name_en", "Workshop"),
                ("retired", "on"),
            ],
        )
        .await;
    let form = browser.text("/events/new").await;
    assert!(
        !form.contains("value=\"workshop\""),
        "retired types are not offered"
    );
    let trainer = app.signed_in("maria").await;
    assert_eq!(
        trainer.get("/events/types").await.status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn the_funder_registry_refuses_duplicates_and_backward_periods() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let fields = [
        ("name", "Демо-фонд «Відкрите коло»"),
        ("grant_code", "OK-2024-01"),
        ("period_start", "2024-01-01"),
        ("period_end", "2024-12-31"),
    ];
    assert_eq!(
        browser.post("/funders", &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = browser.post("/funders", &fields).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("вже є в реєстрі"));
    let backward = browser
        .post(
            "/funders",
            &[
                ("name", "Інший фонд"),
                ("period_start", "2024-12-31"),
                ("period_end", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(backward.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        backward
            .text()
            .await
            .unwrap()
            .contains("id=\"period_end-error\"")
    );
    let list = browser.text("/funders").await;
    assert_eq!(list.matches("OK-2024-01").count(), 1);
    assert!(!list.contains("Інший фонд"));
    let form = browser.text("/events/new").await;
    assert!(form.contains("Демо-фонд «Відкрите коло» (OK-2024-01)"));
    app.finish().await;
}

#[tokio::test]
async fn materials_are_checked_by_content_and_size_and_come_back_as_uploaded() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let id = fixtures::event(&browser, &[]).await;
    let path = format!("/events/{id}/materials");
    let pdf = b"%PDF-1.7\n% programme\n".to_vec();
    let ok = fixtures::upload(
        &browser,
        &path,
        "file",
        "Програма.pdf",
        "application/pdf",
        &pdf,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = browser.text(&format!("/events/{id}")).await;
    let link_start = page
        .find(&format!("/events/{id}/materials/"))
        .expect("a link to the file");
    let link = &page[link_start..link_start + page[link_start..].find('"').unwrap()];
    let download = browser.get(link).await;
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.bytes().await.unwrap().to_vec(), pdf);

    let renamed = fixtures::upload(
        &browser,
        &path,
        "file",
        "agenda.pdf",
        "application/pdf",
        b"MZ\x90\0program",
    )
    .await;
    assert_eq!(renamed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = renamed.text().await.unwrap();
    assert!(text.contains("id=\"file-error\"") && text.contains("не відповідає його назві"));
    let exe = fixtures::upload(
        &browser,
        &path,
        "file",
        "tool.exe",
        "application/octet-stream",
        b"MZ",
    )
    .await;
    assert!(
        exe.text()
            .await
            .unwrap()
            .contains("Такий файл не приймається")
    );
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let too_large =
        fixtures::upload(&browser, &path, "file", "notes.txt", "text/plain", &big).await;
    assert_eq!(too_large.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_large
            .text()
            .await
            .unwrap()
            .contains("Файл більший за 10 MB")
    );
    let page = browser.text(&format!("/events/{id}")).await;
    assert_eq!(
        page.matches(&format!("/events/{id}/materials/")).count(),
        2,
        "one file: link and delete form"
    );

    let delete = browser.post(&format!("{link}/delete"), &[]).await;
    assert_eq!(delete.status(), StatusCode::SEE_OTHER);
    assert!(location(&delete).contains("notice=deleted"));
    assert_eq!(browser.get(link).await.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}
