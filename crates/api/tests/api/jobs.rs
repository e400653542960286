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
    an_estimate_names_what_each_line_needs_and_only_its_customer_approves_it,
);

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .date_naive()
}

/// The worked repair: a 22K chain of 12.480 g, promised in a week.
pub(crate) fn chain(branch: &Value, who: &Value) -> Value {
    json!({"branchId": branch["id"], "customerId": who["id"], "kind": "repair",
           "customerWords": "The clasp opens by itself", "metal": "gold", "fineness": 916,
           "grossWeightIn": "12.480", "promisedOn": today() + chrono::Days::new(7)})
}

pub(crate) async fn take_in(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(post(app, token, "/api/v1/jobs", body).await, 201).await
}

fn status_path(job: &Value) -> String {
    format!("/api/v1/jobs/{}/status", id_of(job))
}

/// Moves `job` to `status` (with `extra` fields), expecting `code`.
pub(crate) async fn move_to(
    app: &TestApp,
    token: &str,
    job: &Value,
    body: Value,
    code: u16,
) -> Value {
    json_of(post(app, token, &status_path(job), body).await, code).await
}

/// The price list's clasp replacement at 850.00, added by the owner.
pub(crate) async fn clasp_task(app: &TestApp, owner: &str) -> Value {
    let body = json!({"name": "Clasp replacement", "price": "850.00"});
    json_of(post(app, owner, "/api/v1/service-tasks", body).await, 201).await
}

pub(crate) fn worked_lines(clasp: &Value) -> Value {
    json!([{"kind": "labour", "taskId": clasp["id"]},
           {"kind": "metal", "metal": "gold", "fineness": 916, "weight": "0.150"}])
}

pub(crate) async fn estimate(
    app: &TestApp,
    token: &str,
    job: &Value,
    lines: Value,
    code: u16,
) -> Value {
    let path = format!("/api/v1/jobs/{}/estimate", id_of(job));
    let answer = app
        .client
        .put(app.url(&path))
        .bearer_auth(token)
        .json(&json!({"lines": lines}))
        .send()
        .await
        .expect("sent");
    json_of(answer, code).await
}

async fn a_repair_moves_through_its_status_by_legal_moves_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let meena = customer(&app, &sales, "9876543210", None).await;
    crate::billing::set_rate(&app, &owner, "gold", 916, "12800.00").await;

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

    // Steps are not skipped: an estimate makes it estimated, the
    // customer's approval approved.
    for status in ["estimated", "approved", "at_artisan"] {
        let refused = move_to(&app, &sales, &job, json!({"status": status}), 409).await;
        assert_eq!(refused["errors"][0]["field"], "status", "{refused}");
        assert_eq!(refused["errors"][0]["code"], "illegal_move", "{refused}");
    }
    let approval = format!("/api/v1/jobs/{}/approval", id_of(&job));
    let refused = json_of(post(&app, &sales, &approval, json!({})).await, 409).await;
    assert_eq!(
        refused["errors"][0]["code"], "nothing_to_approve",
        "{refused}"
    );

    // The worked estimate: labour 850.00 (SAC 9988, 5%) and 0.150 g of
    // 22K at 12,800.00 = 1,920.00 (HSN 7113, 3%); GST 42.50 and 57.60;
    // 2,870.10 rounds to 2,870.00.
    let clasp = clasp_task(&app, &owner).await;
    let estimated = estimate(&app, &sales, &job, worked_lines(&clasp), 200).await;
    assert_eq!(estimated["status"], "estimated", "{estimated}");
    let priced = &estimated["estimate"];
    assert_eq!(priced["lines"][0]["amount"], "850.00", "{priced}");
    assert_eq!(priced["lines"][0]["code"], "9988");
    assert_eq!(priced["lines"][1]["amount"], "1920.00");
    assert_eq!(priced["lines"][1]["code"], "7113");
    assert_eq!(priced["taxableValue"], "2770.00");
    assert_eq!(priced["taxTotal"], "100.10");
    assert_eq!(priced["roundOff"], "-0.10");
    assert_eq!(priced["total"], "2870.00");
    assert_eq!(priced["approved"], false);
    let taxes: Vec<(&str, &str)> = priced["taxes"]
        .as_array()
        .expect("taxes")
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().expect("kind"),
                t["amount"].as_str().expect("amount"),
            )
        })
        .collect();
    assert_eq!(
        taxes,
        [
            ("CGST", "21.25"),
            ("SGST", "21.25"),
            ("CGST", "28.80"),
            ("SGST", "28.80")
        ]
    );

    // The customer approves it in the app; then it goes to the artisan.
    let her_token = app
        .customer_token(&owner, id_of(&meena), "9876543210")
        .await;
    let mine = format!("/api/v1/me/jobs/{}/approval", id_of(&job));
    let approved = json_of(post(&app, &her_token, &mine, json!({})).await, 200).await;
    assert_eq!(approved["status"], "approved", "{approved}");
    assert_eq!(approved["estimate"]["approvedByKind"], "customer");
    let artisan = json!({"name": "Ramesh Soni", "defaultWastage": "1.00"});
    let artisan = json_of(post(&app, &owner, "/api/v1/artisans", artisan).await, 201).await;
    let out = json!({"artisanId": artisan["id"], "metal": "gold", "fineness": 916,
                     "grossWeight": "12.480"});
    let issued = format!("/api/v1/jobs/{}/challans", id_of(&job));
    let challan = json_of(post(&app, &sales, &issued, out).await, 201).await;
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

    let receipts = format!("/api/v1/challans/{}/receipts", id_of(&challan));
    let back = json!({"grossWeight": "12.410", "closes": true});
    json_of(post(&app, &sales, &receipts, back).await, 201).await;

    // Polishing found needed: the changed estimate is approved again
    // before the job is ready.
    let mut lines = worked_lines(&clasp);
    lines
        .as_array_mut()
        .expect("lines")
        .push(json!({"kind": "other", "description": "Polishing", "amount": "100.00"}));
    let revised = estimate(&app, &sales, &job, lines, 200).await;
    assert_eq!(revised["status"], "back", "{revised}");
    assert_eq!(revised["estimate"]["revision"], 2);
    assert_eq!(revised["estimate"]["approved"], false);
    assert_eq!(revised["estimate"]["total"], "2975.00", "{revised}");
    let refused = move_to(&app, &sales, &job, json!({"status": "ready"}), 409).await;
    assert_eq!(refused["errors"][0]["field"], "estimate", "{refused}");
    let approved = json_of(post(&app, &sales, &approval, json!({})).await, 200).await;
    assert_eq!(approved["estimate"]["approvedByKind"], "staff");
    move_to(&app, &sales, &job, json!({"status": "ready"}), 200).await;
    let refused = move_to(&app, &sales, &job, json!({"status": "delivered"}), 422).await;
    assert_eq!(refused["errors"][0]["field"], "collectedBy", "{refused}");
    // Paid first: the bill made from the estimate, paid in full.
    let bill = format!("/api/v1/jobs/{}/bill", id_of(&job));
    let bill = json_of(post(&app, &sales, &bill, json!({})).await, 201).await;
    assert_eq!(bill["total"], "2975.00", "{bill}");
    let cash = json!({"payments": [{"method": "cash", "amount": "2975.00"}]});
    let paid = post(&app, &sales, &crate::billing::issue_path(&bill), cash).await;
    assert_eq!(json_of(paid, 200).await["status"], "paid");
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
    // Taken in, two estimates, two approvals, six moves, its bill.
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(12), "{trail}");
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

async fn an_estimate_names_what_each_line_needs_and_only_its_customer_approves_it(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let other = app.open_branch(&owner, "PUN1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&other])
        .await;
    let meena = customer(&app, &owner, "9876543210", None).await;
    let arun = customer(&app, &owner, "9123456780", None).await;
    let job = take_in(&app, &sales, chain(&branch, &meena)).await;

    // The price list is the owner's or a manager's; names are unique.
    let body = json!({"name": "Ring resizing", "price": "400.00"});
    assert_eq!(
        post(&app, &sales, "/api/v1/service-tasks", body)
            .await
            .status(),
        403
    );
    let clasp = clasp_task(&app, &owner).await;
    let again = json!({"name": "Clasp replacement", "price": "900.00"});
    let refused = json_of(
        post(&app, &owner, "/api/v1/service-tasks", again).await,
        409,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "name", "{refused}");
    let listed = json_of(get(&app, &sales, "/api/v1/service-tasks").await, 200).await;
    assert_eq!(listed["items"][0]["price"], "850.00");

    // Each line names what it lacks; no rate today is refused too.
    for (line, field, code) in [
        (json!({"kind": "labour"}), "lines[0].taskId", "required"),
        (
            json!({"kind": "labour", "taskId": meena["id"]}),
            "lines[0].taskId",
            "not_found",
        ),
        (
            json!({"kind": "metal", "metal": "gold", "fineness": 916}),
            "lines[0].weight",
            "required",
        ),
        (
            json!({"kind": "metal", "metal": "gold", "fineness": 916, "weight": "0.150"}),
            "lines[0].fineness",
            "no_rate",
        ),
        (
            json!({"kind": "other", "amount": "100.00"}),
            "lines[0].description",
            "required",
        ),
        (
            json!({"kind": "stone", "description": "Ruby", "amount": "0.00"}),
            "lines[0].amount",
            "too_small",
        ),
    ] {
        let refused = estimate(&app, &sales, &job, json!([line]), 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
        assert_eq!(refused["errors"][0]["code"], code, "{refused}");
    }
    let nothing = estimate(&app, &sales, &job, json!([]), 422).await;
    assert_eq!(nothing["errors"][0]["field"], "lines", "{nothing}");
    let read = json_of(
        get(&app, &sales, &format!("/api/v1/jobs/{}", id_of(&job))).await,
        200,
    )
    .await;
    assert!(read["estimate"].is_null(), "nothing stored: {read}");
    assert_eq!(read["status"], "received");

    // Another branch's staff cannot estimate it; another customer cannot
    // approve it; a stale If-Match is 412.
    let line = json!([{"kind": "labour", "taskId": clasp["id"]}]);
    estimate(&app, &elsewhere, &job, line.clone(), 404).await;
    let estimated = estimate(&app, &sales, &job, line.clone(), 200).await;
    assert_eq!(
        estimated["estimate"]["total"], "893.00",
        "850.00 and 5%: {estimated}"
    );
    let his_token = app.customer_token(&owner, id_of(&arun), "9123456780").await;
    let hers = format!("/api/v1/me/jobs/{}/approval", id_of(&job));
    assert_eq!(post(&app, &his_token, &hers, json!({})).await.status(), 404);
    let path = format!("/api/v1/jobs/{}/estimate", id_of(&job));
    let stale = app
        .client
        .put(app.url(&path))
        .bearer_auth(&sales)
        .header("If-Match", "\"1\"")
        .json(&json!({"lines": line}))
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let told = crate::events::feed_of_at_least(&app, &owner, "&types=job.estimated", 1).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["data"]["total"], "893.00");
    assert_eq!(told[0]["data"]["revision"], 1);
}
