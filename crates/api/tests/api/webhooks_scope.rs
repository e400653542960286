//! Who manages webhook endpoints and what each is sent: the owner's are
//! the business's and theirs alone (not a sales person's); an API client
//! registers its own, sees only those, and is sent only events its scopes
//! let it read; URLs are public https unless settings allow otherwise; two
//! replicas send each message once (against tools/webhook-receiver, which
//! verifies each with Standard Webhooks' reference library).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;
use crate::webhooks::{endpoint, new_customer, receiver, spawn};

on_both_backends!(
    a_client_registers_its_own_and_is_sent_what_it_may_read,
    two_replicas_send_each_message_once,
    endpoints_are_public_https_unless_allowed,
);

pub(crate) async fn client_token(app: &TestApp, owner: &str, scopes: Value) -> (String, String) {
    client_of(app, owner, json!({"name": "Shop site", "scopes": scopes})).await
}

/// An API client registered with `body`, and a token of its own: its id
/// and the token.
pub(crate) async fn client_of(app: &TestApp, owner: &str, body: Value) -> (String, String) {
    let registered = json_of(post(app, owner, "/api/v1/api-clients", body).await, 201).await;
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(
            registered["client"]["clientId"].as_str().expect("id"),
            registered["clientSecret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    (
        registered["client"]["id"].as_str().expect("id").to_owned(),
        token["access_token"].as_str().expect("token").to_owned(),
    )
}

async fn a_client_registers_its_own_and_is_sent_what_it_may_read(backend: Backend) {
    let app = spawn(backend).await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    let (client_id, client) =
        client_token(&app, &owner, json!(["customers:read", "webhooks:write"])).await;
    let (_, other) = client_token(&app, &owner, json!(["webhooks:write"])).await;
    let (_, unscoped) = client_token(&app, &owner, json!(["customers:read"])).await;

    let body =
        json!({"url": receiver.url("/shop"), "eventTypes": ["customer.created", "invoice.*"]});
    let refused = json_of(
        post(&app, &client, "/api/v1/webhook-endpoints", body).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "eventTypes[1]", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "not_readable");
    let forbidden = post(
        &app,
        &unscoped,
        "/api/v1/webhook-endpoints",
        json!({"url": receiver.url("/x"), "eventTypes": ["*"]}),
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    let made = endpoint(&app, &client, &receiver, "/shop", json!(["*"])).await;
    let id = made["endpoint"]["id"].as_str().expect("id");
    assert_eq!(made["endpoint"]["clientId"], client_id);

    // Its own: the owner sees it too; another client does not.
    let listed = json_of(get(&app, &owner, "/api/v1/webhook-endpoints").await, 200).await;
    assert_eq!(listed["items"][0]["id"], id);
    let path = format!("/api/v1/webhook-endpoints/{id}");
    assert_eq!(get(&app, &other, &path).await.status(), 404);
    let theirs = json_of(get(&app, &other, "/api/v1/webhook-endpoints").await, 200).await;
    assert_eq!(theirs["items"], json!([]));
    let changed = app
        .call(
            Method::PATCH,
            &path,
            Some(&other),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(changed.status(), 404);
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&other), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        get(&app, &other, &format!("{path}/attempts"))
            .await
            .status(),
        404
    );

    // Sent a customer (customers:read), not a metal rate (no inventory:read).
    set_rate(&app, &owner, "gold", 916, "7150.00").await;
    new_customer(&app, &owner, "Lakshmi Rao", "9876500004").await;
    let got = receiver.wait_for("/shop", |got| !got.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = receiver.received("/shop").await;
    assert_eq!(got_all.len(), 1, "{got:?}");
    assert_eq!(got_all[0]["body"]["type"], "customer.created");
}

async fn two_replicas_send_each_message_once(backend: Backend) {
    let app = spawn(backend).await;
    let replica = app.replica(Vec::new()).await;
    let receiver = receiver();
    let owner = app.owner_token().await;
    endpoint(
        &app,
        &owner,
        &receiver,
        "/both",
        json!(["customer.created"]),
    )
    .await;
    for i in 0..20 {
        let server = if i % 2 == 0 { &app } else { &replica };
        new_customer(
            server,
            &owner,
            &format!("Replica Customer{i:02}"),
            &format!("98765100{i:02}"),
        )
        .await;
    }
    let got = receiver.wait_for("/both", |got| got.len() >= 20).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let got_all = receiver.received("/both").await;
    assert_eq!(got_all.len(), 20, "{got:?}");
    let mut ids: Vec<&str> = got_all
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "each message once");
    assert!(got_all.iter().all(|m| m["verified"] == true));
}

async fn endpoints_are_public_https_unless_allowed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    for (url, code) in [
        ("http://erp.example.com/hooks", "scheme"),
        ("https://127.0.0.1:9000/hooks", "private_address"),
        ("https://169.254.169.254/latest", "private_address"),
        ("https://user:pw@erp.example.com/hooks", "credentials"),
    ] {
        let body = json!({"url": url, "eventTypes": ["invoice.*"]});
        let refused = json_of(
            post(&app, &owner, "/api/v1/webhook-endpoints", body).await,
            422,
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "url", "{url}");
        assert_eq!(refused["errors"][0]["code"], code, "{url}");
    }
    let body = json!({"url": "https://erp.example.com/hooks", "eventTypes": ["bills.*"]});
    let refused = json_of(
        post(&app, &owner, "/api/v1/webhook-endpoints", body).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "eventTypes[0]");
    let body =
        json!({"url": "https://erp.example.com/hooks", "eventTypes": ["invoice.*", "piece.sold"]});
    let made = json_of(
        post(&app, &owner, "/api/v1/webhook-endpoints", body).await,
        201,
    )
    .await;
    let id = made["endpoint"]["id"].as_str().expect("id");
    let branch = app.open_branch(&owner, "BLR1").await;
    let (_, sales) = app
        .hire(&owner, "asha@example.com", "sales", &[&branch])
        .await;
    let path = format!("/api/v1/webhook-endpoints/{id}");
    assert_eq!(
        get(&app, &sales, &path).await.status(),
        403,
        "the owner's alone"
    );
    let patched = app
        .call(
            Method::PATCH,
            &path,
            Some(&owner),
            Some(json!({"enabled": false, "description": "Paused"})),
        )
        .await;
    let patched = json_of(patched, 200).await;
    assert_eq!(patched["status"], "disabled");
    assert_eq!(patched["disabledBecause"], "asked");
    assert_eq!(patched["description"], "Paused");
    let deleted = app.call(Method::DELETE, &path, Some(&owner), None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(get(&app, &owner, &path).await.status(), 404);
}
