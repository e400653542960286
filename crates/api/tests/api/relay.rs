//! The relay's batches: each subscriber is handed its claimed events at
//! once (the timeline writes them with one statement), and a batch that
//! fails somewhere without saying where is rolled back and each of its
//! events handed again on its own: the timeline still has one entry per
//! bill, none lost and none twice, and no delivery counts a failure.
//!
//! The server is started with `events.deliver = false`, so its relay never
//! runs and the test's relay, over the same database, claims everything
//! in one pass.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::outbox::{DeliveryState, Outbox};
use jewel_services::crm::timeline::Timeline;
use jewel_services::events::Event;
use jewel_services::relay::{Failed, Relay, RelaySettings, Subscriber};
use serde_json::{Value, json};

use crate::events::{draft, feed, issue, kinds, shop};
use crate::helpers::{Backend, TestApp, get, json_of};
use crate::on_both_backends;

on_both_backends!(
    a_subscriber_is_handed_its_claimed_events_at_once,
    a_batch_failing_somewhere_is_handed_again_one_event_at_a_time,
);

/// Counts what it is handed: each batch's size, and each event handled on
/// its own. With `fail_batches`, a batch of more than one fails without
/// saying which event failed.
#[derive(Debug, Default)]
struct Batches {
    fail_batches: bool,
    handed: Mutex<Vec<usize>>,
    one_by_one: Mutex<HashMap<uuid::Uuid, u32>>,
}

#[async_trait::async_trait]
impl Subscriber for Batches {
    fn name(&self) -> &'static str {
        "test_batches"
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == "invoice.issued"
    }

    async fn handle(&self, _txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        *self
            .one_by_one
            .lock()
            .expect("the counts")
            .entry(event.id)
            .or_default() += 1;
        Ok(())
    }

    async fn handle_all(&self, txn: &DatabaseTransaction, events: &[&Event]) -> Result<(), Failed> {
        self.handed.lock().expect("the sizes").push(events.len());
        if self.fail_batches && events.len() > 1 {
            return Err(Failed {
                at: None,
                error: anyhow::anyhow!("a batch of {} fails on purpose", events.len()),
            });
        }
        for event in events {
            self.handle(txn, event)
                .await
                .map_err(|error| Failed { at: None, error })?;
        }
        Ok(())
    }
}

/// Three bills issued to one customer while no relay runs; then one pass
/// of a relay with the timeline and `batches`. Returns the shop's owner,
/// sales token and customer, and the ids of the three `invoice.issued`.
async fn three_bills_then_one_pass(
    backend: Backend,
    batches: Arc<Batches>,
) -> (TestApp, String, Value, Vec<uuid::Uuid>) {
    let app = TestApp::spawn_with_subscribers(
        backend,
        |settings| settings.events.deliver = false,
        vec![batches.clone()],
    )
    .await;
    let shop = shop(&app, "RLY1").await;
    for tag in ["RB-101", "RB-102", "RB-103"] {
        let bill = draft(&app, &shop, tag).await;
        json_of(issue(&app, &shop.sales, &bill, json!({})).await, 200).await;
    }
    let relay = Relay::new(
        app.state.database.clone(),
        RelaySettings {
            batch: 1000,
            ..RelaySettings::default()
        },
        vec![Arc::new(Timeline), batches],
    );
    let done = relay.pass().await.expect("one pass of the relay");
    assert!(done > 0, "the pass found nothing to do");
    let issued: Vec<uuid::Uuid> = feed(&app, &shop.owner, "&types=invoice.issued")
        .await
        .iter()
        .map(|e| e["id"].as_str().expect("an id").parse().expect("a uuid"))
        .collect();
    assert_eq!(issued.len(), 3, "{issued:?}");
    let customer = shop.customer.clone();
    (app, shop.sales, customer, issued)
}

/// Every subscriber's delivery of every event is done, claimed once.
async fn all_done_at_once(app: &TestApp, events: &[uuid::Uuid]) {
    for event in events {
        let deliveries = Outbox::deliveries_of(app.state.database.connection(), *event)
            .await
            .expect("deliveries");
        let states: Vec<(&str, DeliveryState, i32)> = deliveries
            .iter()
            .map(|d| (d.subscriber.as_str(), d.state, d.attempts))
            .collect();
        assert_eq!(
            states,
            [
                ("customer_timeline", DeliveryState::Done, 1),
                ("test_batches", DeliveryState::Done, 1)
            ],
            "{deliveries:?}"
        );
    }
}

/// The customer's timeline: one purchase per bill.
async fn three_purchases(app: &TestApp, token: &str, customer: &Value) {
    let path = format!(
        "/api/v1/customers/{}/interactions?limit=200",
        customer["id"].as_str().expect("an id")
    );
    let page = json_of(get(app, token, &path).await, 200).await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(
        kinds(items),
        ["purchase", "purchase", "purchase"],
        "{items:?}"
    );
    let mut bills: Vec<&str> = items
        .iter()
        .map(|i| i["summary"].as_str().expect("a summary"))
        .collect();
    bills.sort_unstable();
    bills.dedup();
    assert_eq!(bills.len(), 3, "one entry per bill: {bills:?}");
}

async fn a_subscriber_is_handed_its_claimed_events_at_once(backend: Backend) {
    let batches = Arc::new(Batches::default());
    let (app, sales, customer, issued) = three_bills_then_one_pass(backend, batches.clone()).await;
    assert_eq!(*batches.handed.lock().expect("the sizes"), [3]);
    let counts = batches.one_by_one.lock().expect("the counts").clone();
    assert!(
        issued.iter().all(|id| counts.get(id) == Some(&1)),
        "{counts:?}"
    );
    three_purchases(&app, &sales, &customer).await;
    all_done_at_once(&app, &issued).await;
}

async fn a_batch_failing_somewhere_is_handed_again_one_event_at_a_time(backend: Backend) {
    let batches = Arc::new(Batches {
        fail_batches: true,
        ..Batches::default()
    });
    let (app, sales, customer, issued) = three_bills_then_one_pass(backend, batches.clone()).await;
    // Handed the batch once; then each event on its own, once.
    assert_eq!(*batches.handed.lock().expect("the sizes"), [3]);
    let counts = batches.one_by_one.lock().expect("the counts").clone();
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(
        issued.iter().all(|id| counts.get(id) == Some(&1)),
        "{counts:?}"
    );
    // The timeline's batch was rolled back with the failed one and written
    // again entry by entry: three entries, not six, not none.
    three_purchases(&app, &sales, &customer).await;
    all_done_at_once(&app, &issued).await;
}
