//! Bulk import jobs: parts in CSV and NDJSON, a worker that goes through
//! the rows in the background with an outcome per row naming each bad
//! field, a dry run that changes nothing, a job that goes on where it
//! stopped after its worker did, and jobs seen only by whoever made them
//! (and the owner).

use std::time::Duration;

use jewel_persistence::repos::import_jobs::ImportJobs;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;
use crate::webhooks_scope::client_token;

on_both_backends!(
    a_job_gives_every_row_an_outcome,
    a_dry_run_changes_nothing,
    a_job_goes_on_where_its_worker_stopped,
    two_workers_racing_for_a_job_do_each_row_once,
    parts_racing_for_a_job_lose_no_row,
    a_job_is_seen_only_by_whoever_made_it,
);

async fn open(app: &TestApp, token: &str, dry_run: bool) -> Value {
    let body = json!({"kind": "customers", "dryRun": dry_run});
    json_of(post(app, token, "/api/v1/import-jobs", body).await, 201).await
}

async fn upload(
    app: &TestApp,
    token: &str,
    job: &Value,
    media: &str,
    body: String,
) -> reqwest::Response {
    let id = job["id"].as_str().expect("id");
    app.client
        .put(app.url(&format!("/api/v1/import-jobs/{id}/data")))
        .bearer_auth(token)
        .header("content-type", media)
        .body(body)
        .send()
        .await
        .expect("sent")
}

async fn move_to(app: &TestApp, token: &str, job: &Value, state: &str) -> reqwest::Response {
    let id = job["id"].as_str().expect("id");
    let path = format!("/api/v1/import-jobs/{id}");
    app.call(
        Method::PATCH,
        &path,
        Some(token),
        Some(json!({"state": state})),
    )
    .await
}

/// The job once it has ended; waits up to 60 s.
async fn ended(app: &TestApp, token: &str, job: &Value) -> Value {
    let path = format!("/api/v1/import-jobs/{}", job["id"].as_str().expect("id"));
    for _ in 0..600 {
        let now = json_of(get(app, token, &path).await, 200).await;
        if ["job_complete", "failed", "aborted"].contains(&now["state"].as_str().unwrap_or("")) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import job never ended");
}

/// The results' CSV lines after the header, split into cells.
async fn results(app: &TestApp, token: &str, job: &Value) -> Vec<Vec<String>> {
    let path = format!(
        "/api/v1/import-jobs/{}/results",
        job["id"].as_str().expect("id")
    );
    let response = get(app, token, &path).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader
            .headers()
            .expect("a header")
            .iter()
            .collect::<Vec<_>>(),
        ["row", "outcome", "recordId", "errorFields", "errors"]
    );
    reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

async fn customers_with(app: &TestApp, token: &str, mobile: &str) -> Vec<Value> {
    let page = json_of(
        get(app, token, &format!("/api/v1/customers?mobile={mobile}")).await,
        200,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

async fn a_job_gives_every_row_an_outcome(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let known = json_of(
        post(
            &app,
            &owner,
            "/api/v1/customers",
            json!({"name": "Old Friend", "mobile": "9000000005"}),
        )
        .await,
        201,
    )
    .await;
    let job = open(&app, &owner, false).await;
    assert_eq!(job["state"], "open");
    // Part one, CSV: a good row, a mobile that is no phone number, a
    // repeat of row 1's mobile.
    let csv = "name,mobile,tags\nAsha Rao,9000000001,bridal;vip\nBad Mobile,12345,\nAsha Again,90000 00001,\n";
    let part = json_of(
        upload(&app, &owner, &job, "text/csv", csv.to_owned()).await,
        200,
    )
    .await;
    assert_eq!(part["rowsTotal"], 3);
    // Part two, NDJSON: a good row with a list, an update of a known
    // customer by mobile, a row with a field the API does not know.
    let ndjson = [
        json!({"name": "Bhavna Shah", "mobile": "9000000002", "tags": ["gold"]}),
        json!({"name": "Old Friend", "mobile": "9000000005", "notes": "Moved to Adyar"}),
        json!({"name": "Odd Row", "mobile": "9000000003", "favouriteColour": "red"}),
        json!({"name": "Formula", "mobile": "9000000004", "=HYPERLINK(\"x\")": "y"}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let part = json_of(
        upload(&app, &owner, &job, "application/x-ndjson", ndjson).await,
        200,
    )
    .await;
    assert_eq!(part["rowsTotal"], 7);
    json_of(move_to(&app, &owner, &job, "upload_complete").await, 200).await;

    let done = ended(&app, &owner, &job).await;
    assert_eq!(done["state"], "job_complete", "{done}");
    for (field, count) in [
        ("rowsDone", 7),
        ("rowsCreated", 2),
        ("rowsUpdated", 1),
        ("rowsRejected", 4),
    ] {
        assert_eq!(done[field], count, "{field} in {done}");
    }
    let rows = results(&app, &owner, &job).await;
    let outcome = |row: usize| (rows[row - 1][1].as_str(), rows[row - 1][3].as_str());
    assert_eq!(rows.len(), 7);
    assert_eq!(outcome(1), ("created", ""));
    assert_eq!(outcome(2), ("rejected", "mobile"));
    assert_eq!(outcome(3), ("rejected", "mobile"));
    assert!(rows[2][4].contains("repeated"), "{:?}", rows[2]);
    assert_eq!(outcome(4), ("created", ""));
    assert_eq!(outcome(5), ("updated", ""));
    assert_eq!(rows[4][2], known["id"].as_str().expect("id"));
    assert_eq!(outcome(6).0, "rejected");
    assert!(rows[5][3].contains("favouriteColour"), "{:?}", rows[5]);
    // A field named like a formula is not one in a spreadsheet.
    assert_eq!(outcome(7).0, "rejected");
    assert!(rows[6][3].starts_with("'="), "{:?}", rows[6]);

    // What the rows made is there, once.
    let asha = customers_with(&app, &owner, "9000000001").await;
    assert_eq!(asha.len(), 1);
    assert_eq!(asha[0]["id"].as_str(), Some(rows[0][2].as_str()));
    assert_eq!(asha[0]["tags"], json!(["bridal", "vip"]));
    let friend = customers_with(&app, &owner, "9000000005").await;
    assert_eq!(friend[0]["notes"], "Moved to Adyar");

    // An ended job takes no part and no move.
    let late = upload(&app, &owner, &job, "text/csv", csv.to_owned()).await;
    assert_eq!(late.status(), 409);
    let problem = json_of(move_to(&app, &owner, &job, "aborted").await, 409).await;
    assert_eq!(problem["errors"][0]["field"], "state");
    // Refused: another body type, an empty job closed, a bad NDJSON line.
    let other = open(&app, &owner, false).await;
    let wrong = upload(&app, &owner, &other, "application/json", "{}".to_owned()).await;
    assert_eq!(wrong.status(), 415);
    let empty = json_of(move_to(&app, &owner, &other, "upload_complete").await, 422).await;
    assert_eq!(empty["errors"][0]["field"], "rows");
    let broken = upload(
        &app,
        &owner,
        &other,
        "application/x-ndjson",
        "{\"name\": \"A\"}\n[1]".to_owned(),
    )
    .await;
    assert_eq!(broken.status(), 400);
}

async fn a_dry_run_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let job = open(&app, &owner, true).await;
    let csv = "name,mobile\nAsha Rao,9000000001\nBhavna Shah,9000000002\nAsha Again,9000000001\n";
    json_of(
        upload(&app, &owner, &job, "text/csv", csv.to_owned()).await,
        200,
    )
    .await;
    json_of(move_to(&app, &owner, &job, "upload_complete").await, 200).await;
    let done = ended(&app, &owner, &job).await;
    assert_eq!(done["dryRun"], true);
    assert_eq!(
        (done["rowsCreated"].as_i64(), done["rowsRejected"].as_i64()),
        (Some(2), Some(1))
    );
    let rows = results(&app, &owner, &job).await;
    assert_eq!(rows[0][1], "created");
    assert_eq!(rows[0][2], "", "a dry run names no record it did not make");
    assert!(customers_with(&app, &owner, "9000000001").await.is_empty());
    assert!(customers_with(&app, &owner, "9000000002").await.is_empty());
}

async fn a_job_goes_on_where_its_worker_stopped(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |s| s.imports.work = false).await;
    let owner = app.owner_token().await;
    let job = closed_job(&app, &owner, 1_200).await;

    // A worker takes the job, commits one chunk and stops.
    let id: uuid::Uuid = job["id"].as_str().expect("id").parse().expect("a uuid");
    let db = app.state.database.connection();
    let token = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    assert!(
        ImportJobs::lease(db, id, token, now, now + chrono::Duration::seconds(60))
            .await
            .expect("leased")
    );
    jewel_api::import_worker::work_for(&app.state, (id, token), 1)
        .await
        .expect("one chunk");
    let path = format!("/api/v1/import-jobs/{id}");
    let halfway = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(halfway["state"], "in_progress");
    assert_eq!(halfway["rowsDone"], 500);
    assert!(!halfway["startedAt"].is_null());

    // Another worker (a restarted server) goes on at row 501.
    while jewel_api::import_worker::pass(&app.state)
        .await
        .expect("a pass")
        > 0
    {}
    let done = ended(&app, &owner, &job).await;
    assert_eq!(done["state"], "job_complete", "{done}");
    assert_eq!(
        (done["rowsDone"].as_i64(), done["rowsCreated"].as_i64()),
        (Some(1_200), Some(1_200))
    );
    let rows = results(&app, &owner, &job).await;
    assert_eq!(rows.len(), 1_200);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], "created");
    }
    for i in [1u32, 500, 501, 1_200] {
        let mobile = format!("9{:09}", 100_000_000 + i);
        assert_eq!(
            customers_with(&app, &owner, &mobile).await.len(),
            1,
            "{mobile}"
        );
    }
}

/// A job of `rows` generated customers, closed for a worker.
async fn closed_job(app: &TestApp, owner: &str, rows: u32) -> Value {
    let job = open(app, owner, false).await;
    let mut csv = String::from("name,mobile\n");
    for i in 1..=rows {
        csv.push_str(&format!("Customer {i},9{:09}\n", 100_000_000 + i));
    }
    json_of(upload(app, owner, &job, "text/csv", csv).await, 200).await;
    json_of(move_to(app, owner, &job, "upload_complete").await, 200).await;
    job
}

async fn two_workers_racing_for_a_job_do_each_row_once(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |s| s.imports.work = false).await;
    let owner = app.owner_token().await;
    let job = closed_job(&app, &owner, 1_500).await;
    let replica = app.replica(Vec::new()).await;
    // Two servers' workers, each going until it finds nothing to take.
    let work = |state: jewel_api::state::AppState| async move {
        let mut took = 0;
        loop {
            match jewel_api::import_worker::pass(&state)
                .await
                .expect("a pass")
            {
                0 => return took,
                n => took += n,
            }
        }
    };
    let (one, two) = tokio::join!(work(app.state.clone()), work(replica.state.clone()));
    assert!(one + two >= 1, "someone took the job");
    let done = ended(&app, &owner, &job).await;
    assert_eq!(done["state"], "job_complete", "{done}");
    assert_eq!(
        (done["rowsDone"].as_i64(), done["rowsCreated"].as_i64()),
        (Some(1_500), Some(1_500))
    );
    let rows = results(&app, &owner, &job).await;
    assert_eq!(rows.len(), 1_500);
    for i in [1u32, 750, 1_500] {
        let mobile = format!("9{:09}", 100_000_000 + i);
        assert_eq!(
            customers_with(&app, &owner, &mobile).await.len(),
            1,
            "{mobile}"
        );
    }
}

async fn parts_racing_for_a_job_lose_no_row(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |s| s.imports.work = false).await;
    let owner = app.owner_token().await;
    let job = open(&app, &owner, false).await;
    let parts = (0..4u32).map(|p| {
        let rows: String = (1..=3u32)
            .map(|i| format!("Customer {p}-{i},9{:09}\n", 200_000_000 + p * 10 + i))
            .collect();
        upload(
            &app,
            &owner,
            &job,
            "text/csv",
            format!("name,mobile\n{rows}"),
        )
    });
    let answers = futures_util::future::join_all(parts).await;
    let taken = answers.iter().filter(|a| a.status() == 200).count();
    assert!(
        answers
            .iter()
            .all(|a| [200, 409].contains(&a.status().as_u16())),
        "{:?}",
        answers
            .iter()
            .map(reqwest::Response::status)
            .collect::<Vec<_>>()
    );
    assert!(taken >= 1);
    let path = format!("/api/v1/import-jobs/{}", job["id"].as_str().expect("id"));
    let now = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(now["rowsTotal"].as_u64(), Some(3 * taken as u64), "{now}");
}

async fn a_job_is_seen_only_by_whoever_made_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let (_, shop_site) = client_token(&app, &owner, json!(["customers:bulk"])).await;
    let (_, other_site) = client_token(&app, &owner, json!(["customers:bulk"])).await;
    let (_, reader) = client_token(&app, &owner, json!(["customers:read"])).await;
    let job = open(&app, &shop_site, false).await;
    let path = format!("/api/v1/import-jobs/{}", job["id"].as_str().expect("id"));

    assert_eq!(get(&app, &shop_site, &path).await.status(), 200);
    assert_eq!(get(&app, &owner, &path).await.status(), 200);
    assert_eq!(get(&app, &other_site, &path).await.status(), 404);
    let theirs = upload(
        &app,
        &other_site,
        &job,
        "text/csv",
        "name,mobile\nA,9000000001\n".to_owned(),
    )
    .await;
    assert_eq!(theirs.status(), 404);
    assert_eq!(
        move_to(&app, &other_site, &job, "aborted").await.status(),
        404
    );
    let listed = json_of(get(&app, &other_site, "/api/v1/import-jobs").await, 200).await;
    assert_eq!(listed["items"], json!([]));
    // A position past the shop site's job shows the other site none of it.
    let paged_past = format!("/api/v1/import-jobs?before={}", uuid::Uuid::now_v7());
    let listed = json_of(get(&app, &other_site, &paged_past).await, 200).await;
    assert_eq!(listed["items"], json!([]));
    let listed = json_of(get(&app, &owner, "/api/v1/import-jobs").await, 200).await;
    assert_eq!(listed["items"][0]["id"], job["id"]);
    // Jobs made within one second page one by one, none lost.
    let mut made = vec![job["id"].clone()];
    for _ in 0..3 {
        made.push(open(&app, &shop_site, false).await["id"].clone());
    }
    let mut paged = Vec::new();
    let mut path = String::from("/api/v1/import-jobs?limit=1");
    loop {
        let page = json_of(get(&app, &shop_site, &path).await, 200).await;
        paged.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|j| j["id"].clone()),
        );
        match page["nextBefore"].as_str() {
            Some(before) => path = format!("/api/v1/import-jobs?limit=1&before={before}"),
            None => break,
        }
    }
    made.reverse();
    assert_eq!(paged, made, "newest first, each once");
    let refused = json_of(
        post(
            &app,
            &reader,
            "/api/v1/import-jobs",
            json!({"kind": "customers"}),
        )
        .await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("customers:bulk")
    );

    // Aborted by whoever made it: it ends, and takes nothing more.
    let aborted = json_of(move_to(&app, &shop_site, &job, "aborted").await, 200).await;
    assert_eq!(aborted["state"], "aborted");
    assert_eq!(
        upload(
            &app,
            &shop_site,
            &job,
            "text/csv",
            "name,mobile\nA,9000000001\n".to_owned()
        )
        .await
        .status(),
        409
    );
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/import-jobs",
            None,
            Some(json!({"kind": "customers"}))
        )
        .await
        .status(),
        401
    );
}
