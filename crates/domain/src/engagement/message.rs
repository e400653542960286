//! A message to a customer and how its delivery goes: queued, tried by a
//! worker holding its lease, retried on the schedule, given up on
//! (dead-lettered) after the last try, or skipped with the reason.

use serde::{Deserialize, Serialize};

use super::{Language, MessageChannel, Trigger};
use crate::customer::consent::Purpose;

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting for its time (`nextAttemptAt`).
    Queued,
    /// A worker holds it and is talking to the provider.
    Sending,
    /// The provider took it.
    Sent,
    /// The provider says it reached the customer.
    Delivered,
    /// Given up on, with the reason (after the last retry, or at once for
    /// a failure no retry mends).
    Failed,
    /// Never sent, with the reason.
    Skipped,
}

impl MessageStatus {
    pub const ALL: [Self; 6] = [
        Self::Queued,
        Self::Sending,
        Self::Sent,
        Self::Delivered,
        Self::Failed,
        Self::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Why a message was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The customer has not agreed to this channel for this purpose.
    NoConsent,
    /// No e-mail address or mobile to send to.
    NoAddress,
    /// No template for the trigger, channel and language.
    NoTemplate,
    /// The customer's data was erased.
    Erased,
    /// Its campaign was cancelled before it went.
    Cancelled,
    /// An SMS whose template has no DLT content template id while the
    /// shop's DLT registration is set: operators would drop it.
    DltTemplateMissing,
    /// An app notification to a customer with no device registered.
    NoDevice,
    /// What it was about was done before it went (a quote became a bill).
    NoLongerDue,
}

impl SkipReason {
    pub const ALL: [Self; 8] = [
        Self::NoConsent,
        Self::NoAddress,
        Self::NoTemplate,
        Self::Erased,
        Self::Cancelled,
        Self::DltTemplateMissing,
        Self::NoDevice,
        Self::NoLongerDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoConsent => "no_consent",
            Self::NoAddress => "no_address",
            Self::NoTemplate => "no_template",
            Self::Erased => "erased",
            Self::Cancelled => "cancelled",
            Self::DltTemplateMissing => "dlt_template_missing",
            Self::NoDevice => "no_device",
            Self::NoLongerDue => "no_longer_due",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A message, from the trigger that made it to its last attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: uuid::Uuid,
    pub branch_id: Option<uuid::Uuid>,
    pub customer_id: uuid::Uuid,
    pub trigger: Trigger,
    pub purpose: Purpose,
    pub channel: MessageChannel,
    pub language: Language,
    /// One message per key however often its trigger runs.
    pub dedupe_key: String,
    /// The template version it was rendered from (`None` when skipped for
    /// want of one).
    pub template_id: Option<uuid::Uuid>,
    pub template_version: Option<i32>,
    pub subject: Option<String>,
    pub body: String,
    /// A WhatsApp template's parameters, in order, as rendered.
    pub parameters: Vec<String>,
    /// What it was about (`invoice`, `job`) and its id.
    pub about: Option<(String, uuid::Uuid)>,
    /// Where it went, read at sending time.
    pub address: Option<String>,
    pub status: MessageStatus,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    /// The transport that sent it and the provider's id for it.
    pub transport: Option<String>,
    pub provider_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How a try went, as the worker tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The provider took it, with its id for it.
    Sent { provider_id: Option<String> },
    /// A failure a later try may mend (a timeout, a 4xx greylist, a 429).
    Transient(String),
    /// A failure no retry mends (an address that does not exist).
    Permanent(String),
}

/// What follows a try: the message's next status and, when it is to be
/// tried again, after how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub status: MessageStatus,
    pub retry_after: Option<std::time::Duration>,
    pub reason: Option<String>,
}

/// The waits before each retry: `schedule[n]` after the `n + 1`th failed
/// try; after the last the message is dead-lettered (failed).
pub fn after_try(outcome: &Outcome, tries_so_far: usize, schedule: &[std::time::Duration]) -> Next {
    match outcome {
        Outcome::Sent { .. } => Next {
            status: MessageStatus::Sent,
            retry_after: None,
            reason: None,
        },
        Outcome::Permanent(why) => Next {
            status: MessageStatus::Failed,
            retry_after: None,
            reason: Some(why.clone()),
        },
        Outcome::Transient(why) => match schedule.get(tries_so_far.saturating_sub(1)) {
            Some(wait) => Next {
                status: MessageStatus::Queued,
                retry_after: Some(*wait),
                reason: Some(why.clone()),
            },
            None => Next {
                status: MessageStatus::Failed,
                retry_after: None,
                reason: Some(format!("gave up after {tries_so_far} tries: {why}")),
            },
        },
    }
}

/// The retry waits the issue names: 1 min, 5 min, 30 min, 2 h, 6 h.
pub fn default_schedule() -> Vec<std::time::Duration> {
    [60, 300, 1_800, 7_200, 21_600]
        .into_iter()
        .map(std::time::Duration::from_secs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_wait_longer_then_give_up() {
        let schedule = default_schedule();
        let fail = Outcome::Transient("451 try later".into());
        let waits: Vec<_> = (1..=5)
            .map(|n| {
                after_try(&fail, n, &schedule)
                    .retry_after
                    .map(|d| d.as_secs())
            })
            .collect();
        assert_eq!(
            waits,
            [Some(60), Some(300), Some(1_800), Some(7_200), Some(21_600)]
        );
        let last = after_try(&fail, 6, &schedule);
        assert_eq!(last.status, MessageStatus::Failed);
        assert_eq!(
            last.reason.as_deref(),
            Some("gave up after 6 tries: 451 try later")
        );
    }

    #[test]
    fn a_permanent_failure_is_not_retried() {
        let next = after_try(
            &Outcome::Permanent("550 no such user".into()),
            1,
            &default_schedule(),
        );
        assert_eq!(
            (next.status, next.retry_after),
            (MessageStatus::Failed, None)
        );
    }

    #[test]
    fn names_round_trip() {
        for s in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(s.as_str()), Some(s));
        }
        for r in SkipReason::ALL {
            assert_eq!(SkipReason::parse(r.as_str()), Some(r));
        }
    }
}
