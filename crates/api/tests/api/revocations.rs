//! Revoked access tokens stay revoked whatever happens to the cache: a
//! flush, an outage, a restart of the server on the embedded default. Each
//! way of revoking is tried: logout, logout everywhere, a changed password,
//! a disabled staff member, a disabled API client.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, OWNER_PASSWORD, Proxy, STAFF_PASSWORD, TestApp, TestDatabase, json_of, redis_server,
    redis_url_via, test_settings,
};
use crate::{on_both_backends, on_mariadb_only};

on_both_backends!(
    revoked_tokens_stay_revoked_when_the_cache_is_flushed,
    revoked_tokens_stay_revoked_after_a_restart,
);
on_mariadb_only!(revoked_tokens_stay_revoked_while_redis_is_down);

/// A token revoked in one way, and a request it could make before.
struct Revoked {
    how: &'static str,
    token: String,
    path: &'static str,
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

async fn ok_before(app: &TestApp, token: &str, path: &str) {
    let response = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), 200, "{path} before revoking");
}

/// Revokes a token in each of the five ways; every token worked before.
async fn revoke_every_way(app: &TestApp) -> Vec<Revoked> {
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let mut revoked = Vec::new();

    let (_, logged_out) = app
        .hire(&owner, "logout@example-jeweller.in", "manager", &[&branch])
        .await;
    ok_before(app, &logged_out, "/api/v1/branches").await;
    let response = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&logged_out), None)
        .await;
    assert_eq!(response.status(), 204);
    revoked.push(Revoked {
        how: "logout",
        token: logged_out,
        path: "/api/v1/branches",
    });

    let (_, phone) = app
        .hire(
            &owner,
            "everywhere@example-jeweller.in",
            "manager",
            &[&branch],
        )
        .await;
    let counter = app
        .login("everywhere@example-jeweller.in", STAFF_PASSWORD)
        .await;
    ok_before(app, &phone, "/api/v1/branches").await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/logout-everywhere",
            Some(&text(&counter["accessToken"])),
            None,
        )
        .await;
    assert_eq!(response.status(), 204);
    revoked.push(Revoked {
        how: "logout everywhere",
        token: phone,
        path: "/api/v1/branches",
    });

    let (_, changed) = app
        .hire(
            &owner,
            "password@example-jeweller.in",
            "manager",
            &[&branch],
        )
        .await;
    ok_before(app, &changed, "/api/v1/branches").await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&changed),
            Some(json!({"currentPassword": STAFF_PASSWORD, "newPassword": "a new and longer passphrase"})),
        )
        .await;
    assert_eq!(response.status(), 204);
    revoked.push(Revoked {
        how: "password change",
        token: changed,
        path: "/api/v1/branches",
    });

    let (member, disabled) = app
        .hire(&owner, "disabled@example-jeweller.in", "sales", &[&branch])
        .await;
    ok_before(app, &disabled, "/api/v1/branches").await;
    let response = app
        .call(
            Method::PATCH,
            &format!("/api/v1/staff/{}", text(&member["id"])),
            Some(&owner),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(response.status(), 200);
    revoked.push(Revoked {
        how: "disabled staff member",
        token: disabled,
        path: "/api/v1/branches",
    });

    let client = json_of(
        app.call(
            Method::POST,
            "/api/v1/api-clients",
            Some(&owner),
            Some(json!({"name": "Odoo stock sync", "scopes": ["branches:read"], "branchIds": []})),
        )
        .await,
        201,
    )
    .await;
    let issued = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &text(&client["client"]["clientId"])),
            ("client_secret", &text(&client["clientSecret"])),
        ])
        .send()
        .await
        .expect("sent");
    let client_token = text(&json_of(issued, 200).await["access_token"]);
    ok_before(app, &client_token, "/api/v1/branches").await;
    let response = app
        .call(
            Method::PATCH,
            &format!("/api/v1/api-clients/{}", text(&client["client"]["id"])),
            Some(&owner),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(response.status(), 200);
    revoked.push(Revoked {
        how: "disabled API client",
        token: client_token,
        path: "/api/v1/branches",
    });

    assert_refused(app, &revoked, "right after revoking").await;
    revoked
}

async fn assert_refused(app: &TestApp, revoked: &[Revoked], when: &str) {
    for token in revoked {
        let response = app
            .call(Method::GET, token.path, Some(&token.token), None)
            .await;
        assert_eq!(response.status(), 401, "{} token {when}", token.how);
    }
}

async fn revoked_tokens_stay_revoked_when_the_cache_is_flushed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let revoked = revoke_every_way(&app).await;
    app.flush_cache().await;
    assert_refused(&app, &revoked, "after the cache was flushed").await;
}

async fn revoked_tokens_stay_revoked_after_a_restart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let revoked = revoke_every_way(&app).await;
    let app = app.restarted().await;
    assert_refused(&app, &revoked, "after a restart").await;
    // The owner still logs in on the restarted server.
    app.login("owner@example-jeweller.in", OWNER_PASSWORD).await;
}

async fn revoked_tokens_stay_revoked_while_redis_is_down(backend: Backend) {
    let proxy = Proxy::start(redis_server()).await;
    let database = TestDatabase::create(backend).await;
    let mut settings = test_settings(backend, &database);
    settings.cache.redis_url = Some(redis_url_via(&proxy));
    let app = TestApp::spawn_with(backend, database, settings).await;
    let revoked = revoke_every_way(&app).await;

    proxy.cut();
    assert_refused(&app, &revoked, "while Redis is down").await;

    // Redis comes back empty: still refused.
    app.flush_cache().await;
    proxy.restore();
    assert_refused(&app, &revoked, "after Redis came back empty").await;
}
