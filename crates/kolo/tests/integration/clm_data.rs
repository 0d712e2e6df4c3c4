//! Seeing monitoring data: the submissions table sorted by any column with
//! paging and filters kept, the device a submission came from (kept, shown,
//! exported), exports with the questions of earlier form versions, and the
//! rule that staff see only the projects they are assigned to. On SQLite or
//! PostgreSQL (`KOLO_TEST_DATABASE_URL`).

use std::collections::HashMap;
use std::io::Read;

use kolo::web::Access;
use kolo_core::auth::Role;
use kolo_core::clm::{ProjectId, SubmissionFilter};
use reqwest::StatusCode;

use crate::clm_pages::{app_user, project, publish, submission, survey, upload_form};
use crate::collect::Collect;
use crate::common::{Browser, TestApp, execute_sql};
use crate::fixtures::upload;

/// A page's HTML with the escapes Askama writes in attributes undone.
fn unescaped(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("%3A", ":")
        .replace("%2F", "/")
}

/// Every submission of the store, instanceID by submission id.
async fn instance_ids(app: &TestApp) -> HashMap<String, String> {
    app.store
        .submissions(&SubmissionFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id.0, s.instance_id))
        .collect()
}

/// The instanceIDs of a table page's rows, top to bottom, and its next page's link.
async fn rows(
    app: &TestApp,
    browser: &Browser,
    path: &str,
) -> (Vec<String>, Option<String>, String) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let page = unescaped(&response.text().await.unwrap());
    let ids = instance_ids(app).await;
    let body = page
        .split_once("<tbody>")
        .map_or("", |(_, rest)| rest.split("</tbody>").next().unwrap_or(""));
    let order = body
        .split("<tr>")
        .filter_map(|row| {
            let start = row.find("/submissions/")? + "/submissions/".len();
            let id = &row[start..start + row[start..].find('"')?];
            Some(ids[id].clone())
        })
        .collect();
    let next = page
        .split_once("\" rel=\"next\"")
        .map(|(before, _)| before[before.rfind("href=\"").unwrap() + 6..].to_owned());
    (order, next, page)
}

fn numbered(order: &[String]) -> Vec<u32> {
    order
        .iter()
        .map(|i| i.trim_start_matches("uuid:w").parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_table_sorts_by_every_column_both_ways_with_paging_and_filters_kept() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let alpha = Collect::new(&app_user(&browser, &project, "Alpha", "").await);
    let beta = Collect::new(&app_user(&browser, &project, "Beta", "").await);
    // 55 submissions (more than a page of 50), waiting times 0..=54 sent in a
    // shuffled order, so the date order is not the waiting order; numbers
    // compare as numbers (9 before 10), and uuid:w55 leaves the time blank.
    for n in 0..55u32 {
        let waiting = (n * 37) % 55;
        let device = if waiting % 2 == 0 { &alpha } else { &beta };
        let xml = submission(&format!("uuid:w{waiting}"), "odesa", waiting, &[]);
        assert!(device.submit(xml.as_bytes(), &[]).await.unwrap().success());
    }
    let blank = submission("uuid:w55", "kyiv", 0, &["A", "B"])
        .replace("<waiting>0</waiting>", "<waiting/>");
    assert!(alpha.submit(blank.as_bytes(), &[]).await.unwrap().success());

    let table = format!("/clm/projects/{project}/forms/clm_test/submissions");
    let by_waiting = format!("{table}?sort=field:/data/waiting&dir=asc");
    let (first, next, page) = rows(&app, &browser, &by_waiting).await;
    assert_eq!(numbered(&first), (0..50).collect::<Vec<_>>());
    // The header of the sorted column says so and links to the other direction.
    assert!(page.contains("aria-sort=\"ascending\""), "{page}");
    assert!(page.contains("sort=field:/data/waiting&dir=desc"), "{page}");
    let next = next.expect("a second page");
    assert!(
        next.contains("sort=field:/data/waiting") && next.contains("page=2"),
        "{next}"
    );
    let (second, last, _) = rows(
        &app,
        &browser,
        &format!("{table}{}", &next[next.find('?').unwrap()..]),
    )
    .await;
    // The rest, then the blank one last.
    assert_eq!(numbered(&second), (50..56).collect::<Vec<_>>());
    assert!(last.is_none());

    // Descending: blanks stay last.
    let (down, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/waiting&dir=desc"),
    )
    .await;
    assert_eq!(numbered(&down)[..3], [54, 53, 52]);
    let (down2, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/waiting&dir=desc&page=2"),
    )
    .await;
    assert_eq!(numbered(&down2), [4, 3, 2, 1, 0, 55]);

    // A text field, a repeat's count, the app user and the review state.
    let (by_oblast, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/oblast&dir=asc"),
    )
    .await;
    assert_eq!(by_oblast[0], "uuid:w55", "kyiv before odesa");
    let (by_visits, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/visit&dir=desc"),
    )
    .await;
    assert_eq!(by_visits[0], "uuid:w55", "the only one with two visits");
    let (by_user, _, _) = rows(&app, &browser, &format!("{table}?sort=app_user&dir=desc")).await;
    assert!(
        numbered(&by_user[..27]).iter().all(|w| w % 2 == 1),
        "Beta's first"
    );
    let ids = instance_ids(&app).await;
    let id_of = |instance: &str| ids.iter().find(|(_, i)| *i == instance).unwrap().0.clone();
    for (instance, state) in [("uuid:w7", "rejected"), ("uuid:w8", "approved")] {
        let response = browser
            .post(
                &format!("{table}/{}/review", id_of(instance)),
                &[("state", state), ("comment", "")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (by_state, _, _) = rows(&app, &browser, &format!("{table}?sort=state&dir=desc")).await;
    assert_eq!(by_state[..2], ["uuid:w7", "uuid:w8"]);

    // Filters stay with the sort, in the headers' links and the paging.
    let (approved, _, page) = rows(
        &app,
        &browser,
        &format!("{table}?state=approved&sort=field:/data/waiting&dir=desc"),
    )
    .await;
    assert_eq!(approved, ["uuid:w8"]);
    assert!(
        page.contains("state=approved&sort=field:/data/oblast&dir=asc"),
        "{page}"
    );
    assert!(
        page.contains("name=\"sort\" value=\"field:/data/waiting\""),
        "{page}"
    );

    // An edit changes what the submission sorts by.
    let edit = submission("uuid:w0-edit", "odesa", 1000, &[]).replace(
        "</instanceID>",
        "</instanceID><deprecatedID>uuid:w0</deprecatedID>",
    );
    assert!(alpha.submit(edit.as_bytes(), &[]).await.unwrap().success());
    let (down, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/waiting&dir=desc"),
    )
    .await;
    assert_eq!(down[0], "uuid:w0-edit");

    // Submissions stored before the sort values existed are read after start...
    let form = app
        .store
        .form(&ProjectId(project.clone()), "clm_test")
        .await
        .unwrap()
        .unwrap();
    let forget = "DELETE FROM clm_submission_sort_values";
    let unread = "UPDATE clm_submissions SET sort_values_ready = FALSE";
    execute_sql(&app, forget).await;
    execute_sql(&app, unread).await;
    assert_eq!(
        app.store
            .sort_values_pending(&form.id, 100)
            .await
            .unwrap()
            .len(),
        56
    );
    kolo::clm::sort_values::catch_up_all(app.state())
        .await
        .unwrap();
    assert!(
        app.store
            .sort_values_pending(&form.id, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // ...or, at the latest, when the table is sorted by a field.
    execute_sql(&app, forget).await;
    execute_sql(&app, unread).await;
    let (again, _, _) = rows(
        &app,
        &browser,
        &format!("{table}?sort=field:/data/waiting&dir=desc"),
    )
    .await;
    assert_eq!(again[..3], ["uuid:w0-edit", "uuid:w54", "uuid:w53"]);

    // Sorts the table does not have fall back to the date, with a message.
    for bad in [
        "sort=field:/data/nothing",
        "sort=bogus&dir=sideways",
        "sort=field:&dir=asc",
        "sort=field:%00%2F..&dir=desc",
        "sort=received&dir=sideways",
    ] {
        let response = browser.get(&format!("{table}?{bad}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{bad}");
        let page = response.text().await.unwrap();
        if !bad.starts_with("sort=received") {
            assert!(page.contains("id=\"sort-problem\""), "{bad}: {page}");
        }
    }
    let (newest, _, _) = rows(&app, &browser, &format!("{table}?sort=field:/data/nothing")).await;
    let (default, _, _) = rows(&app, &browser, &table).await;
    assert_eq!(newest, default);
    // The API sorts as the page does.
    let token = crate::fixtures::api_token(&browser).await;
    let listed = crate::fixtures::api_json(
        &app,
        &format!(
            "/api/v1/clm/projects/{project}/forms/clm_test/submissions?sort=field:/data/waiting&dir=desc"
        ),
        &token,
    )
    .await;
    assert_eq!(
        listed["submissions"][0]["instance_id"], "uuid:w0-edit",
        "{listed}"
    );
    assert_eq!(listed["submissions"][1]["instance_id"], "uuid:w54");
    let (oldest, _, _) = rows(&app, &browser, &format!("{table}?sort=received&dir=asc")).await;
    let (default_last, _, _) = rows(&app, &browser, &format!("{table}?page=2")).await;
    assert_eq!(oldest[0], default_last[default_last.len() - 1]);
    app.finish().await;
}

/// The cell of `column` in the main CSV's row whose KEY is `key`.
fn csv_cell(csv: &str, key: &str, column: &str) -> String {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == column).expect(column);
    let key_at = header.iter().position(|h| *h == "KEY").unwrap();
    let row: Vec<&str> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| cells[key_at] == key)
        .unwrap_or_else(|| panic!("no row {key} in {csv}"));
    row[at].to_owned()
}

async fn main_csv(browser: &Browser, project: &str, query: &str) -> String {
    let response = browser
        .get(&format!(
            "/clm/projects/{project}/forms/clm_test/export/csv.zip{query}"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut main = String::new();
    zip.by_name("clm_test.csv")
        .unwrap()
        .read_to_string(&mut main)
        .unwrap();
    main
}

/// Every entry of an XLSX workbook, as text.
async fn workbook_text(browser: &Browser, project: &str, query: &str) -> String {
    let response = browser
        .get(&format!(
            "/clm/projects/{project}/forms/clm_test/export/workbook.xlsx{query}"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_string(&mut text).unwrap();
    }
    text
}

#[tokio::test]
async fn the_device_id_is_kept_from_the_first_version_shown_and_exported() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    upload_form(&browser, &project, &survey("1", "")).await;
    publish(&browser, &project).await;
    let url = app_user(&browser, &project, "Odesa monitor", "").await;
    let phone = Collect::new(&url).with_device_id("collect:Xy7 phone+1");
    let xml = submission("uuid:d1", "odesa", 5, &[]);
    assert!(phone.submit(xml.as_bytes(), &[]).await.unwrap().success());
    // An edit sent from another phone keeps the original's deviceID.
    let edit = submission("uuid:d1-edit", "odesa", 6, &[]).replace(
        "</instanceID>",
        "</instanceID><deprecatedID>uuid:d1</deprecatedID>",
    );
    let other = Collect::new(&url).with_device_id("collect:other");
    assert!(other.submit(edit.as_bytes(), &[]).await.unwrap().success());
    // Without a deviceID, the column is blank.
    let plain = Collect::new(&url);
    let xml = submission("uuid:d2", "kyiv", 7, &[]);
    assert!(plain.submit(xml.as_bytes(), &[]).await.unwrap().success());

    // A deviceID that cannot be kept is refused with a message saying so.
    for bad in ["a".repeat(250), "tab\there".to_owned()] {
        let answer = Collect::new(&url)
            .with_device_id(&bad)
            .post(submission("uuid:d3", "kyiv", 1, &[]).as_bytes(), &[], false)
            .await
            .unwrap();
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert!(answer.message.contains("deviceID"), "{}", answer.message);
    }
    assert_eq!(instance_ids(&app).await.len(), 2);

    let csv = main_csv(&browser, &project, "").await;
    assert_eq!(csv_cell(&csv, "uuid:d1", "DeviceID"), "collect:Xy7 phone+1");
    assert_eq!(csv_cell(&csv, "uuid:d1", "Edits"), "1");
    assert_eq!(csv_cell(&csv, "uuid:d2", "DeviceID"), "");
    assert!(
        workbook_text(&browser, &project, "")
            .await
            .contains("collect:Xy7 phone+1")
    );

    let ids = instance_ids(&app).await;
    let id = ids.iter().find(|(_, i)| *i == "uuid:d1-edit").unwrap().0;
    let page = browser
        .text(&format!(
            "/clm/projects/{project}/forms/clm_test/submissions/{id}"
        ))
        .await;
    assert!(
        page.contains("id=\"device-id\">collect:Xy7 phone+1<"),
        "{page}"
    );
    // The API lists it too, null where none was sent.
    let token = crate::fixtures::api_token(&browser).await;
    let listed = crate::fixtures::api_json(
        &app,
        &format!("/api/v1/clm/projects/{project}/forms/clm_test/submissions"),
        &token,
    )
    .await;
    let device_of = |instance: &str| {
        listed["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["instance_id"] == instance)
            .map(|s| s["device_id"].clone())
            .unwrap()
    };
    assert_eq!(device_of("uuid:d1-edit"), "collect:Xy7 phone+1", "{listed}");
    assert!(device_of("uuid:d2").is_null(), "{listed}");
    app.finish().await;
}

#[tokio::test]
async fn exports_can_hold_the_questions_of_earlier_versions() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    // Version 1 asks for a comment; version 2 drops it.
    let with_comment = survey("1", "| | text | comment | Comment | Коментар |\n");
    upload_form(&browser, &project, &with_comment).await;
    publish(&browser, &project).await;
    let collect = Collect::new(&app_user(&browser, &project, "Odesa monitor", "").await);
    let old = submission("uuid:v1", "odesa", 5, &[])
        .replace("<meta>", "<comment>Long queue</comment><meta>");
    assert!(collect.submit(old.as_bytes(), &[]).await.unwrap().success());
    let (status, page) = upload_form(&browser, &project, &survey("2", "")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        publish(&browser, &project).await.status(),
        StatusCode::SEE_OTHER
    );
    let new = submission("uuid:v2", "kyiv", 9, &[]).replace("version=\"1\"", "version=\"2\"");
    assert!(collect.submit(new.as_bytes(), &[]).await.unwrap().success());

    // By default, the current version's columns only (as in ODK Central).
    let csv = main_csv(&browser, &project, "").await;
    assert!(!csv.lines().next().unwrap().contains("comment"), "{csv}");
    // With deleted_fields, the removed question comes after the current ones.
    let csv = main_csv(&browser, &project, "?deleted_fields=true").await;
    let header = csv.lines().next().unwrap();
    assert!(header.contains(",meta-instanceID,comment,KEY,"), "{header}");
    assert_eq!(csv_cell(&csv, "uuid:v1", "comment"), "Long queue");
    assert_eq!(csv_cell(&csv, "uuid:v2", "comment"), "");
    assert_eq!(csv_cell(&csv, "uuid:v1", "waiting"), "5");
    let workbook = workbook_text(&browser, &project, "?deleted_fields=true").await;
    assert!(workbook.contains("Long queue"));
    assert!(
        !workbook_text(&browser, &project, "")
            .await
            .contains("Long queue")
    );
    // The table page offers it, off by default.
    let table = browser
        .text(&format!(
            "/clm/projects/{project}/forms/clm_test/submissions"
        ))
        .await;
    assert!(
        table.contains("name=\"deleted_fields\" value=\"true\">"),
        "{table}"
    );
    let log = app
        .store
        .audit_entries(&kolo_core::audit::AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(log.iter().any(|e| {
        e.entry.action == "clm.export"
            && e.entry
                .details
                .to_string()
                .contains("\"deleted_fields\":true")
    }));
    app.finish().await;
}

/// A concrete URL for a route of project `project`.
fn concrete(path: &str, values: &HashMap<&str, String>) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => values.get(name).cloned().unwrap_or_else(|| "x".to_owned()),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn staff_see_only_the_projects_they_are_assigned_to_on_every_route() {
    let app = TestApp::spawn().await;
    let (coordinator, project_a) = project(&app).await;
    let response = coordinator
        .post(
            "/clm/projects",
            &[("name", "Project B"), ("description", "")],
        )
        .await;
    let project_b = crate::common::location(&response)
        .trim_start_matches("/clm/projects/")
        .to_owned();
    for project in [&project_a, &project_b] {
        upload_form(&coordinator, project, &survey("1", "")).await;
        publish(&coordinator, project).await;
    }
    let olena = app.user("olena", &[Role::Monitor]).await;
    app.user("trainer", &[Role::Trainer]).await;
    app.user("viewer", &[Role::Viewer]).await;
    let mine = app_user(&coordinator, &project_a, "Olena's phone", &olena.0).await;
    let theirs = app_user(&coordinator, &project_b, "B phone", "").await;
    for (url, instance) in [(&mine, "uuid:a"), (&theirs, "uuid:b")] {
        let xml = submission(instance, "odesa", 5, &[]);
        assert!(
            Collect::new(url)
                .submit(xml.as_bytes(), &[])
                .await
                .unwrap()
                .success()
        );
    }
    let ids = instance_ids(&app).await;
    let in_b = ids.iter().find(|(_, i)| *i == "uuid:b").unwrap().0.clone();
    let b_device = app
        .store
        .app_users(&ProjectId(project_b.clone()))
        .await
        .unwrap()[0]
        .id
        .0
        .clone();

    // Olena works on A: she sees its pages and her own submission there.
    let monitor = app.signed_in("olena").await;
    let list = monitor.text("/clm").await;
    assert!(
        list.contains("CLM 2024: test project") && !list.contains("Project B"),
        "{list}"
    );
    assert_eq!(
        monitor
            .get(&format!("/clm/projects/{project_a}"))
            .await
            .status(),
        StatusCode::OK
    );
    let table_a = monitor
        .text(&format!(
            "/clm/projects/{project_a}/forms/clm_test/submissions"
        ))
        .await;
    assert_eq!(table_a.matches("<tr><td><a href=").count(), 1, "{table_a}");

    // Every route of project B, pages and API, refuses her; so it does a
    // trainer named on no project, and a viewer.
    let values: HashMap<&str, String> = [
        ("project", project_b.clone()),
        ("form", "clm_test".to_owned()),
        ("submission", in_b),
        ("app_user", b_device),
        ("name", "x.jpg".to_owned()),
    ]
    .into_iter()
    .collect();
    let (_, specs) = kolo::app::routes().into_parts();
    let project_routes: Vec<_> = specs
        .iter()
        .filter(|s| {
            matches!(s.access, Access::Staff(_)) && s.path.contains("clm/projects/{project}")
        })
        .collect();
    assert!(
        project_routes.len() >= 15,
        "{} routes",
        project_routes.len()
    );
    let trainer = app.signed_in("trainer").await;
    let viewer = app.signed_in("viewer").await;
    for (who, browser) in [
        ("monitor", &monitor),
        ("trainer", &trainer),
        ("viewer", &viewer),
    ] {
        let token = crate::fixtures::api_token(browser).await;
        for spec in &project_routes {
            let url = concrete(spec.path, &values);
            let full = format!("{}{url}", browser.base);
            let response = if spec.method == axum::http::Method::GET {
                if url.starts_with("/api/") {
                    browser
                        .client
                        .get(&full)
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                } else {
                    browser.get(&url).await
                }
            } else if url.starts_with("/api/") {
                browser
                    .client
                    .request(spec.method.clone(), &full)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "file_name": "clm_test.md", "content_base64": "" }))
                    .send()
                    .await
                    .unwrap()
            } else if url.ends_with("/forms") || url.ends_with("/attachments") {
                upload(
                    browser,
                    &url,
                    "file",
                    "clm_test.md",
                    "text/markdown",
                    survey("9", "").as_bytes(),
                )
                .await
            } else {
                browser
                    .post(
                        &url,
                        &[
                            ("name", "B phone 2"),
                            ("state", "approved"),
                            ("comment", ""),
                            ("user", &olena.0),
                            ("role", "manager"),
                            ("monitor", ""),
                        ],
                    )
                    .await
            };
            let status = response.status();
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{who}: {} {url} answered {status}",
                spec.method
            );
        }
        let projects = browser
            .client
            .get(format!("{}/api/v1/clm/projects", browser.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if projects.status() == StatusCode::OK {
            assert!(
                !projects.text().await.unwrap().contains(&project_b),
                "{who}"
            );
        }
    }
    // Nothing changed in project B.
    let b = ProjectId(project_b.clone());
    assert_eq!(app.store.app_users(&b).await.unwrap().len(), 1);
    assert!(app.store.project_staff(&b).await.unwrap().is_empty());
    let form = app.store.form(&b, "clm_test").await.unwrap().unwrap();
    assert!(form.draft.is_none());
    app.finish().await;
}
