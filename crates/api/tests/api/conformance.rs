//! The server keeps the promises of its OpenAPI document: what Schemathesis
//! found against a live server, each kept here as a black-box test.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;

on_both_backends!(
    a_fixed_path_with_another_method_is_405_not_an_id,
    query_parameters_are_held_to_their_documented_bounds,
    a_whole_number_written_with_a_point_is_a_whole_number,
    an_etag_beyond_any_version_is_stale_not_malformed,
    racing_writes_all_land_on_either_backend,
    a_state_code_is_two_digits_of_a_real_state,
    text_is_held_to_the_documented_length_as_sent,
    labels_and_conflicts_read_as_documented,
);

fn first_error(problem: &Value) -> (&str, &str) {
    (
        problem["errors"][0]["field"].as_str().unwrap_or_default(),
        problem["errors"][0]["code"].as_str().unwrap_or_default(),
    )
}

async fn a_fixed_path_with_another_method_is_405_not_an_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    // `/customers/import` is not the customer whose id is `import`.
    let response = app
        .call(
            Method::PATCH,
            "/api/v1/customers/import",
            Some(&owner),
            Some(json!({})),
        )
        .await;
    assert_eq!(response.status(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    let response = app
        .call(Method::PATCH, "/api/v1/tasks/mine", Some(&owner), None)
        .await;
    assert_eq!(response.status(), 405);
    // The pattern path still answers its own methods.
    let missing = app
        .call(
            Method::GET,
            "/api/v1/customers/01936f0e-0000-7000-8000-000000000009",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(missing.status(), 404);
}

async fn query_parameters_are_held_to_their_documented_bounds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let long_tag = "x".repeat(41);
    for (path, field, code) in [
        (
            format!("/api/v1/customers?tag={long_tag}"),
            "tag",
            "too_long",
        ),
        (
            format!("/api/v1/customers/export?tag={long_tag}"),
            "tag",
            "too_long",
        ),
        (
            "/api/v1/pieces?fineness=374".to_owned(),
            "fineness",
            "range",
        ),
        (
            "/api/v1/metal-rates?fineness=1000".to_owned(),
            "fineness",
            "range",
        ),
        (
            "/api/v1/audit-events?entityType=0.5".to_owned(),
            "entityType",
            "format",
        ),
        ("/api/v1/customers?sort=age".to_owned(), "sort", "format"),
        // A named schema (`MoneyText`) bounds a parameter too, and a
        // parameter is a 400, never a 422.
        (
            "/api/v1/customers?minLifetimeValue=null".to_owned(),
            "minLifetimeValue",
            "format",
        ),
    ] {
        let problem = json_of(get(&app, &owner, &path).await, 400).await;
        assert_eq!(first_error(&problem), (field, code), "{path}: {problem}");
    }
    // A branch the caller does not have is named, not a missing page.
    let problem = json_of(
        get(
            &app,
            &owner,
            "/api/v1/occasions?branchId=01936f0e-0000-7000-8000-000000000009",
        )
        .await,
        400,
    )
    .await;
    assert_eq!(first_error(&problem), ("branchId", "not_found"));
    // Within bounds, the list answers.
    json_of(
        get(&app, &owner, "/api/v1/customers?tag=vip&sort=-createdAt").await,
        200,
    )
    .await;
}

async fn a_whole_number_written_with_a_point_is_a_whole_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let body = json!({"rates": [{"metal": "gold", "fineness": 916.0, "perGram": "12800.00"}]});
    let saved = json_of(post(&app, &owner, "/api/v1/metal-rates", body).await, 201).await;
    assert_eq!(saved["rates"][0]["fineness"], 916);
    let half = json!({"rates": [{"metal": "gold", "fineness": 916.5, "perGram": "12800.00"}]});
    let problem = json_of(post(&app, &owner, "/api/v1/metal-rates", half).await, 422).await;
    assert_eq!(first_error(&problem).0, "rates[0].fineness");
}

async fn an_etag_beyond_any_version_is_stale_not_malformed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let path = format!("/api/v1/branches/{}", branch["id"].as_str().expect("id"));
    let patch = |if_match: &'static str| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(&owner)
            .header("If-Match", if_match)
            .json(&json!({"name": "T. Nagar flagship"}))
            .send()
    };
    assert_eq!(patch("\"99999999999\"").await.expect("sent").status(), 412);
    assert_eq!(patch("null").await.expect("sent").status(), 400);
    assert_eq!(patch("W/\"1\"").await.expect("sent").status(), 200);
}

/// SQLite has one writer at a time: transactions that read and then write,
/// racing, queue for the lock instead of failing with "database is locked"
/// (a 500; each consent change reads the current consents, then writes).
async fn racing_writes_all_land_on_either_backend(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = json_of(
        post(
            &app,
            &owner,
            "/api/v1/customers",
            json!({"name": "Lakshmi Narayanan", "mobile": "9876543210"}),
        )
        .await,
        201,
    )
    .await;
    let path = format!(
        "/api/v1/customers/{}/consents",
        lakshmi["id"].as_str().expect("id")
    );
    let changes = (0..16).map(|n| {
        post(
            &app,
            &owner,
            &path,
            json!({"source": "in_store", "changes": [
                {"channel": "whatsapp", "purpose": "marketing", "granted": n % 2 == 0}
            ]}),
        )
    });
    let statuses: Vec<u16> = join_all(changes)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses, vec![200; 16]);
    let consents = json_of(get(&app, &owner, &path).await, 200).await;
    assert!(
        consents["history"]
            .as_array()
            .is_some_and(|h| !h.is_empty()),
        "{consents}"
    );
}

async fn a_state_code_is_two_digits_of_a_real_state(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    for code in ["+3", "00", "39", "097"] {
        let body = json!({"code": "MDS1", "name": "T. Nagar", "address": "12 Usman Road",
                          "stateCode": code});
        let problem = json_of(post(&app, &owner, "/api/v1/branches", body).await, 422).await;
        assert_eq!(first_error(&problem).0, "stateCode", "{code}: {problem}");
    }
}

async fn text_is_held_to_the_documented_length_as_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = |name: String| json!({"code": "CHN9", "name": name, "address": "12 Usman Road", "stateCode": "33"});
    // 8 characters once trimmed, 121 as sent: the document says at most 120.
    let padded = format!("T. Nagar{}", " ".repeat(113));
    let problem = json_of(
        post(&app, &owner, "/api/v1/branches", branch(padded)).await,
        422,
    )
    .await;
    assert_eq!(first_error(&problem), ("name", "too_long"), "{problem}");
    // Padding within the length is trimmed, as before.
    let saved = json_of(
        post(
            &app,
            &owner,
            "/api/v1/branches",
            branch("  T. Nagar  ".to_owned()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(saved["name"], "T. Nagar");
    // Every string over its length is named.
    let problem = json_of(
        post(
            &app,
            &owner,
            "/api/v1/branches",
            json!({"code": "chennai main", "name": "x".repeat(121), "address": "x", "stateCode": "33"}),
        )
        .await,
        422,
    )
    .await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["code", "name"], "{problem}");
}

async fn labels_and_conflicts_read_as_documented(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    // A label is any one line without `,` or `;` (they part labels in CSV).
    let meena =
        json!({"name": "Meena Iyer", "mobile": "98765 43210", "tags": ["Mother's Day", "vip"]});
    let saved = json_of(post(&app, &owner, "/api/v1/customers", meena).await, 201).await;
    assert_eq!(saved["tags"], json!(["mother's day", "vip"]));
    let listed = json!({"name": "Kavya Raman", "mobile": "98765 43212", "tags": ["gold;silver"]});
    let problem = json_of(post(&app, &owner, "/api/v1/customers", listed).await, 422).await;
    assert_eq!(first_error(&problem), ("tags[0]", "format"));
    // A taken mobile is a 409 naming the field, without the `candidates`
    // of a likely duplicate.
    let again = json!({"name": "Revathi Subramanian", "mobile": "+919876543210"});
    let problem = json_of(post(&app, &owner, "/api/v1/customers", again).await, 409).await;
    assert_eq!(first_error(&problem), ("mobile", "taken"), "{problem}");
    assert!(problem.get("candidates").is_none(), "{problem}");
    // A refund goes back as money: old gold is not a refund method, and the
    // document's enum says so (a value outside it, not a rule broken).
    let problem = json_of(
        post(
            &app,
            &owner,
            "/api/v1/invoices/01936f0e-0000-7000-8000-000000000009/returns",
            json!({"lineIds": ["01936f0e-0000-7000-8000-0000000000b2"], "reason": "size",
                   "settlement": "refund", "refundMethod": "old_gold"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(first_error(&problem), ("refundMethod", "type"), "{problem}");
}
