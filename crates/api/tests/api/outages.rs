//! Taking Redis and MariaDB away from one app (through a proxy, so the
//! shared services other tests use are untouched) and giving them back.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{
    Backend, OWNER_PASSWORD, Proxy, TestApp, TestDatabase, mysql_server, redis_server,
    redis_url_via, test_settings,
};
use crate::on_mariadb_only;

on_mariadb_only!(
    cache_outage_degrades_and_recovers,
    cache_down_at_start_up_does_not_stop_the_api,
    database_outage_is_503_and_recovers,
    a_cache_known_to_be_down_is_not_asked,
    login_throttling_holds_while_redis_is_down,
);

/// Polls readiness until `accept` holds, for at most ~15 s.
async fn ready_until(app: &TestApp, accept: impl Fn(u16, &Value) -> bool) -> (u16, Value) {
    let mut last = (0, Value::Null);
    for _ in 0..60 {
        let response = app.get("/health/ready").await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        if accept(status, &body) {
            return (status, body);
        }
        last = (status, body);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("readiness never reached the expected state; last: {last:?}");
}

async fn cache_outage_degrades_and_recovers(backend: Backend) {
    let proxy = Proxy::start(redis_server()).await;
    let database = TestDatabase::create(backend).await;
    let mut settings = test_settings(backend, &database);
    settings.cache.redis_url = Some(redis_url_via(&proxy));
    let app = TestApp::spawn_with(backend, database, settings).await;
    ready_until(&app, |status, body| status == 200 && body["status"] == "ok").await;
    app.state
        .cache
        .set("price:T-1001", b"51845.00", Duration::from_secs(60))
        .await;

    proxy.cut();

    let (_, body) = ready_until(&app, |status, body| {
        status == 200 && body["status"] == "degraded"
    })
    .await;
    assert_eq!(body["checks"]["cache"]["status"], "down");
    assert_eq!(body["checks"]["cache"]["kind"], "redis");
    assert_eq!(body["checks"]["database"]["status"], "up");
    // Requests still succeed; the cache is bypassed, not waited on.
    assert_eq!(app.get("/health/live").await.status(), 200);
    assert_eq!(app.get("/api-docs/openapi.json").await.status(), 200);
    assert_eq!(app.state.cache.get("price:T-1001").await, None);
    app.state
        .cache
        .set("price:T-1002", b"1.00", Duration::from_secs(60))
        .await;

    proxy.restore();

    ready_until(&app, |status, body| status == 200 && body["status"] == "ok").await;
    assert_eq!(
        app.state.cache.get("price:T-1001").await.as_deref(),
        Some(&b"51845.00"[..]),
        "what was cached before the outage is readable again"
    );
}

async fn database_outage_is_503_and_recovers(backend: Backend) {
    let proxy = Proxy::start(mysql_server()).await;
    let database = TestDatabase::create_via(backend, Some(proxy.address)).await;
    let settings = test_settings(backend, &database);
    let app = TestApp::spawn_with(backend, database, settings).await;
    ready_until(&app, |status, _| status == 200).await;

    proxy.cut();

    let (_, body) = ready_until(&app, |status, _| status == 503).await;
    assert_eq!(body["checks"]["database"]["status"], "down");
    assert_eq!(body["checks"]["database"]["kind"], "mysql");
    assert_eq!(body["detail"], "database is down");
    assert_eq!(body["status"], 503);
    assert_eq!(
        app.get("/health/live").await.status(),
        200,
        "liveness ignores the database"
    );

    proxy.restore();

    let (_, body) = ready_until(&app, |status, _| status == 200).await;
    assert_eq!(body["checks"]["database"]["status"], "up");
}

async fn cache_down_at_start_up_does_not_stop_the_api(backend: Backend) {
    let proxy = Proxy::start(redis_server()).await;
    proxy.cut();
    let database = TestDatabase::create(backend).await;
    let mut settings = test_settings(backend, &database);
    settings.cache.redis_url = Some(redis_url_via(&proxy));

    let app = TestApp::spawn_with(backend, database, settings).await;

    let (_, body) = ready_until(&app, |status, _| status == 200).await;
    assert_eq!(body["status"], "degraded");
    proxy.restore();
    ready_until(&app, |status, body| status == 200 && body["status"] == "ok").await;
    app.state
        .cache
        .set("rate:silver:925", b"98.50", Duration::from_secs(60))
        .await;
    assert_eq!(
        app.state.cache.get("rate:silver:925").await.as_deref(),
        Some(&b"98.50"[..])
    );
}

/// An app whose Redis goes through `proxy`.
async fn behind(proxy: &Proxy, backend: Backend) -> TestApp {
    let database = TestDatabase::create(backend).await;
    let mut settings = test_settings(backend, &database);
    settings.cache.redis_url = Some(redis_url_via(proxy));
    TestApp::spawn_with(backend, database, settings).await
}

async fn a_cache_known_to_be_down_is_not_asked(backend: Backend) {
    let proxy = Proxy::start(redis_server()).await;
    let app = behind(&proxy, backend).await;
    let owner = app.owner_token().await;
    let cache = &app.state.cache;
    assert!(!cache.is_open());

    proxy.cut();
    // The first call finds Redis down and opens the breaker.
    assert_eq!(cache.get("rate:gold:916").await, None);
    assert!(cache.is_open(), "a failed call opens the breaker");
    let sent = cache.calls_sent();

    // While it is open, nothing is sent: not by the cache's callers, not by
    // requests (rate limit, login throttling, current rates).
    for _ in 0..10 {
        assert_eq!(cache.get("rate:gold:916").await, None);
        cache
            .set("rate:gold:916", b"7200.00", Duration::from_secs(60))
            .await;
        cache.delete("rate:gold:916").await;
        assert_eq!(app.get("/health/live").await.status(), 200);
        let branches = app
            .call(reqwest::Method::GET, "/api/v1/branches", Some(&owner), None)
            .await;
        assert_eq!(branches.status(), 200, "the API works at database speed");
        let rates = app
            .call(
                reqwest::Method::GET,
                "/api/v1/metal-rates/current",
                Some(&owner),
                None,
            )
            .await;
        assert_eq!(rates.status(), 200);
    }
    app.login("owner@example-jeweller.in", OWNER_PASSWORD).await;
    assert_eq!(cache.calls_sent(), sent, "no call reached for Redis");
    let (_, body) = ready_until(&app, |status, body| {
        status == 200 && body["status"] == "degraded"
    })
    .await;
    assert_eq!(body["checks"]["cache"]["status"], "down");

    // The probe in the background closes the breaker once Redis answers.
    proxy.restore();
    ready_until(&app, |status, body| status == 200 && body["status"] == "ok").await;
    assert!(!cache.is_open());
    cache
        .set("rate:gold:916", b"7200.00", Duration::from_secs(60))
        .await;
    assert_eq!(
        cache.get("rate:gold:916").await.as_deref(),
        Some(&b"7200.00"[..])
    );
    assert!(cache.calls_sent() > sent, "calls go to Redis again");
}

async fn login_throttling_holds_while_redis_is_down(backend: Backend) {
    let proxy = Proxy::start(redis_server()).await;
    let app = behind(&proxy, backend).await;
    app.create_owner("owner@example-jeweller.in", OWNER_PASSWORD)
        .await;
    proxy.cut();

    let mut statuses = Vec::new();
    for _ in 0..12 {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "owner@example-jeweller.in", "password": "not the passphrase"}))
            .send()
            .await
            .expect("sent");
        statuses.push(response.status().as_u16());
    }
    let limit = usize::try_from(app.state.auth.login_max_failures).expect("small");
    assert!(statuses[..limit].iter().all(|&s| s == 401), "{statuses:?}");
    assert!(
        statuses[limit..].iter().all(|&s| s == 429),
        "the limit holds in process while Redis is down: {statuses:?}"
    );
    let right = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(
            &serde_json::json!({"email": "owner@example-jeweller.in", "password": OWNER_PASSWORD}),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(
        right.status(),
        429,
        "the right password waits for the window too"
    );
}
