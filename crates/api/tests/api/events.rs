//! Domain events and the outbox: an issued bill writes `invoice.issued` in
//! its own transaction (a bill that rolls back writes nothing), the relay
//! hands each event to each subscriber once, even with two servers on one
//! database, a failing subscriber is retried without holding up the
//! others, and the customer's timeline shows what they bought and paid.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::outbox::{DeliveryState, Outbox};
use jewel_services::events::Event;
use jewel_services::relay::Subscriber;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::{on_both_backends, on_mariadb_only};

on_both_backends!(
    an_issued_bill_writes_its_event_and_a_refused_one_none,
    the_timeline_shows_what_the_customer_bought_paid_and_returned,
    a_failing_subscriber_is_retried_and_the_others_go_on,
    the_feed_is_for_auditors_and_scoped_to_their_branches,
);
on_mariadb_only!(two_servers_on_one_database_deliver_each_event_once);

/// A shop with a branch, a 22K rate, a sales person and a customer.
pub(crate) struct Shop {
    pub(crate) owner: String,
    pub(crate) sales: String,
    sales_id: Value,
    pub(crate) branch: Value,
    pub(crate) customer: Value,
}

pub(crate) async fn shop(app: &TestApp, code: &str) -> Shop {
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, code).await;
    let (hired, sales) = app
        .hire(
            &owner,
            &format!("sales.{}@example-jeweller.in", code.to_lowercase()),
            "sales",
            &[&branch],
        )
        .await;
    let rates = json!({"rates": [{"metal": "gold", "fineness": 916, "perGram": "12800.00"}]});
    json_of(post(app, &owner, "/api/v1/metal-rates", rates).await, 201).await;
    let customer = json_of(
        post(
            app,
            &sales,
            "/api/v1/customers",
            json!({"name": "Meenakshi Sundaram", "mobile": "9876543210"}),
        )
        .await,
        201,
    )
    .await;
    Shop {
        owner,
        sales,
        sales_id: hired["id"].clone(),
        branch,
        customer,
    }
}

/// A draft selling a new hallmarked piece tagged `tag` to the shop's customer.
pub(crate) async fn draft(app: &TestApp, shop: &Shop, tag: &str) -> Value {
    let piece = json_of(
        post(
            app,
            &shop.owner,
            "/api/v1/pieces",
            json!({"tagNumber": tag, "category": "ring", "metal": "gold", "fineness": 916,
                   "grossWeight": "2.500", "making": {"mode": "percent", "value": "12"},
                   "huid": format!("H{:0>5}", tag.chars().filter(char::is_ascii_digit).collect::<String>()),
                   "branchId": shop.branch["id"]}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        post(
            app,
            &shop.sales,
            "/api/v1/invoices",
            json!({"branchId": shop.branch["id"], "customerId": shop.customer["id"],
                   "lines": [{"kind": "piece", "pieceId": piece["id"]}]}),
        )
        .await,
        201,
    )
    .await
}

pub(crate) fn id_of(value: &Value) -> &str {
    value["id"].as_str().expect("an id")
}

pub(crate) async fn issue(
    app: &TestApp,
    token: &str,
    invoice: &Value,
    body: Value,
) -> reqwest::Response {
    post(
        app,
        token,
        &format!("/api/v1/invoices/{}/issue", id_of(invoice)),
        body,
    )
    .await
}

/// Every event of the feed, following its cursor.
pub(crate) async fn feed(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut events = Vec::new();
    let mut after = String::from("0");
    loop {
        let page = json_of(
            get(
                app,
                token,
                &format!("/api/v1/events?after={after}&limit=200{query}"),
            )
            .await,
            200,
        )
        .await;
        let items = page["items"].as_array().expect("items").clone();
        after = page["nextCursor"].as_str().expect("a cursor").to_owned();
        if items.is_empty() {
            return events;
        }
        events.extend(items);
    }
}

/// The feed once it holds at least `count` events (the relay numbers
/// committed events in the background); waits up to 20 s.
pub(crate) async fn feed_of_at_least(
    app: &TestApp,
    token: &str,
    query: &str,
    count: usize,
) -> Vec<Value> {
    for _ in 0..200 {
        let events = feed(app, token, query).await;
        if events.len() >= count {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the feed never held {count} events");
}

/// Waits (up to 20 s) for `check` to hold of the customer's timeline.
async fn timeline_until(
    app: &TestApp,
    token: &str,
    customer: &Value,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let path = format!(
        "/api/v1/customers/{}/interactions?limit=200",
        id_of(customer)
    );
    for _ in 0..200 {
        let page = json_of(get(app, token, &path).await, 200).await;
        let items = page["items"].as_array().expect("items").clone();
        if check(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the timeline never got there");
}

pub(crate) fn kinds(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["kind"].as_str().expect("a kind"))
        .collect()
}

async fn an_issued_bill_writes_its_event_and_a_refused_one_none(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let shop = shop(&app, "MDS1").await;
    let sold = draft(&app, &shop, "EV-1").await;
    // A second draft of the same piece: its issue takes a number, then
    // finds the piece sold and rolls back.
    let again = json_of(
        post(
            &app,
            &shop.sales,
            "/api/v1/invoices",
            json!({"branchId": shop.branch["id"], "customerId": shop.customer["id"],
                   "lines": [{"kind": "piece", "pieceId": sold["lines"][0]["pieceId"]}]}),
        )
        .await,
        201,
    )
    .await;
    let issued = json_of(issue(&app, &shop.sales, &sold, json!({})).await, 200).await;
    assert_eq!(
        issue(&app, &shop.sales, &again, json!({})).await.status(),
        409
    );

    feed_of_at_least(&app, &shop.owner, "&types=invoice.issued", 1).await;
    let events = feed(&app, &shop.owner, "").await;
    let of_invoice = |id: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["entityId"] == json!(id))
            .collect()
    };
    let mine = of_invoice(id_of(&sold));
    assert_eq!(mine.len(), 1, "{events:?}");
    let event = mine[0];
    assert_eq!(event["type"], "invoice.issued");
    assert_eq!(event["version"], 1);
    assert_eq!(event["entityType"], "invoice");
    assert_eq!(event["branchId"], shop.branch["id"]);
    assert_eq!(event["data"]["number"], issued["number"]);
    assert_eq!(event["data"]["total"], issued["total"]);
    assert_eq!(event["data"]["customerId"], shop.customer["id"]);
    assert!(of_invoice(id_of(&again)).is_empty(), "{events:?}");
    // Nothing of the refused bill waits unnumbered either.
    let stored = Outbox::of_entity(app.state.database.connection(), "invoice", id_of(&again))
        .await
        .expect("the outbox");
    assert!(stored.is_empty(), "{stored:?}");

    // Hiring told the business too, without the person's details.
    let hired: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "staff.changed" && e["entityId"] == shop.sales_id)
        .collect();
    assert_eq!(hired.len(), 1, "{events:?}");
    assert_eq!(hired[0]["branchId"], shop.branch["id"]);
    assert_eq!(hired[0]["data"]["change"], "created");
    assert_eq!(hired[0]["data"]["role"], "sales");
    assert!(hired[0]["data"].get("email").is_none());

    // Only the types asked for, and an unknown type is named.
    let payments = feed(&app, &shop.owner, "&types=payment.received").await;
    assert!(payments.is_empty(), "{payments:?}");
    let unknown = get(&app, &shop.owner, "/api/v1/events?types=invoice.sold").await;
    assert_eq!(unknown.status(), 400);
    let problem = json_of(unknown, 400).await;
    assert_eq!(problem["errors"][0]["field"], "types");
    // The pattern of every type is the document's to show, not the message's.
    let message = problem["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.len() <= 500 && message.contains("types"),
        "{message}"
    );
}

async fn the_timeline_shows_what_the_customer_bought_paid_and_returned(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let shop = shop(&app, "MDS1").await;
    let bill = draft(&app, &shop, "TL-1").await;
    let issued = json_of(issue(&app, &shop.sales, &bill, json!({})).await, 200).await;
    let number = issued["number"].as_str().expect("a number").to_owned();

    let items = timeline_until(&app, &shop.sales, &shop.customer, |items| {
        kinds(items).contains(&"purchase")
    })
    .await;
    let purchase = &items[0];
    assert_eq!(purchase["kind"], "purchase");
    let summary = purchase["summary"].as_str().expect("a summary");
    assert!(summary.contains(&number), "{summary}");
    assert!(
        summary.contains(issued["total"].as_str().expect("a total")),
        "{summary}"
    );

    let total = issued["total"].as_str().expect("a total");
    json_of(
        post(
            &app,
            &shop.owner,
            &format!("/api/v1/invoices/{}/payments", id_of(&bill)),
            json!({"payments": [{"method": "upi", "amount": total, "reference": "UPI-1"}]}),
        )
        .await,
        201,
    )
    .await;
    let line = issued["lines"][0]["id"].clone();
    json_of(
        post(
            &app,
            &shop.owner,
            &format!("/api/v1/invoices/{}/returns", id_of(&bill)),
            json!({"lineIds": [line], "reason": "Size did not fit", "settlement": "store_credit"}),
        )
        .await,
        201,
    )
    .await;
    let items = timeline_until(&app, &shop.sales, &shop.customer, |items| {
        kinds(items).contains(&"return")
    })
    .await;
    let kinds = kinds(&items);
    assert_eq!(kinds, ["return", "payment", "purchase"], "{items:?}");
    let paid = items[1]["summary"].as_str().expect("a summary");
    assert!(paid.contains("upi") && paid.contains(total), "{paid}");
    // One entry per event, whatever the relay does next.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let again = timeline_until(&app, &shop.sales, &shop.customer, |_| true).await;
    assert_eq!(again.len(), 3, "{again:?}");
}

/// Fails each event the first `failures` times, then counts it.
#[derive(Debug, Default)]
struct Flaky {
    failures: u32,
    seen: Mutex<HashMap<uuid::Uuid, u32>>,
}

#[async_trait::async_trait]
impl Subscriber for Flaky {
    fn name(&self) -> &'static str {
        "test_flaky"
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == "invoice.issued"
    }

    async fn handle(&self, _txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let mut seen = self.seen.lock().expect("the counts");
        let tries = seen.entry(event.id).or_default();
        *tries += 1;
        if *tries <= self.failures {
            anyhow::bail!("try {tries} fails on purpose");
        }
        Ok(())
    }
}

async fn a_failing_subscriber_is_retried_and_the_others_go_on(backend: Backend) {
    let flaky = Arc::new(Flaky {
        failures: 3,
        ..Flaky::default()
    });
    let app = TestApp::spawn_with_subscribers(
        backend,
        |settings| {
            settings.events.first_retry_ms = 100;
            settings.events.poll_ms = 50;
        },
        vec![flaky.clone()],
    )
    .await;
    let shop = shop(&app, "MDS1").await;
    let bill = draft(&app, &shop, "FL-1").await;
    json_of(issue(&app, &shop.sales, &bill, json!({})).await, 200).await;
    // The timeline is not held up by the failing subscriber.
    timeline_until(&app, &shop.sales, &shop.customer, |items| {
        kinds(items).contains(&"purchase")
    })
    .await;

    let event = feed_of_at_least(&app, &shop.owner, "&types=invoice.issued", 1).await[0].clone();
    let event_id: uuid::Uuid = event["id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("a uuid");
    let db = app.state.database.connection();
    let mut deliveries = Vec::new();
    for _ in 0..200 {
        deliveries = Outbox::deliveries_of(db, event_id)
            .await
            .expect("deliveries");
        if deliveries.iter().all(|d| d.state == DeliveryState::Done) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let by_name: HashMap<&str, _> = deliveries
        .iter()
        .map(|d| (d.subscriber.as_str(), d))
        .collect();
    let timeline = by_name["customer_timeline"];
    assert_eq!(
        (timeline.state, timeline.attempts),
        (DeliveryState::Done, 1)
    );
    let retried = by_name["test_flaky"];
    assert_eq!(
        (retried.state, retried.attempts),
        (DeliveryState::Done, 4),
        "{deliveries:?}"
    );
    assert_eq!(
        flaky.seen.lock().expect("the counts").get(&event_id),
        Some(&4)
    );
}

async fn the_feed_is_for_auditors_and_scoped_to_their_branches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chennai = shop(&app, "MDS1").await;
    let mumbai = app.open_branch(&chennai.owner, "MUM1").await;
    let (_, manager) = app
        .hire(
            &chennai.owner,
            "manager.mum1@example-jeweller.in",
            "manager",
            &[&mumbai],
        )
        .await;
    let bill = draft(&app, &chennai, "SC-1").await;
    json_of(issue(&app, &chennai.sales, &bill, json!({})).await, 200).await;

    assert_eq!(
        get(&app, &chennai.sales, "/api/v1/events").await.status(),
        403
    );
    let everything = feed_of_at_least(&app, &chennai.owner, "&types=invoice.issued", 1).await;
    assert_eq!(everything.len(), 1);
    let seen = feed(&app, &manager, "&types=invoice.issued").await;
    assert!(seen.is_empty(), "a Mumbai manager read {seen:?}");
}

/// Counts every event each server's subscriber is handed.
#[derive(Debug)]
struct Counter(Arc<Mutex<HashMap<uuid::Uuid, u32>>>);

#[async_trait::async_trait]
impl Subscriber for Counter {
    fn name(&self) -> &'static str {
        "test_counter"
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == "invoice.issued"
    }

    async fn handle(&self, _txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        *self
            .0
            .lock()
            .expect("the counts")
            .entry(event.id)
            .or_default() += 1;
        Ok(())
    }
}

async fn two_servers_on_one_database_deliver_each_event_once(backend: Backend) {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    let fast = |settings: &mut jewel_api::config::Settings| settings.events.poll_ms = 20;
    let one =
        TestApp::spawn_with_subscribers(backend, fast, vec![Arc::new(Counter(counts.clone()))])
            .await;
    let two = one.replica(vec![Arc::new(Counter(counts.clone()))]).await;
    let shop = shop(&one, "MDS1").await;
    const BILLS: usize = 24;
    let mut drafts = Vec::new();
    for i in 0..BILLS {
        drafts.push(draft(&one, &shop, &format!("TW-{i}")).await);
    }
    let issued = join_all(drafts.iter().enumerate().map(|(i, bill)| {
        let server = if i % 2 == 0 { &one } else { &two };
        issue(server, &shop.sales, bill, json!({}))
    }))
    .await;
    assert!(issued.iter().all(|r| r.status() == 200));

    let timeline = timeline_until(&two, &shop.sales, &shop.customer, |items| {
        items.len() >= BILLS
    })
    .await;
    let events = feed_of_at_least(&one, &shop.owner, "&types=invoice.issued", BILLS).await;
    assert_eq!(events.len(), BILLS);
    for _ in 0..200 {
        if counts.lock().expect("the counts").len() >= BILLS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A little longer: a second delivery would show up now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = counts.lock().expect("the counts").clone();
    assert_eq!(counts.len(), BILLS, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(timeline.len(), BILLS);
    let positions: Vec<i64> = events
        .iter()
        .map(|e| {
            e["position"]
                .as_str()
                .expect("a position")
                .parse()
                .expect("a number")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

/// The ids of the records events of `kind` are about, in feed order.
pub(crate) fn entities<'a>(events: &'a [Value], kind: &str) -> Vec<&'a str> {
    events
        .iter()
        .filter(|e| e["type"] == kind)
        .map(|e| e["entityId"].as_str().expect("an entity id"))
        .collect()
}
