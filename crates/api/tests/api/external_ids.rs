//! Customers and designs by another system's ids (an ERP keeping its
//! records in step): a PUT adds the record the first time and changes it
//! after, sending it twice changes nothing, requests racing with one new
//! id add one record, and the id reads it back; a sales person cannot.
//! Pieces keep a receipt's and a correction's rules.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of};
use crate::on_both_backends;

on_both_backends!(
    a_put_adds_then_changes_and_twice_changes_nothing,
    racing_puts_with_one_new_id_add_one_customer,
    a_design_is_kept_in_step_by_its_id,
    racing_puts_with_one_new_id_add_one_design,
    a_merge_takes_the_duplicates_ids_to_the_survivor,
    a_piece_is_received_then_corrected_by_its_id,
    racing_puts_with_one_new_id_receive_one_piece,
);

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.call(Method::PUT, path, Some(token), Some(body)).await
}

/// PUTs `bodies` to `path` at once: exactly one makes the record (201),
/// every other changes it (200).
async fn exactly_one_made(app: &TestApp, token: &str, path: &str, bodies: Vec<Value>) {
    let puts = bodies
        .into_iter()
        .map(|body| async move { put(app, token, path, body).await.status().as_u16() });
    let statuses = futures_util::future::join_all(puts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
}

async fn a_put_adds_then_changes_and_twice_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let path = "/api/v1/customers/by-external-id/odoo/res.partner:1042";
    let body = json!({"name": "Padma Lakshmi", "mobile": "9876501042", "tags": ["erp"]});

    let added = put(&app, &owner, path, body.clone()).await;
    assert_eq!(added.status(), 201);
    let location = added.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    let added: Value = added.json().await.expect("JSON");
    assert_eq!(
        location,
        format!("/api/v1/customers/{}", added["id"].as_str().expect("id"))
    );
    assert_eq!(added["version"], 1);

    let again = json_of(put(&app, &owner, path, body.clone()).await, 200).await;
    assert_eq!(again["id"], added["id"]);
    assert_eq!(again["version"], 1, "the same body changes nothing");

    let changed_body =
        json!({"name": "Padma Lakshmi R.", "mobile": "9876501042", "tags": ["erp", "vip"]});
    let changed = json_of(put(&app, &owner, path, changed_body).await, 200).await;
    assert_eq!(changed["id"], added["id"]);
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["name"], "Padma Lakshmi R.");

    let read = json_of(get(&app, &owner, path).await, 200).await;
    assert_eq!(read["id"], added["id"]);
    assert_eq!(read["version"], 2);
    let by_id = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/customers/{}", added["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_id["name"], "Padma Lakshmi R.");

    // Another system's same id is another record; its mobile is taken.
    let other = "/api/v1/customers/by-external-id/shop-web/res.partner:1042";
    assert_eq!(get(&app, &owner, other).await.status(), 404);
    let taken = json_of(put(&app, &owner, other, body).await, 409).await;
    assert_eq!(taken["errors"][0]["field"], "mobile", "{taken}");
    assert_eq!(
        get(&app, &owner, other).await.status(),
        404,
        "nothing kept of it"
    );

    let bad = put(
        &app,
        &owner,
        "/api/v1/customers/by-external-id/Odoo/1",
        json!({"name": "X Y", "mobile": "9876501043"}),
    )
    .await;
    let bad = json_of(bad, 400).await;
    assert_eq!(bad["errors"][0]["field"], "system");
    let bad = json_of(
        get(
            &app,
            &owner,
            "/api/v1/customers/by-external-id/odoo/null%2Cnull",
        )
        .await,
        400,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "externalId");
}

async fn racing_puts_with_one_new_id_add_one_customer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let path = "/api/v1/customers/by-external-id/odoo/res.partner:77";
    let bodies = (0..8).map(|i| json!({"name": "Racing Customer", "mobile": "9876500077", "notes": format!("try {i}")})).collect();
    exactly_one_made(&app, &owner, path, bodies).await;
    let found = json_of(
        get(&app, &owner, "/api/v1/customers?mobile=9876500077").await,
        200,
    )
    .await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
    let read = json_of(get(&app, &owner, path).await, 200).await;
    assert_eq!(read["id"], found["items"][0]["id"]);
}

async fn a_design_is_kept_in_step_by_its_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let path = "/api/v1/designs/by-external-id/odoo/product.template:88";
    let body = json!({"code": "NK-TEMPLE-88", "name": "Temple necklace", "category": "necklace",
        "making": {"mode": "percent", "value": "14"}});
    let added = json_of(put(&app, &owner, path, body.clone()).await, 201).await;
    let again = json_of(put(&app, &owner, path, body).await, 200).await;
    assert_eq!(again["id"], added["id"]);
    assert_eq!(
        again["version"], added["version"],
        "the same body changes nothing"
    );
    let changed = json!({"code": "NK-TEMPLE-88", "name": "Temple necklace, antique", "category": "necklace",
        "making": {"mode": "percent", "value": "15"}});
    let changed = json_of(put(&app, &owner, path, changed).await, 200).await;
    assert_eq!(changed["id"], added["id"]);
    assert_eq!(changed["name"], "Temple necklace, antique");
    assert_ne!(changed["version"], added["version"]);
    let read = json_of(get(&app, &owner, path).await, 200).await;
    assert_eq!(read["version"], changed["version"]);
    assert_eq!(
        get(
            &app,
            &owner,
            "/api/v1/designs/by-external-id/odoo/product.template:89"
        )
        .await
        .status(),
        404
    );

    // A second id with the same code is the code's 409; nothing of it kept.
    let other = "/api/v1/designs/by-external-id/odoo/product.template:90";
    let clash = json!({"code": "NK-TEMPLE-88", "name": "Another", "category": "necklace"});
    assert_eq!(put(&app, &owner, other, clash).await.status(), 409);
    assert_eq!(get(&app, &owner, other).await.status(), 404);

    let branch = app.open_branch(&owner, "MDU1").await;
    let (_, sales) = app
        .hire(&owner, "meena@example.com", "sales", &[&branch])
        .await;
    let refused = put(
        &app,
        &sales,
        path,
        json!({"code": "X-1", "name": "X", "category": "ring"}),
    )
    .await;
    assert_eq!(refused.status(), 403);
}

async fn racing_puts_with_one_new_id_add_one_design(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let path = "/api/v1/designs/by-external-id/odoo/product.template:7";
    let bodies = (0..8)
        .map(|i| {
            json!({"code": "BG-KADA-7", "name": "Kada bangle", "category": "bangle",
            "description": format!("try {i}")})
        })
        .collect();
    exactly_one_made(&app, &owner, path, bodies).await;
    let found = json_of(
        get(&app, &owner, "/api/v1/designs?category=bangle").await,
        200,
    )
    .await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
}

async fn a_merge_takes_the_duplicates_ids_to_the_survivor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let path = "/api/v1/customers/by-external-id/shop-web/cust-501";
    let body = json!({"name": "Zarina Wahab", "mobile": "9876500501"});
    let duplicate = json_of(put(&app, &owner, path, body).await, 201).await;
    let survivor = json!({"name": "Zarina W.", "mobile": "9876500502"});
    let survivor = json_of(
        app.call(
            Method::POST,
            "/api/v1/customers?confirmNotDuplicate=true",
            Some(&owner),
            Some(survivor),
        )
        .await,
        201,
    )
    .await;
    let merge = format!(
        "/api/v1/customers/{}/merge",
        survivor["id"].as_str().expect("id")
    );
    let merged = app
        .call(
            Method::POST,
            &merge,
            Some(&owner),
            Some(json!({"duplicateId": duplicate["id"]})),
        )
        .await;
    let merged = json_of(merged, 200).await;
    assert_eq!(merged["moved"]["externalIds"], 1, "{merged}");

    let read = json_of(get(&app, &owner, path).await, 200).await;
    assert_eq!(read["id"], survivor["id"], "the id names the survivor now");
    let body = json!({"name": "Zarina W.", "mobile": "9876500502", "tags": ["web"]});
    let changed = json_of(put(&app, &owner, path, body).await, 200).await;
    assert_eq!(changed["id"], survivor["id"]);
    assert_eq!(changed["tags"], json!(["web"]));
}

fn piece_body(branch: &Value, grams: &str) -> Value {
    json!({"tagNumber": "ERP-000123", "category": "necklace", "metal": "gold", "fineness": 916,
        "grossWeight": grams, "making": {"mode": "percent", "value": "16"},
        "huid": "ERP123", "branchId": branch["id"]})
}

async fn a_piece_is_received_then_corrected_by_its_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "CBE1").await;
    let other = app.open_branch(&owner, "CBE2").await;
    let path = "/api/v1/pieces/by-external-id/odoo/stock.lot:123";
    let received = json_of(
        put(&app, &owner, path, piece_body(&branch, "24.350")).await,
        201,
    )
    .await;
    assert_eq!(received["status"], "in_stock");
    let movements = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces/{}/movements",
                received["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        movements["movements"].as_array().map(Vec::len),
        Some(1),
        "one receipt: {movements}"
    );

    let again = json_of(
        put(&app, &owner, path, piece_body(&branch, "24.350")).await,
        200,
    )
    .await;
    assert_eq!(again["id"], received["id"]);
    assert_eq!(
        again["version"], received["version"],
        "the same body changes nothing"
    );
    let corrected = json_of(
        put(&app, &owner, path, piece_body(&branch, "24.400")).await,
        200,
    )
    .await;
    assert_eq!(corrected["grossWeight"], "24.400");
    assert_ne!(corrected["version"], received["version"]);
    let read = json_of(get(&app, &owner, path).await, 200).await;
    assert_eq!(read["version"], corrected["version"]);

    // Its branch changes only by a transfer; another id with its tag is 409.
    let moved = json_of(
        put(&app, &owner, path, piece_body(&other, "24.400")).await,
        422,
    )
    .await;
    assert_eq!(moved["errors"][0]["field"], "branchId", "{moved}");
    let clash = put(
        &app,
        &owner,
        "/api/v1/pieces/by-external-id/odoo/stock.lot:124",
        piece_body(&branch, "5.000"),
    )
    .await;
    assert_eq!(clash.status(), 409);
    // A manager of the other branch neither sees nor changes it.
    let (_, manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&other])
        .await;
    assert_eq!(get(&app, &manager, path).await.status(), 404);
    assert_eq!(
        put(&app, &manager, path, piece_body(&branch, "1.000"))
            .await
            .status(),
        404
    );
}

async fn racing_puts_with_one_new_id_receive_one_piece(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "TRY1").await;
    let path = "/api/v1/pieces/by-external-id/odoo/stock.lot:9";
    let bodies = (0..6).map(|_| piece_body(&branch, "10.000")).collect();
    exactly_one_made(&app, &owner, path, bodies).await;
    let found = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces?branchId={}",
                branch["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
}
