//! The event outbox. Events are written by the transaction that makes the
//! change; the relay numbers the committed ones (`position`, under the
//! counter row's lock, so positions follow the order events are found
//! committed) and keeps one delivery per event and subscriber. Several
//! servers may relay at once: on MySQL/MariaDB each claims rows with
//! `FOR UPDATE SKIP LOCKED`; on SQLite a writing transaction already holds
//! the whole database.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};

use crate::entities::{outbox_counters, outbox_deliveries, outbox_events};
use crate::error::{RepoError, uuid_of};

pub struct Outbox;

/// An event to record, in the transaction of the change it tells of.
#[derive(Debug, Clone)]
pub struct NewOutboxEvent {
    pub id: uuid::Uuid,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub entity_type: String,
    pub entity_id: String,
    pub branch_id: Option<uuid::Uuid>,
    pub business_wide: bool,
    pub request_id: String,
    pub version: i32,
    pub payload: serde_json::Value,
}

/// An event as recorded and numbered.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: uuid::Uuid,
    pub position: i64,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub entity_type: String,
    pub entity_id: String,
    pub branch_id: Option<uuid::Uuid>,
    pub request_id: String,
    pub version: i32,
    pub payload: serde_json::Value,
}

/// Where one subscriber's delivery of one event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Done,
    /// Parked after too many failures; nothing retries it by itself.
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    fn parse(text: &str) -> Result<Self, RepoError> {
        [Self::Pending, Self::Done, Self::Dead]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                RepoError::Database(sea_orm::DbErr::Type(format!(
                    "stored delivery state {text:?}"
                )))
            })
    }
}

/// A delivery claimed by the relay, with its event.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub subscriber: String,
    pub attempts: i32,
    pub event: OutboxEvent,
}

/// A delivery as it stands, for those who watch the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryStatus {
    pub subscriber: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// What a page of the feed holds.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only events after this position.
    pub after: Option<i64>,
    /// Only events of these types; every type when empty.
    pub types: Vec<String>,
    /// Only events about records of these kinds; every kind when empty.
    pub entity_types: Vec<String>,
    /// Only events of these branches or of the whole business; `None` for all.
    pub branches: Option<Vec<uuid::Uuid>>,
}

/// `FOR UPDATE SKIP LOCKED` where the engine has it: rows another relay
/// holds are passed over instead of waited for.
fn claimed<Q: QuerySelect>(query: Q, backend: DbBackend) -> Q {
    match backend {
        DbBackend::MySql => query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked),
        _ => query,
    }
}

impl Outbox {
    /// The statements that record `events`, for a unit's closing writes
    /// (in the change's own transaction).
    pub fn writes(backend: DbBackend, events: Vec<NewOutboxEvent>) -> Vec<Statement> {
        let mut rows = events
            .into_iter()
            .map(|e| outbox_events::ActiveModel {
                id: Set(e.id.to_string()),
                event_type: Set(e.event_type),
                occurred_at: Set(e.occurred_at),
                actor_kind: Set(e.actor_kind),
                actor_id: Set(e.actor_id),
                entity_type: Set(e.entity_type),
                entity_id: Set(e.entity_id),
                branch_id: Set(e.branch_id.map(|b| b.to_string())),
                business_wide: Set(e.business_wide),
                request_id: Set(e.request_id),
                version: Set(e.version),
                payload: Set(e.payload.to_string()),
                position: Set(None),
            })
            .peekable();
        let mut statements = Vec::new();
        // A few hundred rows per statement: an import tells thousands.
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(200).collect();
            statements.push(outbox_events::Entity::insert_many(chunk).build(backend));
        }
        statements
    }

    /// Whether the relay has anything to do: an event not numbered yet, or
    /// a delivery due. A plain read, so an idle relay takes no lock.
    pub async fn has_work(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let unnumbered = outbox_events::Entity::find()
            .filter(outbox_events::Column::Position.is_null())
            .limit(1)
            .all(db)
            .await?;
        if !unnumbered.is_empty() {
            return Ok(true);
        }
        let due = outbox_deliveries::Entity::find()
            .filter(outbox_deliveries::Column::State.eq(DeliveryState::Pending.as_str()))
            .filter(outbox_deliveries::Column::DueAt.lte(now))
            .limit(1)
            .all(db)
            .await?;
        Ok(!due.is_empty())
    }

    /// Numbers up to `limit` committed events that have no position yet
    /// and writes a pending delivery for each subscriber `wants` names;
    /// the caller holds the transaction. Returns how many were numbered.
    #[tracing::instrument(name = "outbox.distribute", skip_all)]
    pub async fn distribute(
        txn: &impl ConnectionTrait,
        limit: u64,
        now: DateTime<Utc>,
        wants: &(dyn Fn(&str) -> Vec<String> + Sync),
    ) -> Result<usize, RepoError> {
        let backend = txn.get_database_backend();
        let found = claimed(
            outbox_events::Entity::find()
                .filter(outbox_events::Column::Position.is_null())
                .order_by_asc(outbox_events::Column::Id)
                .limit(limit),
            backend,
        )
        .all(txn)
        .await?;
        if found.is_empty() {
            return Ok(0);
        }
        let count = i64::try_from(found.len()).unwrap_or(i64::MAX);
        // The counter row's lock orders every relay's numbering.
        outbox_counters::Entity::update_many()
            .col_expr(
                outbox_counters::Column::Next,
                Expr::col(outbox_counters::Column::Next).add(count),
            )
            .filter(outbox_counters::Column::Name.eq("events"))
            .exec(txn)
            .await?;
        let next = outbox_counters::Entity::find_by_id("events".to_owned())
            .one(txn)
            .await?
            .ok_or(RepoError::NotFound)?
            .next;
        // Every event's position in one statement: `CASE id WHEN .. THEN ..`.
        let mut positions = CaseStatement::new();
        let mut deliveries = Vec::new();
        for (position, event) in (next - count..).zip(&found) {
            positions = positions.case(
                outbox_events::Column::Id.eq(event.id.clone()),
                Expr::value(position),
            );
            deliveries.extend(wants(&event.event_type).into_iter().map(|subscriber| {
                outbox_deliveries::ActiveModel {
                    event_id: Set(event.id.clone()),
                    subscriber: Set(subscriber),
                    position: Set(position),
                    state: Set(DeliveryState::Pending.as_str().to_owned()),
                    attempts: Set(0),
                    due_at: Set(now),
                    last_error: Set(None),
                    handled_at: Set(None),
                }
            }));
        }
        outbox_events::Entity::update_many()
            .col_expr(outbox_events::Column::Position, positions.into())
            .filter(outbox_events::Column::Id.is_in(found.iter().map(|e| e.id.clone())))
            .exec(txn)
            .await?;
        for chunk in deliveries.chunks(200) {
            outbox_deliveries::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await?;
        }
        Ok(found.len())
    }

    /// Claims up to `limit` pending deliveries that are due, oldest event
    /// first, with their events; the caller holds the transaction and
    /// marks each done or failed in it.
    #[tracing::instrument(name = "outbox.claim_due", skip(txn))]
    pub async fn claim_due(
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Delivery>, RepoError> {
        let backend = txn.get_database_backend();
        let due = claimed(
            outbox_deliveries::Entity::find()
                .filter(outbox_deliveries::Column::State.eq(DeliveryState::Pending.as_str()))
                .filter(outbox_deliveries::Column::DueAt.lte(now))
                .order_by_asc(outbox_deliveries::Column::Position)
                .limit(limit),
            backend,
        )
        .all(txn)
        .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = due.iter().map(|d| d.event_id.clone()).collect();
        let events = outbox_events::Entity::find()
            .filter(outbox_events::Column::Id.is_in(ids))
            .all(txn)
            .await?
            .into_iter()
            .map(into_event)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(due
            .into_iter()
            .filter_map(|d| {
                let event = events.iter().find(|e| e.id.to_string() == d.event_id)?;
                Some(Delivery {
                    subscriber: d.subscriber,
                    attempts: d.attempts,
                    event: event.clone(),
                })
            })
            .collect())
    }

    /// Deliveries handled, in one statement per subscriber.
    pub async fn mark_all_done(
        txn: &impl ConnectionTrait,
        deliveries: &[&Delivery],
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut by_subscriber: std::collections::BTreeMap<&str, Vec<String>> =
            std::collections::BTreeMap::new();
        for delivery in deliveries {
            by_subscriber
                .entry(delivery.subscriber.as_str())
                .or_default()
                .push(delivery.event.id.to_string());
        }
        for (subscriber, events) in by_subscriber {
            outbox_deliveries::Entity::update_many()
                .col_expr(
                    outbox_deliveries::Column::State,
                    Expr::value(DeliveryState::Done.as_str()),
                )
                .col_expr(
                    outbox_deliveries::Column::Attempts,
                    Expr::col(outbox_deliveries::Column::Attempts).add(1),
                )
                .col_expr(outbox_deliveries::Column::DueAt, Expr::value(now))
                .col_expr(
                    outbox_deliveries::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(outbox_deliveries::Column::HandledAt, Expr::value(now))
                .filter(outbox_deliveries::Column::Subscriber.eq(subscriber))
                .filter(outbox_deliveries::Column::EventId.is_in(events))
                .exec(txn)
                .await?;
        }
        Ok(())
    }

    /// A delivery that failed: tried again at `retry_at`, or parked
    /// (`dead`) when there is none.
    pub async fn mark_failed(
        txn: &impl ConnectionTrait,
        delivery: &Delivery,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<(), RepoError> {
        let error: String = error.chars().take(1000).collect();
        match retry_at {
            Some(at) => {
                Self::settle(
                    txn,
                    delivery,
                    DeliveryState::Pending,
                    delivery.attempts + 1,
                    at,
                    Some(error),
                )
                .await
            }
            None => {
                Self::settle(
                    txn,
                    delivery,
                    DeliveryState::Dead,
                    delivery.attempts + 1,
                    Utc::now(),
                    Some(error),
                )
                .await
            }
        }
    }

    async fn settle(
        txn: &impl ConnectionTrait,
        delivery: &Delivery,
        state: DeliveryState,
        attempts: i32,
        at: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<(), RepoError> {
        // Only failures come here: a handled delivery is marked by
        // `mark_all_done`.
        outbox_deliveries::Entity::update_many()
            .col_expr(
                outbox_deliveries::Column::State,
                Expr::value(state.as_str()),
            )
            .col_expr(outbox_deliveries::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox_deliveries::Column::DueAt, Expr::value(at))
            .col_expr(outbox_deliveries::Column::LastError, Expr::value(error))
            .filter(outbox_deliveries::Column::EventId.eq(delivery.event.id.to_string()))
            .filter(outbox_deliveries::Column::Subscriber.eq(delivery.subscriber.clone()))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// Numbered events in order, for the feed.
    #[tracing::instrument(name = "outbox.page", skip(db))]
    pub async fn page(
        db: &impl ConnectionTrait,
        filter: &EventFilter,
        limit: u64,
    ) -> Result<Vec<OutboxEvent>, RepoError> {
        let mut query = outbox_events::Entity::find()
            .filter(outbox_events::Column::Position.is_not_null())
            .order_by_asc(outbox_events::Column::Position)
            .limit(limit);
        if let Some(after) = filter.after {
            query = query.filter(outbox_events::Column::Position.gt(after));
        }
        if !filter.types.is_empty() {
            query = query.filter(outbox_events::Column::EventType.is_in(filter.types.clone()));
        }
        if !filter.entity_types.is_empty() {
            query =
                query.filter(outbox_events::Column::EntityType.is_in(filter.entity_types.clone()));
        }
        if let Some(branches) = &filter.branches {
            query = query.filter(
                Condition::any()
                    .add(outbox_events::Column::BusinessWide.eq(true))
                    .add(
                        outbox_events::Column::BranchId
                            .is_in(branches.iter().map(uuid::Uuid::to_string)),
                    ),
            );
        }
        query.all(db).await?.into_iter().map(into_event).collect()
    }

    /// Every event recorded about one record, numbered or not, in the
    /// order they were recorded.
    pub async fn of_entity(
        db: &impl ConnectionTrait,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, RepoError> {
        Ok(outbox_events::Entity::find()
            .filter(outbox_events::Column::EntityType.eq(entity_type))
            .filter(outbox_events::Column::EntityId.eq(entity_id))
            .order_by_asc(outbox_events::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let payload = serde_json::from_str(&m.payload).unwrap_or_default();
                (m.event_type, payload)
            })
            .collect())
    }

    /// Where each subscriber's delivery of one event stands.
    pub async fn deliveries_of(
        db: &impl ConnectionTrait,
        event: uuid::Uuid,
    ) -> Result<Vec<DeliveryStatus>, RepoError> {
        outbox_deliveries::Entity::find()
            .filter(outbox_deliveries::Column::EventId.eq(event.to_string()))
            .order_by_asc(outbox_deliveries::Column::Subscriber)
            .all(db)
            .await?
            .into_iter()
            .map(|d| {
                Ok(DeliveryStatus {
                    subscriber: d.subscriber,
                    state: DeliveryState::parse(&d.state)?,
                    attempts: d.attempts,
                    last_error: d.last_error,
                })
            })
            .collect()
    }
}

fn into_event(m: outbox_events::Model) -> Result<OutboxEvent, RepoError> {
    let payload = serde_json::from_str(&m.payload).map_err(|e| {
        RepoError::Database(sea_orm::DbErr::Type(format!("stored event payload: {e}")))
    })?;
    Ok(OutboxEvent {
        id: uuid_of(&m.id)?,
        position: m.position.unwrap_or_default(),
        event_type: m.event_type,
        occurred_at: m.occurred_at,
        actor_kind: m.actor_kind,
        actor_id: m.actor_id,
        entity_type: m.entity_type,
        entity_id: m.entity_id,
        branch_id: m.branch_id.as_deref().map(uuid_of).transpose()?,
        request_id: m.request_id,
        version: m.version,
        payload,
    })
}
