//! Store credit over HTTP: a return settled as store credit becomes the
//! customer's balance, with its own ledger; it pays a later bill as
//! payment method `store_credit`, never beyond what is held, never for a
//! bill without a customer; two bills spending the same credit at once
//! have one winner; cancelling a bill it paid gives it back; the balance is
//! always the ledger's sum; a customer reads only their own.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{id_of, sell_necklace, ten_thousand};
use crate::on_both_backends;

on_both_backends!(
    a_return_as_store_credit_pays_later_bills_once_and_a_cancel_gives_it_back,
    a_customer_reads_only_their_own_store_credit,
);

/// An amount of money as the API writes it (`-3001.00`), in paise.
pub(crate) fn paise(text: &str) -> i64 {
    let (whole, part) = text.split_once('.').expect("two places");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let whole: i64 = whole.trim_start_matches('-').parse().expect("rupees");
    sign * (whole * 100 + part.parse::<i64>().expect("paise"))
}

fn credit_path(customer: &Value) -> String {
    format!("/api/v1/customers/{}/store-credit", id_of(customer))
}

/// The sum of the amounts of a ledger's entries at `path` (one page of
/// up to 200), in paise.
pub(crate) async fn ledger_sum(app: &TestApp, token: &str, path: &str) -> i64 {
    let page = json_of(get(app, token, &format!("{path}?limit=200")).await, 200).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| paise(e["amount"].as_str().expect("amount")))
        .sum()
}

/// The balance, after checking it is the sum of the ledger.
async fn balance(app: &TestApp, token: &str, customer: &Value) -> String {
    let credit = json_of(get(app, token, &credit_path(customer)).await, 200).await;
    let path = format!("{}/entries", credit_path(customer));
    let held = credit["balance"].as_str().expect("balance").to_owned();
    assert_eq!(
        ledger_sum(app, token, &path).await,
        paise(&held),
        "the balance is the ledger's sum"
    );
    held
}

/// A service bill for `buyer` of 10,000.00, issued unpaid.
async fn issued_bill(app: &TestApp, token: &str, branch: &Value, buyer: &Value) -> Value {
    let bill = ten_thousand(app, token, branch, buyer).await;
    json_of(post(app, token, &issue_path(&bill), json!({})).await, 200).await;
    bill
}

fn payments_path(bill: &Value) -> String {
    format!("/api/v1/invoices/{}/payments", id_of(bill))
}

/// Pays `payments` against `bill` as `token`: the invoice after.
pub(crate) async fn pay(app: &TestApp, token: &str, bill: &Value, payments: Value) -> Value {
    json_of(
        post(
            app,
            token,
            &payments_path(bill),
            json!({"payments": payments}),
        )
        .await,
        201,
    )
    .await
}

/// Returns the first line of `bill` as store credit: the invoice after.
pub(crate) async fn return_as_credit(app: &TestApp, token: &str, bill: &Value) -> Value {
    json_of(
        post(
            app,
            token,
            &format!("/api/v1/invoices/{}/returns", id_of(bill)),
            json!({"lineIds": [bill["lines"][0]["id"]], "reason": "Not needed",
                   "settlement": "store_credit"}),
        )
        .await,
        201,
    )
    .await
}

async fn a_return_as_store_credit_pays_later_bills_once_and_a_cancel_gives_it_back(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let buyer = customer(&app, &owner, "9876543210", None).await;
    assert_eq!(balance(&app, &owner, &buyer).await, "0.00");

    // The worked necklace (51,845.00), paid in full, comes back as credit.
    let bill = sell_necklace(&app, &owner, &sales, &branch, &buyer, "GN-1").await;
    pay(
        &app,
        &sales,
        &bill,
        json!([{"method": "card", "amount": "51845.00", "reference": "auth 1"}]),
    )
    .await;
    let returned = return_as_credit(&app, &sales, &bill).await;
    let note = &returned["creditNotes"][0];
    assert_eq!(note["total"], "51845.00");
    assert_eq!(note["moneyBack"], "51845.00", "nothing was paid in points");
    assert_eq!(balance(&app, &owner, &buyer).await, "51845.00");
    let ledger = json_of(
        get(&app, &owner, &format!("{}/entries", credit_path(&buyer))).await,
        200,
    )
    .await;
    assert_eq!(ledger["items"][0]["kind"], "credited");
    assert_eq!(ledger["items"][0]["creditNoteId"], note["id"]);
    assert_eq!(ledger["items"][0]["actorKind"], "staff");

    // Never on a bill without a customer.
    let walk_in = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "service", "description": "Ring resizing", "amount": "500.00"}]}),
    )
    .await;
    let refused = json_of(
        post(
            &app,
            &sales,
            &issue_path(&walk_in),
            json!({"payments": [{"method": "store_credit", "amount": "100.00"}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["field"], "payments[0].method",
        "{refused}"
    );
    assert_eq!(balance(&app, &owner, &buyer).await, "51845.00");

    // Six bills of 10,000.00 race for 51,845.00: five are paid, one is
    // refused naming its amount, and the credit never goes below zero.
    let mut bills = Vec::new();
    for _ in 0..6 {
        bills.push(issued_bill(&app, &sales, &branch, &buyer).await);
    }
    let paths: Vec<String> = bills.iter().map(payments_path).collect();
    let answers = join_all(paths.iter().map(|path| {
        post(
            &app,
            &sales,
            path,
            json!({"payments": [{"method": "store_credit", "amount": "10000.00"}]}),
        )
    }))
    .await;
    let mut statuses: Vec<u16> = Vec::new();
    for answer in answers {
        let status = answer.status().as_u16();
        if status == 422 {
            let problem: Value = answer.json().await.expect("a problem");
            assert_eq!(
                problem["errors"][0]["field"], "payments[0].amount",
                "{problem}"
            );
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 201, 201, 422]);
    assert_eq!(balance(&app, &owner, &buyer).await, "1845.00");

    // A bill it paid, cancelled: its 10,000.00 come back.
    let mut paid = Value::Null;
    for bill in &bills {
        let now = json_of(
            get(&app, &owner, &format!("/api/v1/invoices/{}", id_of(bill))).await,
            200,
        )
        .await;
        if now["status"] == "paid" {
            paid = now;
            break;
        }
    }
    assert_eq!(paid["status"], "paid");
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/invoices/{}/cancel", id_of(&paid)),
            Some(&owner),
            Some(json!({"reason": "Billed to the wrong customer"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(balance(&app, &owner, &buyer).await, "11845.00");
    let ledger = json_of(
        get(&app, &owner, &format!("{}/entries", credit_path(&buyer))).await,
        200,
    )
    .await;
    assert_eq!(ledger["items"][0]["kind"], "restored");
    assert_eq!(ledger["items"][0]["amount"], "10000.00");
    assert_eq!(ledger["items"][0]["invoiceId"], paid["id"]);

    // A walk-in bill cannot be returned as store credit: there is no one
    // to hold it.
    let walk_in = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "service", "description": "Ring resizing", "amount": "500.00"}]}),
    )
    .await;
    let issued = json_of(
        post(
            &app,
            &sales,
            &issue_path(&walk_in),
            json!({"payments": [{"method": "cash", "amount": walk_in["total"]}]}),
        )
        .await,
        200,
    )
    .await;
    let refused = json_of(
        post(
            &app,
            &sales,
            &format!("/api/v1/invoices/{}/returns", id_of(&issued)),
            json!({"lineIds": [issued["lines"][0]["id"]], "reason": "Not needed",
                   "settlement": "store_credit"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "settlement", "{refused}");
}

async fn a_customer_reads_only_their_own_store_credit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9123456780", None).await;
    // Her bill paid 1,000.00 in points: those go back as points, the
    // other 9,000.00 as credit.
    json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/customers/{}/loyalty/adjustments", id_of(&meena)),
            json!({"points": 3000, "reason": "Opening balance"}),
        )
        .await,
        201,
    )
    .await;
    let bill = issued_bill(&app, &owner, &branch, &meena).await;
    pay(
        &app,
        &owner,
        &bill,
        json!([{"method": "points", "amount": "1000.00"},
                                {"method": "upi", "amount": "9000.00", "reference": "UPI 1"}]),
    )
    .await;
    let returned = return_as_credit(&app, &owner, &bill).await;
    assert_eq!(returned["creditNotes"][0]["total"], "10000.00");
    assert_eq!(returned["creditNotes"][0]["moneyBack"], "9000.00");

    let hers = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let his = app.customer_token(&owner, id_of(&ravi), "9123456780").await;
    let mine = json_of(get(&app, &hers, "/api/v1/me/store-credit").await, 200).await;
    assert_eq!(mine["balance"], "9000.00");
    assert_eq!(mine["customerId"], meena["id"]);
    let entries = json_of(
        get(&app, &hers, "/api/v1/me/store-credit/entries").await,
        200,
    )
    .await;
    assert_eq!(entries["items"].as_array().map(Vec::len), Some(1));
    let his_own = json_of(get(&app, &his, "/api/v1/me/store-credit").await, 200).await;
    assert_eq!(his_own["balance"], "0.00");
    assert_eq!(his_own["customerId"], ravi["id"]);
    // Another's by id is staff's, not a customer's; staff read no `/me`.
    for path in [
        credit_path(&meena),
        format!("{}/entries", credit_path(&meena)),
    ] {
        assert_eq!(get(&app, &his, &path).await.status(), 403, "{path}");
    }
    assert_eq!(
        get(&app, &owner, "/api/v1/me/store-credit").await.status(),
        403
    );
    let unknown = format!("/api/v1/customers/{}/store-credit", uuid::Uuid::now_v7());
    assert_eq!(get(&app, &owner, &unknown).await.status(), 404);
}
