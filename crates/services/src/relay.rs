//! The relay: hands committed events to the subscribers inside the server,
//! in the order they were found committed.
//!
//! Every replica runs one. A pass numbers the events committed since the
//! last pass and writes a delivery per subscriber that wants each (one
//! transaction, the positions set by one statement), then claims due
//! deliveries and runs the subscribers inside a savepoint of the claiming
//! transaction, marking the deliveries in the same transaction: what a
//! subscriber writes to the database and the mark "handled" commit
//! together, so each event reaches each subscriber once. The claimed batch
//! shares one savepoint and one marking statement, and each subscriber is
//! handed its events of the batch at once; a failure rolls the savepoint
//! back and the rest run again one savepoint each.
//! On MySQL/MariaDB rows are claimed with `FOR UPDATE SKIP LOCKED`, so
//! replicas share the work without taking the same row. A failing
//! subscriber is tried again later (doubling waits) and parked (`dead`)
//! after a limit; the others go on meanwhile.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use jewel_persistence::repos::outbox::{Delivery, Outbox};
use jewel_persistence::{Database, DatabaseTransaction, RepoError, TransactionTrait};

use crate::events::Event;
use crate::unit::Wake;

/// Something inside the server that acts on events.
#[async_trait::async_trait]
pub trait Subscriber: Send + Sync + std::fmt::Debug {
    /// A stable name: deliveries are kept under it.
    fn name(&self) -> &'static str;

    /// Whether it wants events of this type.
    fn wants(&self, event_type: &str) -> bool;

    /// Acts on one event. `txn` commits with the delivery's mark; an error
    /// rolls back what it wrote and the delivery is tried again later.
    /// What it writes through `txn` may be rolled back because another
    /// delivery of its batch failed, and it is then handed the event again:
    /// it acts through `txn` only.
    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()>;

    /// Acts on `events`, in their order, as [`Self::handle`] does on one:
    /// the relay hands a subscriber all its claimed deliveries at once. One
    /// statement for all of them locks the rows they refer to (the customer
    /// of a timeline entry) from that statement to the commit, not from the
    /// batch's first event. The default handles them one by one and says
    /// which one failed.
    async fn handle_all(&self, txn: &DatabaseTransaction, events: &[&Event]) -> Result<(), Failed> {
        for (index, event) in events.iter().enumerate() {
            self.handle(txn, event).await.map_err(|error| Failed {
                at: Some(index),
                error,
            })?;
        }
        Ok(())
    }
}

/// A subscriber failed a batch: at the event with this index when it
/// knows, or somewhere (then each is handed to it again on its own).
#[derive(Debug)]
pub struct Failed {
    pub at: Option<usize>,
    pub error: anyhow::Error,
}

/// How the relay paces itself.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// How often it looks for work when nothing woke it.
    pub poll: Duration,
    /// Events numbered, or deliveries claimed, per transaction.
    pub batch: u64,
    /// The wait before the first retry of a failed delivery; it doubles
    /// with each further failure, up to an hour.
    pub first_retry: Duration,
    /// Failures after which a delivery is parked.
    pub max_attempts: i32,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(500),
            batch: 100,
            first_retry: Duration::from_secs(5),
            max_attempts: 10,
        }
    }
}

const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// One replica's relay.
#[derive(Debug, Clone)]
pub struct Relay {
    database: Database,
    subscribers: Arc<Vec<Arc<dyn Subscriber>>>,
    settings: RelaySettings,
    wake: Wake,
}

impl Relay {
    pub fn new(
        database: Database,
        settings: RelaySettings,
        subscribers: Vec<Arc<dyn Subscriber>>,
    ) -> Self {
        Self {
            database,
            subscribers: Arc::new(subscribers),
            settings,
            wake: Wake::default(),
        }
    }

    /// What units notify when they commit events.
    pub fn wake(&self) -> Wake {
        self.wake.clone()
    }

    /// Relays for as long as the server runs.
    pub async fn run(self) {
        loop {
            match self.pass().await {
                Ok(0) => {
                    tokio::select! {
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep(self.settings.poll) => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "relaying events failed");
                    tokio::time::sleep(self.settings.poll).await;
                }
            }
        }
    }

    /// One pass: numbers new events, then runs due deliveries. Returns how
    /// much it did (0 when there was nothing to do).
    pub async fn pass(&self) -> Result<usize, RepoError> {
        // An idle relay asks with a read; only work takes a writing
        // transaction (on SQLite, the whole database's write lock).
        if !Outbox::has_work(self.database.connection(), Utc::now()).await? {
            return Ok(0);
        }
        let numbered = self.distribute().await?;
        let delivered = self.deliver().await?;
        Ok(numbered + delivered)
    }

    async fn distribute(&self) -> Result<usize, RepoError> {
        let txn = jewel_persistence::begin_relaying(self.database.connection()).await?;
        let wants = |event_type: &str| {
            self.subscribers
                .iter()
                .filter(|s| s.wants(event_type))
                .map(|s| s.name().to_owned())
                .collect()
        };
        let numbered = Outbox::distribute(&txn, self.settings.batch, Utc::now(), &wants).await?;
        txn.commit().await?;
        Ok(numbered)
    }

    async fn deliver(&self) -> Result<usize, RepoError> {
        let txn = jewel_persistence::begin_relaying(self.database.connection()).await?;
        let due = Outbox::claim_due(&txn, Utc::now(), self.settings.batch).await?;
        // A subscriber another version of the server has: left to it.
        let ours: Vec<(&dyn Subscriber, &Delivery)> = due
            .iter()
            .filter_map(|delivery| {
                self.subscribers
                    .iter()
                    .find(|s| s.name() == delivery.subscriber)
                    .map(|s| (s.as_ref(), delivery))
            })
            .collect();
        if ours.is_empty() {
            txn.commit().await?;
            return Ok(0);
        }
        // Usually every one succeeds: all in one savepoint, each
        // subscriber handed its events at once, marked in one statement.
        // When one fails, the savepoint is rolled back (what the others
        // wrote with it), the failed one is marked, and the others run
        // again each in a savepoint of its own.
        let all = txn.begin().await?;
        let mut failure = None;
        for subscriber in self.subscribers.iter() {
            let theirs: Vec<usize> = (0..ours.len())
                .filter(|&i| ours[i].0.name() == subscriber.name())
                .collect();
            if theirs.is_empty() {
                continue;
            }
            let events: Vec<&Event> = theirs.iter().map(|&i| &ours[i].1.event).collect();
            if let Err(failed) = subscriber.handle_all(&all, &events).await {
                failure = Some((
                    failed.at.and_then(|at| theirs.get(at).copied()),
                    failed.error,
                ));
                break;
            }
        }
        match failure {
            None => {
                all.commit().await?;
                let done: Vec<&Delivery> = ours.iter().map(|(_, d)| *d).collect();
                Outbox::mark_all_done(&txn, &done, Utc::now()).await?;
            }
            Some((failed, error)) => {
                all.rollback().await?;
                for (index, (subscriber, delivery)) in ours.iter().enumerate() {
                    if Some(index) == failed {
                        self.failed(&txn, *subscriber, delivery, &error).await?;
                    } else {
                        self.run_one(&txn, *subscriber, delivery).await?;
                    }
                }
            }
        }
        txn.commit().await?;
        Ok(ours.len())
    }

    async fn run_one(
        &self,
        txn: &DatabaseTransaction,
        subscriber: &dyn Subscriber,
        delivery: &Delivery,
    ) -> Result<(), RepoError> {
        let savepoint = txn.begin().await?;
        match subscriber.handle(&savepoint, &delivery.event).await {
            Ok(()) => {
                savepoint.commit().await?;
                Outbox::mark_all_done(txn, &[delivery], Utc::now()).await
            }
            Err(error) => {
                savepoint.rollback().await?;
                self.failed(txn, subscriber, delivery, &error).await
            }
        }
    }

    /// Marks a delivery failed: tried again later, or parked after the
    /// last attempt.
    async fn failed(
        &self,
        txn: &DatabaseTransaction,
        subscriber: &dyn Subscriber,
        delivery: &Delivery,
        error: &anyhow::Error,
    ) -> Result<(), RepoError> {
        let failures = delivery.attempts + 1;
        let retry_at = (failures < self.settings.max_attempts).then(|| {
            let wait = self
                .settings
                .first_retry
                .saturating_mul(2u32.saturating_pow(u32::try_from(failures - 1).unwrap_or(0)))
                .min(LONGEST_WAIT);
            Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()
        });
        tracing::warn!(
            subscriber = subscriber.name(),
            event = %delivery.event.id,
            event_type = %delivery.event.event_type,
            failures,
            parked = retry_at.is_none(),
            error = format!("{error:#}"),
            "a subscriber failed an event"
        );
        Outbox::mark_failed(txn, delivery, retry_at, &format!("{error:#}")).await
    }
}
