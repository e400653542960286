mod database;
mod macros;
mod proxy;

use std::net::SocketAddr;
use std::sync::Arc;

use jewel_api::config::Settings;
use jewel_api::startup::Application;
use jewel_api::state::AppState;
use jewel_services::relay::Subscriber;
use secrecy::SecretString;

pub use database::*;
pub use proxy::{COM_PING, COM_QUERY, COM_STMT_EXECUTE, Proxy};

pub const OWNER_PASSWORD: &str = "owner passphrase 2026";
pub const STAFF_PASSWORD: &str = "first day passphrase";
pub const CUSTOMER_PASSWORD: &str = "my jewellery passbook";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    pub state: AppState,
    handle: actix_web::dev::ServerHandle,
    database: Option<TestDatabase>,
    settings: Settings,
    cache_prefix: String,
}

/// Settings for a test: port 0, a private database and cache prefix.
pub fn test_settings(backend: Backend, database: &TestDatabase) -> Settings {
    let mut settings = Settings::default();
    settings.server.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.server.workers = 2;
    settings.server.shutdown_timeout_secs = 1;
    settings.database.data_dir = database.data_dir.clone();
    settings.database.url = database.url();
    settings.database.max_connections = 5;
    settings.cache.key_prefix = format!("jewel-test:{}:", uuid::Uuid::now_v7().simple());
    if backend == Backend::Mariadb {
        settings.cache.redis_url = Some(SecretString::from(required_env("TEST_REDIS_URL")));
    }
    settings
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_configured(backend, |_| {}).await
    }

    /// Spawns with the test settings changed by `configure`.
    pub async fn spawn_configured(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDatabase::create(backend).await;
        let mut settings = test_settings(backend, &database);
        configure(&mut settings);
        Self::spawn_with(backend, database, settings).await
    }

    pub async fn spawn_with(backend: Backend, database: TestDatabase, settings: Settings) -> Self {
        Self::spawn_subscribed(backend, Some(database), settings, Vec::new()).await
    }

    /// Spawns with `subscribers` of the event relay beside the server's own.
    pub async fn spawn_with_subscribers(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
        subscribers: Vec<Arc<dyn Subscriber>>,
    ) -> Self {
        let database = TestDatabase::create(backend).await;
        let mut settings = test_settings(backend, &database);
        configure(&mut settings);
        Self::spawn_subscribed(backend, Some(database), settings, subscribers).await
    }

    /// A second server on this one's database and settings, as another
    /// replica behind a load balancer would be.
    pub async fn replica(&self, subscribers: Vec<Arc<dyn Subscriber>>) -> Self {
        Self::spawn_subscribed(self.backend, None, self.settings.clone(), subscribers).await
    }

    async fn spawn_subscribed(
        backend: Backend,
        database: Option<TestDatabase>,
        settings: Settings,
        subscribers: Vec<Arc<dyn Subscriber>>,
    ) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            jewel_api::telemetry::init(&settings.log);
        }
        let cache_prefix = settings.cache.key_prefix.clone();
        let kept = settings.clone();
        let app =
            Application::build_with_subscribers(settings, test_routes::configure, subscribers)
                .await
                .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            backend,
            state,
            handle,
            database,
            settings: kept,
            cache_prefix,
        }
    }

    /// Stops this server and starts a new one on the same database and
    /// settings, as a restart of the process would (the in-process cache
    /// starts empty; Redis keeps what it had).
    pub async fn restarted(self) -> Self {
        self.restarted_with(|_| {}).await
    }

    /// [`Self::restarted`] with the settings changed by `configure` first.
    pub async fn restarted_with(mut self, configure: impl FnOnce(&mut Settings)) -> Self {
        self.handle.stop(true).await;
        let database = self.database.take().expect("the database is kept");
        let mut settings = self.settings.clone();
        configure(&mut settings);
        Self::spawn_with(self.backend, database, settings).await
    }

    /// The folder of the embedded database (and of its key file).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.settings.database.data_dir
    }

    /// Empties the cache as a lost or restarted Redis would (on SQLite the
    /// in-process cache).
    pub async fn flush_cache(&self) {
        match self.backend {
            Backend::Mariadb => {
                let prefix = self.cache_prefix.clone();
                let url = required_env("TEST_REDIS_URL");
                std::thread::spawn(move || forget_keys(&url, &prefix))
                    .join()
                    .expect("the keys are forgotten");
            }
            Backend::Sqlite => self.state.cache.clear(),
        }
    }

    /// Makes an owner directly (as `jewel-crm create-owner` does).
    pub async fn create_owner(
        &self,
        email: &str,
        password: &str,
    ) -> jewel_domain::access::StaffUser {
        jewel_api::auth::accounts::create_owner(&self.state.database, email, "Test Owner", password)
            .await
            .expect("an owner is created")
    }

    /// Logs in and returns the token response.
    pub async fn login(&self, email: &str, password: &str) -> serde_json::Value {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "login of {email}");
        response.json().await.expect("JSON")
    }

    /// An owner's access token.
    pub async fn owner_token(&self) -> String {
        self.create_owner("owner@example-jeweller.in", OWNER_PASSWORD)
            .await;
        self.login("owner@example-jeweller.in", OWNER_PASSWORD)
            .await["accessToken"]
            .as_str()
            .expect("a token")
            .to_owned()
    }

    /// Opens a branch in Tamil Nadu (state 33) with `code`; asserts 201.
    pub async fn open_branch(&self, token: &str, code: &str) -> serde_json::Value {
        let response = self
            .call(
                reqwest::Method::POST,
                "/api/v1/branches",
                Some(token),
                Some(serde_json::json!({
                    "code": code, "name": "T. Nagar", "address": "12 Usman Road, Chennai 600017",
                    "stateCode": "33", "gstin": "33AABCU9603R1ZM"
                })),
            )
            .await;
        assert_eq!(response.status(), 201, "opening branch {code}");
        response.json().await.expect("JSON")
    }

    /// Adds a staff member with the password `STAFF_PASSWORD`, logs them in,
    /// and returns (their record, their access token); asserts 201.
    pub async fn hire(
        &self,
        owner: &str,
        email: &str,
        role: &str,
        branches: &[&serde_json::Value],
    ) -> (serde_json::Value, String) {
        let ids: Vec<serde_json::Value> = branches.iter().map(|b| b["id"].clone()).collect();
        let response = self
            .call(
                reqwest::Method::POST,
                "/api/v1/staff",
                Some(owner),
                Some(serde_json::json!({
                    "name": "Staff Member", "email": email, "role": role,
                    "branchIds": ids, "password": STAFF_PASSWORD
                })),
            )
            .await;
        assert_eq!(response.status(), 201, "hiring {email}");
        let staff = response.json().await.expect("JSON");
        let token = self.login(email, STAFF_PASSWORD).await["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();
        (staff, token)
    }

    /// Gives a customer the login `CUSTOMER_PASSWORD` (as `staff`), logs
    /// them in with `login` (mobile or e-mail), and returns the token response.
    pub async fn customer_tokens(
        &self,
        staff: &str,
        customer_id: &str,
        login: &str,
    ) -> serde_json::Value {
        let set = self
            .call(
                reqwest::Method::PUT,
                &format!("/api/v1/customers/{customer_id}/login"),
                Some(staff),
                Some(serde_json::json!({"password": CUSTOMER_PASSWORD})),
            )
            .await;
        assert_eq!(set.status(), 204, "setting a customer login");
        let response = self
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/customer-login",
                None,
                Some(serde_json::json!({"login": login, "password": CUSTOMER_PASSWORD})),
            )
            .await;
        assert_eq!(response.status(), 200, "customer login of {login}");
        response.json().await.expect("JSON")
    }

    /// The access token of a customer given a login by `staff`.
    pub async fn customer_token(&self, staff: &str, customer_id: &str, login: &str) -> String {
        self.customer_tokens(staff, customer_id, login).await["accessToken"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// Sends `method path` with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("sent")
    }

    /// Sends `method path` with a bearer token, `headers` and a JSON body.
    pub async fn call_with_headers(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.json(&body).send().await.expect("sent")
    }

    /// Stops the server the way SIGTERM does: no new connections, in-flight
    /// requests finish.
    pub async fn stop_gracefully(&self) {
        self.handle.stop(true).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is sent")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
        if self.backend == Backend::Mariadb && self.database.is_some() {
            let prefix = self.cache_prefix.clone();
            let url = required_env("TEST_REDIS_URL");
            let _ = std::thread::spawn(move || forget_keys(&url, &prefix)).join();
        }
    }
}

/// Removes a test's keys from the shared Redis.
fn forget_keys(url: &str, prefix: &str) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        let Ok(client) = redis::Client::open(url) else {
            return;
        };
        let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query_async(&mut conn)
            .await
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
        }
    });
}

/// A JSON endpoint for exercising the request pipeline (body limits, content
/// types, malformed and invalid JSON) through the extractor the API uses.
mod test_routes {
    use actix_web::{HttpResponse, web};
    use jewel_api::error::ApiError;
    use jewel_api::extract::{Json, Query};
    use jewel_domain::Invalid;

    #[derive(serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        name: String,
        gross_weight_mg: u32,
    }

    async fn echo(Json(probe): Json<Probe>) -> Result<HttpResponse, ApiError> {
        if probe.name.trim().is_empty() {
            return Err(Invalid::field("name", "required", "name must not be blank").into());
        }
        Ok(HttpResponse::Ok().json(probe))
    }

    #[derive(serde::Deserialize, serde::Serialize)]
    struct Page {
        limit: Option<u16>,
    }

    async fn page(Query(page): Query<Page>) -> HttpResponse {
        HttpResponse::Ok().json(page)
    }

    /// Fails the way a bug or a lost database would.
    async fn fail() -> Result<HttpResponse, ApiError> {
        Err(anyhow::anyhow!("secret internals: table `customers` is corrupt").into())
    }

    #[derive(serde::Deserialize)]
    struct Delay {
        ms: u64,
    }

    async fn slow(Query(delay): Query<Delay>) -> HttpResponse {
        tokio::time::sleep(std::time::Duration::from_millis(delay.ms)).await;
        HttpResponse::Ok().body("finished")
    }

    pub fn configure(cfg: &mut web::ServiceConfig) {
        cfg.route("/test/echo", web::post().to(echo))
            .route("/test/page", web::get().to(page))
            .route("/test/fail", web::get().to(fail))
            .route("/test/slow", web::get().to(slow));
    }
}

/// The JSON body of `response` (null if it has none), after checking its
/// status; a wrong status fails the test showing the body.
pub async fn json_of(response: reqwest::Response, status: u16) -> serde_json::Value {
    let actual = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

/// Asserts that every branch's stock on hand agrees with its ledger, and
/// returns the count per branch.
pub async fn ledger_balances(app: &TestApp, owner: &str) -> std::collections::HashMap<String, i64> {
    let on_hand = json_of(
        app.call(
            reqwest::Method::GET,
            "/api/v1/stock/on-hand",
            Some(owner),
            None,
        )
        .await,
        200,
    )
    .await;
    on_hand["branches"]
        .as_array()
        .expect("branches")
        .iter()
        .map(|b| {
            assert_eq!(b["pieces"], b["ledger"], "{on_hand}");
            assert_eq!(b["balanced"], true);
            (
                b["branchId"].as_str().expect("id").to_owned(),
                b["pieces"].as_i64().expect("count"),
            )
        })
        .collect()
}

/// `POST path` with a bearer token and a JSON body.
pub async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.call(reqwest::Method::POST, path, Some(token), Some(body))
        .await
}

/// `GET path` with a bearer token.
pub async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.call(reqwest::Method::GET, path, Some(token), None)
        .await
}

/// Starts `tools/{script}` with tools/.venv's Python (the machine's
/// `python3` when there is no venv: a fake on the standard library alone)
/// and `args`; returns the process and the JSON line it first prints
/// (where it listens).
pub fn python_tool(
    script: &str,
    args: &[&std::ffi::OsStr],
) -> (std::process::Child, serde_json::Value) {
    use std::io::{BufRead, BufReader};
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tools");
    let venv = format!("{root}/.venv/bin/python");
    let python = if std::path::Path::new(&venv).exists() {
        venv
    } else {
        "python3".to_owned()
    };
    let mut child = std::process::Command::new(python)
        .arg(format!("{root}/{script}"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("tools/.venv's Python runs tools/{script} (pip install -r tools/requirements.txt): {e}")
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the tool says where it listens");
    let started = serde_json::from_str(&line).expect("JSON");
    (child, started)
}
