//! Every error path answers with RFC 9457 problem+json carrying the request id.

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    malformed_json_is_400,
    unknown_route_is_404,
    oversized_body_is_413,
    wrong_content_type_is_415,
    invalid_field_is_422_naming_it,
    wrong_method_is_405_with_allow,
    client_request_id_is_echoed,
    unusable_request_id_is_replaced,
    bad_query_parameter_is_400_naming_it,
    internal_error_is_500_without_internals,
    slow_request_is_abandoned_with_503,
);

/// Checks the problem+json shape and that `requestId` is the response's
/// `X-Request-Id`; returns the body.
async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["status"], status);
    assert_eq!(body["requestId"], request_id);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:jewel-crm:problem:"))
    );
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
    body
}

async fn post_echo(app: &TestApp, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
    app.client
        .post(app.url("/test/echo"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("the request is sent")
}

async fn malformed_json_is_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body = problem(post_echo(&app, "application/json", "{bad json").await, 400).await;

    assert_eq!(body["errors"][0]["field"], "body");
    assert_eq!(body["errors"][0]["code"], "malformed_json");
    assert_eq!(body["instance"], "/test/echo");
}

async fn unknown_route_is_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body = problem(app.get("/api/v1/no-such-thing").await, 404).await;

    assert_eq!(body["instance"], "/api/v1/no-such-thing");
}

async fn oversized_body_is_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let name = "x".repeat(3 * 1024 * 1024);
    let json = format!(r#"{{"name":"{name}","grossWeightMg":1}}"#);

    let body = problem(post_echo(&app, "application/json", json).await, 413).await;

    assert!(body["detail"].as_str().expect("text").contains("1048576"));
}

async fn wrong_content_type_is_415(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body = problem(
        post_echo(
            &app,
            "text/plain",
            r#"{"name":"ring","grossWeightMg":3390}"#,
        )
        .await,
        415,
    )
    .await;

    assert!(
        body["detail"]
            .as_str()
            .expect("text")
            .contains("application/json")
    );
}

async fn invalid_field_is_422_naming_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let wrong_type = problem(
        post_echo(
            &app,
            "application/json",
            r#"{"name":"ring","grossWeightMg":"heavy"}"#,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(wrong_type["errors"][0]["field"], "grossWeightMg");
    assert_eq!(wrong_type["errors"][0]["code"], "type");

    let missing = problem(
        post_echo(&app, "application/json", r#"{"name":"ring"}"#).await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "grossWeightMg");
    assert_eq!(missing["errors"][0]["code"], "required");

    let blank = problem(
        post_echo(
            &app,
            "application/json",
            r#"{"name":" ","grossWeightMg":1}"#,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        blank["errors"],
        json!([{"field": "name", "code": "required", "message": "name must not be blank"}])
    );

    // A member the API does not know is named as sent, cut to the 200
    // characters the document allows.
    let long = "\u{1e70}\u{033a}o".repeat(150);
    let owner = app.owner_token().await;
    let body = json!({"name": "Lakshmi", "mobile": "9876543210", long.as_str(): 1});
    let unknown = app
        .call(
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(body),
        )
        .await;
    let unknown = problem(unknown, 422).await;
    let field = unknown["errors"][0]["field"].as_str().expect("field");
    assert_eq!(field.chars().count(), 200, "{field}");
    assert!(long.starts_with(field));

    let ok = post_echo(
        &app,
        "application/json",
        r#"{"name":"ring","grossWeightMg":3390}"#,
    )
    .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.expect("JSON")["grossWeightMg"],
        3390
    );
}

async fn wrong_method_is_405_with_allow(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .client
        .delete(app.url("/health/live"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["allow"], "GET");
    problem(response, 405).await;
}

async fn client_request_id_is_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let ok = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "till-7:sale-42")
        .send()
        .await
        .expect("sent");
    assert_eq!(ok.headers()["x-request-id"], "till-7:sale-42");

    let failed = app
        .client
        .get(app.url("/nowhere"))
        .header("x-request-id", "till-7:sale-43")
        .send()
        .await
        .expect("sent");
    let body = problem(failed, 404).await;
    assert_eq!(body["requestId"], "till-7:sale-43");
}

async fn unusable_request_id_is_replaced(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "a b c; drop table")
        .send()
        .await
        .expect("sent");

    let id = response.headers()["x-request-id"].to_str().expect("ascii");
    assert_ne!(id, "a b c; drop table");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is a UUID");
}

async fn bad_query_parameter_is_400_naming_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body = problem(app.get("/test/page?limit=lots").await, 400).await;

    assert_eq!(body["errors"][0]["field"], "limit");
    assert_eq!(body["errors"][0]["code"], "invalid");
    let ok = app.get("/test/page?limit=20").await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.expect("JSON")["limit"], 20);
    // A path's id that is no UUID is named too.
    let owner = app.owner_token().await;
    let body = problem(
        crate::helpers::get(&app, &owner, "/api/v1/quotes/None").await,
        400,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "id", "{body}");
    assert_eq!(body["errors"][0]["code"], "format", "{body}");
}

async fn internal_error_is_500_without_internals(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body = problem(app.get("/test/fail").await, 500).await;

    let text = body.to_string();
    assert!(!text.contains("secret"), "{text}");
    assert!(!text.contains("customers"), "{text}");
    assert_eq!(body["type"], "urn:jewel-crm:problem:internal");
}

async fn slow_request_is_abandoned_with_503(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.server.request_timeout_secs = 1;
    })
    .await;

    let response = app.get("/test/slow?ms=5000").await;

    assert_eq!(response.headers()["retry-after"], "1");
    let body = problem(response, 503).await;
    assert_eq!(body["type"], "urn:jewel-crm:problem:timeout");
}
