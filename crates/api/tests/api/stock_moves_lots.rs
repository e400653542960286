//! The store's moves and lots: a piece moves only by legal moves, and lots\nare counted per branch and never go below zero.

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;
use crate::stock::stock_up;
use serde_json::{Value, json};

on_both_backends!(
    the_store_moves_pieces_only_by_legal_moves,
    lots_are_counted_per_branch_and_never_go_below_zero,
);

async fn the_store_moves_pieces_only_by_legal_moves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let piece = stock_up(&app, &owner, &branch, "M", 1).await.remove(0);
    let path = format!(
        "/api/v1/pieces/{}/status-changes",
        piece["id"].as_str().expect("id")
    );
    let change = |status: &str| json!({"status": status, "reason": "clasp loose"});

    assert_eq!(
        post(&app, &sales, &path, change("in_repair"))
            .await
            .status(),
        403
    );
    let repair = json_of(post(&app, &owner, &path, change("in_repair")).await, 200).await;
    assert_eq!(repair["status"], "in_repair");
    let illegal = json_of(post(&app, &owner, &path, change("melted")).await, 409).await;
    assert_eq!(illegal["errors"][0]["field"], "status");
    // Sales, holds and transfers have their own operations: not a status here.
    let own = json_of(post(&app, &owner, &path, change("sold")).await, 422).await;
    assert_eq!(own["errors"][0]["field"], "status");
    assert!(
        own["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("on_approval")),
        "{own}"
    );
    json_of(post(&app, &owner, &path, change("in_stock")).await, 200).await;
    let melted = json_of(post(&app, &owner, &path, change("melted")).await, 200).await;
    assert_eq!(melted["status"], "melted");
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(
        counts[branch["id"].as_str().expect("id")],
        0,
        "a melted piece is not on hand"
    );
    let ledger = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces/{}/movements",
                piece["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    let kinds: Vec<&str> = ledger["movements"]
        .as_array()
        .expect("movements")
        .iter()
        .map(|m| m["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["receipt", "status", "status", "melt"]);
    assert_eq!(ledger["movements"][1]["reason"], "clasp loose");
}

async fn lots_are_counted_per_branch_and_never_go_below_zero(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (mds, mdu) = (chennai["id"].clone(), madurai["id"].clone());
    let coins = json_of(
        post(
            &app,
            &owner,
            "/api/v1/lots",
            json!({"code": "coin-24k-10g", "name": "Lakshmi coin 10 g", "category": "Coin",
                   "unit": "count", "metal": "gold", "fineness": 999}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(coins["code"], "COIN-24K-10G");
    let id = coins["id"].as_str().expect("id");
    let moves = format!("/api/v1/lots/{id}/movements");
    let quantity = |lot: &Value, branch: &Value| -> Option<String> {
        lot["onHand"]
            .as_array()
            .expect("on hand")
            .iter()
            .find(|q| &q["branchId"] == branch)
            .map(|q| q["quantity"].as_str().expect("quantity").to_owned())
    };

    let received = json_of(
        post(
            &app,
            &owner,
            &moves,
            json!({"branchId": mds, "kind": "receipt", "quantity": "12"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(quantity(&received, &mds).as_deref(), Some("12"));
    let fractional = json_of(
        post(
            &app,
            &owner,
            &moves,
            json!({"branchId": mds, "kind": "receipt", "quantity": "1.5"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fractional["errors"][0]["field"], "quantity");
    let no_reason = json_of(
        post(
            &app,
            &owner,
            &moves,
            json!({"branchId": mds, "kind": "adjustment", "direction": "out", "quantity": "2"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(no_reason["errors"][0]["field"], "reason");
    let adjusted = json_of(
        post(
            &app,
            &owner,
            &moves,
            json!({"branchId": mds, "kind": "adjustment", "direction": "out", "quantity": "2",
                   "reason": "two coins short at the count"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(quantity(&adjusted, &mds).as_deref(), Some("10"));
    let too_many = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/lots/{id}/transfers"),
            json!({"fromBranchId": mds, "toBranchId": mdu, "quantity": "11"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(too_many["errors"][0]["field"], "quantity");
    let moved = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/lots/{id}/transfers"),
            json!({"fromBranchId": mds, "toBranchId": mdu, "quantity": "5"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(quantity(&moved, &mds).as_deref(), Some("5"));
    assert_eq!(quantity(&moved, &mdu).as_deref(), Some("5"));

    // Two adjustments racing for the last 5 coins: one wins.
    let out = json!({"branchId": mds, "kind": "adjustment", "direction": "out", "quantity": "3",
                     "reason": "sent for melting"});
    let (a, b) = tokio::join!(
        post(&app, &owner, &moves, out.clone()),
        post(&app, &owner, &moves, out)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let lot = json_of(get(&app, &owner, &format!("/api/v1/lots/{id}")).await, 200).await;
    assert_eq!(quantity(&lot, &mds).as_deref(), Some("2"));
    assert_eq!(lot["onHand"], lot["ledger"], "the ledger balances");

    // A lot sold by weight keeps grams to 3 places.
    let chain = json_of(
        post(
            &app,
            &owner,
            "/api/v1/lots",
            json!({"code": "CH-22-ROPE", "name": "Rope chain by the gram", "category": "chain",
                   "unit": "weight", "metal": "gold", "fineness": 916}),
        )
        .await,
        201,
    )
    .await;
    let chain = json_of(
        post(
            &app,
            &owner,
            &format!(
                "/api/v1/lots/{}/movements",
                chain["id"].as_str().expect("id")
            ),
            json!({"branchId": mds, "kind": "receipt", "quantity": "125.5"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(quantity(&chain, &mds).as_deref(), Some("125.500"));
    assert_eq!(chain["onHand"], chain["ledger"]);
}
