//! Selling: drafts priced by the engine, issuing with gapless numbers,
//! old-gold exchange, split payments, the cash and PAN guards, discounts
//! awaiting a manager, cancelling. Scenarios end with the ledger balanced.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, ledger_balances, post};
use crate::on_both_backends;

on_both_backends!(
    the_worked_example_sold_with_an_old_gold_exchange,
    twenty_bills_racing_for_one_piece_sell_it_once,
    two_hundred_bills_are_numbered_1_to_200,
    a_retried_bill_is_made_once,
    cash_at_the_limit_and_a_large_bill_without_pan_are_refused,
    a_discount_beyond_the_role_limit_waits_for_a_manager,
    cancelling_puts_the_stock_back_and_other_branches_see_nothing,
    lots_and_services_sold_to_another_state_pay_igst,
    a_quote_keeps_its_prices_when_the_rate_moves,
    a_return_credits_the_lines_and_puts_the_stock_back,
    customers_see_their_own_bills_and_no_one_elses,
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

fn payments_path(invoice: &Value) -> String {
    format!(
        "/api/v1/invoices/{}/payments",
        invoice["id"].as_str().expect("id")
    )
}

/// The financial year a bill issued now in India gets (April to March).
fn this_financial_year() -> String {
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

fn error_codes(problem: &Value) -> Vec<(String, String)> {
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

async fn cash_at_the_limit_and_a_large_bill_without_pan_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    // 20.000 g: 256,000.00 metal + 40,960.00 making = 296,960.00 taxable,
    // 8,908.80 tax: 305,868.80, billed 305,869.00. Above 2,00,000.
    let bangle = piece(&app, &owner, &branch, "BG-1", "20.000").await;
    let lines = json!([{"kind": "piece", "pieceId": bangle["id"]}]);

    let walk_in = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "lines": lines}),
    )
    .await;
    assert_eq!(walk_in["total"], "305869.00");
    let refused = json_of(
        post(&app, &owner, &issue_path(&walk_in), json!({})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("customerId".to_owned(), "pan_required".to_owned())]
    );

    let no_pan = customer(&app, &owner, "9876543210", None).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": no_pan["id"], "lines": lines}),
    )
    .await;
    let refused = json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 422).await;
    assert_eq!(
        error_codes(&refused),
        vec![("customerId".to_owned(), "pan_required".to_owned())]
    );

    let with_pan = customer(&app, &owner, "9876543211", Some("ABCDE1234F")).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": with_pan["id"], "lines": lines}),
    )
    .await;
    // Cash at the limit, even split in two, is refused; nothing is stored.
    let at_limit = json!({"payments": [{"method": "cash", "amount": "150000.00"},
                                       {"method": "cash", "amount": "50000.00"}]});
    let refused = json_of(post(&app, &owner, &issue_path(&bill), at_limit).await, 422).await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "cash_limit".to_owned())]
    );
    let still = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["status"], "draft");
    assert_eq!(still["number"], Value::Null);

    let issued = json_of(
        post(
            &app,
            &owner,
            &issue_path(&bill),
            json!({"payments": [{"method": "cash", "amount": "199999.00"}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(issued["balance"], "105870.00");
    // One more rupee of cash reaches the limit for this bill.
    let refused = json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "cash", "amount": "1.00"}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "cash_limit".to_owned())]
    );
    // More than the balance is refused; a cheque needs its number.
    let refused = json_of(
        post(&app, &owner, &payments_path(&bill), json!({"payments": [{"method": "bank_transfer", "amount": "105870.01", "reference": "NEFT-1"}]})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments".to_owned(), "more_than_due".to_owned())]
    );
    let refused = json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "cheque", "amount": "100.00"}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("payments[0].reference".to_owned(), "required".to_owned())]
    );
    let paid = json_of(
        post(&app, &owner, &payments_path(&bill), json!({"payments": [{"method": "cheque", "amount": "105870.00", "reference": "000123"}]})).await,
        201,
    )
    .await;
    assert_eq!(paid["status"], "paid");
}

async fn a_discount_beyond_the_role_limit_waits_for_a_manager(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    let (manager, manager_token) = app
        .hire(&owner, "kumar@example-jeweller.in", "manager", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let necklace = piece(&app, &owner, &branch, "GN-1", "3.390").await;

    // 10% off making is 694.27 of 50,334.72: 1.38%, within the 2% of sales.
    let small = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "piece", "pieceId": necklace["id"],
                          "discount": {"on": "making", "percent": "10"}}]}),
    )
    .await;
    assert_eq!(small["lines"][0]["discount"], "694.27");
    assert_eq!(small["taxableValue"], "49640.45");
    assert_eq!(small["approvalNeeded"], false);

    // 5% of the value is beyond it.
    let large = draft(
        &app,
        &sales,
        json!({"branchId": branch["id"], "lines": [{"kind": "piece", "pieceId": necklace["id"]}],
               "discount": {"on": "value", "percent": "5"}}),
    )
    .await;
    assert_eq!(large["discountTotal"], "2516.74");
    assert_eq!(large["approvalNeeded"], true);
    let waiting = json_of(
        post(&app, &sales, &issue_path(&large), json!({})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&waiting),
        vec![("discount".to_owned(), "approval_needed".to_owned())]
    );
    // Too large to be real: refused, not stored wrapped around.
    let huge = json_of(
        post(&app, &sales, "/api/v1/invoices",
             json!({"branchId": branch["id"],
                    "lines": [{"kind": "service", "description": "Gold bar", "amount": "9999999999999.00"}]})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&huge),
        vec![("lines".to_owned(), "too_large".to_owned())]
    );
    // Sales may discard a draft of theirs; not an issued bill.
    let discarded = json_of(
        post(
            &app,
            &sales,
            &format!(
                "/api/v1/invoices/{}/cancel",
                small["id"].as_str().expect("id")
            ),
            json!({"reason": "Customer left"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(discarded["status"], "cancelled");
    assert_eq!(discarded["number"], Value::Null);
    let approval = format!(
        "/api/v1/invoices/{}/discount-approval",
        large["id"].as_str().expect("id")
    );
    json_of(post(&app, &sales, &approval, json!({})).await, 403).await;
    let approved = json_of(post(&app, &manager_token, &approval, json!({})).await, 200).await;
    assert_eq!(approved["approvedBy"], manager["id"]);
    let issued = json_of(
        post(&app, &sales, &issue_path(&large), json!({})).await,
        200,
    )
    .await;
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["approvedBy"], manager["id"]);

    // A discount above what it is taken from names its place.
    let refused = json_of(
        post(
            &app,
            &sales,
            "/api/v1/invoices",
            json!({"branchId": branch["id"],
                   "lines": [{"kind": "service", "description": "Engraving", "amount": "300.00",
                              "discount": {"on": "value", "amount": "300.01"}}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].discount".to_owned(), "too_large".to_owned())]
    );
}

async fn cancelling_puts_the_stock_back_and_other_branches_see_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&chennai])
        .await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "manager", &[&madurai])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let ring = piece(&app, &owner, &chennai, "RG-9", "4.250").await;

    // Another branch's piece is not on offer; another branch's bill is not found.
    let refused = json_of(
        post(
            &app,
            &elsewhere,
            "/api/v1/invoices",
            json!({"branchId": madurai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].pieceId".to_owned(), "not_found".to_owned())]
    );
    let bill = draft(
        &app,
        &sales,
        json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
    )
    .await;
    let path = format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id"));
    json_of(get(&app, &elsewhere, &path).await, 404).await;
    json_of(
        post(&app, &elsewhere, &issue_path(&bill), json!({})).await,
        404,
    )
    .await;
    let listed = json_of(get(&app, &elsewhere, "/api/v1/invoices").await, 200).await;
    assert_eq!(listed["items"], json!([]));
    json_of(
        post(
            &app,
            &elsewhere,
            "/api/v1/invoices",
            json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
        )
        .await,
        422,
    )
    .await;

    let issued = json_of(
        post(
            &app,
            &sales,
            &issue_path(&bill),
            json!({"payments": [{"method": "upi", "amount": "5000.00"}]}),
        )
        .await,
        200,
    )
    .await;
    // Sales may not cancel; a manager of the branch may, with a reason.
    let cancel = format!("{path}/cancel");
    json_of(
        post(&app, &sales, &cancel, json!({"reason": "wrong ring"})).await,
        403,
    )
    .await;
    json_of(
        post(&app, &elsewhere, &cancel, json!({"reason": "wrong ring"})).await,
        404,
    )
    .await;
    let empty = json_of(
        post(&app, &owner, &cancel, json!({"reason": " "})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&empty),
        vec![("reason".to_owned(), "length".to_owned())]
    );
    let cancelled = json_of(
        post(
            &app,
            &owner,
            &cancel,
            json!({"reason": "Billed the wrong ring"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["number"], issued["number"]);
    assert_eq!(cancelled["refundDue"], "5000.00");
    assert_eq!(cancelled["balance"], "0.00");
    let back = json_of(
        get(
            &app,
            &sales,
            &format!("/api/v1/pieces/{}", ring["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(back["status"], "in_stock");
    json_of(
        post(&app, &owner, &cancel, json!({"reason": "again"})).await,
        409,
    )
    .await;
    // The ring can be sold again, on the next number.
    let again = draft(
        &app,
        &sales,
        json!({"branchId": chennai["id"], "lines": [{"kind": "piece", "pieceId": ring["id"]}]}),
    )
    .await;
    let resold = json_of(
        post(&app, &sales, &issue_path(&again), json!({})).await,
        200,
    )
    .await;
    assert_eq!(
        resold["number"],
        format!("MDS1/{}/000002", this_financial_year())
    );
    let counts = ledger_balances(&app, &owner).await;
    assert_eq!(counts.get(chennai["id"].as_str().expect("id")), Some(&0));
}

async fn lots_and_services_sold_to_another_state_pay_igst(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let coins = json_of(
        post(&app, &owner, "/api/v1/lots",
             json!({"code": "COIN-SILVER-10G", "name": "Silver coin 10 g", "category": "coin", "unit": "count",
                    "metal": "silver", "fineness": 999})).await,
        201,
    )
    .await;
    let chain = json_of(
        post(
            &app,
            &owner,
            "/api/v1/lots",
            json!({"code": "CHAIN-22K", "name": "22K chain by the gram", "category": "chain",
                    "unit": "weight", "metal": "gold", "fineness": 916}),
        )
        .await,
        201,
    )
    .await;
    for (lot, quantity) in [(&coins, "10"), (&chain, "50.000")] {
        let path = format!("/api/v1/lots/{}/movements", lot["id"].as_str().expect("id"));
        json_of(
            post(
                &app,
                &owner,
                &path,
                json!({"branchId": branch["id"], "kind": "receipt", "quantity": quantity}),
            )
            .await,
            200,
        )
        .await;
    }
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "placeOfSupply": "29",
        "lines": [
            {"kind": "lot", "lotId": coins["id"], "quantity": "2", "unitPrice": "1250.00"},
            {"kind": "lot", "lotId": chain["id"], "quantity": "10.500",
             "making": {"mode": "per_gram", "value": "450.00"}},
            {"kind": "service", "description": "Engraving", "amount": "300.00"}
        ]}),
    )
    .await;
    // By hand: coins 2 x 1,250.00 = 2,500.00 at 3% IGST = 75.00; chain
    // 10.500 g x 12,800.00 = 134,400.00 + making 10.500 x 450.00 = 4,725.00
    // = 139,125.00 at 3% = 4,173.75; engraving 300.00 at 5% = 15.00.
    assert_eq!(bill["supply"], "inter_state");
    assert_eq!(bill["lines"][0]["quantity"], "2");
    assert_eq!(bill["lines"][1]["quantity"], "10.500");
    assert_eq!(bill["lines"][0]["total"], "2575.00");
    assert_eq!(bill["lines"][1]["metalValue"], "134400.00");
    assert_eq!(bill["lines"][1]["making"]["amount"], "4725.00");
    assert_eq!(bill["lines"][2]["hsn"], "9988");
    assert_eq!(
        bill["taxes"],
        json!([{"kind": "IGST", "rate": "3", "amount": "4248.75"},
               {"kind": "IGST", "rate": "5", "amount": "15.00"}])
    );
    assert_eq!(bill["taxableValue"], "141925.00");
    assert_eq!(bill["grossTotal"], "146188.75");
    assert_eq!(bill["roundOff"], "0.25");
    assert_eq!(bill["total"], "146189.00");
    json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 200).await;
    let on_hand = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/lots/{}", chain["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(on_hand["onHand"][0]["quantity"], "39.500", "{on_hand}");

    // More than is on hand: the issue fails and gives its number back.
    let too_many = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"],
               "lines": [{"kind": "lot", "lotId": coins["id"], "quantity": "9", "unitPrice": "1250.00"}]}),
    )
    .await;
    let refused = json_of(
        post(&app, &owner, &issue_path(&too_many), json!({})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("lines[0].quantity".to_owned(), "not_enough".to_owned())]
    );
    let method = Method::GET;
    let list = json_of(
        app.call(method, "/api/v1/invoices?status=issued", Some(&owner), None)
            .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
}

async fn a_quote_keeps_its_prices_when_the_rate_moves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, elsewhere) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&madurai])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let necklace = piece(&app, &owner, &branch, "GN-7", "3.390").await;
    let quote = json_of(
        post(&app, &owner, "/api/v1/quotes",
             json!({"branchId": branch["id"], "lines": [{"kind": "piece", "pieceId": necklace["id"]}]})).await,
        201,
    )
    .await;
    assert_eq!(quote["bill"]["total"], "51845.00");
    assert_eq!(quote["expired"], false);
    let priced =
        chrono::DateTime::parse_from_rfc3339(quote["bill"]["pricedAt"].as_str().expect("time"))
            .expect("time");
    let until = chrono::DateTime::parse_from_rfc3339(quote["validUntil"].as_str().expect("time"))
        .expect("time");
    assert_eq!(until - priced, chrono::Duration::minutes(60));
    let path = format!(
        "/api/v1/quotes/{}",
        quote["bill"]["id"].as_str().expect("id")
    );
    json_of(get(&app, &elsewhere, &path).await, 404).await;

    // The rate moves: the live price follows, the quote does not.
    set_rate(&app, &owner, "gold", 916, "13000.00").await;
    let live = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/pieces/{}/price",
                necklace["id"].as_str().expect("id")
            ),
        )
        .await,
        200,
    )
    .await;
    assert_ne!(live["total"], "51845.00");
    let invoice = json_of(
        post(&app, &owner, &format!("{path}/invoice"), json!({})).await,
        201,
    )
    .await;
    assert_eq!(invoice["quoteId"], quote["bill"]["id"]);
    assert_eq!(invoice["total"], "51845.00");
    assert_eq!(invoice["lines"][0]["rate"], "12800.00");
    let issued = json_of(
        post(&app, &owner, &issue_path(&invoice), json!({})).await,
        200,
    )
    .await;
    assert_eq!(issued["total"], "51845.00");
    assert_eq!(issued["status"], "issued");
    let again = json_of(
        post(&app, &owner, &format!("{path}/invoice"), json!({})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&again),
        vec![("invoiceId".to_owned(), "converted".to_owned())]
    );
    let read = json_of(get(&app, &owner, &path).await, 200).await;
    assert_eq!(read["invoiceId"], invoice["id"]);
}

async fn a_return_credits_the_lines_and_puts_the_stock_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let first = piece(&app, &owner, &branch, "GN-A", "3.390").await;
    let second = piece(&app, &owner, &branch, "GN-B", "3.390").await;
    let buyer = customer(&app, &owner, "9876543210", None).await;
    let bill = draft(
        &app,
        &owner,
        json!({"branchId": branch["id"], "customerId": buyer["id"],
               "lines": [{"kind": "piece", "pieceId": first["id"]},
                         {"kind": "piece", "pieceId": second["id"]}]}),
    )
    .await;
    // Two worked examples: 100,669.44 taxable, 3,020.08 tax, 103,689.52
    // rounds to 103,690.00.
    assert_eq!(bill["total"], "103690.00");
    let returns = format!(
        "/api/v1/invoices/{}/returns",
        bill["id"].as_str().expect("id")
    );
    let line = |i: usize| bill["lines"][i]["id"].clone();
    // Unpaid: cancel it instead.
    json_of(post(&app, &owner, &issue_path(&bill), json!({})).await, 200).await;
    let unpaid = json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(0)], "reason": "fit", "settlement": "store_credit"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&unpaid),
        vec![("status".to_owned(), "wrong_status".to_owned())]
    );
    json_of(
        post(
            &app,
            &owner,
            &payments_path(&bill),
            json!({"payments": [{"method": "card", "amount": "103690.00", "reference": "auth 1"}]}),
        )
        .await,
        201,
    )
    .await;
    let refused = json_of(
        post(&app, &owner, &returns,
             json!({"lineIds": [line(0)], "reason": "fit", "settlement": "store_credit", "refundMethod": "cash"})).await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("refundMethod".to_owned(), "unexpected".to_owned())]
    );

    let returned = json_of(
        post(&app, &owner, &returns,
             json!({"lineIds": [line(0)], "reason": "Does not fit", "settlement": "refund", "refundMethod": "upi"})).await,
        201,
    )
    .await;
    let note = &returned["creditNotes"][0];
    assert_eq!(
        note["number"],
        format!("MDS1/CN/{}/000001", this_financial_year())
    );
    // The line's value and tax as billed: 50,334.72 + 755.02 + 755.02 =
    // 51,844.76, rounded to 51,845.00.
    assert_eq!(note["taxableValue"], "50334.72");
    assert_eq!(note["taxTotal"], "1510.04");
    assert_eq!(note["total"], "51845.00");
    assert_eq!(note["refundMethod"], "upi");
    assert_eq!(returned["credited"], "51845.00");
    assert_eq!(returned["lines"][0]["returnedBy"], note["id"]);
    assert_eq!(returned["lines"][1]["returnedBy"], Value::Null);
    let back = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/pieces/{}", first["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(back["status"], "returned");
    let seen = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/customers/{}", buyer["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["lifetimeValue"], "51845.00");
    let again = json_of(
        post(
            &app,
            &owner,
            &returns,
            json!({"lineIds": [line(0)], "reason": "again", "settlement": "store_credit"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        error_codes(&again),
        vec![("lineIds[0]".to_owned(), "returned".to_owned())]
    );

    // Two returns racing for the other line: one credit note.
    let body =
        json!({"lineIds": [line(1)], "reason": "Changed mind", "settlement": "store_credit"});
    let (a, b) = tokio::join!(
        post(&app, &owner, &returns, body.clone()),
        post(&app, &owner, &returns, body)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert!(
        statuses == [201, 409] || statuses == [201, 422],
        "{statuses:?}"
    );
    let read = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read["creditNotes"].as_array().expect("notes").len(), 2);
    assert_eq!(
        read["creditNotes"][1]["number"],
        format!("MDS1/CN/{}/000002", this_financial_year())
    );
    let seen = json_of(
        get(
            &app,
            &owner,
            &format!("/api/v1/customers/{}", buyer["id"].as_str().expect("id")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["purchases"]["lifetimeValue"], "0.00");
    // Goods came back against it: it can no longer be cancelled.
    let cancel = format!(
        "/api/v1/invoices/{}/cancel",
        bill["id"].as_str().expect("id")
    );
    let refused = json_of(
        post(&app, &owner, &cancel, json!({"reason": "too late"})).await,
        409,
    )
    .await;
    assert_eq!(
        error_codes(&refused),
        vec![("creditNotes".to_owned(), "has_returns".to_owned())]
    );
    ledger_balances(&app, &owner).await;
}

async fn customers_see_their_own_bills_and_no_one_elses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let lakshmi = customer(&app, &owner, "9876543210", None).await;
    let ravi = customer(&app, &owner, "9876543211", None).await;
    let service = |who: &Value| {
        json!({"branchId": branch["id"], "customerId": who["id"],
               "lines": [{"kind": "service", "description": "Polishing", "amount": "200.00"}]})
    };
    let hers = draft(&app, &owner, service(&lakshmi)).await;
    json_of(post(&app, &owner, &issue_path(&hers), json!({})).await, 200).await;
    // A draft of hers is not shown to her.
    draft(&app, &owner, service(&lakshmi)).await;
    let his = draft(&app, &owner, service(&ravi)).await;
    json_of(post(&app, &owner, &issue_path(&his), json!({})).await, 200).await;

    let her_token = app
        .customer_tokens(&owner, lakshmi["id"].as_str().expect("id"), "9876543210")
        .await["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let mine = json_of(get(&app, &her_token, "/api/v1/me/invoices").await, 200).await;
    let ids: Vec<&Value> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&hers["id"]]);
    let me = json_of(get(&app, &her_token, "/api/v1/me").await, 200).await;
    assert_eq!(me["purchases"]["count"], 1);
    assert_eq!(me["purchases"]["lifetimeValue"], "210.00");
    let path = |bill: &Value| format!("/api/v1/me/invoices/{}", bill["id"].as_str().expect("id"));
    json_of(get(&app, &her_token, &path(&hers)).await, 200).await;
    json_of(get(&app, &her_token, &path(&his)).await, 404).await;
    // Staff routes stay closed to her; her routes to staff.
    json_of(
        get(
            &app,
            &her_token,
            &format!("/api/v1/invoices/{}", his["id"].as_str().expect("id")),
        )
        .await,
        403,
    )
    .await;
    json_of(get(&app, &owner, "/api/v1/me/invoices").await, 403).await;
}
