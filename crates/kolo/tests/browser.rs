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

/// Waits until the page's path is one that `wanted` accepts and returns it.
async fn wait_for_path(browser: &Client, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..100 {
        let path = browser.current_url().await.unwrap().path().to_owned();
        if wanted(&path) {
            return path;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the browser did not reach the page expected: it is on {}",
        browser.current_url().await.unwrap()
    );
}

/// Sets a date field the way a date picker does; typing into one depends on
/// the browser's locale.
async fn set_date(browser: &Client, id: &str, value: &str) {
    browser
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

async fn type_into(browser: &Client, id: &str, text: &str) {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Downloads what a link on the page points to with the browser's own
/// session cookie, as the browser's download would.
async fn download(browser: &Client, app: &TestApp, link_css: &str) -> (String, Vec<u8>) {
    let href = browser
        .find(Locator::Css(link_css))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the link has an address");
    let cookies = browser
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let response = reqwest::Client::new()
        .get(app.url(&href))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{href}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (content_type, response.bytes().await.unwrap().to_vec())
}

/// The text of a PDF as poppler's `pdftotext` reads it.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The answers of three fictional people and the codes Kolo computes.
const PEOPLE: [(&str, &str, &str, &str, &str, &str); 3] = [
    (
        "Оксана",
        "Іван",
        "female",
        "1990-03-15",
        "Ластівка",
        "OKIVF150390",
    ),
    ("Юлія", "Жорж", "male", "2001-12-01", "Зірка", "YUZHM011201"),
    (
        "Галина",
        "Петро",
        "female",
        "1985-07-09",
        "Калина",
        "HAPEF090785",
    ),
];

#[tokio::test]
async fn a_coordinator_runs_an_event_and_prints_its_sign_in_sheet() {
    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "olena", PASSWORD).await;

    // The event, with a Cyrillic title.
    let title = "Стратегічна сесія з ґендерної рівності";
    browser.goto(&app.url("/events/new")).await.unwrap();
    type_into(&browser, "title", title).await;
    set_date(&browser, "start_date", "2024-03-12").await;
    set_date(&browser, "end_date", "2024-03-13").await;
    browser
        .find(Locator::Id("oblast"))
        .await
        .unwrap()
        .select_by_value("UA-30")
        .await
        .unwrap();
    type_into(&browser, "city", "Київ").await;
    click(&browser, "main form.stack > button[type=submit]").await;
    let path = wait_for_path(&browser, |p| {
        p.starts_with("/events/") && p != "/events/new"
    })
    .await;
    let event = path.trim_start_matches("/events/").to_owned();
    assert!(main_text(&browser).await.contains(title));

    // Three new people, each added inline on the registration page.
    for (i, (mother, father, sex, birth, nickname, _)) in PEOPLE.iter().enumerate() {
        browser
            .goto(&app.url(&format!("/events/{event}/register")))
            .await
            .unwrap();
        if i > 0 {
            // The form is folded once someone is registered.
            click(&browser, "details > summary").await;
        }
        type_into(&browser, "mother_name", mother).await;
        type_into(&browser, "father_name", father).await;
        click(&browser, &format!("input[name=sex][value={sex}]")).await;
        set_date(&browser, "birth_date", birth).await;
        type_into(&browser, "nickname", nickname).await;
        click(
            &browser,
            "form[action='/participants/new'] button[type=submit]",
        )
        .await;
        browser
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("p.notice.ok"))
            .await
            .expect("the person is added and registered");
    }
    let registered = main_text(&browser).await;
    for (.., code) in PEOPLE {
        assert!(
            registered.contains(code),
            "{code} is not registered: {registered}"
        );
    }

    // Attendance: everyone on the first day, two people on the second.
    browser
        .goto(&app.url(&format!("/events/{event}/attendance")))
        .await
        .unwrap();
    let first_day = browser
        .find_all(Locator::Css("input[name=p][value$=':2024-03-12']"))
        .await
        .unwrap();
    assert_eq!(first_day.len(), 3);
    for tick in first_day {
        tick.click().await.unwrap();
    }
    let second_day = browser
        .find_all(Locator::Css("input[name=p][value$=':2024-03-13']"))
        .await
        .unwrap();
    for tick in second_day.into_iter().take(2) {
        tick.click().await.unwrap();
    }
    click(&browser, "main form > button[type=submit]").await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("p.notice.ok"))
        .await
        .expect("the attendance is saved");
    let ticked = browser
        .find_all(Locator::Css("input[name=p]:checked"))
        .await
        .unwrap();
    assert_eq!(ticked.len(), 5, "5 marks stay ticked after saving");

    // The sign-in sheet, through the link the event page shows.
    browser
        .goto(&app.url(&format!("/events/{event}")))
        .await
        .unwrap();
    let (content_type, pdf) = download(&browser, &app, "a[href$='sign-in.pdf?lang=uk']").await;
    assert_eq!(content_type, "application/pdf");
    let text = pdf_text(&pdf);
    // pdftotext may break a long title over two lines of a table cell.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(title), "the title is missing from:\n{text}");
    for (.., code) in PEOPLE {
        assert!(text.contains(code), "{code} is missing from:\n{text}");
    }
    browser.close().await.unwrap();
    app.finish().await;
}

/// Fictional answers for the paper test: common first names repeat, as they
/// do in a real group, so codes share their first letters.
fn paper_people() -> Vec<[String; 4]> {
    // 5 x 4 name pairs for 30 people: ten pairs are shared by two people,
    // whose codes then differ only from the date of birth on.
    let mothers = ["Оксана", "Олена", "Ірина", "Наталія", "Тетяна"];
    let fathers = ["Іван", "Петро", "Микола", "Василь"];
    (0..30)
        .map(|i| {
            [
                mothers[i % mothers.len()].to_owned(),
                fathers[i % fathers.len()].to_owned(),
                format!("{}-{:02}-{:02}", 1975 + i, i % 12 + 1, i % 27 + 1),
                format!("Учасниця {}", i + 1),
            ]
        })
        .collect()
}

/// The shortest start of each code (at least the 3 characters the paper page
/// completes from) that no other code shares.
fn shortest_prefixes(codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            (3..=code.len())
                .map(|n| &code[..n])
                .find(|prefix| codes.iter().filter(|c| c.starts_with(prefix)).count() == 1)
                .unwrap_or(code)
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_paper_sheet_of_30_people_is_entered_with_the_keyboard_alone() {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};

    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;

    // The event and its 30 registered participants, made over HTTP.
    let setup = app.signed_in("olena").await;
    let created = setup
        .post(
            "/events/new",
            &[
                ("title", "Тренінг для персоналу партнерських НУО"),
                ("type_id", "training"),
                ("format", "in_person"),
                ("start_date", "2024-10-01"),
                ("end_date", "2024-10-02"),
                ("oblast", "UA-51"),
                ("status", "held"),
            ],
        )
        .await;
    let location = common::location(&created);
    let event = location
        .trim_start_matches("/events/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    for [mother, father, birth, nickname] in paper_people() {
        let added = setup
            .post(
                "/participants/new",
                &[
                    ("mother_name", &mother),
                    ("father_name", &father),
                    ("sex", "female"),
                    ("birth_date", &birth),
                    ("nickname", &nickname),
                    ("confirm_new", "on"),
                    ("event", &event),
                ],
            )
            .await;
        assert_eq!(added.status(), reqwest::StatusCode::SEE_OTHER, "{nickname}");
    }
    let mut registrations = app
        .store
        .registrations(&kolo_core::events::EventId(event.clone()))
        .await
        .unwrap();
    assert_eq!(registrations.len(), 30);
    // The order of the handwritten sheet is not the register's.
    registrations.reverse();
    let codes: Vec<String> = registrations.iter().map(|r| r.uic.to_string()).collect();
    let prefixes = shortest_prefixes(&codes);

    // The trainer types each row: the start of the code, Tab, Space to tick
    // the first day, Tab, Space for the second day (every fifth person
    // missed it), Tab to the next row; Tab to the button and Enter at the end.
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "olena", PASSWORD).await;
    browser
        .goto(&app.url(&format!("/events/{event}/paper")))
        .await
        .unwrap();
    let focused = browser.active_element().await.unwrap();
    assert_eq!(
        focused.attr("name").await.unwrap().as_deref(),
        Some("uic_0"),
        "the first code field has the focus: no mouse needed"
    );
    const TAB: char = '\u{e004}';
    const SPACE: char = '\u{e00d}';
    const ENTER: char = '\u{e007}';
    let mut keystrokes = 0;
    for (row, prefix) in prefixes.iter().enumerate() {
        let mut keys: Vec<char> = prefix.to_lowercase().chars().collect();
        keys.extend([TAB, SPACE, TAB]);
        if row % 5 != 4 {
            keys.push(SPACE);
        }
        keys.push(TAB);
        keystrokes += keys.len();
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        browser.perform_actions(actions).await.unwrap();
    }
    let on_button = browser.active_element().await.unwrap();
    assert_eq!(
        on_button.attr("type").await.unwrap().as_deref(),
        Some("submit"),
        "Tab after the last row reaches the save button"
    );
    keystrokes += 1;
    browser
        .perform_actions(
            KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down { value: ENTER })
                .then(KeyAction::Up { value: ENTER }),
        )
        .await
        .unwrap();
    // Saved: back on the event's page.
    let event_page = format!("/events/{event}");
    wait_for_path(&browser, |p| p == event_page).await;

    let saved = app
        .store
        .registrations(&kolo_core::events::EventId(event.clone()))
        .await
        .unwrap();
    for (row, code) in codes.iter().enumerate() {
        let registration = saved.iter().find(|r| r.uic.as_str() == code).unwrap();
        let expected = if row % 5 == 4 { 1 } else { 2 };
        assert_eq!(registration.present.len(), expected, "row {row}: {code}");
    }
    let typed: usize = prefixes.iter().map(String::len).sum();
    let whole: usize = codes.iter().map(String::len).sum();
    println!(
        "paper entry of 30 rows x 2 days: {keystrokes} keystrokes ({typed} characters of codes, \
         shortest unique starts of {} to {} characters); typing whole codes would be {} keystrokes",
        prefixes.iter().map(String::len).min().unwrap(),
        prefixes.iter().map(String::len).max().unwrap(),
        keystrokes - typed + whole
    );
    browser.close().await.unwrap();
    app.finish().await;
}

#[tokio::test]
async fn a_coordinator_publishes_an_xlsform_and_shows_a_device_its_qr_code() {
    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "olena", PASSWORD).await;

    browser.goto(&app.url("/clm")).await.unwrap();
    type_into(&browser, "name", "CLM 2024: послуги з ВІЛ").await;
    click(&browser, "main form.stack > button[type=submit]").await;
    let path = wait_for_path(&browser, |p| p.starts_with("/clm/projects/")).await;

    // A real workbook, as a coordinator saves it from a spreadsheet program.
    let workbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../xlsform/tests/fixtures/form.xlsx")
        .canonicalize()
        .expect("the XLSForm fixture exists");
    browser
        .find(Locator::Id("form-file"))
        .await
        .unwrap()
        .send_keys(&workbook.display().to_string())
        .await
        .unwrap();
    click(&browser, "form[enctype] > button[type=submit]").await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("publish"))
        .await
        .expect("the draft is shown with its publish button");
    // The draft's questions in Ukrainian, the page's language.
    assert!(main_text(&browser).await.contains("Згода?"));
    // The code for trying the draft in Collect fits the phone, and nothing
    // on the page scrolls sideways.
    let drawn = browser
        .execute(
            "return [document.querySelector('#draft-trial svg').getBoundingClientRect().right, \
             document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        drawn[0].as_f64().unwrap() <= 360.0 && drawn[1].as_f64().unwrap() <= 360.0,
        "{drawn}"
    );
    click(&browser, "#publish").await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("current-version"))
        .await
        .expect("the published version is shown");
    let version = browser
        .find(Locator::Id("current-version"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(version, "2026113001");

    browser.goto(&app.url(&path)).await.unwrap();
    type_into(&browser, "app-user-name", "Одеса, пристрій 1").await;
    click(&browser, "form[action$='/app-users'] > button[type=submit]").await;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#new-app-user svg[role=img]"))
        .await
        .expect("the QR code is shown");
    let url = browser
        .find(Locator::Id("server-url"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(url.contains("/v1/key/") && url.ends_with(path.trim_start_matches("/clm")));
    // The QR code is drawn inside the 360-px screen.
    let width = browser
        .execute(
            "return document.querySelector('#new-app-user svg').getBoundingClientRect().right;",
            vec![],
        )
        .await
        .unwrap();
    assert!(width.as_f64().unwrap() <= 360.0, "{width}");
    // As a phone's camera sees it, the code holds Collect's settings with
    // the server URL shown beside it.
    let shot = browser
        .find(Locator::Css("#new-app-user svg"))
        .await
        .unwrap()
        .screenshot()
        .await
        .unwrap();
    let settings = decode_settings(&scanned_qr(&shot));
    assert!(
        settings.contains(&url.replace('/', "\\/")) || settings.contains(&url),
        "{settings}"
    );
    let _ = browser.close().await;
    app.finish().await;
}

/// What zbarimg reads from a PNG holding one QR code.
fn scanned_qr(png: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qr.png");
    std::fs::write(&file, png).unwrap();
    let output = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&file)
        .output()
        .expect("zbarimg runs (Debian: apt-get install zbar-tools)");
    assert!(
        output.status.success(),
        "no QR code found in the screenshot"
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// ODK Collect's settings from a QR payload: base64 of zlib-compressed JSON.
fn decode_settings(payload: &str) -> String {
    use base64::Engine;
    use std::io::Read;
    let compressed = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(&compressed[..])
        .read_to_string(&mut json)
        .unwrap();
    json
}

/// An event held today with one instrument (a test of two questions), set up
/// in the store as the setup page would; returns the event id and the
/// instrument's code.
async fn event_with_an_instrument(
    app: &TestApp,
    kind: kolo_core::outcomes::InstrumentKind,
) -> (String, String, Vec<String>) {
    use kolo_core::events::{EventDetails, EventFormat, EventId, EventStatus};
    use kolo_core::outcomes::{
        AnswerOption, Instrument, Question, QuestionKind, ShortCode, instrument_window,
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
    let (opens_on, closes_on) = instrument_window(kind, &event, 0);
    let code = ShortCode::generate();
    app.store
        .create_instruments(&[Instrument {
            id: kolo_core::ids::new_id(),
            event_id: id.clone(),
            kind,
            code: code.clone(),
            opens_on,
            closes_on,
            closed_at: None,
            question_ids: if kind.is_test() {
                vec!["bq1".into(), "bq2".into()]
            } else {
                Vec::new()
            },
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
    let (event, code, questions) =
        event_with_an_instrument(&app, kolo_core::outcomes::InstrumentKind::PreTest).await;
    let driver = start_driver();
    let browser = phone(&driver).await;

    // The participant types the code on the short page.
    browser.goto(&app.url("/t")).await.unwrap();
    type_into(&browser, "code", &code.to_lowercase()).await;
    click(&browser, "main button[type=submit]").await;
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

    type_into(&browser, "mother_name", "Оксана").await;
    type_into(&browser, "father_name", "Іван").await;
    click(&browser, "input[name=sex][value=female]").await;
    set_date(&browser, "birth_date", "1990-03-15").await;
    for question in &questions[..2] {
        click(&browser, &format!("input[name='q.{question}'][value='1']")).await;
    }
    click(&browser, "main button[type=submit]").await;
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

#[tokio::test]
async fn a_paper_feedback_sheet_is_typed_with_the_keyboard_alone() {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use kolo_core::outcomes::InstrumentKind;

    let driver = start_driver();
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let (event, _, _) = event_with_an_instrument(&app, InstrumentKind::Feedback).await;
    let browser = phone(&driver).await;
    sign_in(&browser, &app, "olena", PASSWORD).await;
    browser
        .goto(&app.url(&format!("/events/{event}/outcomes/feedback/paper")))
        .await
        .unwrap();
    let focused = browser.active_element().await.unwrap();
    assert_eq!(
        focused.attr("name").await.unwrap().as_deref(),
        Some("c0_0"),
        "the first code cell has the focus: no mouse needed"
    );

    // Ten forms: the code, Tab past the four cells of the code's answers,
    // then a digit per rating and the recommendation, and a comment on
    // every third form, each followed by Tab; Enter on the button.
    const TAB: char = '\u{e004}';
    const ENTER: char = '\u{e007}';
    let codes: Vec<String> = (0..10).map(|i| format!("OKIVF{}0390", 10 + i)).collect();
    let mut keystrokes = 0;
    for (row, code) in codes.iter().enumerate() {
        let mut keys: Vec<char> = code.chars().collect();
        keys.extend([TAB; 5]);
        for rating in ["5", "4", "5", "3", "10"] {
            keys.extend(rating.chars());
            keys.push(TAB);
        }
        if row % 3 == 0 {
            keys.extend("Dobre, dyakuyu".chars());
        }
        keys.push(TAB);
        keystrokes += keys.len();
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        browser.perform_actions(actions).await.unwrap();
    }
    let on_button = browser.active_element().await.unwrap();
    assert_eq!(
        on_button.attr("type").await.unwrap().as_deref(),
        Some("submit"),
        "Tab after the last row reaches the save button"
    );
    keystrokes += 1;
    browser
        .perform_actions(
            KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down { value: ENTER })
                .then(KeyAction::Up { value: ENTER }),
        )
        .await
        .unwrap();
    let saved = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("paper-saved"))
        .await
        .expect("the sheet is saved")
        .text()
        .await
        .unwrap();
    assert!(saved.contains(&codes[9]), "{saved}");
    let instruments = app
        .store
        .instruments(&kolo_core::events::EventId(event.clone()))
        .await
        .unwrap();
    let responses = app.store.responses(&instruments[0].id).await.unwrap();
    assert_eq!(responses.len(), 10);
    assert_eq!(responses.iter().filter(|r| r.comment.is_some()).count(), 4);
    println!(
        "paper feedback entry of 10 forms (4 ratings, a recommendation, 4 comments): \
         {keystrokes} keystrokes, {} per form of which 11 are the code",
        keystrokes / 10
    );
    browser.close().await.unwrap();
    app.finish().await;
}
