//! What each artisan holds over HTTP: the worked chain out at Ramesh is
//! 12.480 g gross, 11.431 g fine, and its job is listed by his id; half of
//! a second piece back leaves the rest; once everything is back he holds
//! nothing; another branch's staff see none of it.

use serde_json::{Value, json};

use crate::challans::{approved_job, issue, receive, shop};
use crate::helpers::{Backend, get, json_of};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(an_artisans_holdings_are_what_is_still_out,);

async fn an_artisans_holdings_are_what_is_still_out(backend: Backend) {
    let shop = shop(backend).await;
    let app = &shop.app;
    let holdings = || async {
        json_of(
            get(app, &shop.sales, "/api/v1/artisans/holdings").await,
            200,
        )
        .await
    };
    assert_eq!(holdings().await["items"], json!([]));

    let chain = approved_job(&shop, "12.480").await;
    let out = issue(&shop, &chain, "12.480", 201).await;
    let held = holdings().await;
    let ramesh: &Value = &held["items"][0];
    assert_eq!(ramesh["artisanId"], shop.artisan["id"]);
    assert_eq!(ramesh["name"], "Ramesh Soni");
    assert_eq!(
        (ramesh["challans"].clone(), ramesh["jobs"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        ramesh["metals"],
        json!([{"metal": "gold", "grossWeight": "12.480", "fineWeight": "11.431"}])
    );
    assert_eq!(ramesh["oldestDaysOut"], 0);
    assert_eq!(ramesh["supplyDue"], 0);
    let path = format!("/api/v1/jobs?artisanId={}", id_of(&shop.artisan));
    let listed = json_of(get(app, &shop.sales, &path).await, 200).await;
    assert_eq!(listed["items"][0]["id"], chain["id"], "{listed}");
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // Another branch's staff see nothing of it.
    let elsewhere = app.open_branch(&shop.owner, "PUN1").await;
    let (_, stranger) = app
        .hire(
            &shop.owner,
            "ravi@example-jeweller.in",
            "sales",
            &[&elsewhere],
        )
        .await;
    let theirs = json_of(get(app, &stranger, "/api/v1/artisans/holdings").await, 200).await;
    assert_eq!(theirs["items"], json!([]));

    receive(
        &shop,
        &out,
        json!({"grossWeight": "6.000", "closes": false}),
        201,
    )
    .await;
    let held = holdings().await;
    assert_eq!(held["items"][0]["metals"][0]["grossWeight"], "6.480");
    receive(
        &shop,
        &out,
        json!({"grossWeight": "6.410", "closes": true}),
        201,
    )
    .await;
    assert_eq!(holdings().await["items"], json!([]));
    let listed = json_of(get(app, &shop.sales, &path).await, 200).await;
    assert_eq!(listed["items"], json!([]), "no challan of his is out");
}
