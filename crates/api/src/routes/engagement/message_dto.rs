//! The wire types of messages and their attempts.

use chrono::{DateTime, Utc};
use jewel_domain::engagement::message::{Message, MessageStatus};
use jewel_persistence::repos::messages::Attempt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::template_dto::{
    MessageChannelName, MessageLanguageName, MessageTriggerName, VariableValueText,
};

wire_enum! {
    /// `queued` (waiting for `nextAttemptAt`), `sending`, `sent` (the
    /// provider took it), `delivered`, `failed` (given up on, `reason`
    /// says why) or `skipped` (never sent: `no_consent`, `no_address`,
    /// `no_template`, `erased`, `cancelled` with its campaign,
    /// `dlt_template_missing` for an SMS to India whose template has no
    /// DLT id while the shop is registered, `no_device` for an app
    /// notification to a customer who registered no device,
    /// `no_longer_due` when what it was about was done first: a quote
    /// that became a bill).
    MessageStatusName mirrors MessageStatus {
        Queued = "queued", Sending = "sending", Sent = "sent", Delivered = "delivered",
        Failed = "failed", Skipped = "skipped",
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MessageQuery {
    pub(crate) customer_id: Option<uuid::Uuid>,
    #[param(inline)]
    pub(crate) status: Option<MessageStatusName>,
    #[param(inline)]
    pub(crate) trigger: Option<MessageTriggerName>,
    #[param(inline)]
    pub(crate) channel: Option<MessageChannelName>,
}

/// One try at sending a message.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"attempt": 1, "transport": "smtp", "startedAt": "2026-12-07T10:30:02Z",
    "latencyMs": 41, "outcome": "transient", "answer": "451 4.3.0 mailbox busy, try later"}))]
pub struct AttemptView {
    attempt: i32,
    /// `log`, `smtp`, ...
    #[schema(max_length = 16)]
    transport: String,
    started_at: DateTime<Utc>,
    latency_ms: i64,
    /// `sent`, `transient` (tried again later) or `permanent`.
    #[schema(max_length = 16)]
    outcome: String,
    /// What the provider said, its first 1,000 characters.
    #[schema(max_length = 1000)]
    answer: String,
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        Self {
            attempt: a.attempt,
            transport: a.transport,
            started_at: a.started_at,
            latency_ms: a.latency_ms,
            outcome: a.outcome,
            answer: a.answer,
        }
    }
}

/// A message to a customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000e1", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1", "trigger": "invoice_issued",
    "purpose": "transactional", "channel": "email", "language": "en",
    "templateId": "01930000-0000-7000-8000-000000000001", "templateVersion": 1,
    "subject": "Your tax invoice MUM1/INV/2026-27/000042 from Mumbai Zaveri Bazaar",
    "body": "Dear Asha Iyer, ...", "parameters": [], "aboutKind": "invoice", "aboutId": "01936f0e-0000-7000-8000-0000000000a1",
    "address": "asha@example.com", "status": "sent", "reason": null, "attempts": 1,
    "nextAttemptAt": "2026-12-07T10:30:02Z", "transport": "smtp",
    "providerId": "<01936f0e-0000-7000-8000-0000000000e1@jewel-crm>",
    "createdAt": "2026-12-07T10:30:01Z", "sentAt": "2026-12-07T10:30:02Z"
}))]
pub struct MessageView {
    id: uuid::Uuid,
    branch_id: Option<uuid::Uuid>,
    customer_id: uuid::Uuid,
    trigger: MessageTriggerName,
    /// `transactional` or `marketing`.
    #[schema(max_length = 16)]
    purpose: &'static str,
    channel: MessageChannelName,
    language: MessageLanguageName,
    /// The template version it was written from.
    template_id: Option<uuid::Uuid>,
    template_version: Option<i32>,
    #[schema(max_length = 1000)]
    subject: Option<String>,
    #[schema(max_length = 200000)]
    body: String,
    /// A WhatsApp message's template parameters, in order (empty for
    /// other channels).
    #[schema(value_type = Vec<VariableValueText>, max_items = 20)]
    parameters: Vec<String>,
    /// What it is about (`invoice`, `job`, `customer`, `campaign`,
    /// `scheme_enrolment`) and its id.
    #[schema(max_length = 16)]
    about_kind: Option<String>,
    about_id: Option<uuid::Uuid>,
    /// Where it went, read when it was sent.
    #[schema(max_length = 320)]
    address: Option<String>,
    status: MessageStatusName,
    /// Why it failed or was skipped; the last failure while it is retried.
    #[schema(max_length = 1000)]
    reason: Option<String>,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    #[schema(max_length = 16)]
    transport: Option<String>,
    #[schema(max_length = 200)]
    provider_id: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        let (about_kind, about_id) = m.about.map_or((None, None), |(k, id)| (Some(k), Some(id)));
        Self {
            id: m.id,
            branch_id: m.branch_id,
            customer_id: m.customer_id,
            trigger: m.trigger.into(),
            purpose: m.purpose.as_str(),
            channel: m.channel.into(),
            language: m.language.into(),
            template_id: m.template_id,
            template_version: m.template_version,
            subject: m.subject,
            body: m.body,
            parameters: m.parameters,
            about_kind,
            about_id,
            address: m.address,
            status: m.status.into(),
            reason: m.reason,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            transport: m.transport,
            provider_id: m.provider_id,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// A message with every attempt at sending it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"message": {
    "id": "01936f0e-0000-7000-8000-0000000000e1", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1", "trigger": "job_ready",
    "purpose": "transactional", "channel": "sms", "language": "en",
    "templateId": "01930000-0000-7000-8000-000000000004", "templateVersion": 1, "subject": null,
    "body": "Dear Asha Iyer, your job MUM1/JOB/2026-27/000001 is ready to collect at Mumbai.",
    "parameters": [], "aboutKind": "job", "aboutId": "01936f0e-0000-7000-8000-0000000000f1",
    "address": "+919820012345", "status": "sent", "reason": null, "attempts": 1,
    "nextAttemptAt": "2026-12-07T10:30:02Z", "transport": "log",
    "providerId": "log-01936f0e-0000-7000-8000-0000000000e1",
    "createdAt": "2026-12-07T10:30:01Z", "sentAt": "2026-12-07T10:30:02Z"},
    "attempts": [{"attempt": 1, "transport": "log", "startedAt": "2026-12-07T10:30:02Z",
    "latencyMs": 0, "outcome": "sent", "answer": "kept in the database and the log"}]}))]
pub struct MessageDetailView {
    message: MessageView,
    #[schema(max_items = 100)]
    attempts: Vec<AttemptView>,
}

impl MessageDetailView {
    pub(crate) fn of(message: Message, attempts: Vec<Attempt>) -> Self {
        Self {
            message: MessageView::from(message),
            attempts: attempts.into_iter().map(AttemptView::from).collect(),
        }
    }
}
