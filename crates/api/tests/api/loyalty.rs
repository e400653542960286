//! Loyalty over HTTP: the worked bill earns 503 points, pending for the
//! return window; reaching a tier multiplies the next bill (755 at 1.5x);
//! coins earn nothing but count for the tier; adjustments by hand are
//! audited, once per external id, never beyond the active points, and two
//! racing for the same points have one winner; the balance is the ledger's
//! sum; a customer sees their own points only.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path, piece, set_rate};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;

on_both_backends!(
    bills_earn_pending_points_and_a_tier_multiplies_the_next_bill,
    adjustments_are_once_per_external_id_and_never_beyond_the_active_points,
    a_customer_sees_only_their_own_points,
);

pub(crate) fn id_of(value: &Value) -> &str {
    value["id"].as_str().expect("an id")
}

/// The fields a problem names, in order.
pub(crate) fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect()
}

/// `PUT /api/v1/loyalty/programme` as `token`.
pub(crate) async fn set_programme(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.call(
        Method::PUT,
        "/api/v1/loyalty/programme",
        Some(token),
        Some(body.clone()),
    )
    .await
}

pub(crate) fn points_path(customer: &Value) -> String {
    format!("/api/v1/customers/{}/loyalty", id_of(customer))
}

/// Waits (up to 20 s) for the customer's points to reach `balance`.
pub(crate) async fn points_until(
    app: &TestApp,
    token: &str,
    customer: &Value,
    balance: i64,
) -> Value {
    for _ in 0..200 {
        let standing = json_of(get(app, token, &points_path(customer)).await, 200).await;
        if standing["balance"] == balance {
            return standing;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the points never reached {balance}");
}

/// Every entry of the customer's ledger, newest first.
pub(crate) async fn entries(app: &TestApp, token: &str, customer: &Value) -> Vec<Value> {
    let page = json_of(
        get(
            app,
            token,
            &format!("{}/entries?limit=200", points_path(customer)),
        )
        .await,
        200,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

/// The balance equals the sum of the ledger, and `unspent` never exceeds
/// what an entry added.
pub(crate) async fn balance_is_the_ledger(app: &TestApp, token: &str, customer: &Value) -> i64 {
    let standing = json_of(get(app, token, &points_path(customer)).await, 200).await;
    let entries = entries(app, token, customer).await;
    let sum: i64 = entries
        .iter()
        .map(|e| e["points"].as_i64().expect("points"))
        .sum();
    assert_eq!(standing["balance"], sum, "{standing} {entries:?}");
    for entry in &entries {
        let (points, unspent) = (entry["points"].as_i64(), entry["unspent"].as_i64());
        assert!(unspent <= points.map(|p| p.max(0)), "{entry}");
    }
    sum
}

/// The worked bill (a 3.390 g necklace at 12,800.00, making 16%), issued.
pub(crate) async fn sell_necklace(
    app: &TestApp,
    owner: &str,
    sales: &str,
    branch: &Value,
    buyer: &Value,
    tag: &str,
) -> Value {
    let necklace = piece(app, owner, branch, tag, "3.390").await;
    let bill = draft(
        app,
        sales,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"]}]}),
    )
    .await;
    assert_eq!(bill["taxableValue"], "50334.72");
    json_of(post(app, sales, &issue_path(&bill), json!({})).await, 200).await
}

async fn bills_earn_pending_points_and_a_tier_multiplies_the_next_bill(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let buyer = customer(&app, &sales, "9876543210", None).await;

    // The defaults; Gold from 500 qualifying points at 1.5x (owner only).
    let programme = json_of(get(&app, &sales, "/api/v1/loyalty/programme").await, 200).await;
    assert_eq!(programme["earnBasis"], "taxable_value");
    assert_eq!(programme["pendingDays"], 7);
    assert_eq!(
        programme["nonEarningCategories"],
        json!(["coin", "bullion"])
    );
    let mut changed = programme.clone();
    changed["tiers"] = json!([
        {"name": "Silver", "threshold": 0, "multiplier": "1.00"},
        {"name": "Gold", "threshold": 500, "multiplier": "1.50"}
    ]);
    let refused = set_programme(&app, &sales, &changed).await;
    assert_eq!(refused.status(), 403);
    let mut bad = changed.clone();
    bad["tiers"][1]["threshold"] = json!(0);
    bad["pointsPer100"] = json!("0");
    let problem = json_of(set_programme(&app, &owner, &bad).await, 422).await;
    assert_eq!(
        fields(&problem),
        ["pointsPer100", "tiers[1].threshold"],
        "{problem}"
    );
    let set = set_programme(&app, &owner, &changed).await;
    assert_eq!(set.status(), 200);
    assert_eq!(set.headers()["etag"], "\"1\"");
    // Set again from the defaults' version: someone changed it meanwhile.
    let stale = app
        .call_with_headers(
            Method::PUT,
            "/api/v1/loyalty/programme",
            &owner,
            &[("If-Match", "\"0\"")],
            changed,
        )
        .await;
    assert_eq!(stale.status(), 412);

    // The worked bill: 50,334.72 taxable earns 503, pending for 7 days.
    let first = sell_necklace(&app, &owner, &sales, &branch, &buyer, "GN-22-000123").await;
    let standing = points_until(&app, &sales, &buyer, 503).await;
    assert_eq!(standing["pending"], 503, "{standing}");
    assert_eq!(standing["available"], 0);
    assert_eq!(standing["value"], "0.00");
    assert_eq!(standing["qualifyingPoints"], 503);
    // 503 qualifying points reach Gold: the next bill earns at 1.5x.
    assert_eq!(standing["tier"], "Gold");
    assert_eq!(standing["firstRedemptionMinimum"], 250);
    let earned = entries(&app, &sales, &buyer).await;
    assert_eq!(earned.len(), 1);
    assert_eq!(earned[0]["kind"], "earned");
    assert_eq!(earned[0]["invoiceId"], first["id"]);
    let issued_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(first["issuedAt"].clone()).expect("issuedAt");
    let active_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(earned[0]["activeAt"].clone()).expect("activeAt");
    assert_eq!(active_at, issued_at + chrono::Duration::days(7));

    sell_necklace(&app, &owner, &sales, &branch, &buyer, "GN-22-000124").await;
    let standing = points_until(&app, &sales, &buyer, 503 + 755).await;
    assert_eq!(standing["pending"], 1258);
    assert_eq!(
        standing["qualifyingPoints"], 1006,
        "qualifying points are before the multiplier"
    );

    // A gold coin earns nothing, but counts for the tier.
    let coin = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces",
            json!({"tagNumber": "GC-8G-0001", "category": "coin", "metal": "gold", "fineness": 916,
                   "grossWeight": "8.000", "making": {"mode": "percent", "value": "2"},
                   "huid": "COIN01", "branchId": branch["id"]}),
        )
        .await,
        201,
    )
    .await;
    let bill = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": coin["id"]}]}),
    )
    .await;
    json_of(post(&app, &sales, &issue_path(&bill), json!({})).await, 200).await;
    // 8 g x 12,800.00 = 102,400.00 + 2% = 104,448.00 taxable: 1,044 qualifying.
    let mut counted = false;
    for _ in 0..200 {
        let standing = json_of(get(&app, &sales, &points_path(&buyer)).await, 200).await;
        if standing["qualifyingPoints"] == 1006 + 1044 {
            assert_eq!(standing["balance"], 1258, "{standing}");
            counted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(counted, "the coin never counted for the tier");
    let last = entries(&app, &sales, &buyer).await;
    assert_eq!(last.len(), 3, "{last:?}");
    assert_eq!(
        (
            last[0]["points"].as_i64(),
            last[0]["qualifyingPoints"].as_i64()
        ),
        (Some(0), Some(1044))
    );
    balance_is_the_ledger(&app, &sales, &buyer).await;
}

async fn adjustments_are_once_per_external_id_and_never_beyond_the_active_points(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, manager) = app
        .hire(&owner, "arun@example-jeweller.in", "manager", &[&branch])
        .await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let buyer = customer(&app, &sales, "9876543210", None).await;
    let path = format!("{}/adjustments", points_path(&buyer));

    let goodwill =
        json!({"points": 500, "reason": "Goodwill for a late repair", "externalId": "ticket-9911"});
    let refused = post(&app, &sales, &path, goodwill.clone()).await;
    assert_eq!(refused.status(), 403, "sales cannot adjust points");
    let made = json_of(post(&app, &manager, &path, goodwill.clone()).await, 201).await;
    assert_eq!(made["points"], 500);
    assert_eq!(made["unspent"], 500);
    assert_eq!(made["externalId"], "ticket-9911");
    // The same external id again: the entry made then, nothing new.
    let again = json_of(post(&app, &manager, &path, goodwill).await, 200).await;
    assert_eq!(again["id"], made["id"]);
    let reused = json_of(
        post(
            &app,
            &manager,
            &path,
            json!({"points": 50, "reason": "Other", "externalId": "ticket-9911"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(reused["errors"][0]["field"], "externalId", "{reused}");

    // Never more than the active points.
    let too_many = json_of(
        post(
            &app,
            &manager,
            &path,
            json!({"points": -501, "reason": "Correction"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(too_many["errors"][0]["field"], "points");
    assert_eq!(too_many["errors"][0]["code"], "more_than_available");
    let bad = json_of(
        post(&app, &manager, &path, json!({"points": 0, "reason": " "})).await,
        422,
    )
    .await;
    assert_eq!(fields(&bad), ["points", "reason"]);

    // Two takings of 300 race for 500 points: one wins.
    let takes = join_all((0..2).map(|i| {
        post(
            &app,
            if i == 0 { &manager } else { &owner },
            &path,
            json!({"points": -300, "reason": format!("Correction {i}")}),
        )
    }))
    .await;
    let mut statuses: Vec<u16> = takes.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422]);
    let standing = json_of(get(&app, &sales, &points_path(&buyer)).await, 200).await;
    assert_eq!(standing["balance"], 200);
    assert_eq!(standing["available"], 200);
    assert_eq!(balance_is_the_ledger(&app, &sales, &buyer).await, 200);
    let ledger = entries(&app, &sales, &buyer).await;
    assert_eq!(
        ledger[1]["unspent"], 200,
        "the taking drew on the award: {ledger:?}"
    );

    // Audited, with who did it.
    let trail = json_of(
        get(
            &app,
            &owner,
            "/api/v1/audit-events?entityType=loyalty_entry&limit=50",
        )
        .await,
        200,
    )
    .await;
    let audited = trail["items"].as_array().expect("items");
    assert_eq!(audited.len(), 2, "{trail}");
    assert!(audited.iter().any(|e| e["entityId"] == made["id"]));

    // An Idempotency-Key replays the first answer.
    let keyed = json!({"points": 10, "reason": "Birthday"});
    let first = app
        .call_with_headers(
            Method::POST,
            &path,
            &manager,
            &[("Idempotency-Key", "bday-1")],
            keyed.clone(),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("JSON");
    let replay = app
        .call_with_headers(
            Method::POST,
            &path,
            &manager,
            &[("Idempotency-Key", "bday-1")],
            keyed,
        )
        .await;
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(
        replay.json::<Value>().await.expect("JSON")["id"],
        first["id"]
    );
    assert_eq!(balance_is_the_ledger(&app, &sales, &buyer).await, 210);

    let unknown = get(
        &app,
        &sales,
        &format!("/api/v1/customers/{}/loyalty", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(unknown.status(), 404);
}

async fn a_customer_sees_only_their_own_points(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let meena = customer(&app, &sales, "9876543210", None).await;
    let ravi = customer(&app, &sales, "9123456780", None).await;
    for (who, points) in [(&meena, 120), (&ravi, 75)] {
        json_of(
            post(
                &app,
                &owner,
                &format!("{}/adjustments", points_path(who)),
                json!({"points": points, "reason": "Welcome"}),
            )
            .await,
            201,
        )
        .await;
    }
    let token = app
        .customer_tokens(&sales, id_of(&meena), "9876543210")
        .await["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let mine = json_of(get(&app, &token, "/api/v1/me/loyalty").await, 200).await;
    assert_eq!(mine["customerId"], meena["id"]);
    assert_eq!(mine["balance"], 120);
    assert_eq!(mine["available"], 120);
    assert_eq!(mine["value"], "120.00");
    let my_entries = json_of(get(&app, &token, "/api/v1/me/loyalty/entries").await, 200).await;
    let items = my_entries["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["customerId"], meena["id"]);
    // Another's points, the staff paths and the programme are not theirs.
    for path in [
        points_path(&ravi),
        format!("{}/entries", points_path(&ravi)),
        points_path(&meena),
        "/api/v1/loyalty/programme".to_owned(),
    ] {
        assert_eq!(get(&app, &token, &path).await.status(), 403, "{path}");
    }
    let taking = post(
        &app,
        &token,
        &format!("{}/adjustments", points_path(&meena)),
        json!({"points": 1000, "reason": "Mine"}),
    )
    .await;
    assert_eq!(taking.status(), 403);
    // Staff have no points of their own.
    assert_eq!(get(&app, &sales, "/api/v1/me/loyalty").await.status(), 403);
}

/// Waits (up to 20 s) for the customer's ledger to hold `count` entries.
pub(crate) async fn entries_until(
    app: &TestApp,
    token: &str,
    customer: &Value,
    count: usize,
) -> Vec<Value> {
    for _ in 0..200 {
        let items = entries(app, token, customer).await;
        if items.len() >= count {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the ledger never held {count} entries");
}

/// A draft for `buyer` of one service line of 9,523.81 (5% GST): 10,000.00.
pub(crate) async fn ten_thousand(
    app: &TestApp,
    token: &str,
    branch: &Value,
    buyer: &Value,
) -> Value {
    let bill = draft(
        app,
        token,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "service", "description": "Bridal set polishing", "amount": "9523.81"}]}),
    )
    .await;
    assert_eq!(bill["total"], "10000.00");
    bill
}
