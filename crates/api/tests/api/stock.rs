//! Moving stock: holds, the store's own moves, transfers between branches and
//! stock counts. After every scenario the ledger balances with the pieces.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;

on_both_backends!(
    holds_lapse_by_themselves_and_racing_holds_have_one_winner,
    a_piece_waiting_for_its_huid_cannot_be_held_or_sold,
    a_transfer_of_20_with_1_missing,
    a_count_of_5000_tags_finds_exactly_the_5_discrepancies,
);

/// Receives `count` hallmarked 22K rings tagged `{prefix}-{n}` at `branch`.
pub(crate) async fn stock_up(
    app: &TestApp,
    token: &str,
    branch: &Value,
    prefix: &str,
    count: usize,
) -> Vec<Value> {
    let mut received = Vec::new();
    let numbers: Vec<usize> = (1..=count).collect();
    for chunk in numbers.chunks(1000) {
        let pieces: Vec<Value> = chunk
            .iter()
            .map(|n| {
                json!({"tagNumber": format!("{prefix}-{n}"), "category": "ring", "metal": "gold",
                       "fineness": 916, "grossWeight": "4.250",
                       "making": {"mode": "per_gram", "value": "450"},
                       "huid": format!("{prefix}{n:0>5}").chars().rev().take(6).collect::<String>(),
                       "branchId": branch["id"]})
            })
            .collect();
        let body = json_of(
            post(
                app,
                token,
                "/api/v1/pieces/deliveries",
                json!({"pieces": pieces}),
            )
            .await,
            201,
        )
        .await;
        received.extend(body["pieces"].as_array().expect("pieces").iter().cloned());
    }
    received
}

async fn a_customer(app: &TestApp, token: &str) -> String {
    let customer = json_of(
        post(
            app,
            token,
            "/api/v1/customers",
            json!({"name": "Lakshmi Narayanan", "mobile": "98765 43210"}),
        )
        .await,
        201,
    )
    .await;
    customer["id"].as_str().expect("id").to_owned()
}

async fn holds_lapse_by_themselves_and_racing_holds_have_one_winner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let customer = a_customer(&app, &sales).await;
    let pieces = stock_up(&app, &owner, &branch, "R", 3).await;
    let path = |p: &Value| {
        format!(
            "/api/v1/pieces/{}/reservation",
            p["id"].as_str().expect("id")
        )
    };
    let until = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();

    // Two sales people hold the same piece at the same moment: one wins.
    let hold = json!({"customerId": customer, "until": until});
    let first_path = path(&pieces[0]);
    let (first, second) = tokio::join!(
        post(&app, &sales, &first_path, hold.clone()),
        post(&app, &owner, &first_path, hold.clone()),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let held = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/pieces/{}", pieces[0]["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(held["status"], "reserved");
    assert_eq!(held["reservation"]["customerId"], customer.as_str());

    // Let it go: back in stock.
    let released = app
        .call(Method::DELETE, &path(&pieces[0]), Some(&sales), None)
        .await;
    assert_eq!(json_of(released, 200).await["status"], "in_stock");
    let again = app
        .call(Method::DELETE, &path(&pieces[0]), Some(&sales), None)
        .await;
    assert_eq!(again.status(), 409);

    // A hold that runs out lapses by itself, with its line in the ledger.
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let short = json_of(
        post(
            &app,
            &sales,
            &path(&pieces[1]),
            json!({"customerId": customer, "until": soon}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(short["status"], "reserved");
    let id = pieces[1]["id"].as_str().expect("id");
    let listed = |status: &'static str| {
        let (app, sales) = (&app, &sales);
        let branch = branch["id"].as_str().expect("id").to_owned();
        async move {
            let page = json_of(
                get(
                    app,
                    sales,
                    &format!("/api/v1/pieces?branchId={branch}&status={status}"),
                )
                .await,
                200,
            )
            .await;
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|p| p["id"].as_str().expect("id").to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(listed("reserved").await.contains(&id.to_owned()));
    let other = pieces[2]["id"].as_str().expect("id");
    let also = post(
        &app,
        &sales,
        &path(&pieces[2]),
        json!({"customerId": customer, "until": soon}),
    )
    .await;
    assert_eq!(json_of(also, 200).await["status"], "reserved");
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    // Read on its own, a hold that ran out lapses on the spot ...
    let one = json_of(
        get(&app, &sales, &format!("/api/v1/pieces/{other}")).await,
        200,
    )
    .await;
    assert_eq!(one["status"], "in_stock", "{one}");
    // ... and a list lets every lapsed hold go first, though it read a moment ago.
    assert!(listed("in_stock").await.contains(&id.to_owned()));
    assert!(!listed("reserved").await.contains(&id.to_owned()));
    let lapsed = json_of(
        get(&app, &sales, &format!("/api/v1/pieces/{id}")).await,
        200,
    )
    .await;
    assert_eq!(lapsed["status"], "in_stock", "{lapsed}");
    assert!(lapsed["reservation"].is_null());
    let ledger = json_of(
        get(&app, &sales, &format!("/api/v1/pieces/{id}/movements")).await,
        200,
    )
    .await;
    let kinds: Vec<(&str, &str)> = ledger["movements"]
        .as_array()
        .expect("movements")
        .iter()
        .map(|m| {
            (
                m["toStatus"].as_str().expect("status"),
                m["actorKind"].as_str().expect("actor"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("in_stock", "staff"),
            ("reserved", "staff"),
            ("in_stock", "system")
        ]
    );

    // Holds in the past, too far ahead, or for nobody are refused.
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let refused = json_of(
        post(
            &app,
            &sales,
            &path(&pieces[1]),
            json!({"customerId": customer, "until": past}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "until");
    let nobody = json_of(
        post(
            &app,
            &sales,
            &path(&pieces[1]),
            json!({"customerId": uuid::Uuid::now_v7(), "until": until}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(nobody["errors"][0]["field"], "customerId");
    ledger_balances(&app, &owner).await;
}

async fn a_piece_waiting_for_its_huid_cannot_be_held_or_sold(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let customer = a_customer(&app, &owner).await;
    let pending = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces",
            json!({"tagNumber": "B-1", "category": "bangle", "metal": "gold", "fineness": 916,
                   "grossWeight": "24.800", "making": {"mode": "percent", "value": "12"},
                   "branchId": branch["id"]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(pending["hallmark"]["state"], "pending");
    let id = pending["id"].as_str().expect("id");
    let until = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let held = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/pieces/{id}/reservation"),
            json!({"customerId": customer, "until": until}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(held["errors"][0]["field"], "huid", "{held}");
    assert_eq!(held["errors"][0]["code"], "hallmark_pending");
    let approval = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/pieces/{id}/status-changes"),
            json!({"status": "on_approval", "reason": "to Mrs. Lakshmi's home"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(approval["errors"][0]["field"], "huid");
    let still = json_of(
        get(&app, &owner, &format!("/api/v1/pieces/{id}")).await,
        200,
    )
    .await;
    assert_eq!(still["status"], "in_stock");

    // The HUID comes back from the hallmarking centre: now it may be held.
    let huid = |value: &str, version: &str| {
        app.client
            .put(app.url(&format!("/api/v1/pieces/{id}/huid")))
            .bearer_auth(&owner)
            .header("If-Match", version)
            .json(&json!({"huid": value}))
            .send()
    };
    let bad = json_of(huid("ab12cd", "\"1\"").await.expect("sent"), 422).await;
    assert_eq!(bad["errors"][0]["field"], "huid");
    let marked = json_of(huid("AB12CD", "\"1\"").await.expect("sent"), 200).await;
    assert_eq!(
        marked["hallmark"],
        json!({"state": "hallmarked", "huid": "AB12CD"})
    );
    let stale = huid("AB12CE", "\"1\"").await.expect("sent");
    assert_eq!(stale.status(), 412);
    let other = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces",
            json!({"tagNumber": "B-2", "category": "bangle", "metal": "gold", "fineness": 916,
                   "grossWeight": "1.5", "making": {"mode": "percent", "value": "12"},
                   "huid": "ZZ99ZZ", "branchId": branch["id"]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(other["hallmark"]["state"], "hallmarked");
    let taken = json_of(huid("ZZ99ZZ", "\"2\"").await.expect("sent"), 409).await;
    assert_eq!(taken["errors"][0]["field"], "huid");
    let held = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/pieces/{id}/reservation"),
            json!({"customerId": customer, "until": until}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(held["status"], "reserved");
    ledger_balances(&app, &owner).await;
}

async fn a_transfer_of_20_with_1_missing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, chennai_manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&chennai])
        .await;
    let (_, madurai_manager) = app
        .hire(&owner, "meena@example.com", "manager", &[&madurai])
        .await;
    let pieces = stock_up(&app, &owner, &chennai, "T", 20).await;
    let ids: Vec<Value> = pieces.iter().map(|p| p["id"].clone()).collect();
    let (mds, mdu) = (
        chennai["id"].as_str().expect("id").to_owned(),
        madurai["id"].as_str().expect("id").to_owned(),
    );

    // Only the sending branch dispatches.
    let foreign = json_of(
        post(
            &app,
            &madurai_manager,
            "/api/v1/transfers",
            json!({"fromBranchId": mds, "toBranchId": mdu, "pieceIds": ids}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(foreign["errors"][0]["field"], "fromBranchId");
    let transfer = json_of(
        post(
            &app,
            &chennai_manager,
            "/api/v1/transfers",
            json!({"fromBranchId": mds, "toBranchId": mdu, "pieceIds": ids, "note": "exhibition"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(transfer["status"], "in_transit");
    assert_eq!(transfer["pieces"].as_array().expect("pieces").len(), 20);
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(counts.get(&mds).copied().unwrap_or(0), 0);
    assert_eq!(
        counts.get(&mdu).copied().unwrap_or(0),
        0,
        "in transit is on no one's shelves"
    );
    // A piece in transit cannot be sent again.
    let again = json_of(
        post(
            &app,
            &owner,
            "/api/v1/transfers",
            json!({"fromBranchId": mdu, "toBranchId": mds, "pieceIds": [ids[0]]}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(again["errors"][0]["field"], "pieceIds[0]");

    // Madurai receives 19; the 20th is flagged missing.
    let id = transfer["id"].as_str().expect("id");
    let arrived: Vec<Value> = ids[..19].to_vec();
    let not_theirs = post(
        &app,
        &chennai_manager,
        &format!("/api/v1/transfers/{id}/receipt"),
        json!({"receivedPieceIds": arrived}),
    )
    .await;
    assert_eq!(not_theirs.status(), 403);
    let received = json_of(
        post(
            &app,
            &madurai_manager,
            &format!("/api/v1/transfers/{id}/receipt"),
            json!({"receivedPieceIds": arrived}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(received["status"], "received_with_missing");
    assert_eq!(received["missing"], 1);
    let missing: Vec<&Value> = received["pieces"]
        .as_array()
        .expect("pieces")
        .iter()
        .filter(|p| p["state"] == "missing")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["pieceId"], ids[19]);
    let twice = post(
        &app,
        &madurai_manager,
        &format!("/api/v1/transfers/{id}/receipt"),
        json!({"receivedPieceIds": arrived}),
    )
    .await;
    assert_eq!(twice.status(), 409);

    let in_madurai = json_of(
        get(
            &app,
            &madurai_manager,
            "/api/v1/pieces?status=in_stock&limit=200",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(in_madurai["items"].as_array().expect("items").len(), 19);
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(counts[&mdu], 19);
    assert_eq!(counts.get(&mds).copied().unwrap_or(0), 0);
    let lost = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/pieces/{}", ids[19].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(lost["status"], "in_transit");
    let listed = json_of(get(&app, &chennai_manager, "/api/v1/transfers").await, 200).await;
    assert_eq!(listed["items"][0]["id"], transfer["id"]);
}

async fn a_count_of_5000_tags_finds_exactly_the_5_discrepancies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let pieces = stock_up(&app, &owner, &chennai, "A", 5000).await;
    let elsewhere = stock_up(&app, &owner, &madurai, "Z", 1).await.remove(0);
    // 3 pieces are not on the shelves; one unknown tag and one of Madurai's
    // piece are scanned. Repeats and case do not matter.
    let mut scanned: Vec<String> = pieces[3..]
        .iter()
        .map(|p| p["tagNumber"].as_str().expect("tag").to_lowercase())
        .collect();
    scanned.push("A-10".to_owned());
    scanned.push("NO-SUCH-TAG".to_owned());
    scanned.push(elsewhere["tagNumber"].as_str().expect("tag").to_owned());
    let counted = json_of(
        post(
            &app,
            &owner,
            "/api/v1/stock-audits",
            json!({"branchId": chennai["id"], "scanned": scanned}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(counted["matched"], 4997);
    let missing: Vec<&str> = counted["missing"]
        .as_array()
        .expect("missing")
        .iter()
        .map(|m| m["tagNumber"].as_str().expect("tag"))
        .collect();
    assert_eq!(missing, ["A-1", "A-2", "A-3"]);
    let unexpected: Vec<(&str, &str)> = counted["unexpected"]
        .as_array()
        .expect("unexpected")
        .iter()
        .map(|u| {
            (
                u["code"].as_str().expect("code"),
                u["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(
        unexpected,
        [("NO-SUCH-TAG", "unknown"), ("Z-1", "elsewhere")]
    );
    assert!(
        counted["unexpected"][1]["pieceId"].is_null(),
        "another branch's piece is named by its code alone: {}",
        counted["unexpected"][1]
    );
    let id = counted["id"].as_str().expect("id");
    let kept = json_of(
        get(&app, &owner, &format!("/api/v1/stock-audits/{id}")).await,
        200,
    )
    .await;
    assert_eq!(kept["missing"].as_array().expect("missing").len(), 3);
    assert_eq!(kept["scanned"], 4999);
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(counts[chennai["id"].as_str().expect("id")], 5000);
}
