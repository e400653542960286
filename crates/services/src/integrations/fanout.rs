//! The relay subscriber that makes a webhook message of every event an
//! enabled endpoint wants, in the relay's transaction (so each event is
//! made into one message once), and queues it for each such endpoint. An
//! API client's endpoint is sent only what the client may read now: the
//! event's type needs a scope it holds, and a branch's event one of its
//! branches; a client switched off is sent nothing.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use jewel_domain::access::ApiClient;
use jewel_domain::webhook::{Endpoint, WebhookMessage, reader_of};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::api_clients::ApiClients;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::webhook_deliveries::WebhookDeliveries;
use jewel_persistence::repos::webhook_endpoints::WebhookEndpoints;

use crate::events::Event;
use crate::relay::{Failed, Subscriber};

/// `msg_` and the id's 32 hex digits: a message's `webhook-id`.
pub fn message_id(id: uuid::Uuid) -> String {
    format!("msg_{}", id.simple())
}

/// The body every try of a message sends: `{type, timestamp, data}`.
pub fn body(event_type: &str, at: DateTime<Utc>, data: &serde_json::Value) -> String {
    serde_json::json!({
        "type": event_type,
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string()
}

/// Whether `client` may be sent `event`.
fn may_read(client: Option<&ApiClient>, event: &Event) -> bool {
    let Some(client) = client else {
        return false;
    };
    let scoped = reader_of(&event.event_type).is_some_and(|p| client.scopes.contains(&p));
    let in_branch = match event.branch_id {
        None => true,
        Some(branch) => client.branch_ids.is_empty() || client.branch_ids.contains(&branch),
    };
    client.active && scoped && in_branch
}

/// Makes the messages of `events` for `endpoints`.
async fn fan_out(
    txn: &DatabaseTransaction,
    endpoints: &[Endpoint],
    events: &[&Event],
) -> Result<(), Failed> {
    let mut clients: HashMap<uuid::Uuid, Option<ApiClient>> = HashMap::new();
    for endpoint in endpoints {
        if let Some(id) = endpoint.client_id
            && !clients.contains_key(&id)
        {
            let client = ApiClients::get(txn, id).await.map_err(|error| Failed {
                at: None,
                error: error.into(),
            })?;
            clients.insert(id, client);
        }
    }
    let now = to_second(Utc::now());
    for (index, event) in events.iter().enumerate() {
        let to: Vec<uuid::Uuid> = endpoints
            .iter()
            .filter(|e| e.filter.matches(&event.event_type))
            .filter(|e| {
                e.client_id
                    .is_none_or(|c| may_read(clients.get(&c).and_then(Option::as_ref), event))
            })
            .map(|e| e.id)
            .collect();
        if to.is_empty() {
            continue;
        }
        let message = WebhookMessage {
            id: message_id(event.id),
            event_type: event.event_type.clone(),
            body: body(&event.event_type, event.occurred_at, &event.payload),
            created_at: now,
        };
        let failed = |error: jewel_persistence::RepoError| Failed {
            at: Some(index),
            error: error.into(),
        };
        WebhookDeliveries::insert_message(txn, &message, Some(event.id))
            .await
            .map_err(failed)?;
        WebhookDeliveries::queue(txn, &message.id, &to, now)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// Outbound webhooks' subscriber.
#[derive(Debug)]
pub struct Webhooks;

#[async_trait::async_trait]
impl Subscriber for Webhooks {
    fn name(&self) -> &'static str {
        "webhooks"
    }

    fn wants(&self, _event_type: &str) -> bool {
        true
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        self.handle_all(txn, &[event]).await.map_err(|f| f.error)
    }

    async fn handle_all(&self, txn: &DatabaseTransaction, events: &[&Event]) -> Result<(), Failed> {
        let endpoints = WebhookEndpoints::enabled(txn)
            .await
            .map_err(|error| Failed {
                at: None,
                error: error.into(),
            })?;
        if endpoints.is_empty() {
            return Ok(());
        }
        fan_out(txn, &endpoints, events).await
    }
}
