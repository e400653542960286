//! CSV import (dry run, per-row results, one transaction) and export.

use std::fmt::Write as _;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;

on_both_backends!(
    ten_thousand_rows_with_three_bad_ones,
    imports_update_by_external_id_or_mobile_and_exports_round_trip,
);

async fn import(app: &TestApp, token: &str, dry_run: bool, csv: String) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/customers/import?dryRun={dry_run}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("sent")
}

async fn export(app: &TestApp, token: &str, query: &str) -> String {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/export?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    response.text().await.expect("text")
}

async fn ten_thousand_rows_with_three_bad_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let mut csv = String::from("name,mobile,email,dateOfBirth,tags\n");
    for i in 1..=10_000u32 {
        let line = i + 1;
        let row = match line {
            // Three bad rows: a mobile that is no phone number, a birthday
            // in the future, and a mobile repeating line 2's.
            1_001 => format!("Customer {i},12345,c{i}@example.com,,walk-in\n"),
            5_002 => format!("Customer {i},9{i:09},c{i}@example.com,2099-01-01,walk-in\n"),
            9_999 => format!("Customer {i},9{:09},c{i}@example.com,,walk-in\n", 1),
            _ => format!("Customer {i},9{i:09},c{i}@example.com,1990-05-17,walk-in;gold\n"),
        };
        csv.push_str(&row);
    }

    let started = std::time::Instant::now();
    let dry = json_of(import(&app, &owner, true, csv.clone()).await, 200).await;
    let dry_took = started.elapsed();
    assert_eq!(dry["dryRun"], true);
    assert_eq!(
        (dry["created"].as_u64(), dry["rejected"].as_u64()),
        (Some(9_997), Some(3))
    );
    let rejected: Vec<(u64, String, String)> = dry["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["outcome"] == "rejected")
        .map(|r| {
            (
                r["line"].as_u64().expect("line"),
                r["errors"][0]["field"].as_str().expect("field").to_owned(),
                r["errors"][0]["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (1_001, "mobile".to_owned(), "format".to_owned()),
            (5_002, "dateOfBirth".to_owned(), "future".to_owned()),
            (9_999, "mobile".to_owned(), "repeated".to_owned()),
        ]
    );
    assert_eq!(dry["rows"].as_array().expect("rows").len(), 10_000);
    assert_eq!(
        export(&app, &owner, "").await.lines().count(),
        1,
        "a dry run changes nothing"
    );

    let started = std::time::Instant::now();
    let real = json_of(import(&app, &owner, false, csv).await, 200).await;
    let real_took = started.elapsed();
    assert_eq!(
        (real["created"].as_u64(), real["rejected"].as_u64()),
        (Some(9_997), Some(3))
    );
    assert!(real["rows"][0]["customerId"].is_string());
    eprintln!("10,000-row import: dry run {dry_took:?}, real run {real_took:?}");

    let exported = export(&app, &owner, "").await;
    assert_eq!(exported.lines().count(), 1 + 9_997);
    let tagged = export(&app, &owner, "tag=gold").await;
    assert_eq!(
        tagged.lines().count(),
        1 + 9_997,
        "every imported row has the gold tag"
    );
    // Imported customers are searchable like any other.
    let found = json_of(
        app.call(
            Method::GET,
            "/api/v1/customers?q=000004321",
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(found["items"][0]["name"], "Customer 4321");
    assert_eq!(found["items"][0]["source"], "import");
}

async fn imports_update_by_external_id_or_mobile_and_exports_round_trip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let lakshmi = json_of(
        app.call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi", "mobile": "9876543210", "externalId": "ERP-1", "notes": "keep me"})),
        )
        .await,
        201,
    )
    .await;
    let ravi = json_of(
        app.call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Ravi", "mobile": "9000012345"})),
        )
        .await,
        201,
    )
    .await;

    let mut csv = String::from("externalId,name,mobile,tags,homeBranchId\n");
    // By external id: a new mobile and tags; by mobile: a name; a new one.
    writeln!(csv, "ERP-1,Lakshmi Narayanan,9876500000,vip;bridal,").expect("write");
    writeln!(
        csv,
        ",Ravi Kumar,+91 90000 12345,,{}",
        branch["id"].as_str().expect("id")
    )
    .expect("write");
    writeln!(csv, "ERP-3,Meena,9811111111,,").expect("write");
    writeln!(csv, "ERP-4,Arjun,9222222222,,{}", uuid::Uuid::now_v7()).expect("write");
    let report = json_of(import(&app, &owner, false, csv).await, 200).await;
    let outcomes: Vec<&str> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["outcome"].as_str().expect("outcome"))
        .collect();
    assert_eq!(outcomes, ["updated", "updated", "created", "rejected"]);
    assert_eq!(report["rows"][3]["errors"][0]["field"], "homeBranchId");
    assert_eq!(report["rows"][0]["customerId"], lakshmi["id"]);
    assert_eq!(report["rows"][1]["customerId"], ravi["id"]);

    let after = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{}", lakshmi["id"].as_str().expect("id")),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(after["name"], "Lakshmi Narayanan");
    assert_eq!(after["mobile"], "+919876500000");
    assert_eq!(after["tags"], json!(["bridal", "vip"]));
    assert_eq!(after["notes"], "keep me", "empty cells leave fields alone");

    // The export reads back in: every row updates, nothing is created.
    let exported = export(&app, &owner, "sort=name").await;
    let names: Vec<&str> = exported
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).expect("name"))
        .collect();
    assert_eq!(names, ["Lakshmi Narayanan", "Meena", "Ravi Kumar"]);
    let without_ids: String = exported
        .lines()
        .map(|l| l.split_once(',').expect("id").1)
        .map(|l| l.rsplit_once(',').expect("createdAt").0)
        .collect::<Vec<_>>()
        .join("\n");
    let again = json_of(import(&app, &owner, true, without_ids).await, 200).await;
    assert_eq!(
        (again["updated"].as_u64(), again["created"].as_u64()),
        (Some(3), Some(0)),
        "{again}"
    );

    // Bad files, and callers without customers:bulk.
    let unknown = json_of(
        import(&app, &owner, true, "name,mobile,shoeSize\n".into()).await,
        422,
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "header[2]");
    let missing = json_of(
        import(&app, &owner, true, "name\nLakshmi\n".into()).await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["code"], "missing_column");
    let json_body = app
        .call(
            Method::POST,
            "/api/v1/customers/import",
            Some(&owner),
            Some(json!({})),
        )
        .await;
    assert_eq!(json_body.status(), 415);
    assert_eq!(
        import(&app, &sales, true, "name,mobile\n".into())
            .await
            .status(),
        403
    );
    let export_by_sales = app
        .call(Method::GET, "/api/v1/customers/export", Some(&sales), None)
        .await;
    assert_eq!(export_by_sales.status(), 403);
}
