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
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
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
        ("/api/v1/participants", "get"),
        ("/api/v1/participants/{id}", "get"),
        ("/api/v1/participants/{id}", "put"),
        ("/api/v1/events/{id}", "get"),
        ("/api/v1/events/{id}", "put"),
        ("/api/v1/events/{id}/registrations", "get"),
        ("/api/v1/events/{id}/registrations/{registration}", "delete"),
        ("/api/v1/events/{id}/attendance", "get"),
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
    let edit = &doc["paths"]["/api/v1/participants/{id}"]["put"];
    assert_eq!(
        edit["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ParticipantEdit"
    );
    assert!(doc["components"]["schemas"]["ParticipantEdit"]["properties"]["erase"].is_object());
    let remove = &doc["paths"]["/api/v1/events/{id}/registrations/{registration}"]["delete"];
    assert_eq!(remove["parameters"].as_array().unwrap().len(), 2);
    assert!(
        !remove["description"].as_str().unwrap().contains("viewer"),
        "viewers may not remove registrations"
    );
    app.finish().await;
}

#[tokio::test]
async fn events_are_edited_and_cancelled_over_the_api_without_losing_attendance() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let maria = app.user("maria", &[Role::Trainer]).await;
    app.user("oksana", &[Role::Trainer]).await;
    fixtures::user_in(&app, "natalia", &[Role::Monitor], Oblast::Kharkiv).await;
    let coordinator = Api::of(&app, "olena").await;
    let mut body = training();
    body["staff_trainers"] = json!([maria.0]);
    let (_, event) = coordinator.post("/api/v1/events", body.clone()).await;
    let id = event["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/events/{id}");

    // The event's own trainer edits it; another trainer and a monitor may not.
    let trainer = Api::of(&app, "maria").await;
    body["venue"] = json!("Готель «Харків»");
    body["end"] = json!("2024-04-18");
    let (status, edited) = trainer.put(&path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["venue"], "Готель «Харків»");
    assert_eq!(edited["days"].as_array().unwrap().len(), 3);
    let other = Api::of(&app, "oksana").await;
    assert_eq!(
        other.put(&path, body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let monitor = Api::of(&app, "natalia").await;
    assert_eq!(monitor.get(&path).await.0, StatusCode::OK, "their oblast");
    assert_eq!(
        monitor.put(&path, body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        coordinator
            .put("/api/v1/events/nothing-here", body.clone())
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Someone attended the third day: it cannot be dropped.
    let (_, person) = coordinator
        .post(
            "/api/v1/participants",
            json!({ "mother_name": "Галина", "father_name": "Петро", "sex": "female",
                    "birth_date": "1985-07-09", "nickname": "Калина", "oblast": "UA-63" }),
        )
        .await;
    let (_, registration) = coordinator
        .post(
            &format!("{path}/registrations"),
            json!({ "participant_id": person["id"] }),
        )
        .await;
    let (status, _) = coordinator
        .post(
            &format!("{path}/attendance"),
            json!({ "marks": [{ "registration_id": registration["id"], "day": "2024-04-18", "present": true }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut shorter = body.clone();
    shorter["end"] = json!("2024-04-17");
    shorter["title"] = json!("Змінена назва");
    let (status, refused) = coordinator.put(&path, shorter).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["fields"]["days"]
            .as_str()
            .unwrap()
            .contains("2024-04-18"),
        "{refused}"
    );
    let mut bad = body.clone();
    bad["start"] = json!("2024-04-19");
    bad["oblast"] = json!("UA-99");
    let (status, refused) = coordinator.put(&path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["fields"]["end"].is_string() && refused["fields"]["oblast"].is_string());
    let (_, unchanged) = coordinator.get(&path).await;
    assert_eq!(
        unchanged["title"], "Тренінг з моніторингу, який веде спільнота",
        "nothing half-saved"
    );

    // Cancelling is an edit of the status.
    body["status"] = json!("cancelled");
    let (status, cancelled) = coordinator.put(&path, body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "cancelled");
    let (_, list) = coordinator.get("/api/v1/events?status=cancelled").await;
    assert_eq!(list["events"][0]["id"], id.as_str());
    app.finish().await;
}

#[tokio::test]
async fn participants_are_searched_edited_and_registrations_removed_over_the_api() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("maria", &[Role::Trainer]).await;
    app.user("donor", &[Role::Viewer]).await;
    let api = Api::of(&app, "olena").await;
    let (_, event) = api.post("/api/v1/events", training()).await;
    let event = event["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (mother, father, birth, nickname) in [
        ("Оксана", "Іван", "1990-03-15", "Ластівка"),
        ("Юлія", "Жорж", "2001-12-01", "Зірка"),
    ] {
        let (status, created) = api
            .post(
                "/api/v1/participants",
                json!({ "mother_name": mother, "father_name": father, "sex": "female",
                        "birth_date": birth, "nickname": nickname, "oblast": "UA-63" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    // Search by the start of a code or by nickname.
    let (_, found) = api.get("/api/v1/participants?q=okiv").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["participants"][0]["uic"], "OKIVF150390");
    let (_, found) = api
        .get("/api/v1/participants?q=%D0%97%D1%96%D1%80%D0%BA%D0%B0")
        .await;
    assert_eq!(found["participants"][0]["nickname"], "Зірка");

    // Edit: profile, consent and an encrypted detail; the detail never comes back.
    let path = format!("/api/v1/participants/{}", ids[0]);
    let (status, edited) = api
        .put(
            &path,
            json!({ "nickname": "Ластівка-2", "oblast": "UA-63", "group": "peer_leader",
                    "consent_contact": true, "phone": "067 111 22 33" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["nickname"], "Ластівка-2");
    assert_eq!(edited["group"], "peer_leader");
    assert_eq!(edited["personal_stored"]["phone"], true);
    assert!(!edited.to_string().contains("1112233"));
    let (status, refused) = api
        .put(
            &path,
            json!({ "nickname": "", "oblast": "UA-00", "consent_contact": false, "phone": "067 111 22 33" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["nickname", "oblast", "phone"] {
        assert!(refused["fields"][field].is_string(), "{field}: {refused}");
    }
    let (_, same) = api.get(&path).await;
    assert_eq!(same["nickname"], "Ластівка-2", "nothing half-saved");
    let (status, _) = api
        .put(
            &path,
            json!({ "nickname": "Ластівка-2", "erase": ["passport"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Withdrawing the consent erases what it covered.
    let (_, withdrawn) = api
        .put(
            &path,
            json!({ "nickname": "Ластівка-2", "consent_contact": false }),
        )
        .await;
    assert_eq!(withdrawn["personal_stored"]["phone"], false);
    let trainer = Api::of(&app, "maria").await;
    assert_eq!(
        trainer.put(&path, json!({ "nickname": "x" })).await.0,
        StatusCode::FORBIDDEN,
        "not a participant of the trainer's events"
    );

    // Registrations removed, with their attendance; twice is 404.
    let registrations = format!("/api/v1/events/{event}/registrations");
    let (_, first) = api
        .post(&registrations, json!({ "participant_id": ids[0] }))
        .await;
    api.post(&registrations, json!({ "participant_id": ids[1] }))
        .await;
    let first = first["id"].as_str().unwrap().to_owned();
    api.post(
        &format!("/api/v1/events/{event}/attendance"),
        json!({ "marks": [{ "registration_id": first, "day": "2024-04-16", "present": true }] }),
    )
    .await;
    let viewer = Api::of(&app, "donor").await;
    assert_eq!(
        viewer.delete(&format!("{registrations}/{first}")).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, removed) = api.delete(&format!("{registrations}/{first}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(removed["removed"], first.as_str());
    assert_eq!(
        api.delete(&format!("{registrations}/{first}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, left) = api.get(&registrations).await;
    assert_eq!(left["registrations"].as_array().unwrap().len(), 1);
    assert_eq!(left["registrations"][0]["uic"], "YUZHF011201");
    let (_, grid) = api.get(&format!("/api/v1/events/{event}/attendance")).await;
    assert_eq!(grid["rows"].as_array().unwrap().len(), 1);
    app.finish().await;
}
