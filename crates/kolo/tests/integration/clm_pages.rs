//! The monitoring pages: projects, form upload and publishing, form files, app
//! users and their QR codes, the submissions table with its row-level rules,
//! reviews and exports, on SQLite or PostgreSQL (`KOLO_TEST_DATABASE_URL`).

use std::io::Read;

use kolo_core::audit::StoredEntry;
use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::collect::Collect;
use crate::common::{Browser, TestApp, location};
use crate::fixtures::{audit_log, upload};

/// An XLSForm (as a markdown table, which the compiler reads like a workbook)
/// with labels in two languages, a select, a repeat and a geopoint.
pub(crate) fn survey(version: &str, extra_row: &str) -> String {
    format!(
        "\
| survey |
| | type | name | label::English (en) | label::Українська (uk) |
| | select_one oblast | oblast | Oblast | Область |
| | integer | waiting | Waiting time (minutes) | Час очікування (хвилин) |
| | select_multiple service | services | Services received | Отримані послуги |
| | geopoint | place | Location | Місце |
| | begin repeat | visit | Visit | Візит |
| | text | site | Site | Заклад |
| | end repeat | | | |
{extra_row}| choices |
| | list_name | name | label::English (en) | label::Українська (uk) |
| | oblast | odesa | Odesa | Одеська |
| | oblast | kyiv | Kyiv | Київська |
| | service | prep | PrEP | ДКП |
| | service | art | ART | АРТ |
| settings |
| | form_title | form_id | version |
| | CLM test survey | clm_test | {version} |
"
    )
}

fn has_action(entries: &[StoredEntry], action: &str) -> bool {
    entries.iter().any(|e| e.entry.action == action)
}

/// A coordinator's browser and a new project's id.
pub(crate) async fn project(app: &TestApp) -> (Browser, String) {
    app.user("coordinator", &[Role::Coordinator]).await;
    let browser = app.signed_in("coordinator").await;
    let response = browser
        .post(
            "/clm/projects",
            &[("name", "CLM 2024: test project"), ("description", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = location(&response)
        .trim_start_matches("/clm/projects/")
        .to_owned();
    (browser, id)
}

pub(crate) async fn upload_form(
    browser: &Browser,
    project: &str,
    form: &str,
) -> (StatusCode, String) {
    let response = upload(
        browser,
        &format!("/clm/projects/{project}/forms"),
        "file",
        "clm_test.md",
        "text/markdown",
        form.as_bytes(),
    )
    .await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

pub(crate) async fn publish(browser: &Browser, project: &str) -> reqwest::Response {
    browser
        .post(
            &format!("/clm/projects/{project}/forms/clm_test/publish"),
            &[],
        )
        .await
}

/// Creates an app user on the page, linked to `monitor` if given; its server URL.
pub(crate) async fn app_user(
    browser: &Browser,
    project: &str,
    name: &str,
    monitor: &str,
) -> String {
    let response = browser
        .post(
            &format!("/clm/projects/{project}/app-users"),
            &[("name", name), ("monitor", monitor)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let start = body
        .find("id=\"server-url\">")
        .expect("the server URL is shown")
        + 16;
    body[start..start + body[start..].find('<').unwrap()].replace("&#x2f;", "/")
}

pub(crate) fn submission(instance: &str, oblast: &str, waiting: u32, sites: &[&str]) -> String {
    let visits: String = sites
        .iter()
        .map(|s| format!("<visit><site>{s}</site></visit>"))
        .collect();
    format!(
        "<data xmlns:orx=\"http://openrosa.org/xforms\" id=\"clm_test\" version=\"1\">\
         <oblast>{oblast}</oblast><waiting>{waiting}</waiting><services>prep art</services>\
         <place>46.48 30.72 0 5</place>{visits}\
         <meta><instanceID>{instance}</instanceID></meta></data>"
    )
}

async fn set_language(browser: &Browser, lang: &str) {
    let response = browser
        .post("/language", &[("lang", lang), ("back", "/clm")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_upload_with_errors_shows_sheet_row_and_column_in_ukrainian_and_english() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    let broken = survey("1", "| | integr | age | Age | Вік |\n");

    set_language(&browser, "uk").await;
    let (status, page) = upload_form(&browser, &project, &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"diagnostics\""), "{page}");
    assert!(
        page.contains("<td>survey</td><td>9</td><td>type</td>"),
        "{page}"
    );
    assert!(
        page.contains("Аркуш `survey`, рядок 9, стовпець `type`"),
        "{page}"
    );

    set_language(&browser, "en").await;
    let (status, page) = upload_form(&browser, &project, &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Sheet `survey`, row 9, column `type`"),
        "{page}"
    );
    assert!(page.contains("nothing was saved"), "{page}");
    // Nothing was kept.
    let forms = app
        .store
        .forms(&kolo_core::clm::ProjectId(project.clone()))
        .await
        .unwrap();
    assert!(forms.is_empty());

    // Not a form at all.
    let (status, page) = upload_form(&browser, &project, "just some words").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"upload-problem\""), "{page}");
    app.finish().await;
}

#[tokio::test]
async fn publishing_needs_a_new_version_and_earlier_versions_stay_listed() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    set_language(&browser, "en").await;
    let (status, page) = upload_form(&browser, &project, &survey("1", "")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"draft-version\">1<"), "{page}");
    // The draft's questions, with labels in the reader's language.
    assert!(page.contains("Waiting time (minutes)"), "{page}");
    let xml = browser
        .get(&format!("/clm/projects/{project}/forms/clm_test/draft.xml"))
        .await;
    assert_eq!(xml.status(), StatusCode::OK);
    assert!(xml.text().await.unwrap().contains("<h:html"));

    assert_eq!(
        publish(&browser, &project).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = upload_form(&browser, &project, &survey("1", "")).await;
    assert_eq!(status, StatusCode::OK);
    let refused = publish(&browser, &project).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("of this form was published before"), "{page}");

    let (status, _) = upload_form(&browser, &project, &survey("2", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        publish(&browser, &project).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = browser
        .text(&format!("/clm/projects/{project}/forms/clm_test"))
        .await;
    assert!(page.contains("id=\"current-version\">2<"), "{page}");
    let versions = &page[page.find("id=\"versions\"").unwrap()..];
    assert!(
        versions.contains("<td>2</td>") && versions.contains("<td>1</td>"),
        "{versions}"
    );
    assert!(has_action(&audit_log(&app).await, "clm.form.publish"));
    app.finish().await;
}

#[tokio::test]
async fn missing_form_files_are_listed_and_only_referenced_files_are_taken() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    set_language(&browser, "en").await;
    let form = survey("1", "").replace(
        "| | end repeat | | | |\n",
        "| | end repeat | | | |\n| | select_one_from_file sites.csv | clinic | Clinic | Заклад |\n",
    );
    let (status, page) = upload_form(&browser, &project, &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"missing\""), "{page}");
    assert!(page.contains("<code>sites.csv</code>"), "{page}");

    let path = format!("/clm/projects/{project}/forms/clm_test/attachments");
    let wrong = upload(
        &browser,
        &path,
        "file",
        "other.csv",
        "text/csv",
        b"name,label\n",
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("does not reference a file named")
    );
    let right = upload(
        &browser,
        &path,
        "file",
        "sites.csv",
        "text/csv",
        b"name,label\nodesa_1,Odesa clinic\n",
    )
    .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    let page = browser
        .text(&format!("/clm/projects/{project}/forms/clm_test"))
        .await;
    assert!(!page.contains("id=\"missing\""), "{page}");
    app.finish().await;
}

#[tokio::test]
async fn an_app_user_gets_a_qr_code_once_and_revoking_it_locks_the_device_out_at_once() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let response = browser
        .post(
            &format!("/clm/projects/{project}/app-users"),
            &[("name", "Odesa monitor 1"), ("monitor", "")],
        )
        .await;
    let page = response.text().await.unwrap();
    assert!(page.contains("<svg role=\"img\""), "{page}");
    let start = page.find("id=\"server-url\">").unwrap() + 16;
    let url = page[start..start + page[start..].find('<').unwrap()].to_owned();
    assert!(
        url.contains("/v1/key/") && url.ends_with(&format!("/projects/{project}")),
        "{url}"
    );
    // Shown once: the project page never shows it again.
    let later = browser.text(&format!("/clm/projects/{project}")).await;
    assert!(!later.contains(&url) && !later.contains("<svg role"));

    let collect = Collect::new(&url);
    assert_eq!(collect.form_list().await.unwrap().len(), 1);
    let id = app
        .store
        .app_users(&kolo_core::clm::ProjectId(project.clone()))
        .await
        .unwrap()[0]
        .id
        .clone();
    let revoked = browser
        .post(
            &format!("/clm/projects/{project}/app-users/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert!(collect.form_list().await.is_err());
    let log = audit_log(&app).await;
    assert!(has_action(&log, "clm.app_user.create"));
    assert!(has_action(&log, "clm.app_user.revoke"));

    // An empty name is refused with the form back.
    let refused = browser
        .post(
            &format!("/clm/projects/{project}/app-users"),
            &[("name", " "), ("monitor", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn monitors_see_only_their_own_submissions_and_viewers_none() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let olena = app.user("olena", &[Role::Monitor]).await;
    app.user("taras", &[Role::Monitor]).await;
    app.user("viewer", &[Role::Viewer]).await;
    let mine = app_user(&browser, &project, "Odesa monitor", &olena.0).await;
    let other = app_user(&browser, &project, "Kyiv monitor", "").await;
    let answer = Collect::new(&mine)
        .submit(submission("uuid:mine", "odesa", 20, &["A"]).as_bytes(), &[])
        .await
        .unwrap();
    assert!(answer.success());
    let answer = Collect::new(&other)
        .submit(submission("uuid:other", "kyiv", 90, &[]).as_bytes(), &[])
        .await
        .unwrap();
    assert!(answer.success());

    let table = format!("/clm/projects/{project}/forms/clm_test/submissions");
    let all = browser.text(&table).await;
    assert!(
        all.contains("Odesa monitor") && all.contains("Kyiv monitor"),
        "{all}"
    );

    let monitor = app.signed_in("olena").await;
    let page = monitor.text(&table).await;
    assert!(page.contains("Odesa monitor"), "{page}");
    assert!(!page.contains("Kyiv monitor"), "{page}");
    // The other device's submission is not reachable by its address either.
    let other_id = app
        .store
        .submissions(&kolo_core::clm::SubmissionFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.instance_id == "uuid:other")
        .unwrap()
        .id;
    assert_eq!(
        monitor.get(&format!("{table}/{other_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // Monitors do not export, review or manage.
    assert_eq!(
        monitor
            .get(&format!(
                "/clm/projects/{project}/forms/clm_test/export/csv.zip"
            ))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // A monitor with no device on the project sees nothing of it.
    let taras = app.signed_in("taras").await;
    assert!(!taras.text("/clm").await.contains("CLM 2024: test project"));
    assert_eq!(taras.get(&table).await.status(), StatusCode::FORBIDDEN);

    let viewer = app.signed_in("viewer").await;
    assert_eq!(viewer.get("/clm").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(viewer.get(&table).await.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn the_csv_export_holds_the_submitted_values_and_every_export_is_audited() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let url = app_user(&browser, &project, "Odesa monitor", "").await;
    let collect = Collect::new(&url);
    for (i, waiting) in [15u32, 40, 75].iter().enumerate() {
        let xml = submission(
            &format!("uuid:{i}"),
            "odesa",
            *waiting,
            &["Clinic A", "Clinic, \"B\""],
        );
        assert!(collect.submit(xml.as_bytes(), &[]).await.unwrap().success());
    }
    // Exports read page after page by key (received time, id): in both
    // orders, one row a page, every submission comes exactly once although
    // they were received within the same second.
    let form = app
        .store
        .form(&kolo_core::clm::ProjectId(project.clone()), "clm_test")
        .await
        .unwrap()
        .unwrap();
    for oldest_first in [true, false] {
        let mut filter = kolo_core::clm::SubmissionFilter {
            form_id: Some(form.id.clone()),
            oldest_first,
            limit: 1,
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = app.store.submissions(&filter).await.unwrap();
            let Some(last) = page.last() else { break };
            filter.after = Some((last.created_at, last.id.clone()));
            seen.extend(page.iter().map(|s| s.instance_id.clone()));
        }
        seen.sort();
        assert_eq!(seen, ["uuid:0", "uuid:1", "uuid:2"]);
    }
    let response = browser
        .get(&format!(
            "/clm/projects/{project}/forms/clm_test/export/csv.zip"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut main = String::new();
    zip.by_name("clm_test.csv")
        .unwrap()
        .read_to_string(&mut main)
        .unwrap();
    let lines: Vec<&str> = main.lines().collect();
    assert_eq!(lines.len(), 4, "{main}");
    assert!(
        lines[0].starts_with(
            "SubmissionDate,oblast,waiting,services,services/prep,services/art,place-Latitude"
        ),
        "{}",
        lines[0]
    );
    for (i, waiting) in [15, 40, 75].iter().enumerate() {
        let row = lines
            .iter()
            .find(|l| l.contains(&format!(",uuid:{i},")))
            .expect("a row per submission");
        assert!(
            row.contains(&format!(",odesa,{waiting},prep art,1,1,46.48,30.72,0,5,")),
            "{row}"
        );
        assert!(row.contains(&format!("uuid:{i}")), "{row}");
        assert!(row.contains("Odesa monitor"), "{row}");
    }
    let mut visits = String::new();
    zip.by_name("clm_test-visit.csv")
        .unwrap()
        .read_to_string(&mut visits)
        .unwrap();
    assert!(
        visits.contains("\"Clinic, \"\"B\"\"\",uuid:0,uuid:0/visit[2]"),
        "{visits}"
    );

    let xlsx = browser
        .get(&format!(
            "/clm/projects/{project}/forms/clm_test/export/workbook.xlsx"
        ))
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    assert!(
        zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))
            .unwrap()
            .by_name("xl/workbook.xml")
            .is_ok()
    );

    let log = audit_log(&app).await;
    let exports: Vec<_> = log
        .iter()
        .filter(|e| e.entry.action == "clm.export")
        .collect();
    assert_eq!(exports.len(), 2);
    app.finish().await;
}

#[tokio::test]
async fn a_review_is_saved_with_its_comment_shown_and_audited() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    set_language(&browser, "en").await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let url = app_user(&browser, &project, "Odesa monitor", "").await;
    Collect::new(&url)
        .submit(submission("uuid:r", "kyiv", 30, &["X"]).as_bytes(), &[])
        .await
        .unwrap();
    let id = app
        .store
        .submissions(&kolo_core::clm::SubmissionFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()[0]
        .id
        .clone();
    let page_path = format!("/clm/projects/{project}/forms/clm_test/submissions/{id}");
    let page = browser.text(&page_path).await;
    // Labels in the reader's language, choice labels for the values.
    assert!(
        page.contains("Waiting time (minutes)") && page.contains("Kyiv"),
        "{page}"
    );
    assert!(page.contains("PrEP, ART"), "{page}");

    let refused = browser
        .post(
            &format!("{page_path}/review"),
            &[("state", "nonsense"), ("comment", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let saved = browser
        .post(
            &format!("{page_path}/review"),
            &[
                ("state", "has_issues"),
                ("comment", "Waiting time looks wrong"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = browser.text(&page_path).await;
    assert!(page.contains("id=\"review-state\">has issues<"), "{page}");
    assert!(page.contains("Waiting time looks wrong"));
    let table = browser
        .text(&format!(
            "/clm/projects/{project}/forms/clm_test/submissions?state=approved"
        ))
        .await;
    assert!(table.contains("0 submission(s)"), "{table}");
    let log = audit_log(&app).await;
    let review = log
        .iter()
        .find(|e| e.entry.action == "clm.submission.review")
        .expect("audited");
    assert!(!review.entry.details.to_string().contains("looks wrong"));
    app.finish().await;
}

#[tokio::test]
async fn the_api_uploads_publishes_and_lists_with_the_pages_permissions() {
    use base64::Engine;
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    let token = crate::fixtures::api_token(&browser).await;
    let client = reqwest::Client::new();
    let post = |path: String, body: serde_json::Value| {
        client
            .post(app.url(&path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let broken = survey("1", "| | integr | age | Age | Вік |\n");
    let response = post(
        format!("/api/v1/clm/projects/{project}/forms"),
        serde_json::json!({ "file_name": "clm_test.md", "content_base64": base64::engine::general_purpose::STANDARD.encode(broken) }),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    let first = &body["diagnostics"][0];
    assert_eq!(
        (
            first["sheet"].as_str(),
            first["row"].as_str(),
            first["column"].as_str()
        ),
        (Some("survey"), Some("9"), Some("type"))
    );

    let response = post(
        format!("/api/v1/clm/projects/{project}/forms"),
        serde_json::json!({ "file_name": "clm_test.md", "content_base64": base64::engine::general_purpose::STANDARD.encode(survey("1", "")) }),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = post(
        format!("/api/v1/clm/projects/{project}/forms/clm_test/publish"),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list = crate::fixtures::api_json(
        &app,
        &format!("/api/v1/clm/projects/{project}/forms"),
        &token,
    )
    .await;
    assert_eq!(list["forms"][0]["current"]["version"], "1");
    let document: serde_json::Value = client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        document["paths"]["/api/v1/clm/projects/{project}/forms/{form}/submissions"].is_object()
    );

    // A viewer's token is refused.
    app.user("viewer", &[Role::Viewer]).await;
    let viewer = app.signed_in("viewer").await;
    let viewer_token = crate::fixtures::api_token(&viewer).await;
    let refused = client
        .get(app.url(&format!(
            "/api/v1/clm/projects/{project}/forms/clm_test/submissions"
        )))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test]
async fn the_demo_has_a_published_survey_with_hundreds_of_fictional_submissions() {
    let app = TestApp::spawn().await;
    kolo::demo::create(&*app.store, &app.vault, app.data_dir())
        .await
        .expect("the demo is created");
    let project = app
        .store
        .projects()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == kolo::demo::CLM_PROJECT_NAME)
        .expect("the demo's monitoring project");
    assert!(project.description.contains("fictional"));
    let browser = app.browser();
    let signed = browser.login("coordinator", "kolo-demo-plan-ahead").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    set_language(&browser, "en").await;
    let table = format!(
        "/clm/projects/{}/forms/clm_2024_regional/submissions",
        project.id
    );
    let page = browser.text(&table).await;
    let total = format!("{} submission(s)", kolo::demo::CLM_SUBMISSIONS);
    assert!(page.contains(&total), "{page}");
    // English labels from the form's translations, groups in the header.
    assert!(
        page.contains("Availability and accessibility › Waiting time (minutes)"),
        "{page}"
    );
    let rejected = browser.text(&format!("{table}?state=rejected")).await;
    assert!(
        !rejected.contains(&total) && !rejected.contains(">0 submission(s)"),
        "{rejected}"
    );

    // A regional leader sees only her device's submissions.
    let odesa = app.browser();
    odesa.login("monitor.odesa", "kolo-demo-field-notes").await;
    let page = odesa.text(&table).await;
    assert!(page.contains("Одеса, пристрій 1"), "{page}");
    assert!(!page.contains("Харків, пристрій 1"), "{page}");

    let export = browser
        .get(&format!(
            "/clm/projects/{}/forms/clm_2024_regional/export/csv.zip",
            project.id
        ))
        .await;
    let bytes = export.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut main = String::new();
    zip.by_name("clm_2024_regional.csv")
        .unwrap()
        .read_to_string(&mut main)
        .unwrap();
    assert_eq!(main.lines().count(), kolo::demo::CLM_SUBMISSIONS + 1);
    app.finish().await;
}
