//! The test harness: each test gets its own app on a free port with a fresh database (a temp
//! SQLite file, or a new PostgreSQL database dropped afterwards) and a clock it can move.

use std::sync::{Arc, LazyLock};

use actix_web::web;
use chrono::{DateTime, TimeZone, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use linli_api::clock::ManualClock;
use linli_api::config::Settings;
use linli_api::startup::Application;
use linli_api::state::AppState;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL, when `TEST_DATABASE_URL` names a server (its maintenance database).
    pub fn postgres() -> Option<Backend> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres(url)),
            _ => {
                eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL run");
                None
            }
        }
    }
}

/// Runs each named `async fn name(backend: Backend)` as two tests: `name::sqlite` and
/// `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(b) = $crate::helpers::Backend::postgres() {
                    super::$name(b).await
                }
            }
        }
    )*};
}

/// Monday 2026-11-30 09:00 in Shanghai: where every test's clock starts.
pub static START: LazyLock<DateTime<Utc>> =
    LazyLock::new(|| Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap());

/// The demo accounts' password in tests.
pub const PASSWORD: &str = "test-password-1";

/// Drops the test's PostgreSQL database (or removes its SQLite directory) when the test ends.
struct DbGuard {
    admin_url: Option<String>,
    name: String,
    dir: std::path::PathBuf,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let Some(url) = &self.admin_url
            && let Ok(mut conn) = PgConnection::establish(url)
        {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running app and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: web::Data<AppState>,
    /// The environment the app was built from, to build the same settings again (CLI tests).
    pub vars: Vec<(&'static str, String)>,
    _guard: Arc<DbGuard>,
}

/// Options for spawning.
#[derive(Default, Clone)]
pub struct Spawn {
    /// Seed the demo's request history too (off by default, so tests count from zero).
    pub demo_history: bool,
    /// Development login off.
    pub no_dev_login: bool,
    /// More settings (WeChat's fake, Redis…).
    pub env: Vec<(&'static str, String)>,
}

/// The Redis the tests may use (`TEST_REDIS_URL`), if any.
pub fn test_redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("TEST_REDIS_URL is not set: skipping the Redis part");
            None
        }
    }
}

/// An app with the demo community (org tree and accounts) and no requests.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, Spawn::default()).await
}

/// An app with options.
pub async fn spawn_with(backend: Backend, opts: Spawn) -> TestApp {
    spawn_instances(backend, opts, 1)
        .await
        .pop()
        .expect("one instance")
}

/// `n` instances of the app on one fresh database, built at the same time, as when a
/// deployment scales out: they share the database, the data directory and the clock.
pub async fn spawn_instances(backend: Backend, opts: Spawn, n: usize) -> Vec<TestApp> {
    let name = format!("linli_test_{}", uuid::Uuid::new_v4().simple());
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    let (database_url, admin_url) = match &backend {
        Backend::Sqlite => (format!("sqlite://{}/linli.db", dir.display()), None),
        Backend::Postgres(admin) => {
            let mut conn = PgConnection::establish(admin).expect("TEST_DATABASE_URL connects");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
            (format!("{base}/{name}"), Some(admin.clone()))
        }
    };
    let guard = Arc::new(DbGuard {
        admin_url,
        name,
        dir: dir.clone(),
    });
    let mut vars: Vec<(&str, String)> = vec![
        ("LINLI_BIND", "127.0.0.1:0".into()),
        ("LINLI_DATA_DIR", dir.display().to_string()),
        ("DATABASE_URL", database_url),
        ("LINLI_DEMO_PASSWORD", PASSWORD.into()),
        ("LINLI_NO_WORKERS", "1".into()),
        ("LINLI_DB_CONNECTIONS", "4".into()),
        (
            "LINLI_DEMO_HISTORY",
            if opts.demo_history { "1" } else { "0" }.into(),
        ),
        (
            "LINLI_DEV_LOGIN",
            if opts.no_dev_login { "0" } else { "1" }.into(),
        ),
        // Tests log in and call far more often than any client should; rate_limits.rs turns
        // the limits on with quotas of its own.
        ("LINLI_RATE_LIMIT_LOGIN", "off".into()),
        ("LINLI_RATE_LIMIT_PARTNER", "off".into()),
        ("LINLI_RATE_LIMIT_OPEN311", "off".into()),
    ];
    vars.extend(opts.env.iter().cloned());
    let clock = Arc::new(ManualClock::new(*START));
    let no_dev_login = opts.no_dev_login;
    let builds = (0..n).map(|_| {
        let (vars, clock) = (vars.clone(), clock.clone());
        async move {
            // Later entries (a test's own settings) override earlier ones.
            let lookup = |k: &str| {
                vars.iter()
                    .rev()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.clone())
            };
            let mut settings = Settings::from_lookup(&lookup, true).expect("test settings");
            if no_dev_login {
                settings.dev_login = false;
            }
            Application::build(&settings, clock)
                .await
                .expect("the app builds")
        }
    });
    let apps = futures_util::future::join_all(builds).await;
    apps.into_iter()
        .map(|app| {
            let address = format!("http://127.0.0.1:{}", app.port());
            let state = app.state();
            tokio::spawn(app.run_until_stopped());
            TestApp {
                address,
                client: reqwest::Client::new(),
                clock: clock.clone(),
                state,
                vars: vars.clone(),
                _guard: guard.clone(),
            }
        })
        .collect()
}

/// A response: status and JSON body (or `Value::Null`).
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub body: Value,
}

impl Res {
    /// The error code of an error envelope.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {:#}", self.body);
        &self.body
    }
}

impl TestApp {
    /// The app's settings, built again from the same environment.
    pub fn settings(&self) -> Settings {
        let lookup = |k: &str| {
            self.vars
                .iter()
                .rev()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
        };
        Settings::from_lookup(&lookup, true).expect("test settings")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request with an optional token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Res { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Logs a demo staff account in; returns the access token.
    pub async fn login(&self, username: &str) -> String {
        let res = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": PASSWORD})),
            )
            .await;
        res.expect(200)["access_token"].as_str().unwrap().to_owned()
    }

    /// Logs a resident in by openid (development login); returns the access token.
    pub async fn resident(&self, openid: &str) -> String {
        let res = self
            .call(
                Method::POST,
                "/api/v1/auth/dev/login",
                None,
                Some(json!({"openid": openid})),
            )
            .await;
        res.expect(200)["access_token"].as_str().unwrap().to_owned()
    }
}

/// A request submitted through the API; returns its id.
pub async fn submit(app: &TestApp, token: &str, category: &str, building: &str) -> i64 {
    let res = app
        .post(
            "/api/v1/requests",
            token,
            json!({
                "category": category,
                "description": format!("{category} 问题，楼栋 {building}"),
                "building_code": building,
                "contact_phone": "13812345678",
            }),
        )
        .await;
    res.expect(201)["id"].as_i64().unwrap()
}

impl TestApp {
    /// Creates an extra account with one role, straight in storage (test set-up only).
    pub async fn add_account(
        &self,
        username: &str,
        role: linli_domain::access::RoleKind,
        binding: linli_persistence::users::RoleBinding,
    ) -> linli_domain::UserId {
        let hash = linli_api::auth::password::hash(PASSWORD).unwrap();
        let username = username.to_owned();
        let now = self.clock.now_utc();
        self.state
            .db
            .write(move |conn| {
                let u = linli_persistence::users::create_user(
                    conn,
                    &linli_persistence::users::NewUser {
                        username: Some(username.clone()),
                        password_hash: Some(hash),
                        display_name: username,
                        openid: None,
                        contact_phone: None,
                    },
                    now,
                )?;
                linli_persistence::users::add_role(conn, u.id, role, binding, now)?;
                Ok(u.id)
            })
            .await
            .unwrap()
    }

    /// Runs one pass of the overdue sweep and auto-close at the test clock's time.
    pub async fn sweep(&self) -> linli_api::requests::sweep::SweepReport {
        linli_api::requests::sweep::run_once(&self.state)
            .await
            .unwrap()
    }

    /// One notification pass (outbox → queue → WeChat), as the worker runs it.
    pub async fn notify(&self) -> linli_api::notify::NotifyReport {
        linli_api::notify::run_once(&self.state).await.unwrap()
    }

    /// The event types of a request's timeline, in order.
    pub async fn timeline(&self, id: i64, token: &str) -> Vec<String> {
        let res = self.get(&format!("/api/v1/requests/{id}"), token).await;
        res.expect(200)["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// The test clock's time, without importing the trait everywhere.
pub trait ClockExt {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl ClockExt for ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        use linli_api::clock::Clock;
        self.now()
    }
}
