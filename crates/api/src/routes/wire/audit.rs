//! An audit event on the wire: the trail's own listing and a customer's
//! data export both show it.

use chrono::{DateTime, Utc};
use jewel_persistence::repos::audit::AuditEvent;
use serde::Serialize;
use utoipa::ToSchema;

/// One change made through the API.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-9999-7000-8000-000000000009", "occurredAt": "2026-11-21T09:31:00Z",
    "actorKind": "staff", "actorId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "action": "update", "entityType": "branch", "entityId": "01936f0e-0000-7000-8000-000000000001",
    "before": {"name": "T. Nagar"}, "after": {"name": "T. Nagar flagship"},
    "requestId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f", "ip": "203.0.113.7"
}))]
pub struct AuditEventView {
    id: uuid::Uuid,
    occurred_at: DateTime<Utc>,
    /// `staff`, `customer`, `client` or `cli`.
    #[schema(max_length = 16, pattern = "^[a-z]+$")]
    actor_kind: String,
    #[schema(max_length = 64)]
    actor_id: String,
    /// `create`, `update`, `delete`, `change_password`, ...; what a
    /// record of integrations went through, with its kind:
    /// `webhook_endpoint.disabled`, `import_job.opened`.
    #[schema(max_length = 32, pattern = r"^[a-z_]+(\.[a-z_]+)?$")]
    action: String,
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    entity_type: String,
    #[schema(max_length = 64)]
    entity_id: String,
    /// The record before the change (absent for a create).
    before: Option<serde_json::Value>,
    /// The record after the change (absent for a delete).
    after: Option<serde_json::Value>,
    #[schema(max_length = 128)]
    request_id: String,
    #[schema(max_length = 45)]
    ip: Option<String>,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            request_id: e.request_id,
            ip: e.ip,
        }
    }
}
