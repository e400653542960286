use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    liveness_answers_ok,
    readiness_names_the_storage_and_cache,
    cache_round_trips_values,
    responses_are_compressed_when_asked,
    cors_allows_only_configured_origins,
    in_flight_requests_finish_on_shutdown,
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

async fn responses_are_compressed_when_asked(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let vary = response.headers()["vary"].to_str().expect("ASCII");
    assert!(vary.contains("accept-encoding"), "{vary}");
    // A whole answer goes compressed with its length, not in chunks.
    let length: usize = response.headers()["content-length"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("a length");
    let compressed = response.bytes().await.expect("bytes");
    assert_eq!(compressed.len(), length);
    let plain = app
        .get("/api-docs/openapi.json")
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(
        compressed.len() < plain.len() / 2,
        "{} vs {}",
        compressed.len(),
        plain.len()
    );
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut inflated,
    )
    .expect("gzip");
    assert_eq!(inflated, plain, "the same document, compressed");

    // Brotli is not offered: a client asking only for it gets the plain body.
    let brotli_only = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("sent");
    assert_eq!(brotli_only.status(), 200);
    assert!(brotli_only.headers().get("content-encoding").is_none());
    assert_eq!(brotli_only.bytes().await.expect("bytes").len(), plain.len());

    // A body under 1 KiB goes as it is.
    let small = app
        .client
        .get(app.url("/health/live"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("sent");
    assert_eq!(small.status(), 200);
    assert!(small.headers().get("content-encoding").is_none());
    assert!(small.bytes().await.expect("bytes").len() < 1024);
}

async fn cors_allows_only_configured_origins(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.server.cors_allowed_origins = vec!["https://pos.example-jeweller.in".to_owned()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/health/ready"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };

    let allowed = preflight("https://pos.example-jeweller.in")
        .await
        .expect("sent");
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://pos.example-jeweller.in"
    );

    let refused = preflight("https://evil.example").await.expect("sent");
    assert!(refused.status().is_client_error());
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
}

async fn in_flight_requests_finish_on_shutdown(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.server.shutdown_timeout_secs = 10;
    })
    .await;
    let in_flight = tokio::spawn(app.client.get(app.url("/test/slow?ms=1500")).send());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    app.stop_gracefully().await;

    let response = in_flight.await.expect("joined").expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("text"), "finished");
    assert!(
        app.client
            .get(app.url("/health/live"))
            .send()
            .await
            .is_err(),
        "no new requests after the stop"
    );
}
