//! Campaigns: a segment, a template and a time. When its time comes the
//! campaign queues one message per customer of the segment, spaced so
//! the providers are not flooded; each message is then sent, or skipped
//! with its reason, as any other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Language, MessageChannel};
use crate::Invalid;

/// The most messages a campaign queues a minute, and the fewest.
pub const PER_MINUTE: std::ops::RangeInclusive<u32> = 1..=6_000;

/// Where a campaign stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Waiting for its time.
    Scheduled,
    /// Its messages are being queued.
    Queueing,
    /// Every message is queued (each then goes its own way).
    Queued,
    /// Cancelled: nothing more of it goes.
    Cancelled,
}

impl CampaignStatus {
    pub const ALL: [Self; 4] = [
        Self::Scheduled,
        Self::Queueing,
        Self::Queued,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Queueing => "queueing",
            Self::Queued => "queued",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether cancelling it still stops something.
    pub fn can_cancel(self) -> bool {
        self != Self::Cancelled
    }
}

/// A campaign as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: uuid::Uuid,
    pub name: String,
    /// The segment's branch (`None`: the whole business's).
    pub branch_id: Option<uuid::Uuid>,
    pub segment_id: uuid::Uuid,
    /// The template version it sends (trigger `campaign`).
    pub template_id: uuid::Uuid,
    pub channel: MessageChannel,
    pub language: Language,
    pub status: CampaignStatus,
    pub scheduled_at: DateTime<Utc>,
    /// Messages queued a minute at most.
    pub per_minute: u32,
    /// Messages queued so far.
    pub queued: i64,
    pub created_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Checks how fast a campaign may go.
pub fn check_per_minute(per_minute: u32) -> Result<u32, Invalid> {
    if PER_MINUTE.contains(&per_minute) {
        Ok(per_minute)
    } else {
        Err(Invalid::field(
            "perMinute",
            "out_of_range",
            format!(
                "{} to {} messages a minute.",
                PER_MINUTE.start(),
                PER_MINUTE.end()
            ),
        ))
    }
}

/// When the `index`th message (from 0) of a campaign that began queueing at
/// `start` may go: `per_minute` to a minute, evenly spread.
pub fn due_at(start: DateTime<Utc>, index: i64, per_minute: u32) -> DateTime<Utc> {
    let per_minute = i64::from(per_minute.max(1));
    start + chrono::Duration::milliseconds(index.saturating_mul(60_000) / per_minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_spread_over_the_minutes() {
        let start = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(due_at(start, 0, 120), start);
        assert_eq!(
            due_at(start, 1, 120),
            start + chrono::Duration::milliseconds(500)
        );
        assert_eq!(
            due_at(start, 240, 120),
            start + chrono::Duration::minutes(2)
        );
    }

    #[test]
    fn the_pace_is_bounded() {
        assert!(check_per_minute(0).is_err());
        assert!(check_per_minute(6_001).is_err());
        assert_eq!(check_per_minute(600).expect("ok"), 600);
    }

    #[test]
    fn names_round_trip() {
        for s in CampaignStatus::ALL {
            assert_eq!(CampaignStatus::parse(s.as_str()), Some(s));
        }
    }
}
