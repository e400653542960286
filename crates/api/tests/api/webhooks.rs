//! Outbound webhooks against tools/webhook-receiver, which verifies every
//! message with Standard Webhooks' reference library (`standardwebhooks`
//! from PyPI): a receiver down for three tries then up is sent the message
//! once more and takes it, every try listed; 410 disables the endpoint; a
//! replay sends the same `webhook-id` again; a rotated secret signs beside
//! the new one; `abort-message` stops the tries; an endpoint failing too
//! long is disabled; the secret is never shown again, nor in the audit
//! trail. Who manages endpoints and what they are sent: webhooks_scope.

use std::process::Child;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post, python_tool};
use crate::on_both_backends;

on_both_backends!(
    a_receiver_down_three_times_then_up_takes_the_message_once,
    gone_disables_and_a_replay_sends_the_same_id_again,
    a_rotated_secret_signs_beside_the_new_and_abort_stops,
    an_endpoint_failing_too_long_is_disabled_and_enabling_starts_afresh,
);

pub(crate) struct Receiver(Child, String);

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn receiver() -> Receiver {
    let (child, started) = python_tool("webhook-receiver/server.py", &[]);
    let base = started["base_url"].as_str().expect("base_url").to_owned();
    Receiver(child, base)
}

impl Receiver {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.1)
    }

    pub(crate) async fn control(&self, what: &str, body: Value) {
        let sent = reqwest::Client::new()
            .post(self.url(&format!("/_fake/{what}")))
            .json(&body)
            .send()
            .await
            .expect("the receiver answers");
        assert_eq!(sent.status(), 204);
    }

    pub(crate) async fn received(&self, path: &str) -> Vec<Value> {
        let got: Value = reqwest::Client::new()
            .get(self.url(&format!("/_fake/received?path={path}")))
            .send()
            .await
            .expect("the receiver answers")
            .json()
            .await
            .expect("JSON");
        got.as_array().cloned().unwrap_or_default()
    }

    /// What `path` received once `enough` holds of it (20 s at most).
    pub(crate) async fn wait_for(
        &self,
        path: &str,
        enough: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        for _ in 0..200 {
            let got = self.received(path).await;
            if enough(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{path} received {:?}", self.received(path).await);
    }
}

/// A server whose webhooks may go to the receiver, retried every second.
pub(crate) async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, |settings| {
        settings.webhooks.allow_http = true;
        settings.webhooks.allow_private = true;
        settings.webhooks.retry_secs = vec![1, 1, 1, 1];
        settings.webhooks.poll_ms = 50;
        settings.events.poll_ms = 50;
    })
    .await
}

/// Registers an endpoint at the receiver's `path` for `types`; the
/// endpoint, and the receiver verifies with its secret.
pub(crate) async fn endpoint(
    app: &TestApp,
    token: &str,
    receiver: &Receiver,
    path: &str,
    types: Value,
) -> Value {
    let body = json!({"url": receiver.url(path), "eventTypes": types, "description": "ERP"});
    let made = json_of(
        post(app, token, "/api/v1/webhook-endpoints", body).await,
        201,
    )
    .await;
    let secret = made["secret"].as_str().expect("secret");
    assert!(secret.starts_with("whsec_"), "{made}");
    receiver
        .control("secret", json!({"path": path, "secret": secret}))
        .await;
    made
}

pub(crate) async fn new_customer(app: &TestApp, token: &str, name: &str, mobile: &str) -> Value {
    let body = json!({"name": name, "mobile": mobile});
    json_of(
        post(
            app,
            token,
            "/api/v1/customers?confirmNotDuplicate=true",
            body,
        )
        .await,
        201,
    )
    .await
}

pub(crate) async fn attempts(
    app: &TestApp,
    token: &str,
    endpoint: &str,
    query: &str,
) -> Vec<Value> {
    let path = format!("/api/v1/webhook-endpoints/{endpoint}/attempts{query}");
    let page = json_of(get(app, token, &path).await, 200).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The attempts at `endpoint` (of `query`) once there are `count` (10 s
/// at most): an attempt is written after the receiver answered.
async fn attempts_when(
    app: &TestApp,
    token: &str,
    endpoint: &str,
    query: &str,
    count: usize,
) -> Vec<Value> {
    for _ in 0..100 {
        let found = attempts(app, token, endpoint, query).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{:?}", attempts(app, token, endpoint, query).await);
}

async fn a_receiver_down_three_times_then_up_takes_the_message_once(backend: Backend) {
    let app = spawn(backend).await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    receiver
        .control(
            "script",
            json!({"path": "/erp", "answers": [503, 502, 500]}),
        )
        .await;
    let made = endpoint(&app, &owner, &receiver, "/erp", json!(["customer.*"])).await;
    let id = made["endpoint"]["id"].as_str().expect("id");
    let secret = made["secret"].as_str().expect("secret").to_owned();

    let customer = new_customer(&app, &owner, "Meena Iyer", "9876500001").await;
    let got = receiver
        .wait_for("/erp", |got| got.iter().any(|m| m["answered"] == 200))
        .await;
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got.iter().all(|m| m["verified"] == true), "{got:?}");
    assert!(
        got.iter().all(|m| m["id"] == got[0]["id"]),
        "one webhook-id: {got:?}"
    );
    assert!(got[0]["id"].as_str().expect("id").starts_with("msg_"));
    assert_eq!(got[0]["contentType"], "application/json");
    let body = &got[3]["body"];
    assert_eq!(body["type"], "customer.created");
    assert_eq!(body["data"]["customerId"], customer["id"], "{body}");
    assert!(
        body["timestamp"]
            .as_str()
            .expect("timestamp")
            .ends_with('Z')
    );

    let tries = attempts_when(&app, &owner, id, "", 4).await;
    let outcomes: Vec<(&str, i64)> = tries
        .iter()
        .map(|a| {
            (
                a["outcome"].as_str().expect("outcome"),
                a["statusCode"].as_i64().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("delivered", 200),
            ("failed", 500),
            ("failed", 502),
            ("failed", 503)
        ],
        "newest first"
    );
    assert_eq!(tries[0]["response"], "taken");
    assert_eq!(tries[3]["response"], "not now");
    let one = attempts(
        &app,
        &owner,
        id,
        &format!(
            "?messageId={}&outcome=delivered",
            got[0]["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(one.len(), 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.received("/erp").await.len(),
        4,
        "delivered once: no more tries"
    );

    // The secret was shown once: not in the endpoint, its list, nor the trail.
    let shown = get(&app, &owner, &format!("/api/v1/webhook-endpoints/{id}"))
        .await
        .text()
        .await
        .expect("text");
    let listed = get(&app, &owner, "/api/v1/webhook-endpoints")
        .await
        .text()
        .await
        .expect("text");
    let trail = get(
        &app,
        &owner,
        "/api/v1/audit-events?entityType=webhook_endpoint",
    )
    .await
    .text()
    .await
    .expect("text");
    assert!(trail.contains("webhook_endpoint.created"), "{trail}");
    let key = secret.trim_start_matches("whsec_");
    for text in [&shown, &listed, &trail] {
        assert!(!text.contains(key), "{text}");
    }
}

async fn gone_disables_and_a_replay_sends_the_same_id_again(backend: Backend) {
    let app = spawn(backend).await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    receiver
        .control("script", json!({"path": "/gone", "answers": [410]}))
        .await;
    let gone = endpoint(
        &app,
        &owner,
        &receiver,
        "/gone",
        json!(["customer.created"]),
    )
    .await;
    let kept = endpoint(&app, &owner, &receiver, "/kept", json!(["customer.*"])).await;
    let gone_id = gone["endpoint"]["id"].as_str().expect("id");
    let kept_id = kept["endpoint"]["id"].as_str().expect("id");

    new_customer(&app, &owner, "Ravi Shankar", "9876500002").await;
    let first = receiver.wait_for("/kept", |got| !got.is_empty()).await;
    receiver.wait_for("/gone", |got| !got.is_empty()).await;
    let tries = attempts_when(&app, &owner, gone_id, "", 1).await;
    assert_eq!(tries[0]["outcome"], "gone");
    let disabled = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/webhook-endpoints/{gone_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(disabled["status"], "disabled", "{disabled}");
    assert_eq!(disabled["disabledBecause"], "gone");
    let trail = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/audit-events?entityType=webhook_endpoint&entityId={gone_id}"),
        )
        .await,
        200,
    )
    .await;
    assert!(
        trail.to_string().contains("webhook_endpoint.disabled"),
        "{trail}"
    );
    // Disabled: no ping, no replay; a second event is not sent it.
    let ping = post(
        &app,
        &owner,
        &format!("/api/v1/webhook-endpoints/{gone_id}/test"),
        json!({}),
    )
    .await;
    assert_eq!(ping.status(), 409);
    new_customer(&app, &owner, "Farida Begum", "9876500003").await;
    receiver.wait_for("/kept", |got| got.len() == 2).await;
    assert_eq!(receiver.received("/gone").await.len(), 1);

    let message = first[0]["id"].as_str().expect("id");
    let path = format!("/api/v1/webhook-endpoints/{kept_id}/replay");
    let replayed = json_of(
        post(&app, &owner, &path, json!({"messageId": message})).await,
        202,
    )
    .await;
    assert_eq!(replayed["replayed"], 1);
    let again = receiver.wait_for("/kept", |got| got.len() == 3).await;
    assert_eq!(again[2]["id"], message, "the same webhook-id");
    assert_eq!(again[2]["body"], first[0]["body"], "the same body");
    assert_eq!(again[2]["verified"], true);
    let its = attempts_when(&app, &owner, kept_id, &format!("?messageId={message}"), 2).await;
    assert_eq!(its.len(), 2, "{its:?}");
    // A range replays every message made in it; an unknown message is named.
    let range = json!({"since": "2020-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"});
    let replayed = json_of(post(&app, &owner, &path, range).await, 202).await;
    assert_eq!(replayed["replayed"], 2);
    receiver.wait_for("/kept", |got| got.len() == 5).await;
    let unknown = json!({"messageId": "msg_0123456789abcdef0123456789abcdef"});
    let refused = json_of(post(&app, &owner, &path, unknown).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "messageId");
}

async fn a_rotated_secret_signs_beside_the_new_and_abort_stops(backend: Backend) {
    let app = spawn(backend).await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    let made = endpoint(&app, &owner, &receiver, "/odoo", json!(["invoice.issued"])).await;
    let id = made["endpoint"]["id"].as_str().expect("id");
    let rotated = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/webhook-endpoints/{id}/rotate-secret"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let new_secret = rotated["secret"].as_str().expect("secret");
    assert_ne!(new_secret, made["secret"].as_str().expect("secret"));
    assert!(
        rotated["endpoint"]["previousSecretUntil"].is_string(),
        "{rotated}"
    );

    // The receiver still verifies with the old secret; then with the new.
    let ping = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/webhook-endpoints/{id}/test"),
            json!({}),
        )
        .await,
        202,
    )
    .await;
    let got = receiver.wait_for("/odoo", |got| !got.is_empty()).await;
    assert_eq!(got[0]["id"], ping["messageId"]);
    assert_eq!(got[0]["verified"], true, "the old secret still verifies");
    assert_eq!(got[0]["body"]["type"], "webhook.test");
    assert_eq!(
        got[0]["signature"]
            .as_str()
            .expect("signature")
            .split(' ')
            .count(),
        2
    );
    receiver
        .control("secret", json!({"path": "/odoo", "secret": new_secret}))
        .await;
    receiver
        .control("script", json!({"path": "/odoo", "answers": [-1]}))
        .await;
    post(
        &app,
        &owner,
        &format!("/api/v1/webhook-endpoints/{id}/test"),
        json!({}),
    )
    .await;
    let got = receiver.wait_for("/odoo", |got| got.len() == 2).await;
    assert_eq!(got[1]["verified"], true, "the new secret verifies");
    let tries = attempts_when(&app, &owner, id, "", 2).await;
    assert_eq!(tries[0]["outcome"], "aborted");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.received("/odoo").await.len(),
        2,
        "no try after abort-message"
    );
}

async fn an_endpoint_failing_too_long_is_disabled_and_enabling_starts_afresh(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.webhooks.allow_http = true;
        settings.webhooks.allow_private = true;
        settings.webhooks.retry_secs = vec![1; 10];
        settings.webhooks.disable_after_secs = 2;
        settings.webhooks.poll_ms = 50;
        settings.events.poll_ms = 50;
    })
    .await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    receiver
        .control(
            "script",
            json!({"path": "/down", "answers": [503, 429, 503, 503, 503, 503]}),
        )
        .await;
    let made = endpoint(
        &app,
        &owner,
        &receiver,
        "/down",
        json!(["customer.created"]),
    )
    .await;
    let id = made["endpoint"]["id"].as_str().expect("id");
    new_customer(&app, &owner, "Kavya Menon", "9876500005").await;

    let path = format!("/api/v1/webhook-endpoints/{id}");
    let mut found = Value::Null;
    for _ in 0..100 {
        found = json_of(get(&app, &owner, &path).await, 200).await;
        if found["status"] == "disabled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found["status"], "disabled", "{found}");
    assert_eq!(found["disabledBecause"], "failing");
    assert!(found["failingSince"].is_string(), "{found}");
    let tries = attempts(&app, &owner, id, "").await;
    assert!(tries.len() >= 3, "{tries:?}");
    assert!(tries.iter().all(|a| a["outcome"] == "failed"), "{tries:?}");
    assert!(tries.iter().any(|a| a["statusCode"] == 429), "{tries:?}");
    let trail = get(
        &app,
        &owner,
        &format!("/api/v1/audit-events?entityType=webhook_endpoint&entityId={id}"),
    )
    .await
    .text()
    .await
    .expect("text");
    assert!(
        trail.contains("webhook_endpoint.disabled") && trail.contains("failing"),
        "{trail}"
    );

    // Enabled again (the receiver up): it is sent the next message, its
    // failing days afresh.
    receiver
        .control("script", json!({"path": "/down", "answers": []}))
        .await;
    let enabled = app
        .call(
            Method::PATCH,
            &path,
            Some(&owner),
            Some(json!({"enabled": true})),
        )
        .await;
    let enabled = json_of(enabled, 200).await;
    assert_eq!(enabled["status"], "enabled");
    assert!(enabled["failingSince"].is_null(), "{enabled}");
    assert!(enabled["disabledBecause"].is_null(), "{enabled}");
    let before = receiver.received("/down").await.len();
    new_customer(&app, &owner, "Kavya Nair", "9876500006").await;
    receiver
        .wait_for("/down", |got| {
            got.len() > before && got.last().is_some_and(|m| m["answered"] == 200)
        })
        .await;
}
