//! Service jobs over HTTP: a job card taken in at a branch, numbered
//! without gaps per branch and financial year (fifty at once: 1 to 50),
//! its item weighed in; moved through its status by legal moves only
//! (every illegal one 409 naming `status`), held with a reason and
//! resumed where it was, delivered to a named collector; each move in its
//! history, the audit trail and the event feed; staff see their branches'
//! jobs, a customer only their own; the overdue are listed.

use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::billing::customer;
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::{id_of, sell_necklace};
use crate::on_both_backends;

on_both_backends!(
    a_repair_moves_through_its_status_by_legal_moves_only,
    fifty_jobs_taken_in_at_once_are_numbered_without_gaps,
    staff_see_their_branches_jobs_and_customers_their_own,
);

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .date_naive()
}

/// The worked repair: a 22K chain of 12.480 g, promised in a week.
fn chain(branch: &Value, who: &Value) -> Value {
    json!({"branchId": branch["id"], "customerId": who["id"], "kind": "repair",
           "customerWords": "The clasp opens by itself", "metal": "gold", "fineness": 916,
           "grossWeightIn": "12.480", "promisedOn": today() + chrono::Days::new(7)})
}

async fn take_in(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(post(app, token, "/api/v1/jobs", body).await, 201).await
}

fn status_path(job: &Value) -> String {
    format!("/api/v1/jobs/{}/status", id_of(job))
}

/// Moves `job` to `status` (with `extra` fields), expecting `code`.
async fn move_to(app: &TestApp, token: &str, job: &Value, body: Value, code: u16) -> Value {
    json_of(post(app, token, &status_path(job), body).await, code).await
}

async fn a_repair_moves_through_its_status_by_legal_moves_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let meena = customer(&app, &sales, "9876543210", None).await;

    // What the card must say, each refusal naming its field.
    for (change, field) in [
        (json!({"grossWeightIn": null}), "grossWeightIn"),
        (json!({"metal": null}), "metal"),
        (
            json!({"promisedOn": today() - chrono::Days::new(1)}),
            "promisedOn",
        ),
        (json!({"customerWords": "  "}), "customerWords"),
        (json!({"fineness": 1000}), "fineness"),
    ] {
        let mut body = chain(&branch, &meena);
        for (key, value) in change.as_object().expect("fields") {
            body[key] = value.clone();
        }
        let refused = json_of(post(&app, &sales, "/api/v1/jobs", body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }

    let job = take_in(&app, &sales, chain(&branch, &meena)).await;
    let number = job["number"].as_str().expect("a number");
    assert!(
        number.starts_with("MUM1/JOB/") && number.ends_with("/000001"),
        "{number}"
    );
    assert_eq!(job["status"], "received");
    assert_eq!(job["grossWeightIn"], "12.480");
    assert_eq!(job["customerWords"], "The clasp opens by itself");
    assert_eq!(job["history"][0]["to"], "received");
    assert_eq!(job["overdue"], false);

    // Steps are not skipped.
    let refused = move_to(&app, &sales, &job, json!({"status": "approved"}), 409).await;
    assert_eq!(refused["errors"][0]["field"], "status", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "illegal_move", "{refused}");
    for status in ["estimated", "approved", "at_artisan"] {
        let moved = move_to(&app, &sales, &job, json!({"status": status}), 200).await;
        assert_eq!(moved["status"], status);
    }
    // With the artisan: not cancelled; held only with a reason, and
    // resumed where it was.
    let body = json!({"status": "cancelled", "reason": "Customer changed mind"});
    move_to(&app, &sales, &job, body, 409).await;
    let refused = move_to(&app, &sales, &job, json!({"status": "on_hold"}), 422).await;
    assert_eq!(refused["errors"][0]["field"], "reason", "{refused}");
    let body = json!({"status": "on_hold", "reason": "Artisan waiting for a clasp"});
    let held = move_to(&app, &sales, &job, body, 200).await;
    assert_eq!(held["heldFrom"], "at_artisan");
    assert_eq!(held["holdReason"], "Artisan waiting for a clasp");
    move_to(&app, &sales, &job, json!({"status": "back"}), 409).await;

    let resumed = move_to(&app, &sales, &job, json!({"status": "at_artisan"}), 200).await;
    assert!(resumed["heldFrom"].is_null(), "{resumed}");

    // A stale If-Match is 412 and changes nothing.
    let stale = app
        .client
        .post(app.url(&status_path(&job)))
        .bearer_auth(&sales)
        .header("If-Match", "\"1\"")
        .json(&json!({"status": "back"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let read = json_of(
        get(&app, &sales, &format!("/api/v1/jobs/{}", id_of(&job))).await,
        200,
    )
    .await;
    assert_eq!(read["status"], "at_artisan");

    for status in ["back", "ready"] {
        move_to(&app, &sales, &job, json!({"status": status}), 200).await;
    }
    let refused = move_to(&app, &sales, &job, json!({"status": "delivered"}), 422).await;
    assert_eq!(refused["errors"][0]["field"], "collectedBy", "{refused}");
    let body = json!({"status": "delivered", "collectedBy": "Arun Sundaram (son)"});
    let delivered = move_to(&app, &sales, &job, body, 200).await;
    assert_eq!(delivered["collectedBy"], "Arun Sundaram (son)");
    assert!(delivered["deliveredAt"].is_string());
    move_to(
        &app,
        &sales,
        &job,
        json!({"status": "on_hold", "reason": "x"}),
        409,
    )
    .await;

    // Every move in its history, the audit trail and the feed.
    let read = json_of(
        get(&app, &sales, &format!("/api/v1/jobs/{}", id_of(&job))).await,
        200,
    )
    .await;
    let moves: Vec<&str> = read["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|c| c["to"].as_str().expect("to"))
        .collect();
    assert_eq!(
        moves,
        [
            "received",
            "estimated",
            "approved",
            "at_artisan",
            "on_hold",
            "at_artisan",
            "back",
            "ready",
            "delivered"
        ]
    );
    let audit = format!(
        "/api/v1/audit-events?entityType=job&entityId={}",
        id_of(&job)
    );
    let trail = json_of(get(&app, &owner, &audit).await, 200).await;
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(9), "{trail}");
    let told = crate::events::feed_of_at_least(&app, &owner, "&types=job.status_changed", 9).await;
    assert_eq!(told.len(), 9);
    assert!(told[0]["data"]["from"].is_null());
    assert_eq!(told[8]["data"]["to"], "delivered");
    assert_eq!(told[8]["data"]["number"], job["number"]);
    assert_eq!(told[8]["data"]["customerId"], meena["id"]);
}

async fn fifty_jobs_taken_in_at_once_are_numbered_without_gaps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let body = chain(&branch, &meena);
    let answers = join_all((0..50).map(|_| post(&app, &owner, "/api/v1/jobs", body.clone()))).await;
    let mut numbers = Vec::new();
    for answer in answers {
        let job = json_of(answer, 201).await;
        let number = job["number"].as_str().expect("number").to_owned();
        numbers.push(number[number.len() - 6..].parse::<u32>().expect("digits"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<u32>>());
}

async fn staff_see_their_branches_jobs_and_customers_their_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let other = app.open_branch(&owner, "PUN1").await;
    crate::billing::set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&other])
        .await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let arun = customer(&app, &owner, "9123456780", None).await;

    // A job on a piece we sold shows its HUID and its bill.
    let bill = sell_necklace(&app, &owner, &owner, &branch, &meena, "GN-J1").await;
    let piece_id = bill["lines"][0]["pieceId"].clone();
    let mut body = chain(&branch, &meena);
    body["pieceId"] = piece_id.clone();
    let hers = take_in(&app, &owner, body).await;
    assert_eq!(hers["piece"]["id"], piece_id, "{hers}");
    assert_eq!(hers["piece"]["invoiceNumber"], bill["number"], "{hers}");
    assert!(hers["piece"]["huid"].is_string(), "{hers}");
    let his = take_in(&app, &owner, chain(&branch, &arun)).await;

    // Another branch's staff: nothing seen, nothing moved, nothing taken in there.
    let path = format!("/api/v1/jobs/{}", id_of(&hers));
    assert_eq!(get(&app, &elsewhere, &path).await.status(), 404);
    let listed = json_of(get(&app, &elsewhere, "/api/v1/jobs").await, 200).await;
    assert_eq!(listed["items"], json!([]));
    let asked = format!(
        "/api/v1/jobs?branchId={}",
        branch["id"].as_str().expect("id")
    );
    let listed = json_of(get(&app, &elsewhere, &asked).await, 200).await;
    assert_eq!(listed["items"], json!([]));
    move_to(&app, &elsewhere, &hers, json!({"status": "estimated"}), 404).await;
    let refused = json_of(
        post(&app, &elsewhere, "/api/v1/jobs", chain(&branch, &meena)).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "branchId", "{refused}");
    let (_, their_manager) = app
        .hire(&owner, "anita@example-jeweller.in", "manager", &[&other])
        .await;
    let audit = format!(
        "/api/v1/audit-events?entityType=job&entityId={}",
        id_of(&hers)
    );
    let trail = json_of(get(&app, &their_manager, &audit).await, 200).await;
    assert_eq!(trail["items"], json!([]), "not their branch's audit trail");
    let trail = json_of(get(&app, &owner, &audit).await, 200).await;
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(1));

    // A customer reads only her own; not the staff list.
    let her_token = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let mine = json_of(get(&app, &her_token, "/api/v1/me/jobs").await, 200).await;
    let ids: Vec<&Value> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|j| &j["id"])
        .collect();
    assert_eq!(ids, [&hers["id"]]);
    assert_eq!(get(&app, &her_token, "/api/v1/jobs").await.status(), 403);
    assert_eq!(get(&app, &her_token, &path).await.status(), 403);
    assert_eq!(get(&app, &owner, "/api/v1/me/jobs").await.status(), 403);

    // Promised yesterday and not ready: overdue until it is ready.
    let db = app.state.database.connection();
    let yesterday = today() - chrono::Days::new(1);
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE job_cards SET promised_on = ? WHERE id = ?",
        [yesterday.into(), id_of(&his).to_owned().into()],
    ))
    .await
    .expect("promised yesterday");
    let overdue = json_of(get(&app, &owner, "/api/v1/jobs?overdue=true").await, 200).await;
    let ids: Vec<&Value> = overdue["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|j| &j["id"])
        .collect();
    assert_eq!(ids, [&his["id"]], "{overdue}");
    assert_eq!(overdue["items"][0]["overdue"], true);
    let received = json_of(
        get(&app, &owner, "/api/v1/jobs?status=received&kind=repair").await,
        200,
    )
    .await;
    assert_eq!(received["items"].as_array().map(Vec::len), Some(2));
}
