//! Learning outcomes end to end: the question bank, setting up an event's
//! tests from a template, participants answering by code without an account,
//! every refusal (wrong, closed or not-yet-open code, a second attempt, an
//! unanswered item, a tampered form, a missing CSRF token, too many wrong
//! codes), and the event's results.

use kolo_core::auth::Role;
use kolo_core::events::EventId;
use kolo_core::outcomes::{Instrument, InstrumentKind};
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, csrf_in, location};
use crate::fixtures::{self, HALYNA, OKSANA, Person, YULIA};

fn today() -> jiff::civil::Date {
    let zone = jiff::tz::TimeZone::get("Europe/Kyiv").expect("the zone is compiled in");
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

fn day(offset: i64) -> String {
    use jiff::ToSpan;
    today()
        .checked_add(offset.days())
        .expect("a date")
        .to_string()
}

/// Adds a question through the bank's form; returns its id.
async fn question(browser: &Browser, fields: &[(&str, &str)]) -> String {
    let before = browser.text("/outcomes/questions").await;
    let response = browser.post("/outcomes/questions/new", fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "saving a question"
    );
    let after = browser.text("/outcomes/questions").await;
    // The new question's link is the one that was not there before.
    after
        .match_indices("href=\"/outcomes/questions/")
        .map(|(i, m)| {
            let rest = &after[i + m.len()..];
            rest[..rest.find('"').expect("end of link")].to_owned()
        })
        .find(|id| id != "new" && !before.contains(&format!("/outcomes/questions/{id}\"")))
        .expect("the new question is listed")
}

/// The event's results page as this person sees it.
pub(crate) async fn results_page(browser: &Browser, event: &str) -> String {
    browser
        .text(&format!("/events/{event}/outcomes/results"))
        .await
}

/// A new server with Olena, a coordinator, signed in, and an event with its
/// tests set up (see `event_with_tests`).
pub(crate) async fn coordinator_with_event(
    extra: &[(&str, &str)],
) -> (TestApp, Browser, String, Vec<Instrument>) {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let staff = app.signed_in("olena").await;
    let (event, instruments) = event_with_tests(&app, &staff, extra).await;
    (app, staff, event, instruments)
}

/// Three questions (one choice, several choices, true/false) in a template,
/// and an event held from today to tomorrow with its instruments set up.
pub(crate) async fn event_with_tests(
    app: &TestApp,
    browser: &Browser,
    extra: &[(&str, &str)],
) -> (String, Vec<Instrument>) {
    let q1 = question(
        browser,
        &[
            ("topic", "Права"),
            ("kind", "single"),
            (
                "text_uk",
                "Чи може поліція вимагати документи без підстави?",
            ),
            (
                "text_en",
                "May the police demand documents without a reason?",
            ),
            ("option_uk_0", "Так"),
            ("option_uk_1", "Ні"),
            ("correct_1", "on"),
            ("points", "1"),
        ],
    )
    .await;
    let q2 = question(
        browser,
        &[
            ("topic", "Здоров'я"),
            ("kind", "multiple"),
            ("text_uk", "Які способи захищають від ВІЛ?"),
            ("option_uk_0", "Презерватив"),
            ("correct_0", "on"),
            ("option_uk_1", "ПрЕП"),
            ("correct_1", "on"),
            ("option_uk_2", "Антибіотики"),
            ("points", "2"),
        ],
    )
    .await;
    let q3 = question(
        browser,
        &[
            ("topic", "Права"),
            ("kind", "true_false"),
            (
                "text_uk",
                "Адвокат має право бути присутнім під час допиту.",
            ),
            ("tf_answer", "true"),
        ],
    )
    .await;
    let response = browser
        .post(
            "/outcomes/templates",
            &[
                ("name_uk", "Права і здоров'я"),
                ("weeks", "6"),
                ("question", &q1),
                ("question", &q2),
                ("question", &q3),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "saving the template"
    );
    let (start, end) = (day(0), day(1));
    let mut fields = vec![("start_date", start.as_str()), ("end_date", end.as_str())];
    fields.extend_from_slice(extra);
    let event = fixtures::event(browser, &fields).await;
    let page = browser.text(&format!("/events/{event}/outcomes")).await;
    let start = page.find("<option value=\"").expect("a template to choose") + 15;
    let template = &page[start..start + page[start..].find('"').expect("end")];
    let response = browser
        .post(
            &format!("/events/{event}/outcomes/setup"),
            &[("template", template), ("weeks", "6")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "setting up");
    let instruments = app
        .store
        .instruments(&EventId(event.clone()))
        .await
        .expect("the instruments are stored");
    assert_eq!(instruments.len(), 4);
    (event, instruments)
}

pub(crate) fn code_of(instruments: &[Instrument], kind: InstrumentKind) -> String {
    instruments
        .iter()
        .find(|i| i.kind == kind)
        .expect("the instrument exists")
        .code
        .to_string()
}

/// The UIC answers of a fixture person as the public form takes them.
fn uic_fields(person: &Person) -> Vec<(&'static str, String)> {
    vec![
        ("mother_name", person.mother.to_owned()),
        ("father_name", person.father.to_owned()),
        ("sex", person.sex.to_owned()),
        ("birth_date", person.birth.to_owned()),
    ]
}

/// Answers a test: `right` questions correctly in the form's own order.
/// Returns the answer page.
async fn answer_test(
    visitor: &Browser,
    code: &str,
    person: &Person,
    right: bool,
) -> reqwest::Response {
    let page = visitor.text(&format!("/t/{code}")).await;
    let token = csrf_in(&page).expect("the public form carries a CSRF token");
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), token)];
    form.extend(
        uic_fields(person)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    );
    // Every question field with its options, read from the page.
    for (i, _) in page.match_indices("name=\"q.") {
        let rest = &page[i + 6..];
        let name = &rest[..rest.find('"').expect("end of name")];
        let value_at = rest.find("value=\"").expect("a value") + 7;
        let value = &rest[value_at..value_at + rest[value_at..].find('"').expect("end")];
        form.push((name.to_owned(), value.to_owned()));
    }
    // Keep one value per single-choice question: the first option is "Так"
    // (wrong) for q1, "Презерватив" for q2, "Правда" (right) for q3.
    let mut seen = std::collections::HashSet::new();
    form.retain(|(k, _)| !k.starts_with("q.") || seen.insert(k.clone()));
    if right {
        for (k, v) in form.iter_mut() {
            if k.starts_with("q.") && page.contains(&format!("name=\"{k}\" value=\"1\"> Ні")) {
                *v = "1".into();
            }
        }
        let multi: Vec<String> = form
            .iter()
            .filter(|(k, _)| page.contains(&format!("type=\"checkbox\" name=\"{k}\"")))
            .map(|(k, _)| k.clone())
            .collect();
        for k in multi {
            form.push((k, "1".into()));
        }
    }
    visitor
        .client
        .post(format!("{}/t/{code}", visitor.base))
        .form(&form)
        .send()
        .await
        .expect("the answers are posted")
}

#[tokio::test]
async fn participants_answer_by_code_and_the_trainer_sees_paired_results() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let post = code_of(&instruments, InstrumentKind::PostTest);

    // The code form leads to the instrument; a typed code forgives case.
    let visitor = app.browser();
    let response = visitor
        .get(&format!("/t?code={}", pre.to_lowercase()))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/t/{pre}"));
    let page = visitor.text(&format!("/t/{pre}")).await;
    assert!(page.contains("Чи може поліція") || page.contains("May the police"));
    assert!(!page.contains("<script"), "the public page needs no script");
    assert!(
        page.len() < 12_000,
        "the page is a few kilobytes: {}",
        page.len()
    );

    for person in [&OKSANA, &YULIA, &HALYNA] {
        let visitor = app.browser();
        let done = answer_test(&visitor, &pre, person, false).await;
        assert_eq!(done.status(), StatusCode::OK);
        let body = done.text().await.expect("a page");
        assert!(body.contains("id=\"answer-score\""), "{body}");
        let done = answer_test(&visitor, &post, person, true).await;
        let body = done.text().await.expect("a page");
        assert!(body.contains("4 з 4") || body.contains("4 of 4"), "{body}");
    }

    let results = results_page(&staff, &event).await;
    let paired = results
        .find("<dt>Учасники з парою")
        .or_else(|| results.find("<dt>Paired"))
        .expect("paired line");
    assert!(
        results[paired..].starts_with("<dt>")
            && results[paired..paired + 200].contains("<dd>3</dd>"),
        "{results}"
    );
    // Three pairs: the mean is shown, the signed-rank test is too few to say.
    assert!(results.contains("n = 3"));
    assert!(results.contains("замало") || results.contains("too few"));
    assert!(results.contains("<svg class=\"chart\""));
    assert!(!results.contains("style="));
    // Item analysis: the true/false question was right for everyone both times.
    assert!(results.contains("100% (3 / 3)"));
    app.finish().await;
}

#[tokio::test]
async fn a_second_attempt_by_the_same_person_is_refused_and_counted() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let first = answer_test(&app.browser(), &pre, &OKSANA, false).await;
    assert_eq!(first.status(), StatusCode::OK);
    // Another phone, the same person: refused politely, the first answers stay.
    let second = answer_test(&app.browser(), &pre, &OKSANA, true).await;
    let body = second.text().await.expect("a page");
    assert!(
        body.contains("Ви вже відповідали") || body.contains("already answered"),
        "{body}"
    );
    let stored = app
        .store
        .instruments(&EventId(event.clone()))
        .await
        .unwrap();
    let pre_test = stored
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    assert_eq!(pre_test.refused_attempts, 1);
    let responses = app.store.responses(&pre_test.id).await.unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(
        responses[0].points,
        Some(1),
        "the first attempt's score is kept"
    );
    let overview = staff.text(&format!("/events/{event}/outcomes")).await;
    assert!(
        overview.contains("<td>1</td><td>1</td>"),
        "one answer, one refused"
    );
    app.finish().await;
}

#[tokio::test]
async fn wrong_closed_and_not_yet_open_codes_get_a_clear_message() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let visitor = app.browser();
    let unknown = visitor.get("/t/KKKKKK").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let body = unknown.text().await.unwrap();
    assert!(body.contains("Форми з таким кодом немає") || body.contains("no form with this code"));
    let junk = visitor.get("/t?code=%3Cscript%3E").await;
    assert_eq!(junk.status(), StatusCode::NOT_FOUND);
    assert!(!junk.text().await.unwrap().contains("<script>"));

    // The follow-up opens six weeks after the event.
    let follow_up = code_of(&instruments, InstrumentKind::FollowUp);
    let not_yet = visitor.get(&format!("/t/{follow_up}")).await;
    assert_eq!(not_yet.status(), StatusCode::GONE);
    let body = not_yet.text().await.unwrap();
    assert!(
        body.contains("ще не відкрита") || body.contains("not open yet"),
        "{body}"
    );

    // A trainer closes the pre-test early: no more answers, nothing stored.
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let closed = staff
        .post(&format!("/events/{event}/outcomes/pre_test/close"), &[])
        .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let page = visitor.get(&format!("/t/{pre}")).await;
    assert_eq!(page.status(), StatusCode::GONE);
    let token = visitor.csrf("/t").await;
    let mut form: Vec<(&str, String)> = vec![("_csrf", token)];
    form.extend(uic_fields(&OKSANA));
    let posted = visitor
        .client
        .post(format!("{}/t/{pre}", visitor.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::GONE);
    let stored = app
        .store
        .instruments(&EventId(event.clone()))
        .await
        .unwrap();
    let pre_test = stored
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    assert!(app.store.responses(&pre_test.id).await.unwrap().is_empty());
    // Reopened within its days, it takes answers again.
    let reopened = staff
        .post(&format!("/events/{event}/outcomes/pre_test/reopen"), &[])
        .await;
    assert_eq!(reopened.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor.get(&format!("/t/{pre}")).await.status(),
        StatusCode::OK
    );
    app.finish().await;
}

#[tokio::test]
async fn unanswered_tampered_and_unsigned_forms_store_nothing() {
    let (app, _, event, instruments) = coordinator_with_event(&[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let visitor = app.browser();
    let token = visitor.csrf(&format!("/t/{pre}")).await;

    // Nothing answered but the code questions: each question is marked.
    let mut form: Vec<(&str, String)> = vec![("_csrf", token.clone())];
    form.extend(uic_fields(&OKSANA));
    let response = visitor
        .client
        .post(format!("{}/t/{pre}", visitor.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert_eq!(body.matches("class=\"field-error\"").count(), 3, "{body}");

    // The code questions unanswered.
    let response = visitor
        .client
        .post(format!("{}/t/{pre}", visitor.base))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"birth_date-error\""));

    // A question that is not on the form, and an option that does not exist.
    let pre_test = instruments
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    let mut tampered: Vec<(String, String)> = vec![("_csrf".into(), token.clone())];
    tampered.extend(
        uic_fields(&OKSANA)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    );
    for id in &pre_test.question_ids {
        tampered.push((format!("q.{id}"), "7".into()));
    }
    tampered.push(("q.injected".into(), "0".into()));
    let response = visitor
        .client
        .post(format!("{}/t/{pre}", visitor.base))
        .form(&tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("Такої відповіді немає") || body.contains("not one of the form's options")
    );

    // Without the CSRF token the post is refused before anything is read.
    let mut unsigned: Vec<(&str, String)> = uic_fields(&OKSANA);
    unsigned.push(("q.x", "0".into()));
    let response = visitor
        .client
        .post(format!("{}/t/{pre}", visitor.base))
        .form(&unsigned)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    assert!(app.store.responses(&pre_test.id).await.unwrap().is_empty());
    let _ = event;
    app.finish().await;
}

#[tokio::test]
async fn feedback_and_follow_up_are_checked_and_comments_are_kept_encrypted() {
    let (app, staff, event, instruments) = coordinator_with_event(&[("format", "online")]).await;
    let feedback = code_of(&instruments, InstrumentKind::Feedback);
    let visitor = app.browser();
    let page = visitor.text(&format!("/t/{feedback}")).await;
    assert!(
        !page.contains("likert.venue"),
        "online events are not asked about a venue"
    );
    let token = csrf_in(&page).unwrap();
    let mut form: Vec<(&str, String)> = vec![("_csrf", token.clone())];
    form.extend(uic_fields(&YULIA));
    form.extend([
        ("likert.content", "5".to_owned()),
        ("likert.trainer", "4".to_owned()),
        ("likert.usefulness", "9".to_owned()),
        ("recommend", "10".to_owned()),
        ("comment", "Дуже корисно, секретний коментар".to_owned()),
    ]);
    let refused = visitor
        .client
        .post(format!("{}/t/{feedback}", visitor.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rating of 9 on a 1-5 scale"
    );
    form.retain(|(k, _)| *k != "likert.usefulness");
    form.push(("likert.usefulness", "4".to_owned()));
    let saved = visitor
        .client
        .post(format!("{}/t/{feedback}", visitor.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    // The comment is not stored in clear text.
    let stored = app
        .store
        .instruments(&EventId(event.clone()))
        .await
        .unwrap();
    let fb = stored
        .iter()
        .find(|i| i.kind == InstrumentKind::Feedback)
        .unwrap();
    let responses = app.store.responses(&fb.id).await.unwrap();
    let sealed = responses[0].comment.as_ref().expect("a comment");
    assert!(!String::from_utf8_lossy(&sealed.0).contains("секретний"));
    let results = results_page(&staff, &event).await;
    assert!(results.contains("Дуже корисно, секретний коментар"));
    app.finish().await;
}

#[tokio::test]
async fn wrong_codes_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    let mut last = StatusCode::OK;
    for _ in 0..31 {
        last = visitor.get("/t/KKKKKK").await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

#[tokio::test]
async fn trainers_set_up_only_their_own_events_and_viewers_see_no_event_results() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let trainer = app.user("taras", &[Role::Trainer]).await;
    app.user("vira", &[Role::Viewer]).await;
    let staff = app.signed_in("olena").await;
    let (event, _) = event_with_tests(&app, &staff, &[]).await;
    let other = fixtures::event(&staff, &[("staff_trainers", trainer.0.as_str())]).await;
    let taras = app.signed_in("taras").await;
    assert_eq!(
        taras
            .post(&format!("/events/{event}/outcomes/pre_test/close"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        taras
            .get(&format!("/events/{event}/outcomes/results"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let own = taras.get(&format!("/events/{other}/outcomes")).await;
    assert_eq!(own.status(), StatusCode::OK);
    let vira = app.signed_in("vira").await;
    assert_eq!(
        vira.get(&format!("/events/{event}/outcomes/results"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn the_question_bank_refuses_a_question_without_a_correct_answer() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let staff = app.signed_in("olena").await;
    let response = staff
        .post(
            "/outcomes/questions/new",
            &[
                ("topic", "Права"),
                ("kind", "single"),
                ("text_uk", "?"),
                ("option_uk_0", "а"),
                ("option_uk_1", "б"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("Позначте правильну відповідь") || body.contains("Mark the correct answer")
    );
    assert!(app.store.questions().await.unwrap().is_empty());
    app.finish().await;
}

#[tokio::test]
async fn the_projector_page_and_the_handout_carry_the_code_and_its_qr() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let projector = staff
        .text(&format!("/events/{event}/outcomes/pre_test/projector"))
        .await;
    assert!(projector.contains(&pre) && projector.contains("<svg"));
    let pdf = staff
        .get(&format!("/events/{event}/outcomes/pre_test/handout.pdf"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = crate::attendance::pdf_text(&bytes) {
        assert!(text.contains(&pre), "{text}");
        assert!(text.contains("Чи може поліція"), "{text}");
    }
    app.finish().await;
}

#[tokio::test]
async fn the_evidence_compares_formats_and_hides_small_figures_from_viewers() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("vira", &[Role::Viewer]).await;
    let staff = app.signed_in("olena").await;
    let (_, instruments) = event_with_tests(&app, &staff, &[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let post = code_of(&instruments, InstrumentKind::PostTest);
    for person in [&OKSANA, &YULIA, &HALYNA] {
        let visitor = app.browser();
        answer_test(&visitor, &pre, person, false).await;
        answer_test(&visitor, &post, person, true).await;
    }
    let page = staff.text("/outcomes/evidence").await;
    let table = &page[page.find("id=\"evidence\"").expect("the comparison")..];
    // Three pairs in person: the gain is shown with its n, online has none.
    assert!(table.contains("(n = 3)"), "{table}");
    assert!(page.contains("id=\"summary\""));
    assert!(page.contains("формат") || page.contains("format"));

    let viewer = app.signed_in("vira").await;
    let hidden = viewer.text("/outcomes/evidence").await;
    assert!(
        !hidden.contains("(n = 3)"),
        "figures of three people are hidden from viewers"
    );
    assert!(hidden.contains("приховано") || hidden.contains("hidden"));

    let csv = staff.get("/outcomes/evidence.csv").await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.lines().count() > 10 && csv.contains(",3,"), "{csv}");
    let xlsx = viewer.get("/outcomes/evidence.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("the sheet");
    assert!(range.height() > 10);
    let text: String = range
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join("|");
    assert!(
        text.contains("приховано") || text.contains("hidden"),
        "{text}"
    );
    app.finish().await;
}

#[tokio::test]
async fn paper_tests_are_typed_as_letters_and_a_wrong_letter_names_its_row_and_column() {
    let (app, staff, event, instruments) = coordinator_with_event(&[]).await;
    let pre_test = instruments
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    let bank = app.store.questions().await.unwrap();
    // The right letters in the pre-test's own order.
    let right: Vec<&str> = pre_test
        .question_ids
        .iter()
        .map(|id| match bank.iter().find(|q| &q.id == id).unwrap().kind {
            kolo_core::outcomes::QuestionKind::Single => "B",
            kolo_core::outcomes::QuestionKind::Multiple => "ab",
            _ => "А", // Cyrillic А from a Ukrainian keyboard: "true".
        })
        .collect();
    let path = format!("/events/{event}/outcomes/pre_test/paper");
    assert!(staff.text(&path).await.contains("name=\"c9_7\""));

    // Row 1 by code, row 2 by the answers; row 2 has a letter that is no option.
    let mut form: Vec<(String, String)> = vec![("rows".into(), "10".into())];
    form.push(("c0_0".into(), OKSANA.code.into()));
    for (c, letter) in right.iter().enumerate() {
        form.push((format!("c0_{}", 5 + c), (*letter).into()));
    }
    for (c, value) in [YULIA.mother, YULIA.father, "M", YULIA.birth]
        .iter()
        .enumerate()
    {
        form.push((format!("c1_{}", 1 + c), (*value).into()));
    }
    form.push(("c1_5".into(), "E".into()));
    form.push(("c1_6".into(), "-".into()));
    form.push(("c1_7".into(), "-".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = staff.post(&path, &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"paper-errors\""), "{body}");
    assert!(
        body.contains("Рядок 2, питання 1: літери E немає")
            || body.contains("Row 2, question 1: the letter E is not an option"),
        "{body}"
    );
    assert!(body.contains("class=\"bad\""));
    assert!(
        app.store.responses(&pre_test.id).await.unwrap().is_empty(),
        "nothing stored"
    );

    // Corrected: both rows saved with their scores at once. Row 2's first
    // answer is a wrong one for whichever question the shuffle put first.
    let wrong_first = match bank
        .iter()
        .find(|q| q.id == pre_test.question_ids[0])
        .unwrap()
        .kind
    {
        kolo_core::outcomes::QuestionKind::Single => "a",
        kolo_core::outcomes::QuestionKind::Multiple => "c",
        _ => "b", // "false" where the answer is "true".
    };
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| {
            if *k == "c1_5" {
                (*k, wrong_first)
            } else {
                (*k, *v)
            }
        })
        .collect();

    let body = staff.post(&path, &fields).await.text().await.unwrap();
    assert!(body.contains("id=\"paper-saved\""), "{body}");
    assert!(body.contains(&format!("{}: ", OKSANA.code)));
    assert!(body.contains("4 з 4") || body.contains("4 of 4"));
    let stored = app.store.responses(&pre_test.id).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(
        stored
            .iter()
            .any(|r| r.uic.as_str() == YULIA.code && r.points == Some(0))
    );

    // The same people again: refused by row, nothing stored twice.
    let body = staff.post(&path, &fields).await.text().await.unwrap();
    assert!(body.contains(OKSANA.code) && body.contains("id=\"paper-errors\""));
    assert_eq!(app.store.responses(&pre_test.id).await.unwrap().len(), 2);
    app.finish().await;
}

#[tokio::test]
async fn the_demo_has_results_for_its_in_person_and_online_events() {
    let app = TestApp::spawn().await;
    kolo::demo::create(&*app.store, &app.vault, app.data_dir())
        .await
        .expect("the demo is created");
    let coordinator = app.browser();
    let response = coordinator
        .login("coordinator", "kolo-demo-plan-ahead")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let evidence = coordinator.text("/outcomes/evidence").await;
    let table = &evidence[evidence.find("id=\"evidence\"").expect("the comparison")..];
    // Both formats have gains with their n; the summary compares them.
    assert!(table.matches("(n = ").count() >= 8, "{table}");
    let summary = &evidence[evidence.find("id=\"summary\"").unwrap()..];
    assert!(
        summary.contains("Очно") || summary.contains("In person"),
        "{summary}"
    );
    // A 2024 in-person event's results page has pairs and a signed-rank test.
    let events = app
        .store
        .events(&kolo_core::events::EventFilter::default())
        .await
        .unwrap();
    let training = events
        .iter()
        .find(|e| {
            e.format == kolo_core::events::EventFormat::InPerson
                && e.start.year() == 2024
                && e.registered >= 10
        })
        .expect("a 2024 training");
    let results = coordinator
        .text(&format!("/events/{}/outcomes/results", training.id))
        .await;
    assert!(results.contains("p = "), "{results}");
    assert!(
        results.contains("(демо)"),
        "demo comments say they are demo data"
    );
    app.finish().await;
}

#[tokio::test]
async fn online_results_are_imported_from_csv_after_a_preview_naming_every_problem() {
    let (app, staff, event, instruments) = coordinator_with_event(&[("format", "online")]).await;
    let pre_test = instruments
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    let bank = app.store.questions().await.unwrap();
    let questions: Vec<_> = pre_test
        .question_ids
        .iter()
        .map(|id| bank.iter().find(|q| &q.id == id).unwrap().clone())
        .collect();
    // The answers as another tool exports them: the options' text.
    let right = |q: &kolo_core::outcomes::Question| match q.kind {
        kolo_core::outcomes::QuestionKind::Multiple => "Презерватив; ПрЕП".to_owned(),
        _ => q.options[q.correct_options()[0]].text_uk.clone(),
    };
    let mut csv = String::from("Код");
    for q in &questions {
        csv.push_str(&format!(",\"{}\"", q.text_uk));
    }
    csv.push_str("\r\n");
    csv.push_str(OKSANA.code);
    for q in &questions {
        csv.push_str(&format!(",{}", right(q)));
    }
    csv.push_str("\r\n");
    csv.push_str(YULIA.code);
    for (n, q) in questions.iter().enumerate() {
        let answer = if n == 0 {
            "Може бути".to_owned()
        } else {
            right(q)
        };
        csv.push_str(&format!(",{answer}"));
    }
    csv.push_str("\r\n");
    let path = format!("/events/{event}/outcomes/pre_test/import");

    let broken = fixtures::upload(
        &staff,
        &path,
        "file",
        "results.xls",
        "application/vnd.ms-excel",
        &[0xD0, 0xCF, 0x11, 0xE0, 0, 0],
    )
    .await;
    assert_eq!(broken.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let uploaded = fixtures::upload(
        &staff,
        &path,
        "file",
        "results.csv",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview_path = location(&uploaded);
    let preview = staff.text(&preview_path).await;
    assert!(
        preview.contains("Рядок 3, стовпець B") || preview.contains("Row 3, column B"),
        "{preview}"
    );
    assert!(preview.contains("Може бути"));
    assert!(preview.contains("id=\"import-not-ready\""));

    let mut form: Vec<(String, String)> = vec![("code".into(), "0".into())];
    for n in 0..questions.len() {
        form.push((format!("q{n}"), (n + 1).to_string()));
    }
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = staff.post(&preview_path, &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store.responses(&pre_test.id).await.unwrap().is_empty(),
        "nothing before every row is valid or left out"
    );

    let mut fields = fields.clone();
    fields.push(("exclude", "3"));
    let imported = staff.post(&preview_path, &fields).await;
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    let stored = app.store.responses(&pre_test.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].uic.as_str(), OKSANA.code);
    assert_eq!(stored[0].points, Some(4));
    assert_eq!(
        stored[0].source,
        kolo_core::outcomes::ResponseSource::Import
    );
    // The staged file is gone once imported.
    assert_eq!(
        staff.get(&preview_path).await.status(),
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

#[tokio::test]
async fn public_answers_are_audited_with_the_event_and_never_the_person() {
    let (app, _, event, instruments) = coordinator_with_event(&[]).await;
    let pre = code_of(&instruments, InstrumentKind::PreTest);
    let visitor = app.browser();
    answer_test(&visitor, &pre, &OKSANA, true).await;
    // A second attempt is refused, and audited as refused.
    answer_test(&visitor, &pre, &OKSANA, false).await;

    let mut entries = fixtures::audit_log(&app).await;
    entries.reverse();
    let answers: Vec<_> = entries
        .iter()
        .filter(|e| e.entry.action == "outcomes.response")
        .collect();
    assert_eq!(answers.len(), 2, "{entries:?}");
    let pre_test = instruments
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .unwrap();
    let stored = app.store.responses(&pre_test.id).await.unwrap();
    let code = stored[0].uic.to_string();
    for (entry, saved) in answers.iter().zip([true, false]) {
        assert_eq!(entry.entry.target, format!("event:{event}"));
        assert_eq!(entry.entry.actor, "anonymous");
        let details = entry.entry.details.to_string();
        assert!(
            details.contains("\"pre_test\"") && details.contains(&format!("\"saved\":{saved}")),
            "{details}"
        );
        assert!(!details.contains(&code), "no participant code: {details}");
        assert!(!details.contains("q."), "no answers: {details}");
    }
    app.finish().await;
}

#[tokio::test]
async fn an_unmarked_register_is_not_read_as_everyone_absent() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let staff = app.signed_in("olena").await;
    let (event, _) = event_with_tests(&app, &staff, &[]).await;
    let person = fixtures::participant(&staff, &OKSANA, &[]).await;
    assert_eq!(
        fixtures::register(&staff, &event, &person).await.status(),
        StatusCode::SEE_OTHER
    );
    let results_path = format!("/events/{event}/outcomes/results");
    let results = staff.text(&results_path).await;
    assert!(
        results.contains("Присутність ще не відмічено")
            || results.contains("The register has not been marked yet"),
        "{results}"
    );

    // Once the first day is marked, the register speaks for itself.
    let rows = fixtures::registrations(&staff, &event).await;
    let first_day = day(0);
    let saved = staff
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", rows[0].0.as_str()), ("all", first_day.as_str())],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let results = staff.text(&results_path).await;
    assert!(
        !results.contains("Присутність ще не відмічено"),
        "{results}"
    );
    assert!(!results.contains("The register has not been marked yet"));
    assert!(results.contains("id=\"attendance\""), "{results}");
    app.finish().await;
}
