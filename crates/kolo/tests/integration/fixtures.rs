//! Events and participants made through the pages, as staff make them, for
//! the tests of events, participants, attendance, imports and the API.

use kolo_core::audit::{AuditFilter, StoredEntry};
use reqwest::{Response, StatusCode};

use crate::common::{Browser, TestApp, location};

/// The answers of a fictional person and the code Kolo must compute.
pub struct Person {
    pub mother: &'static str,
    pub father: &'static str,
    pub sex: &'static str,
    pub birth: &'static str,
    pub nickname: &'static str,
    pub code: &'static str,
}

pub const OKSANA: Person = Person {
    mother: "Оксана",
    father: "Іван",
    sex: "female",
    birth: "1990-03-15",
    nickname: "Ластівка",
    code: "OKIVF150390",
};

pub const YULIA: Person = Person {
    mother: "Юлія",
    father: "Жорж",
    sex: "male",
    birth: "2001-12-01",
    nickname: "Зірка",
    code: "YUZHM011201",
};

pub const HALYNA: Person = Person {
    mother: "Галина",
    father: "Петро",
    sex: "female",
    birth: "1985-07-09",
    nickname: "Калина",
    code: "HAPEF090785",
};

/// Creates an event through the form; returns its id.
pub async fn event(browser: &Browser, fields: &[(&str, &str)]) -> String {
    let mut form: Vec<(&str, &str)> = vec![
        ("title", "Тренінг з моделей регулювання секс-роботи"),
        ("type_id", "training"),
        ("format", "in_person"),
        ("start_date", "2024-03-12"),
        ("end_date", "2024-03-14"),
        ("oblast", "UA-30"),
        ("city", "Київ"),
        ("status", "held"),
    ];
    for (key, value) in fields {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    let response = browser.post("/events/new", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "creating an event"
    );
    id_after(&location(&response), "/events/")
}

/// The id in a redirect such as `/events/ID?notice=created`.
pub fn id_after(location: &str, prefix: &str) -> String {
    location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"))
        .split(['?', '/', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The new-participant form with a person's answers and extra fields.
pub async fn post_person(browser: &Browser, person: &Person, extra: &[(&str, &str)]) -> Response {
    let mut form: Vec<(&str, &str)> = vec![
        ("mother_name", person.mother),
        ("father_name", person.father),
        ("sex", person.sex),
        ("birth_date", person.birth),
        ("nickname", person.nickname),
    ];
    for (key, value) in extra {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    browser.post("/participants/new", &form).await
}

/// Adds a participant; returns the record's id.
pub async fn participant(browser: &Browser, person: &Person, extra: &[(&str, &str)]) -> String {
    let response = post_person(browser, person, extra).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "adding {}: {}",
        person.code,
        response.text().await.unwrap_or_default()
    );
    id_after(&location(&response), "/participants/")
}

/// Registers an existing participant to an event through the page.
pub async fn register(browser: &Browser, event: &str, participant: &str) -> Response {
    browser
        .post(
            &format!("/events/{event}/register"),
            &[("participant", participant)],
        )
        .await
}

/// The registration ids of an event, from the attendance grid, with codes.
pub async fn registrations(browser: &Browser, event: &str) -> Vec<(String, String)> {
    let page = browser.text(&format!("/events/{event}/attendance")).await;
    let mut found = Vec::new();
    for piece in page
        .split("<input type=\"hidden\" name=\"row\" value=\"")
        .skip(1)
    {
        let id = piece.split('"').next().unwrap_or_default().to_owned();
        found.push(id);
    }
    let mut codes = Vec::new();
    for piece in page.split("<th scope=\"row\"><code>").skip(1) {
        codes.push(piece.split('<').next().unwrap_or_default().to_owned());
    }
    found.into_iter().zip(codes).collect()
}

/// A multipart body with one file field, built by hand; the CSRF token goes in
/// the URL as the pages do.
pub async fn upload(
    browser: &Browser,
    path: &str,
    field: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Response {
    let token = browser.current_csrf().await;
    let boundary = "kolo-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    browser
        .client
        .post(format!("{}{path}?_csrf={token}", browser.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("the upload is answered")
}

/// An API token for an account, made on its account page.
pub async fn api_token(browser: &Browser) -> String {
    let body = browser
        .post("/account/tokens", &[("name", "tests")])
        .await
        .text()
        .await
        .expect("a page");
    let start = body
        .find("id=\"new-token\">")
        .expect("the new token is shown")
        + "id=\"new-token\">".len();
    body[start..start + body[start..].find('<').expect("end of token")].to_owned()
}

/// The JSON an API path answers to a bearer token.
pub async fn api_json(app: &TestApp, path: &str, token: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("the API answers with JSON")
}

/// An account with roles working in an oblast (a regional leader).
pub async fn user_in(
    app: &crate::common::TestApp,
    login: &str,
    roles: &[kolo_core::auth::Role],
    oblast: kolo_core::org::Oblast,
) -> kolo_core::auth::UserId {
    let id = app.user(login, roles).await;
    app.store
        .change_user(
            &id,
            &kolo_core::auth::UserChange {
                display_name: format!("Test {login}"),
                roles: kolo_core::auth::RoleSet::of(roles),
                oblast: Some(oblast),
                disabled: false,
            },
            kolo_core::time::Timestamp::now(),
        )
        .await
        .expect("the oblast is set");
    id
}

/// The last thousand entries of the audit log, newest first: more than any
/// test writes.
pub async fn audit_log(app: &TestApp) -> Vec<StoredEntry> {
    app.store
        .audit_entries(&AuditFilter {
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}
