//! What every change tells: each business change writes its event, and the\naudit trail keeps a bill as the domain has it.

use crate::events::{draft, entities, feed, feed_of_at_least, id_of, issue, shop};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;
use serde_json::json;

on_both_backends!(
    every_business_change_tells_its_event,
    the_trail_keeps_a_bill_as_the_domain_has_it,
);

async fn every_business_change_tells_its_event(backend: Backend) {
    use reqwest::Method;

    let app = TestApp::spawn(backend).await;
    let shop = shop(&app, "MDS1").await;
    let madurai = app.open_branch(&shop.owner, "MDU1").await;
    let customer = id_of(&shop.customer).to_owned();
    let renamed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/customers/{customer}"),
            Some(&shop.owner),
            Some(json!({"name": "Meenakshi S."})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let duplicate = json_of(
        post(
            &app,
            &shop.sales,
            "/api/v1/customers",
            json!({"name": "Meena Sundaram", "mobile": "9876500001"}),
        )
        .await,
        201,
    )
    .await;
    let merged = app
        .call(
            Method::POST,
            &format!("/api/v1/customers/{customer}/merge"),
            Some(&shop.owner),
            Some(json!({"duplicateId": duplicate["id"]})),
        )
        .await;
    assert_eq!(merged.status(), 200);
    let erased = json_of(
        post(
            &app,
            &shop.sales,
            "/api/v1/customers",
            json!({"name": "Gone Away", "mobile": "9876500002"}),
        )
        .await,
        201,
    )
    .await;
    let erasure = app
        .call(
            Method::POST,
            &format!("/api/v1/customers/{}/erase", id_of(&erased)),
            Some(&shop.owner),
            None,
        )
        .await;
    assert_eq!(erasure.status(), 200);

    let bill = draft(&app, &shop, "EV-1").await;
    let sold_piece = bill["lines"][0]["pieceId"]
        .as_str()
        .expect("a piece")
        .to_owned();
    let quote = json_of(
        post(
            &app,
            &shop.sales,
            "/api/v1/quotes",
            json!({"branchId": shop.branch["id"], "customerId": customer,
                   "lines": [{"kind": "piece", "pieceId": sold_piece}]}),
        )
        .await,
        201,
    )
    .await;
    json_of(issue(&app, &shop.sales, &bill, json!({})).await, 200).await;
    let travelling = draft(&app, &shop, "EV-2").await["lines"][0]["pieceId"].clone();
    let until = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let held = post(
        &app,
        &shop.sales,
        &format!(
            "/api/v1/pieces/{}/reservation",
            travelling.as_str().expect("an id")
        ),
        json!({"customerId": customer, "until": until}),
    )
    .await;
    assert_eq!(held.status(), 200);
    let released = app
        .call(
            Method::DELETE,
            &format!(
                "/api/v1/pieces/{}/reservation",
                travelling.as_str().expect("an id")
            ),
            Some(&shop.sales),
            None,
        )
        .await;
    assert!(released.status().is_success(), "{}", released.status());
    let transfer = json_of(
        post(
            &app,
            &shop.owner,
            "/api/v1/transfers",
            json!({"fromBranchId": shop.branch["id"], "toBranchId": madurai["id"],
                   "pieceIds": [travelling]}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        post(
            &app,
            &shop.owner,
            &format!("/api/v1/transfers/{}/receipt", id_of(&transfer)),
            json!({"receivedPieceIds": [travelling]}),
        )
        .await,
        200,
    )
    .await;

    let events = feed_of_at_least(&app, &shop.owner, "&types=transfer.received", 1).await;
    assert_eq!(events.len(), 1);
    let events = feed(&app, &shop.owner, "").await;
    let travelling = travelling.as_str().expect("an id");
    assert_eq!(
        entities(&events, "customer.created"),
        [customer.as_str(), id_of(&duplicate), id_of(&erased)]
    );
    assert_eq!(entities(&events, "customer.updated"), [customer.as_str()]);
    assert_eq!(entities(&events, "customer.merged"), [id_of(&duplicate)]);
    assert_eq!(entities(&events, "customer.erased"), [id_of(&erased)]);
    assert_eq!(entities(&events, "rate.changed").len(), 1);
    assert_eq!(
        entities(&events, "piece.received"),
        [sold_piece.as_str(), travelling]
    );
    assert_eq!(entities(&events, "quote.created"), [id_of(&quote["bill"])]);
    assert_eq!(entities(&events, "invoice.issued"), [id_of(&bill)]);
    assert_eq!(entities(&events, "piece.sold"), [sold_piece.as_str()]);
    assert_eq!(entities(&events, "piece.moved"), [travelling, travelling]);
    assert_eq!(entities(&events, "transfer.dispatched"), [id_of(&transfer)]);
    let merged = events
        .iter()
        .find(|e| e["type"] == "customer.merged")
        .expect("the merge");
    assert_eq!(merged["data"]["survivorId"], json!(customer));
    assert!(merged["branchId"].is_null());
    // Customers' events name no one: no name or mobile in any payload.
    for event in events.iter().filter(|e| {
        e["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("customer."))
    }) {
        let text = event["data"].to_string();
        assert!(!text.contains("Meen") && !text.contains("98765"), "{text}");
    }
    let moved = events
        .iter()
        .find(|e| e["type"] == "piece.moved")
        .expect("a move");
    assert_eq!(
        (&moved["data"]["fromStatus"], &moved["data"]["toStatus"]),
        (&json!("in_stock"), &json!("reserved"))
    );
}

/// The audit trail keeps a bill as billing has it (its own record, made
/// from the domain's invoice), not as the API shows it: draft, issue and
/// payment each leave before and after with the number, status, lines and
/// money as decimal text.
async fn the_trail_keeps_a_bill_as_the_domain_has_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let shop = shop(&app, "TRL1").await;
    let invoice = draft(&app, &shop, "AU-1").await;
    let issued = json_of(issue(&app, &shop.sales, &invoice, json!({})).await, 200).await;
    let trail = json_of(
        get(
            &app,
            &shop.owner,
            &format!(
                "/api/v1/audit-events?entityType=invoice&entityId={}",
                id_of(&invoice)
            ),
        )
        .await,
        200,
    )
    .await;
    let events = trail["items"].as_array().expect("items");
    let of = |action: &str| {
        events
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {trail}"))
    };
    let created = of("create");
    assert!(created["before"].is_null(), "{created}");
    assert_eq!(created["after"]["status"], "draft");
    assert!(created["after"]["number"].is_null());
    let issue = of("issue");
    assert_eq!(issue["before"]["status"], "draft");
    assert_eq!(issue["after"]["status"], "issued");
    assert_eq!(issue["after"]["number"], issued["number"]);
    assert_eq!(issue["after"]["total"], issued["total"]);
    assert_eq!(issue["after"]["customerId"], shop.customer["id"]);
    let line = &issue["after"]["lines"][0];
    assert_eq!(line["kind"], "piece");
    assert_eq!(line["pieceId"], invoice["lines"][0]["pieceId"]);
    assert_eq!(line["taxableValue"], issued["lines"][0]["taxableValue"]);
    // The record is billing's own, not the API's view of the bill.
    assert!(issue["after"].get("balance").is_none(), "{issue}");
}
