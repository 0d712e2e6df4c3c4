//! Events, participants, registrations and attendance over the JSON API,
//! with the pages' permissions, and described in the OpenAPI document.

use kolo_core::auth::Role;
use kolo_core::org::Oblast;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::fixtures;

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn of(app: &TestApp, login: &str) -> Api {
        let browser = app.signed_in(login).await;
        Api {
            client: reqwest::Client::new(),
            base: app.base.clone(),
            token: fixtures::api_token(&browser).await,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

fn training() -> Value {
    json!({
        "title": "Тренінг з моніторингу, який веде спільнота",
        "type": "training",
        "format": "in_person",
        "start": "2024-04-16",
        "end": "2024-04-17",
        "oblast": "UA-63",
        "city": "Харків",
        "budget_amount": 40000,
        "budget_currency": "UAH",
        "status": "held"
    })
}

#[tokio::test]
async fn events_are_created_read_and_refused_with_every_faulty_field_named() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("maria", &[Role::Trainer]).await;
    app.user("donor", &[Role::Viewer]).await;
    let coordinator = Api::of(&app, "olena").await;
    let (status, event) = coordinator.post("/api/v1/events", training()).await;
    assert_eq!(status, StatusCode::OK, "{event}");
    assert_eq!(event["days"], json!(["2024-04-16", "2024-04-17"]));
    assert_eq!(event["budget"]["amount"], "40000");
    let id = event["id"].as_str().unwrap().to_owned();
    let (_, one) = coordinator.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(one["title"], "Тренінг з моніторингу, який веде спільнота");
    let (_, list) = coordinator.get("/api/v1/events?oblast=UA-63").await;
    assert_eq!(list["events"].as_array().unwrap().len(), 1);

    let mut bad = training();
    bad["end"] = json!("2024-04-15");
    bad["oblast"] = json!("UA-00");
    bad["days"] = json!(["2024-04-20"]);
    let (status, error) = coordinator.post("/api/v1/events", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"], "invalid");
    assert!(
        error["fields"]["end"]
            .as_str()
            .unwrap()
            .contains("Останній день раніше")
    );
    assert!(error["fields"]["oblast"].is_string());
    let (status, error) = coordinator
        .post("/api/v1/events", json!("not an object"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error["fields"]["body"].is_string());
    let (_, list) = coordinator.get("/api/v1/events").await;
    assert_eq!(
        list["events"].as_array().unwrap().len(),
        1,
        "nothing half-saved"
    );

    let trainer = Api::of(&app, "maria").await;
    assert_eq!(
        trainer.post("/api/v1/events", training()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        trainer
            .get(&format!("/api/v1/events/{id}/registrations"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let viewer = Api::of(&app, "donor").await;
    assert_eq!(viewer.get("/api/v1/events").await.0, StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn participants_registrations_and_attendance_work_over_the_api() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    fixtures::user_in(&app, "natalia", &[Role::Monitor], Oblast::Odesa).await;
    app.user("donor", &[Role::Viewer]).await;
    let api = Api::of(&app, "olena").await;
    let (_, event) = api.post("/api/v1/events", training()).await;
    let event = event["id"].as_str().unwrap().to_owned();

    let person = json!({
        "mother_name": "Оксана", "father_name": "Іван", "sex": "female", "birth_date": "1990-03-15",
        "nickname": "Ластівка", "oblast": "UA-63", "real_name": "Оксана Вигадана",
        "phone": "067 123 45 67", "consent_contact": true
    });
    let (status, created) = api.post("/api/v1/participants", person.clone()).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["uic"], "OKIVF150390");
    assert_eq!(created["personal_stored"]["phone"], true);
    assert!(!created.to_string().contains("Вигадана") && !created.to_string().contains("1234567"));
    let participant = created["id"].as_str().unwrap().to_owned();

    let mut typo = person.clone();
    typo["birth_date"] = json!("1991-03-15");
    let (status, duplicate) = api.post("/api/v1/participants", typo.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(duplicate["error"], "possible_duplicate");
    assert_eq!(duplicate["candidates"][0]["uic"], "OKIVF150390");
    let (status, invalid) = api
        .post(
            "/api/v1/participants",
            json!({ "sex": "unknown", "nickname": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["sex", "birth_date", "nickname"] {
        assert!(invalid["fields"][field].is_string(), "{field}: {invalid}");
    }

    let path = format!("/api/v1/events/{event}/registrations");
    let (status, registration) = api
        .post(&path, json!({ "participant_id": participant }))
        .await;
    assert_eq!(status, StatusCode::OK, "{registration}");
    let registration = registration["id"].as_str().unwrap().to_owned();
    let (status, twice) = api
        .post(&path, json!({ "participant_id": participant }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        twice["fields"]["participant_id"]
            .as_str()
            .unwrap()
            .contains("уже зареєстровано")
    );

    let attendance = format!("/api/v1/events/{event}/attendance");
    let (status, grid) = api
        .post(&attendance, json!({ "marks": [{ "registration_id": registration, "day": "2024-04-16", "present": true }] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{grid}");
    assert_eq!(grid["rows"][0]["present"], json!(["2024-04-16"]));
    let (status, refused) = api
        .post(
            &attendance,
            json!({ "marks": [
                { "registration_id": registration, "day": "2024-04-17", "present": true },
                { "registration_id": registration, "day": "2024-04-20", "present": true },
                { "registration_id": "nobody", "day": "2024-04-16", "present": true }
            ] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["fields"]["marks[1].day"]
            .as_str()
            .unwrap()
            .contains("2024-04-20")
    );
    assert!(refused["fields"]["marks[2].registration_id"].is_string());
    let (_, grid) = api.get(&attendance).await;
    assert_eq!(
        grid["rows"][0]["present"],
        json!(["2024-04-16"]),
        "nothing half-saved"
    );
    let (_, grid) = api
        .post(&attendance, json!({ "marks": [{ "registration_id": registration, "day": "2024-04-16", "present": false }] }))
        .await;
    assert_eq!(grid["rows"][0]["present"], json!([]));

    let monitor = Api::of(&app, "natalia").await;
    assert_eq!(
        monitor.get(&attendance).await.0,
        StatusCode::FORBIDDEN,
        "another oblast"
    );
    let (_, theirs) = monitor.get("/api/v1/participants").await;
    assert_eq!(theirs["total"], 0);
    let (status, one) = monitor
        .get(&format!("/api/v1/participants/{participant}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(one.get("consents").is_none(), "finding is not managing");
    let viewer = Api::of(&app, "donor").await;
    assert_eq!(
        viewer.get("/api/v1/participants").await.0,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn figures_over_the_api_hide_small_counts() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("donor", &[Role::Viewer]).await;
    let browser = app.signed_in("olena").await;
    let event = fixtures::event(&browser, &[]).await;
    let person = fixtures::participant(&browser, &fixtures::OKSANA, &[]).await;
    fixtures::register(&browser, &event, &person).await;
    let rows = fixtures::registrations(&browser, &event).await;
    let mark = format!("{}:2024-03-12", rows[0].0);
    browser
        .post(
            &format!("/events/{event}/attendance"),
            &[("row", &rows[0].0), ("p", &mark)],
        )
        .await;
    let viewer = Api::of(&app, "donor").await;
    let (status, figures) = viewer.get("/api/v1/figures/events?year=2024").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figures["unique_people"], "suppressed");
    assert_eq!(figures["events"][0]["people"], "suppressed");
    let training = figures["by_type_and_format"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "training" && c["format"] == "in_person")
        .unwrap();
    assert_eq!(training["events_held"], 1);
    assert_eq!(training["participations"], "suppressed");
    app.finish().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_events_and_participants_api() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/events", "get"),
        ("/api/v1/events", "post"),
        ("/api/v1/events/{id}/registrations", "post"),
        ("/api/v1/events/{id}/attendance", "post"),
        ("/api/v1/participants", "post"),
        ("/api/v1/figures/events", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    let create = &doc["paths"]["/api/v1/events"]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/EventInput"
    );
    assert!(
        create["description"]
            .as_str()
            .unwrap()
            .contains("coordinator")
    );
    assert!(
        doc["components"]["schemas"]["ParticipantInput"]["properties"]["birth_date"].is_object()
    );
    assert!(doc["components"]["schemas"]["AttendanceInput"].is_object());
    app.finish().await;
}
