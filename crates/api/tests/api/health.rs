use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    liveness_answers_ok,
    readiness_names_the_storage_and_cache,
    cache_round_trips_values
);

async fn liveness_answers_ok(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app.get("/health/live").await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

async fn readiness_names_the_storage_and_cache(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app.get("/health/ready").await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["checks"]["database"]["status"], "up");
    assert_eq!(body["checks"]["database"]["kind"], backend.storage());
    assert_eq!(body["checks"]["cache"]["status"], "up");
    assert_eq!(body["checks"]["cache"]["kind"], backend.cache());
}

async fn cache_round_trips_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cache = &app.state.cache;
    assert_eq!(cache.kind().as_str(), backend.cache());

    assert_eq!(cache.get("rate:gold:916").await, None);
    cache
        .set(
            "rate:gold:916",
            b"12800.00",
            std::time::Duration::from_secs(60),
        )
        .await;
    assert_eq!(
        cache.get("rate:gold:916").await.as_deref(),
        Some(&b"12800.00"[..])
    );
    cache.delete("rate:gold:916").await;
    assert_eq!(cache.get("rate:gold:916").await, None);

    // Another app (another test) with its own prefix never sees our keys.
    let other = TestApp::spawn(backend).await;
    cache
        .set("shared-name", b"ours", std::time::Duration::from_secs(60))
        .await;
    assert_eq!(other.state.cache.get("shared-name").await, None);
}
