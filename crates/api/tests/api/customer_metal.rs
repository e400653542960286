//! The customer's metal over HTTP: 10.000 g of 22K handed over is 9.160
//! fine grams; 2.000 used on their order, 1.000 given back, 0.500 bought
//! at 14,000.00 (7,000.00); going out beyond the balance writes nothing;
//! racing for the last grams, one wins; the balance equals its ledger;
//! the customer reads their own at `/me/metal` and no one else's.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::billing::customer;
use crate::challans::shop;
use crate::helpers::{Backend, get, json_of, post};
use crate::jobs::{chain, take_in};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(the_customers_metal_is_kept_in_fine_grams_and_equals_its_ledger,);

fn metal_path(who: &Value) -> String {
    format!("/api/v1/customers/{}/metal", id_of(who))
}

async fn the_customers_metal_is_kept_in_fine_grams_and_equals_its_ledger(backend: Backend) {
    let shop = shop(backend).await;
    let app = &shop.app;
    let who = customer(app, &shop.sales, "9876543210", None).await;
    let branch = shop.branch["id"].clone();
    let entry = |body: Value, code: u16| {
        let path = metal_path(&who);
        let sales = shop.sales.clone();
        async move { json_of(post(app, &sales, &path, body).await, code).await }
    };
    let received = entry(
        json!({"branchId": branch, "kind": "received", "metal": "gold",
               "grossWeight": "10.000", "fineness": 916, "note": "Old bangle"}),
        201,
    )
    .await;
    assert_eq!(received["fineWeight"], "9.160");
    // Refusals name their field and write nothing.
    for (body, field) in [
        (
            json!({"branchId": branch, "kind": "received", "metal": "gold", "grossWeight": "1.000"}),
            "fineness",
        ),
        (
            json!({"branchId": branch, "kind": "used", "metal": "gold", "fineWeight": "1.000"}),
            "jobId",
        ),
        (
            json!({"branchId": branch, "kind": "returned", "metal": "gold", "fineWeight": "9.161"}),
            "fineWeight",
        ),
        (
            json!({"branchId": branch, "kind": "returned", "metal": "silver", "fineWeight": "0.001"}),
            "fineWeight",
        ),
        (
            json!({"branchId": branch, "kind": "bought", "metal": "gold", "fineWeight": "1.000"}),
            "rate",
        ),
    ] {
        let refused = entry(body, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }

    let job = take_in(app, &shop.sales, chain(&shop.branch, &who)).await;
    let used = entry(
        json!({"branchId": branch, "kind": "used", "metal": "gold", "fineWeight": "2.000",
               "jobId": job["id"]}),
        201,
    )
    .await;
    assert_eq!(used["jobId"], job["id"]);
    entry(
        json!({"branchId": branch, "kind": "returned", "metal": "gold", "fineWeight": "1.000"}),
        201,
    )
    .await;
    let bought = entry(
        json!({"branchId": branch, "kind": "bought", "metal": "gold", "fineWeight": "0.500",
               "rate": "14000.00"}),
        201,
    )
    .await;
    assert_eq!(bought["value"], "7000.00");

    // Five racing for the last 5.660 g, 2.000 g each: two win.
    let path = metal_path(&who);
    let answers = join_all((0..5).map(|_| {
        let body = json!({"branchId": branch, "kind": "returned", "metal": "gold",
                          "fineWeight": "2.000"});
        post(app, &shop.sales, &path, body)
    }))
    .await;
    let won = answers.iter().filter(|a| a.status() == 201).count();
    assert_eq!(won, 2, "5.660 g holds two of 2.000 g");
    let account = json_of(get(app, &shop.sales, &metal_path(&who)).await, 200).await;
    assert_eq!(
        account["balances"],
        json!([{"metal": "gold", "fineWeight": "1.660"}])
    );
    let ledger = json_of(
        get(app, &shop.sales, &format!("{}/entries", metal_path(&who))).await,
        200,
    )
    .await;
    let milligrams: i64 = ledger["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            let text = e["fineWeight"].as_str().expect("weight").replace('.', "");
            let units: i64 = text.parse().expect("milligrams");
            if e["kind"] == "received" {
                units
            } else {
                -units
            }
        })
        .sum();
    assert_eq!(milligrams, 1_660, "the balance equals its ledger");

    // Her own at /me; another customer's is not hers; staff elsewhere
    // record nothing at a branch not theirs.
    let hers = app
        .customer_token(&shop.owner, id_of(&who), "9876543210")
        .await;
    let mine = json_of(get(app, &hers, "/api/v1/me/metal").await, 200).await;
    assert_eq!(mine["balances"], account["balances"]);
    let my_entries = json_of(get(app, &hers, "/api/v1/me/metal/entries").await, 200).await;
    assert_eq!(my_entries["items"].as_array().map(Vec::len), Some(6));
    assert_eq!(get(app, &hers, &metal_path(&who)).await.status(), 403);
    let other = customer(app, &shop.sales, "9876543211", None).await;
    let theirs = app
        .customer_token(&shop.owner, id_of(&other), "9876543211")
        .await;
    let empty = json_of(get(app, &theirs, "/api/v1/me/metal").await, 200).await;
    assert_eq!(empty["balances"], json!([]));
    let elsewhere = app.open_branch(&shop.owner, "PUN1").await;
    let (_, stranger) = app
        .hire(
            &shop.owner,
            "ravi@example-jeweller.in",
            "sales",
            &[&elsewhere],
        )
        .await;
    let body = json!({"branchId": branch, "kind": "received", "metal": "gold",
                      "grossWeight": "1.000", "fineness": 916});
    let refused = json_of(post(app, &stranger, &metal_path(&who), body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "branchId", "{refused}");
}
