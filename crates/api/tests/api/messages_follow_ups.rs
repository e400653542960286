//! Follow-ups after a sale, made by the day's clienteling run: a bill over
//! the smallest followed up is followed up 6 months (and 11 months) later,
//! a sale to a customer tagged bridal 30, 60 and 90 days later; with
//! `notify.follow_up_action = both` each is an SMS to the customer (with
//! their marketing consent) and a task for their sales person to call,
//! once however often the day is run.

use chrono::{Days, Months, NaiveDate};
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::campaigns::customer;
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::sell_necklace;
use crate::messages::{consent_for, settled};
use crate::on_both_backends;

on_both_backends!(big_and_bridal_sales_are_followed_up_once,);

/// The day `bill` was issued at its branch (India's zone, as the test
/// shop's).
fn sold_on(bill: &Value) -> NaiveDate {
    let issued: chrono::DateTime<chrono::Utc> = bill["issuedAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("an issue time");
    issued.with_timezone(&chrono_tz::Asia::Kolkata).date_naive()
}

/// Every open task of the caller's, its reasons.
pub(crate) async fn my_task_reasons(app: &TestApp, token: &str) -> Vec<String> {
    let mine = json_of(get(app, token, "/api/v1/tasks/mine").await, 200).await;
    ["overdue", "today", "upcoming"]
        .iter()
        .flat_map(|bucket| mine[*bucket].as_array().cloned().unwrap_or_default())
        .map(|t| t["reason"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn big_and_bridal_sales_are_followed_up_once(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.notify.follow_up_action = "both".to_owned();
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let asha = customer(
        &app,
        &sales,
        json!({"name": "Asha Iyer", "mobile": "9876500001"}),
    )
    .await;
    consent_for(&app, &sales, &asha, "sms", "marketing").await;
    let ravi = customer(
        &app,
        &sales,
        json!({"name": "Ravi Kumar", "mobile": "9876500002", "tags": ["Bridal"]}),
    )
    .await;

    let asha_bill = sell_necklace(&app, &owner, &sales, &branch, &asha, "GN-FU-1").await;
    let ravi_bill = sell_necklace(&app, &owner, &sales, &branch, &ravi, "GN-FU-2").await;
    let day = sold_on(&asha_bill);
    assert_eq!(sold_on(&ravi_bill), day, "both sold the same day");
    let run = |on: NaiveDate| {
        let app = &app;
        let owner = owner.clone();
        async move {
            json_of(
                post(
                    app,
                    &owner,
                    "/api/v1/message-triggers/occasions/run",
                    json!({"date": on.to_string()}),
                )
                .await,
                200,
            )
            .await
        }
    };

    // 180 days on: both bills are over 50,000.00; messages and tasks.
    let later = day.checked_add_days(Days::new(180)).expect("a date");
    let made = run(later).await;
    assert_eq!(
        (
            &made["purchaseFollowUps"],
            &made["bridalFollowUps"],
            &made["tasks"]
        ),
        (&json!(2), &json!(0), &json!(2)),
        "{made}"
    );
    let again = run(later).await;
    assert_eq!(
        (&again["purchaseFollowUps"], &again["tasks"]),
        (&json!(0), &json!(0)),
        "{again}"
    );
    let told = settled(&app, &owner, &asha, "purchase_follow_up").await;
    assert_eq!(told["message"]["status"], "sent", "{told}");
    let body = told["message"]["body"].as_str().unwrap_or_default();
    let number = asha_bill["number"].as_str().expect("a number");
    assert!(body.contains("6 months"), "{body}");
    assert!(body.contains(number), "{body}");
    let skipped = settled(&app, &owner, &ravi, "purchase_follow_up").await;
    assert_eq!(skipped["message"]["reason"], "no_consent", "{skipped}");
    let reasons = my_task_reasons(&app, &sales).await;
    let expected =
        format!("Call Asha Iyer: 6 months after the purchase on bill {number} (51,845.00).");
    assert!(reasons.contains(&expected), "{reasons:?}");
    assert_eq!(reasons.len(), 2, "{reasons:?}");

    // 30 days on: the bridal customer alone.
    let made = run(day.checked_add_days(Days::new(30)).expect("a date")).await;
    assert_eq!(
        (
            &made["purchaseFollowUps"],
            &made["bridalFollowUps"],
            &made["tasks"]
        ),
        (&json!(0), &json!(1), &json!(1)),
        "{made}"
    );
    let reasons = my_task_reasons(&app, &sales).await;
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("30 days after the bridal sale")),
        "{reasons:?}"
    );

    // 11 months on: the second purchase follow-up.
    let made = run(day.checked_add_months(Months::new(11)).expect("a date")).await;
    assert_eq!(made["tasks"], 2, "{made}");
    assert_eq!(my_task_reasons(&app, &sales).await.len(), 5);
}
