//! Receipts by SMS: a payment towards a bill issued earlier is told with
//! what is left to pay (a bill issued is told by its e-mail, not by a
//! receipt of what was paid at the counter), a savings scheme's instalment
//! with its receipt number; each with the customer's transactional consent
//! to SMS, in the language the customer prefers, and once however often
//! the relay hands the event on. A quote's customer is reminded before its
//! prices end, unless it became a bill first, and whoever quoted is given
//! a call to make as well when `notify.actions` says so.

use serde_json::{Value, json};

use crate::billing::{customer, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{id_of, sell_necklace};
use crate::messages::{consent_to, settled};
use crate::messages_follow_ups::my_task_reasons;
use crate::on_both_backends;
use crate::schemes::{enrol, instalments_path, plan};
use crate::store_credit::pay;

on_both_backends!(
    payments_and_instalments_are_receipted_by_sms,
    a_schemes_instalments_and_maturity_are_reminded_ahead_once,
    a_quote_is_recalled_before_its_prices_end_and_not_once_it_is_a_bill,
);

/// The customer's messages of `trigger`.
async fn messages_of(app: &TestApp, token: &str, who: &Value, trigger: &str) -> Vec<Value> {
    let path = format!(
        "/api/v1/messages?customerId={}&trigger={trigger}",
        id_of(who)
    );
    let page = json_of(get(app, token, &path).await, 200).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

/// A branch selling at today's rate, its sales person, and Asha, who
/// agreed to SMS about her purchases.
struct Counter {
    app: TestApp,
    owner: String,
    branch: Value,
    sales: String,
    asha: Value,
}

async fn counter(
    backend: Backend,
    quote_expiring_minutes: u32,
    actions: &[(&str, &str)],
) -> Counter {
    let actions: std::collections::BTreeMap<String, String> = actions
        .iter()
        .map(|(t, a)| ((*t).to_owned(), (*a).to_owned()))
        .collect();
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.notify.poll_ms = 50;
        settings.notify.quote_expiring_minutes = quote_expiring_minutes;
        settings.notify.actions = actions;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let asha = customer(&app, &sales, "9876500001", None).await;
    consent_to(&app, &sales, &asha, "sms").await;
    Counter {
        app,
        owner,
        branch,
        sales,
        asha,
    }
}

async fn payments_and_instalments_are_receipted_by_sms(backend: Backend) {
    let Counter {
        app,
        owner,
        branch,
        sales,
        asha,
    } = counter(backend, 0, &[("payment_received", "both")]).await;
    let ravi = customer(&app, &sales, "9876500002", None).await;
    let tamil = json!({"name": "Meena Pillai", "mobile": "9876500003",
                       "preferences": {"language": "ta"}});
    let meena = json_of(post(&app, &sales, "/api/v1/customers", tamil).await, 201).await;
    assert_eq!(meena["preferences"]["language"], "ta", "{meena}");
    consent_to(&app, &sales, &meena, "sms").await;

    // A bill issued unpaid, then paid in part: one receipt, with the rest.
    let bill = sell_necklace(&app, &owner, &sales, &branch, &asha, "GN-RCPT-1").await;
    assert_eq!(bill["balance"], "51845.00", "{bill}");
    let after = pay(
        &app,
        &sales,
        &bill,
        json!([{"method": "upi", "amount": "20000.00", "reference": "UPI 77"}]),
    )
    .await;
    assert_eq!(after["balance"], "31845.00");
    let told = settled(&app, &owner, &asha, "payment_received").await;
    let message = &told["message"];
    assert_eq!(message["status"], "sent", "{told}");
    assert_eq!(message["channel"], "sms");
    assert_eq!(message["address"], "+919876500001");
    assert_eq!(message["aboutId"], bill["id"]);
    let body = message["body"].as_str().unwrap_or_default();
    let number = bill["number"].as_str().expect("a number");
    assert!(body.contains("INR 20,000.00"), "{body}");
    assert!(body.contains(&format!("bill {number}")), "{body}");
    assert!(body.contains("Balance due: INR 31,845.00"), "{body}");
    assert_eq!(
        messages_of(&app, &owner, &asha, "payment_received")
            .await
            .len(),
        1
    );
    // The receipt is a call for whoever took the payment as well.
    let name = asha["name"].as_str().unwrap_or_default();
    assert_eq!(
        my_task_reasons(&app, &sales).await,
        [format!(
            "Call {name}: INR 20,000.00 received towards bill {number}, INR 31,845.00 left to pay."
        )]
    );

    // A bill paid as it is issued: its e-mail tells it, no SMS receipt.
    let paid = crate::billing::draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "customerId": asha["id"],
               "lines": [{"kind": "piece", "pieceId":
                   crate::billing::piece(&app, &owner, &branch, "GN-RCPT-2", "3.390").await["id"]}]}),
    )
    .await;
    let issue = crate::billing::issue_path(&paid);
    let body = json!({"payments": [{"method": "cash", "amount": "51845.00"}]});
    json_of(post(&app, &sales, &issue, body).await, 200).await;
    // A later payment on the first bill: once its receipt is queued, the
    // events before it (the second bill's) have been handed on.
    pay(
        &app,
        &sales,
        &bill,
        json!([{"method": "cash", "amount": "1845.00"}]),
    )
    .await;
    let mut receipts = Vec::new();
    for _ in 0..200 {
        receipts = messages_of(&app, &owner, &asha, "payment_received").await;
        if receipts.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    assert!(
        receipts.iter().all(|r| r["aboutId"] == bill["id"]),
        "{receipts:?}"
    );

    // A scheme's instalments: each receipted, with its number; the
    // customer without SMS consent is not texted, and it says so.
    let swarna = plan(
        &app,
        &owner,
        json!({"name": "Swarna 11", "kind": "amount", "instalments": 11, "amount": "5000.00"}),
    )
    .await;
    for who in [&asha, &ravi, &meena] {
        let passbook = enrol(&app, &sales, &swarna, who, &branch).await;
        let body = json!({"amount": "5000.00", "method": "cash"});
        json_of(
            post(&app, &sales, &instalments_path(&passbook), body).await,
            201,
        )
        .await;
    }
    let told = settled(&app, &owner, &asha, "instalment_received").await;
    let message = &told["message"];
    assert_eq!(message["status"], "sent", "{told}");
    assert_eq!(message["aboutKind"], "scheme_enrolment");
    let body = message["body"].as_str().unwrap_or_default();
    assert!(body.contains("instalment 1 of 11"), "{body}");
    assert!(body.contains("5,000.00"), "{body}");
    let book = format!(
        "/api/v1/scheme-enrolments/{}",
        message["aboutId"].as_str().unwrap_or_default()
    );
    let book = json_of(get(&app, &owner, &book).await, 200).await;
    let receipt = book["instalments"][0]["receiptNumber"]
        .as_str()
        .expect("a receipt number");
    assert!(body.contains(&format!("Receipt {receipt}")), "{body}");
    assert_eq!(message["language"], "en");
    let in_tamil = settled(&app, &owner, &meena, "instalment_received").await;
    assert_eq!(in_tamil["message"]["language"], "ta", "{in_tamil}");
    let body = in_tamil["message"]["body"].as_str().unwrap_or_default();
    assert!(body.contains("ரசீது"), "{body}");
    let skipped = settled(&app, &owner, &ravi, "instalment_received").await;
    assert_eq!(skipped["message"]["status"], "skipped", "{skipped}");
    assert_eq!(skipped["message"]["reason"], "no_consent");
}

/// The day `at` (an RFC 3339 moment) falls on in India, the test shop's
/// zone.
fn in_india(at: &Value) -> chrono::NaiveDate {
    let at: chrono::DateTime<chrono::Utc> =
        at.as_str().and_then(|t| t.parse().ok()).expect("a moment");
    at.with_timezone(&chrono_tz::Asia::Kolkata).date_naive()
}

async fn a_schemes_instalments_and_maturity_are_reminded_ahead_once(backend: Backend) {
    use chrono::{Days, Months};
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let asha = customer(&app, &owner, "9876500001", None).await;
    consent_to(&app, &owner, &asha, "sms").await;
    let swarna = plan(
        &app,
        &owner,
        json!({"name": "Swarna 11", "kind": "amount", "instalments": 11, "amount": "5000.00"}),
    )
    .await;
    let passbook = enrol(&app, &owner, &swarna, &asha, &branch).await;
    let body = json!({"amount": "5000.00", "method": "cash"});
    json_of(
        post(&app, &owner, &instalments_path(&passbook), body).await,
        201,
    )
    .await;
    let started = in_india(&passbook["startedAt"]);
    let run = |on: chrono::NaiveDate| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let body = json!({"date": on.to_string()});
            let path = "/api/v1/message-triggers/occasions/run";
            json_of(post(app, &owner, path, body).await, 200).await
        }
    };
    let three_before = |months: u32| {
        started
            .checked_add_months(Months::new(months))
            .and_then(|d| d.checked_sub_days(Days::new(3)))
            .expect("a date")
    };

    // Three days before the second period begins: reminded once.
    let made = run(three_before(1)).await;
    assert_eq!(
        (&made["instalmentsDue"], &made["maturities"]),
        (&json!(1), &json!(0)),
        "{made}"
    );
    assert_eq!(run(three_before(1)).await["instalmentsDue"], 0);
    let told = settled(&app, &owner, &asha, "instalment_due").await;
    assert_eq!(told["message"]["status"], "sent", "{told}");
    assert_eq!(told["message"]["purpose"], "transactional");
    let due_on = started.checked_add_months(Months::new(1)).expect("a date");
    let body = told["message"]["body"].as_str().unwrap_or_default();
    assert!(body.contains("instalment 2 of 11"), "{body}");
    assert!(
        body.contains(&format!("5,000.00, is due on {due_on}")),
        "{body}"
    );

    // The third period, unpaid too, has its own reminder; maturity its own.
    assert_eq!(run(three_before(2)).await["instalmentsDue"], 1);
    let made = run(three_before(11)).await;
    assert_eq!(
        (&made["instalmentsDue"], &made["maturities"]),
        (&json!(0), &json!(1)),
        "{made}"
    );
    let matures = settled(&app, &owner, &asha, "scheme_maturity").await;
    let body = matures["message"]["body"].as_str().unwrap_or_default();
    let on = in_india(&passbook["maturesAt"]);
    assert!(body.contains(&format!("matures on {on}")), "{body}");
    assert_eq!(
        messages_of(&app, &owner, &asha, "instalment_due")
            .await
            .len(),
        2
    );
}

/// The `quote_expiring` message of quote `quote` among `messages`.
fn reminder_of<'a>(messages: &'a [Value], quote: &Value) -> Option<&'a Value> {
    messages
        .iter()
        .find(|m| m["aboutId"] == quote["bill"]["id"])
}

async fn a_quote_is_recalled_before_its_prices_end_and_not_once_it_is_a_bill(backend: Backend) {
    let Counter {
        app,
        owner,
        branch,
        sales,
        asha,
    } = counter(backend, 15, &[("quote_expiring", "both")]).await;
    let mut quotes = Vec::new();
    for tag in ["GN-QT-1", "GN-QT-2"] {
        let necklace = crate::billing::piece(&app, &owner, &branch, tag, "3.390").await;
        let body = json!({"branchId": branch["id"], "customerId": asha["id"],
                          "lines": [{"kind": "piece", "pieceId": necklace["id"]}]});
        quotes.push(json_of(post(&app, &sales, "/api/v1/quotes", body).await, 201).await);
    }

    // Each quote's reminder waits for 15 minutes before its prices end,
    // saying when they end in the branch's time (India's).
    let mut reminders = Vec::new();
    for _ in 0..200 {
        reminders = messages_of(&app, &owner, &asha, "quote_expiring").await;
        if reminders.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(reminders.len(), 2, "{reminders:?}");
    for quote in &quotes {
        let reminder = reminder_of(&reminders, quote).expect("a reminder of each quote");
        let until =
            chrono::DateTime::parse_from_rfc3339(quote["validUntil"].as_str().expect("time"))
                .expect("time");
        let at =
            chrono::DateTime::parse_from_rfc3339(reminder["nextAttemptAt"].as_str().expect("time"))
                .expect("time");
        assert_eq!(reminder["status"], "queued", "{reminder}");
        assert_eq!(
            at.timestamp(),
            (until - chrono::Duration::minutes(15)).timestamp()
        );
        let india = chrono::FixedOffset::east_opt(19_800).expect("IST");
        let local = until.with_timezone(&india).format("%H:%M on %Y-%m-%d");
        let body = reminder["body"].as_str().unwrap_or_default();
        assert!(
            body.contains(&format!("(INR 51,845.00) hold until {local}")),
            "{body}"
        );
    }

    // The first becomes a bill: its reminder is taken back; the other waits.
    let path = format!("/api/v1/quotes/{}/invoice", id_of(&quotes[0]["bill"]));
    json_of(post(&app, &sales, &path, json!({})).await, 201).await;
    let mut taken_back = Value::Null;
    for _ in 0..200 {
        reminders = messages_of(&app, &owner, &asha, "quote_expiring").await;
        taken_back = reminder_of(&reminders, &quotes[0])
            .cloned()
            .unwrap_or_default();
        if taken_back["status"] == "skipped" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        (&taken_back["status"], &taken_back["reason"]),
        (&json!("skipped"), &json!("no_longer_due")),
        "{taken_back}"
    );
    let waiting = reminder_of(&reminders, &quotes[1]).expect("the other reminder");
    assert_eq!(waiting["status"], "queued", "{waiting}");
    // Asha has no sales person of her own: whoever quoted calls her too,
    // about the quote still open (the other's call was taken back).
    let until =
        chrono::DateTime::parse_from_rfc3339(quotes[1]["validUntil"].as_str().expect("time"))
            .expect("time")
            .with_timezone(&chrono::FixedOffset::east_opt(19_800).expect("IST"))
            .format("%H:%M on %Y-%m-%d");
    let name = asha["name"].as_str().unwrap_or_default();
    assert_eq!(
        my_task_reasons(&app, &sales).await,
        [format!(
            "Call {name}: the quote of INR 51,845.00 holds until {until}."
        )]
    );
}
