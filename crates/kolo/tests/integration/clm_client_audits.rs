//! Collect's client audit logs in the export with files: merged into
//! Central's `{xmlFormId} - audit.csv`, one row per event of each exported
//! submission's current version, led by its KEY, with the export's filters,
//! and absent when no exported submission has a log. On SQLite or PostgreSQL
//! (`KOLO_TEST_DATABASE_URL`).

use std::io::Read;

use kolo_core::clm::ProjectId;
use reqwest::StatusCode;

use crate::clm_pages::{app_user, project, publish, submission, survey, upload_form};
use crate::collect::Collect;
use crate::common::{Browser, TestApp};

const HEADER: &str = "instance ID,event,node,start,end,latitude,longitude,accuracy,\
                      old-value,new-value,user,change-reason";

/// A submission of the audited survey, with its log if any.
async fn send(collect: &Collect, instance: &str, log: Option<&[u8]>, deprecates: Option<&str>) {
    let mut meta = "<meta><audit>audit.csv</audit>".to_owned();
    if let Some(old) = deprecates {
        meta.push_str(&format!("<deprecatedID>{old}</deprecatedID>"));
    }
    let xml = submission(instance, "odesa", 5, &[]).replace("<meta>", &meta);
    let files: Vec<(String, Vec<u8>)> = log
        .map(|bytes| vec![("audit.csv".to_owned(), bytes.to_vec())])
        .unwrap_or_default();
    let answer = collect.submit(xml.as_bytes(), &files).await.unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
}

/// The names of a ZIP export's entries and its merged audit file, if any.
async fn export(browser: &Browser, path: &str) -> (Vec<String>, Option<String>) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let audit = zip.by_name("clm_test - audit.csv").ok().map(|mut file| {
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        text
    });
    (names, audit)
}

/// The merged file's rows after its header, sorted (submissions received in
/// one second may come in either order).
fn rows(audit: &str) -> Vec<&str> {
    let mut lines = audit.lines();
    assert_eq!(lines.next(), Some(HEADER), "{audit}");
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_unstable();
    rows
}

#[tokio::test]
async fn client_audit_logs_are_merged_into_one_file_of_the_export_with_files() {
    let app = TestApp::spawn().await;
    let (browser, project) = project(&app).await;
    let (status, page) = upload_form(
        &browser,
        &project,
        &survey("1", "| | audit | audit | | |\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        publish(&browser, &project).await.status(),
        StatusCode::SEE_OTHER
    );
    let odesa = Collect::new(&app_user(&browser, &project, "Odesa monitor", "").await);
    let kyiv = Collect::new(&app_user(&browser, &project, "Kyiv monitor", "").await);
    let with_files = format!("/clm/projects/{project}/forms/clm_test/export/attachments.zip");

    // No submission has a log yet: no audit file.
    send(&odesa, "uuid:s0", None, None).await;
    let (names, audit) = export(&browser, &with_files).await;
    assert!(names.contains(&"clm_test.csv".to_owned()), "{names:?}");
    assert_eq!(audit, None, "{names:?}");

    // Collect's plain log; one with location, change tracking and the
    // user's name (BOM, CRLF, quoted commas); one damaged half-way; and an
    // edit whose new log replaces its first one.
    send(
        &odesa,
        "uuid:s1",
        Some(b"event,node,start,end\nform start,,1700000000000,\nquestion,/data/waiting,1700000001000,1700000009000\n"),
        None,
    )
    .await;
    send(
        &kyiv,
        "uuid:s2",
        Some(
            "\u{feff}event,node,start,end,latitude,longitude,accuracy,old-value,new-value,user,change-reason\r\n\
             question,/data/waiting,1700000001000,1700000002000,50.45,30.52,8.5,5,\"7, maybe\",Olena,\"typo, fixed\"\r\n"
                .as_bytes(),
        ),
        None,
    )
    .await;
    send(
        &kyiv,
        "uuid:s3",
        Some(b"event,node,start,end\nform start,,1,\nquestion,\"/data/waiting\n"),
        None,
    )
    .await;
    send(
        &kyiv,
        "uuid:s4",
        Some(b"event,node,start,end\nform start,,10,\n"),
        None,
    )
    .await;
    send(
        &kyiv,
        "uuid:s4-edit",
        Some(b"event,node,start,end\nform resume,,20,\nform exit,,,30\n"),
        Some("uuid:s4"),
    )
    .await;

    let (names, audit) = export(&browser, &with_files).await;
    // The logs are not media.
    assert!(!names.iter().any(|n| n.starts_with("media/")), "{names:?}");
    let audit = audit.unwrap_or_else(|| panic!("no audit file in {names:?}"));
    let mut expected = vec![
        "uuid:s1,form start,,1700000000000,,,,,,,,",
        "uuid:s1,question,/data/waiting,1700000001000,1700000009000,,,,,,,",
        "uuid:s2,question,/data/waiting,1700000001000,1700000002000,50.45,30.52,8.5,5,\"7, maybe\",Olena,\"typo, fixed\"",
        "uuid:s3,form start,,1,,,,,,,,",
        "uuid:s4,form resume,,20,,,,,,,,",
        "uuid:s4,form exit,,,30,,,,,,,",
    ];
    expected.sort_unstable();
    assert_eq!(rows(&audit), expected, "{audit}");

    // The export's filters apply: only Odesa's submissions.
    let odesa_id = app
        .store
        .app_users(&ProjectId(project.clone()))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.display_name == "Odesa monitor")
        .unwrap()
        .id;
    let (_, audit) = export(&browser, &format!("{with_files}?app_user={}", odesa_id.0)).await;
    let audit = audit.expect("Odesa's log");
    assert_eq!(
        rows(&audit),
        [
            "uuid:s1,form start,,1700000000000,,,,,,,,",
            "uuid:s1,question,/data/waiting,1700000001000,1700000009000,,,,,,,",
        ]
    );

    // The export without files has the tables only.
    let (names, audit) = export(
        &browser,
        &format!("/clm/projects/{project}/forms/clm_test/export/csv.zip"),
    )
    .await;
    assert_eq!(audit, None, "{names:?}");
    app.finish().await;
}
