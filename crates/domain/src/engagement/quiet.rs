//! Quiet hours: offers and greetings are not sent at night in the branch's
//! time zone; one due then waits for the morning.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};

/// A nightly window, `from` to `until` in local time (past midnight when
/// `from` is later than `until`, as 21:00 to 09:00 is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub until: NaiveTime,
}

impl QuietHours {
    /// When a message due `now` may go, if `now` falls in the quiet hours
    /// in `zone`: the end of them. `None`: it may go now.
    pub fn held_until(&self, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
        if self.from == self.until {
            return None;
        }
        let local = now.with_timezone(&zone);
        let time = local.time();
        let overnight = self.from > self.until;
        let quiet = if overnight {
            time >= self.from || time < self.until
        } else {
            time >= self.from && time < self.until
        };
        if !quiet {
            return None;
        }
        let mut day = local.date_naive();
        if overnight && time >= self.from {
            day = day.checked_add_days(Days::new(1))?;
        }
        let end = zone.from_local_datetime(&day.and_time(self.until));
        end.earliest().map(|end| end.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night() -> QuietHours {
        QuietHours {
            from: NaiveTime::from_hms_opt(21, 0, 0).expect("21:00"),
            until: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a moment")
    }

    #[test]
    fn a_late_evening_waits_for_the_next_morning_in_the_branch_zone() {
        // 22:30 in Mumbai is 17:00 UTC: held until 09:00 IST the next day.
        let held = night().held_until(at("2026-12-07T17:00:00Z"), chrono_tz::Asia::Kolkata);
        assert_eq!(held, Some(at("2026-12-08T03:30:00Z")));
    }

    #[test]
    fn early_morning_waits_for_the_same_morning() {
        // 06:00 IST.
        let held = night().held_until(at("2026-12-07T00:30:00Z"), chrono_tz::Asia::Kolkata);
        assert_eq!(held, Some(at("2026-12-07T03:30:00Z")));
    }

    #[test]
    fn the_day_is_not_quiet() {
        // 14:00 IST; and a window of no length holds nothing.
        assert_eq!(
            night().held_until(at("2026-12-07T08:30:00Z"), chrono_tz::Asia::Kolkata),
            None
        );
        let none = QuietHours {
            from: NaiveTime::MIN,
            until: NaiveTime::MIN,
        };
        assert_eq!(
            none.held_until(at("2026-12-07T17:00:00Z"), chrono_tz::Asia::Kolkata),
            None
        );
    }
}
