//! One message to one endpoint, and its attempts.

use chrono::{DateTime, Utc};

/// Where a message to an endpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its next try.
    Pending,
    /// A worker is trying it (its lease says until when).
    Sending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every try failed, or the endpoint was gone or disabled.
    Failed,
    /// The endpoint asked for no more tries.
    Aborted,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Aborted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Aborted => "aborted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A message as stored: the exact body every try and replay sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookMessage {
    /// `msg_…`: the `webhook-id` of every try.
    pub id: String,
    pub event_type: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A message to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: uuid::Uuid,
    pub endpoint_id: uuid::Uuid,
    pub message_id: String,
    pub status: DeliveryStatus,
    /// Tries made since it was queued (or replayed).
    pub tries: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What one try came to, as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    Failed,
    Gone,
    Aborted,
}

impl AttemptOutcome {
    pub const ALL: [AttemptOutcome; 4] = [
        AttemptOutcome::Delivered,
        AttemptOutcome::Failed,
        AttemptOutcome::Gone,
        AttemptOutcome::Aborted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Delivered => "delivered",
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::Gone => "gone",
            AttemptOutcome::Aborted => "aborted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One try of a message at an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: uuid::Uuid,
    pub delivery_id: uuid::Uuid,
    pub endpoint_id: uuid::Uuid,
    pub message_id: String,
    pub attempted_at: DateTime<Utc>,
    /// The answer's status; `None` when none came (refused, timed out).
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    /// The first KiB of the answer's body.
    pub response: String,
    /// Why no answer came (`timed out after 15 s`, `connection refused`).
    pub error: Option<String>,
    pub outcome: AttemptOutcome,
}

/// The most of an answer's body an attempt keeps.
pub const KEPT_RESPONSE: usize = 1024;

/// `body` cut to at most [`KEPT_RESPONSE`] bytes, at a character boundary.
pub fn kept_response(body: &str) -> String {
    let mut end = body.len().min(KEPT_RESPONSE);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_owned()
}
