//! The `kolo` binary as people run it: real processes, real ports.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use reqwest::redirect::Policy;

const KOLO: &str = env!("CARGO_BIN_EXE_kolo");

/// A `kolo` process; killed when dropped.
struct Process {
    child: Child,
    /// What it printed before it began serving.
    printed: Vec<String>,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kolo ARGS` and waits for the line that says where it serves.
// The child is waited for by `Process::drop`, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn start(args: &[&str], env: &[(&str, &str)]) -> Process {
    let mut command = Command::new(KOLO);
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("kolo starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    loop {
        let line = lines
            .next()
            .unwrap_or_else(|| {
                panic!("kolo {args:?} exited before serving; it printed {printed:?}")
            })
            .expect("readable output");
        if let Some(rest) = line.strip_prefix("Kolo is serving on ") {
            let base = rest.trim_end_matches('/').to_owned();
            // Keep draining stdout so the process never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Process {
                child,
                printed,
                base,
            };
        }
        printed.push(line);
    }
}

fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(KOLO);
    command.args(args).stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("kolo runs")
}

fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn csrf(body: &str) -> String {
    let start = body.find("name=\"_csrf\" value=\"").expect("a form") + 20;
    body[start..start + body[start..].find('"').unwrap()].to_owned()
}

async fn sign_in(client: &reqwest::Client, base: &str, login: &str, password: &str) -> StatusCode {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf(&page).as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_demo_prints_its_logins_and_serves_the_same_data_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kolo-data");
    let data = data.to_str().unwrap();
    let first = start(&["demo", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    let printed = first.printed.join("\n");
    assert!(printed.contains("DEMO DATA"), "{printed}");
    for role in [
        "admin",
        "coordinator",
        "trainer",
        "monitor",
        "case_worker",
        "viewer",
    ] {
        assert!(
            printed.contains(&format!("  {role} ")),
            "no demo login for {role}: {printed}"
        );
    }
    let client = new_browser();
    assert_eq!(
        sign_in(&client, &first.base, "coordinator", "kolo-demo-plan-ahead").await,
        StatusCode::SEE_OTHER
    );
    let dashboard = client
        .get(format!("{}/", first.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("ДЕМО-ДАНІ"));
    drop(first);

    let again = start(&["demo", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    assert!(
        again
            .printed
            .iter()
            .any(|l| l.contains("Serving the existing demo")),
        "{:?}",
        again.printed
    );
    assert_eq!(
        sign_in(&new_browser(), &again.base, "admin", "kolo-demo-key-keeper").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_demo_refuses_a_data_directory_that_holds_a_real_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let created = run(
        &[
            "admin",
            "create-user",
            "olena",
            "--role",
            "admin",
            "--data",
            data,
        ],
        &[("KOLO_PASSWORD", "a real organisation's key")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let demo = run(&["demo", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    assert_eq!(demo.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&demo.stderr).contains("real organisation"));
}

#[tokio::test]
async fn admin_commands_work_while_the_server_runs_on_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = start(&["serve", "--data", data, "--listen", "127.0.0.1:0"], &[]);

    let created = run(
        &[
            "admin",
            "create-user",
            "Natalia",
            "--role",
            "coordinator",
            "--role",
            "trainer",
            "--oblast",
            "UA-51",
            "--data",
            data,
        ],
        &[("KOLO_PASSWORD", "квітень у Одесі теплий")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("created account natalia"));
    assert_eq!(
        sign_in(
            &new_browser(),
            &server.base,
            "natalia",
            "квітень у Одесі теплий"
        )
        .await,
        StatusCode::SEE_OTHER
    );

    let token = run(&["admin", "api-token", "natalia", "--data", data], &[]);
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["login"], "natalia");
    assert_eq!(me["oblast"], "UA-51");
}

#[tokio::test]
async fn admin_commands_explain_bad_input_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["admin", "create-user", "olena", "--role", "boss"],
            "a strong enough passphrase",
            "is not a role",
        ),
        (
            &["admin", "create-user", "olena", "--role", "admin"],
            "qwerty123456",
            "too common",
        ),
        (
            &[
                "admin",
                "create-user",
                "olena",
                "--role",
                "admin",
                "--oblast",
                "UA-99",
            ],
            "a strong enough passphrase",
            "ISO 3166-2:UA",
        ),
        (
            &["admin", "api-token", "nobody"],
            "",
            "no account has login",
        ),
    ];
    for (args, password, expected) in cases {
        let mut args = args.to_vec();
        args.extend(["--data", data]);
        let output = run(&args, &[("KOLO_PASSWORD", password)]);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let usage = run(&["admin", "create-user"], &[]);
    assert_eq!(usage.status.code(), Some(2));
}

#[tokio::test]
async fn serving_a_public_address_without_tls_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        &[
            "serve",
            "--data",
            dir.path().to_str().unwrap(),
            "--listen",
            "0.0.0.0:0",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--behind-tls-proxy"));
}

/// Two servers on one PostgreSQL database behave as one service.
#[tokio::test]
async fn a_login_made_through_one_process_is_valid_on_the_other() {
    let Some(server_url) = std::env::var("KOLO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("KOLO_TEST_DATABASE_URL is not set: the two-process test needs PostgreSQL");
        return;
    };
    let scratch = kolo_store_postgres::scratch::ScratchDatabase::create(&server_url)
        .await
        .unwrap();
    let url = scratch.url();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let created = run(
        &[
            "admin",
            "create-user",
            "olena",
            "--role",
            "coordinator",
            "--data",
            dir_a.path().to_str().unwrap(),
            "--database-url",
            &url,
        ],
        &[("KOLO_PASSWORD", "одна база на двох")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    {
        let a = start(
            &[
                "serve",
                "--data",
                dir_a.path().to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ],
            &[("KOLO_DATABASE_URL", &url)],
        );
        let b = start(
            &[
                "serve",
                "--data",
                dir_b.path().to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ],
            &[("KOLO_DATABASE_URL", &url)],
        );
        let client = new_browser();
        assert_eq!(
            sign_in(&client, &a.base, "olena", "одна база на двох").await,
            StatusCode::SEE_OTHER
        );
        // The cookie jar holds the session for 127.0.0.1; the other port shares it.
        let on_b = client.get(format!("{}/", b.base)).send().await.unwrap();
        assert_eq!(on_b.status(), StatusCode::OK);
        assert!(on_b.text().await.unwrap().contains("Вітаємо, olena!"));
        // Logging out through B ends the session on A.
        let page = client
            .get(format!("{}/", b.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        client
            .post(format!("{}/logout", b.base))
            .form(&[("_csrf", csrf(&page))])
            .send()
            .await
            .unwrap();
        assert_eq!(
            client
                .get(format!("{}/", a.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    scratch.drop_database().await.unwrap();
}

#[test]
fn xlsform_convert_writes_the_xform_and_its_itemsets_or_names_each_error() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("clinic_visit.md");
    std::fs::write(
        &form,
        "| survey |\n\
         | | type | name | label |\n\
         | | select_one_external city | city | Місто |\n\
         | | integer | waited | Скільки хвилин ви чекали? |\n\
         | external_choices |\n\
         | | list_name | name | label |\n\
         | | city | kyiv | Київ |\n\
         | | city | lviv | Львів |\n",
    )
    .unwrap();
    let output = run(&["xlsform", "convert", form.to_str().unwrap()], &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let xform = std::fs::read_to_string(dir.path().join("clinic_visit.xml")).unwrap();
    assert!(xform.contains("Скільки хвилин ви чекали?") && xform.contains("id=\"clinic_visit\""));
    let itemsets = std::fs::read_to_string(dir.path().join("itemsets.csv")).unwrap();
    assert!(itemsets.contains("lviv"));

    let broken = dir.path().join("broken.md");
    std::fs::write(
        &broken,
        "| survey |\n| | type | name | label | relevant |\n| | integer | age | Вік | |\n| | text | job | Робота | ${agee} > 17 |\n",
    )
    .unwrap();
    let output = run(
        &["xlsform", "convert", broken.to_str().unwrap(), "--json"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let error = &report["errors"][0];
    assert_eq!(
        (
            error["sheet"].as_str(),
            error["row"].as_u64(),
            error["column"].as_str()
        ),
        (Some("survey"), Some(3), Some("relevant"))
    );
    assert!(
        error["message"]["uk"]
            .as_str()
            .unwrap()
            .contains("Аркуш `survey`")
    );
    assert!(
        !dir.path().join("broken.xml").exists(),
        "no XForm is written for a broken form"
    );

    let usage = run(&["xlsform", "convert", "--no-such-flag"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    let missing = run(
        &[
            "xlsform",
            "convert",
            dir.path().join("absent.xlsx").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(missing.status.code(), Some(2));
}

async fn post_form(
    client: &reqwest::Client,
    base: &str,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let body = client
        .get(format!("{base}{page}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf(&body);
    let mut form = vec![("_csrf", token.as_str())];
    form.extend_from_slice(fields);
    client
        .post(format!("{base}{action}"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sealed_server_starts_locked_until_an_admin_gives_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for (login, role) in [("iryna", "admin"), ("donor", "viewer")] {
        let created = run(
            &[
                "admin",
                "create-user",
                login,
                "--role",
                role,
                "--data",
                data,
            ],
            &[("KOLO_PASSWORD", "a passphrase for the test")],
        );
        assert!(
            created.status.success(),
            "{}",
            String::from_utf8_lossy(&created.stderr)
        );
    }
    let sealed = run(
        &["admin", "set-passphrase", "--data", data],
        &[("KOLO_VAULT_NEW_PASSPHRASE", "соняшники над Дніпром")],
    );
    assert!(
        sealed.status.success(),
        "{}",
        String::from_utf8_lossy(&sealed.stderr)
    );

    let server = start(&["serve", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    assert!(
        server.printed.iter().any(|l| l.contains("sealed")),
        "{:?}",
        server.printed
    );

    let donor = new_browser();
    assert_eq!(
        sign_in(&donor, &server.base, "donor", "a passphrase for the test").await,
        StatusCode::SEE_OTHER
    );
    let locked = donor.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(locked.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(locked.text().await.unwrap().contains("Сервер заблоковано"));

    // An admin sets up the second factor (it works while the data keys are
    // sealed: its secret is under the server key), then unlocks.
    let admin = new_browser();
    assert_eq!(
        sign_in(&admin, &server.base, "iryna", "a passphrase for the test").await,
        StatusCode::SEE_OTHER
    );
    let setup = admin
        .get(format!("{}/account/two-factor", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = setup.find("id=\"manual-key\" class=\"secret\">").unwrap() + 31;
    let key: String = setup[start..start + setup[start..].find('<').unwrap()]
        .split_whitespace()
        .collect();
    let code = vault::totp::TotpSecret::from_base32(&key).unwrap().code_at(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let enrolled = post_form(
        &admin,
        &server.base,
        "/account/two-factor",
        "/account/two-factor",
        &[("code", &code)],
    )
    .await;
    assert_eq!(enrolled.status(), StatusCode::OK);
    let home = admin.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(home.headers()["location"], "/unlock");
    let wrong = post_form(
        &admin,
        &server.base,
        "/unlock",
        "/unlock",
        &[("passphrase", "not it at all")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("Пароль неправильний"));
    let right = post_form(
        &admin,
        &server.base,
        "/unlock",
        "/unlock",
        &[("passphrase", "соняшники над Дніпром")],
    )
    .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);

    assert_eq!(
        donor
            .get(format!("{}/", server.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let audit = admin
        .get(format!("{}/admin/audit?action=vault", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("vault.unlock_failed") && audit.contains("vault.unlock"),
        "{audit}"
    );
}

#[tokio::test]
async fn missing_or_damaged_key_files_stop_the_server_naming_the_file_and_touching_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let created = run(
        &[
            "admin",
            "create-user",
            "iryna",
            "--role",
            "admin",
            "--data",
            data,
        ],
        &[("KOLO_PASSWORD", "a passphrase for the test")],
    );
    assert!(created.status.success());
    let database = std::fs::read(dir.path().join("kolo.db")).unwrap();
    let keys = dir.path().join("keys");

    let data_keys = std::fs::read(keys.join("data.keys")).unwrap();
    std::fs::remove_file(keys.join("data.keys")).unwrap();
    let output = run(&["serve", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("data.keys"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(keys.join("data.keys"), &data_keys).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        keys.join("data.keys"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();

    let master = std::fs::read(keys.join("master.key")).unwrap();
    std::fs::write(keys.join("master.key"), &master[..master.len() / 2]).unwrap();
    let output = run(&["serve", "--data", data, "--listen", "127.0.0.1:0"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("master.key"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_eq!(
        std::fs::read(dir.path().join("kolo.db")).unwrap(),
        database,
        "the database was not touched"
    );
    assert!(!keys.join("master.key.tmp").exists());
}

#[tokio::test]
async fn a_key_rotation_makes_a_new_active_key_and_the_old_one_can_then_be_retired() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let created = run(
        &[
            "admin",
            "create-user",
            "iryna",
            "--role",
            "admin",
            "--data",
            data,
        ],
        &[("KOLO_PASSWORD", "a passphrase for the test")],
    );
    assert!(created.status.success());
    let early_retire = run(&["admin", "retire-key", "k1", "--data", data], &[]);
    assert_eq!(
        early_retire.status.code(),
        Some(1),
        "the only, active key cannot be retired"
    );
    assert!(String::from_utf8_lossy(&early_retire.stderr).contains("active key"));

    let rotated = run(&["admin", "rotate-key", "--data", data], &[]);
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(String::from_utf8_lossy(&rotated.stdout).contains("rotation to k2"));
    let retired = run(&["admin", "retire-key", "k1", "--data", data], &[]);
    assert!(
        retired.status.success(),
        "{}",
        String::from_utf8_lossy(&retired.stderr)
    );
    let twice = run(&["admin", "retire-key", "k1", "--data", data], &[]);
    assert_eq!(twice.status.code(), Some(1));
    let audit = run(&["admin", "verify-audit", "--data", data], &[]);
    assert!(audit.status.success());
}

#[tokio::test]
async fn the_demo_holds_the_2024_programme_with_encrypted_fictional_participants() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kolo-data");
    let demo = start(
        &[
            "demo",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    let client = new_browser();
    sign_in(&client, &demo.base, "coordinator", "kolo-demo-plan-ahead").await;
    let get = |path: &str| {
        let client = client.clone();
        let url = format!("{}{path}", demo.base);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let list = get("/events?from=2024-01-01&until=2024-12-31").await;
    for title in [
        "Стратегічна сесія",
        "координаційних радах",
        "Моделі регулювання секс-роботи",
        "Консультація спільноти",
        "Моніторинг, який веде спільнота",
        "Лідерство й профілактика вигорання",
        "партнерських НУО",
    ] {
        assert!(
            list.contains(title),
            "{title} is missing from the 2024 list"
        );
    }
    assert!(!list.contains("Онлайн-тренінг з цифрової безпеки"));
    let online = get("/events?format=online").await;
    assert!(
        online.contains("2022") && online.contains("2023"),
        "earlier online events"
    );
    let register = get("/participants").await;
    assert!(register.contains("Знайдено: ") && register.contains("Ластівка"));
    // The demo's consented names and phones are encrypted like real ones.
    let bytes = std::fs::read(data.join("kolo.db")).unwrap();
    let wal = std::fs::read(data.join("kolo.db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(
            !file
                .windows("Демоненко".len())
                .any(|w| w == "Демоненко".as_bytes())
        );
        assert!(!file.windows(6).any(|w| w == b"+38000"));
    }
    let viewer = new_browser();
    sign_in(&viewer, &demo.base, "viewer", "kolo-demo-read-only").await;
    let figures = viewer
        .get(format!("{}/figures/events?year=2024", demo.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        figures.contains("Стратегічна сесія"),
        "viewers see the programme's figures"
    );
}
