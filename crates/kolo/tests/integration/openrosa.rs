//! OpenRosa as ODK Collect uses it: every rule and every refusal, on SQLite
//! or PostgreSQL (`KOLO_TEST_DATABASE_URL`).

use kolo::clm::blobs::BlobStore;
use kolo::clm::publish;
use kolo_core::clm::{AppUserId, FormState, NewAppUser, Project, ProjectId, SubmissionFilter};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::collect::{Collect, first_message, md5_hex};
use crate::common::TestApp;

pub const FORM: &str = "\
| survey |
| | type | name | label | media::image |
| | select_one_from_file sites.csv | site | Site | |
| | integer | waiting | Waiting time (minutes) | |
| | image | photo | Photo of the notice board | |
| | note | logo_note | Our logo | logo.png |
| settings |
| | form_title | form_id | version |
| | CLM visit | clm_visit | VERSION |
";

pub const SITES: &[u8] = b"name,label\nodesa_1,Odesa AIDS centre\nlviv_1,Lviv clinic\n";
pub const LOGO: &[u8] = b"\x89PNG\r\n\x1a\n fictional logo bytes";

pub struct Setup {
    pub project: ProjectId,
    pub token: String,
    pub app_user: AppUserId,
    pub server_url: String,
}

/// A project with the CLM visit form (version `version`) and its two media
/// files published, and one app user.
pub async fn setup(app: &TestApp, version: &str) -> Setup {
    let project = ProjectId::new();
    app.store
        .create_project(&Project {
            id: project.clone(),
            name: "CLM 2024: HIV services (test)".into(),
            description: String::new(),
            archived: false,
            created_at: Timestamp::now(),
        })
        .await
        .unwrap();
    publish_version(app, &project, version).await;
    let (token, app_user) = app_user(app, &project, "Odesa monitor 1").await;
    let server_url = app.url(&format!("/v1/key/{token}/projects/{project}"));
    Setup {
        project,
        token,
        app_user,
        server_url,
    }
}

pub async fn publish_version(app: &TestApp, project: &ProjectId, version: &str) {
    let blobs = BlobStore::new(app.data_dir());
    let form = FORM.replace("VERSION", version);
    let draft = publish::save_draft(
        &*app.store,
        &blobs,
        project,
        "clm_visit.md",
        form.as_bytes(),
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("the test form compiles: {e:?}"));
    assert_eq!(draft.definition.attachments, ["logo.png", "sites.csv"]);
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("sites.csv", SITES), ("logo.png", LOGO)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        publish::attach_path(&*app.store, &blobs, &draft.version_id, &path)
            .await
            .unwrap();
    }
    publish::publish(&*app.store, &blobs, &draft.form_id)
        .await
        .unwrap();
}

pub async fn app_user(app: &TestApp, project: &ProjectId, name: &str) -> (String, AppUserId) {
    let token = new_secret_token();
    let id = AppUserId::new();
    app.store
        .create_app_user(&NewAppUser {
            id: id.clone(),
            project_id: project.clone(),
            display_name: name.into(),
            user_id: None,
            token_hash: token_hash(&token),
            created_by: None,
            created_at: Timestamp::now(),
        })
        .await
        .unwrap();
    (token, id)
}

/// A filled-in CLM visit as Collect writes it.
pub fn visit(
    instance: &str,
    version: &str,
    photo: Option<&str>,
    deprecated: Option<&str>,
) -> String {
    let deprecated = deprecated
        .map(|d| format!("<orx:deprecatedID>{d}</orx:deprecatedID>"))
        .unwrap_or_default();
    format!(
        "<data xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" \
         id=\"clm_visit\" version=\"{version}\"><site>odesa_1</site><waiting>45</waiting>\
         <photo>{}</photo><logo_note/><orx:meta><orx:instanceID>{instance}</orx:instanceID>{deprecated}\
         </orx:meta></data>",
        photo.unwrap_or_default()
    )
}

/// How many submissions the forms hold (a draft's test submissions are not
/// among them).
pub(crate) async fn count(app: &TestApp) -> u64 {
    app.store
        .count_submissions(&SubmissionFilter::default())
        .await
        .unwrap()
}

/// A refusal as OpenRosa answers it: 403 with the protocol's version header
/// and, when a body is expected (not for HEAD), an OpenRosa message.
pub(crate) async fn assert_openrosa_refusal(response: reqwest::Response, body: bool, what: &str) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what}");
    assert_eq!(response.headers()["x-openrosa-version"], "1.0");
    if body {
        let body = response.text().await.unwrap();
        assert!(body.contains("<OpenRosaResponse"), "{body}");
    }
}

/// The blob store holds only complete files that rows name, and every file a
/// row names is there with its content.
pub async fn assert_blobs_consistent(app: &TestApp) {
    let blobs = BlobStore::new(app.data_dir());
    let mut on_disk = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(blobs.root()) {
        for dir in dirs.flatten() {
            if dir.file_name() == "tmp" {
                continue;
            }
            for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let content = std::fs::read(file.path()).unwrap();
                let sha: String = Sha256::digest(&content)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(sha, name, "a blob's name is the SHA-256 of its content");
                assert!(
                    app.store.blob_referenced(&name).await.unwrap(),
                    "an orphan blob {name}"
                );
                on_disk.push(name);
            }
        }
    }
    for blob in app.store.referenced_blobs().await.unwrap() {
        let path = blobs.path_of(&blob.sha256);
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|_| panic!("the blob {} is missing", blob.sha256))
            .len();
        assert_eq!(size, blob.size);
    }
}

#[tokio::test]
async fn collect_lists_downloads_compares_hashes_and_submits_as_odk_collect_does() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let mut collect = Collect::new(&setup.server_url);

    // The form list: Central's shape, absolute URLs under the key prefix.
    let list = collect.form_list().await.unwrap();
    assert_eq!(list.len(), 1);
    let listed = &list[0];
    assert_eq!(listed.form_id, "clm_visit");
    assert_eq!(listed.name, "CLM visit");
    assert_eq!(listed.version.as_deref(), Some("1"));
    assert_eq!(
        listed.download_url,
        format!("{}/forms/clm_visit.xml", setup.server_url)
    );
    assert_eq!(
        listed.manifest_url.as_deref(),
        Some(format!("{}/forms/clm_visit/manifest", setup.server_url).as_str())
    );

    // Download: the form and both media files, each checked against its hash.
    assert_eq!(collect.update_forms().await.unwrap(), ["clm_visit"]);
    assert_eq!(collect.downloads, 3);
    let held = &collect.forms["clm_visit"];
    assert_eq!(held.media["sites.csv"], SITES);
    assert_eq!(held.media["logo.png"], LOGO);
    assert!(String::from_utf8_lossy(&held.xml).contains("id=\"clm_visit\""));
    // Nothing changed on the server: the hashes match, nothing is fetched again.
    assert!(collect.update_forms().await.unwrap().is_empty());
    assert_eq!(collect.downloads, 3);

    // Headers of every OpenRosa answer.
    let response = reqwest::get(format!("{}/formList", setup.server_url))
        .await
        .unwrap();
    assert_eq!(response.headers()["x-openrosa-version"], "1.0");
    assert_eq!(
        response.headers()["content-type"],
        "text/xml; charset=utf-8"
    );
    assert!(response.headers().contains_key("date"));
    assert!(!response.headers().contains_key("set-cookie"));

    // HEAD /submission: 204 with the accepted size.
    assert_eq!(collect.preflight().await.unwrap(), 100_000_000);

    // A finalized form with a photo.
    let photo = vec![7u8; 200_000];
    let xml = visit("uuid:a1", "1", Some("board.jpg"), None);
    let answer = collect
        .submit(xml.as_bytes(), &[("board.jpg".into(), photo.clone())])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    assert!(!answer.message.is_empty());

    let list = app
        .store
        .submissions(&SubmissionFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let stored = &list[0];
    assert_eq!(stored.instance_id, "uuid:a1");
    assert_eq!(stored.form_version, "1");
    assert_eq!(stored.app_user_id.as_ref(), Some(&setup.app_user));
    assert_eq!((stored.files_present, stored.files_expected), (1, 1));
    let xml_back = app
        .store
        .submission_xml(&stored.current_version_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(xml_back, xml.as_bytes(), "stored exactly as received");
    let files = app
        .store
        .submission_attachments(&stored.current_version_id)
        .await
        .unwrap();
    let blob = files[0].blob.as_ref().unwrap();
    assert_eq!(blob.md5, md5_hex(&photo));
    let on_disk = std::fs::read(BlobStore::new(app.data_dir()).path_of(&blob.sha256)).unwrap();
    assert_eq!(on_disk, photo);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_new_version_is_downloaded_again_and_the_old_one_still_takes_submissions() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let mut collect = Collect::new(&setup.server_url);
    collect.update_forms().await.unwrap();
    let old_hash = collect.forms["clm_visit"].hash.clone();

    // The same version string again is refused.
    let blobs = BlobStore::new(app.data_dir());
    let draft = publish::save_draft(
        &*app.store,
        &blobs,
        &setup.project,
        "clm_visit.md",
        FORM.replace("VERSION", "1").as_bytes(),
        None,
    )
    .await
    .unwrap();
    let refused = publish::publish(&*app.store, &blobs, &draft.form_id).await;
    assert!(
        matches!(refused, Err(publish::PublishError::VersionTaken(ref v)) if v == "1"),
        "{refused:?}"
    );

    publish_version(&app, &setup.project, "2").await;
    let before = collect.downloads;
    assert_eq!(collect.update_forms().await.unwrap(), ["clm_visit"]);
    assert_ne!(collect.forms["clm_visit"].hash, old_hash);
    // The media are unchanged (carried over), so only the form is fetched.
    assert_eq!(collect.downloads, before + 1);

    // A device still holding version 1 submits with it.
    let answer = collect
        .submit(visit("uuid:old", "1", None, None).as_bytes(), &[])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    let answer = collect
        .submit(visit("uuid:new", "2", None, None).as_bytes(), &[])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    // A version never published is refused.
    let answer = collect
        .submit(visit("uuid:x", "3", None, None).as_bytes(), &[])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.message.contains('3'), "{}", answer.message);
    assert_eq!(count(&app).await, 2);
    app.finish().await;
}

#[tokio::test]
async fn a_split_submission_is_assembled_and_repeating_it_adds_nothing() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    let xml = visit("uuid:split", "1", Some("board.jpg"), None);
    let extra = ("audit.csv".to_owned(), b"event,start\n".to_vec());
    let photo = ("board.jpg".to_owned(), vec![1u8; 1000]);

    // Collect's split: same XML, a subset of files, *isIncomplete* on all but the last.
    let first = collect
        .post(xml.as_bytes(), std::slice::from_ref(&extra), true)
        .await
        .unwrap();
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.message);
    let detail = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((detail[0].files_present, detail[0].files_expected), (1, 2));
    let last = collect
        .post(xml.as_bytes(), std::slice::from_ref(&photo), false)
        .await
        .unwrap();
    assert_eq!(last.status, StatusCode::CREATED, "{}", last.message);
    let detail = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(detail.len(), 1);
    assert_eq!((detail[0].files_present, detail[0].files_expected), (2, 2));

    // A retry of everything (the acknowledgement was lost): 201, nothing new.
    let again = collect
        .submit(xml.as_bytes(), &[photo.clone(), extra.clone()])
        .await
        .unwrap();
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(count(&app).await, 1);
    // A file sent again under a held name never replaces the held one.
    let other = collect
        .post(
            xml.as_bytes(),
            &[("board.jpg".into(), vec![2u8; 10])],
            false,
        )
        .await
        .unwrap();
    assert_eq!(other.status, StatusCode::CREATED);
    let files = app
        .store
        .submission_attachments(&detail[0].current_version_id)
        .await
        .unwrap();
    let board = files.iter().find(|f| f.name == "board.jpg").unwrap();
    assert_eq!(board.blob.as_ref().unwrap().size, 1000);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_collect_split_by_the_accepted_size_arrives_whole() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    // 120 files: Collect sends at most 100 per POST, so two POSTs.
    let files: Vec<(String, Vec<u8>)> = (0..120)
        .map(|i| (format!("f{i}.jpg"), vec![i as u8; 100]))
        .collect();
    let xml = visit("uuid:many", "1", Some("f0.jpg"), None);
    let answer = collect.submit(xml.as_bytes(), &files).await.unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    let list = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].files_present, 120);
    app.finish().await;
}

#[tokio::test]
async fn different_xml_under_a_held_instance_id_is_a_conflict_that_changes_nothing() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    let xml = visit("uuid:c", "1", None, None);
    assert_eq!(
        collect.submit(xml.as_bytes(), &[]).await.unwrap().status,
        StatusCode::CREATED
    );
    let changed = xml.replace("<waiting>45</waiting>", "<waiting>50</waiting>");
    let answer = collect
        .submit(changed.as_bytes(), &[("board.jpg".into(), vec![3u8; 50])])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.message.contains("uuid:c"), "{}", answer.message);
    let list = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let stored = app
        .store
        .submission_xml(&list[0].current_version_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, xml.as_bytes());
    assert_eq!(list[0].files_present, 0);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn an_edit_with_deprecated_id_is_a_new_version_of_the_same_submission() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    let photo = ("board.jpg".to_owned(), vec![9u8; 500]);
    let first = visit("uuid:v1", "1", Some("board.jpg"), None);
    assert_eq!(
        collect
            .submit(first.as_bytes(), &[photo])
            .await
            .unwrap()
            .status,
        StatusCode::CREATED
    );
    // The edit keeps the photo without sending it again.
    let edit = visit("uuid:v2", "1", Some("board.jpg"), Some("uuid:v1"));
    let answer = collect.submit(edit.as_bytes(), &[]).await.unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);

    let list = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1, "an edit is not a second submission");
    assert_eq!(list[0].instance_id, "uuid:v2");
    assert_eq!(list[0].edits, 1);
    assert_eq!(list[0].files_present, 1);
    let detail = app.store.submission(&list[0].id).await.unwrap().unwrap();
    assert_eq!(detail.versions.len(), 2);
    assert_eq!(detail.versions[1].deprecated_id.as_deref(), Some("uuid:v1"));
    assert!(!detail.versions[0].current && detail.versions[1].current);

    // Editing the replaced version again, or re-sending it changed: 409.
    let stale = visit("uuid:v3", "1", None, Some("uuid:v1"));
    let answer = collect.submit(stale.as_bytes(), &[]).await.unwrap();
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.message);
    // An edit of something never received: 404.
    let unknown = visit("uuid:v4", "1", None, Some("uuid:never"));
    let answer = collect.submit(unknown.as_bytes(), &[]).await.unwrap();
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.message.contains("uuid:never"), "{}", answer.message);
    assert_eq!(
        app.store
            .submission(&list[0].id)
            .await
            .unwrap()
            .unwrap()
            .versions
            .len(),
        2
    );
    app.finish().await;
}

#[tokio::test]
async fn unknown_revoked_and_foreign_tokens_are_refused_with_403_in_openrosa_xml() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let other = ProjectId::new();
    app.store
        .create_project(&Project {
            id: other.clone(),
            name: "Other".into(),
            description: String::new(),
            archived: false,
            created_at: Timestamp::now(),
        })
        .await
        .unwrap();
    let urls = [
        app.url(&format!("/v1/key/not-a-token/projects/{}", setup.project)),
        // A live token used on another project.
        app.url(&format!("/v1/key/{}/projects/{other}", setup.token)),
    ];
    for url in &urls {
        for path in ["/formList", "/forms/clm_visit.xml", "/submission"] {
            let response = reqwest::get(format!("{url}{path}")).await.unwrap();
            assert_openrosa_refusal(response, true, &format!("{url}{path}")).await;
        }
        let answer = Collect::new(url)
            .post(visit("uuid:t", "1", None, None).as_bytes(), &[], false)
            .await
            .unwrap();
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
    }

    // Revocation takes effect at once.
    let collect = Collect::new(&setup.server_url);
    assert!(collect.form_list().await.is_ok());
    app.store
        .revoke_app_user(&setup.app_user, Timestamp::now())
        .await
        .unwrap();
    let refused = collect.form_list().await.unwrap_err();
    assert!(refused.contains("403"), "{refused}");
    let answer = collect
        .post(visit("uuid:r", "1", None, None).as_bytes(), &[], false)
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.message.contains("revoked"), "{}", answer.message);
    assert_eq!(count(&app).await, 0);
    app.finish().await;
}

#[tokio::test]
async fn closing_forms_take_submissions_but_no_downloads_and_closed_forms_neither() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    let form = app
        .store
        .form(&setup.project, "clm_visit")
        .await
        .unwrap()
        .unwrap();
    app.store
        .set_form_state(&form.id, FormState::Closing)
        .await
        .unwrap();
    assert!(collect.form_list().await.unwrap().is_empty());
    let download = reqwest::get(format!("{}/forms/clm_visit.xml", setup.server_url))
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::FORBIDDEN);
    let answer = collect
        .submit(visit("uuid:closing", "1", None, None).as_bytes(), &[])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED);

    app.store
        .set_form_state(&form.id, FormState::Closed)
        .await
        .unwrap();
    let answer = collect
        .submit(visit("uuid:closed", "1", None, None).as_bytes(), &[])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.message.contains("clm_visit"), "{}", answer.message);
    assert_eq!(count(&app).await, 1);
    app.finish().await;
}

#[tokio::test]
async fn submissions_that_do_not_fit_their_form_are_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    let good = visit("uuid:g", "1", None, None);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            good.replace("id=\"clm_visit\"", "id=\"no_such_form\""),
            StatusCode::NOT_FOUND,
            "no_such_form",
        ),
        (
            good.replace("<data ", "<survey ")
                .replace("</data>", "</survey>"),
            StatusCode::BAD_REQUEST,
            "<survey>",
        ),
        (
            good.replace("<orx:instanceID>uuid:g</orx:instanceID>", ""),
            StatusCode::BAD_REQUEST,
            "instanceID",
        ),
        (
            good.replace(" id=\"clm_visit\"", ""),
            StatusCode::BAD_REQUEST,
            "id",
        ),
        (good.replace("</data>", ""), StatusCode::BAD_REQUEST, "XML"),
        (
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}",
                good.replace("odesa_1", "&x;")
            ),
            StatusCode::BAD_REQUEST,
            "DOCTYPE",
        ),
        (
            format!(
                "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>{}",
                good.replace("odesa_1", "&b;")
            ),
            StatusCode::BAD_REQUEST,
            "DOCTYPE",
        ),
    ];
    for (xml, status, needle) in cases {
        let answer = collect.post(xml.as_bytes(), &[], false).await.unwrap();
        assert_eq!(answer.status, status, "{xml}: {}", answer.message);
        assert!(
            answer.message.contains(needle),
            "{needle} not in {:?}",
            answer.message
        );
    }

    // No xml_submission_file part.
    let form = reqwest::multipart::Form::new().text("deviceID", "x");
    let response = collect
        .client
        .post(format!("{}/submission", setup.server_url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(first_message(&response.text().await.unwrap()).contains("xml_submission_file"));
    // Not multipart at all.
    let response = collect
        .client
        .post(format!("{}/submission", setup.server_url))
        .body(good.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // A file part named like a path.
    let answer = collect
        .post(
            good.as_bytes(),
            &[("../../etc/x.jpg".into(), vec![1])],
            false,
        )
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // Another protocol version.
    let response = collect
        .client
        .head(format!("{}/submission", setup.server_url))
        .header("X-OpenRosa-Version", "2.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Messages follow the device's language.
    let response = collect
        .client
        .post(format!("{}/submission", setup.server_url))
        .header("Accept-Language", "uk-UA")
        .multipart(reqwest::multipart::Form::new().text("deviceID", "x"))
        .send()
        .await
        .unwrap();
    let message = first_message(&response.text().await.unwrap());
    assert!(message.contains("немає"), "{message}");

    assert_eq!(count(&app).await, 0);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn too_large_submissions_are_refused_with_413_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let collect = Collect::new(&setup.server_url);
    // An XML part over 10 MB.
    let padding = "x".repeat(10_000_001);
    let xml = visit("uuid:big", "1", None, None)
        .replace("<logo_note/>", &format!("<logo_note>{padding}</logo_note>"));
    let answer = collect.post(xml.as_bytes(), &[], false).await.unwrap();
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);

    // A declared length over what HEAD announced is refused before reading.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let path = setup.server_url.trim_start_matches(&app.base);
    stream
        .write_all(
            format!(
                "POST {path}/submission HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=b\r\n\
                 Content-Length: 200000000\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = vec![0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
    assert_eq!(count(&app).await, 0);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn an_upload_cut_off_midway_stores_nothing_and_the_retry_succeeds() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    use tokio::io::AsyncWriteExt;
    let address = app.base.trim_start_matches("http://");
    let path = setup.server_url.trim_start_matches(&app.base);
    let xml = visit("uuid:cut", "1", Some("board.jpg"), None);
    let body_start = format!(
        "--b\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\n\
         Content-Type: text/xml\r\n\r\n{xml}\r\n--b\r\nContent-Disposition: form-data; name=\"board.jpg\"; \
         filename=\"board.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            format!(
                "POST {path}/submission HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=b\r\n\
                 Content-Length: 5000000\r\n\r\n{body_start}"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    stream.write_all(&vec![5u8; 200_000]).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(count(&app).await, 0);
    assert_blobs_consistent(&app).await;

    // Collect keeps the form and sends it again.
    let collect = Collect::new(&setup.server_url);
    let answer = collect
        .submit(xml.as_bytes(), &[("board.jpg".into(), vec![5u8; 300_000])])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(count(&app).await, 1);
    assert_blobs_consistent(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn encrypted_forms_take_only_encrypted_submissions_stored_as_received() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let blobs = BlobStore::new(app.data_dir());
    let form = "| survey |\n| | type | name | label |\n| | text | note | Note |\n\
                | settings |\n| | form_id | version | public_key |\n| | sealed | 5 | MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest |\n";
    let draft = publish::save_draft(
        &*app.store,
        &blobs,
        &setup.project,
        "sealed.md",
        form.as_bytes(),
        None,
    )
    .await
    .unwrap();
    assert!(draft.definition.public_key.is_some());
    publish::publish(&*app.store, &blobs, &draft.form_id)
        .await
        .unwrap();
    let collect = Collect::new(&setup.server_url);

    let plain = "<data id=\"sealed\" version=\"5\"><note>x</note><meta><instanceID>uuid:p</instanceID></meta></data>";
    let answer = collect.post(plain.as_bytes(), &[], false).await.unwrap();
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.message.contains("encrypted"), "{}", answer.message);

    let envelope = "<data xmlns=\"http://opendatakit.org/submissions\" id=\"sealed\" version=\"5\" encrypted=\"yes\">\
        <base64EncryptedKey>a2V5</base64EncryptedKey><meta xmlns=\"http://openrosa.org/xforms\"><instanceID>uuid:enc</instanceID></meta>\
        <encryptedXmlFile>submission.xml.enc</encryptedXmlFile><base64EncryptedElementSignature>c2ln</base64EncryptedElementSignature></data>";
    let sealed = vec![0xA5u8; 4096];
    let answer = collect
        .submit(
            envelope.as_bytes(),
            &[("submission.xml.enc".into(), sealed.clone())],
        )
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);
    let list = app
        .store
        .submissions(&SubmissionFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(list[0].encrypted);
    assert_eq!(
        app.store
            .submission_xml(&list[0].current_version_id)
            .await
            .unwrap()
            .unwrap(),
        envelope.as_bytes()
    );
    let files = app
        .store
        .submission_attachments(&list[0].current_version_id)
        .await
        .unwrap();
    assert_eq!(files[0].name, "submission.xml.enc");
    assert_eq!(files[0].blob.as_ref().unwrap().md5, md5_hex(&sealed));
    app.finish().await;
}

#[tokio::test]
async fn an_xlsform_with_errors_is_refused_with_sheet_row_and_column() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let blobs = BlobStore::new(app.data_dir());
    let broken = "| survey |\n| | type | name | label |\n| | integer | age | Age |\n| | select_one nolist | q | Q |\n";
    let error = publish::save_draft(
        &*app.store,
        &blobs,
        &setup.project,
        "broken.md",
        broken.as_bytes(),
        None,
    )
    .await
    .unwrap_err();
    let publish::PublishError::Form(errors, _) = error else {
        panic!("expected the form's errors, got {error:?}");
    };
    let location = errors[0].location.as_ref().expect("a location");
    assert_eq!(location.sheet, "survey");
    assert_eq!(location.row, Some(3));
    // A file the form does not reference is refused by name.
    let draft = publish::save_draft(
        &*app.store,
        &blobs,
        &setup.project,
        "clm_visit.md",
        FORM.replace("VERSION", "9").as_bytes(),
        None,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stray = dir.path().join("stray.png");
    std::fs::write(&stray, b"x").unwrap();
    let refused = publish::attach_path(&*app.store, &blobs, &draft.version_id, &stray).await;
    assert!(
        matches!(refused, Err(publish::PublishError::UnexpectedFile(ref n)) if n == "stray.png"),
        "{refused:?}"
    );
    assert_blobs_consistent(&app).await;
    app.finish().await;
}
