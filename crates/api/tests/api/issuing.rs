//! Issuing a bill as the database sees it: what the issue answers is the
//! bill a read gives back, and the whole issue is a handful of statements,
//! counted at the wire by a proxy in front of MariaDB.

use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::{customer, draft, issue_path, piece, sales_of, set_rate};
use crate::helpers::{
    Backend, COM_QUERY, COM_STMT_EXECUTE, Proxy, TestApp, TestDatabase, get, json_of, mysql_server,
    post, test_settings,
};
use crate::{on_both_backends, on_mariadb_only};

on_both_backends!(
    what_issuing_answers_is_what_a_read_gives_back,
    what_is_written_with_the_commit_is_what_was_sent,
);
on_mariadb_only!(issuing_a_bill_is_thirteen_statements);

/// A draft of a 22K piece and an engraving for a new customer, at `branch`.
async fn a_draft(app: &TestApp, token: &str, branch: &Value, tag: &str, mobile: &str) -> Value {
    let necklace = piece(app, token, branch, tag, "3.390").await;
    let buyer = customer(app, token, mobile, None).await;
    draft(
        app,
        token,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"]},
                         {"kind": "service", "description": "Engraving", "amount": "300.00"}]}),
    )
    .await
}

/// Part paid as it is issued: by UPI and in cash.
fn part_paid() -> Value {
    json!({"payments": [{"method": "upi", "amount": "20000.00", "reference": "UPI-1"},
                        {"method": "cash", "amount": "5000.00"}]})
}

async fn what_issuing_answers_is_what_a_read_gives_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let bill = a_draft(&app, &owner, &branch, "GN-22-000777", "9876543210").await;

    let answered = post(&app, &owner, &issue_path(&bill), part_paid()).await;
    let issued = json_of(answered, 200).await;
    assert_eq!(issued["status"], "partially_paid");
    assert_eq!(issued["paid"], "25000.00");
    assert_eq!(issued["payments"].as_array().map(Vec::len), Some(2));

    let path = format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id"));
    let read = get(&app, &owner, &path).await;
    let stored = json_of(read, 200).await;
    assert_eq!(
        differences("", &issued, &stored),
        Vec::<String>::new(),
        "the issue answered one bill, a read gave another"
    );
    let customer_path = format!(
        "/api/v1/customers/{}",
        bill["customerId"].as_str().expect("a customer")
    );
    let buyer = json_of(get(&app, &owner, &customer_path).await, 200).await;
    assert_eq!(buyer["purchases"]["count"], 1, "{buyer}");
    assert_eq!(buyer["purchases"]["lifetimeValue"], issued["total"]);
    assert_eq!(buyer["purchases"]["lastPurchaseAt"], issued["issuedAt"]);
}

async fn issuing_a_bill_is_thirteen_statements(backend: Backend) {
    let proxy = Proxy::start_counting(mysql_server()).await;
    let database = TestDatabase::create_via(backend, Some(proxy.address)).await;
    let mut settings = test_settings(backend, &database);
    // Another replica delivers the events: what is counted is the request.
    settings.events.deliver = false;
    let app = TestApp::spawn_with(backend, database, settings).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    // The first bill of the year opens its run of numbers.
    let first = a_draft(&app, &owner, &branch, "GN-22-000001", "9876543210").await;
    let second = a_draft(&app, &owner, &branch, "GN-22-000002", "9876543211").await;
    json_of(
        post(&app, &owner, &issue_path(&first), part_paid()).await,
        200,
    )
    .await;

    let statements = || proxy.commands(COM_QUERY) + proxy.commands(COM_STMT_EXECUTE);
    let before = statements();
    let executed_before = proxy.commands(COM_STMT_EXECUTE);
    let issued = app
        .call(
            Method::POST,
            &issue_path(&second),
            Some(&owner),
            Some(part_paid()),
        )
        .await;
    assert_eq!(issued.status(), 200);
    let ran = statements() - before;
    // The bill, its lines (2), the branch, its run of numbers; BEGIN, the
    // piece read and marked sold, the customer's purchases, the payments,
    // the bill marked issued, the number, then one query with the writes
    // that carry the number (the bill's number, the stock ledger, the
    // audit trail (2), the outbox), COMMIT; the server's background work
    // (revocations each second, expired holds) may add a few.
    assert!(
        (13..13 + 4).contains(&ran),
        "{ran} statements for one issue"
    );
    // Ten of them bound one at a time; the writes after the number are
    // one text query, not five prepared statements.
    let executed = proxy.commands(COM_STMT_EXECUTE) - executed_before;
    assert!(
        (10..10 + 3).contains(&executed),
        "{executed} prepared statements for one issue"
    );
}

/// Text that would break out of a quoted SQL string, in a line of a bill.
const AWKWARD: &str = r#"Engrave "மீனா" \' O'Brien'; DELETE FROM invoices; -- 💍 \\"#;

/// The writes that go with the commit (on MariaDB one text query with
/// every value written out) store what the request sent: the kept answer
/// replays byte for byte, the audit entry holds the line as given, the
/// stock ledger names the bill's number.
async fn what_is_written_with_the_commit_is_what_was_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let ring = piece(&app, &owner, &branch, "GN-22-000901", "2.100").await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "piece", "pieceId": ring["id"]},
                         {"kind": "service", "description": AWKWARD, "amount": "300.00"}]}),
    )
    .await;
    let send = || {
        app.client
            .post(app.url(&issue_path(&bill)))
            .bearer_auth(&owner)
            .header("Idempotency-Key", "issue-awkward-1")
            .json(&part_paid())
            .send()
    };
    let first = send().await.expect("sent");
    assert_eq!(first.status(), 200);
    let first = first.bytes().await.expect("a body");
    let replay = send().await.expect("sent");
    assert_eq!(replay.status(), 200);
    assert_eq!(
        replay
            .headers()
            .get("Idempotent-Replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(
        replay.bytes().await.expect("a body"),
        first,
        "the replay differs"
    );
    let issued: Value = serde_json::from_slice(&first).expect("JSON");
    assert_eq!(issued["lines"][1]["description"], AWKWARD);
    let number = issued["number"].as_str().expect("a number");

    let trail = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/audit-events?entityType=invoice&entityId={}",
                bill["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    let issue_entry = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "issue")
        .unwrap_or_else(|| panic!("no issue in {trail}"))
        .clone();
    assert_eq!(issue_entry["after"]["number"], number, "{issue_entry}");
    assert_eq!(
        issue_entry["after"]["lines"][1]["description"], AWKWARD,
        "{issue_entry}"
    );
    let sales = sales_of(&app, &owner, &ring).await;
    assert_eq!(sales.len(), 1, "{sales:?}");
    assert_eq!(sales[0]["reason"], format!("invoice {number}"));
    assert_eq!(sales[0]["reference"], bill["id"]);
}

/// The paths at which `a` and `b` differ, each with both values.
fn differences(at: &str, a: &Value, b: &Value) -> Vec<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .flat_map(|k| {
                    let (l, r) = (
                        &x.get(k).cloned().unwrap_or(Value::Null),
                        &y.get(k).cloned().unwrap_or(Value::Null),
                    );
                    differences(&format!("{at}.{k}"), l, r)
                })
                .collect()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .flat_map(|(i, (l, r))| differences(&format!("{at}[{i}]"), l, r))
            .collect(),
        _ if a == b => Vec::new(),
        _ => vec![format!("{at}: {a} != {b}")],
    }
}
