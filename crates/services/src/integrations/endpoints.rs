//! Registering, changing, rotating and removing webhook endpoints, test
//! pings and replays. Every change is in the audit trail, never with a
//! secret: the new secret is in the answer to its creation or rotation
//! only.

use chrono::{DateTime, Duration, Utc};
use jewel_domain::Permission;
use jewel_domain::webhook::{
    DisabledBecause, Endpoint, EndpointStatus, Filter, MOST_ENDPOINTS, PING, Secret,
    WebhookMessage, check_url, reader_of,
};
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::webhook_deliveries::{Replayed, WebhookDeliveries};
use jewel_persistence::repos::webhook_endpoints::{Manager, WebhookEndpoints};
use serde::Serialize;

use super::{IntegrationError, Secrets};
use crate::Unit;
use crate::catalogue::EVENT_TYPES;

/// How long a rotated secret keeps signing beside the new one.
pub const PREVIOUS_SIGNS_FOR: Duration = Duration::hours(24);

/// Which URLs the business lets endpoints have.
#[derive(Debug, Clone, Copy, Default)]
pub struct UrlRules {
    /// `http://` as well as `https://` (a test bench).
    pub allow_http: bool,
    /// Loopback, private and link-local addresses (an on-premises ERP).
    pub allow_private: bool,
}

/// Who registers or manages an endpoint.
#[derive(Debug, Clone, Copy)]
pub enum Registrar<'a> {
    /// The owner: the business's endpoints.
    Owner,
    /// An API client, for its own use, with its scopes.
    Client {
        id: uuid::Uuid,
        scopes: &'a [Permission],
    },
}

impl Registrar<'_> {
    pub fn manager(self) -> Manager {
        match self {
            Registrar::Owner => Manager::Business,
            Registrar::Client { id, .. } => Manager::Client(id),
        }
    }
}

/// An endpoint to register, or what changes of one.
#[derive(Debug, Clone, Default)]
pub struct EndpointChange {
    pub url: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// The audit trail's view of an endpoint: never its secrets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Audited<'a> {
    url: &'a str,
    description: Option<&'a str>,
    event_types: &'a [String],
    status: &'static str,
    disabled_because: Option<&'static str>,
    client_id: Option<uuid::Uuid>,
}

fn audited(e: &Endpoint) -> Audited<'_> {
    Audited {
        url: &e.url,
        description: e.description.as_deref(),
        event_types: e.filter.patterns(),
        status: e.status.as_str(),
        disabled_because: e.disabled_because.map(DisabledBecause::as_str),
        client_id: e.client_id,
    }
}

fn filter_for(registrar: Registrar<'_>, wanted: &[String]) -> Result<Filter, IntegrationError> {
    let filter = Filter::parse("eventTypes", wanted, &EVENT_TYPES)?;
    if let Registrar::Client { scopes, .. } = registrar {
        for (index, pattern) in filter.patterns().iter().enumerate() {
            if pattern == "*" || pattern == PING {
                continue;
            }
            let readable = reader_of(pattern).is_some_and(|needed| scopes.contains(&needed));
            if !readable {
                let needs =
                    reader_of(pattern).map_or("a permission no API client holds", |p| p.as_str());
                return Err(jewel_domain::Invalid::field(
                    format!("eventTypes[{index}]"),
                    "not_readable",
                    format!("this client may not read {pattern} events (they need {needs})"),
                )
                .into());
            }
        }
    }
    Ok(filter)
}

/// Registers an endpoint signed with `secret`; it is enabled.
pub async fn create(
    unit: &mut Unit,
    secrets: &dyn Secrets,
    (registrar, rules): (Registrar<'_>, UrlRules),
    change: EndpointChange,
    secret: &Secret,
) -> Result<Endpoint, IntegrationError> {
    let url = change.url.unwrap_or_default();
    check_url("url", &url, rules.allow_http, rules.allow_private)?;
    let registered = WebhookEndpoints::list(unit.txn().await?, registrar.manager()).await?;
    if registered.len() >= MOST_ENDPOINTS {
        return Err(jewel_domain::Invalid::field(
            "url",
            "too_many",
            format!("at most {MOST_ENDPOINTS} endpoints: remove one first"),
        )
        .into());
    }
    let filter = filter_for(registrar, &change.event_types.unwrap_or_default())?;
    let now = to_second(Utc::now());
    let enabled = change.enabled.unwrap_or(true);
    let endpoint = Endpoint {
        id: uuid::Uuid::now_v7(),
        client_id: match registrar {
            Registrar::Owner => None,
            Registrar::Client { id, .. } => Some(id),
        },
        url,
        description: change.description.flatten(),
        filter,
        status: if enabled {
            EndpointStatus::Enabled
        } else {
            EndpointStatus::Disabled
        },
        disabled_because: (!enabled).then_some(DisabledBecause::Asked),
        failing_since: None,
        sealed_secret: secrets.seal(secret),
        sealed_previous: None,
        previous_until: None,
        created_at: now,
        updated_at: now,
    };
    WebhookEndpoints::insert(unit.txn().await?, &endpoint).await?;
    unit.audit(
        "webhook_endpoint.created",
        "webhook_endpoint",
        endpoint.id,
        None,
        Some(&audited(&endpoint)),
    )?;
    Ok(endpoint)
}

/// Changes endpoint `id`; `None` when the registrar has none such.
/// Enabling it again starts its failing days afresh; disabling it fails
/// what still waits for it.
pub async fn update(
    unit: &mut Unit,
    (registrar, rules): (Registrar<'_>, UrlRules),
    id: uuid::Uuid,
    change: EndpointChange,
) -> Result<Option<Endpoint>, IntegrationError> {
    let txn = unit.txn().await?;
    let Some(before) = WebhookEndpoints::get(txn, registrar.manager(), id).await? else {
        return Ok(None);
    };
    let mut after = before.clone();
    if let Some(url) = change.url {
        check_url("url", &url, rules.allow_http, rules.allow_private)?;
        after.url = url;
    }
    if let Some(description) = change.description {
        after.description = description;
    }
    if let Some(wanted) = change.event_types {
        after.filter = filter_for(registrar, &wanted)?;
    }
    let now = to_second(Utc::now());
    match change.enabled {
        Some(true) => {
            after.status = EndpointStatus::Enabled;
            after.disabled_because = None;
            after.failing_since = None;
        }
        Some(false) if before.status == EndpointStatus::Enabled => {
            after.status = EndpointStatus::Disabled;
            after.disabled_because = Some(DisabledBecause::Asked);
            WebhookDeliveries::fail_waiting(txn, id, now).await?;
        }
        _ => {}
    }
    after.updated_at = now;
    WebhookEndpoints::save(txn, &after).await?;
    unit.audit(
        "webhook_endpoint.updated",
        "webhook_endpoint",
        id,
        Some(&audited(&before)),
        Some(&audited(&after)),
    )?;
    Ok(Some(after))
}

/// Gives endpoint `id` the new `secret`; the one it had signs beside it
/// for [`PREVIOUS_SIGNS_FOR`]. `None` when the registrar has none such.
pub async fn rotate(
    unit: &mut Unit,
    secrets: &dyn Secrets,
    registrar: Registrar<'_>,
    id: uuid::Uuid,
    secret: &Secret,
) -> Result<Option<Endpoint>, IntegrationError> {
    let txn = unit.txn().await?;
    let Some(mut endpoint) = WebhookEndpoints::get(txn, registrar.manager(), id).await? else {
        return Ok(None);
    };
    let now = to_second(Utc::now());
    endpoint.sealed_previous = Some(std::mem::replace(
        &mut endpoint.sealed_secret,
        secrets.seal(secret),
    ));
    endpoint.previous_until = Some(now + PREVIOUS_SIGNS_FOR);
    endpoint.updated_at = now;
    WebhookEndpoints::save(txn, &endpoint).await?;
    unit.audit::<Audited<'_>>(
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint",
        id,
        None,
        Some(&audited(&endpoint)),
    )?;
    Ok(Some(endpoint))
}

/// Removes endpoint `id` (what waits for it is failed); `false` when the
/// registrar has none such.
pub async fn remove(
    unit: &mut Unit,
    registrar: Registrar<'_>,
    id: uuid::Uuid,
) -> Result<bool, IntegrationError> {
    let txn = unit.txn().await?;
    let Some(endpoint) = WebhookEndpoints::get(txn, registrar.manager(), id).await? else {
        return Ok(false);
    };
    WebhookDeliveries::fail_waiting(txn, id, to_second(Utc::now())).await?;
    WebhookEndpoints::delete(txn, id).await?;
    unit.audit(
        "webhook_endpoint.deleted",
        "webhook_endpoint",
        id,
        Some(&audited(&endpoint)),
        None,
    )?;
    Ok(true)
}

/// The registrar's endpoint `id` (`None`: they have none such), refused
/// when it is disabled.
async fn enabled(
    txn: &jewel_persistence::DatabaseTransaction,
    registrar: Registrar<'_>,
    id: uuid::Uuid,
) -> Result<Option<Endpoint>, IntegrationError> {
    match WebhookEndpoints::get(txn, registrar.manager(), id).await? {
        Some(endpoint) if endpoint.status == EndpointStatus::Disabled => {
            Err(IntegrationError::Disabled)
        }
        found => Ok(found),
    }
}

/// Sends endpoint `id` a test message (`webhook.test`), whatever types it
/// wants; the message's id, `None` when the registrar has none such.
pub async fn ping(
    unit: &mut Unit,
    registrar: Registrar<'_>,
    id: uuid::Uuid,
) -> Result<Option<String>, IntegrationError> {
    let txn = unit.txn().await?;
    let Some(endpoint) = enabled(txn, registrar, id).await? else {
        return Ok(None);
    };
    let now = to_second(Utc::now());
    let message_id = uuid::Uuid::now_v7();
    let message = WebhookMessage {
        id: super::fanout::message_id(message_id),
        event_type: PING.to_owned(),
        body: super::fanout::body(
            PING,
            now,
            &serde_json::json!({"endpointId": endpoint.id, "message": "A test from jewel-crm: this endpoint is reached and its signature checks."}),
        ),
        created_at: now,
    };
    WebhookDeliveries::insert_message(txn, &message, None).await?;
    WebhookDeliveries::queue(txn, &message.id, &[endpoint.id], now).await?;
    Ok(Some(message.id))
}

/// What a replay asks for again.
#[derive(Debug, Clone)]
pub enum Replay {
    Message(String),
    Between(DateTime<Utc>, DateTime<Utc>),
}

/// Sends endpoint `id` again the messages `which` names that it was sent
/// before (with the same `webhook-id`), counting tries afresh; how many
/// (`None` when the registrar has no such endpoint).
pub async fn replay(
    unit: &mut Unit,
    registrar: Registrar<'_>,
    id: uuid::Uuid,
    which: Replay,
) -> Result<Option<u64>, IntegrationError> {
    let txn = unit.txn().await?;
    if enabled(txn, registrar, id).await?.is_none() {
        return Ok(None);
    }
    let now = to_second(Utc::now());
    let count = match &which {
        Replay::Message(message) => {
            if !WebhookDeliveries::has(txn, id, message).await? {
                return Err(jewel_domain::Invalid::field(
                    "messageId",
                    "not_sent",
                    "this endpoint was never sent that message",
                )
                .into());
            }
            WebhookDeliveries::replay(txn, id, Replayed::Message(message), now).await?
        }
        Replay::Between(from, until) => {
            if from >= until {
                return Err(jewel_domain::Invalid::field(
                    "until",
                    "before_since",
                    "until comes after since",
                )
                .into());
            }
            // No message is made later than now: a far `until` (2100) is
            // now, which every database's timestamps hold.
            let until = (*until).min(now + Duration::minutes(1));
            let from = (*from).max(DateTime::<Utc>::UNIX_EPOCH + Duration::days(1));
            WebhookDeliveries::replay(txn, id, Replayed::Between(from, until), now).await?
        }
    };
    let what = match &which {
        Replay::Message(message) => serde_json::json!({"messageId": message, "replayed": count}),
        Replay::Between(from, until) => {
            serde_json::json!({"since": from, "until": until, "replayed": count})
        }
    };
    unit.audit(
        "webhook_endpoint.replayed",
        "webhook_endpoint",
        id,
        None,
        Some(&what),
    )?;
    Ok(Some(count))
}
