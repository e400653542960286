//! A job's money over HTTP: the worked repair (labour 850.00 at 5% SAC
//! 9988, new metal 0.150 g of 22K at 12,800.00 = 1,920.00 at 3% HSN 7113;
//! total 2,870.10 rounds to 2,870.00) billed with its 500.00 advance
//! leaving 2,370.00; the advance pays only its own job's bill and no more
//! than is left; a cancelled bill gives it back; cash for a job stays
//! below the limit; delivery waits for the bill paid or a manager's
//! override; once the job is done what is left goes back, once; advances
//! are numbered without gaps under fifty at once; two
//! bills made at once: one wins; another branch and customers see none.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::billing::{customer, issue_path};
use crate::challans::{Shop, issue, job_now, receive, shop};
use crate::helpers::{Backend, get, json_of, post};
use crate::jobs::{chain, clasp_task, estimate, move_to, take_in, worked_lines};
use crate::loyalty::id_of;
use crate::on_both_backends;

on_both_backends!(
    the_worked_repair_is_billed_with_its_advance_and_delivered_paid,
    an_advance_pays_only_its_jobs_bill_and_comes_back_with_a_cancel,
    advances_are_numbered_without_gaps_and_one_bill_wins,
);

fn deposits_path(job: &Value) -> String {
    format!("/api/v1/jobs/{}/deposits", id_of(job))
}

async fn deposit(shop: &Shop, job: &Value, body: Value, code: u16) -> Value {
    json_of(
        post(&shop.app, &shop.sales, &deposits_path(job), body).await,
        code,
    )
    .await
}

async fn bill(shop: &Shop, token: &str, job: &Value, code: u16) -> Value {
    let path = format!("/api/v1/jobs/{}/bill", id_of(job));
    json_of(post(&shop.app, token, &path, json!({})).await, code).await
}

/// The worked chain taken in, estimated (labour and new metal) and
/// approved by staff.
async fn worked_job(shop: &Shop, mobile: &str) -> (Value, Value) {
    let who = customer(&shop.app, &shop.sales, mobile, None).await;
    let job = take_in(&shop.app, &shop.sales, chain(&shop.branch, &who)).await;
    (job, who)
}

async fn approve(shop: &Shop, job: &Value) {
    let path = format!("/api/v1/jobs/{}/approval", id_of(job));
    json_of(post(&shop.app, &shop.sales, &path, json!({})).await, 200).await;
}

async fn the_worked_repair_is_billed_with_its_advance_and_delivered_paid(backend: Backend) {
    let shop = shop(backend).await;
    let clasp = clasp_task(&shop.app, &shop.owner).await;
    let (job, _) = worked_job(&shop, "9876543210").await;

    let advance = deposit(
        &shop,
        &job,
        json!({"amount": "500.00", "method": "cash"}),
        201,
    )
    .await;
    let number = advance["number"].as_str().expect("number").to_owned();
    assert!(
        number.starts_with("MUM1/ADV/") && number.ends_with("/000001"),
        "{number}"
    );
    assert_eq!(advance["left"], "500.00");
    // Cash for the job stays below 2,00,000.00 with what was left before.
    let over = deposit(
        &shop,
        &job,
        json!({"amount": "199500.00", "method": "cash"}),
        422,
    )
    .await;
    assert_eq!(over["errors"][0]["field"], "amount", "{over}");
    assert_eq!(over["errors"][0]["code"], "cash_limit", "{over}");
    let cheque = deposit(
        &shop,
        &job,
        json!({"amount": "10.00", "method": "cheque"}),
        422,
    )
    .await;
    assert_eq!(cheque["errors"][0]["field"], "reference", "{cheque}");

    // No bill before an approved estimate.
    let early = bill(&shop, &shop.sales, &job, 409).await;
    assert_eq!(early["errors"][0]["field"], "estimate", "{early}");
    estimate(&shop.app, &shop.sales, &job, worked_lines(&clasp), 200).await;
    let unapproved = bill(&shop, &shop.sales, &job, 409).await;
    assert_eq!(
        unapproved["errors"][0]["code"], "unapproved",
        "{unapproved}"
    );
    approve(&shop, &job).await;

    let challan = issue(&shop, &job, "12.480", 201).await;
    let back = receive(
        &shop,
        &challan,
        json!({"grossWeight": "12.410", "closes": true}),
        201,
    )
    .await;
    assert_eq!(back["reconciliation"]["metalLoss"], "0.070", "{back}");
    assert_eq!(back["reconciliation"]["lossPercent"], "0.56");
    move_to(
        &shop.app,
        &shop.sales,
        &job,
        json!({"status": "ready"}),
        200,
    )
    .await;
    let deliver = json!({"status": "delivered", "collectedBy": "Meenakshi"});
    let unbilled = move_to(&shop.app, &shop.sales, &job, deliver.clone(), 409).await;
    assert_eq!(unbilled["errors"][0]["field"], "bill", "{unbilled}");
    assert_eq!(unbilled["errors"][0]["code"], "none", "{unbilled}");

    let invoice = bill(&shop, &shop.sales, &job, 201).await;
    let lines = invoice["lines"].as_array().expect("lines");
    assert_eq!(lines[0]["kind"], "service");
    assert_eq!(lines[0]["hsn"], "9988");
    assert_eq!(lines[1]["kind"], "material");
    assert_eq!(lines[1]["hsn"], "7113");
    assert_eq!(invoice["taxableValue"], "2770.00");
    assert_eq!(
        invoice["taxes"],
        json!([{"kind": "CGST", "rate": "2.5", "amount": "21.25"},
               {"kind": "SGST", "rate": "2.5", "amount": "21.25"},
               {"kind": "CGST", "rate": "1.5", "amount": "28.80"},
               {"kind": "SGST", "rate": "1.5", "amount": "28.80"}]),
        "{invoice}"
    );
    assert_eq!(invoice["taxTotal"], "100.10");
    assert_eq!(invoice["roundOff"], "-0.10");
    assert_eq!(invoice["total"], "2870.00");
    assert_eq!(job_now(&shop, &job).await["invoiceId"], invoice["id"]);
    let twice = bill(&shop, &shop.sales, &job, 409).await;
    assert_eq!(twice["errors"][0]["field"], "invoiceId", "{twice}");

    // The advance pays no more than is left of it, and only by its number.
    let pay = |amount: &str, reference: &str| json!({"payments": [{"method": "advance", "amount": amount, "reference": reference}]});
    let app = &shop.app;
    let too_much = json_of(
        post(
            app,
            &shop.sales,
            &issue_path(&invoice),
            pay("600.00", &number),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        too_much["errors"][0]["field"], "payments[0].amount",
        "{too_much}"
    );
    assert_eq!(
        too_much["errors"][0]["code"], "more_than_left",
        "{too_much}"
    );
    let unknown = json_of(
        post(
            app,
            &shop.sales,
            &issue_path(&invoice),
            pay("500.00", "MUM1/ADV/2026-27/999999"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        unknown["errors"][0]["field"], "payments[0].reference",
        "{unknown}"
    );
    let issued = json_of(
        post(
            app,
            &shop.sales,
            &issue_path(&invoice),
            pay("500.00", &number),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(issued["status"], "partially_paid", "{issued}");
    assert_eq!(issued["balance"], "2370.00");
    let advances = json_of(get(app, &shop.sales, &deposits_path(&job)).await, 200).await;
    assert_eq!(advances["items"][0]["applied"], "500.00");
    assert_eq!(advances["items"][0]["left"], "0.00");
    assert_eq!(advances["left"], "0.00");

    // Unpaid: only a manager lets it go, with a reason.
    let unpaid = move_to(app, &shop.sales, &job, deliver.clone(), 409).await;
    assert_eq!(unpaid["errors"][0]["code"], "unpaid", "{unpaid}");
    let overridden = json!({"status": "delivered", "collectedBy": "Meenakshi",
                            "overrideReason": "Pays tomorrow"});
    assert_eq!(
        post(
            app,
            &shop.sales,
            &format!("/api/v1/jobs/{}/status", id_of(&job)),
            overridden
        )
        .await
        .status(),
        403
    );
    let path = format!("/api/v1/invoices/{}/payments", id_of(&invoice));
    let cash = json!({"payments": [{"method": "cash", "amount": "2370.00"}]});
    let paid = json_of(post(app, &shop.sales, &path, cash).await, 201).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    let delivered = move_to(app, &shop.sales, &job, deliver, 200).await;
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["collectedBy"], "Meenakshi");
    assert_eq!(delivered["deliveryOverride"], Value::Null);
    let closed = deposit(
        &shop,
        &job,
        json!({"amount": "10.00", "method": "upi"}),
        409,
    )
    .await;
    assert_eq!(closed["errors"][0]["field"], "status", "{closed}");
}

async fn an_advance_pays_only_its_jobs_bill_and_comes_back_with_a_cancel(backend: Backend) {
    let shop = shop(backend).await;
    let app = &shop.app;
    let (first, _) = worked_job(&shop, "9876543210").await;
    let (second, _) = worked_job(&shop, "9876543211").await;
    let other = json!([{"kind": "other", "description": "Polish", "amount": "300.00"}]);
    for job in [&first, &second] {
        estimate(app, &shop.sales, job, other.clone(), 200).await;
        approve(&shop, job).await;
    }
    let advance = deposit(
        &shop,
        &first,
        json!({"amount": "300.00", "method": "upi",
                                                  "reference": "UPI-4411"}),
        201,
    )
    .await;
    let number = advance["number"].as_str().expect("number");
    let pay = json!({"payments": [{"method": "advance", "amount": "100.00", "reference": number}]});
    let theirs = bill(&shop, &shop.sales, &second, 201).await;
    let refused = json_of(
        post(app, &shop.sales, &issue_path(&theirs), pay.clone()).await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["field"], "payments[0].reference",
        "{refused}"
    );

    // A plain bill takes no advance at all.
    let counter = json!({"branchId": shop.branch["id"], "lines": [
        {"kind": "service", "description": "Cleaning", "amount": "100.00"}]});
    let plain = json_of(
        post(app, &shop.sales, "/api/v1/invoices", counter).await,
        201,
    )
    .await;
    let refused = json_of(
        post(app, &shop.sales, &issue_path(&plain), pay.clone()).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "not_a_job_bill", "{refused}");

    let mine = bill(&shop, &shop.sales, &first, 201).await;
    let issued = json_of(post(app, &shop.sales, &issue_path(&mine), pay).await, 200).await;
    assert_eq!(issued["payments"][0]["method"], "advance");
    let left = || async {
        json_of(get(app, &shop.sales, &deposits_path(&first)).await, 200).await["left"].clone()
    };
    assert_eq!(left().await, "200.00");
    let cancel = format!("/api/v1/invoices/{}/cancel", id_of(&mine));
    json_of(
        post(app, &shop.owner, &cancel, json!({"reason": "Wrong polish"})).await,
        200,
    )
    .await;
    assert_eq!(left().await, "300.00", "the cancel gives the advance back");
    let again = bill(&shop, &shop.sales, &first, 201).await;
    assert_ne!(again["id"], mine["id"]);

    // The owner lets an unpaid job go with a reason; it stays on the card.
    let path = format!("/api/v1/jobs/{}/challans", id_of(&first));
    let body = json!({"artisanId": shop.artisan["id"], "metal": "gold", "fineness": 916,
                      "grossWeight": "12.480"});
    let challan = json_of(post(app, &shop.sales, &path, body).await, 201).await;
    receive(
        &shop,
        &challan,
        json!({"grossWeight": "12.480", "closes": true}),
        201,
    )
    .await;
    move_to(app, &shop.sales, &first, json!({"status": "ready"}), 200).await;
    let blank = json!({"status": "delivered", "collectedBy": "Meenakshi", "overrideReason": " "});
    let unpaid = move_to(app, &shop.owner, &first, blank, 409).await;
    assert_eq!(
        unpaid["errors"][0]["field"], "bill",
        "a blank reason is none"
    );
    let body = json!({"status": "delivered", "collectedBy": "Meenakshi",
                      "overrideReason": "Warranty repair"});
    let refund = format!(
        "{}/{}/refund",
        deposits_path(&first),
        advance["id"].as_str().expect("id")
    );
    let give_back = json!({"method": "upi", "reference": "UPI-77120", "reason": "Warranty repair"});
    let open = json_of(
        post(app, &shop.sales, &refund, give_back.clone()).await,
        409,
    )
    .await;
    assert_eq!(open["errors"][0]["code"], "job_open", "{open}");
    let delivered = move_to(app, &shop.owner, &first, body, 200).await;
    assert_eq!(delivered["deliveryOverride"], "Warranty repair");

    // Done: what is left of the advance goes back, once.
    let refunded = json_of(
        post(app, &shop.sales, &refund, give_back.clone()).await,
        200,
    )
    .await;
    assert_eq!(refunded["refund"]["amount"], "300.00", "{refunded}");
    assert_eq!(refunded["refund"]["method"], "upi");
    assert_eq!(refunded["left"], "0.00");
    let again = json_of(post(app, &shop.sales, &refund, give_back).await, 409).await;
    assert_eq!(again["errors"][0]["code"], "refunded", "{again}");
    assert_eq!(left().await, "0.00");
}

async fn advances_are_numbered_without_gaps_and_one_bill_wins(backend: Backend) {
    let shop = shop(backend).await;
    let app = &shop.app;
    let (job, who) = worked_job(&shop, "9876543210").await;
    let path = deposits_path(&job);
    let answers = join_all((0..50).map(|i| {
        let body = json!({"amount": "10.00", "method": "card", "reference": format!("SLIP-{i}")});
        post(app, &shop.sales, &path, body)
    }))
    .await;
    let mut numbers = Vec::new();
    for answer in answers {
        let advance = json_of(answer, 201).await;
        numbers.push(advance["number"].as_str().expect("number").to_owned());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50)
        .map(|n| format!("{}{n:06}", &numbers[0][..numbers[0].len() - 6]))
        .collect();
    assert_eq!(numbers, expected);

    let other = json!([{"kind": "other", "description": "Polish", "amount": "300.00"}]);
    estimate(app, &shop.sales, &job, other, 200).await;
    approve(&shop, &job).await;
    let path = format!("/api/v1/jobs/{}/bill", id_of(&job));
    let answers = join_all((0..2).map(|_| post(app, &shop.sales, &path, json!({})))).await;
    let mut codes: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    codes.sort_unstable();
    assert_eq!(codes, [201, 409]);

    // Another branch's staff, and customers, see none of it.
    let elsewhere = app.open_branch(&shop.owner, "PUN1").await;
    let (_, stranger) = app
        .hire(
            &shop.owner,
            "ravi@example-jeweller.in",
            "sales",
            &[&elsewhere],
        )
        .await;
    assert_eq!(
        get(app, &stranger, &deposits_path(&job)).await.status(),
        404
    );
    let body = json!({"amount": "10.00", "method": "upi"});
    assert_eq!(
        post(app, &stranger, &deposits_path(&job), body)
            .await
            .status(),
        404
    );
    assert_eq!(post(app, &stranger, &path, json!({})).await.status(), 404);
    let hers = app
        .customer_token(&shop.owner, id_of(&who), "9876543210")
        .await;
    assert_eq!(get(app, &hers, &deposits_path(&job)).await.status(), 403);
    let mine = json_of(get(app, &hers, "/api/v1/me/jobs").await, 200).await;
    assert!(mine["items"][0]["invoiceId"].is_string(), "{mine}");
}
