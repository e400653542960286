//! Webhook messages, their deliveries to endpoints and every attempt. A
//! worker takes a delivery by a lease (a conditional update one replica
//! wins), calls the endpoint with no transaction open, and writes how it
//! went only while it still holds that lease.

use chrono::{DateTime, Utc};
use jewel_domain::webhook::{Attempt, AttemptOutcome, Delivery, DeliveryStatus, WebhookMessage};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{webhook_attempts, webhook_deliveries, webhook_messages};
use crate::error::{RepoError, uuid_of};
use crate::repos::leases;

pub struct WebhookDeliveries;

/// Which attempts a list shows.
#[derive(Debug, Clone, Default)]
pub struct AttemptFilter {
    pub message_id: Option<String>,
    pub outcome: Option<AttemptOutcome>,
    /// Only attempts older than this one (the previous page's last).
    pub before: Option<uuid::Uuid>,
}

/// How a leased try ended, to be written.
#[derive(Debug, Clone)]
pub struct Settled {
    pub status: DeliveryStatus,
    /// Tries so far, this one included.
    pub tries: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn due_now(now: DateTime<Utc>) -> Condition {
    use webhook_deliveries::Column;
    Condition::any()
        .add(
            Condition::all()
                .add(Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .add(Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(Column::Status.eq(DeliveryStatus::Sending.as_str()))
                .add(Column::LeaseUntil.lt(now)),
        )
}

impl WebhookDeliveries {
    pub async fn insert_message(
        db: &impl ConnectionTrait,
        message: &WebhookMessage,
        event_id: Option<uuid::Uuid>,
    ) -> Result<(), RepoError> {
        webhook_messages::Entity::insert(webhook_messages::ActiveModel {
            id: Set(message.id.clone()),
            event_id: Set(event_id.map(|e| e.to_string())),
            event_type: Set(message.event_type.clone()),
            body: Set(message.body.clone()),
            created_at: Set(message.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn message(
        db: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<WebhookMessage>, RepoError> {
        Ok(webhook_messages::Entity::find_by_id(id.to_owned())
            .one(db)
            .await?
            .map(|m| WebhookMessage {
                id: m.id,
                event_type: m.event_type,
                body: m.body,
                created_at: m.created_at,
            }))
    }

    /// Queues `message` for each endpoint of `endpoints`, due at `now`.
    pub async fn queue(
        db: &impl ConnectionTrait,
        message_id: &str,
        endpoints: &[uuid::Uuid],
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        if endpoints.is_empty() {
            return Ok(());
        }
        webhook_deliveries::Entity::insert_many(endpoints.iter().map(|endpoint| {
            webhook_deliveries::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                endpoint_id: Set(endpoint.to_string()),
                message_id: Set(message_id.to_owned()),
                status: Set(DeliveryStatus::Pending.as_str().to_owned()),
                tries: Set(0),
                next_attempt_at: Set(now),
                lease_token: Set(None),
                lease_until: Set(None),
                created_at: Set(now),
                finished_at: Set(None),
            }
        }))
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Ids of up to `limit` deliveries due at `now`: pending and their
    /// time come, or left sending by a worker whose lease ran out.
    pub async fn due(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        use webhook_deliveries::Column;
        leases::due_ids::<webhook_deliveries::Entity>(
            db,
            (Column::Id, Column::NextAttemptAt),
            due_now(now),
            limit,
        )
        .await
    }

    /// Takes delivery `id` for a try under `token` until `until`, if it is
    /// still due; `false` when another worker took it first.
    pub async fn lease(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use webhook_deliveries::Column;
        let update = webhook_deliveries::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(DeliveryStatus::Sending.as_str()),
            )
            .col_expr(Column::LeaseToken, Expr::value(token.to_string()))
            .col_expr(Column::LeaseUntil, Expr::value(until));
        leases::take(db, update, (Column::Id, id), due_now(now)).await
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Delivery>, RepoError> {
        webhook_deliveries::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(delivery_of)
            .transpose()
    }

    /// Writes how the try under `token` ended; `false` when the lease was
    /// lost meanwhile.
    pub async fn settle(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        how: &Settled,
    ) -> Result<bool, RepoError> {
        use webhook_deliveries::Column;
        let done = webhook_deliveries::Entity::update_many()
            .col_expr(Column::Status, Expr::value(how.status.as_str()))
            .col_expr(Column::Tries, Expr::value(how.tries))
            .col_expr(Column::NextAttemptAt, Expr::value(how.next_attempt_at))
            .col_expr(Column::FinishedAt, Expr::value(how.finished_at))
            .col_expr(Column::LeaseToken, Expr::value(Option::<String>::None))
            .col_expr(
                Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .exec(db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Fails every delivery of `endpoint` still waiting (it was disabled);
    /// how many.
    pub async fn fail_waiting(
        db: &impl ConnectionTrait,
        endpoint: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        use webhook_deliveries::Column;
        let done = webhook_deliveries::Entity::update_many()
            .col_expr(Column::Status, Expr::value(DeliveryStatus::Failed.as_str()))
            .col_expr(Column::FinishedAt, Expr::value(now))
            .filter(Column::EndpointId.eq(endpoint.to_string()))
            .filter(Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .exec(db)
            .await?;
        Ok(done.rows_affected)
    }

    /// Queues again, due at `now` with its tries counted afresh, the
    /// deliveries to `endpoint` of `message` (or of every message made in
    /// `range`) that are not being tried or waiting already; how many.
    pub async fn replay(
        db: &impl ConnectionTrait,
        endpoint: uuid::Uuid,
        which: Replayed<'_>,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        use webhook_deliveries::Column;
        let mut update = webhook_deliveries::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(DeliveryStatus::Pending.as_str()),
            )
            .col_expr(Column::Tries, Expr::value(0))
            .col_expr(Column::NextAttemptAt, Expr::value(now))
            .col_expr(
                Column::FinishedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(Column::EndpointId.eq(endpoint.to_string()))
            .filter(Column::Status.is_in([
                DeliveryStatus::Delivered.as_str(),
                DeliveryStatus::Failed.as_str(),
                DeliveryStatus::Aborted.as_str(),
            ]));
        update = match which {
            Replayed::Message(id) => update.filter(Column::MessageId.eq(id)),
            Replayed::Between(from, until) => update.filter(
                Column::MessageId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(webhook_messages::Column::Id)
                        .from(webhook_messages::Entity)
                        .and_where(webhook_messages::Column::CreatedAt.gte(from))
                        .and_where(webhook_messages::Column::CreatedAt.lt(until))
                        .to_owned(),
                ),
            ),
        };
        Ok(update.exec(db).await?.rows_affected)
    }

    /// Whether `endpoint` was ever sent `message`.
    pub async fn has(
        db: &impl ConnectionTrait,
        endpoint: uuid::Uuid,
        message: &str,
    ) -> Result<bool, RepoError> {
        use webhook_deliveries::Column;
        Ok(webhook_deliveries::Entity::find()
            .filter(Column::EndpointId.eq(endpoint.to_string()))
            .filter(Column::MessageId.eq(message))
            .one(db)
            .await?
            .is_some())
    }

    pub async fn record_attempt(
        db: &impl ConnectionTrait,
        attempt: &Attempt,
    ) -> Result<(), RepoError> {
        webhook_attempts::Entity::insert(webhook_attempts::ActiveModel {
            id: Set(attempt.id.to_string()),
            delivery_id: Set(attempt.delivery_id.to_string()),
            endpoint_id: Set(attempt.endpoint_id.to_string()),
            message_id: Set(attempt.message_id.clone()),
            attempted_at: Set(attempt.attempted_at),
            status_code: Set(attempt.status_code.map(i32::from)),
            latency_ms: Set(attempt.latency_ms),
            response: Set(attempt.response.clone()),
            error: Set(attempt.error.clone()),
            outcome: Set(attempt.outcome.as_str().to_owned()),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Up to `limit` attempts at `endpoint`, the newest first.
    pub async fn attempts(
        db: &impl ConnectionTrait,
        endpoint: uuid::Uuid,
        filter: &AttemptFilter,
        limit: u64,
    ) -> Result<Vec<Attempt>, RepoError> {
        use webhook_attempts::Column;
        let mut query =
            webhook_attempts::Entity::find().filter(Column::EndpointId.eq(endpoint.to_string()));
        if let Some(message) = &filter.message_id {
            query = query.filter(Column::MessageId.eq(message.as_str()));
        }
        if let Some(outcome) = filter.outcome {
            query = query.filter(Column::Outcome.eq(outcome.as_str()));
        }
        if let Some(before) = filter.before {
            query = query.filter(Column::Id.lt(before.to_string()));
        }
        query
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(attempt_of)
            .collect()
    }
}

/// Which deliveries a replay queues again.
#[derive(Debug, Clone, Copy)]
pub enum Replayed<'a> {
    Message(&'a str),
    /// Every message made from the first time until (before) the second.
    Between(DateTime<Utc>, DateTime<Utc>),
}

fn stored(what: &str, text: &str) -> DbErr {
    DbErr::Type(format!("stored {what} {text:?}"))
}

fn delivery_of(m: webhook_deliveries::Model) -> Result<Delivery, RepoError> {
    Ok(Delivery {
        id: uuid_of(&m.id)?,
        endpoint_id: uuid_of(&m.endpoint_id)?,
        status: DeliveryStatus::parse(&m.status).ok_or_else(|| stored("status", &m.status))?,
        message_id: m.message_id,
        tries: m.tries,
        next_attempt_at: m.next_attempt_at,
        created_at: m.created_at,
        finished_at: m.finished_at,
    })
}

fn attempt_of(m: webhook_attempts::Model) -> Result<Attempt, RepoError> {
    Ok(Attempt {
        id: uuid_of(&m.id)?,
        delivery_id: uuid_of(&m.delivery_id)?,
        endpoint_id: uuid_of(&m.endpoint_id)?,
        outcome: AttemptOutcome::parse(&m.outcome).ok_or_else(|| stored("outcome", &m.outcome))?,
        message_id: m.message_id,
        attempted_at: m.attempted_at,
        status_code: m.status_code.and_then(|c| u16::try_from(c).ok()),
        latency_ms: m.latency_ms,
        response: m.response,
        error: m.error,
    })
}
