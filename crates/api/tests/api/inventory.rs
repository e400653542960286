//! Metal rates, designs, receiving pieces, the stock ledger and live prices.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;

on_both_backends!(
    the_worked_example_is_priced_at_51845_over_http,
    prices_follow_a_new_rate_at_once,
    rates_are_set_many_at_once_with_history,
    hallmark_and_uniqueness_rules_on_receipt,
    a_delivery_is_received_all_or_none,
    no_operation_shows_cost_price_to_sales,
    pieces_of_other_branches_are_not_found,
);

pub(crate) async fn set_rate(
    app: &TestApp,
    token: &str,
    metal: &str,
    fineness: u16,
    per_gram: &str,
) {
    let body = json!({"rates": [{"metal": metal, "fineness": fineness, "perGram": per_gram}]});
    json_of(post(app, token, "/api/v1/metal-rates", body).await, 201).await;
}

/// The piece of domain.md's worked example: 22K, 3.390 g, making 16%.
pub(crate) fn worked_example(branch: &Value, tag: &str) -> Value {
    // A HUID of its own, from the tag.
    let huid: String = tag
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .chain(std::iter::repeat('X'))
        .take(6)
        .collect::<String>()
        .to_uppercase();
    json!({
        "tagNumber": tag, "category": "necklace", "metal": "gold", "fineness": 916,
        "grossWeight": "3.390", "making": {"mode": "percent", "value": "16"},
        "huid": huid, "costPrice": "41000.00", "branchId": branch["id"]
    })
}

pub(crate) async fn receive(app: &TestApp, token: &str, piece: Value) -> Value {
    json_of(post(app, token, "/api/v1/pieces", piece).await, 201).await
}

/// Every value of `key` anywhere in `value`.
fn find_key<'a>(value: &'a Value, key: &str, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(members) => {
            for (k, v) in members {
                if k == key {
                    found.push(v);
                }
                find_key(v, key, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_key(v, key, found)),
        _ => {}
    }
}

async fn the_worked_example_is_priced_at_51845_over_http(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let piece = receive(&app, &owner, worked_example(&branch, "GN-22-000123")).await;
    assert_eq!(piece["netWeight"], "3.390");
    assert_eq!(
        piece["hallmark"],
        json!({"state": "hallmarked", "huid": "GN2200"})
    );

    let path = format!("/api/v1/pieces/{}/price", piece["id"].as_str().expect("id"));
    let price = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(price["rate"]["perGram"], "12800.00");
    assert_eq!(price["metalValue"], "43392.00");
    assert_eq!(
        price["making"],
        json!({"mode": "percent", "value": "16.00", "amount": "6942.72"})
    );
    assert_eq!(price["taxableValue"], "50334.72");
    assert_eq!(
        price["taxes"],
        json!([{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
               {"kind": "SGST", "rate": "1.5", "amount": "755.02"}])
    );
    assert_eq!(price["taxTotal"], "1510.04");
    assert_eq!(price["grossTotal"], "51844.76");
    assert_eq!(price["roundOff"], "0.24");
    assert_eq!(price["total"], "51845.00");
    assert_eq!(price["currency"], "INR");

    let igst = json_of(
        get(&app, &owner, &format!("{path}?supply=inter_state")).await,
        200,
    )
    .await;
    assert_eq!(
        igst["taxes"],
        json!([{"kind": "IGST", "rate": "3", "amount": "1510.04"}])
    );
    assert_eq!(igst["total"], "51845.00");

    // A piece of a grade without a rate: 422 naming the rate.
    let silver = receive(
        &app,
        &owner,
        json!({"tagNumber": "SV-1", "category": "anklet", "metal": "silver", "fineness": 925,
               "grossWeight": "40", "making": {"mode": "per_gram", "value": "12"},
               "branchId": branch["id"]}),
    )
    .await;
    let missing = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces/{}/price",
                silver["id"].as_str().expect("id")
            ),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "rate", "{missing}");
    assert!(
        missing["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("silver 925")
    );
}

async fn prices_follow_a_new_rate_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let piece = receive(&app, &owner, worked_example(&branch, "GN-1")).await;
    let path = format!("/api/v1/pieces/{}/price", piece["id"].as_str().expect("id"));
    // Read twice so the rates in force are cached.
    for _ in 0..2 {
        let price = json_of(get(&app, &owner, &path).await, 200).await;
        assert_eq!(price["total"], "51845.00");
    }
    set_rate(&app, &owner, "gold", 916, "13000.00").await;
    let price = json_of(get(&app, &owner, &path).await, 200).await;
    // 3.390 x 13000 = 44070.00; making 7051.20; taxable 51121.20;
    // GST 766.82 x 2 = 1533.64; 52654.84 → 52655.00.
    assert_eq!(price["metalValue"], "44070.00");
    assert_eq!(price["total"], "52655.00");
    let current = json_of(get(&app, &owner, "/api/v1/metal-rates/current").await, 200).await;
    assert_eq!(current["rates"][0]["perGram"], "13000.00");
}

async fn rates_are_set_many_at_once_with_history(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let set = json_of(
        post(
            &app,
            &owner,
            "/api/v1/metal-rates",
            json!({"rates": [
                {"metal": "gold", "fineness": 916, "perGram": "12800", "session": "AM", "source": "IBJA"},
                {"metal": "gold", "fineness": 750, "perGram": "10480.5"},
                {"metal": "silver", "fineness": 999, "perGram": "98.50"},
                {"metal": "gold", "fineness": 916, "perGram": "12900", "effectiveAt": tomorrow}
            ]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(set["rates"].as_array().expect("list").len(), 4);
    assert_eq!(set["rates"][1]["perGram"], "10480.50");
    assert_eq!(set["rates"][0]["currency"], "INR");

    // Tomorrow's rate is not in force yet, and says when it takes over.
    let current = json_of(get(&app, &sales, "/api/v1/metal-rates/current").await, 200).await;
    let rates = current["rates"].as_array().expect("rates");
    assert_eq!(rates.len(), 3, "{current}");
    let gold_916 = rates
        .iter()
        .find(|r| r["metal"] == "gold" && r["fineness"] == 916)
        .expect("22K");
    assert_eq!(gold_916["perGram"], "12800.00");
    assert_eq!(gold_916["session"], "AM");
    assert!(current["nextChangeAt"].is_string(), "{current}");

    // History: newest effective first, filtered, paged.
    let history = json_of(
        get(
            &app,
            &sales,
            "/api/v1/metal-rates?metal=gold&fineness=916&limit=1",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(history["items"][0]["perGram"], "12900.00");
    let cursor = history["nextCursor"].as_str().expect("more");
    let next = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/metal-rates?metal=gold&fineness=916&limit=1&cursor={cursor}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(next["items"][0]["perGram"], "12800.00");
    assert!(next["nextCursor"].is_null());

    // All or none: one bad rate stores nothing and names itself.
    let refused = json_of(
        post(
            &app,
            &owner,
            "/api/v1/metal-rates",
            json!({"rates": [
                {"metal": "gold", "fineness": 916, "perGram": "1"},
                {"metal": "platinum", "fineness": 916, "perGram": "3000"},
                {"metal": "gold", "fineness": 750, "perGram": "12.345"},
                {"metal": "gold", "fineness": 750, "perGram": "1", "currency": "USD"}
            ]}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["rates[1].fineness", "rates[2].perGram", "rates[3].currency"]
    );
    let all = json_of(get(&app, &owner, "/api/v1/metal-rates").await, 200).await;
    assert_eq!(all["items"].as_array().expect("items").len(), 4);

    // Sales read rates but cannot set them; every rate set is audited.
    let forbidden = post(
        &app,
        &sales,
        "/api/v1/metal-rates",
        json!({"rates": [{"metal": "gold", "fineness": 916, "perGram": "1"}]}),
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    let audit = json_of(
        get(&app, &owner, "/api/v1/audit-events?entityType=metal_rate").await,
        200,
    )
    .await;
    assert_eq!(
        audit["items"].as_array().expect("items").len(),
        4,
        "{audit}"
    );
}

async fn hallmark_and_uniqueness_rules_on_receipt(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let gold = |tag: &str, gross: &str| {
        json!({"tagNumber": tag, "category": "ring", "metal": "gold", "fineness": 916,
               "grossWeight": gross, "making": {"mode": "fixed", "value": "500"},
               "branchId": branch["id"]})
    };
    let pending = receive(&app, &owner, gold("R-1", "2.000")).await;
    assert_eq!(
        pending["hallmark"],
        json!({"state": "pending", "huid": null})
    );
    let exempt = receive(&app, &owner, gold("R-2", "1.999")).await;
    assert_eq!(exempt["hallmark"]["state"], "exempt");

    let mut bad_huid = gold("R-3", "5");
    bad_huid["huid"] = json!("ab12c");
    let invalid = json_of(post(&app, &owner, "/api/v1/pieces", bad_huid).await, 422).await;
    assert_eq!(invalid["errors"][0]["field"], "huid");

    let mut first = gold("R-4", "5");
    first["huid"] = json!("ZX98YW");
    receive(&app, &owner, first).await;
    let mut same_huid = gold("R-5", "5");
    same_huid["huid"] = json!("ZX98YW");
    let taken = json_of(post(&app, &owner, "/api/v1/pieces", same_huid).await, 409).await;
    assert_eq!(taken["errors"][0]["field"], "huid", "{taken}");
    let same_tag = json_of(
        post(&app, &owner, "/api/v1/pieces", gold("r-1", "5")).await,
        409,
    )
    .await;
    assert_eq!(same_tag["errors"][0]["field"], "tagNumber", "{same_tag}");

    // Weights are checked: stones heavier than the piece are refused.
    let mut heavy = gold("R-6", "1.000");
    heavy["stones"] = json!([{"kind": "diamond", "carats": "6", "price": "1000"}]);
    let refused = json_of(post(&app, &owner, "/api/v1/pieces", heavy).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "stoneWeight", "{refused}");
    ledger_balances(&app, &owner).await;
}

async fn a_delivery_is_received_all_or_none(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let piece = |tag: &str, gross: &str| {
        json!({"tagNumber": tag, "category": "chain", "metal": "gold", "fineness": 750,
               "grossWeight": gross, "making": {"mode": "per_gram", "value": "450"},
               "stones": [{"kind": "Ruby", "count": 2, "carats": "0.5", "pricePerCarat": "20000"}],
               "branchId": branch["id"]})
    };
    let bad = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces/deliveries",
            json!({"pieces": [piece("C-1", "1"), piece("C-2", "1"), piece("C-3", "-1")]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "pieces[2].grossWeight", "{bad}");
    let repeated = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces/deliveries",
            json!({"pieces": [piece("C-1", "1"), piece("C-1", "1")]}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(repeated["errors"][0]["field"], "pieces[1].tagNumber");
    let nothing = json_of(get(&app, &owner, "/api/v1/pieces").await, 200).await;
    assert_eq!(nothing["items"], json!([]), "nothing was stored");

    let pieces: Vec<Value> = (1..=30).map(|i| piece(&format!("C-{i}"), "1.5")).collect();
    let received = json_of(
        post(
            &app,
            &owner,
            "/api/v1/pieces/deliveries",
            json!({"pieces": pieces}),
        )
        .await,
        201,
    )
    .await;
    let received = received["pieces"].as_array().expect("pieces");
    assert_eq!(received.len(), 30);
    assert_eq!(received[0]["tagNumber"], "C-1");
    // 2 rubies of 0.5 ct together weigh 0.1 g.
    assert_eq!(received[0]["stoneWeight"], "0.100");
    assert_eq!(received[0]["netWeight"], "1.400");
    assert_eq!(received[0]["stones"][0]["kind"], "ruby");

    // The ledger: one receipt per piece, and the list agrees.
    let id = received[29]["id"].as_str().expect("id");
    let ledger = json_of(
        get(&app, &owner, &format!("/api/v1/pieces/{id}/movements")).await,
        200,
    )
    .await;
    let ledger = &ledger["movements"];
    assert_eq!(ledger.as_array().expect("ledger").len(), 1);
    assert_eq!(ledger[0]["kind"], "receipt");
    assert_eq!(ledger[0]["toStatus"], "in_stock");
    assert_eq!(ledger[0]["toBranchId"], branch["id"]);
    let listed = json_of(
        get(&app, &owner, "/api/v1/pieces?status=in_stock&limit=200").await,
        200,
    )
    .await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 30);
    let light = json_of(get(&app, &owner, "/api/v1/pieces?maxWeight=1.3").await, 200).await;
    assert_eq!(light["items"], json!([]));
    ledger_balances(&app, &owner).await;
}

async fn no_operation_shows_cost_price_to_sales(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let (_, manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&branch])
        .await;
    let (_, accountant) = app
        .hire(&owner, "meena@example.com", "accountant", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800").await;
    let piece = receive(&app, &manager, worked_example(&branch, "GN-1")).await;
    assert_eq!(piece["costPrice"], "41000.00", "a manager sees it");
    let id = piece["id"].as_str().expect("id");

    // Every operation that returns a piece, as sales and as those who may see cost.
    let reads = [
        format!("/api/v1/pieces/{id}"),
        "/api/v1/pieces".to_owned(),
        format!("/api/v1/pieces/{id}/price"),
        format!("/api/v1/pieces/{id}/movements"),
    ];
    for path in &reads {
        let body = json_of(get(&app, &sales, path).await, 200).await;
        let mut found = Vec::new();
        find_key(&body, "costPrice", &mut found);
        assert!(found.is_empty(), "{path} shows sales the cost: {body}");
    }
    for token in [&owner, &accountant] {
        let body = json_of(get(&app, token, &format!("/api/v1/pieces/{id}")).await, 200).await;
        assert_eq!(body["costPrice"], "41000.00");
    }
    // Sales cannot receive stock at all (which would echo the piece).
    let refused = post(
        &app,
        &sales,
        "/api/v1/pieces",
        worked_example(&branch, "GN-2"),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let refused = post(
        &app,
        &sales,
        "/api/v1/pieces/deliveries",
        json!({"pieces": [worked_example(&branch, "GN-3")]}),
    )
    .await;
    assert_eq!(refused.status(), 403);
}

async fn pieces_of_other_branches_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&chennai])
        .await;
    let (_, manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&chennai])
        .await;
    let theirs = receive(&app, &owner, worked_example(&madurai, "GN-MDU")).await;
    let ours = receive(&app, &owner, worked_example(&chennai, "GN-MDS")).await;
    let id = theirs["id"].as_str().expect("id");
    for path in [
        format!("/api/v1/pieces/{id}"),
        format!("/api/v1/pieces/{id}/price"),
        format!("/api/v1/pieces/{id}/movements"),
    ] {
        assert_eq!(get(&app, &sales, &path).await.status(), 404, "{path}");
    }
    let listed = json_of(get(&app, &sales, "/api/v1/pieces").await, 200).await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);
    assert_eq!(listed["items"][0]["id"], ours["id"]);
    let elsewhere = json_of(
        get(
            &app,
            &sales,
            &format!(
                "/api/v1/pieces?branchId={}",
                madurai["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(elsewhere["items"], json!([]));
    // A manager cannot receive stock into another branch.
    let refused = json_of(
        post(
            &app,
            &manager,
            "/api/v1/pieces",
            worked_example(&madurai, "GN-X"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "branchId");
    ledger_balances(&app, &owner).await;
}
