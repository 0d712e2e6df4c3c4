//! Browser tests: Debian's headless Chromium, driven through chromedriver, on a
//! phone-sized window, against a real server. Run by `.ci/run` with
//! `--features browser-tests` once both are installed.

#[path = "integration/common.rs"]
#[allow(dead_code)]
mod common;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kolo_core::auth::Role;

/// chromedriver on a free port; killed when dropped.
struct Driver {
    process: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn start_driver() -> Driver {
    let port = StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let process =
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install chromium chromium-driver)");
    Driver {
        process,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// A headless Chromium the size of a small phone (360 x 740).
async fn phone(driver: &Driver) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=360,740", "--lang=uk"
            ],
            // Desktop windows have a minimum width; emulation gives a true 360-px viewport.
            "mobileEmulation": { "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2.0 } },
            // A Ukrainian phone: the browser asks for Ukrainian pages.
            "prefs": { "intl.accept_languages": "uk-UA,uk" }
        }),
    );
    let mut last_error = None;
    for _ in 0..50 {
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities.clone());
        match builder.connect(&driver.url).await {
            Ok(client) => return client,
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not start Chromium through chromedriver: {last_error:?}");
}

async fn sign_in(browser: &Client, app: &TestApp, login: &str, password: &str) {
    browser.goto(&app.url("/login")).await.unwrap();
    browser
        .find(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    browser
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Wait for the answer page: the dashboard, or the login page with its alert.
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("main h1 + p, [role=alert]"))
        .await
        .expect("the sign-in answer arrives");
}

/// Clicks the language switch and waits for the page in that language.
async fn switch_language(browser: &Client, to: &str) {
    browser
        .find(Locator::Css(&format!("button[lang={to}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!("html[lang={to}]")))
        .await
        .expect("the page comes back in the other language");
}

async fn main_text(browser: &Client) -> String {
    browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_coordinator_signs_in_switches_to_english_and_back() {
    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = phone(&driver).await;

    sign_in(&browser, &app, "olena", PASSWORD).await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    assert!(main_text(&browser).await.contains("Вітаємо, Test olena!"));

    // The page fits the phone: nothing scrolls sideways.
    let width = browser
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    let too_wide = browser
        .execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)\
             .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        width.as_u64().unwrap() <= 360,
        "the page is {width} px wide; too wide: {too_wide}"
    );

    switch_language(&browser, "en").await;
    assert!(main_text(&browser).await.contains("Welcome, Test olena!"));
    switch_language(&browser, "uk").await;
    assert!(main_text(&browser).await.contains("Вітаємо"));
    browser.close().await.unwrap();
    app.finish().await;
}

#[tokio::test]
async fn a_viewer_is_refused_the_admin_pages() {
    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("donor", &[Role::Viewer]).await;
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "donor", PASSWORD).await;
    let menu = browser
        .find(Locator::Css("header nav"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !menu.contains("Працівники"),
        "the viewer's menu offers staff administration: {menu}"
    );
    browser.goto(&app.url("/admin/users")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap();
    let text = main_text(&browser).await;
    assert!(
        text.contains("403") && text.contains("У вас немає доступу до цієї сторінки."),
        "{text}"
    );
    browser.close().await.unwrap();
    app.finish().await;
}

#[tokio::test]
async fn a_failed_login_shows_the_error_in_ukrainian() {
    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Trainer]).await;
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "olena", "not the right password").await;
    let alert = browser
        .find(Locator::Css("[role=alert]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alert, "Неправильний логін або пароль.");
    // The login typed stays in the field; the password does not.
    let login = browser
        .find(Locator::Id("login"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(login.as_deref(), Some("olena"));
    browser.close().await.unwrap();
    app.finish().await;
}

/// An event held today with a pre-test of two questions, set up in the store
/// as the setup page would; returns the event id and the pre-test's code.
async fn event_with_a_pre_test(app: &TestApp) -> (String, String, Vec<String>) {
    use kolo_core::events::{EventDetails, EventFormat, EventId, EventStatus};
    use kolo_core::outcomes::{
        AnswerOption, Instrument, InstrumentKind, Question, QuestionKind, ShortCode,
        instrument_window,
    };
    use kolo_core::time::Timestamp;
    let zone = jiff::tz::TimeZone::get("Europe/Kyiv").unwrap();
    let today = jiff::Timestamp::now().to_zoned_datetime(zone).date();
    let now = Timestamp::now();
    let option = |uk: &str, correct| AnswerOption {
        text_uk: uk.to_owned(),
        text_en: uk.to_owned(),
        correct,
    };
    let questions = [
        (
            "bq1",
            "Чи може поліція вимагати документи без підстави?",
            vec![option("Так", false), option("Ні", true)],
        ),
        (
            "bq2",
            "ПКП треба почати протягом 72 годин.",
            vec![option("Правда", true), option("Неправда", false)],
        ),
    ];
    for (id, text, options) in &questions {
        app.store
            .save_question(&Question {
                id: (*id).to_owned(),
                topic: "Права".into(),
                kind: QuestionKind::Single,
                text_uk: (*text).to_owned(),
                text_en: String::new(),
                options: options.clone(),
                numeric_answer: None,
                points: 1,
                retired: false,
                updated_at: now,
            })
            .await
            .unwrap();
    }
    let id = EventId(kolo_core::ids::new_id());
    let details = EventDetails {
        title: "Тренінг з прав".into(),
        type_id: "training".into(),
        topics: vec![],
        format: EventFormat::InPerson,
        start: today,
        end: today,
        days: vec![today],
        oblast: None,
        city: "Київ".into(),
        venue: String::new(),
        trainers: vec![],
        funder_ids: vec![],
        budget: None,
        agenda: String::new(),
        planned_participants: None,
        actual_participants: None,
        status: EventStatus::Planned,
        notes: String::new(),
    };
    app.store
        .create_event(&id, &details, None, now)
        .await
        .unwrap();
    let event = app.store.event(&id).await.unwrap().unwrap();
    let (opens_on, closes_on) = instrument_window(InstrumentKind::PreTest, &event, 0);
    let code = ShortCode::generate();
    app.store
        .create_instruments(&[Instrument {
            id: kolo_core::ids::new_id(),
            event_id: id.clone(),
            kind: InstrumentKind::PreTest,
            code: code.clone(),
            opens_on,
            closes_on,
            closed_at: None,
            question_ids: vec!["bq1".into(), "bq2".into()],
            follow_up_weeks: 0,
            refused_attempts: 0,
            created_at: now,
        }])
        .await
        .unwrap();
    (id.0, code.to_string(), vec!["bq1".into(), "bq2".into()])
}

#[tokio::test]
async fn a_participant_answers_a_pre_test_on_a_phone_and_the_trainer_sees_it() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let (event, code, questions) = event_with_a_pre_test(&app).await;
    let driver = start_driver();
    let browser = phone(&driver).await;

    // The participant types the code on the short page.
    browser.goto(&app.url("/t")).await.unwrap();
    browser
        .find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(&code.to_lowercase())
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("mother_name"))
        .await
        .expect("the pre-test opens");
    let width: f64 = browser
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(width <= 360.0, "the form fits a 360-px phone: {width}");

    for (id, text) in [("mother_name", "Оксана"), ("father_name", "Іван")] {
        browser
            .find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    browser
        .find(Locator::Css("input[name=sex][value=female]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A date field's typing differs by browser locale; set its value as a person's picker would.
    browser
        .execute(
            "document.getElementById('birth_date').value = '1990-03-15';",
            vec![],
        )
        .await
        .unwrap();
    browser
        .find(Locator::Css(&format!(
            "input[name='q.{}'][value='1']",
            questions[0]
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css(&format!(
            "input[name='q.{}'][value='1']",
            questions[1]
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let result = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("answer-result"))
        .await
        .expect("the answers are saved")
        .text()
        .await
        .unwrap();
    assert!(result.contains("збережено"), "{result}");
    let score = browser
        .find(Locator::Id("answer-score"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(score.contains("1 з 2"), "{score}");

    // The trainer signs in on the same phone and sees the answer.
    sign_in(&browser, &app, "olena", PASSWORD).await;
    browser
        .goto(&app.url(&format!("/events/{event}/outcomes/results")))
        .await
        .unwrap();
    let received = browser
        .find(Locator::Id("received"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        received.contains("Вхідний тест") && received.contains('1'),
        "{received}"
    );
    let items = browser
        .find(Locator::Id("items"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        items.contains("100% (1 / 1)") && items.contains("0% (0 / 1)"),
        "{items}"
    );
    browser.close().await.unwrap();
    app.finish().await;
}
