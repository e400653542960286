//! Segments over HTTP: a segment counts the customers of its branch its
//! filter holds (occasions within days, ring size), names a bad
//! filter's field, and is changed only with its current version.

use serde_json::{Value, json};

use crate::campaigns::{customer, spawn};
use crate::helpers::{Backend, get, json_of, post};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(a_segment_counts_by_occasion_and_ring_size_and_names_bad_filters,);

async fn a_segment_counts_by_occasion_and_ring_size_and_names_bad_filters(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "CHN1").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .date_naive();
    let married = |days: u64| {
        use chrono::Datelike;
        let day = today + chrono::Days::new(days);
        chrono::NaiveDate::from_ymd_opt(2015, day.month(), day.day().min(28))
            .expect("a day")
            .to_string()
    };
    customer(
        &app,
        &owner,
        json!({"name": "Lakshmi Narayanan", "mobile": "9876500011",
        "anniversary": married(10), "ringSize": "12", "homeBranchId": branch["id"]}),
    )
    .await;
    customer(
        &app,
        &owner,
        json!({"name": "Suresh Menon", "mobile": "9876500012",
        "anniversary": married(40), "ringSize": "12", "homeBranchId": branch["id"]}),
    )
    .await;
    customer(
        &app,
        &owner,
        json!({"name": "Divya Raman", "mobile": "9876500013",
        "ringSize": "14", "homeBranchId": branch["id"]}),
    )
    .await;

    let count = |filter: Value| {
        let app = &app;
        let owner = owner.clone();
        let branch = branch["id"].clone();
        async move {
            let body = json!({"branchId": branch, "filter": filter});
            json_of(
                post(app, &owner, "/api/v1/segments/preview", body).await,
                200,
            )
            .await["count"]
                .as_u64()
                .expect("a count")
        }
    };
    assert_eq!(count(json!({})).await, 3);
    assert_eq!(
        count(json!({"occasion": {"kind": "anniversary", "withinDays": 30}})).await,
        1
    );
    assert_eq!(
        count(json!({"occasion": {"kind": "anniversary", "withinDays": 60}})).await,
        2
    );
    assert_eq!(count(json!({"ringSize": "12"})).await, 2);
    assert_eq!(
        count(json!({"ringSize": "12", "minLifetimeValue": "1"})).await,
        0
    );

    let bad = json!({"name": "Bad", "branchId": branch["id"], "filter": {
        "minLifetimeValue": "500000", "maxLifetimeValue": "100000",
        "occasion": {"kind": "birthday", "withinDays": 400}}});
    let refused = json_of(post(&app, &owner, "/api/v1/segments", bad).await, 422).await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        ["filter.maxLifetimeValue", "filter.occasion.withinDays"],
        "{refused}"
    );
    let money = json!({"name": "Bad", "filter": {"minLifetimeValue": "lots"}});
    let refused = json_of(post(&app, &owner, "/api/v1/segments", money).await, 422).await;
    assert_eq!(
        refused["errors"][0]["field"], "filter.minLifetimeValue",
        "{refused}"
    );

    // Renamed over the version read; a stale version is refused.
    let body = json!({"name": "Rings", "branchId": branch["id"], "filter": {"ringSize": "12"}});
    let saved = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    let path = format!("/api/v1/segments/{}", id_of(&saved));
    let rename = json!({"name": "Size 12 rings", "filter": {"ringSize": "12"}});
    let renamed = app
        .call_with_headers(
            reqwest::Method::PUT,
            &path,
            &owner,
            &[("If-Match", "\"1\"")],
            rename.clone(),
        )
        .await;
    let renamed = json_of(renamed, 200).await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["version"].as_i64()),
        (Some("Size 12 rings"), Some(2))
    );
    let stale = app
        .call_with_headers(
            reqwest::Method::PUT,
            &path,
            &owner,
            &[("If-Match", "\"1\"")],
            rename,
        )
        .await;
    assert_eq!(stale.status(), 412);
    let deleted = app
        .call(reqwest::Method::DELETE, &path, Some(&owner), None)
        .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(get(&app, &owner, &path).await.status(), 404);
}
