//! The webhook worker's pass: takes due deliveries by lease (safe on
//! several replicas), signs each message with its endpoint's secrets, posts
//! it through the [`Poster`] with no transaction open, then writes the
//! attempt, the delivery's next step and the endpoint's health together,
//! while it still holds the lease. An endpoint answering 410, or failing
//! every try for longer than the business allows, is disabled (in the
//! audit trail, by the worker).

use std::time::Duration;

use chrono::Utc;
use jewel_domain::webhook::{
    Attempt, AttemptOutcome, Delivery, DeliveryStatus, DisabledBecause, Endpoint, EndpointStatus,
    Judged, judge, next_try, signatures,
};
use jewel_persistence::repos::webhook_deliveries::{Settled, WebhookDeliveries};
use jewel_persistence::repos::webhook_endpoints::{Manager, WebhookEndpoints};
use jewel_persistence::{Database, RepoError};

use super::Secrets;
use crate::{Actor, Origin, Unit};

/// How the worker paces itself and when it gives up.
#[derive(Debug, Clone)]
pub struct SendingSettings {
    /// Deliveries taken per pass.
    pub batch: u64,
    /// How long a worker holds a delivery it is trying; another takes it
    /// over after that (longer than a try's timeout).
    pub lease: Duration,
    /// The waits before each retry; after the last the delivery fails.
    pub schedule: Vec<Duration>,
    /// How long an endpoint may fail every try before it is disabled.
    pub disable_after: Duration,
}

/// A signed message to post.
#[derive(Debug, Clone)]
pub struct Post<'a> {
    pub url: &'a str,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    pub headers: [(&'static str, String); 3],
    pub body: &'a str,
}

/// What an endpoint answered.
#[derive(Debug, Clone, Default)]
pub struct Posted {
    /// `None`: no answer (refused, timed out).
    pub status: Option<u16>,
    /// The first KiB of the answer's body.
    pub body: String,
    pub retry_after: Option<String>,
    /// The answer's `webhook-delivery: abort-message`.
    pub abort: bool,
    /// Why no answer came.
    pub error: Option<String>,
    pub latency_ms: i64,
}

/// The seam to the network: the API posts with its HTTP client.
#[async_trait::async_trait]
pub trait Poster: Send + Sync + std::fmt::Debug {
    async fn post(&self, post: Post<'_>) -> Posted;
}

/// One pass: every due delivery taken and tried. Returns how many.
pub async fn pass(
    database: &Database,
    poster: &dyn Poster,
    secrets: &dyn Secrets,
    settings: &SendingSettings,
) -> Result<usize, RepoError> {
    let db = database.connection();
    let mut tried = 0;
    for id in WebhookDeliveries::due(db, Utc::now(), settings.batch).await? {
        let token = uuid::Uuid::now_v7();
        let now = Utc::now();
        if !WebhookDeliveries::lease(db, id, token, now, now + settings.lease).await? {
            continue;
        }
        let Some(delivery) = WebhookDeliveries::get(db, id).await? else {
            continue;
        };
        try_one(database, (poster, secrets), settings, &delivery, token).await?;
        tried += 1;
    }
    Ok(tried)
}

fn origin(delivery: &Delivery) -> Origin {
    Origin {
        request_id: format!("webhook-delivery:{}", delivery.id),
        ip: None,
    }
}

async fn try_one(
    database: &Database,
    (poster, secrets): (&dyn Poster, &dyn Secrets),
    settings: &SendingSettings,
    delivery: &Delivery,
    token: uuid::Uuid,
) -> Result<(), RepoError> {
    let db = database.connection();
    let endpoint = WebhookEndpoints::get(db, Manager::Business, delivery.endpoint_id).await?;
    let message = WebhookDeliveries::message(db, &delivery.message_id).await?;
    let (Some(endpoint), Some(message)) = (endpoint, message) else {
        return give_up(database, delivery, token).await;
    };
    if endpoint.status == EndpointStatus::Disabled {
        return give_up(database, delivery, token).await;
    }
    let now = Utc::now();
    let opened: Result<Vec<_>, _> = endpoint
        .signing_secrets(now)
        .into_iter()
        .map(|sealed| secrets.open(sealed))
        .collect();
    let posted = match opened {
        Ok(keys) => {
            let timestamp = now.timestamp();
            let signature = signatures(&keys, &message.id, timestamp, message.body.as_bytes());
            let post = Post {
                url: &endpoint.url,
                headers: [
                    ("webhook-id", message.id.clone()),
                    ("webhook-timestamp", timestamp.to_string()),
                    ("webhook-signature", signature),
                ],
                body: &message.body,
            };
            poster.post(post).await
        }
        Err(error) => {
            tracing::error!(endpoint = %endpoint.id, %error, "a webhook secret cannot be opened");
            Posted {
                error: Some("the endpoint's secret cannot be opened with this server's key".into()),
                ..Posted::default()
            }
        }
    };
    settle(database, settings, (&endpoint, delivery), token, &posted).await
}

/// Fails a delivery whose endpoint or message is gone or disabled.
async fn give_up(
    database: &Database,
    delivery: &Delivery,
    token: uuid::Uuid,
) -> Result<(), RepoError> {
    let settled = Settled {
        status: DeliveryStatus::Failed,
        tries: delivery.tries,
        next_attempt_at: delivery.next_attempt_at,
        finished_at: Some(Utc::now()),
    };
    WebhookDeliveries::settle(database.connection(), delivery.id, token, &settled).await?;
    Ok(())
}

async fn settle(
    database: &Database,
    settings: &SendingSettings,
    (endpoint, delivery): (&Endpoint, &Delivery),
    token: uuid::Uuid,
    posted: &Posted,
) -> Result<(), RepoError> {
    let now = Utc::now();
    let tries = delivery.tries + 1;
    let judged = judge(posted.status, posted.abort, posted.retry_after.as_deref());
    let outcome = match judged {
        Judged::Delivered => AttemptOutcome::Delivered,
        Judged::Gone => AttemptOutcome::Gone,
        Judged::Aborted => AttemptOutcome::Aborted,
        Judged::Failed { .. } => AttemptOutcome::Failed,
    };
    let finished = |status| Settled {
        status,
        tries,
        next_attempt_at: now,
        finished_at: Some(now),
    };
    let mut disable = None;
    let settled = match judged {
        Judged::Delivered => finished(DeliveryStatus::Delivered),
        Judged::Aborted => finished(DeliveryStatus::Aborted),
        Judged::Gone => {
            disable = Some(DisabledBecause::Gone);
            finished(DeliveryStatus::Failed)
        }
        Judged::Failed { at_least } => {
            let failing_for = endpoint
                .failing_since
                .map_or(chrono::Duration::zero(), |since| now - since);
            let limit =
                chrono::Duration::from_std(settings.disable_after).unwrap_or(chrono::Duration::MAX);
            if failing_for >= limit {
                disable = Some(DisabledBecause::Failing);
                finished(DeliveryStatus::Failed)
            } else {
                match next_try(tries.unsigned_abs(), &settings.schedule, at_least) {
                    Some(wait) => Settled {
                        status: DeliveryStatus::Pending,
                        tries,
                        next_attempt_at: now
                            + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX),
                        finished_at: None,
                    },
                    None => finished(DeliveryStatus::Failed),
                }
            }
        }
    };
    let mut unit = Unit::new(database, Actor::System("webhooks"), origin(delivery));
    let txn = unit.txn().await?;
    if !WebhookDeliveries::settle(txn, delivery.id, token, &settled).await? {
        // Another worker took it over: its try counts, not this one.
        return unit.rollback().await;
    }
    WebhookDeliveries::record_attempt(
        txn,
        &Attempt {
            id: uuid::Uuid::now_v7(),
            delivery_id: delivery.id,
            endpoint_id: endpoint.id,
            message_id: delivery.message_id.clone(),
            attempted_at: now,
            status_code: posted.status,
            latency_ms: posted.latency_ms,
            response: jewel_domain::webhook::delivery::kept_response(&posted.body),
            error: posted.error.clone(),
            outcome,
        },
    )
    .await?;
    match judged {
        Judged::Delivered => WebhookEndpoints::succeeded(txn, endpoint.id).await?,
        _ => WebhookEndpoints::failed_at(txn, endpoint.id, now).await?,
    }
    if let Some(because) = disable
        && WebhookEndpoints::disable(txn, endpoint.id, because, now).await?
    {
        WebhookDeliveries::fail_waiting(txn, endpoint.id, now).await?;
        let what = serde_json::json!({"status": "disabled", "disabledBecause": because.as_str(),
            "url": endpoint.url, "failingSince": endpoint.failing_since});
        unit.audit(
            "webhook_endpoint.disabled",
            "webhook_endpoint",
            endpoint.id,
            None,
            Some(&what),
        )
        .map_err(|error| {
            RepoError::Database(jewel_persistence::DbErr::Custom(error.to_string()))
        })?;
        tracing::warn!(endpoint = %endpoint.id, because = because.as_str(), "a webhook endpoint was disabled");
    }
    unit.commit().await
}
