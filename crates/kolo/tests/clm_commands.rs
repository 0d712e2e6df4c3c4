//! `kolo project create`, `kolo form publish` and `kolo app-user create|revoke`
//! as administrators script them, on real processes while `kolo serve` runs
//! on the same data (SQLite, or PostgreSQL with `KOLO_TEST_DATABASE_URL`).

#[path = "support/collect.rs"]
mod collect;
#[path = "support/process.rs"]
mod process;

use std::io::Read;

use base64::Engine;
use reqwest::StatusCode;

use collect::Collect;
use process::{run, run_ok, serve};

const FORM: &str = "\
| survey |
| | type | name | label | media::image |
| | select_one_from_file sites.csv | site | Site | |
| | image | photo | Photo | |
| | note | logo_note | Our logo | logo.png |
| settings |
| | form_title | form_id | version |
| | CLM visit | clm_visit | 2024110101 |
";

#[tokio::test]
async fn clm_setup_commands_work_while_the_server_runs_on_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let data = data_dir.to_str().unwrap();
    let scratch = match std::env::var("KOLO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => Some(
            kolo_store_postgres::scratch::ScratchDatabase::create(&server)
                .await
                .unwrap(),
        ),
        None => None,
    };
    let url = scratch.as_ref().map(|s| s.url()).unwrap_or_default();
    let env: Vec<(&str, &str)> = if url.is_empty() {
        vec![]
    } else {
        vec![("KOLO_DATABASE_URL", url.as_str())]
    };
    let server = serve(data, "127.0.0.1:0", &env);

    let project = run_ok(
        &[
            "project",
            "create",
            "CLM 2024: HIV services",
            "--data",
            data,
        ],
        &env,
    );
    let project = project.trim().to_owned();
    assert_eq!(project.len(), 26, "{project}");

    let form = dir.path().join("clm_visit.md");
    std::fs::write(&form, FORM).unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(&sites, "name,label\nodesa_1,Odesa\n").unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, b"fictional logo").unwrap();
    let published = run_ok(
        &[
            "form",
            "publish",
            "--project",
            &project,
            form.to_str().unwrap(),
            sites.to_str().unwrap(),
            logo.to_str().unwrap(),
            "--data",
            data,
        ],
        &env,
    );
    assert_eq!(published.trim(), "clm_visit 2024110101");

    // The same version again, and a broken form: errors, exit code 1.
    let again = run(
        &[
            "form",
            "publish",
            "--project",
            &project,
            form.to_str().unwrap(),
            "--data",
            data,
        ],
        &env,
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("new version"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let broken = dir.path().join("broken.md");
    std::fs::write(
        &broken,
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| | select_one nolist | q | Q |\n",
    )
    .unwrap();
    let refused = run(
        &[
            "form",
            "publish",
            "--project",
            &project,
            broken.to_str().unwrap(),
            "--data",
            data,
        ],
        &env,
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("survey") && stderr.contains('3'),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was published"), "{stderr}");

    // Linking the device to a monitor's account: an unknown login is refused.
    let unknown = run(
        &[
            "app-user",
            "create",
            "--project",
            &project,
            "x",
            "--monitor",
            "nobody",
            "--data",
            data,
        ],
        &env,
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody"));
    let mut with_password = env.clone();
    with_password.push(("KOLO_PASSWORD", "a monitor's long passphrase"));
    run_ok(
        &[
            "admin",
            "create-user",
            "oksana",
            "--role",
            "monitor",
            "--data",
            data,
        ],
        &with_password,
    );
    let created = run_ok(
        &[
            "app-user",
            "create",
            "--project",
            &project,
            "Odesa monitor 1",
            "--monitor",
            "oksana",
            "--server-url",
            &server.base,
            "--data",
            data,
        ],
        &env,
    );
    let mut lines = created.lines();
    let server_url = lines.next().unwrap().to_owned();
    assert!(
        server_url.starts_with(&format!("{}/v1/key/", server.base))
            && server_url.ends_with(&format!("/projects/{project}")),
        "{server_url}"
    );
    // The QR code's content: zlib-compressed base64 JSON with that URL.
    let payload = base64::engine::general_purpose::STANDARD
        .decode(lines.next().unwrap())
        .unwrap();
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(&payload[..])
        .read_to_string(&mut json)
        .unwrap();
    let settings: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(settings["general"]["server_url"], server_url.as_str());
    assert_eq!(settings["project"]["name"], "CLM 2024: HIV services");
    let app_user = lines
        .next()
        .unwrap()
        .strip_prefix("app user id: ")
        .unwrap()
        .to_owned();

    // The running server serves what the commands set up.
    let mut collect = Collect::new(&server_url);
    assert_eq!(collect.update_forms().await.unwrap(), ["clm_visit"]);
    assert_eq!(collect.forms["clm_visit"].media.len(), 2);
    let xml = "<data id=\"clm_visit\" version=\"2024110101\"><site>odesa_1</site><photo/><logo_note/>\
               <meta><instanceID>uuid:cli-1</instanceID></meta></data>";
    let answer = collect.submit(xml.as_bytes(), &[]).await.unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);

    run_ok(&["app-user", "revoke", &app_user, "--data", data], &env);
    let refused = collect.form_list().await.unwrap_err();
    assert!(refused.contains("403"), "{refused}");

    let audit = run_ok(&["admin", "verify-audit", "--data", data], &env);
    assert!(!audit.is_empty());
    drop(server);
    let store = kolo::storage::open_store(&data_dir, scratch.as_ref().map(|s| s.url()).as_deref())
        .await
        .unwrap();
    let devices = store
        .app_users(&kolo_core::clm::ProjectId(project.clone()))
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert!(
        devices[0].user_id.is_some(),
        "linked to the monitor's account"
    );
    assert!(devices[0].revoked_at.is_some());
    drop(store);
    if let Some(scratch) = scratch {
        scratch.drop_database().await.unwrap();
    }
}

#[tokio::test]
async fn a_backup_restores_forms_submissions_and_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let data = data_dir.to_str().unwrap();
    let env = [("KOLO_BACKUP_PASSPHRASE", "резервна копія у сейфі")];
    let server = serve(data, "127.0.0.1:0", &[]);
    let project = run_ok(&["project", "create", "Backed up", "--data", data], &[])
        .trim()
        .to_owned();
    let form = dir.path().join("clm_visit.md");
    std::fs::write(&form, FORM).unwrap();
    let sites = dir.path().join("sites.csv");
    std::fs::write(&sites, "name,label\nodesa_1,Odesa\n").unwrap();
    run_ok(
        &[
            "form",
            "publish",
            "--project",
            &project,
            form.to_str().unwrap(),
            sites.to_str().unwrap(),
            "--data",
            data,
        ],
        &[],
    );
    let created = run_ok(
        &[
            "app-user",
            "create",
            "--project",
            &project,
            "phone",
            "--server-url",
            &server.base,
            "--data",
            data,
        ],
        &[],
    );
    let collect = Collect::new(created.lines().next().unwrap());
    let photo = vec![0x42u8; 300_000];
    let xml = "<data id=\"clm_visit\" version=\"2024110101\"><site>odesa_1</site><photo>p.jpg</photo>\
               <logo_note/><meta><instanceID>uuid:kept</instanceID></meta></data>";
    let answer = collect
        .submit(xml.as_bytes(), &[("p.jpg".into(), photo.clone())])
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.message);

    let backup = dir.path().join("kolo.backup");
    run_ok(
        &["backup", "--out", backup.to_str().unwrap(), "--data", data],
        &env,
    );
    drop(server);
    let restored = dir.path().join("restored");
    run_ok(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        &env,
    );
    let store = kolo::storage::open_store(&restored, None).await.unwrap();
    let list = store
        .submissions(&kolo_core::clm::SubmissionFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let blobs = kolo::clm::blobs::BlobStore::new(&restored);
    for blob in store.referenced_blobs().await.unwrap() {
        let bytes = std::fs::read(blobs.path_of(&blob.sha256)).expect("the file was restored");
        assert_eq!(bytes.len() as u64, blob.size);
    }
    let files = store
        .submission_attachments(&list[0].current_version_id)
        .await
        .unwrap();
    let sha = &files[0].blob.as_ref().unwrap().sha256;
    assert_eq!(std::fs::read(blobs.path_of(sha)).unwrap(), photo);
}
