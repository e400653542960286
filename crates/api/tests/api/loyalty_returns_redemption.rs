//! Points back and spent: a return takes back its share and a cancel all of\nit; points pay within the cap, and two bills cannot spend the same points.

use crate::billing::{customer, draft, issue_path, piece, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{
    balance_is_the_ledger, entries, entries_until, fields, id_of, points_path, points_until,
    sell_necklace, set_programme, ten_thousand,
};
use crate::on_both_backends;
use futures_util::future::join_all;
use serde_json::{Value, json};

on_both_backends!(
    a_return_takes_back_its_share_and_a_cancel_all_of_it,
    points_pay_within_the_cap_and_two_bills_cannot_spend_the_same_points,
);

async fn a_return_takes_back_its_share_and_a_cancel_all_of_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let buyer = customer(&app, &owner, "9876543210", None).await;
    // Points can be spent at once, to see a balance go below zero.
    let mut programme = json_of(get(&app, &owner, "/api/v1/loyalty/programme").await, 200).await;
    programme["pendingDays"] = json!(0);
    json_of(set_programme(&app, &owner, &programme).await, 200).await;

    // Two worked necklaces on one bill: 100,669.44 taxable earns 1,006.
    let first = piece(&app, &owner, &branch, "GN-A", "3.390").await;
    let second = piece(&app, &owner, &branch, "GN-B", "3.390").await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": first["id"]},
                         {"kind": "piece", "pieceId": second["id"]}]}),
    )
    .await;
    json_of(
        post(
            &app,
            &owner,
            &issue_path(&bill),
            json!({"payments": [{"method": "card", "amount": "103690.00", "reference": "auth 1"}]}),
        )
        .await,
        200,
    )
    .await;
    let standing = points_until(&app, &owner, &buyer, 1006).await;
    assert_eq!(standing["available"], 1006);
    let returns = format!("/api/v1/invoices/{}/returns", id_of(&bill));
    let line = |i: usize| bill["lines"][i]["id"].clone();

    // One of two lines back: half its points, rounded up.
    let returned = json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(0)], "reason": "Does not fit", "settlement": "store_credit"}),
        )
        .await,
        201,
    )
    .await;
    let note = returned["creditNotes"][0]["id"].clone();
    let standing = points_until(&app, &owner, &buyer, 503).await;
    assert_eq!(standing["qualifyingPoints"], 503, "{standing}");
    let ledger = entries(&app, &owner, &buyer).await;
    assert_eq!(ledger[0]["kind"], "reversed");
    assert_eq!(ledger[0]["points"], -503);
    assert_eq!(ledger[0]["creditNoteId"], note);
    assert_eq!(ledger[1]["unspent"], 503, "taken from the earning itself");
    // The other line too: the rest, none left behind.
    json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(1)], "reason": "Changed mind", "settlement": "store_credit"}),
        )
        .await,
        201,
    )
    .await;
    let standing = points_until(&app, &owner, &buyer, 0).await;
    assert_eq!(standing["qualifyingPoints"], 0, "{standing}");

    // Earned, spent by hand, then the bill cancelled: the balance goes
    // below zero and the next bill makes it up.
    let third = piece(&app, &owner, &branch, "GN-C", "3.390").await;
    let cancelled = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": third["id"]}]}),
    )
    .await;
    json_of(
        post(&app, &owner, &issue_path(&cancelled), json!({})).await,
        200,
    )
    .await;
    points_until(&app, &owner, &buyer, 503).await;
    json_of(
        post(
            &app,
            &owner,
            &format!("{}/adjustments", points_path(&buyer)),
            json!({"points": -503, "reason": "Spent at the counter"}),
        )
        .await,
        201,
    )
    .await;
    points_until(&app, &owner, &buyer, 0).await;
    json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&cancelled)),
            json!({"reason": "Entered twice"}),
        )
        .await,
        200,
    )
    .await;
    let standing = points_until(&app, &owner, &buyer, -503).await;
    assert_eq!(standing["available"], -503);
    assert_eq!(standing["value"], "0.00");
    sell_necklace(&app, &owner, &owner, &branch, &buyer, "GN-D").await;
    let standing = points_until(&app, &owner, &buyer, 0).await;
    assert_eq!(standing["available"], 0);
    let ledger = entries_until(&app, &owner, &buyer, 7).await;
    assert_eq!(ledger[0]["kind"], "earned");
    assert_eq!(ledger[0]["points"], 503);
    assert_eq!(
        ledger[0]["unspent"], 0,
        "it made up what was owed: {ledger:?}"
    );
    balance_is_the_ledger(&app, &owner, &buyer).await;
}

async fn points_pay_within_the_cap_and_two_bills_cannot_spend_the_same_points(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let buyer = customer(&app, &owner, "9876543210", None).await;
    let newcomer = customer(&app, &owner, "9123456780", None).await;
    for (who, points) in [(&buyer, 3000), (&newcomer, 200)] {
        let path = format!("{}/adjustments", points_path(who));
        json_of(
            post(
                &app,
                &owner,
                &path,
                json!({"points": points, "reason": "Opening balance"}),
            )
            .await,
            201,
        )
        .await;
    }
    let bill = ten_thousand(&app, &owner, &branch, &buyer).await;
    let pay_at_issue = |amount: &str| json!({"payments": [{"method": "points", "amount": amount}]});

    // 3,000 points on a 10,000.00 bill: beyond the 20% cap of 2,000.00.
    let over = json_of(
        post(&app, &owner, &issue_path(&bill), pay_at_issue("3000.00")).await,
        422,
    )
    .await;
    assert_eq!(fields(&over), ["payments[0].amount"], "{over}");
    assert_eq!(over["errors"][0]["code"], "over_cap");
    let part = json_of(
        post(&app, &owner, &issue_path(&bill), pay_at_issue("300.50")).await,
        422,
    )
    .await;
    assert_eq!(part["errors"][0]["code"], "whole_points");
    // 300 points: 300.00 off as a payment.
    let issued = json_of(
        post(
            &app,
            &owner,
            &issue_path(&bill),
            json!({"payments": [{"method": "points", "amount": "300.00"},
                                {"method": "cash", "amount": "9700.00"}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(issued["status"], "paid");
    // The bill earns too: 9,523.81 taxable, 95 points, pending.
    let standing = points_until(&app, &owner, &buyer, 3000 - 300 + 95).await;
    assert_eq!(standing["available"], 2700);
    assert_eq!(standing["firstRedemptionMinimum"], 0, "spent before");
    let ledger = entries(&app, &owner, &buyer).await;
    let spent: Vec<&Value> = ledger.iter().filter(|e| e["kind"] == "redeemed").collect();
    assert_eq!(spent.len(), 1, "{ledger:?}");
    assert_eq!(spent[0]["points"], -300);
    assert_eq!(spent[0]["invoiceId"], issued["id"]);

    // A first spending needs 250 points held.
    let small = ten_thousand(&app, &owner, &branch, &newcomer).await;
    let below = json_of(
        post(&app, &owner, &issue_path(&small), pay_at_issue("100.00")).await,
        422,
    )
    .await;
    assert_eq!(below["errors"][0]["code"], "below_first_minimum", "{below}");

    // Two bills spend 2,000 of the same 2,700 points at once: one wins.
    let mut bills = Vec::new();
    for _ in 0..2 {
        let bill = ten_thousand(&app, &owner, &branch, &buyer).await;
        json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 200).await;
        bills.push(bill);
    }
    let paths: Vec<String> = bills
        .iter()
        .map(|bill| format!("/api/v1/invoices/{}/payments", id_of(bill)))
        .collect();
    let paying = join_all(paths.iter().map(|path| {
        post(
            &app,
            &owner,
            path,
            json!({"payments": [{"method": "points", "amount": "2000.00"}]}),
        )
    }))
    .await;
    let mut statuses: Vec<u16> = paying.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422]);
    let standing = json_of(get(&app, &owner, &points_path(&buyer)).await, 200).await;
    assert_eq!(standing["available"], 700);

    // Cancelled, the first bill gives its 300 points back and takes back
    // the 95 it earned: 700 + 300 available, 95 pending from each of the
    // two other bills.
    json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&issued)),
            json!({"reason": "Entered on the wrong customer"}),
        )
        .await,
        200,
    )
    .await;
    let standing = points_until(&app, &owner, &buyer, 1000 + 190).await;
    assert_eq!(standing["available"], 1000);
    assert_eq!(balance_is_the_ledger(&app, &owner, &buyer).await, 1190);
}
