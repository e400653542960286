//! What an endpoint's answer means: delivered, gone (410 disables the
//! endpoint), "stop trying" (`webhook-delivery: abort-message`), or a
//! failure tried again on the schedule, later when the endpoint asks for
//! it with `Retry-After` (429, 502, 504).

use std::time::Duration;

/// The waits before each retry Standard Webhooks' schedule has: 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h; after the last the message fails.
pub const SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// The longest `Retry-After` honoured: a longer one waits this long.
pub const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What one try came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// A 2xx answer.
    Delivered,
    /// 410 Gone: the endpoint is disabled.
    Gone,
    /// The receiver said `webhook-delivery: abort-message`: no more tries
    /// of this message.
    Aborted,
    /// No answer, a 3xx (not followed), 4xx or 5xx: tried again, not
    /// before `at_least` when the receiver asked for that.
    Failed { at_least: Option<Duration> },
}

/// Judges an answer: its status (`None`: no answer in time, or none at
/// all), whether it asked to abort, and its `Retry-After` header.
pub fn judge(status: Option<u16>, abort: bool, retry_after: Option<&str>) -> Judged {
    match status {
        Some(200..=299) => Judged::Delivered,
        _ if abort => Judged::Aborted,
        Some(410) => Judged::Gone,
        Some(429 | 502 | 504) => Judged::Failed {
            at_least: retry_after
                .and_then(|text| text.trim().parse::<u64>().ok())
                .map(|secs| Duration::from_secs(secs).min(LONGEST_RETRY_AFTER)),
        },
        _ => Judged::Failed { at_least: None },
    }
}

/// The wait before the next try after `tries` failed tries, on
/// `schedule`; `None` when the schedule is spent.
pub fn next_try(tries: u32, schedule: &[Duration], at_least: Option<Duration>) -> Option<Duration> {
    let index = usize::try_from(tries).ok()?.checked_sub(1)?;
    let wait = *schedule.get(index)?;
    Some(at_least.map_or(wait, |asked| asked.max(wait)))
}
