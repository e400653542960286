//! Pieces from designs and files: a design gives new pieces its charges,\nthe price range follows the rates, a retried delivery is received once,\npieces come in from CSV with a dry run, a corrected piece is priced anew.

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::inventory::{receive, set_rate, worked_example};
use crate::on_both_backends;
use serde_json::{Value, json};

on_both_backends!(
    designs_give_new_pieces_their_charges,
    the_price_range_follows_the_rates,
    a_retried_delivery_is_received_once,
    pieces_are_imported_from_csv_with_a_dry_run,
    a_corrected_piece_is_priced_anew,
);

async fn designs_give_new_pieces_their_charges(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let design = json_of(
        post(
            &app,
            &owner,
            "/api/v1/designs",
            json!({"code": "nk-temple-01", "name": "Lakshmi temple necklace",
                   "category": "Necklace", "collection": "Temple",
                   "images": ["https://cdn.example-jeweller.in/nk-temple-01.jpg"],
                   "making": {"mode": "percent", "value": "14"}, "wastagePercent": "4"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(design["code"], "NK-TEMPLE-01");
    assert_eq!(design["category"], "necklace");
    let duplicate = json_of(
        post(
            &app,
            &owner,
            "/api/v1/designs",
            json!({"code": "NK-TEMPLE-01", "name": "Again", "category": "necklace"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(duplicate["errors"][0]["field"], "code");

    let piece = receive(
        &app,
        &owner,
        json!({"tagNumber": "N-1", "designId": design["id"], "metal": "gold", "fineness": 916,
               "grossWeight": "20.5", "huid": "QW12ER", "branchId": branch["id"]}),
    )
    .await;
    assert_eq!(piece["category"], "necklace");
    assert_eq!(
        piece["making"],
        json!({"mode": "percent", "value": "14.00"})
    );
    assert_eq!(piece["wastagePercent"], "4.00");

    // A merge patch with If-Match; a stale one is 412; pieces keep their charges.
    let id = design["id"].as_str().expect("id");
    let changed = app
        .client
        .patch(app.url(&format!("/api/v1/designs/{id}")))
        .bearer_auth(&owner)
        .header("If-Match", "\"1\"")
        .json(&json!({"making": {"mode": "per_gram", "value": "450"}, "collection": null}))
        .send()
        .await
        .expect("sent");
    let changed = json_of(changed, 200).await;
    assert_eq!(changed["making"]["mode"], "per_gram");
    assert!(changed["collection"].is_null());
    assert_eq!(changed["name"], "Lakshmi temple necklace");
    let stale = app
        .client
        .patch(app.url(&format!("/api/v1/designs/{id}")))
        .bearer_auth(&owner)
        .header("If-Match", "\"1\"")
        .json(&json!({"name": "Old"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let still = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/pieces/{}", piece["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["making"]["mode"], "percent");
    let listed = json_of(
        get(&app, &owner, "/api/v1/designs?category=necklace").await,
        200,
    )
    .await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);

    // Without a design, category and making are required.
    let bare = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces",
            json!({"tagNumber": "N-2", "metal": "gold", "fineness": 916,
                   "grossWeight": "1", "branchId": branch["id"]}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = bare["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["category", "making"]);
}

async fn the_price_range_follows_the_rates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800").await;
    let necklace = receive(&app, &owner, worked_example(&branch, "GN-1")).await;
    // 1 g at 12,800 with 16% making: 14,848.00 + GST 445.44 = 15,293.00.
    let mut ring = worked_example(&branch, "GR-1");
    ring["grossWeight"] = json!("1.000");
    let ring = receive(&app, &owner, ring).await;
    receive(
        &app,
        &owner,
        json!({"tagNumber": "SV-1", "category": "anklet", "metal": "silver", "fineness": 925,
               "grossWeight": "40", "making": {"mode": "fixed", "value": "300"},
               "branchId": branch["id"]}),
    )
    .await;
    let tags = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|p| p["tagNumber"].as_str().expect("tag").to_owned())
            .collect()
    };
    let search = |query: &str| {
        let path = format!("/api/v1/pieces?{query}");
        let (app, sales) = (&app, &sales);
        async move { json_of(get(app, sales, &path).await, 200).await }
    };

    let everything = search("").await;
    assert_eq!(tags(&everything), ["GN-1", "GR-1", "SV-1"]);
    assert_eq!(everything["items"][0]["livePrice"], "51845.00");
    assert_eq!(everything["items"][1]["livePrice"], "15293.00");
    assert!(
        everything["items"][2].get("livePrice").is_none(),
        "silver has no rate"
    );

    assert_eq!(
        tags(&search("minPrice=50000&maxPrice=52000").await),
        ["GN-1"]
    );
    // A price range lists cheapest first.
    assert_eq!(tags(&search("maxPrice=51845").await), ["GR-1", "GN-1"]);
    assert_eq!(tags(&search("maxPrice=51844.99").await), ["GR-1"]);
    assert_eq!(
        tags(&search("minPrice=15293&maxPrice=15293").await),
        ["GR-1"]
    );
    // Pages stay full and stable while the search prices candidates.
    let first = search("minPrice=1&limit=1").await;
    assert_eq!(tags(&first), ["GR-1"]);
    let cursor = first["nextCursor"].as_str().expect("more").to_owned();
    let second = search(&format!("minPrice=1&limit=1&cursor={cursor}")).await;
    assert_eq!(tags(&second), ["GN-1"]);
    assert!(second["nextCursor"].is_null());

    // A new rate moves the necklace out of the range at once.
    set_rate(&app, &owner, "gold", 916, "13000").await;
    assert_eq!(
        tags(&search("minPrice=50000&maxPrice=52000").await),
        Vec::<String>::new()
    );
    let moved = search("minPrice=52000&maxPrice=53000").await;
    assert_eq!(tags(&moved), ["GN-1"]);
    assert_eq!(moved["items"][0]["livePrice"], "52655.00");
    assert_eq!(moved["items"][0]["id"], necklace["id"]);
    assert_ne!(ring["id"], necklace["id"]);

    // Sorted by live price or weight, a page at a time.
    let dearest = search("sort=-price&limit=1").await;
    assert_eq!(tags(&dearest), ["GN-1"]);
    let cursor = dearest["nextCursor"].as_str().expect("more").to_owned();
    let next = search(&format!("sort=-price&limit=1&cursor={cursor}")).await;
    assert_eq!(tags(&next), ["GR-1"], "silver has no rate, so no price");
    assert!(next["nextCursor"].is_null());
    assert_eq!(tags(&search("sort=price").await), ["GR-1", "GN-1"]);
    assert_eq!(tags(&search("sort=weight").await), ["GR-1", "GN-1", "SV-1"]);
    let heaviest = search("sort=-weight&limit=2").await;
    assert_eq!(tags(&heaviest), ["SV-1", "GN-1"]);
    let cursor = heaviest["nextCursor"].as_str().expect("more").to_owned();
    assert_eq!(
        tags(&search(&format!("sort=-weight&limit=2&cursor={cursor}")).await),
        ["GR-1"]
    );
    // A piece received after the searches above (which brought every key
    // to the rates in force) is found by price at once: it is keyed as it
    // is received, not by the next search.
    let mut second_ring = worked_example(&branch, "GR-2");
    second_ring["grossWeight"] = json!("1.000");
    receive(&app, &owner, second_ring).await;
    assert_eq!(
        tags(&search("maxPrice=20000").await),
        ["GR-1", "GR-2"],
        "1 g at 13,000: 15,547.00 each"
    );
    let bad_sort = json_of(get(&app, &sales, "/api/v1/pieces?sort=cheapest").await, 400).await;
    assert_eq!(bad_sort["errors"][0]["field"], "sort");
    let bad = json_of(
        get(&app, &sales, "/api/v1/pieces?minPrice=cheap").await,
        400,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "minPrice");
}

async fn a_retried_delivery_is_received_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let delivery = |tags: &[&str]| {
        let pieces: Vec<Value> = tags.iter().map(|t| worked_example(&branch, t)).collect();
        json!({"pieces": pieces})
    };
    let send = |key: &str, body: Value| {
        app.client
            .post(app.url("/api/v1/pieces/deliveries"))
            .bearer_auth(&owner)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let count = || async {
        json_of(get(&app, &owner, "/api/v1/pieces?limit=200").await, 200).await["items"]
            .as_array()
            .expect("items")
            .len()
    };

    let first = send("delivery-1", delivery(&["D-1", "D-2"]))
        .await
        .expect("sent");
    assert!(first.headers().get("Idempotent-Replayed").is_none());
    let first = json_of(first, 201).await;
    let again = send("delivery-1", delivery(&["D-1", "D-2"]))
        .await
        .expect("sent");
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    assert_eq!(
        json_of(again, 201).await,
        first,
        "the first answer, replayed"
    );
    assert_eq!(count().await, 2);

    let other = json_of(
        send("delivery-1", delivery(&["D-3"])).await.expect("sent"),
        422,
    )
    .await;
    assert_eq!(other["errors"][0]["field"], "Idempotency-Key");

    // A refused request frees its key for the corrected one.
    let mut bad = delivery(&["D-4"]);
    bad["pieces"][0]["grossWeight"] = json!("heavy");
    json_of(send("delivery-2", bad).await.expect("sent"), 422).await;
    json_of(
        send("delivery-2", delivery(&["D-4"])).await.expect("sent"),
        201,
    )
    .await;
    assert_eq!(count().await, 3);

    // Two sends of one delivery at the same moment: received once.
    let body = delivery(&["D-5", "D-6", "D-7"]);
    let (a, b) = tokio::join!(send("delivery-3", body.clone()), send("delivery-3", body));
    let mut statuses = [
        a.expect("sent").status().as_u16(),
        b.expect("sent").status().as_u16(),
    ];
    statuses.sort_unstable();
    assert!(
        statuses == [201, 201] || statuses == [201, 409],
        "{statuses:?}"
    );
    assert_eq!(count().await, 6);
    ledger_balances(&app, &owner).await;
}

async fn pieces_are_imported_from_csv_with_a_dry_run(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    receive(&app, &owner, worked_example(&branch, "GN-1")).await;
    let branch_id = branch["id"].as_str().expect("id");
    let csv = format!(
        "tagNumber,category,metal,fineness,grossWeight,makingMode,makingValue,huid,branchId,images\n\
         GR-1,ring,gold,916,4.250,per_gram,450,QW12ER,{branch_id},https://cdn.example-jeweller.in/gr-1.jpg\n\
         GR-2,ring,gold,916,heavy,per_gram,450,,{branch_id},\n\
         GR-3,ring,gold,916,4.1,per_gram,450,GN1XXX,{branch_id},\n\
         GR-1,ring,gold,750,3,fixed,900,,{branch_id},\n"
    );
    let import = |dry_run: bool| {
        app.client
            .post(app.url(&format!("/api/v1/pieces/import?dryRun={dry_run}")))
            .bearer_auth(&owner)
            .header("Content-Type", "text/csv")
            .body(csv.clone())
            .send()
    };
    let report = json_of(import(true).await.expect("sent"), 200).await;
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(report["rejected"], 3);
    let why: Vec<(u64, &str, &str)> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["outcome"] == "rejected")
        .map(|r| {
            (
                r["line"].as_u64().expect("line"),
                r["errors"][0]["field"].as_str().expect("field"),
                r["errors"][0]["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        why,
        [
            (3, "grossWeight", "format"),
            (4, "huid", "taken"),
            (5, "tagNumber", "repeated")
        ]
    );
    assert!(
        report["rows"][0]["pieceId"].is_null(),
        "a dry run stores nothing"
    );
    let listed = json_of(get(&app, &owner, "/api/v1/pieces").await, 200).await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);

    let applied = json_of(import(false).await.expect("sent"), 200).await;
    assert_eq!(applied["created"], 1);
    let id = applied["rows"][0]["pieceId"].as_str().expect("received");
    let piece = json_of(
        get(&app, &owner, &format!("/api/v1/pieces/{id}")).await,
        200,
    )
    .await;
    assert_eq!(piece["tagNumber"], "GR-1");
    assert_eq!(
        piece["making"],
        json!({"mode": "per_gram", "value": "450.00"})
    );
    assert_eq!(
        piece["images"][0],
        "https://cdn.example-jeweller.in/gr-1.jpg"
    );
    ledger_balances(&app, &owner).await;
}

async fn a_corrected_piece_is_priced_anew(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let other = app.open_branch(&owner, "MDU1").await;
    set_rate(&app, &owner, "gold", 916, "12800").await;
    let piece = receive(&app, &owner, worked_example(&branch, "GN-1")).await;
    receive(&app, &owner, worked_example(&branch, "GN-2")).await;
    let id = piece["id"].as_str().expect("id");
    let change = |body: Value, version: &str| {
        app.client
            .patch(app.url(&format!("/api/v1/pieces/{id}")))
            .bearer_auth(&owner)
            .header("If-Match", version)
            .json(&body)
            .send()
    };
    // Weighed again: 3.400 g, net follows gross.
    let corrected = json_of(
        change(
            json!({"grossWeight": "3.400", "stoneWeight": null, "netWeight": null, "costPrice": "41250"}),
            "\"1\"",
        )
        .await
        .expect("sent"),
        200,
    )
    .await;
    assert_eq!(corrected["netWeight"], "3.400");
    assert_eq!(corrected["costPrice"], "41250.00");
    assert_eq!(corrected["tagNumber"], "GN-1", "the rest stays");
    assert_eq!(corrected["version"], 2);
    // 3.400 x 12800 = 43520.00; making 6963.20; taxable 50483.20;
    // GST 757.25 x 2; 51997.70 rounds to 51998.00.
    let price = json_of(
        get(&app, &owner, &format!("/api/v1/pieces/{id}/price")).await,
        200,
    )
    .await;
    assert_eq!(price["total"], "51998.00");
    let found = json_of(
        get(&app, &owner, "/api/v1/pieces?minPrice=51990&maxPrice=52000").await,
        200,
    )
    .await;
    assert_eq!(
        found["items"][0]["id"], piece["id"],
        "the price search follows"
    );

    let stale = change(json!({"category": "chain"}), "\"1\"")
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let taken = json_of(
        change(json!({"tagNumber": "GN-2"}), "\"2\"")
            .await
            .expect("sent"),
        409,
    )
    .await;
    assert_eq!(taken["errors"][0]["field"], "tagNumber");
    let moved = json_of(
        change(json!({"branchId": other["id"]}), "\"2\"")
            .await
            .expect("sent"),
        422,
    )
    .await;
    assert_eq!(moved["errors"][0]["field"], "branchId");
    let bad = json_of(
        change(json!({"grossWeight": "-1"}), "\"2\"")
            .await
            .expect("sent"),
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "grossWeight");
    json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/pieces/{id}/status-changes"),
            json!({"status": "melted", "reason": "broken beyond repair"}),
        )
        .await,
        200,
    )
    .await;
    let melted = json_of(
        change(json!({"category": "chain"}), "\"3\"")
            .await
            .expect("sent"),
        409,
    )
    .await;
    assert_eq!(melted["errors"][0]["field"], "status");
    ledger_balances(&app, &owner).await;
}
