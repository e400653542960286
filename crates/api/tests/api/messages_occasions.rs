//! Occasion greetings over HTTP: a run of the day greets by SMS each
//! customer whose birthday it is, once however often it runs, and only
//! those with marketing consent for SMS (the others are skipped with that
//! reason; transactional consent is not enough); in the branch's quiet
//! hours a greeting waits, queued, until they end. A customer whose
//! spouse's birthday it is gets a reminder. With `notify.actions` an
//! occasion is a call for the customer's sales person instead of, or
//! besides, the message.

use chrono::{Datelike, Utc};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::id_of;
use crate::messages::{consent_for, settled};
use crate::messages_follow_ups::my_task_reasons;
use crate::on_both_backends;

on_both_backends!(
    a_birthday_is_greeted_once_and_only_with_marketing_consent,
    quiet_hours_hold_a_greeting_until_they_end,
    an_occasion_can_be_a_call_for_the_sales_person_instead,
);

const RUN: &str = "/api/v1/message-triggers/occasions/run";

/// A customer of `branch` born on this day 30 years ago.
async fn born_today(app: &TestApp, token: &str, branch: &Value, name: &str, mobile: &str) -> Value {
    let today = Utc::now().date_naive();
    let born = today.with_year(today.year() - 30).unwrap_or(today);
    let body = json!({"name": name, "mobile": mobile, "dateOfBirth": born.to_string(),
                      "homeBranchId": branch["id"]});
    json_of(post(app, token, "/api/v1/customers", body).await, 201).await
}

async fn a_birthday_is_greeted_once_and_only_with_marketing_consent(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        // No quiet hours: the greeting goes whenever the test runs.
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, manager) = app
        .hire(&owner, "anil@example-jeweller.in", "manager", &[&branch])
        .await;
    let asha = born_today(&app, &owner, &branch, "Asha Iyer", "9876500001").await;
    consent_for(&app, &owner, &asha, "sms", "marketing").await;
    let ravi = born_today(&app, &owner, &branch, "Ravi Kumar", "9876500002").await;
    consent_for(&app, &owner, &ravi, "sms", "transactional").await;
    // Kiran's wife Lata was born on this day.
    let today = Utc::now().date_naive();
    let lata_born = today.with_year(today.year() - 28).unwrap_or(today);
    let body = json!({"name": "Kiran Rao", "mobile": "9876500003", "spouseName": "Lata",
                      "spouseDateOfBirth": lata_born.to_string(), "homeBranchId": branch["id"]});
    let kiran = json_of(post(&app, &owner, "/api/v1/customers", body).await, 201).await;
    consent_for(&app, &owner, &kiran, "sms", "marketing").await;

    assert_eq!(post(&app, &manager, RUN, json!({})).await.status(), 403);
    let first = json_of(post(&app, &owner, RUN, json!({})).await, 200).await;
    assert_eq!(
        first,
        json!({"birthdays": 2, "anniversaries": 0, "spouseBirthdays": 1,
               "purchaseFollowUps": 0, "bridalFollowUps": 0, "tasks": 0,
               "instalmentsDue": 0, "maturities": 0})
    );
    let again = json_of(post(&app, &owner, RUN, json!({})).await, 200).await;
    assert_eq!(
        again,
        json!({"birthdays": 0, "anniversaries": 0, "spouseBirthdays": 0,
               "purchaseFollowUps": 0, "bridalFollowUps": 0, "tasks": 0,
               "instalmentsDue": 0, "maturities": 0})
    );

    let greeted = settled(&app, &owner, &asha, "birthday").await;
    let message = &greeted["message"];
    assert_eq!(message["status"], "sent", "{greeted}");
    assert_eq!(message["purpose"], "marketing");
    assert_eq!(message["channel"], "sms");
    assert_eq!(
        message["body"],
        "Happy birthday, Asha Iyer! Warm wishes from all of us at T. Nagar."
    );
    let reminded = settled(&app, &owner, &kiran, "spouse_birthday").await;
    assert_eq!(reminded["message"]["status"], "sent", "{reminded}");
    let on = today.format("%d %B").to_string();
    assert_eq!(
        reminded["message"]["body"],
        format!(
            "Dear Kiran Rao, Lata's birthday is on {on}. Find a gift they will treasure at T. Nagar."
        )
    );
    let skipped = settled(&app, &owner, &ravi, "birthday").await;
    assert_eq!(skipped["message"]["status"], "skipped");
    assert_eq!(skipped["message"]["reason"], "no_consent");
    let path = format!(
        "/api/v1/messages?customerId={}&trigger=birthday",
        id_of(&asha)
    );
    let listed = json_of(get(&app, &manager, &path).await, 200).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
}

async fn quiet_hours_hold_a_greeting_until_they_end(backend: Backend) {
    // Quiet from an hour ago to an hour from now in the branch's zone.
    let local = Utc::now().with_timezone(&chrono_tz::Asia::Kolkata);
    let hour = chrono::Duration::hours(1);
    let (from, until) = (
        (local - hour).format("%H:%M").to_string(),
        (local + hour).format("%H:%M").to_string(),
    );
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.notify.quiet_hours_from = from;
        settings.notify.quiet_hours_until = until;
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let asha = born_today(&app, &owner, &branch, "Asha Iyer", "9876500001").await;
    consent_for(&app, &owner, &asha, "sms", "marketing").await;
    let run = json_of(post(&app, &owner, RUN, json!({})).await, 200).await;
    assert_eq!(run["birthdays"], 1);

    let path = format!(
        "/api/v1/messages?customerId={}&trigger=birthday",
        id_of(&asha)
    );
    let mut held = Value::Null;
    for _ in 0..200 {
        let page = json_of(get(&app, &owner, &path).await, 200).await;
        if page["items"][0]["reason"] == "quiet_hours" {
            held = page["items"][0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(held["status"], "queued", "{held}");
    assert_eq!(held["attempts"], 0);
    let next: chrono::DateTime<Utc> = held["nextAttemptAt"]
        .as_str()
        .expect("nextAttemptAt")
        .parse()
        .expect("a moment");
    let wait = next - Utc::now();
    assert!(
        wait > chrono::Duration::minutes(55) && wait <= hour,
        "held until {next}"
    );
    let detail = format!("/api/v1/messages/{}", id_of(&held));
    assert_eq!(
        json_of(get(&app, &owner, &detail).await, 200).await["attempts"],
        json!([])
    );
}

async fn an_occasion_can_be_a_call_for_the_sales_person_instead(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.actions = [("birthday", "task"), ("spouse_birthday", "both")]
            .into_iter()
            .map(|(t, a)| (t.to_owned(), a.to_owned()))
            .collect();
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (priya, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let today = Utc::now().date_naive();
    let born = today.with_year(today.year() - 30).unwrap_or(today);
    let body = json!({"name": "Asha Iyer", "mobile": "9876500001", "dateOfBirth": born.to_string(),
                      "homeBranchId": branch["id"], "assignedStaffId": priya["id"]});
    let asha = json_of(post(&app, &owner, "/api/v1/customers", body).await, 201).await;
    consent_for(&app, &owner, &asha, "sms", "marketing").await;
    let body = json!({"name": "Kiran Rao", "mobile": "9876500003", "spouseName": "Lata",
                      "spouseDateOfBirth": born.to_string(), "homeBranchId": branch["id"],
                      "assignedStaffId": priya["id"]});
    let kiran = json_of(post(&app, &owner, "/api/v1/customers", body).await, 201).await;
    consent_for(&app, &owner, &kiran, "sms", "marketing").await;
    // Nobody looks after Ravi: no one to call, and no message either.
    born_today(&app, &owner, &branch, "Ravi Kumar", "9876500002").await;

    let first = json_of(post(&app, &owner, RUN, json!({})).await, 200).await;
    assert_eq!(
        (
            &first["birthdays"],
            &first["spouseBirthdays"],
            &first["tasks"]
        ),
        (&json!(0), &json!(1), &json!(2)),
        "{first}"
    );
    let again = json_of(post(&app, &owner, RUN, json!({})).await, 200).await;
    assert_eq!(
        (
            &again["birthdays"],
            &again["spouseBirthdays"],
            &again["tasks"]
        ),
        (&json!(0), &json!(0), &json!(0)),
        "{again}"
    );
    let on = today.format("%d %B");
    let mut reasons = my_task_reasons(&app, &sales).await;
    reasons.sort();
    assert_eq!(
        reasons,
        [
            format!("Call Asha Iyer: birthday on {on}."),
            format!("Call Kiran Rao: Lata's birthday on {on}, time for a gift."),
        ]
    );
    let path = format!("/api/v1/messages?customerId={}", id_of(&asha));
    let none = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(none["items"], json!([]), "a call instead of the greeting");
    let reminded = settled(&app, &owner, &kiran, "spouse_birthday").await;
    assert_eq!(reminded["message"]["status"], "sent", "{reminded}");
}
