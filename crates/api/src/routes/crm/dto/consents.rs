//! The wire types of `crm::consents`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::customer::consent::{Channel, Consent, ConsentSource, Purpose};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

wire_enum! {
    /// A way of reaching the customer.
    ChannelName mirrors Channel { Sms = "sms", Email = "email", WhatsApp = "whatsapp", Call = "call", Push = "push" }
}

wire_enum! {
    /// Why the business writes: bills and job updates, or offers and greetings.
    PurposeName mirrors Purpose { Transactional = "transactional", Marketing = "marketing" }
}

wire_enum! {
    /// How the customer gave or withdrew consent: `sms_stop` (they texted
    /// STOP), `whatsapp_stop` (they wrote STOP on WhatsApp or pressed its
    /// "Stop promotions") and `unsubscribe_link` are recorded by those,
    /// never by staff.
    ConsentSourceName mirrors ConsentSource {
        InStore = "in_store", Phone = "phone", Website = "website",
        SelfService = "self_service", Import = "import", SmsStop = "sms_stop",
        UnsubscribeLink = "unsubscribe_link", WhatsappStop = "whatsapp_stop",
    }
}

/// Where one (channel, purpose) stands, or one change of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "channel": "whatsapp", "purpose": "marketing", "granted": true, "source": "in_store",
    "changedAt": "2026-11-21T09:30:00Z", "changedByKind": "staff",
    "changedById": "01936f0e-2222-7000-8000-000000000002"
}))]
pub struct ConsentView {
    pub(crate) channel: ChannelName,
    pub(crate) purpose: PurposeName,
    pub(crate) granted: bool,
    pub(crate) source: ConsentSourceName,
    pub(crate) changed_at: DateTime<Utc>,
    /// `staff`, `client` or `customer`.
    #[schema(max_length = 16)]
    pub(crate) changed_by_kind: String,
    pub(crate) changed_by_id: uuid::Uuid,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        Self {
            channel: c.channel.into(),
            purpose: c.purpose.into(),
            granted: c.granted,
            source: c.source.into(),
            changed_at: c.changed_at,
            changed_by_kind: c.actor_kind,
            changed_by_id: c.actor_id,
        }
    }
}

/// A customer's consents: where each stands (nothing recorded means no
/// consent) and every change, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "current": [{"channel": "whatsapp", "purpose": "marketing", "granted": true,
                 "source": "in_store", "changedAt": "2026-11-21T09:30:00Z",
                 "changedByKind": "staff", "changedById": "01936f0e-2222-7000-8000-000000000002"}],
    "history": [{"channel": "whatsapp", "purpose": "marketing", "granted": true,
                 "source": "in_store", "changedAt": "2026-11-21T09:30:00Z",
                 "changedByKind": "staff", "changedById": "01936f0e-2222-7000-8000-000000000002"}]
}))]
pub struct ConsentsView {
    #[schema(max_items = 10)]
    pub(crate) current: Vec<ConsentView>,
    #[schema(max_items = 10000)]
    pub(crate) history: Vec<ConsentView>,
}

/// One decision of the customer.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentChangeRequest {
    pub(crate) channel: ChannelName,
    pub(crate) purpose: PurposeName,
    pub(crate) granted: bool,
}

/// Decisions the customer made, and how they made them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"source": "in_store", "changes": [
    {"channel": "whatsapp", "purpose": "marketing", "granted": true},
    {"channel": "sms", "purpose": "transactional", "granted": true}
]}))]
pub struct ConsentRequest {
    pub(crate) source: ConsentSourceName,
    #[schema(min_items = 1, max_items = 10)]
    pub(crate) changes: Vec<ConsentChangeRequest>,
}

/// The decisions of the customer self-service app (`source` is `self_service`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"changes": [{"channel": "email", "purpose": "marketing", "granted": false}]}))]
pub struct MyConsentRequest {
    #[schema(min_items = 1, max_items = 10)]
    pub(crate) changes: Vec<ConsentChangeRequest>,
}
