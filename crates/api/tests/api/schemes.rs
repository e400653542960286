//! Savings schemes over HTTP: the owner defines plans (never more than 11
//! monthly instalments: every advance is redeemed within 365 days); staff
//! enrol customers at their branch and take instalments, one a period,
//! each with a receipt number without gaps per branch and financial year
//! (two racing for one period: one wins, and the loser takes no number);
//! a retry with the same Idempotency-Key replays the receipt; a weight
//! plan books grams at the day's rate; the passbook; branch and `/me`
//! scope.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::billing::{customer, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(
    amount_plan_instalments_take_receipts_without_gaps_one_a_period,
    a_weight_plan_books_grams_at_the_days_rate,
    advances_from_the_plans_threshold_need_the_customers_pan,
);

fn eleven_of_5000() -> Value {
    json!({"name": "Swarna 11", "kind": "amount", "instalments": 11, "amount": "5000.00"})
}

pub(crate) async fn plan(app: &TestApp, owner: &str, body: Value) -> Value {
    json_of(post(app, owner, "/api/v1/scheme-plans", body).await, 201).await
}

/// Enrols `who` in `plan` at `branch` as `token`: the passbook.
pub(crate) async fn enrol(
    app: &TestApp,
    token: &str,
    plan: &Value,
    who: &Value,
    branch: &Value,
) -> Value {
    json_of(
        post(
            app,
            token,
            "/api/v1/scheme-enrolments",
            json!({"planId": plan["id"], "customerId": who["id"], "branchId": branch["id"],
                   "nomineeName": "Arun Sundaram", "nomineeRelation": "son"}),
        )
        .await,
        201,
    )
    .await
}

pub(crate) fn instalments_path(enrolment: &Value) -> String {
    format!("/api/v1/scheme-enrolments/{}/instalments", id_of(enrolment))
}

async fn instalment(
    app: &TestApp,
    token: &str,
    enrolment: &Value,
    body: Value,
) -> reqwest::Response {
    post(app, token, &instalments_path(enrolment), body).await
}

async fn amount_plan_instalments_take_receipts_without_gaps_one_a_period(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let other = app.open_branch(&owner, "CBE1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&other])
        .await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9123456780", None).await;

    // Twelve monthly instalments would hold the first beyond 365 days.
    let mut twelve = eleven_of_5000();
    twelve["instalments"] = json!(12);
    let refused = json_of(
        post(&app, &owner, "/api/v1/scheme-plans", twelve).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "instalments", "{refused}");
    let refused = post(&app, &sales, "/api/v1/scheme-plans", eleven_of_5000()).await;
    assert_eq!(refused.status(), 403, "the owner defines plans");
    let plan = plan(&app, &owner, eleven_of_5000()).await;
    assert_eq!(plan["terms"]["bonusShare"], "100.00");
    assert_eq!(plan["terms"]["graceDays"], 7);
    assert_eq!(plan["terms"]["redemptionDays"], 30);
    assert_eq!(plan["terms"]["preclosureAfter"], 3);

    let hers = enrol(&app, &sales, &plan, &meena, &branch).await;
    assert_eq!(hers["status"], "active");
    assert_eq!(hers["instalmentsDue"], 11);
    let started: chrono::DateTime<chrono::Utc> = hers["startedAt"]
        .as_str()
        .expect("at")
        .parse()
        .expect("startedAt");
    let matures: chrono::DateTime<chrono::Utc> = hers["maturesAt"]
        .as_str()
        .expect("at")
        .parse()
        .expect("maturesAt");
    let last: chrono::DateTime<chrono::Utc> = hers["lastRedemptionAt"]
        .as_str()
        .expect("at")
        .parse()
        .expect("lastRedemptionAt");
    assert_eq!(
        matures,
        started
            .checked_add_months(chrono::Months::new(11))
            .expect("a day")
    );
    assert!(
        last > matures && last <= started + chrono::Duration::days(365),
        "{hers}"
    );
    let refused = json_of(
        post(
            &app,
            &elsewhere,
            "/api/v1/scheme-enrolments",
            json!({"planId": plan["id"], "customerId": ravi["id"], "branchId": branch["id"],
                   "nomineeName": "Lakshmi", "nomineeRelation": "wife"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "branchId", "{refused}");

    // Not the plan's amount; then two instalments race for the first period.
    let wrong = json_of(
        instalment(
            &app,
            &sales,
            &hers,
            json!({"amount": "4999.00", "method": "cash"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(wrong["errors"][0]["field"], "amount", "{wrong}");
    let path = instalments_path(&hers);
    let answers = join_all((0..2).map(|_| {
        post(
            &app,
            &sales,
            &path,
            json!({"amount": "5000.00", "method": "upi", "reference": "UPI 1"}),
        )
    }))
    .await;
    let mut statuses = Vec::new();
    let mut receipt = Value::Null;
    for answer in answers {
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.expect("JSON");
        match status {
            201 => receipt = body,
            409 => assert_eq!(body["errors"][0]["field"], "period", "{body}"),
            _ => {}
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(receipt["period"], 1);
    let number = receipt["receiptNumber"].as_str().expect("number");
    assert!(
        number.starts_with("MDS1/SCH/") && number.ends_with("/000001"),
        "{number}"
    );

    // The next receipt of the branch is the next number: the loser took none.
    let his = enrol(&app, &owner, &plan, &ravi, &branch).await;
    let send = |key: &'static str| {
        let request = app
            .client
            .post(app.url(&instalments_path(&his)))
            .bearer_auth(&sales)
            .header("Idempotency-Key", key)
            .json(&json!({"amount": "5000.00", "method": "cash"}));
        async move { request.send().await.expect("sent") }
    };
    let first: Value = json_of(send("sch-1").await, 201).await;
    assert!(
        first["receiptNumber"]
            .as_str()
            .expect("number")
            .ends_with("/000002")
    );
    let replay = send("sch-1").await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(
        json_of(replay, 201).await["receiptNumber"],
        first["receiptNumber"]
    );

    // The passbook: one of 11 paid, the bonus it earns so far.
    let book = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/scheme-enrolments/{}", id_of(&hers)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(book["instalmentsPaid"], 1);
    assert_eq!(book["paid"], "5000.00");
    assert_eq!(book["bonus"], "454.55", "5,000.00 x 1/11");
    assert_eq!(book["periodsMissed"], 0);
    assert_eq!(
        book["instalments"][0]["receiptNumber"],
        receipt["receiptNumber"]
    );
    assert!(book["daysLeft"].as_i64().expect("days") >= 333, "{book}");

    // Staff of another branch see none of it.
    let path = format!("/api/v1/scheme-enrolments/{}", id_of(&hers));
    assert_eq!(get(&app, &elsewhere, &path).await.status(), 404);
    let refused = instalment(
        &app,
        &elsewhere,
        &hers,
        json!({"amount": "5000.00", "method": "cash"}),
    )
    .await;
    assert_eq!(refused.status(), 404);
    let theirs = json_of(
        get(&app, &elsewhere, "/api/v1/scheme-enrolments").await,
        200,
    )
    .await;
    assert_eq!(theirs["items"], json!([]));

    // A customer reads only their own passbook.
    let her_token = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let mine = json_of(get(&app, &her_token, "/api/v1/me/schemes").await, 200).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["items"][0]["id"], hers["id"]);
    assert_eq!(mine["items"][0]["instalments"][0]["period"], 1);
    assert_eq!(get(&app, &her_token, &path).await.status(), 403);
    assert_eq!(get(&app, &owner, "/api/v1/me/schemes").await.status(), 403);

    // Told in the event feed: two enrolments, two instalments received.
    let types = "&types=scheme.enrolled,scheme.instalment_received";
    let told = crate::events::feed_of_at_least(&app, &owner, types, 4).await;
    let received: Vec<&Value> = told
        .iter()
        .filter(|e| e["type"] == "scheme.instalment_received")
        .collect();
    assert_eq!(received.len(), 2, "{told:?}");
    assert_eq!(
        received[0]["data"]["receiptNumber"],
        receipt["receiptNumber"]
    );
    assert_eq!(received[0]["data"]["enrolmentId"], hers["id"]);
    assert_eq!(received[0]["branchId"], branch["id"]);
    assert_eq!(received[1]["data"]["period"], 1);
    assert_eq!(
        told.iter()
            .filter(|e| e["type"] == "scheme.enrolled")
            .count(),
        2
    );
}

async fn a_weight_plan_books_grams_at_the_days_rate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let body = json!({"name": "Gold 22K by weight", "kind": "weight", "instalments": 11,
                      "amount": "1000.00", "step": "500.00"});
    let refused = json_of(
        post(&app, &owner, "/api/v1/scheme-plans", body.clone()).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "metal", "{refused}");
    let mut with_metal = body;
    with_metal["metal"] = json!("gold");
    with_metal["fineness"] = json!(916);
    let plan = plan(&app, &owner, with_metal).await;
    let enrolment = enrol(&app, &owner, &plan, &meena, &branch).await;

    for (body, field, code) in [
        (
            json!({"amount": "1250.00", "method": "upi"}),
            "amount",
            "instalment",
        ),
        (
            json!({"amount": "200000.00", "method": "cash"}),
            "amount",
            "cash_limit",
        ),
        (
            json!({"amount": "5000.00", "method": "bank_transfer"}),
            "reference",
            "required",
        ),
    ] {
        let refused = json_of(instalment(&app, &owner, &enrolment, body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
        assert_eq!(refused["errors"][0]["code"], code, "{refused}");
    }
    let booked = json_of(
        instalment(
            &app,
            &owner,
            &enrolment,
            json!({"amount": "5000.00", "method": "card", "reference": "slip 7"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(booked["weight"], "0.390", "5,000.00 at 12,800.00 a gram");
    assert_eq!(booked["rate"], "12800.00");
    let book = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/scheme-enrolments/{}", id_of(&enrolment)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(book["kind"], "weight");
    assert_eq!(book["weight"], "0.390");
    assert_eq!(book["bonus"], "0.00");
}

async fn advances_from_the_plans_threshold_need_the_customers_pan(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let lakshmi = customer(&app, &owner, "9123456780", Some("ABCDE1234F")).await;

    // 11 x 20,000.00 reaches the default threshold of 2,00,000.00.
    let large = json!({"name": "Swarna 20", "kind": "amount", "instalments": 11,
                       "amount": "20000.00"});
    let large = plan(&app, &owner, large).await;
    assert_eq!(large["terms"]["panFrom"], "200000.00", "{large}");
    let body = |who: &Value| {
        json!({"planId": large["id"], "customerId": who["id"], "branchId": branch["id"],
               "nomineeName": "Arun Sundaram", "nomineeRelation": "son"})
    };
    let refused = json_of(
        post(&app, &owner, "/api/v1/scheme-enrolments", body(&meena)).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "customerId", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "pan_required", "{refused}");
    enrol(&app, &owner, &large, &lakshmi, &branch).await;

    // A weight plan's instalments vary: the one that reaches it is refused.
    let weight = json!({"name": "Gold by weight", "kind": "weight", "instalments": 11,
                        "amount": "1000.00", "metal": "gold", "fineness": 916,
                        "panFrom": "10000.00"});
    let weight = plan(&app, &owner, weight).await;
    let enrolment = enrol(&app, &owner, &weight, &meena, &branch).await;
    let body = json!({"amount": "10000.00", "method": "upi", "reference": "UPI 1"});
    let refused = json_of(instalment(&app, &owner, &enrolment, body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "amount", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "pan_required", "{refused}");
    let body = json!({"amount": "9999.00", "method": "upi", "reference": "UPI 2"});
    json_of(instalment(&app, &owner, &enrolment, body).await, 201).await;
}
