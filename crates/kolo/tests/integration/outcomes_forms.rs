//! The feedback form and the follow-up on paper and from other survey tools,
//! and the templates of the question bank: fast keyboard entry with every
//! bad cell named by row and column and nothing stored until all rows are
//! right; imports from CSV and XLSX with a preview of every problem; editing
//! and deleting templates without touching events set up from them.

use kolo_core::auth::Role;
use kolo_core::events::EventId;
use kolo_core::outcomes::{Instrument, InstrumentKind, ResponseSource, StoredResponse};
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, location};
use crate::fixtures::{self, HALYNA, OKSANA, YULIA, audit_log};
use crate::outcomes::{coordinator_with_event, event_with_tests, results_page};

fn instrument(instruments: &[Instrument], kind: InstrumentKind) -> &Instrument {
    instruments
        .iter()
        .find(|i| i.kind == kind)
        .expect("the instrument exists")
}

/// A paper sheet's fields: `rows` of cells, each row's first cell the code.
fn sheet(rows: &[&[&str]]) -> Vec<(String, String)> {
    let mut form = vec![("rows".to_owned(), "10".to_owned())];
    for (r, cells) in rows.iter().enumerate() {
        form.push((format!("c{r}_0"), cells[0].to_owned()));
        for (c, value) in cells[1..].iter().enumerate() {
            form.push((format!("c{r}_{}", 5 + c), (*value).to_owned()));
        }
    }
    form
}

async fn post_sheet(browser: &Browser, path: &str, form: &[(String, String)]) -> String {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = browser.post(path, &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("a page")
}

/// The stored answers of a response as `item=value`, by item.
fn answers(response: &StoredResponse) -> Vec<String> {
    let mut answers: Vec<String> = response
        .answers
        .iter()
        .map(|a| format!("{}={}", a.item, a.value))
        .collect();
    answers.sort();
    answers
}

/// The stored response of the person with this code.
fn response_of<'a>(stored: &'a [StoredResponse], code: &str) -> &'a StoredResponse {
    stored
        .iter()
        .find(|r| r.uic.as_str() == code)
        .expect("a response with the code")
}

/// Oksana's and Yulia's follow-up answers, the same whether the sheet was
/// typed in on paper or imported from a spreadsheet.
fn assert_follow_up_of_oksana_and_yulia(stored: &[StoredResponse]) {
    assert_eq!(
        answers(response_of(stored, OKSANA.code)),
        vec!["action.rights=1", "action.shared=1", "used=yes"]
    );
    assert_eq!(
        answers(response_of(stored, YULIA.code)),
        vec!["barrier.fear=1", "barrier.other=1", "used=no"]
    );
}

fn contains_either(body: &str, uk: &str, en: &str) -> bool {
    body.contains(uk) || body.contains(en)
}

#[tokio::test]
async fn feedback_is_typed_as_digits_every_bad_cell_is_named_and_the_results_show_it() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let feedback = instrument(&instruments, InstrumentKind::Feedback);
    let path = format!("/events/{event}/outcomes/feedback/paper");
    let page = staff.text(&path).await;
    // In person: four ratings with the venue, the recommendation and a comment.
    assert!(page.contains("name=\"c9_10\"") && !page.contains("name=\"c9_11\""));
    assert!(contains_either(
        &page,
        "Рекомендація (0-10)",
        "Recommend (0-10)"
    ));
    let overview = staff.text(&format!("/events/{event}/outcomes")).await;
    assert!(
        overview.contains(&path),
        "the overview links the paper entry"
    );

    let long = "д".repeat(2001);
    let bad = sheet(&[
        &[OKSANA.code, "5", "4", "5", "3", "9", "Корисно, дякую"],
        &[YULIA.code, "4", "-", "4", "4", "10", ""],
        &[HALYNA.code, "6", "", "x", "0", "11", &long],
    ]);
    let body = post_sheet(&staff, &path, &bad).await;
    assert!(body.contains("id=\"paper-errors\""), "{body}");
    for (uk, en) in [
        (
            "Рядок 3, Зміст: введіть ціле число від 1 до 5",
            "Row 3, Content: type a whole number from 1 to 5",
        ),
        ("Рядок 3, Тренер: порожньо", "Row 3, Trainer: empty"),
        (
            "Рядок 3, Користь: введіть ціле число від 1 до 5",
            "Row 3, Usefulness: type a whole number from 1 to 5",
        ),
        (
            "Рядок 3, Місце: введіть ціле число від 1 до 5",
            "Row 3, Venue: type a whole number from 1 to 5",
        ),
        (
            "Рядок 3, Рекомендація (0-10): введіть ціле число від 0 до 10",
            "Row 3, Recommend (0-10): type a whole number from 0 to 10",
        ),
        (
            "Рядок 3, Коментар: довше за 2000 символів",
            "Row 3, Comment: longer than 2000 characters",
        ),
    ] {
        assert!(contains_either(&body, uk, en), "{uk}: {body}");
    }
    assert_eq!(body.matches("class=\"bad\"").count(), 6);
    assert!(
        app.store.responses(&feedback.id).await.unwrap().is_empty(),
        "nothing is stored while one row is wrong"
    );

    // Row 3 corrected: all three saved at once, each with what it holds.
    let good = sheet(&[
        &[OKSANA.code, "5", "4", "5", "3", "9", "Корисно, дякую"],
        &[YULIA.code, "4", "-", "4", "4", "10", ""],
        &[HALYNA.code, "3", "3", "2", "1", "0", "-"],
    ]);
    let body = post_sheet(&staff, &path, &good).await;
    assert!(body.contains("id=\"paper-saved\""), "{body}");
    assert!(contains_either(
        &body,
        &format!("{}: відповідей: 5, з коментарем", OKSANA.code),
        &format!("{}: answers: 5, with a comment", OKSANA.code)
    ));
    let stored = app.store.responses(&feedback.id).await.unwrap();
    assert_eq!(stored.len(), 3);
    let oksana = stored
        .iter()
        .find(|r| r.uic.as_str() == OKSANA.code)
        .unwrap();
    assert_eq!(oksana.source, ResponseSource::Paper);
    assert_eq!(
        answers(oksana),
        vec![
            "likert.content=5",
            "likert.trainer=4",
            "likert.usefulness=5",
            "likert.venue=3",
            "recommend=9"
        ]
    );
    let sealed = oksana.comment.as_ref().expect("the comment is kept");
    assert!(!String::from_utf8_lossy(&sealed.0).contains("Корисно"));
    let yulia = stored
        .iter()
        .find(|r| r.uic.as_str() == YULIA.code)
        .unwrap();
    assert!(
        !answers(yulia)
            .iter()
            .any(|a| a.starts_with("likert.trainer"))
    );
    assert!(yulia.comment.is_none());

    // The results page shows the comment and the ratings' distribution.
    let results = results_page(&staff, &event).await;
    assert!(results.contains("Корисно, дякую"), "{results}");
    assert!(results.contains("1–5: 0 / 0 / 1 / 1 / 1"), "{results}");

    // The same people again: refused by row, nothing stored twice.
    let body = post_sheet(&staff, &path, &good).await;
    assert!(body.contains("id=\"paper-errors\"") && body.contains(OKSANA.code));
    assert_eq!(app.store.responses(&feedback.id).await.unwrap().len(), 3);

    // Audited with the form and a count: never a code or a comment.
    let entries = audit_log(&app).await;
    let paper = entries
        .iter()
        .find(|e| e.entry.action == "outcomes.paper")
        .expect("the paper entry is audited");
    let details = format!("{:?}", paper.entry);
    assert!(
        details.contains("feedback") && details.contains('3'),
        "{details}"
    );
    let everything = format!("{entries:?}");
    assert!(!everything.contains("Корисно") && !everything.contains(OKSANA.code));
    app.finish().await;
}

#[tokio::test]
async fn follow_up_is_typed_as_the_printed_letters_and_a_wrong_letter_stores_nothing() {
    let (app, staff, event, instruments) = coordinator_with_event(&[("format", "online")]).await;
    let follow_up = instrument(&instruments, InstrumentKind::FollowUp);
    let path = format!("/events/{event}/outcomes/follow_up/paper");
    let page = staff.text(&path).await;
    // The letters of the paper form are on the page, as printed.
    assert!(page.contains("id=\"paper-legend\""));
    assert!(page.contains("A) Поділилася") || page.contains("A) I shared it"));

    let bad = sheet(&[
        &[OKSANA.code, "A", "AC", "", "Пояснила подрузі"],
        &[YULIA.code, "AB", "G", "F", ""],
        &[HALYNA.code, "", "", "", ""],
    ]);
    let body = post_sheet(&staff, &path, &bad).await;
    for (uk, en) in [
        (
            "Рядок 2, Застосували: кілька літер",
            "Row 2, Used it: several letters",
        ),
        (
            "Рядок 2, Як: літери G немає серед варіантів (від A до F)",
            "Row 2, How: the letter G is not an option (A to F)",
        ),
        (
            "Рядок 2, Що завадило: літери F немає серед варіантів (від A до E)",
            "Row 2, What stopped: the letter F is not an option (A to E)",
        ),
        ("Рядок 3, Застосували: порожньо", "Row 3, Used it: empty"),
    ] {
        assert!(contains_either(&body, uk, en), "{uk}: {body}");
    }
    assert!(app.store.responses(&follow_up.id).await.unwrap().is_empty());

    // A code built from the answers, Cyrillic letters from a Ukrainian keyboard.
    let mut good = sheet(&[
        &[OKSANA.code, "A", "AC", "", "Пояснила подрузі"],
        &[YULIA.code, "в", "-", "В, Е", ""],
    ]);
    for (c, value) in [HALYNA.mother, HALYNA.father, "F", HALYNA.birth]
        .iter()
        .enumerate()
    {
        good.push((format!("c2_{}", 1 + c), (*value).to_owned()));
    }
    good.push(("c2_5".into(), "-".into()));
    let body = post_sheet(&staff, &path, &good).await;
    assert!(body.contains("id=\"paper-saved\""), "{body}");
    let stored = app.store.responses(&follow_up.id).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert_follow_up_of_oksana_and_yulia(&stored);
    assert!(
        answers(response_of(&stored, HALYNA.code)).is_empty(),
        "left blank"
    );
    let results = results_page(&staff, &event).await;
    assert!(results.contains("Пояснила подрузі"));
    app.finish().await;
}

#[tokio::test]
async fn tampered_paper_posts_are_refused_or_read_only_within_the_form() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let trainer = app.user("taras", &[Role::Trainer]).await;
    app.user("vira", &[Role::Viewer]).await;
    let staff = app.signed_in("olena").await;
    let (event, instruments) = event_with_tests(&app, &staff, &[]).await;
    let feedback = instrument(&instruments, InstrumentKind::Feedback);
    let path = format!("/events/{event}/outcomes/feedback/paper");

    // Cells beyond the form's columns and rows, and a row count out of range,
    // are never read: the row is refused for its own empty cells.
    let form = [
        ("rows", "100000"),
        ("c0_0", OKSANA.code),
        ("c0_5", "5"),
        ("c0_99", "5"),
        ("c42_5", "5"),
    ];
    let body = staff.post(&path, &form).await.text().await.unwrap();
    assert!(contains_either(
        &body,
        "Рядок 1, Тренер: порожньо",
        "Row 1, Trainer: empty"
    ));
    assert!(!body.contains("name=\"c10_0\""), "the default ten rows");
    // A kind that does not exist, an unsigned post, people who may not.
    assert_eq!(
        staff
            .get(&format!("/events/{event}/outcomes/survey/paper"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let unsigned = staff
        .post_raw(&path, &[("c0_0", OKSANA.code), ("c0_5", "5")])
        .await;
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    let _ = trainer;
    for person in ["taras", "vira"] {
        let other = app.signed_in(person).await;
        assert_eq!(other.get(&path).await.status(), StatusCode::FORBIDDEN);
        let filled = sheet(&[&[OKSANA.code, "5", "5", "5", "5", "10", ""]]);
        let fields: Vec<(&str, &str)> = filled
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            other.post(&path, &fields).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert!(app.store.responses(&feedback.id).await.unwrap().is_empty());
    app.finish().await;
}

#[tokio::test]
async fn the_printed_feedback_and_follow_up_forms_are_in_ukrainian() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    for (kind, text) in [
        (InstrumentKind::Feedback, "Наскільки добрим був зміст?"),
        (
            InstrumentKind::FollowUp,
            "Чи використали ви те, чого навчилися?",
        ),
    ] {
        let pdf = staff
            .get(&format!(
                "/events/{event}/outcomes/{}/handout.pdf?lang=uk",
                kind.as_str()
            ))
            .await;
        assert_eq!(pdf.status(), StatusCode::OK);
        let bytes = pdf.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        if let Some(pdf_text) = crate::attendance::pdf_text(&bytes) {
            let code = instrument(&instruments, kind).code.to_string();
            assert!(pdf_text.contains(&code), "{pdf_text}");
            assert!(pdf_text.contains(text), "{pdf_text}");
        }
    }
    app.finish().await;
}

/// Uploads a results file and returns the preview's address.
async fn upload(browser: &Browser, path: &str, name: &str, bytes: &[u8]) -> String {
    let content_type = if name.ends_with(".csv") {
        "text/csv"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let uploaded = fixtures::upload(browser, path, "file", name, content_type, bytes).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    location(&uploaded)
}

#[tokio::test]
async fn feedback_is_imported_from_csv_after_a_preview_naming_every_problem() {
    let (app, staff, event, instruments) = coordinator_with_event(&[("format", "online")]).await;
    let feedback = instrument(&instruments, InstrumentKind::Feedback);
    let path = format!("/events/{event}/outcomes/feedback/import");
    let intro = staff.text(&path).await;
    assert!(contains_either(&intro, "пункт форми", "item of the form"));
    // An online event: no venue. Ratings as another tool exports them.
    let csv = format!(
        "Код,How good was the content?,trainer,usefulness,recommend,comment\r\n\
         {},5,4.0,4,9,\"Корисно, але довго\"\r\n\
         {},добре,4,,12,\r\n",
        OKSANA.code, YULIA.code
    );
    let preview_path = upload(&staff, &path, "feedback.csv", csv.as_bytes()).await;
    let preview = staff.text(&preview_path).await;
    assert!(
        contains_either(
            &preview,
            "Рядок 3, стовпець B «How good was the content?»: «добре» немає серед варіантів",
            "Row 3, column B «How good was the content?»: «добре» is none of the options"
        ),
        "{preview}"
    );
    assert!(
        contains_either(
            &preview,
            "Рядок 3, стовпець E «recommend»: введіть ціле число від 0 до 10",
            "Row 3, column E «recommend»: type a whole number from 0 to 10"
        ),
        "{preview}"
    );
    assert!(preview.contains("id=\"import-not-ready\""));

    // The guessed mapping, as the preview's confirmation posts it.
    let mapping = [
        ("code", "0"),
        ("q0", "1"),
        ("q1", "2"),
        ("q2", "3"),
        ("q3", "4"),
        ("q4", "5"),
    ];
    let refused = staff.post(&preview_path, &mapping).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A tampered mapping (no number, a column that does not exist) and
    // someone else's idea of a row to leave out import nothing either.
    let tampered = staff
        .post(
            &preview_path,
            &[("code", "A"), ("q0", "999"), ("exclude", "-1")],
        )
        .await;
    assert_eq!(tampered.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.responses(&feedback.id).await.unwrap().is_empty());

    let mut fields = mapping.to_vec();
    fields.push(("exclude", "3"));
    let imported = staff.post(&preview_path, &fields).await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let stored = app.store.responses(&feedback.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].source, ResponseSource::Import);
    assert_eq!(
        answers(&stored[0]),
        vec![
            "likert.content=5",
            "likert.trainer=4",
            "likert.usefulness=4",
            "recommend=9"
        ]
    );
    let results = results_page(&staff, &event).await;
    assert!(results.contains("Корисно, але довго"));
    app.finish().await;
}

#[tokio::test]
async fn follow_up_is_imported_from_xlsx_with_choices_as_their_text() {
    let (app, staff, event, instruments) = coordinator_with_event(&[("format", "online")]).await;
    let follow_up = instrument(&instruments, InstrumentKind::FollowUp);
    let path = format!("/events/{event}/outcomes/follow_up/import");
    let workbook = crate::import::xlsx(&[
        &["code", "used", "actions", "barriers", "comment"],
        &[
            OKSANA.code,
            "Так",
            "Поділилася чи поділився з іншими зі спільноти; Відстояла чи відстояв свої права",
            "",
            "Допомогло",
        ],
        &[YULIA.code, "no", "", "Fear or stigma, E", ""],
        &[HALYNA.code, "можливо", "Z", "", ""],
        &["NOT A CODE", "yes", "", "", ""],
    ]);
    let preview_path = upload(&staff, &path, "follow-up.xlsx", &workbook).await;
    let preview = staff.text(&preview_path).await;
    for (uk, en) in [
        (
            "Рядок 4, стовпець B «used»: «можливо» немає",
            "Row 4, column B «used»: «можливо» is none",
        ),
        (
            "Рядок 4, стовпець C «actions»: «Z» немає",
            "Row 4, column C «actions»: «Z» is none",
        ),
        ("Рядок 5, стовпець A «code»", "Row 5, column A «code»"),
    ] {
        assert!(contains_either(&preview, uk, en), "{uk}: {preview}");
    }
    let mapping = [
        ("code", "0"),
        ("q0", "1"),
        ("q1", "2"),
        ("q2", "3"),
        ("q3", "4"),
    ];
    let refused = staff.post(&preview_path, &mapping).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.responses(&follow_up.id).await.unwrap().is_empty());

    // No column for any item: the mapping itself is refused.
    let none = staff.text(&format!("{preview_path}?mapped=1&code=0")).await;
    assert!(contains_either(
        &none,
        "Оберіть стовпець хоча б для одного пункту",
        "Choose the column of at least one item"
    ));

    let mut fields = mapping.to_vec();
    fields.extend([("exclude", "4"), ("exclude", "5")]);
    let imported = staff.post(&preview_path, &fields).await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let stored = app.store.responses(&follow_up.id).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_follow_up_of_oksana_and_yulia(&stored);
    assert!(response_of(&stored, OKSANA.code).comment.is_some());
    app.finish().await;
}

/// The id of the bank's only template, from its link on the bank's page.
async fn template_id(browser: &Browser) -> String {
    let page = browser.text("/outcomes/questions").await;
    let start = page
        .find("href=\"/outcomes/templates/")
        .expect("the template is linked")
        + "href=\"/outcomes/templates/".len();
    page[start..start + page[start..].find('"').expect("end of link")].to_owned()
}

#[tokio::test]
async fn a_template_is_edited_and_deleted_without_touching_events_set_up_from_it() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("taras", &[Role::Trainer]).await;
    let staff = app.signed_in("olena").await;
    let (event, instruments) = event_with_tests(&app, &staff, &[]).await;
    let id = template_id(&staff).await;
    let path = format!("/outcomes/templates/{id}");
    let template = app.store.templates().await.unwrap().remove(0);
    let first = template.question_ids[0].clone();

    // Every bad field is refused with its message; nothing changes.
    let long = "ш".repeat(201);
    let response = staff
        .post(
            &path,
            &[
                ("name_uk", &long),
                ("weeks", "99"),
                ("question", &first),
                ("question", "injected"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    for (uk, en) in [
        ("Щонайбільше 200 символів", "At most 200 characters"),
        (
            "Тижні: ціле число від 1 до 52",
            "Weeks: a whole number from 1 to 52",
        ),
        (
            "Оберіть хоча б одне питання",
            "Choose at least one question",
        ),
    ] {
        assert!(contains_either(&body, uk, en), "{uk}: {body}");
    }
    assert_eq!(app.store.templates().await.unwrap()[0], template);

    // A trainer edits it: one question, new name and weeks.
    let taras = app.signed_in("taras").await;
    let form = taras.text(&path).await;
    assert!(form.contains("value=\"Права і здоров"), "{form}");
    let saved = taras
        .post(
            &path,
            &[
                ("name_uk", "Лише права"),
                ("name_en", "Rights only"),
                ("weeks", "8"),
                ("question", &first),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let edited = app.store.templates().await.unwrap().remove(0);
    assert_eq!(
        (
            edited.name_uk.as_str(),
            edited.name_en.as_str(),
            edited.follow_up_weeks
        ),
        ("Лише права", "Rights only", 8)
    );
    assert_eq!(edited.question_ids, vec![first]);
    assert_eq!(edited.created_at, template.created_at);

    // Deleted: gone from the bank, the event keeps its three questions.
    let deleted = taras.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert!(app.store.templates().await.unwrap().is_empty());
    let after = app
        .store
        .instruments(&EventId(event.clone()))
        .await
        .unwrap();
    assert_eq!(after, instruments);
    assert_eq!(
        instrument(&after, InstrumentKind::PreTest)
            .question_ids
            .len(),
        3
    );
    assert_eq!(
        staff
            .get(&format!("/events/{event}/outcomes/results"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(taras.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        taras.post(&format!("{path}/delete"), &[]).await.status(),
        StatusCode::NOT_FOUND
    );

    // Audited with ids and counts, never the names.
    let entries = audit_log(&app).await;
    let actions: Vec<&str> = entries
        .iter()
        .filter(|e| e.entry.target == format!("template:{id}"))
        .map(|e| e.entry.action.as_str())
        .collect();
    for action in [
        "outcomes.template",
        "outcomes.template_update",
        "outcomes.template_delete",
    ] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    assert!(
        !format!("{entries:?}").contains("Лише права"),
        "no names in the audit log"
    );
    app.finish().await;
}

#[tokio::test]
async fn viewers_monitors_and_outsiders_may_not_edit_or_delete_a_template() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("vira", &[Role::Viewer]).await;
    app.user("maks", &[Role::Monitor]).await;
    let staff = app.signed_in("olena").await;
    event_with_tests(&app, &staff, &[]).await;
    let id = template_id(&staff).await;
    let path = format!("/outcomes/templates/{id}");
    let before = app.store.templates().await.unwrap();
    for person in ["vira", "maks"] {
        let other = app.signed_in(person).await;
        assert_eq!(other.get(&path).await.status(), StatusCode::FORBIDDEN);
        let update = other
            .post(&path, &[("name_uk", "Зламано"), ("weeks", "2")])
            .await;
        assert_eq!(update.status(), StatusCode::FORBIDDEN);
        let delete = other.post(&format!("{path}/delete"), &[]).await;
        assert_eq!(delete.status(), StatusCode::FORBIDDEN);
    }
    // Not signed in: sent to the login page; without the form's token: refused.
    let outsider = app.browser();
    let response = outsider.get(&path).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));
    let delete = outsider.post(&format!("{path}/delete"), &[]).await;
    assert!(
        matches!(
            delete.status(),
            StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ),
        "{}",
        delete.status()
    );
    let unsigned = staff.post_raw(&format!("{path}/delete"), &[]).await;
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.templates().await.unwrap(), before);
    app.finish().await;
}

#[tokio::test]
async fn an_edited_template_may_keep_a_retired_question_but_never_gains_one() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let staff = app.signed_in("olena").await;
    event_with_tests(&app, &staff, &[]).await;
    let id = template_id(&staff).await;
    let path = format!("/outcomes/templates/{id}");
    let template = app.store.templates().await.unwrap().remove(0);
    // Retire the template's first question in the bank.
    let mut retired = app
        .store
        .questions()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.id == template.question_ids[0])
        .unwrap();
    retired.retired = true;
    app.store.save_question(&retired).await.unwrap();

    // The template's form still offers it, marked; a new template's does not.
    let form = staff.text(&path).await;
    assert!(form.contains(&format!("value=\"{}\" checked", retired.id)));
    assert!(contains_either(&form, "(вилучене)", "(retired)"));
    let bank = staff.text("/outcomes/questions").await;
    assert!(!bank.contains(&format!("name=\"question\" value=\"{}\"", retired.id)));

    // Kept when the template is saved again...
    let mut fields: Vec<(&str, &str)> = vec![("name_uk", "Права"), ("weeks", "6")];
    fields.extend(
        template
            .question_ids
            .iter()
            .map(|q| ("question", q.as_str())),
    );
    let saved = staff.post(&path, &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let kept = app.store.templates().await.unwrap().remove(0);
    assert_eq!(kept.question_ids, template.question_ids);
    // ...but a new template cannot take it.
    let refused = staff
        .post(
            "/outcomes/templates",
            &[
                ("name_uk", "Новий"),
                ("weeks", "6"),
                ("question", retired.id.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert_eq!(app.store.templates().await.unwrap().len(), 1);
    app.finish().await;
}
