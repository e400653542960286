//! The wire types of webhook endpoints: what their requests send and
//! their answers show. A secret is shown in the answer that makes it, and
//! never again.

use chrono::{DateTime, Utc};
use jewel_domain::webhook::{Attempt, AttemptOutcome, DisabledBecause, Endpoint, EndpointStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What an endpoint's `eventTypes` items may be: a type, a kind of record
/// and `.*`, `*`, or `webhook.test`.
pub(crate) const EVENT_TYPE_PATTERN: &str = r"^(\*|webhook\.test|(customer|staff|piece|transfer|rate|quote|invoice|payment|credit_note|gift_voucher|scheme|job)\.\*|customer\.(created|updated|merged|erased)|staff\.changed|piece\.(received|moved|sold)|transfer\.(dispatched|received)|rate\.changed|quote\.(created|converted)|invoice\.(issued|cancelled)|payment\.received|credit_note\.issued|gift_voucher\.issued|scheme\.(enrolled|instalment_received)|job\.(status_changed|estimated))$";

bounded_string!(
    /// An event type (`invoice.issued`), every type of a kind of record
    /// (`invoice.*`), or everything (`*`).
    WebhookEventTypeText, 1, 64, Some(EVENT_TYPE_PATTERN)
);

wire_enum! {
    /// `enabled` (sent messages) or `disabled`.
    WebhookEndpointStatusName mirrors EndpointStatus { Enabled = "enabled", Disabled = "disabled" }
}

wire_enum! {
    /// Why it is disabled: `asked` (someone disabled it), `gone` (it
    /// answered 410), `failing` (every try failed for 5 days).
    WebhookDisabledBecauseName mirrors DisabledBecause { Asked = "asked", Gone = "gone", Failing = "failing" }
}

wire_enum! {
    /// What a try came to: `delivered` (2xx), `failed` (tried again on the
    /// schedule until it is spent), `gone` (410: the endpoint was
    /// disabled), `aborted` (the receiver said `webhook-delivery:
    /// abort-message`).
    WebhookAttemptOutcomeName mirrors AttemptOutcome { Delivered = "delivered", Failed = "failed", Gone = "gone", Aborted = "aborted" }
}

/// An endpoint to register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"url": "https://erp.example.com/hooks/jewel-crm",
    "description": "Odoo: stock and sales", "eventTypes": ["invoice.*", "piece.sold"]}))]
pub struct WebhookEndpointRequest {
    /// Where messages are posted: `https://`, a public address (loopback
    /// and private addresses are refused unless `webhooks.allow_private`).
    #[schema(
        min_length = 8,
        max_length = 500,
        pattern = r"^https?://[^\s#]{1,490}$"
    )]
    pub url: String,
    /// What the endpoint is for, on one line.
    #[schema(max_length = 120, pattern = r"^[^\x00-\x1F\x7F]{0,120}$")]
    pub description: Option<String>,
    /// The event types it wants. An API client names only types it may
    /// read (its scopes).
    #[schema(value_type = Vec<WebhookEventTypeText>, min_items = 1, max_items = 40)]
    pub event_types: Vec<String>,
    /// `false` registers it disabled. Default `true`.
    pub enabled: Option<bool>,
}

/// What changes of an endpoint; what is left out stays.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"enabled": true, "eventTypes": ["invoice.*", "piece.*"]}))]
pub struct WebhookEndpointPatch {
    #[schema(
        min_length = 8,
        max_length = 500,
        pattern = r"^https?://[^\s#]{1,490}$"
    )]
    pub url: Option<String>,
    /// An empty text clears it.
    #[schema(max_length = 120, pattern = r"^[^\x00-\x1F\x7F]{0,120}$")]
    pub description: Option<String>,
    #[schema(value_type = Option<Vec<WebhookEventTypeText>>, min_items = 1, max_items = 40)]
    pub event_types: Option<Vec<String>>,
    /// `true` enables it again (its failing days start afresh); `false`
    /// disables it (what still waits for it fails).
    pub enabled: Option<bool>,
}

/// A registered endpoint (its secret is not shown again).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01936f0e-aaaa-7000-8000-0000000000e1",
    "url": "https://erp.example.com/hooks/jewel-crm", "description": "Odoo: stock and sales",
    "eventTypes": ["invoice.*", "piece.sold"], "status": "enabled",
    "createdAt": "2026-12-08T10:00:00Z", "updatedAt": "2026-12-08T10:00:00Z"}))]
pub struct WebhookEndpointView {
    pub id: uuid::Uuid,
    #[schema(max_length = 500)]
    pub url: String,
    #[schema(max_length = 120)]
    pub description: Option<String>,
    #[schema(value_type = Vec<WebhookEventTypeText>, max_items = 40)]
    pub event_types: Vec<String>,
    pub status: WebhookEndpointStatusName,
    pub disabled_because: Option<WebhookDisabledBecauseName>,
    /// Since when every try has failed (it is disabled 5 days after).
    pub failing_since: Option<DateTime<Utc>>,
    /// The API client it is for; absent for the business's own.
    pub client_id: Option<uuid::Uuid>,
    /// Until when the secret before the last rotation still signs beside
    /// the new one.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookEndpointView {
    fn from(e: Endpoint) -> Self {
        let now = Utc::now();
        Self {
            id: e.id,
            url: e.url,
            description: e.description,
            event_types: e.filter.patterns().to_vec(),
            status: e.status.into(),
            disabled_because: e.disabled_because.map(Into::into),
            failing_since: e.failing_since,
            client_id: e.client_id,
            previous_secret_until: e.previous_until.filter(|until| *until > now),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// An endpoint with its new secret: keep it now, it is not shown again.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"endpoint": {"id": "01936f0e-aaaa-7000-8000-0000000000e1",
    "url": "https://erp.example.com/hooks/jewel-crm", "eventTypes": ["invoice.*"], "status": "enabled",
    "createdAt": "2026-12-08T10:00:00Z", "updatedAt": "2026-12-08T10:00:00Z"},
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="}))]
pub struct WebhookEndpointWithSecret {
    pub endpoint: WebhookEndpointView,
    /// `whsec_` and the base64 of 32 random bytes: verify each message's
    /// `webhook-signature` with it (Standard Webhooks v1).
    #[schema(
        min_length = 38,
        max_length = 94,
        pattern = r"^whsec_[A-Za-z0-9+/=]{32,88}$"
    )]
    pub secret: String,
}

/// The endpoints.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpointsView {
    /// The newest first (at most 50 are registered).
    #[schema(max_items = 50)]
    pub items: Vec<WebhookEndpointView>,
}

/// The test message queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"messageId": "msg_01936f0eaaaa70008000000000000e2a"}))]
pub struct WebhookPingView {
    /// Its `webhook-id`; its attempts are listed with `?messageId=`.
    #[schema(max_length = 40, pattern = "^msg_[0-9a-f]{32}$")]
    pub message_id: String,
}

/// Which messages to send again: one (`messageId`), or every message made
/// from `since` until (before) `until`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"messageId": "msg_01936f0eaaaa70008000000000000e2a"}))]
pub struct WebhookReplayRequest {
    #[schema(max_length = 40, pattern = "^msg_[0-9a-f]{32}$")]
    pub message_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// How many messages were queued again.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"replayed": 3}))]
pub struct WebhookReplayView {
    pub replayed: u64,
}

/// One try of a message at an endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01936f0e-aaaa-7000-8000-0000000000f1",
    "messageId": "msg_01936f0eaaaa70008000000000000e2a", "attemptedAt": "2026-12-08T10:00:05Z",
    "statusCode": 503, "latencyMs": 84, "response": "upstream unavailable", "outcome": "failed"}))]
pub struct WebhookAttemptView {
    pub id: uuid::Uuid,
    /// The message's `webhook-id`.
    #[schema(max_length = 40)]
    pub message_id: String,
    pub attempted_at: DateTime<Utc>,
    /// The answer's status; absent when none came.
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    /// The first KiB of the answer's body.
    #[schema(max_length = 1024)]
    pub response: String,
    /// Why no answer came.
    #[schema(max_length = 250)]
    pub error: Option<String>,
    pub outcome: WebhookAttemptOutcomeName,
}

impl From<Attempt> for WebhookAttemptView {
    fn from(a: Attempt) -> Self {
        Self {
            id: a.id,
            message_id: a.message_id,
            attempted_at: a.attempted_at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            response: a.response,
            error: a.error,
            outcome: a.outcome.into(),
        }
    }
}

/// A page of attempts, the newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAttemptPage {
    #[schema(max_items = 200)]
    pub items: Vec<WebhookAttemptView>,
    /// Pass as `before` for older attempts; absent on the last page.
    pub next_before: Option<uuid::Uuid>,
}

/// Which attempts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct WebhookAttemptQuery {
    /// Only the tries of this message.
    #[param(max_length = 40, pattern = "^msg_[0-9a-f]{32}$")]
    pub message_id: Option<String>,
    pub outcome: Option<WebhookAttemptOutcomeName>,
    /// Only attempts older than this one (`nextBefore` of the last page).
    pub before: Option<uuid::Uuid>,
    /// Attempts per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u64>,
}

#[cfg(test)]
mod tests {
    /// The pattern of `eventTypes` takes every type recorded, its kind with
    /// `.*`, and nothing else.
    #[test]
    fn the_event_type_pattern_is_the_catalogue() {
        let pattern = regex::Regex::new(super::EVENT_TYPE_PATTERN).expect("a valid pattern");
        for kind in jewel_services::catalogue::EVENT_TYPES {
            assert!(pattern.is_match(kind), "{kind}");
            let wildcard = format!("{}.*", kind.split_once('.').expect("kind.what").0);
            assert!(pattern.is_match(&wildcard), "{wildcard}");
        }
        for unknown in ["invoice.sold", "webhook.*", "*.*", "invoice.", "**"] {
            assert!(!pattern.is_match(unknown), "{unknown}");
        }
    }
}
