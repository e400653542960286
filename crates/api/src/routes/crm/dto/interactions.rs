//! The wire types of `crm::interactions`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::customer::{Interaction, InteractionKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How the business was in touch.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InteractionKindName {
    Visit,
    Call,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Email,
    Note,
}

/// What a timeline entry is: one recorded by hand, or one the business's
/// own events wrote (`purchase`, `payment`, `return`, `cancellation`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKindName {
    Visit,
    Call,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Email,
    Note,
    Purchase,
    Payment,
    Return,
    Cancellation,
}

impl From<InteractionKind> for TimelineKindName {
    fn from(kind: InteractionKind) -> Self {
        match kind {
            InteractionKind::Visit => Self::Visit,
            InteractionKind::Call => Self::Call,
            InteractionKind::WhatsApp => Self::WhatsApp,
            InteractionKind::Email => Self::Email,
            InteractionKind::Note => Self::Note,
            InteractionKind::Purchase => Self::Purchase,
            InteractionKind::Payment => Self::Payment,
            InteractionKind::Return => Self::Return,
            InteractionKind::Cancellation => Self::Cancellation,
        }
    }
}

/// One entry of a customer's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-6666-7000-8000-000000000006", "customerId": "01936f0e-5555-7000-8000-000000000005",
    "kind": "visit", "occurredAt": "2026-11-21T11:00:00Z", "actorKind": "staff",
    "actorId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "summary": "Looked at temple necklaces for her daughter's wedding in February",
    "outcome": "Call back when the new collection arrives", "createdAt": "2026-11-21T11:05:00Z"
}))]
pub struct InteractionView {
    pub(crate) id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    pub(crate) kind: TimelineKindName,
    pub(crate) occurred_at: DateTime<Utc>,
    /// `staff` or `client`: who recorded it, or who made the sale, payment
    /// or return an event wrote (`customer` or `system` for their own).
    #[schema(max_length = 16, pattern = "^(staff|client|customer|system)$")]
    pub(crate) actor_kind: String,
    pub(crate) actor_id: uuid::Uuid,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) summary: String,
    #[schema(max_length = 500)]
    pub(crate) outcome: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
}

impl From<Interaction> for InteractionView {
    fn from(i: Interaction) -> Self {
        Self {
            id: i.id,
            customer_id: i.customer_id,
            kind: i.kind.into(),
            occurred_at: i.occurred_at,
            actor_kind: i.actor_kind,
            actor_id: i.actor_id,
            summary: i.summary,
            outcome: i.outcome,
            created_at: i.created_at,
        }
    }
}

/// An interaction to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "kind": "visit", "summary": "Looked at temple necklaces for her daughter's wedding in February",
    "outcome": "Call back when the new collection arrives"
}))]
pub struct NewInteractionRequest {
    pub(crate) kind: InteractionKindName,
    /// When it happened; now when absent. Never in the future.
    pub(crate) occurred_at: Option<DateTime<Utc>>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) summary: String,
    #[schema(max_length = 500)]
    pub(crate) outcome: Option<String>,
}
