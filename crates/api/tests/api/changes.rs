//! The changes feed: every change to what the caller may read, in commit
//! order, resumable from its cursor, each with the record as it is now; an
//! API client sees only the kinds its scopes read and the branches it is
//! limited to.

use serde_json::{Value, json};

use crate::events::{draft, issue, shop};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::on_both_backends;
use crate::webhooks_scope::{client_of, client_token};

on_both_backends!(
    each_change_comes_with_the_record_as_it_is_now,
    a_client_reads_only_its_kinds_and_branches,
);

/// Every change of `query` from the first, following cursors a page of
/// `limit` at a time.
async fn changes(app: &TestApp, token: &str, query: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut after = String::from("0");
    loop {
        let path = format!("/api/v1/changes?after={after}&limit={limit}{query}");
        let page = json_of(get(app, token, &path).await, 200).await;
        let found = page["items"].as_array().expect("items").clone();
        after = page["nextCursor"].as_str().expect("a cursor").to_owned();
        if found.is_empty() {
            return items;
        }
        items.extend(found);
    }
}

/// The feed once `check` holds of it (the relay numbers committed events
/// in the background); waits up to 20 s.
async fn changes_until(
    app: &TestApp,
    token: &str,
    query: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..200 {
        let items = changes(app, token, query, 200).await;
        if check(&items) {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the changes feed never held what was waited for");
}

fn of_event<'a>(items: &'a [Value], event_type: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|c| c["eventType"] == event_type)
        .collect()
}

async fn each_change_comes_with_the_record_as_it_is_now(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let shop = shop(&app, "MDS1").await;
    let bill = draft(&app, &shop, "CF-1").await;
    json_of(issue(&app, &shop.sales, &bill, json!({})).await, 200).await;
    let duplicate = json_of(
        post(
            &app,
            &shop.sales,
            "/api/v1/customers",
            json!({"name": "Meenakshi S", "mobile": "9876500001"}),
        )
        .await,
        201,
    )
    .await;
    let survivor = &shop.customer["id"];
    let merge = format!("/api/v1/customers/{}/merge", survivor.as_str().expect("id"));
    json_of(
        post(
            &app,
            &shop.owner,
            &merge,
            json!({"duplicateId": duplicate["id"]}),
        )
        .await,
        200,
    )
    .await;

    let all = changes_until(&app, &shop.owner, "", |items| {
        !of_event(items, "customer.merged").is_empty()
    })
    .await;
    // In commit order, each cursor past the one before.
    let cursors: Vec<i64> = all
        .iter()
        .map(|c| {
            c["cursor"]
                .as_str()
                .expect("cursor")
                .parse()
                .expect("a number")
        })
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "{cursors:?}");
    // A page at a time, following cursors, misses nothing and repeats nothing.
    assert_eq!(changes(&app, &shop.owner, "", 1).await, all);

    // The piece was received and then sold: both changes show it sold now.
    let piece = of_event(&all, "piece.received")[0];
    let sold = of_event(&all, "piece.sold");
    assert_eq!(sold.len(), 1);
    assert_eq!(sold[0]["entityId"], piece["entityId"]);
    for change in [piece, sold[0]] {
        assert_eq!(change["entityType"], "piece");
        assert_eq!(change["state"]["status"], "sold", "{change}");
        assert_eq!(change["state"]["id"], change["entityId"]);
    }
    let piece_path = format!("/api/v1/pieces/{}", piece["entityId"].as_str().expect("id"));
    let read = json_of(get(&app, &shop.owner, &piece_path).await, 200).await;
    assert_eq!(
        piece["state"], read,
        "the state is what reading the piece shows"
    );

    // The invoice as it reads now.
    let invoice = of_event(&all, "invoice.issued")[0];
    assert_eq!(invoice["state"]["id"], bill["id"]);
    assert_eq!(invoice["state"]["status"], "issued");
    assert_eq!(invoice["branchId"], shop.branch["id"]);

    // The duplicate merged away has no state, and names where it lives on.
    let gone: Vec<&Value> = all
        .iter()
        .filter(|c| c["entityId"] == duplicate["id"])
        .collect();
    assert!(!gone.is_empty());
    for change in gone {
        assert_eq!(change["state"], Value::Null);
        assert_eq!(change["absent"], "merged");
        assert_eq!(change["mergedInto"], *survivor);
    }
    let kept = of_event(&all, "customer.created");
    assert!(kept.iter().any(|c| c["state"]["id"] == *survivor));

    // Only the kinds asked for; the cursor of an empty page stays.
    let pieces = changes(&app, &shop.owner, "&types=piece", 200).await;
    assert!(!pieces.is_empty());
    assert!(pieces.iter().all(|c| c["entityType"] == "piece"));
    let last = all.last().expect("a change")["cursor"]
        .as_str()
        .expect("cursor");
    let after_all = json_of(
        get(&app, &shop.owner, &format!("/api/v1/changes?after={last}")).await,
        200,
    )
    .await;
    assert_eq!(after_all["items"], json!([]));
    assert_eq!(after_all["nextCursor"], last);

    // Refused: an unknown kind, a bad cursor, no token.
    for (query, field) in [("?types=piece,staff", "types"), ("?after=x", "after")] {
        let problem = json_of(
            get(&app, &shop.owner, &format!("/api/v1/changes{query}")).await,
            400,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/changes"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
}

async fn a_client_reads_only_its_kinds_and_branches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chennai = shop(&app, "MDS1").await;
    let mumbai = app.open_branch(&chennai.owner, "MUM1").await;
    let bill = draft(&app, &chennai, "CF-2").await;
    json_of(issue(&app, &chennai.sales, &bill, json!({})).await, 200).await;
    changes_until(&app, &chennai.owner, "&types=invoice", |items| {
        !items.is_empty()
    })
    .await;

    let (_, stock) = client_token(&app, &chennai.owner, json!(["inventory:read"])).await;
    let seen = changes(&app, &stock, "", 200).await;
    assert!(!seen.is_empty());
    for change in &seen {
        let kind = change["entityType"].as_str().expect("kind");
        assert!(
            ["piece", "transfer", "metal_rate"].contains(&kind),
            "an inventory reader read {change}"
        );
    }
    // Cost shows only with `inventory:cost`, as reading the piece shows it.
    let piece = seen
        .iter()
        .find(|c| c["entityType"] == "piece")
        .expect("a piece");
    assert!(
        piece["state"].get("costPrice").is_none_or(Value::is_null),
        "{piece}"
    );
    let refused = json_of(
        get(&app, &stock, "/api/v1/changes?types=invoice").await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("sales:read"),
        "{refused}"
    );
    let (_, nothing) = client_token(&app, &chennai.owner, json!(["branches:read"])).await;
    assert_eq!(get(&app, &nothing, "/api/v1/changes").await.status(), 403);

    // A client limited to Mumbai sees customers (the whole business's)
    // but nothing of Chennai's pieces or bills.
    let body = json!({"name": "Mumbai site", "scopes": ["inventory:read", "sales:read", "customers:read"],
                      "branchIds": [mumbai["id"]]});
    let (_, mumbai_client) = client_of(&app, &chennai.owner, body).await;
    let theirs = changes(&app, &mumbai_client, "", 200).await;
    assert!(theirs.iter().any(|c| c["entityType"] == "customer"));
    assert!(
        theirs
            .iter()
            .all(|c| !["piece", "invoice"].contains(&c["entityType"].as_str().unwrap_or(""))),
        "{theirs:?}"
    );
}
