//! Staff single sign-on, end to end against oauth2-mock-server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Backend, OWNER_PASSWORD, TestApp};
use crate::on_both_backends_with_sso;

on_both_backends_with_sso!(
    sso_logs_in_an_existing_staff_member,
    sso_refuses_a_wrong_or_replayed_state,
    sso_never_creates_accounts,
    sso_can_hand_tokens_to_the_spa,
);

const OWNER: &str = "owner@example-jeweller.in";

/// oauth2-mock-server, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    fn start() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tools/sso-mock.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs tools/sso-mock.mjs (npm ci --prefix tools)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the provider says where it listens");
        let started: Value = serde_json::from_str(&line).expect("JSON");
        let issuer = started["issuer"]
            .as_str()
            .expect("issuer")
            .replace("localhost", "127.0.0.1");
        Self { child, issuer }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn app_with(backend: Backend, provider: &Provider, spa: Option<&str>) -> TestApp {
    let issuer = provider.issuer.clone();
    let spa = spa.map(str::to_owned);
    TestApp::spawn_configured(backend, move |settings| {
        settings.sso.authorize_url = Some(format!("{issuer}/authorize"));
        settings.sso.token_url = Some(format!("{issuer}/token"));
        settings.sso.userinfo_url = Some(format!("{issuer}/userinfo"));
        settings.sso.client_id = "jewel-crm".to_owned();
        settings.sso.client_secret = Some("provider-secret".to_owned().into());
        settings.sso.spa_redirect_url = spa;
    })
    .await
}

/// Starts a sign-in as `email` and follows the provider back; returns the
/// callback URL the browser would open.
async fn sign_in_at_provider(app: &TestApp, email: &str) -> String {
    let start = app
        .client
        .get(app.url(&format!("/api/v1/auth/sso/start?loginHint={email}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(start.status(), 302);
    let authorize =
        url::Url::parse(start.headers()["location"].to_str().expect("ascii")).expect("a URL");
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["client_id"], "jewel-crm");
    assert!(query["state"].len() >= 16);
    assert!(query["redirect_uri"].ends_with("/api/v1/auth/sso/callback"));
    let back = app
        .client
        .get(authorize)
        .send()
        .await
        .expect("the provider answers");
    assert_eq!(back.status(), 302);
    back.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

async fn sso_logs_in_an_existing_staff_member(backend: Backend) {
    let provider = Provider::start();
    let app = app_with(backend, &provider, None).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;

    let callback = sign_in_at_provider(&app, OWNER).await;
    let response = app.client.get(&callback).send().await.expect("sent");

    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("JSON");
    assert_eq!(tokens["staff"]["email"], OWNER);
    let access = tokens["accessToken"].as_str().expect("token");
    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(access), None)
            .await
            .status(),
        200
    );
}

async fn sso_refuses_a_wrong_or_replayed_state(backend: Backend) {
    let provider = Provider::start();
    let app = app_with(backend, &provider, None).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let callback = sign_in_at_provider(&app, OWNER).await;

    let mut forged = url::Url::parse(&callback).expect("URL");
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged-state-value".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let wrong = app.client.get(forged).send().await.expect("sent");
    assert_eq!(wrong.status(), 400);
    assert_eq!(wrong.headers()["content-type"], "application/problem+json");

    assert_eq!(
        app.client
            .get(&callback)
            .send()
            .await
            .expect("sent")
            .status(),
        200
    );
    let replay = app.client.get(&callback).send().await.expect("sent");
    assert_eq!(replay.status(), 400, "a state works once");
}

async fn sso_never_creates_accounts(backend: Backend) {
    let provider = Provider::start();
    let app = app_with(backend, &provider, None).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;

    let stranger = sign_in_at_provider(&app, "stranger@example-jeweller.in").await;
    assert_eq!(
        app.client
            .get(&stranger)
            .send()
            .await
            .expect("sent")
            .status(),
        403
    );
    let unverified = sign_in_at_provider(&app, "unverified@example-jeweller.in").await;
    assert_eq!(
        app.client
            .get(&unverified)
            .send()
            .await
            .expect("sent")
            .status(),
        403
    );

    let owner = app.login(OWNER, OWNER_PASSWORD).await;
    let staff: Value = app
        .call(
            Method::GET,
            "/api/v1/staff",
            owner["accessToken"].as_str(),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        staff["items"].as_array().expect("items").len(),
        1,
        "nobody was created"
    );
}

async fn sso_can_hand_tokens_to_the_spa(backend: Backend) {
    let provider = Provider::start();
    let app = app_with(
        backend,
        &provider,
        Some("https://pos.example-jeweller.in/signed-in"),
    )
    .await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;

    let callback = sign_in_at_provider(&app, OWNER).await;
    let response = app.client.get(&callback).send().await.expect("sent");

    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().expect("ascii");
    let (page, fragment) = location.split_once('#').expect("a fragment");
    assert_eq!(page, "https://pos.example-jeweller.in/signed-in");
    let pairs: std::collections::HashMap<_, _> = url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(pairs["tokenType"], "Bearer");
    let access = &pairs["accessToken"];
    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(access), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sso_is_404_when_not_configured() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/api/v1/auth/sso/start").await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}
