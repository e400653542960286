//! Selling's guards: cash at the limit and a large bill without PAN refused, a\ndiscount beyond the role's limit waiting for a manager, cancelling that\nputs the stock back, unseen by other branches.

use crate::billing::{
    customer, draft, error_codes, issue_path, payments_path, piece, set_rate, this_financial_year,
};
use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    cash_at_the_limit_and_a_large_bill_without_pan_are_refused,
    a_discount_beyond_the_role_limit_waits_for_a_manager,
    cancelling_puts_the_stock_back_and_other_branches_see_nothing,
);

async fn cash_at_the_limit_and_a_large_bill_without_pan_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    // 20.000 g: 256,000.00 metal + 40,960.00 making = 296,960.00 taxable,
    // 8,908.80 tax: 305,868.80, billed 305,869.00. Above 2,00,000.
    let bangle = piece(&app, &owner, &branch, "BG-1", "20.000").await;
    let lines = json!([{"kind": "piece", "pieceId": bangle["id"]}]);

    let walk_in = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "lines": lines}),
    )
    .await;
    assert_eq!(walk_in["total"], "305869.00");
    let refused = json_of(
        post(&app, &owner, &issue_path(&walk_in), json!({})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("customerId".to_owned(), "pan_required".to_owned())]
    );

    let no_pan = customer(&app, &owner, "9876543210", None).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": no_pan["id"], "lines": lines}),
    )
    .await;
    let refused = json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 422).await;
    assert_eq!(
        error_codes(&refused),
        vec![("customerId".to_owned(), "pan_required".to_owned())]
    );

    let with_pan = customer(&app, &owner, "9876543211", Some("ABCDE1234F")).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": with_pan["id"], "lines": lines}),
    )
    .await;
    // Cash at the limit, even split in two, is refused; nothing is stored.
    let at_limit = json!({"payments": [{"method": "cash", "amount": "150000.00"},
                                       {"method": "cash", "amount": "50000.00"}]});
    let refused = json_of(post(&app, &owner, &issue_path(&bill), at_limit).await, 422).await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "cash_limit".to_owned())]
    );
    let still = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["status"], "draft");
    assert_eq!(still["number"], Value::Null);

    let issued = json_of(
        post(
            &app,
            &owner,
            &issue_path(&bill),
            json!({"payments": [{"method": "cash", "amount": "199999.00"}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(issued["balance"], "105870.00");
    // One more rupee of cash reaches the limit for this bill.
    let refused = json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "cash", "amount": "1.00"}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "cash_limit".to_owned())]
    );
    // More than the balance is refused; a cheque needs its number.
    let refused = json_of(
        post(&app, &owner, &payments_path(&bill), json!({"payments": [{"method": "bank_transfer", "amount": "105870.01", "reference": "NEFT-1"}]})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "more_than_due".to_owned())]
    );
    let refused = json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "cheque", "amount": "100.00"}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments[0].reference".to_owned(), "required".to_owned())]
    );
    let paid = json_of(
        post(&app, &owner, &payments_path(&bill), json!({"payments": [{"method": "cheque", "amount": "105870.00", "reference": "000123"}]})).await,
        201,
    )
    .await;
    assert_eq!(paid["status"], "paid");
}

async fn a_discount_beyond_the_role_limit_waits_for_a_manager(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let (manager, manager_token) = app
        .hire(&owner, "kumar@example-jeweller.in", "manager", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let necklace = piece(&app, &owner, &branch, "GN-1", "3.390").await;

    // 10% off making is 694.27 of 50,334.72: 1.38%, within the 2% of sales.
    let small = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"],
                          "discount": {"on": "making", "percent": "10"}}]}),
    )
    .await;
    assert_eq!(small["lines"][0]["discount"], "694.27");
    assert_eq!(small["taxableValue"], "49640.45");
    assert_eq!(small["approvalNeeded"], false);

    // 5% of the value is beyond it.
    let large = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "lines": [{"kind": "piece", "pieceId": necklace["id"]}],
               "discount": {"on": "value", "percent": "5"}}),
    )
    .await;
    assert_eq!(large["discountTotal"], "2516.74");
    assert_eq!(large["approvalNeeded"], true);
    let waiting = json_of(
        post(&app, &sales, &issue_path(&large), json!({})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&waiting),
        vec![("discount".to_owned(), "approval_needed".to_owned())]
    );
    // Too large to be real: refused, not stored wrapped around.
    let huge = json_of(
        post(&app, &sales, "/api/v1/invoices",
             json!({"branchId": branch["id"],
                    "lines": [{"kind": "service", "description": "Gold bar", "amount": "9999999999999.00"}]})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&huge),
        vec![("lines".to_owned(), "too_large".to_owned())]
    );
    // Sales may discard a draft of theirs; not an issued bill.
    let discarded = json_of(
        post(
            &app,
            &sales,
            &format!(
                "/api/v1/invoices/{}/cancel",
                small["id"].as_str().expect("id")
            ),
            json!({"reason": "Customer left"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(discarded["status"], "cancelled");
    assert_eq!(discarded["number"], Value::Null);
    let approval = format!(
        "/api/v1/invoices/{}/discount-approval",
        large["id"].as_str().expect("id")
    );
    json_of(post(&app, &sales, &approval, json!({})).await, 403).await;
    let approved = json_of(post(&app, &manager_token, &approval, json!({})).await, 200).await;
    assert_eq!(approved["approvedBy"], manager["id"]);
    let issued = json_of(
        post(&app, &sales, &issue_path(&large), json!({})).await,
        200,
    )
    .await;
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["approvedBy"], manager["id"]);

    // A discount above what it is taken from names its place.
    let refused = json_of(
        post(
            &app,
            &sales,
            "/api/v1/invoices",
            json!({"branchId": branch["id"],
                   "lines": [{"kind": "service", "description": "Engraving", "amount": "300.00",
                              "discount": {"on": "value", "amount": "300.01"}}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].discount".to_owned(), "too_large".to_owned())]
    );
}

async fn cancelling_puts_the_stock_back_and_other_branches_see_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&chennai])
        .await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "manager", &[&madurai])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let ring = piece(&app, &owner, &chennai, "RG-9", "4.250").await;

    // Another branch's piece is not on offer; another branch's bill is not found.
    let refused = json_of(
        post(
            &app,
            &elsewhere,
            "/api/v1/invoices",
            json!({"branchId": madurai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].pieceId".to_owned(), "not_found".to_owned())]
    );
    let bill = draft(
        &app,
        &sales,
        json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
    )
    .await;
    let path = format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id"));
    json_of(get(&app, &elsewhere, &path).await, 404).await;
    json_of(
        post(&app, &elsewhere, &issue_path(&bill), json!({})).await,
        404,
    )
    .await;
    let listed = json_of(get(&app, &elsewhere, "/api/v1/invoices").await, 200).await;
    assert_eq!(listed["items"], json!([]));
    json_of(
        post(
            &app,
            &elsewhere,
            "/api/v1/invoices",
            json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
        )
        .await,
        422,
    )
    .await;

    let issued = json_of(
        post(
            &app,
            &sales,
            &issue_path(&bill),
            json!({"payments": [{"method": "upi", "amount": "5000.00"}]}),
        )
        .await,
        200,
    )
    .await;
    // Sales may not cancel; a manager of the branch may, with a reason.
    let cancel = format!("{path}/cancel");
    json_of(
        post(&app, &sales, &cancel, json!({"reason": "wrong ring"})).await,
        403,
    )
    .await;
    json_of(
        post(&app, &elsewhere, &cancel, json!({"reason": "wrong ring"})).await,
        404,
    )
    .await;
    let empty = json_of(
        post(&app, &owner, &cancel, json!({"reason": " "})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&empty),
        vec![("reason".to_owned(), "length".to_owned())]
    );
    let cancelled = json_of(
        post(
            &app,
            &owner,
            &cancel,
            json!({"reason": "Billed the wrong ring"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["number"], issued["number"]);
    assert_eq!(cancelled["refundDue"], "5000.00");
    assert_eq!(cancelled["balance"], "0.00");
    let back = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/pieces/{}", ring["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(back["status"], "in_stock");
    json_of(
        post(&app, &owner, &cancel, json!({"reason": "again"})).await,
        409,
    )
    .await;
    // The ring can be sold again, on the next number.
    let again = draft(
        &app,
        &sales,
        json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
    )
    .await;
    let resold = json_of(
        post(&app, &sales, &issue_path(&again), json!({})).await,
        200,
    )
    .await;
    assert_eq!(
        resold["number"],
        format!("MDS1/{}/000002", this_financial_year())
    );
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(counts.get(chennai["id"].as_str().expect("id")), Some(&0));
}
