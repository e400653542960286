//! Selling: drafts priced by the engine, issuing with gapless numbers,
//! old-gold exchange, split payments, the cash and PAN guards, discounts
//! awaiting a manager, cancelling. Scenarios end with the ledger balanced.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;

on_both_backends!(
    the_worked_example_sold_with_an_old_gold_exchange,
    twenty_bills_racing_for_one_piece_sell_it_once,
    two_hundred_bills_are_numbered_1_to_200,
    a_retried_bill_is_made_once,
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

/// A hallmarked 22K piece of `grams` with making 16%, tagged `tag`.
pub(crate) async fn piece(
    app: &TestApp,
    token: &str,
    branch: &Value,
    tag: &str,
    grams: &str,
) -> Value {
    let huid: String = tag
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .rev()
        .chain(std::iter::repeat('X'))
        .take(6)
        .collect::<String>()
        .to_uppercase();
    let body = json!({
        "tagNumber": tag, "category": "necklace", "metal": "gold", "fineness": 916,
        "grossWeight": grams, "making": {"mode": "percent", "value": "16"},
        "huid": huid, "branchId": branch["id"]
    });
    json_of(post(app, token, "/api/v1/pieces", body).await, 201).await
}

pub(crate) async fn customer(app: &TestApp, token: &str, mobile: &str, pan: Option<&str>) -> Value {
    let mut body = json!({"name": "Meenakshi Sundaram", "mobile": mobile});
    if let Some(pan) = pan {
        body["pan"] = json!(pan);
    }
    json_of(post(app, token, "/api/v1/customers", body).await, 201).await
}

pub(crate) async fn draft(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(post(app, token, "/api/v1/invoices", body).await, 201).await
}

/// The `sale` lines of a piece's stock ledger.
pub(crate) async fn sales_of(app: &TestApp, token: &str, piece: &Value) -> Vec<Value> {
    let path = format!(
        "/api/v1/pieces/{}/movements",
        piece["id"].as_str().expect("id")
    );
    let movements = json_of(get(app, token, &path).await, 200).await;
    movements["movements"]
        .as_array()
        .expect("movements")
        .iter()
        .filter(|m| m["kind"] == "sale")
        .cloned()
        .collect()
}

pub(crate) fn issue_path(invoice: &Value) -> String {
    format!(
        "/api/v1/invoices/{}/issue",
        invoice["id"].as_str().expect("id")
    )
}

pub(crate) fn payments_path(invoice: &Value) -> String {
    format!(
        "/api/v1/invoices/{}/payments",
        invoice["id"].as_str().expect("id")
    )
}

/// The financial year a bill issued now in India gets (April to March).
pub(crate) fn this_financial_year() -> String {
    use chrono::Datelike;
    let india = chrono::Utc::now() + chrono::Duration::minutes(330);
    let start = if india.month() >= 4 {
        india.year()
    } else {
        india.year() - 1
    };
    format!("{start}-{:02}", (start + 1) % 100)
}

/// The printable invoice; asserts it is HTML.
async fn print(app: &TestApp, token: &str, invoice: &Value) -> String {
    let response = get(
        app,
        token,
        &format!(
            "/api/v1/invoices/{}/print",
            invoice["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().expect("text"),
        "text/html; charset=utf-8"
    );
    response.text().await.expect("a page")
}

pub(crate) fn error_codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn the_worked_example_sold_with_an_old_gold_exchange(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let necklace = piece(&app, &owner, &branch, "GN-22-000123", "3.390").await;
    let buyer = customer(&app, &sales, "9876543210", None).await;

    let bill = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"]}]}),
    )
    .await;
    // By hand (domain.md): metal 3.390 g x 12,800.00 = 43,392.00; making
    // 16% = 6,942.72; taxable 50,334.72; CGST 1.5% = 755.0208 -> 755.02,
    // SGST the same; 51,844.76 rounds to 51,845.00 (round-off 0.24).
    assert_eq!(bill["status"], "draft");
    assert_eq!(bill["number"], Value::Null);
    let line = &bill["lines"][0];
    assert_eq!(line["metalValue"], "43392.00");
    assert_eq!(line["making"]["amount"], "6942.72");
    assert_eq!(line["rate"], "12800.00");
    assert_eq!(line["huid"], necklace["hallmark"]["huid"]);
    assert_eq!(line["hsn"], "7113");
    assert_eq!(bill["taxableValue"], "50334.72");
    assert_eq!(
        bill["taxes"],
        json!([{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
               {"kind": "SGST", "rate": "1.5", "amount": "755.02"}])
    );
    assert_eq!(bill["taxTotal"], "1510.04");
    assert_eq!(bill["grossTotal"], "51844.76");
    assert_eq!(bill["roundOff"], "0.24");
    assert_eq!(bill["total"], "51845.00");
    assert_eq!(
        bill["amountInWords"],
        "Rupees Fifty One Thousand Eight Hundred Forty Five Only"
    );
    // A draft leaves the piece in stock.
    let unsold = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/pieces/{}", necklace["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(unsold["status"], "in_stock");

    // Issued with 2.000 g of 916 old gold at 11,500.00/g less 2%: by hand,
    // 2.000 x 11,500.00 = 23,000.00; 2% of it is 460.00; the credit is
    // 22,540.00. Tax stays on the full new value; the balance is
    // 51,845.00 - 22,540.00 = 29,305.00.
    let issued = json_of(
        post(
            &app,
            &sales,
            &issue_path(&bill),
            json!({"payments": [{"method": "old_gold", "metal": "gold", "weight": "2.000",
                                 "testedFineness": 916, "rate": "11500.00",
                                 "deductionPercent": "2.00"}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        issued["number"],
        format!("MDS1/{}/000001", this_financial_year())
    );
    assert_eq!(issued["status"], "partially_paid");
    assert_eq!(issued["taxTotal"], "1510.04");
    assert_eq!(issued["total"], "51845.00");
    let exchange = &issued["payments"][0];
    assert_eq!(exchange["method"], "old_gold");
    assert_eq!(exchange["amount"], "22540.00");
    assert_eq!(exchange["oldGold"]["grossValue"], "23000.00");
    assert_eq!(exchange["oldGold"]["deduction"], "460.00");
    assert_eq!(issued["paid"], "22540.00");
    assert_eq!(issued["balance"], "29305.00");

    // The rest split over UPI and cash.
    let paid = json_of(
        post(
            &app,
            &sales,
            &payments_path(&bill),
            json!({"payments": [{"method": "upi", "amount": "20000.00", "reference": "UPI-4471"},
                                {"method": "cash", "amount": "9305.00"}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["balance"], "0.00");
    assert_eq!(paid["payments"].as_array().expect("payments").len(), 3);
    // Nothing more is due.
    let more = json_of(
        post(
            &app,
            &sales,
            &payments_path(&bill),
            json!({"payments": [{"method": "cash", "amount": "1.00"}]}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&more),
        vec![("status".to_owned(), "wrong_status".to_owned())]
    );

    // The piece is sold, once, by this bill; the old gold is in scrap stock.
    let sold = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/pieces/{}", necklace["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(sold["status"], "sold");
    let sales_lines = sales_of(&app, &owner, &necklace).await;
    assert_eq!(sales_lines.len(), 1, "{sales_lines:?}");
    assert_eq!(sales_lines[0]["reference"], bill["id"]);
    let scrap = json_of(get(&app, &owner, "/api/v1/stock/scrap").await, 200).await;
    assert_eq!(
        scrap["items"],
        json!([{"branchId": branch["id"], "metal": "gold", "fineness": 916,
                "weight": "2.000", "value": "22540.00"}])
    );
    ledger_balances(&app, &owner).await;

    // The printed tax invoice shows what the jeweller's bill shows.
    let printed = print(&app, &sales, &bill).await;
    for shown in [
        "TAX INVOICE",
        issued["number"].as_str().expect("number"),
        "GSTIN: 33AABCU9603R1ZM",
        "Meenakshi Sundaram",
        necklace["hallmark"]["huid"].as_str().expect("huid"),
        "22K (916)",
        "3.390",
        "12800.00",
        "43392.00",
        "6942.72",
        "CGST @ 1.5%",
        "SGST @ 1.5%",
        "755.02",
        "0.24",
        "51845.00",
        "Rupees Fifty One Thousand Eight Hundred Forty Five Only",
        "Old gold exchange",
        "2.000 g of gold 916",
        "22540.00",
        "UPI-4471",
    ] {
        assert!(printed.contains(shown), "{shown} missing from {printed}");
    }

    // The customer's purchases: their bills, lifetime value and last
    // purchase, on the customer and in the list filters.
    let buyer_id = buyer["id"].as_str().expect("id");
    let bills = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/invoices?customerId={buyer_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(bills["items"].as_array().expect("items").len(), 1);
    let seen = json_of(
        get(&app, &sales, &format!("/api/v1/customers/{buyer_id}")).await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["count"], 1);
    assert_eq!(seen["purchases"]["lifetimeValue"], "51845.00");
    assert_eq!(seen["purchases"]["lastPurchaseAt"], issued["issuedAt"]);
    let big = json_of(
        get(&app, &sales, "/api/v1/customers?minLifetimeValue=50000.00").await,
        200,
    )
    .await;
    assert_eq!(big["items"].as_array().expect("items").len(), 1);
    assert_eq!(big["items"][0]["id"], buyer["id"]);
    let bigger = json_of(
        get(&app, &sales, "/api/v1/customers?minLifetimeValue=51845.01").await,
        200,
    )
    .await;
    assert_eq!(bigger["items"], json!([]));
    // A second bill counts; cancelled, it no longer does.
    let small = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "service", "description": "Polishing & <b>care</b>", "amount": "200.00"}]}),
    )
    .await;
    json_of(
        post(&app, &sales, &issue_path(&small), json!({})).await,
        200,
    )
    .await;
    let printed = print(&app, &sales, &small).await;
    assert!(
        printed.contains("Polishing &amp; &lt;b&gt;care&lt;/b&gt;"),
        "{printed}"
    );
    assert!(!printed.contains("<b>care"), "{printed}");
    let seen = json_of(
        get(&app, &sales, &format!("/api/v1/customers/{buyer_id}")).await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["count"], 2);
    assert_eq!(seen["purchases"]["lifetimeValue"], "52055.00");
    let cancel = format!(
        "/api/v1/invoices/{}/cancel",
        small["id"].as_str().expect("id")
    );
    json_of(
        post(
            &app,
            &owner,
            &cancel,
            json!({"reason": "Polishing was free"}),
        )
        .await,
        200,
    )
    .await;
    let seen = json_of(
        get(&app, &sales, &format!("/api/v1/customers/{buyer_id}")).await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["count"], 1);
    assert_eq!(seen["purchases"]["lifetimeValue"], "51845.00");
}

async fn twenty_bills_racing_for_one_piece_sell_it_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let ring = piece(&app, &owner, &branch, "RG-1", "4.250").await;
    let mut drafts = Vec::new();
    for _ in 0..20 {
        drafts.push(
            draft(
                &app,
                &owner,
                json!({"branchId": branch["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
            )
            .await,
        );
    }
    let attempts = join_all(drafts.iter().map(|d| {
        let path = issue_path(d);
        let (app, owner) = (&app, &owner);
        async move { post(app, owner, &path, json!({})).await }
    }))
    .await;
    let statuses: Vec<u16> = attempts.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    let sales_lines = sales_of(&app, &owner, &ring).await;
    assert_eq!(sales_lines.len(), 1, "{sales_lines:?}");
    // Once sold, the ring is on no new bill: the refusal names the line.
    let sold_again = json_of(
        post(
            &app,
            &owner,
            "/api/v1/invoices",
            json!({"branchId": branch["id"], "lines": [
                {"kind": "service", "description": "Polishing", "amount": "200.00"},
                {"kind": "piece", "pieceId": ring["id"]}
            ]}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&sold_again),
        vec![("lines[1].pieceId".to_owned(), "illegal_move".to_owned())],
        "{sold_again}"
    );

    // The 19 losers each took number 2 and gave it back when they rolled
    // back: the next bill of the branch is number 2.
    let service = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "lines": [{"kind": "service", "description": "Polishing", "amount": "200.00"}]}),
    )
    .await;
    let next = json_of(
        post(&app, &owner, &issue_path(&service), json!({})).await,
        200,
    )
    .await;
    assert_eq!(
        next["number"],
        format!("MDS1/{}/000002", this_financial_year())
    );
    // A bill that fails after taking its number leaves no gap either.
    let loser = &drafts[0];
    let again = json_of(post(&app, &owner, &issue_path(loser), json!({})).await, 409).await;
    assert!(
        error_codes(&again).contains(&("status".to_owned(), "wrong_status".to_owned()))
            || error_codes(&again)
                .contains(&("lines[0].pieceId".to_owned(), "not_in_stock".to_owned())),
        "{again}"
    );
    let late = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "lines": [{"kind": "service", "description": "Polishing", "amount": "200.00"}]}),
    )
    .await;
    let third = json_of(post(&app, &owner, &issue_path(&late), json!({})).await, 200).await;
    assert_eq!(
        third["number"],
        format!("MDS1/{}/000003", this_financial_year())
    );
    ledger_balances(&app, &owner).await;
}

async fn two_hundred_bills_are_numbered_1_to_200(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |s| s.rate_limit.staff = 10_000).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let body = json!({"branchId": branch["id"],
                      "lines": [{"kind": "service", "description": "Ring sizing", "amount": "350.00"}]});
    let drafts: Vec<Value> = join_all((0..200).map(|_| draft(&app, &owner, body.clone()))).await;
    let issued = join_all(drafts.iter().map(|d| {
        let path = issue_path(d);
        let (app, owner) = (&app, &owner);
        async move { post(app, owner, &path, json!({})).await }
    }))
    .await;
    let mut numbers = Vec::new();
    for response in issued {
        let bill = json_of(response, 200).await;
        let number = bill["number"].as_str().expect("number").to_owned();
        let (prefix, sequence) = number.rsplit_once('/').expect("a sequence");
        assert_eq!(prefix, format!("MUM1/{}", this_financial_year()));
        numbers.push(sequence.parse::<u32>().expect("digits"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=200).collect::<Vec<u32>>());
    // A page of them, each with its own line and payments loaded.
    let page = json_of(get(&app, &owner, "/api/v1/invoices?limit=200").await, 200).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 200);
    for bill in items {
        assert_eq!(bill["lines"].as_array().expect("lines").len(), 1, "{bill}");
        assert_eq!(bill["lines"][0]["description"], "Ring sizing");
        assert_eq!(bill["total"], "368.00");
        assert!(bill["number"].is_string());
    }
}

async fn a_retried_bill_is_made_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let body = json!({"branchId": branch["id"],
                      "lines": [{"kind": "service", "description": "Engraving", "amount": "300.00"}]});
    let send = |body: Value, key: &'static str| {
        let request = app
            .client
            .post(app.url("/api/v1/invoices"))
            .bearer_auth(&owner)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { request.send().await.expect("sent") }
    };
    let first = send(body.clone(), "bill-7f3a").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("JSON");
    let replay = send(body.clone(), "bill-7f3a").await;
    assert_eq!(replay.status(), 201);
    assert_eq!(
        replay
            .headers()
            .get("Idempotent-Replayed")
            .map(|v| v.to_str().unwrap_or("")),
        Some("true")
    );
    let replay: Value = replay.json().await.expect("JSON");
    assert_eq!(replay, first);
    let mut other = body.clone();
    other["lines"][0]["amount"] = json!("400.00");
    let reused = json_of(send(other, "bill-7f3a").await, 422).await;
    assert_eq!(
        error_codes(&reused),
        vec![("Idempotency-Key".to_owned(), "reused".to_owned())]
    );
    let list = json_of(get(&app, &owner, "/api/v1/invoices").await, 200).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);

    // Issuing and paying are safe to retry too.
    let pay =
        json!({"payments": [{"method": "card", "amount": "315.00", "reference": "auth 5521"}]});
    let issue = |key: &'static str| {
        let request = app
            .client
            .post(app.url(&issue_path(&first)))
            .bearer_auth(&owner)
            .header("Idempotency-Key", key)
            .json(&pay);
        async move { request.send().await.expect("sent") }
    };
    let once = json_of(issue("issue-1").await, 200).await;
    let twice = json_of(issue("issue-1").await, 200).await;
    assert_eq!(once, twice);
    assert_eq!(once["status"], "paid");
    assert_eq!(once["payments"].as_array().expect("payments").len(), 1);
}
