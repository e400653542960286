//! Savings schemes at maturity and before, over HTTP, with time moved on by
//! ageing an enrolment (its start and its instalments a month earlier at a
//! time, so every period is paid in its own month): 11 instalments of
//! 5,000.00 on time redeem for 60,000.00 against jewellery only, in part
//! (two bills racing for it: one wins),
//! never as money back; cancelling the bill gives it back; the liabilities
//! report holds the advance by branch and maturity month; an enrolment is
//! closed early after its threshold with its advance refunded without bonus;
//! a weight plan redeems its grams at the rate of the day it is redeemed;
//! one not redeemed in its window is owed a refund and listed so.

use chrono::{DateTime, Months, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{id_of, sell_necklace};
use crate::on_both_backends;
use crate::schemes::{enrol, instalments_path, plan};

on_both_backends!(
    a_matured_scheme_pays_for_jewellery_in_part_and_a_cancel_gives_it_back,
    an_enrolment_closes_early_after_its_threshold_without_bonus,
    a_weight_plan_redeems_its_grams_at_the_days_rate,
    an_enrolment_not_redeemed_in_its_window_is_listed_for_refund,
);

/// Moves an enrolment a month into its past: its start and its
/// instalments' acceptance, as if a month had gone by.
pub(crate) async fn age(app: &TestApp, enrolment: &Value) {
    let db = app.state.database.connection();
    let backend = db.get_database_backend();
    let back = |at: DateTime<Utc>| at.checked_sub_months(Months::new(1)).expect("a day");
    let id = id_of(enrolment).to_owned();
    for (table, column, key) in [
        ("scheme_enrolments", "started_at", "id"),
        ("scheme_instalments", "accepted_at", "enrolment_id"),
    ] {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT id, {column} AS at FROM {table} WHERE {key} = ?"),
                [id.clone().into()],
            ))
            .await
            .expect("read");
        for row in rows {
            let row_id: String = row.try_get("", "id").expect("id");
            let at: DateTime<Utc> = row.try_get("", "at").expect("at");
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!("UPDATE {table} SET {column} = ? WHERE id = ?"),
                [back(at).into(), row_id.into()],
            ))
            .await
            .expect("aged");
        }
    }
}

pub(crate) async fn setup(backend: Backend) -> (TestApp, String, Value, Value, Value) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let body = json!({"name": "Swarna 11", "kind": "amount", "instalments": 11,
                      "amount": "5000.00", "graceDays": 0});
    let plan = plan(&app, &owner, body).await;
    (app, owner, branch, meena, plan)
}

/// Pays `count` instalments, a month apart (the last left in its month).
pub(crate) async fn pay_months(app: &TestApp, token: &str, enrolment: &Value, count: usize) {
    let path = instalments_path(enrolment);
    for month in 0..count {
        if month > 0 {
            age(app, enrolment).await;
        }
        let paid = json_of(
            post(
                app,
                token,
                &path,
                json!({"amount": "5000.00", "method": "cash"}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(paid["period"], month + 1, "{paid}");
    }
}

/// Pays `amount` of `bill` from `enrolment`, expecting `status`: the answer.
async fn from_scheme(
    app: &TestApp,
    token: &str,
    bill: &Value,
    amount: &str,
    enrolment: &Value,
    status: u16,
) -> Value {
    let path = format!("/api/v1/invoices/{}/payments", id_of(bill));
    let body =
        json!({"payments": [{"method": "scheme", "amount": amount, "reference": enrolment["id"]}]});
    json_of(post(app, token, &path, body).await, status).await
}

pub(crate) async fn book(app: &TestApp, token: &str, enrolment: &Value) -> Value {
    let path = format!("/api/v1/scheme-enrolments/{}", id_of(enrolment));
    json_of(get(app, token, &path).await, 200).await
}

async fn advances(app: &TestApp, token: &str) -> Value {
    json_of(get(app, token, "/api/v1/reports/liabilities").await, 200).await["schemeAdvances"]
        .clone()
}

async fn a_matured_scheme_pays_for_jewellery_in_part_and_a_cancel_gives_it_back(backend: Backend) {
    let (app, owner, branch, meena, plan) = setup(backend).await;
    let enrolment = enrol(&app, &owner, &plan, &meena, &branch).await;

    // Before maturity it is not redeemed.
    pay_months(&app, &owner, &enrolment, 1).await;
    let early = sell_necklace(&app, &owner, &owner, &branch, &meena, "GN-0").await;
    let refused = from_scheme(&app, &owner, &early, "5000.00", &enrolment, 422).await;
    assert_eq!(refused["errors"][0]["code"], "not_matured", "{refused}");

    // The rest of the 11 months on time, then maturity.
    for _ in 1..11 {
        age(&app, &enrolment).await;
        let path = instalments_path(&enrolment);
        json_of(
            post(
                &app,
                &owner,
                &path,
                json!({"amount": "5000.00", "method": "upi", "reference": "UPI"}),
            )
            .await,
            201,
        )
        .await;
    }
    age(&app, &enrolment).await;
    let matured = book(&app, &owner, &enrolment).await;
    assert_eq!(matured["instalmentsPaid"], 11, "{matured}");
    assert_eq!(matured["periodsMissed"], 0, "{matured}");
    assert_eq!(matured["paid"], "55000.00");
    assert_eq!(matured["bonus"], "5000.00", "60,000.00 to redeem");
    let held = advances(&app, &owner).await;
    assert_eq!(held["outstanding"], "55000.00", "{held}");
    assert_eq!(held["byBranch"][0]["branchId"], branch["id"]);
    let month = &matured["maturesAt"].as_str().expect("at")[..7];
    assert_eq!(
        held["byMaturityMonth"],
        json!([{"month": month, "outstanding": "55000.00"}])
    );

    // Not for a service, which is no jewellery.
    let service = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": meena["id"],
               "lines": [{"kind": "service", "description": "Polishing", "amount": "1000.00"}]}),
    )
    .await;
    let refused = json_of(
        post(
            &app,
            &owner,
            &issue_path(&service),
            json!({"payments": [{"method": "scheme", "amount": "1000.00", "reference": enrolment["id"]}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["code"], "beyond_jewellery",
        "{refused}"
    );

    // Two worked necklaces, 51,845.00 each, race for the 60,000.00: one is
    // paid from the scheme (8,155.00 left), the other refused.
    let bills = [
        sell_necklace(&app, &owner, &owner, &branch, &meena, "GN-1").await,
        sell_necklace(&app, &owner, &owner, &branch, &meena, "GN-1B").await,
    ];
    let paths: Vec<String> = bills
        .iter()
        .map(|b| format!("/api/v1/invoices/{}/payments", id_of(b)))
        .collect();
    let body = json!({"payments": [{"method": "scheme", "amount": "51845.00",
                                    "reference": enrolment["id"]}]});
    let answers = futures_util::future::join_all(
        paths
            .iter()
            .map(|path| post(&app, &owner, path, body.clone())),
    )
    .await;
    let mut statuses = Vec::new();
    let mut paid = Value::Null;
    for answer in answers {
        let status = answer.status().as_u16();
        let answered: Value = answer.json().await.expect("JSON");
        match status {
            201 => paid = answered,
            _ => assert_eq!(
                answered["errors"][0]["code"], "more_than_held",
                "{answered}"
            ),
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422]);
    assert_eq!(paid["status"], "paid");
    let bill = paid;
    assert_eq!(advances(&app, &owner).await["outstanding"], "3155.00");
    let after = book(&app, &owner, &enrolment).await;
    assert_eq!(after["redeemed"], "51845.00", "{after}");
    assert_eq!(after["valueLeft"], "8155.00", "{after}");
    let too_much = sell_necklace(&app, &owner, &owner, &branch, &meena, "GN-2").await;
    let refused = from_scheme(&app, &owner, &too_much, "8155.01", &enrolment, 422).await;
    assert_eq!(
        refused["errors"][0]["field"], "payments[0].amount",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["code"], "more_than_held", "{refused}");

    // Never money back: returned only as store credit. Cancelled, it comes back.
    let refused = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}/returns", id_of(&bill)),
            json!({"lineIds": [bill["lines"][0]["id"]], "reason": "Changed mind",
                   "settlement": "refund", "refundMethod": "cash"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "scheme_paid", "{refused}");
    json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&bill)),
            json!({"reason": "Billed by mistake"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(advances(&app, &owner).await["outstanding"], "55000.00");
}

async fn an_enrolment_closes_early_after_its_threshold_without_bonus(backend: Backend) {
    let (app, owner, branch, meena, plan) = setup(backend).await;
    let enrolment = enrol(&app, &owner, &plan, &meena, &branch).await;
    let closure = format!("/api/v1/scheme-enrolments/{}/closure", id_of(&enrolment));
    pay_months(&app, &owner, &enrolment, 1).await;
    let refused = json_of(
        post(&app, &owner, &closure, json!({"refundMethod": "upi"})).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "too_early", "{refused}");
    for _ in 1..3 {
        age(&app, &enrolment).await;
        let path = instalments_path(&enrolment);
        json_of(
            post(
                &app,
                &owner,
                &path,
                json!({"amount": "5000.00", "method": "cash"}),
            )
            .await,
            201,
        )
        .await;
    }
    assert_eq!(advances(&app, &owner).await["outstanding"], "15000.00");
    let closed = json_of(
        post(
            &app,
            &owner,
            &closure,
            json!({"refundMethod": "upi", "reference": "UPI 7781"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(closed["refund"], "15000.00", "three instalments, no bonus");
    let after = book(&app, &owner, &enrolment).await;
    assert_eq!(after["status"], "closed");
    assert_eq!(after["refunded"], "15000.00");
    assert_eq!(after["valueLeft"], "0.00");
    let path = instalments_path(&enrolment);
    let refused = json_of(
        post(
            &app,
            &owner,
            &path,
            json!({"amount": "5000.00", "method": "cash"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "status", "{refused}");
    let held = advances(&app, &owner).await;
    assert_eq!(held["outstanding"], "0.00", "{held}");
    assert_eq!(held["enrolments"], 0);
    let again = json_of(
        post(&app, &owner, &closure, json!({"refundMethod": "cash"})).await,
        422,
    )
    .await;
    assert_eq!(again["errors"][0]["field"], "enrolment", "{again}");
}

async fn a_weight_plan_redeems_its_grams_at_the_days_rate(backend: Backend) {
    let (app, owner, branch, meena, _) = setup(backend).await;
    let body = json!({"name": "Gold in a month", "kind": "weight", "instalments": 1,
                      "amount": "1000.00", "metal": "gold", "fineness": 916});
    let plan = plan(&app, &owner, body).await;
    let enrolment = enrol(&app, &owner, &plan, &meena, &branch).await;
    pay_months(&app, &owner, &enrolment, 1).await;
    age(&app, &enrolment).await;
    // Gold went up: the 0.390 g booked at 12,800.00 are worth 5,070.00 now.
    set_rate(&app, &owner, "gold", 916, "13000.00").await;
    assert_eq!(book(&app, &owner, &enrolment).await["valueLeft"], "5070.00");
    let bill = sell_necklace_at_the_new_rate(&app, &owner, &branch, &meena).await;
    let refused = from_scheme(&app, &owner, &bill, "5070.01", &enrolment, 422).await;
    assert_eq!(refused["errors"][0]["code"], "more_than_held", "{refused}");
    from_scheme(&app, &owner, &bill, "5070.00", &enrolment, 201).await;
    let after = book(&app, &owner, &enrolment).await;
    assert_eq!(after["status"], "redeemed", "{after}");
    assert_eq!(advances(&app, &owner).await["outstanding"], "0.00");
}

/// A necklace of 3.390 g billed (unpaid) at whatever rate is in force.
async fn sell_necklace_at_the_new_rate(
    app: &TestApp,
    owner: &str,
    branch: &Value,
    buyer: &Value,
) -> Value {
    let necklace = crate::billing::piece(app, owner, branch, "GN-9", "3.390").await;
    let bill = draft(
        app,
        owner,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"]}]}),
    )
    .await;
    json_of(post(app, owner, &issue_path(&bill), json!({})).await, 200).await
}

async fn an_enrolment_not_redeemed_in_its_window_is_listed_for_refund(backend: Backend) {
    let (app, owner, branch, meena, _) = setup(backend).await;
    let body = json!({"name": "One month", "kind": "amount", "instalments": 1,
                      "amount": "5000.00", "redemptionDays": 20});
    let plan = plan(&app, &owner, body).await;
    let lapsing = enrol(&app, &owner, &plan, &meena, &branch).await;
    let waiting = enrol(&app, &owner, &plan, &meena, &branch).await;
    pay_months(&app, &owner, &lapsing, 1).await;
    pay_months(&app, &owner, &waiting, 1).await;
    let due = "/api/v1/scheme-enrolments?refundDue=true";
    let listed = json_of(get(&app, &owner, due).await, 200).await;
    assert_eq!(listed["items"], json!([]), "nothing is due yet");

    // Matured a month on, its 20 days over another month on: a refund due.
    age(&app, &lapsing).await;
    age(&app, &lapsing).await;
    let overdue = book(&app, &owner, &lapsing).await;
    assert_eq!(overdue["refundDue"], true, "{overdue}");
    assert_eq!(book(&app, &owner, &waiting).await["refundDue"], false);
    let listed = json_of(get(&app, &owner, due).await, 200).await;
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, [&lapsing["id"]], "{listed}");

    // Closed with its advance paid back, it is owed nothing more.
    let closure = format!("/api/v1/scheme-enrolments/{}/closure", id_of(&lapsing));
    let closed = json_of(
        post(&app, &owner, &closure, json!({"refundMethod": "cash"})).await,
        200,
    )
    .await;
    assert_eq!(closed["refund"], "5000.00", "{closed}");
    let listed = json_of(get(&app, &owner, due).await, 200).await;
    assert_eq!(listed["items"], json!([]), "{listed}");
    let closed = json_of(
        get(&app, &owner, "/api/v1/scheme-enrolments?status=closed").await,
        200,
    )
    .await;
    assert_eq!(closed["items"][0]["id"], lapsing["id"], "{closed}");
    assert_eq!(closed["items"].as_array().map(Vec::len), Some(1));
}
