//! A real Kolo server on a random port, on a fresh SQLite file, or on a fresh
//! PostgreSQL database when `KOLO_TEST_DATABASE_URL` names a server.

use std::sync::Arc;

use kolo::app::{RunningServer, start};
use kolo::config::ServerConfig;
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::Store;
use kolo_core::auth::{LoginName, NewUser, Password, Role, RoleSet, hash_password};
use kolo_core::time::Timestamp;
use kolo_store_postgres::scratch::ScratchDatabase;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use tempfile::TempDir;
use tokio::net::TcpListener;

/// The password every test account gets.
pub const PASSWORD: &str = "a long test passphrase";

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub vault: Arc<Vault>,
    /// The data directory, deleted when the test ends.
    _data: TempDir,
    server: Option<RunningServer>,
    scratch: Option<ScratchDatabase>,
}

/// The PostgreSQL server to test against, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("KOLO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut ServerConfig)) -> TestApp {
        let data = tempfile::tempdir().expect("a temporary directory");
        let scratch = match postgres_server() {
            Some(server) => Some(
                ScratchDatabase::create(&server)
                    .await
                    .expect("a scratch database on KOLO_TEST_DATABASE_URL"),
            ),
            None => None,
        };
        let database_url = scratch.as_ref().map(ScratchDatabase::url);
        let vault = Arc::new(Vault::open(data.path()).expect("the keys are created"));
        let store = open_store(data.path(), database_url.as_deref())
            .await
            .expect("the store opens");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let mut config = ServerConfig::new(
            data.path().to_owned(),
            database_url,
            listener.local_addr().expect("an address"),
        );
        configure(&mut config);
        // Two-factor sign-in is required for admins by default; tests of other
        // features sign in with a password only, and the two-factor tests turn
        // the requirement on themselves.
        store
            .set_setting(kolo_core::org::setting::TWO_FACTOR_ROLES, "")
            .await
            .expect("the setting is written");
        let server = start(store.clone(), vault.clone(), config, listener)
            .await
            .expect("the server starts");
        TestApp {
            base: format!("http://{}", server.addr),
            store,
            vault,
            _data: data,
            server: Some(server),
            scratch,
        }
    }

    /// The running server's state, to call what its background tasks call.
    pub fn state(&self) -> &kolo::app::AppState {
        &self.server.as_ref().expect("the server runs").state
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The data directory (the SQLite file and its WAL live here).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    /// The scratch PostgreSQL database's URL, when the test runs on PostgreSQL.
    pub fn database_url(&self) -> Option<String> {
        self.scratch.as_ref().map(ScratchDatabase::url)
    }

    /// Creates an account with the given roles and the test password.
    pub async fn user(&self, login: &str, roles: &[Role]) -> kolo_core::auth::UserId {
        let password = Password::new(PASSWORD, login).expect("the test password meets the policy");
        self.store
            .create_user(
                &NewUser {
                    login: LoginName::parse(login).expect("a valid login"),
                    display_name: format!("Test {login}"),
                    roles: RoleSet::of(roles),
                    oblast: None,
                    password_hash: hash_password(&password),
                },
                Timestamp::now(),
            )
            .await
            .expect("the account is created")
    }

    /// A browser: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        Browser {
            client: Client::builder()
                .cookie_provider(jar.clone())
                .redirect(Policy::none())
                .build()
                .expect("an HTTP client"),
            base: self.base.clone(),
            jar,
        }
    }

    /// A browser signed in as `login`.
    pub async fn signed_in(&self, login: &str) -> Browser {
        let browser = self.browser();
        let response = browser.login(login, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "signing in as {login}"
        );
        browser
    }

    /// Stops the server and drops the scratch database.
    pub async fn finish(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        if let Some(scratch) = self.scratch.take() {
            scratch
                .drop_database()
                .await
                .expect("the scratch database is dropped");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that failed before `finish` still drops its database.
        if let Some(scratch) = self.scratch.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(runtime) = tokio::runtime::Runtime::new() {
                    let _ = runtime.block_on(scratch.drop_database());
                }
            })
            .join();
        }
    }
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    jar: Arc<Jar>,
}

impl Browser {
    /// The value of a cookie the server set in this browser.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().expect("a valid base URL");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the request is answered")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("a text body")
    }

    /// The CSRF token the server put in a page's forms.
    pub async fn csrf(&self, path: &str) -> String {
        let body = self.text(path).await;
        csrf_in(&body).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// The CSRF token valid for this browser now: from the dashboard when
    /// signed in, else from the login page.
    pub async fn current_csrf(&self) -> String {
        let home = self.get("/").await;
        if home.status() == StatusCode::OK {
            let body = home.text().await.expect("a text body");
            return csrf_in(&body).expect("a CSRF token on the dashboard");
        }
        self.csrf("/login").await
    }

    /// Posts a form with this browser's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.current_csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts exactly these fields.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("the request is answered")
    }

    pub async fn login(&self, login: &str, password: &str) -> Response {
        self.post(
            "/login",
            &[("login", login), ("password", password), ("next", "/")],
        )
        .await
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let start = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Runs SQL directly against the test's database, to damage data on purpose.
pub async fn execute_sql(app: &TestApp, sql: &str) {
    use sqlx::{AssertSqlSafe, Connection};
    match &app.database_url() {
        Some(url) => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .expect("a connection");
            sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .expect("the SQL runs");
        }
        None => {
            let path = app.data_dir().join("kolo.db");
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("a connection");
            sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .expect("the SQL runs");
        }
    }
}
