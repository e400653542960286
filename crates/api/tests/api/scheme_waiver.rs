//! A savings plan whose bonus is a making-charge waiver, over HTTP: a
//! matured enrolment's draft takes the plan's share of the making charge
//! off its jewellery (the worked necklace: 50% of 6,942.72 waived, GST on
//! what is left), with no other discount and no manager's approval; only
//! the enrolled customer's drafts take it, never a quote; and the bill is
//! issued only when that scheme pays it.

use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path, piece};
use crate::helpers::{Backend, get, json_of, post};
use crate::loyalty::id_of;
use crate::on_both_backends;
use crate::scheme_redemption::{age, book, pay_months, setup};
use crate::schemes::enrol;

on_both_backends!(a_making_waiver_plan_waives_making_on_the_bills_it_pays);

async fn a_making_waiver_plan_waives_making_on_the_bills_it_pays(backend: Backend) {
    let (app, owner, branch, meena, _) = setup(backend).await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let fields = json!({"name": "Making free 11", "kind": "amount", "instalments": 11,
                        "amount": "5000.00", "graceDays": 0, "makingWaiver": "50"});
    let mut both = fields.clone();
    both["bonusShare"] = json!("100");
    let refused = json_of(post(&app, &owner, "/api/v1/scheme-plans", both).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "makingWaiver", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "with_bonus", "{refused}");
    let plan = json_of(
        post(&app, &owner, "/api/v1/scheme-plans", fields).await,
        201,
    )
    .await;
    assert_eq!(plan["terms"]["makingWaiver"], "50.00", "{plan}");
    assert_eq!(
        plan["terms"]["bonusShare"], "0.00",
        "no bonus beside a waiver"
    );

    let enrolment = enrol(&app, &sales, &plan, &meena, &branch).await;
    let necklace = piece(&app, &owner, &branch, "GN-W1", "3.390").await;
    let line = json!([{"kind": "piece", "pieceId": necklace["id"]}]);
    let waived = json!({"branchId": branch["id"], "customerId": meena["id"], "lines": line,
                        "schemeEnrolmentId": enrolment["id"]});
    // Not before maturity.
    pay_months(&app, &sales, &enrolment, 1).await;
    let early = json_of(
        post(&app, &sales, "/api/v1/invoices", waived.clone()).await,
        422,
    )
    .await;
    assert_eq!(early["errors"][0]["field"], "schemeEnrolmentId", "{early}");
    assert_eq!(early["errors"][0]["code"], "not_matured", "{early}");

    for _ in 1..11 {
        age(&app, &enrolment).await;
        let path = format!(
            "/api/v1/scheme-enrolments/{}/instalments",
            id_of(&enrolment)
        );
        let body = json!({"amount": "5000.00", "method": "cash"});
        json_of(post(&app, &sales, &path, body).await, 201).await;
    }
    age(&app, &enrolment).await;
    let matured = book(&app, &sales, &enrolment).await;
    assert_eq!(matured["makingWaiver"], "50.00", "{matured}");
    assert_eq!(matured["bonus"], "0.00", "{matured}");
    assert_eq!(matured["valueLeft"], "55000.00", "{matured}");

    // Not beside another discount, not for another customer, not on a quote.
    let mut discounted = waived.clone();
    discounted["discount"] = json!({"on": "making", "percent": "1"});
    let refused = json_of(
        post(&app, &sales, "/api/v1/invoices", discounted).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "discount", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "with_waiver", "{refused}");
    let arun = customer(&app, &sales, "9876500001", None).await;
    let mut borrowed = waived.clone();
    borrowed["customerId"] = arun["id"].clone();
    let refused = json_of(post(&app, &sales, "/api/v1/invoices", borrowed).await, 422).await;
    assert_eq!(
        refused["errors"][0]["field"], "schemeEnrolmentId",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["code"], "not_found", "{refused}");
    // A quote takes no waiver: it is not a field of a quote.
    let refused = post(&app, &sales, "/api/v1/quotes", waived.clone()).await;
    assert!(refused.status().is_client_error(), "{}", refused.status());
    let refused: serde_json::Value = refused.json().await.expect("problem");
    assert_eq!(
        refused["errors"][0]["field"], "schemeEnrolmentId",
        "{refused}"
    );

    // The worked necklace: making 6,942.72, half of it waived; 3% GST on
    // 46,863.36 is 1,405.90; 48,269.26 rounds to 48,269.00. A sales
    // person's limit is 2%: the plan's waiver needs no approval.
    let bill = draft(&app, &sales, waived).await;
    assert_eq!(bill["schemeEnrolmentId"], enrolment["id"], "{bill}");
    assert_eq!(bill["value"], "50334.72", "{bill}");
    assert_eq!(bill["discountTotal"], "3471.36", "{bill}");
    assert_eq!(bill["taxableValue"], "46863.36", "{bill}");
    assert_eq!(bill["taxTotal"], "1405.90", "{bill}");
    assert_eq!(bill["total"], "48269.00", "{bill}");
    assert_eq!(bill["approvalNeeded"], false, "{bill}");

    // Issued only when that scheme pays it.
    let cash = json!({"payments": [{"method": "cash", "amount": "48269.00"}]});
    let refused = json_of(post(&app, &sales, &issue_path(&bill), cash).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "payments", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "scheme_required", "{refused}");
    let from_it = json!({"payments": [{"method": "scheme", "amount": "48269.00",
                                       "reference": enrolment["id"]}]});
    let issued = json_of(post(&app, &sales, &issue_path(&bill), from_it).await, 200).await;
    assert_eq!(issued["status"], "paid", "{issued}");

    // The passbook lists what was taken out, one by one.
    let after = book(&app, &sales, &enrolment).await;
    assert_eq!(after["valueLeft"], "6731.00", "{after}");
    let settlements: &Vec<Value> = after["settlements"].as_array().expect("settlements");
    assert_eq!(settlements.len(), 1, "{after}");
    assert_eq!(settlements[0]["kind"], "redeemed");
    assert_eq!(settlements[0]["value"], "48269.00");
    assert_eq!(settlements[0]["invoiceId"], issued["id"]);
    let mine = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/invoices/{}", id_of(&issued)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["schemeEnrolmentId"], enrolment["id"]);
}
