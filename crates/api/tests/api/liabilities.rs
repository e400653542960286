//! The liabilities report over HTTP: points (pending and active) and store
//! credit outstanding, each the sum of its ledger; a past day reads only
//! what was made by then; a day to come is 422; sales staff cannot read it.

use serde_json::{Value, json};

use crate::billing::{customer, issue_path, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{
    balance_is_the_ledger, entries_until, points_path, points_until, sell_necklace, ten_thousand,
};
use crate::on_both_backends;
use crate::store_credit::return_as_credit;

on_both_backends!(liabilities_are_the_sums_of_the_ledgers_at_the_end_of_a_day);

async fn report(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    get(app, token, &format!("/api/v1/reports/liabilities{query}")).await
}

async fn liabilities_are_the_sums_of_the_ledgers_at_the_end_of_a_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let (_, accountant) = app
        .hire(
            &owner,
            "ravi.acc@example-jeweller.in",
            "accountant",
            &[&branch],
        )
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9123456780", None).await;

    // Meena: 3,000 points by hand, then a 10,000.00 bill returned as store
    // credit (its 95 points earned and taken back).
    json_of(
        post(
            &app,
            &owner,
            &format!("{}/adjustments", points_path(&meena)),
            json!({"points": 3000, "reason": "Opening balance"}),
        )
        .await,
        201,
    )
    .await;
    let bill = ten_thousand(&app, &owner, &branch, &meena).await;
    json_of(
        post(
            &app,
            &owner,
            &issue_path(&bill),
            json!({"payments": [{"method": "upi", "amount": "10000.00", "reference": "UPI 7"}]}),
        )
        .await,
        200,
    )
    .await;
    return_as_credit(&app, &owner, &bill).await;
    entries_until(&app, &owner, &meena, 3).await;
    // Ravi: the worked necklace's 503 points, pending.
    sell_necklace(&app, &owner, &sales, &branch, &ravi, "GN-1").await;
    points_until(&app, &owner, &ravi, 503).await;
    let sums = balance_is_the_ledger(&app, &owner, &meena).await
        + balance_is_the_ledger(&app, &owner, &ravi).await;

    let now = json_of(report(&app, &accountant, "").await, 200).await;
    let points = &now["points"];
    assert_eq!(points["outstanding"], 3503, "{now}");
    assert_eq!(
        points["outstanding"].as_i64().expect("points")
            + points["overdrawn"].as_i64().expect("points"),
        sums
    );
    assert_eq!(points["pending"], 503, "{now}");
    assert_eq!(points["active"], 3000, "{now}");
    assert_eq!(points["customers"], 2, "{now}");
    assert_eq!(points["value"], "3503.00", "{now}");
    assert_eq!(now["storeCredit"]["outstanding"], "10000.00", "{now}");
    assert_eq!(now["storeCredit"]["customers"], 1, "{now}");
    assert_eq!(now["total"], "13503.00", "{now}");

    // Yesterday nothing was owed; tomorrow is not yet.
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().expect("a day");
    let before = json_of(
        report(&app, &owner, &format!("?asOf={yesterday}")).await,
        200,
    )
    .await;
    assert_eq!(before["points"]["outstanding"], 0, "{before}");
    assert_eq!(before["storeCredit"]["outstanding"], "0.00", "{before}");
    assert_eq!(before["total"], "0.00", "{before}");
    let same_day = json_of(report(&app, &owner, &format!("?asOf={today}")).await, 200).await;
    assert_eq!(same_day["total"], "13503.00", "{same_day}");
    let tomorrow = today.succ_opt().expect("a day");
    let refused: Value = json_of(
        report(&app, &owner, &format!("?asOf={tomorrow}")).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "asOf", "{refused}");

    // Not for the counter.
    assert_eq!(report(&app, &sales, "").await.status(), 403);
}
