//! Loyalty's daily run, on given days (no sleeping): a birthday's points
//! once a year; a tier kept at its anniversary while the earning holds,
//! lowered at the one after it lapses, never between; every point lapses
//! 24 months after the last bill; under per-award expiry only what was
//! not spent lapses; a second run of the same day changes nothing; the
//! command line runs it for a given day.

use chrono::{DateTime, Datelike, Months, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{
    balance_is_the_ledger, entries, points_path, points_until, sell_necklace, set_programme,
};
use crate::on_both_backends;

on_both_backends!(
    the_daily_run_gives_birthdays_reviews_tiers_at_their_anniversary_and_lapses_quiet_points,
    per_award_expiry_lapses_only_what_was_not_spent,
);

async fn run(app: &TestApp, as_of: DateTime<Utc>) -> Value {
    let run = jewel_services::loyalty::run_daily(&app.state.database, as_of)
        .await
        .expect("the daily run");
    serde_json::to_value(run).expect("a run as JSON")
}

fn months_on(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    at.checked_add_months(Months::new(months)).expect("a day")
}

async fn standing(app: &TestApp, token: &str, customer: &Value) -> Value {
    json_of(get(app, token, &points_path(customer)).await, 200).await
}

async fn the_daily_run_gives_birthdays_reviews_tiers_at_their_anniversary_and_lapses_quiet_points(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let mut programme = json_of(get(&app, &owner, "/api/v1/loyalty/programme").await, 200).await;
    assert_eq!(programme["birthdayPoints"], 100);
    assert_eq!(programme["anniversaryPoints"], 100);
    programme["tiers"] = json!([
        {"name": "Silver", "threshold": 0, "multiplier": "1.00"},
        {"name": "Gold", "threshold": 500, "multiplier": "1.50"}
    ]);
    programme["anniversaryPoints"] = json!(0);
    json_of(set_programme(&app, &owner, &programme).await, 200).await;

    // Born on this day 30 years ago, married on it too (no anniversary points set).
    let today = Utc::now().date_naive();
    let born = today.with_year(today.year() - 30).unwrap_or(today);
    let buyer = json_of(
        post(
            &app,
            &sales,
            "/api/v1/customers",
            json!({"name": "Meenakshi Sundaram", "mobile": "9876543210",
                   "dateOfBirth": born.to_string(), "anniversary": born.to_string()}),
        )
        .await,
        201,
    )
    .await;
    sell_necklace(&app, &owner, &sales, &branch, &buyer, "GN-1").await;
    let earned = points_until(&app, &owner, &buyer, 503).await;
    assert_eq!(earned["tier"], "Gold");
    let since: DateTime<Utc> = earned["tierSince"]
        .as_str()
        .expect("since")
        .parse()
        .expect("a moment");
    let review: DateTime<Utc> = earned["tierReviewAt"]
        .as_str()
        .expect("review")
        .parse()
        .expect("a moment");
    assert_eq!(review, months_on(since, 12), "{earned}");

    // Today: the birthday's 100 points, spendable at once; the same day
    // again gives none.
    let now = Utc::now();
    let day = run(&app, now).await;
    assert_eq!(day["birthdays"], 1, "{day}");
    assert_eq!(day["anniversaries"], 0, "{day}");
    assert_eq!(day["lapsedPoints"], 0, "{day}");
    assert_eq!(run(&app, now).await["birthdays"], 0);
    let standing_now = standing(&app, &sales, &buyer).await;
    assert_eq!(standing_now["balance"], 603, "{standing_now}");
    assert_eq!(
        standing_now["available"], 100,
        "the bill's 503 are still pending"
    );
    let gift = &entries(&app, &owner, &buyer).await[0];
    assert_eq!(gift["kind"], "earned");
    assert_eq!(gift["points"], 100);
    assert_eq!(
        gift["qualifyingPoints"], 0,
        "a gift does not count for the tier"
    );
    assert_eq!(gift["reason"], format!("Birthday points {}", today.year()));

    // At the tier's first anniversary the bill is within the 24-month
    // window: Gold is kept, to be judged again a year on.
    let year_on = months_on(now, 13);
    let kept = run(&app, year_on).await;
    assert_eq!(
        (kept["tiersKept"].as_u64(), kept["tiersLowered"].as_u64()),
        (Some(1), Some(0)),
        "{kept}"
    );
    assert_eq!(kept["lapsedPoints"], 0, "{kept}");
    let held = standing(&app, &sales, &buyer).await;
    assert_eq!(held["tier"], "Gold");
    let next: DateTime<Utc> = held["tierReviewAt"]
        .as_str()
        .expect("review")
        .parse()
        .expect("a moment");
    assert_eq!(next, months_on(since, 24), "{held}");
    assert_eq!(
        run(&app, year_on).await["tiersKept"],
        0,
        "reviewed once a year"
    );

    // 25 months on, nothing bought or spent since the bill: all 603 points
    // lapse, and at the second anniversary nothing earned within the window
    // holds Gold.
    let quiet = months_on(now, 25);
    let lapsed = run(&app, quiet).await;
    assert_eq!(lapsed["lapsedCustomers"], 1, "{lapsed}");
    assert_eq!(lapsed["lapsedPoints"], 603, "{lapsed}");
    assert_eq!(lapsed["tiersLowered"], 1, "{lapsed}");
    let after = standing(&app, &sales, &buyer).await;
    assert_eq!(after["balance"], 0, "{after}");
    assert_eq!(after["tier"], "Silver", "{after}");
    assert_eq!(after["nextExpiry"], Value::Null, "{after}");
    let ledger = entries(&app, &owner, &buyer).await;
    assert_eq!(ledger[0]["kind"], "expired");
    assert_eq!(ledger[0]["points"], -603);
    assert_eq!(ledger[0]["actorKind"], "system");
    assert!(ledger.iter().all(|e| e["unspent"] == 0), "{ledger:?}");
    assert_eq!(balance_is_the_ledger(&app, &owner, &buyer).await, 0);
    let again = run(&app, quiet).await;
    assert_eq!(
        (
            again["lapsedPoints"].as_i64(),
            again["tiersLowered"].as_u64()
        ),
        (Some(0), Some(0)),
        "{again}"
    );

    // The tier's change is in the audit trail, by the daily run.
    let trail = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/audit-events?entityType=loyalty_tier&entityId={}",
                buyer["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    let changes = trail["items"].as_array().expect("items");
    assert_eq!(changes.len(), 1, "{trail}");
    assert_eq!(changes[0]["after"], "Silver", "{trail}");
    assert_eq!(changes[0]["actorKind"], "system", "{trail}");
}

async fn per_award_expiry_lapses_only_what_was_not_spent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let buyer = crate::billing::customer(&app, &owner, "9876543210", None).await;
    let mut programme = json_of(get(&app, &owner, "/api/v1/loyalty/programme").await, 200).await;
    programme["expiry"] = json!("per_award");
    programme["expiryMonths"] = json!(12);
    json_of(set_programme(&app, &owner, &programme).await, 200).await;
    let adjustments = format!("{}/adjustments", points_path(&buyer));
    let adjust = |points: i64| {
        app.call(
            Method::POST,
            &adjustments,
            Some(&owner),
            Some(json!({"points": points, "reason": "Opening balance"})),
        )
    };
    json_of(adjust(300).await, 201).await;
    json_of(adjust(-100).await, 201).await;
    let standing_now = standing(&app, &owner, &buyer).await;
    let expiry = &standing_now["nextExpiry"];
    assert_eq!(expiry["points"], 200, "{standing_now}");
    let ends: DateTime<Utc> = expiry["at"]
        .as_str()
        .expect("at")
        .parse()
        .expect("a moment");

    // A day before the award's term ends nothing lapses; at its end the
    // 200 not spent do, the 100 spent stay spent.
    let before = run(&app, ends - chrono::Duration::days(1)).await;
    assert_eq!(before["lapsedPoints"], 0, "{before}");
    let at_end = run(&app, ends).await;
    assert_eq!(at_end["lapsedPoints"], 200, "{at_end}");
    assert_eq!(balance_is_the_ledger(&app, &owner, &buyer).await, 0);
    let ledger = entries(&app, &owner, &buyer).await;
    let kinds: Vec<(&str, i64)> = ledger
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind"),
                e["points"].as_i64().expect("points"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("expired", -200), ("adjusted", -100), ("adjusted", 300)]
    );
    assert_eq!(run(&app, ends).await["lapsedPoints"], 0);
}
