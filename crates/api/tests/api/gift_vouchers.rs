//! Gift vouchers over HTTP: sold on a bill as a line without GST or
//! discount and issued when the bill is paid in full; spent in part or
//! whole as payment method `gift_voucher` by its code (as typed: any case,
//! dashes); two bills spending one balance have one winner; cancelling a
//! bill gives back what it spent, and voids an unspent voucher sold on it
//! (a spent one keeps the bill standing); a voucher is never taken back on
//! a return; the balance is always the ledger's sum and the liabilities
//! report owes it; wrong codes are throttled per caller; a customer reads
//! only their own; occasions give a voucher when the programme says so.

use chrono::Datelike;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{id_of, points_path, set_programme, ten_thousand};
use crate::on_both_backends;
use crate::store_credit::{ledger_sum, paise, pay};

on_both_backends!(
    a_voucher_sold_when_paid_spends_in_part_once_and_cancels_give_it_back,
    wrong_codes_are_throttled_per_caller_and_customers_see_only_their_own,
    a_birthday_gives_a_voucher_once_when_the_programme_says_so,
);

/// A draft of one gift voucher of `amount` for `buyer`.
async fn voucher_bill(
    app: &TestApp,
    token: &str,
    branch: &Value,
    buyer: &Value,
    amount: &str,
) -> Value {
    draft(
        app,
        token,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "gift_voucher", "amount": amount}]}),
    )
    .await
}

/// The vouchers sold on `bill`.
async fn sold_on(app: &TestApp, token: &str, bill: &Value) -> Vec<Value> {
    let page = json_of(
        get(
            app,
            token,
            &format!("/api/v1/gift-vouchers?invoiceId={}", id_of(bill)),
        )
        .await,
        200,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

/// Sells a voucher of `amount` to `buyer`, paid in cash at once: the voucher.
async fn sell_voucher(
    app: &TestApp,
    token: &str,
    branch: &Value,
    buyer: &Value,
    amount: &str,
) -> (Value, Value) {
    let bill = voucher_bill(app, token, branch, buyer, amount).await;
    let issued = json_of(
        post(
            app,
            token,
            &issue_path(&bill),
            json!({"payments": [{"method": "cash", "amount": amount}]}),
        )
        .await,
        200,
    )
    .await;
    let vouchers = sold_on(app, token, &issued).await;
    assert_eq!(vouchers.len(), 1, "{vouchers:?}");
    (issued, vouchers[0].clone())
}

/// The voucher's balance as read by its code, after checking it is the
/// sum of its ledger.
async fn balance(app: &TestApp, token: &str, voucher: &Value) -> (String, String) {
    let code = voucher["code"].as_str().expect("code");
    let page = json_of(
        get(app, token, &format!("/api/v1/gift-vouchers?code={code}")).await,
        200,
    )
    .await;
    let now = &page["items"][0];
    let path = format!("/api/v1/gift-vouchers/{}/entries", id_of(voucher));
    let held = now["balance"].as_str().expect("balance").to_owned();
    assert_eq!(
        ledger_sum(app, token, &path).await,
        paise(&held),
        "the balance is the ledger's sum"
    );
    (held, now["status"].as_str().expect("status").to_owned())
}

/// A 10,000.00 bill for `buyer`, issued unpaid.
async fn issued_bill(app: &TestApp, token: &str, branch: &Value, buyer: &Value) -> Value {
    let bill = ten_thousand(app, token, branch, buyer).await;
    json_of(post(app, token, &issue_path(&bill), json!({})).await, 200).await;
    bill
}

async fn cancel(app: &TestApp, token: &str, bill: &Value) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/v1/invoices/{}/cancel", id_of(bill)),
        Some(token),
        Some(json!({"reason": "Billed by mistake"})),
    )
    .await
}

async fn a_voucher_sold_when_paid_spends_in_part_once_and_cancels_give_it_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let buyer = customer(&app, &owner, "9876543210", None).await;

    // The line carries no GST and takes no discount; the voucher comes
    // only when the bill is paid in full.
    let bill = voucher_bill(&app, &sales, &branch, &buyer, "5000.00").await;
    assert_eq!(bill["total"], "5000.00");
    assert_eq!(bill["lines"][0]["kind"], "gift_voucher");
    assert_eq!(bill["taxes"], json!([]), "{bill}");
    for (body, field) in [
        (
            json!({"branchId": branch["id"], "discount": {"on": "value", "percent": "10.00"},
                   "lines": [{"kind": "gift_voucher", "amount": "5000.00"}]}),
            "discount",
        ),
        (
            json!({"branchId": branch["id"], "lines": [{"kind": "gift_voucher", "amount": "5000.00",
                   "discount": {"on": "value", "amount": "100.00"}}]}),
            "lines[0].discount",
        ),
        (
            json!({"branchId": branch["id"], "lines": [{"kind": "gift_voucher", "amount": "0.00"}]}),
            "lines[0].amount",
        ),
    ] {
        let refused = json_of(post(&app, &sales, "/api/v1/invoices", body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    json_of(post(&app, &sales, &issue_path(&bill), json!({})).await, 200).await;
    pay(
        &app,
        &sales,
        &bill,
        json!([{"method": "cash", "amount": "2000.00"}]),
    )
    .await;
    assert!(
        sold_on(&app, &sales, &bill).await.is_empty(),
        "not paid yet"
    );
    pay(
        &app,
        &sales,
        &bill,
        json!([{"method": "upi", "amount": "3000.00", "reference": "UPI 9"}]),
    )
    .await;
    let voucher = sold_on(&app, &sales, &bill).await.remove(0);
    let told = crate::events::feed_of_at_least(&app, &owner, "&types=gift_voucher.issued", 1).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["data"]["voucherId"], voucher["id"]);
    assert_eq!(told[0]["data"]["value"], "5000.00");
    assert_eq!(told[0]["data"]["codeEnding"], voucher["codeEnding"]);
    assert!(
        told[0]["data"].get("code").is_none(),
        "the code is not told"
    );
    assert_eq!(voucher["value"], "5000.00");
    assert_eq!(voucher["origin"], "sold");
    assert_eq!(voucher["customerId"], buyer["id"]);
    assert_eq!(voucher["invoiceLineId"], bill["lines"][0]["id"]);
    let issued_at = chrono::DateTime::parse_from_rfc3339(voucher["issuedAt"].as_str().expect("at"))
        .expect("issuedAt");
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(voucher["expiresAt"].as_str().expect("at"))
            .expect("expiresAt");
    assert_eq!(expires_at, issued_at + chrono::Months::new(12));
    assert_eq!(
        balance(&app, &owner, &voucher).await,
        ("5000.00".into(), "active".into())
    );

    // Spent in part, its code typed as a person would.
    let code = voucher["code"].as_str().expect("code");
    let typed = format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]).to_lowercase();
    let second = ten_thousand(&app, &sales, &branch, &buyer).await;
    let paid = json_of(
        post(
            &app,
            &sales,
            &issue_path(&second),
            json!({"payments": [{"method": "gift_voucher", "amount": "3001.00", "reference": typed},
                                {"method": "cash", "amount": "6999.00"}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(
        balance(&app, &owner, &voucher).await,
        ("1999.00".into(), "active".into())
    );

    // Two bills race for the 1,999.00 left: one wins, the other is refused
    // naming its amount.
    let bills = [
        issued_bill(&app, &sales, &branch, &buyer).await,
        issued_bill(&app, &sales, &branch, &buyer).await,
    ];
    let paths: Vec<String> = bills
        .iter()
        .map(|b| format!("/api/v1/invoices/{}/payments", id_of(b)))
        .collect();
    let answers = join_all(paths.iter().map(|path| {
        post(
            &app,
            &sales,
            path,
            json!({"payments": [{"method": "gift_voucher", "amount": "1999.00", "reference": code}]}),
        )
    }))
    .await;
    let mut statuses = Vec::new();
    for answer in answers {
        let status = answer.status().as_u16();
        if status == 422 {
            let problem: Value = answer.json().await.expect("a problem");
            assert_eq!(
                problem["errors"][0]["field"], "payments[0].amount",
                "{problem}"
            );
            assert_eq!(problem["errors"][0]["code"], "more_than_held", "{problem}");
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422]);
    assert_eq!(
        balance(&app, &owner, &voucher).await,
        ("0.00".into(), "spent".into())
    );

    // The bill that won, cancelled: its 1,999.00 come back.
    let mut winner = Value::Null;
    for bill in &bills {
        let now = json_of(
            get(&app, &owner, &format!("/api/v1/invoices/{}", id_of(bill))).await,
            200,
        )
        .await;
        if now["status"] == "partially_paid" {
            winner = now;
        }
    }
    json_of(cancel(&app, &owner, &winner).await, 200).await;
    assert_eq!(
        balance(&app, &owner, &voucher).await,
        ("1999.00".into(), "active".into())
    );
    let entries = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/gift-vouchers/{}/entries", id_of(&voucher)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(entries["items"][0]["kind"], "restored");
    assert_eq!(entries["items"][0]["invoiceId"], winner["id"]);

    // The sale of a voucher spent in part stands; a voucher is not
    // taken back on a return.
    let refused = json_of(cancel(&app, &owner, &bill).await, 409).await;
    assert_eq!(
        refused["errors"][0]["code"], "gift_voucher_spent",
        "{refused}"
    );
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
    assert_eq!(refused["errors"][0]["code"], "gift_voucher", "{refused}");

    // An unspent voucher goes with a cancel of its bill and spends no more.
    let (small_bill, small) = sell_voucher(&app, &sales, &branch, &buyer, "1000.00").await;
    json_of(cancel(&app, &owner, &small_bill).await, 200).await;
    assert_eq!(
        balance(&app, &owner, &small).await,
        ("0.00".into(), "voided".into())
    );
    let third = ten_thousand(&app, &sales, &branch, &buyer).await;
    let refused = json_of(
        post(
            &app,
            &sales,
            &issue_path(&third),
            json!({"payments": [{"method": "gift_voucher", "amount": "1.00", "reference": small["code"]}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["field"], "payments[0].amount",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["code"], "voided", "{refused}");

    // The store owes what is left on the vouchers.
    let report = json_of(get(&app, &owner, "/api/v1/reports/liabilities").await, 200).await;
    assert_eq!(report["giftVouchers"]["outstanding"], "1999.00", "{report}");
    assert_eq!(report["giftVouchers"]["vouchers"], 1, "{report}");
}

async fn wrong_codes_are_throttled_per_caller_and_customers_see_only_their_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9123456780", None).await;
    let (_, voucher) = sell_voucher(&app, &owner, &branch, &meena, "2500.00").await;
    let code = voucher["code"].as_str().expect("code").to_owned();

    // Not a code at all: refused naming it, and not counted.
    let refused = json_of(
        get(&app, &sales, "/api/v1/gift-vouchers?code=ABC").await,
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "code", "{refused}");

    // A wrong code at the counter is an empty page, then a wrong one as a
    // payment is refused naming its reference; five wrong in all, and the
    // sixth try is 429 even with the right code.
    let wrong = "2222-3333-4444";
    for _ in 0..4 {
        let page = json_of(
            get(&app, &sales, &format!("/api/v1/gift-vouchers?code={wrong}")).await,
            200,
        )
        .await;
        assert_eq!(page["items"], json!([]));
    }
    let bill = ten_thousand(&app, &sales, &branch, &meena).await;
    let refused = json_of(
        post(
            &app,
            &sales,
            &issue_path(&bill),
            json!({"payments": [{"method": "gift_voucher", "amount": "100.00", "reference": wrong}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["field"], "payments[0].reference",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["code"], "not_found", "{refused}");
    let throttled = get(&app, &sales, &format!("/api/v1/gift-vouchers?code={code}")).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    let throttled = post(
        &app,
        &sales,
        &issue_path(&bill),
        json!({"payments": [{"method": "gift_voucher", "amount": "100.00", "reference": code}]}),
    )
    .await;
    assert_eq!(throttled.status(), 429);
    // Another caller is not held back by them.
    let found = json_of(
        get(&app, &owner, &format!("/api/v1/gift-vouchers?code={code}")).await,
        200,
    )
    .await;
    assert_eq!(found["items"][0]["id"], voucher["id"]);

    // A list by customer shows the last four symbols only.
    let listed = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/gift-vouchers?customerId={}", id_of(&meena)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["code"], Value::Null, "{listed}");
    assert_eq!(listed["items"][0]["codeEnding"], &code[8..]);

    // A customer sees their own vouchers, and nobody else's.
    let hers = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let his = app.customer_token(&owner, id_of(&ravi), "9123456780").await;
    let mine = json_of(get(&app, &hers, "/api/v1/me/gift-vouchers").await, 200).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["items"][0]["code"], code.as_str());
    let his_own = json_of(get(&app, &his, "/api/v1/me/gift-vouchers").await, 200).await;
    assert_eq!(his_own["items"], json!([]));
    for path in [
        format!("/api/v1/gift-vouchers?code={code}"),
        format!("/api/v1/gift-vouchers?customerId={}", id_of(&meena)),
        format!("/api/v1/gift-vouchers/{}/entries", id_of(&voucher)),
    ] {
        assert_eq!(get(&app, &his, &path).await.status(), 403, "{path}");
    }
    assert_eq!(
        get(&app, &owner, "/api/v1/me/gift-vouchers").await.status(),
        403
    );
}

async fn a_birthday_gives_a_voucher_once_when_the_programme_says_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let mut programme = json_of(get(&app, &owner, "/api/v1/loyalty/programme").await, 200).await;
    assert_eq!(programme["occasionReward"], "points");
    assert_eq!(programme["occasionVoucherValue"], "500.00");
    assert_eq!(programme["giftVoucherMonths"], 12);
    programme["occasionReward"] = json!("voucher");
    programme["occasionVoucherValue"] = json!("750.00");
    programme["giftVoucherMonths"] = json!(6);
    json_of(set_programme(&app, &owner, &programme).await, 200).await;
    programme["occasionVoucherValue"] = json!("100000.01");
    let refused = json_of(set_programme(&app, &owner, &programme).await, 422).await;
    assert_eq!(
        refused["errors"][0]["field"], "occasionVoucherValue",
        "{refused}"
    );

    let today = chrono::Utc::now().date_naive();
    let born = today.with_year(today.year() - 30).unwrap_or(today);
    let meena = json_of(
        post(
            &app,
            &owner,
            "/api/v1/customers",
            json!({"name": "Meenakshi Sundaram", "mobile": "9876543210",
                   "dateOfBirth": born.to_string()}),
        )
        .await,
        201,
    )
    .await;
    let now = chrono::Utc::now();
    let run = jewel_services::loyalty::run_daily(&app.state.database, now)
        .await
        .expect("the daily run");
    assert_eq!(run.birthdays, 1);
    let again = jewel_services::loyalty::run_daily(&app.state.database, now)
        .await
        .expect("the daily run again");
    assert_eq!(again.birthdays, 0, "once a year");

    let page = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/gift-vouchers?customerId={}", id_of(&meena)),
        )
        .await,
        200,
    )
    .await;
    let vouchers = page["items"].as_array().expect("items");
    assert_eq!(vouchers.len(), 1, "{page}");
    assert_eq!(
        vouchers[0]["code"],
        Value::Null,
        "a list hands out no codes"
    );
    // She reads her own code.
    let hers = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let mine = json_of(get(&app, &hers, "/api/v1/me/gift-vouchers").await, 200).await;
    let voucher = &mine["items"][0];
    let code = voucher["code"].as_str().expect("her code");
    assert_eq!(voucher["codeEnding"], &code[8..]);
    assert_eq!(vouchers[0]["codeEnding"], &code[8..]);
    assert_eq!(voucher["origin"], "reward");
    assert_eq!(voucher["value"], "750.00");
    assert_eq!(
        balance(&app, &owner, voucher).await,
        ("750.00".into(), "active".into())
    );
    let expires: chrono::DateTime<chrono::Utc> = voucher["expiresAt"]
        .as_str()
        .expect("at")
        .parse()
        .expect("expiresAt");
    let six_months = now.checked_add_months(chrono::Months::new(6));
    // MariaDB keeps whole seconds.
    assert_eq!(expires.timestamp(), six_months.expect("a day").timestamp());
    let standing = json_of(get(&app, &owner, &points_path(&meena)).await, 200).await;
    assert_eq!(standing["balance"], 0, "a voucher instead of points");
    // The trail says who gave it, without its code.
    let trail = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/audit-events?entityType=gift_voucher&entityId={}",
                id_of(voucher)
            ),
        )
        .await,
        200,
    )
    .await;
    let event = &trail["items"][0];
    assert_eq!(event["actorKind"], "system", "{trail}");
    assert!(
        !trail
            .to_string()
            .contains(voucher["code"].as_str().expect("code"))
    );
}
