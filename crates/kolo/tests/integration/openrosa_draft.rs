//! Trying a draft from ODK Collect, as ODK Central does, with the Collect-like
//! client: the draft's own server URL `/v1/test/{token}/…/forms/{id}/draft`,
//! its test submissions kept apart from the form's, discarded on publish, and
//! the token refused once the draft is gone. On SQLite or PostgreSQL
//! (`KOLO_TEST_DATABASE_URL`).

use kolo::clm::blobs::BlobStore;
use kolo::clm::publish;
use kolo_core::auth::Role;
use kolo_core::clm::{FormVersionId, ProjectId};
use reqwest::StatusCode;

use crate::collect::Collect;
use crate::common::{TestApp, execute_sql, location};
use crate::fixtures::upload;
use crate::openrosa::{
    FORM, LOGO, SITES, assert_blobs_consistent, assert_openrosa_refusal, count, setup, visit,
};

/// Saves the CLM visit form at `version` as the draft; its version id and the
/// server URL Collect uses to try it.
async fn draft(app: &TestApp, project: &ProjectId, version: &str) -> (FormVersionId, String) {
    let blobs = BlobStore::new(app.data_dir());
    let saved = publish::save_draft(
        &*app.store,
        &blobs,
        project,
        "clm_visit.md",
        FORM.replace("VERSION", version).as_bytes(),
        None,
    )
    .await
    .unwrap();
    let token = app
        .store
        .draft_token(&saved.version_id)
        .await
        .unwrap()
        .expect("a draft has a token");
    let url = app.url(&format!(
        "/v1/test/{token}/projects/{project}/forms/clm_visit/draft"
    ));
    (saved.version_id, url)
}

/// Every OpenRosa route of a draft URL answers 403 with an OpenRosa message.
async fn assert_refused(draft_url: &str) {
    let client = reqwest::Client::new();
    let xml_url = format!("{draft_url}.xml");
    for (method, url) in [
        (reqwest::Method::GET, format!("{draft_url}/formList")),
        (reqwest::Method::GET, xml_url),
        (reqwest::Method::GET, format!("{draft_url}/manifest")),
        (
            reqwest::Method::GET,
            format!("{draft_url}/attachments/sites.csv"),
        ),
        (reqwest::Method::HEAD, format!("{draft_url}/submission")),
    ] {
        let response = client
            .request(method.clone(), &url)
            .header("X-OpenRosa-Version", "1.0")
            .send()
            .await
            .unwrap();
        let has_body = method == reqwest::Method::GET;
        assert_openrosa_refusal(response, has_body, &format!("{method} {url}")).await;
    }
    let answer = Collect::new(draft_url)
        .post(
            visit("uuid:refused", "2", None, None).as_bytes(),
            &[],
            false,
        )
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(!answer.message.is_empty());
}

#[tokio::test]
async fn collect_tries_a_draft_at_its_test_url_and_publishing_discards_what_it_sent() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let (version, draft_url) = draft(&app, &setup.project, "2").await;
    let mut collect = Collect::new(&draft_url);

    // The list holds the draft alone, with URLs under the draft's prefix.
    let list = collect.form_list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].form_id, "clm_visit");
    assert_eq!(list[0].version.as_deref(), Some("2"));
    assert_eq!(list[0].download_url, format!("{draft_url}.xml"));
    assert_eq!(
        list[0].manifest_url.as_deref(),
        Some(format!("{draft_url}/manifest").as_str())
    );
    // The form and its media (carried over from version 1), hashes checked.
    assert_eq!(collect.update_forms().await.unwrap(), ["clm_visit"]);
    assert_eq!(collect.downloads, 3);
    let held = &collect.forms["clm_visit"];
    assert!(String::from_utf8_lossy(&held.xml).contains("version=\"2\""));
    assert_eq!(held.media["sites.csv"], SITES);
    assert_eq!(held.media["logo.png"], LOGO);
    assert_eq!(collect.preflight().await.unwrap(), 100_000_000);

    // A test submission with a photo: received, but not among the form's.
    let photo = vec![9u8; 50_000];
    let xml = visit("uuid:d1", "2", Some("board.jpg"), None);
    let files = [("board.jpg".to_owned(), photo.clone())];
    let answer = collect.submit(xml.as_bytes(), &files).await.unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    let again = collect.submit(xml.as_bytes(), &files).await.unwrap();
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.message);
    let changed = visit("uuid:d1", "2", Some("other.jpg"), None);
    let conflict = collect.post(changed.as_bytes(), &[], false).await.unwrap();
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    // The draft's token takes the draft's version only.
    let published_version = visit("uuid:d2", "1", None, None);
    let refused = collect
        .post(published_version.as_bytes(), &[], false)
        .await
        .unwrap();
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app).await, 0);
    let tests = app.store.draft_submissions(&version).await.unwrap();
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].instance_id, "uuid:d1");
    assert_eq!((tests[0].files_present, tests[0].files_expected), (1, 1));
    let blobs = app.store.draft_submission_blobs(&version).await.unwrap();
    assert_eq!(blobs.len(), 1);
    let photo_path = BlobStore::new(app.data_dir()).path_of(&blobs[0]);
    assert_eq!(std::fs::read(&photo_path).unwrap(), photo);

    // A monitor's device cannot send to the draft's version.
    let device = Collect::new(&setup.server_url);
    let early = device.post(xml.as_bytes(), &[], false).await.unwrap();
    assert_eq!(early.status, StatusCode::NOT_FOUND, "{}", early.message);
    assert_blobs_consistent(&app).await;

    // Publishing ends the token and discards the test submissions, files too.
    let form = app
        .store
        .form(&setup.project, "clm_visit")
        .await
        .unwrap()
        .unwrap();
    publish::publish(&*app.store, &BlobStore::new(app.data_dir()), &form.id)
        .await
        .unwrap();
    assert_refused(&draft_url).await;
    assert!(
        app.store
            .draft_submissions(&version)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(app.store.draft_token(&version).await.unwrap().is_none());
    assert!(!photo_path.exists(), "the test photo is deleted");
    assert_blobs_consistent(&app).await;
    // The same instance from a monitor's device is a first, real submission.
    let real = device.submit(xml.as_bytes(), &files).await.unwrap();
    assert_eq!(real.status, StatusCode::CREATED, "{}", real.message);
    assert_eq!(count(&app).await, 1);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn wrong_replaced_and_foreign_draft_tokens_are_refused_with_403_in_openrosa_xml() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let (first, first_url) = draft(&app, &setup.project, "2").await;
    let collect = Collect::new(&first_url);
    let xml = visit("uuid:t1", "2", None, None);
    assert!(collect.submit(xml.as_bytes(), &[]).await.unwrap().success());

    // A token that is no draft's, an app user's key under /v1/test/, and the
    // right token for another form id or project.
    let project = &setup.project;
    let token = first_url
        .split("/v1/test/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    for url in [
        app.url(&format!(
            "/v1/test/not-a-token/projects/{project}/forms/clm_visit/draft"
        )),
        app.url(&format!(
            "/v1/test/{}/projects/{project}/forms/clm_visit/draft",
            setup.token
        )),
        app.url(&format!(
            "/v1/test/{token}/projects/{project}/forms/other/draft"
        )),
        app.url(&format!(
            "/v1/test/{token}/projects/{}/forms/clm_visit/draft",
            ProjectId::new()
        )),
    ] {
        assert_refused(&url).await;
    }
    // Nor does a draft's token open the key layout.
    let as_key = app.url(&format!("/v1/key/{token}/projects/{project}"));
    let refused = Collect::new(&as_key).form_list().await.unwrap_err();
    assert!(refused.contains("403"), "{refused}");

    // A new draft replaces the old one: its token and its test submissions go.
    let (second, second_url) = draft(&app, &setup.project, "3").await;
    assert_ne!(first_url, second_url);
    assert_refused(&first_url).await;
    assert!(
        app.store
            .draft_submissions(&first)
            .await
            .unwrap()
            .is_empty()
    );
    let list = Collect::new(&second_url).form_list().await.unwrap();
    assert_eq!(list[0].version.as_deref(), Some("3"));
    assert!(
        app.store
            .draft_submissions(&second)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(count(&app).await, 0);

    // A draft saved before drafts had tokens gets one when first asked.
    execute_sql(
        &app,
        "UPDATE clm_form_versions SET draft_token = NULL WHERE state = 'draft'",
    )
    .await;
    assert_refused(&second_url).await;
    let token = app.store.draft_token(&second).await.unwrap().unwrap();
    assert_eq!(
        app.store.draft_token(&second).await.unwrap(),
        Some(token.clone())
    );
    let url = app.url(&format!(
        "/v1/test/{token}/projects/{project}/forms/clm_visit/draft"
    ));
    assert_eq!(Collect::new(&url).form_list().await.unwrap().len(), 1);
    app.finish().await;
}

/// The draft's server URL as the form page shows it.
fn shown_draft_url(page: &str) -> Option<String> {
    let start = page.find("id=\"draft-server-url\">")? + "id=\"draft-server-url\">".len();
    let end = start + page[start..].find('<')?;
    Some(page[start..end].replace("&#x2f;", "/"))
}

#[tokio::test]
async fn the_form_page_shows_managers_the_drafts_collect_url_and_qr_code_and_what_phones_sent() {
    let app = TestApp::spawn().await;
    app.user("coordinator", &[Role::Coordinator]).await;
    app.user("monitor", &[Role::Monitor]).await;
    let browser = app.signed_in("coordinator").await;
    let response = browser
        .post(
            "/clm/projects",
            &[("name", "CLM drafts"), ("description", "")],
        )
        .await;
    let project = location(&response)
        .trim_start_matches("/clm/projects/")
        .to_owned();
    let form = FORM.replace("VERSION", "1");
    let response = upload(
        &browser,
        &format!("/clm/projects/{project}/forms"),
        "file",
        "clm_visit.md",
        "text/markdown",
        form.as_bytes(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page_path = format!("/clm/projects/{project}/forms/clm_visit");
    let page = browser.text(&page_path).await;
    let url = shown_draft_url(&page).expect("the draft's URL is shown");
    assert!(
        url.starts_with(&app.url("/v1/test/"))
            && url.ends_with(&format!("/projects/{project}/forms/clm_visit/draft")),
        "{url}"
    );
    let trial = &page[page.find("id=\"draft-trial\"").unwrap()..];
    assert!(trial.contains("<svg"), "a QR code");
    assert!(page.contains("id=\"draft-submissions-none\""), "{page}");

    // The phone that scanned it lists the draft and sends a test submission.
    let collect = Collect::new(&url);
    assert_eq!(collect.form_list().await.unwrap().len(), 1);
    let xml = visit("uuid:p1", "1", None, None);
    assert!(collect.submit(xml.as_bytes(), &[]).await.unwrap().success());
    let page = browser.text(&page_path).await;
    let table = &page[page.find("id=\"draft-submissions\"").expect("listed")..];
    assert!(table.contains("uuid:p1"), "{table}");

    // Only those who manage the form see the credential.
    let monitor = app.signed_in("monitor").await;
    let theirs = monitor.text(&page_path).await;
    assert!(shown_draft_url(&theirs).is_none());
    assert!(!theirs.contains(url.split('/').nth(5).unwrap()));

    // Published: the section goes, the phone is refused, nothing was counted.
    let response = browser.post(&format!("{page_path}/publish"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = browser.text(&page_path).await;
    assert!(shown_draft_url(&page).is_none());
    let refused = collect.form_list().await.unwrap_err();
    assert!(refused.contains("403"), "{refused}");
    assert_eq!(count(&app).await, 0);
    app.finish().await;
}
