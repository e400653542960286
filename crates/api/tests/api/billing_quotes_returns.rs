//! Bills beyond the counter: lots and services sold to another state pay\nIGST, a quote keeps its prices when the rate moves, a return credits its\nlines and puts the stock back, and customers see their own bills only.

use crate::billing::{
    customer, draft, error_codes, issue_path, payments_path, piece, set_rate, this_financial_year,
};
use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    lots_and_services_sold_to_another_state_pay_igst,
    a_quote_keeps_its_prices_when_the_rate_moves,
    a_return_credits_the_lines_and_puts_the_stock_back,
    customers_see_their_own_bills_and_no_one_elses,
);

async fn lots_and_services_sold_to_another_state_pay_igst(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let coins = json_of(
        post(&app, &owner, "/api/v1/lots",
             json!({"code": "COIN-SILVER-10G", "name": "Silver coin 10 g", "category": "coin", "unit": "count",
                    "metal": "silver", "fineness": 999})).await,
        201,
    )
    .await;
    let chain = json_of(
        post(
            &app,
            &owner,
            "/api/v1/lots",
            json!({"code": "CHAIN-22K", "name": "22K chain by the gram", "category": "chain",
                    "unit": "weight", "metal": "gold", "fineness": 916}),
        )
        .await,
        201,
    )
    .await;
    for (lot, quantity) in [(&coins, "10"), (&chain, "50.000")] {
        let path = format!("/api/v1/lots/{}/movements", lot["id"].as_str().expect("id"));
        json_of(
            post(
                &app,
                &owner,
                &path,
                json!({"branchId": branch["id"], "kind": "receipt", "quantity": quantity}),
            )
            .await,
            200,
        )
        .await;
    }
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "placeOfSupply": "29",
        "lines": [
            {"kind": "lot", "lotId": coins["id"], "quantity": "2", "unitPrice": "1250.00"},
            {"kind": "lot", "lotId": chain["id"], "quantity": "10.500",
             "making": {"mode": "per_gram", "value": "450.00"}},
            {"kind": "service", "description": "Engraving", "amount": "300.00"}
        ]}),
    )
    .await;
    // By hand: coins 2 x 1,250.00 = 2,500.00 at 3% IGST = 75.00; chain
    // 10.500 g x 12,800.00 = 134,400.00 + making 10.500 x 450.00 = 4,725.00
    // = 139,125.00 at 3% = 4,173.75; engraving 300.00 at 5% = 15.00.
    assert_eq!(bill["supply"], "inter_state");
    assert_eq!(bill["lines"][0]["quantity"], "2");
    assert_eq!(bill["lines"][1]["quantity"], "10.500");
    assert_eq!(bill["lines"][0]["total"], "2575.00");
    assert_eq!(bill["lines"][1]["metalValue"], "134400.00");
    assert_eq!(bill["lines"][1]["making"]["amount"], "4725.00");
    assert_eq!(bill["lines"][2]["hsn"], "9988");
    assert_eq!(
        bill["taxes"],
        json!([{"kind": "IGST", "rate": "3", "amount": "4248.75"},
               {"kind": "IGST", "rate": "5", "amount": "15.00"}])
    );
    assert_eq!(bill["taxableValue"], "141925.00");
    assert_eq!(bill["grossTotal"], "146188.75");
    assert_eq!(bill["roundOff"], "0.25");
    assert_eq!(bill["total"], "146189.00");
    json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 200).await;
    let on_hand = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/lots/{}", chain["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(on_hand["onHand"][0]["quantity"], "39.500", "{on_hand}");

    // More than is on hand: the issue fails and gives its number back.
    let too_many = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "lot", "lotId": coins["id"], "quantity": "9", "unitPrice": "1250.00"}]}),
    )
    .await;
    let refused = json_of(
        post(&app, &owner, &issue_path(&too_many), json!({})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].quantity".to_owned(), "not_enough".to_owned())]
    );
    let method = Method::GET;
    let list = json_of(
        app.call(method, "/api/v1/invoices?status=issued", Some(&owner), None)
            .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
}

async fn a_quote_keeps_its_prices_when_the_rate_moves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&madurai])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let necklace = piece(&app, &owner, &branch, "GN-7", "3.390").await;
    let quote = json_of(
        post(&app, &owner, "/api/v1/quotes",
             json!({"branchId": branch["id"], "lines": [{"kind": "piece", "pieceId": necklace["id"]}]})).await,
        201,
    )
    .await;
    assert_eq!(quote["bill"]["total"], "51845.00");
    assert_eq!(quote["expired"], false);
    let priced =
        chrono::DateTime::parse_from_rfc3339(quote["bill"]["pricedAt"].as_str().expect("time"))
            .expect("time");
    let until = chrono::DateTime::parse_from_rfc3339(quote["validUntil"].as_str().expect("time"))
        .expect("time");
    assert_eq!(until - priced, chrono::Duration::minutes(60));
    let path = format!(
        "/api/v1/quotes/{}",
        quote["bill"]["id"].as_str().expect("id")
    );
    json_of(get(&app, &elsewhere, &path).await, 404).await;

    // The rate moves: the live price follows, the quote does not.
    set_rate(&app, &owner, "gold", 916, "13000.00").await;
    let live = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces/{}/price",
                necklace["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    assert_ne!(live["total"], "51845.00");
    let invoice = json_of(
        post(&app, &owner, &format!("{path}/invoice"), json!({})).await,
        201,
    )
    .await;
    assert_eq!(invoice["quoteId"], quote["bill"]["id"]);
    assert_eq!(invoice["total"], "51845.00");
    assert_eq!(invoice["lines"][0]["rate"], "12800.00");
    let issued = json_of(
        post(&app, &owner, &issue_path(&invoice), json!({})).await,
        200,
    )
    .await;
    assert_eq!(issued["total"], "51845.00");
    assert_eq!(issued["status"], "issued");
    let again = json_of(
        post(&app, &owner, &format!("{path}/invoice"), json!({})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&again),
        vec![("invoiceId".to_owned(), "converted".to_owned())]
    );
    let read = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(read["invoiceId"], invoice["id"]);
}

async fn a_return_credits_the_lines_and_puts_the_stock_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let first = piece(&app, &owner, &branch, "GN-A", "3.390").await;
    let second = piece(&app, &owner, &branch, "GN-B", "3.390").await;
    let buyer = customer(&app, &owner, "9876543210", None).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": first["id"]},
                         {"kind": "piece", "pieceId": second["id"]}]}),
    )
    .await;
    // Two worked examples: 100,669.44 taxable, 3,020.08 tax, 103,689.52
    // rounds to 103,690.00.
    assert_eq!(bill["total"], "103690.00");
    let returns = format!(
        "/api/v1/invoices/{}/returns",
        bill["id"].as_str().expect("id")
    );
    let line = |i: usize| bill["lines"][i]["id"].clone();
    // Unpaid: cancel it instead.
    json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 200).await;
    let unpaid = json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(0)], "reason": "fit", "settlement": "store_credit"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&unpaid),
        vec![("status".to_owned(), "wrong_status".to_owned())]
    );
    json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "card", "amount": "103690.00", "reference": "auth 1"}]}),
        )
        .await,
        201,
    )
    .await;
    let refused = json_of(
        post(&app, &owner, &returns,
             json!({"lineIds": [line(0)], "reason": "fit", "settlement": "store_credit", "refundMethod": "cash"})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("refundMethod".to_owned(), "unexpected".to_owned())]
    );

    let returned = json_of(
        post(&app, &owner, &returns,
             json!({"lineIds": [line(0)], "reason": "Does not fit", "settlement": "refund", "refundMethod": "upi"})).await,
        201,
    )
    .await;
    let note = &returned["creditNotes"][0];
    assert_eq!(
        note["number"],
        format!("MDS1/CN/{}/000001", this_financial_year())
    );
    // The line's value and tax as billed: 50,334.72 + 755.02 + 755.02 =
    // 51,844.76, rounded to 51,845.00.
    assert_eq!(note["taxableValue"], "50334.72");
    assert_eq!(note["taxTotal"], "1510.04");
    assert_eq!(note["total"], "51845.00");
    assert_eq!(note["refundMethod"], "upi");
    assert_eq!(returned["credited"], "51845.00");
    assert_eq!(returned["lines"][0]["returnedBy"], note["id"]);
    assert_eq!(returned["lines"][1]["returnedBy"], Value::Null);
    let back = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/pieces/{}", first["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(back["status"], "returned");
    let seen = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/customers/{}", buyer["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["lifetimeValue"], "51845.00");
    let again = json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(0)], "reason": "again", "settlement": "store_credit"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&again),
        vec![("lineIds[0]".to_owned(), "returned".to_owned())]
    );

    // Two returns racing for the other line: one credit note.
    let body =
        json!({"lineIds": [line(1)], "reason": "Changed mind", "settlement": "store_credit"});
    let (a, b) = tokio::join!(
        post(&app, &owner, &returns, body.clone()),
        post(&app, &owner, &returns, body)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert!(
        statuses == [201, 409] || statuses == [201, 422],
        "{statuses:?}"
    );
    let read = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read["creditNotes"].as_array().expect("notes").len(), 2);
    assert_eq!(
        read["creditNotes"][1]["number"],
        format!("MDS1/CN/{}/000002", this_financial_year())
    );
    let seen = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/customers/{}", buyer["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["lifetimeValue"], "0.00");
    // Goods came back against it: it can no longer be cancelled.
    let cancel = format!(
        "/api/v1/invoices/{}/cancel",
        bill["id"].as_str().expect("id")
    );
    let refused = json_of(
        post(&app, &owner, &cancel, json!({"reason": "too late"})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("creditNotes".to_owned(), "has_returns".to_owned())]
    );
    ledger_balances(&app, &owner).await;
}

async fn customers_see_their_own_bills_and_no_one_elses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let lakshmi = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9876543211", None).await;
    let service = |who: &Value| {
        json!({"branchId": branch["id"], "customerId": who["id"],
               "lines": [{"kind": "service", "description": "Polishing", "amount": "200.00"}]})
    };
    let hers = draft(&app, &owner, service(&lakshmi)).await;
    json_of(post(&app, &owner, &issue_path(&hers), json!({})).await, 200).await;
    // A draft of hers is not shown to her.
    draft(&app, &owner, service(&lakshmi)).await;
    let his = draft(&app, &owner, service(&ravi)).await;
    json_of(post(&app, &owner, &issue_path(&his), json!({})).await, 200).await;

    let her_token = app
        .customer_tokens(&owner, lakshmi["id"].as_str().expect("id"), "9876543210")
        .await["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let mine = json_of(get(&app, &her_token, "/api/v1/me/invoices").await, 200).await;
    let ids: Vec<&Value> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&hers["id"]]);
    let me = json_of(get(&app, &her_token, "/api/v1/me").await, 200).await;
    assert_eq!(me["purchases"]["count"], 1);
    assert_eq!(me["purchases"]["lifetimeValue"], "210.00");
    let path = |bill: &Value| format!("/api/v1/me/invoices/{}", bill["id"].as_str().expect("id"));
    json_of(get(&app, &her_token, &path(&hers)).await, 200).await;
    json_of(get(&app, &her_token, &path(&his)).await, 404).await;
    // Staff routes stay closed to her; her routes to staff.
    json_of(
        get(
            &app,
            &her_token,
            &format!("/api/v1/invoices/{}", his["id"].as_str().expect("id")),
        )
        .await,
        403,
    )
    .await;
    json_of(get(&app, &owner, "/api/v1/me/invoices").await, 403).await;
}
