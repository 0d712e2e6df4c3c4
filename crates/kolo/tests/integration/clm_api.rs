//! The monitoring JSON API where it matches what the pages do: a form file
//! sent as itself (XLSForm or XForm) becomes a draft, the draft's files are
//! uploaded by name, publishing may set the version, and submissions export as
//! Central's `submissions.csv.zip` and `submissions.csv`, streamed and audited,
//! with the pages' permissions. On SQLite or PostgreSQL
//! (`KOLO_TEST_DATABASE_URL`).

use std::io::Read;

use kolo_core::auth::Role;
use kolo_core::clm::ProjectId;
use reqwest::StatusCode;
use serde_json::Value;

use crate::collect::{Collect, md5_hex};
use crate::common::{Browser, TestApp};
use crate::openrosa::{FORM, LOGO, SITES, app_user};

const MARKDOWN: &str = "text/markdown";

/// A person's API client.
struct Api<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    token: Option<String>,
}

impl Api<'_> {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.client.request(method, self.app.url(path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send_file(&self, path: &str, content_type: &str, body: &[u8]) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .header("content-type", content_type)
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// A signed-in person's API client, with a token made on their page.
async fn api_of<'a>(app: &'a TestApp, browser: &Browser) -> Api<'a> {
    Api {
        app,
        client: reqwest::Client::new(),
        token: Some(crate::fixtures::api_token(browser).await),
    }
}

/// A coordinator's API client and a new project.
async fn coordinator(app: &TestApp) -> (Api<'_>, String) {
    let (browser, project) = crate::clm_pages::project(app).await;
    (api_of(app, &browser).await, project)
}

/// Someone else's API client, with these roles.
async fn member<'a>(app: &'a TestApp, login: &str, roles: &[Role]) -> Api<'a> {
    app.user(login, roles).await;
    api_of(app, &app.signed_in(login).await).await
}

/// ODK Collect set up with a new app user's key to the project.
async fn monitor_device(app: &TestApp, project: &str) -> Collect {
    let (token, _) = app_user(app, &ProjectId(project.to_owned()), "Odesa monitor").await;
    Collect::new(&app.url(&format!("/v1/key/{token}/projects/{project}")))
}

async fn audited(app: &TestApp, action: &str) -> usize {
    crate::fixtures::audit_log(app)
        .await
        .iter()
        .filter(|e| e.entry.action == action)
        .count()
}

#[tokio::test]
async fn a_form_file_becomes_a_draft_its_files_go_by_name_and_publishing_sets_the_version() {
    let app = TestApp::spawn().await;
    let (api, project) = coordinator(&app).await;
    let forms = format!("/api/v1/clm/projects/{project}/forms");

    // The XLSForm itself, as Central takes it.
    let response = api
        .send_file(&forms, MARKDOWN, FORM.replace("VERSION", "1").as_bytes())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let draft = json(response).await;
    assert_eq!(draft["xml_form_id"], "clm_visit");
    assert_eq!(
        draft["missing_attachments"],
        serde_json::json!(["logo.png", "sites.csv"])
    );

    // Errors name sheet, row and column; a body of another kind is refused.
    let broken = FORM
        .replace("VERSION", "1")
        .replace("| integer |", "| integr |");
    let response = api.send_file(&forms, MARKDOWN, broken.as_bytes()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = json(response).await;
    assert_eq!(refused["error"], "form_invalid");
    let first = &refused["diagnostics"][0];
    assert_eq!(
        (&first["sheet"], &first["row"], &first["column"]),
        (
            &Value::from("survey"),
            &Value::from("3"),
            &Value::from("type")
        ),
        "{refused}"
    );
    let response = api.send_file(&forms, "image/png", LOGO).await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let refused = json(response).await;
    assert_eq!(refused["error"], "unsupported_media_type");
    assert!(
        refused["message"].as_str().unwrap().contains("text/xml"),
        "{refused}"
    );
    let response = api.send_file(&forms, "text/xml", b"").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The draft's files, by the names the form expects.
    let files = format!("{forms}/clm_visit/draft/attachments");
    let response = api
        .send_file(&format!("{files}/sites.csv"), "text/csv", SITES)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let attached = json(response).await;
    assert_eq!(attached["md5"], md5_hex(SITES));
    assert_eq!(
        attached["missing_attachments"],
        serde_json::json!(["logo.png"])
    );
    let response = api
        .send_file(&format!("{files}/stray.png"), "image/png", LOGO)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = json(response).await;
    assert!(
        refused["message"].as_str().unwrap().contains("stray.png"),
        "{refused}"
    );
    let response = api
        .send_file(&format!("{files}/..%2Flogo.png"), "image/png", LOGO)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = api
        .send_file(&format!("{files}/logo.png"), "image/png", b"")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = api
        .send_file(&format!("{files}/logo.png"), "image/png", LOGO)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json(response).await["missing_attachments"],
        serde_json::json!([])
    );

    // Publishing under a version given at publish time, as Central's ?version=.
    let response = api
        .post(&format!("{forms}/clm_visit/draft/publish?version=2024-05"))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let form = json(response).await;
    assert_eq!(form["current"]["version"], "2024-05");
    assert!(form["draft"].is_null());
    // Devices get the XForm with that version, its hash right, and submit to it.
    let mut collect = monitor_device(&app, &project).await;
    collect.update_forms().await.unwrap();
    let xml = String::from_utf8(collect.forms["clm_visit"].xml.clone()).unwrap();
    assert!(xml.contains("version=\"2024-05\""), "{xml}");
    assert_eq!(collect.forms["clm_visit"].media["logo.png"], LOGO);
    let visit = crate::openrosa::visit("uuid:v1", "2024-05", None, None);
    assert!(
        collect
            .submit(visit.as_bytes(), &[])
            .await
            .unwrap()
            .success()
    );

    // Without a draft there is nothing to attach to or publish.
    let response = api
        .send_file(&format!("{files}/logo.png"), "image/png", LOGO)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(response).await["error"], "no_draft");
    let response = api.post(&format!("{forms}/clm_visit/publish")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A version published before is refused, naming it; a new one is taken,
    // here from the JSON body.
    let response = api
        .send_file(&forms, MARKDOWN, FORM.replace("VERSION", "1").as_bytes())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = api
        .post(&format!("{forms}/clm_visit/draft/publish?version=2024-05"))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        json(response).await["message"]
            .as_str()
            .unwrap()
            .contains("2024-05")
    );
    let response = api
        .request(reqwest::Method::POST, &format!("{forms}/clm_visit/publish"))
        .json(&serde_json::json!({ "version": "2024-06" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["current"]["version"], "2024-06");

    // The OpenAPI document says what each endpoint takes and gives.
    let document = json(api.get("/api/v1/openapi.json").await).await;
    let paths = &document["paths"];
    let upload = &paths["/api/v1/clm/projects/{project}/forms"]["post"]["requestBody"]["content"];
    for media in ["application/json", "text/xml", "text/markdown"] {
        assert!(upload[media].is_object(), "{media}: {upload}");
    }
    assert!(
        paths["/api/v1/clm/projects/{project}/forms/{form}/draft/attachments/{name}"]["post"]
            .is_object()
    );
    assert!(paths["/api/v1/clm/projects/{project}/forms/{form}/draft/publish"]["post"].is_object());
    let zip = &paths["/api/v1/clm/projects/{project}/forms/{form}/submissions.csv.zip"]["get"];
    assert!(
        zip["responses"]["200"]["content"]["application/zip"].is_object(),
        "{zip}"
    );
    let csv = &paths["/api/v1/clm/projects/{project}/forms/{form}/submissions.csv"]["get"];
    assert!(
        csv["responses"]["200"]["content"]["text/csv"].is_object(),
        "{csv}"
    );

    assert_eq!(audited(&app, "clm.form.draft").await, 2);
    assert_eq!(audited(&app, "clm.form.attachment").await, 2);
    assert_eq!(audited(&app, "clm.form.publish").await, 2);
    app.finish().await;
}

/// The CLM visit form with Collect's client audit log.
fn audited_form() -> String {
    FORM.replace("VERSION", "1").replace(
        "| | image | photo |",
        "| | audit | audit | | |\n| | image | photo |",
    )
}

#[tokio::test]
async fn exports_are_central_shaped_streamed_audited_and_keep_client_audits_out_of_media() {
    let app = TestApp::spawn().await;
    let (api, project) = coordinator(&app).await;
    let forms = format!("/api/v1/clm/projects/{project}/forms");
    let response = api
        .send_file(&forms, MARKDOWN, audited_form().as_bytes())
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    for (name, bytes) in [("sites.csv", SITES), ("logo.png", LOGO)] {
        let path = format!("{forms}/clm_visit/draft/attachments/{name}");
        assert_eq!(
            api.send_file(&path, "application/octet-stream", bytes)
                .await
                .status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        api.post(&format!("{forms}/clm_visit/draft/publish"))
            .await
            .status(),
        StatusCode::OK
    );

    // Collect sends the client audit log as one more attachment.
    let collect = monitor_device(&app, &project).await;
    let xml = "<data xmlns:orx=\"http://openrosa.org/xforms\" id=\"clm_visit\" version=\"1\">\
               <site>odesa_1</site><waiting>45</waiting><photo>board.jpg</photo><logo_note/>\
               <meta><audit>audit.csv</audit><instanceID>uuid:a1</instanceID></meta></data>";
    let audit_log = b"event,node,start,end\nform start,,1700000000000,\n".to_vec();
    let answer = collect
        .submit(
            xml.as_bytes(),
            &[
                ("board.jpg".into(), vec![7u8; 1000]),
                ("audit.csv".into(), audit_log.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    let stored = app
        .store
        .submissions(&kolo_core::clm::SubmissionFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((stored[0].files_present, stored[0].files_expected), (2, 2));
    let files = app
        .store
        .submission_attachments(&stored[0].current_version_id)
        .await
        .unwrap();
    let audit = files.iter().find(|f| f.name == "audit.csv").unwrap();
    assert_eq!(audit.blob.as_ref().unwrap().md5, md5_hex(&audit_log));

    // The ZIP: tables, then media without the client audit.
    let export = format!("{forms}/clm_visit/submissions");
    let response = api.get(&format!("{export}.csv.zip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.contains(&"clm_visit.csv".to_owned()), "{names:?}");
    assert!(names.contains(&"media/board.jpg".to_owned()), "{names:?}");
    assert!(!names.contains(&"media/audit.csv".to_owned()), "{names:?}");
    // The client audit is merged into Central's file, led by the instance ID.
    let mut merged = String::new();
    zip.by_name("clm_visit - audit.csv")
        .unwrap()
        .read_to_string(&mut merged)
        .unwrap();
    assert_eq!(
        merged.lines().nth(1),
        Some("uuid:a1,form start,,1700000000000,,,,,,,,"),
        "{merged}"
    );
    let mut main = String::new();
    zip.by_name("clm_visit.csv")
        .unwrap()
        .read_to_string(&mut main)
        .unwrap();
    assert!(main.contains("uuid:a1"), "{main}");
    let response = api
        .get(&format!("{export}.csv.zip?attachments=false"))
        .await;
    let bytes = response.bytes().await.unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!(
        !zip.file_names()
            .map(|n| n.unwrap())
            .any(|n| n.starts_with("media/") || n.ends_with("audit.csv"))
    );

    // The main table alone.
    let response = api.get(&format!("{export}.csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("SubmissionDate,"), "{}", lines[0]);
    assert!(lines[1].contains("odesa_1,45"), "{}", lines[1]);
    assert_eq!(audited(&app, "clm.export").await, 3);

    // The pages' permissions: monitors, viewers and strangers are refused,
    // as JSON, and nothing more is audited.
    let monitor = member(&app, "monitor", &[Role::Monitor]).await;
    let viewer = member(&app, "viewer", &[Role::Viewer]).await;
    let nobody = Api {
        app: &app,
        client: reqwest::Client::new(),
        token: None,
    };
    for (who, api) in [
        ("monitor", &monitor),
        ("viewer", &viewer),
        ("no token", &nobody),
    ] {
        let expected = if api.token.is_some() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        let attempts = [
            api.get(&format!("{export}.csv.zip")).await,
            api.get(&format!("{export}.csv")).await,
            api.send_file(&forms, MARKDOWN, audited_form().as_bytes())
                .await,
            api.send_file(
                &format!("{forms}/clm_visit/draft/attachments/logo.png"),
                "image/png",
                LOGO,
            )
            .await,
            api.post(&format!("{forms}/clm_visit/draft/publish?version=9"))
                .await,
        ];
        for response in attempts {
            let url = response.url().to_string();
            assert_eq!(response.status(), expected, "{who}: {url}");
            assert!(json(response).await["error"].is_string(), "{who}: {url}");
        }
    }
    assert_eq!(audited(&app, "clm.export").await, 3);
    let list = json(api.get(&forms).await).await;
    assert_eq!(list["forms"][0]["current"]["version"], "1");
    assert!(list["forms"][0]["draft"].is_null());
    app.finish().await;
}
