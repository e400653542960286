//! Follow-up tasks: the calls a sales person owes their customers.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::Done, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A follow-up task as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpTask {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub assignee_id: uuid::Uuid,
    pub due_at: DateTime<Utc>,
    pub reason: String,
    pub status: TaskStatus,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A task to create, every field already valid.
#[derive(Debug, Clone)]
pub struct NewFollowUpTask {
    pub customer_id: uuid::Uuid,
    pub assignee_id: uuid::Uuid,
    pub due_at: DateTime<Utc>,
    pub reason: String,
}

/// The reason for a call: 1 to 500 characters, trimmed.
pub fn parse_reason(field: &str, text: &str) -> Result<String, crate::Invalid> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(crate::Invalid::field(
            field,
            "required",
            "must not be blank",
        )),
        n if n > 500 => Err(crate::Invalid::field(
            field,
            "too_long",
            "at most 500 characters",
        )),
        _ => Ok(text.to_owned()),
    }
}

/// Where an open task stands from where the sales person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Overdue,
    Today,
    Upcoming,
}

/// Sorts a due time against `now` in the time zone `tz`: past is overdue,
/// later the same local day is today, after local midnight is upcoming.
pub fn due(due_at: DateTime<Utc>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Due {
    if due_at < now {
        return Due::Overdue;
    }
    if due_at.with_timezone(&tz).date_naive() == now.with_timezone(&tz).date_naive() {
        Due::Today
    } else {
        Due::Upcoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_local_day() {
        let kolkata: chrono_tz::Tz = "Asia/Kolkata".parse().expect("a zone");
        // 20:00 UTC is 01:30 the next day in Kolkata.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 20, 0, 0)
            .single()
            .expect("a time");
        let later_utc_same_day = Utc
            .with_ymd_and_hms(2026, 11, 21, 23, 0, 0)
            .single()
            .expect("a time");
        let next_local_day = Utc
            .with_ymd_and_hms(2026, 11, 22, 19, 0, 0)
            .single()
            .expect("a time");
        let past = Utc
            .with_ymd_and_hms(2026, 11, 21, 19, 0, 0)
            .single()
            .expect("a time");
        assert_eq!(due(later_utc_same_day, now, kolkata), Due::Today);
        assert_eq!(
            due(next_local_day, now, kolkata),
            Due::Upcoming,
            "after local midnight"
        );
        assert_eq!(due(past, now, kolkata), Due::Overdue);
        assert_eq!(due(later_utc_same_day, now, chrono_tz::UTC), Due::Today);
        assert_eq!(due(next_local_day, now, chrono_tz::UTC), Due::Upcoming);
    }
}
