//! What an enrolment reminds its customer of, a few days ahead: an
//! instalment whose period begins (the first is paid on enrolling), and
//! its maturity, when its value may be redeemed against jewellery.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Enrolment, EnrolmentStatus, Terms};

/// A reminder an enrolment calls for on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// Period `period` begins on `on` and is not paid yet.
    Due { period: u32, on: NaiveDate },
    /// It matures on `on`.
    Matures { on: NaiveDate },
}

impl Enrolment {
    /// What falls on `day` (a local date; `local` turns a moment into the
    /// branch's date) to remind the customer of ahead, given the periods
    /// `paid`: an unpaid period beginning, or maturity. None for an
    /// enrolment that is not active.
    pub fn reminder_for(
        &self,
        day: NaiveDate,
        paid: &[u32],
        local: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Option<Reminder> {
        if self.status != EnrolmentStatus::Active {
            return None;
        }
        if local(self.terms.maturity(self.started_at)) == day {
            return Some(Reminder::Matures { on: day });
        }
        (2..=self.terms.instalments)
            .find(|p| local(Terms::period_begins(self.started_at, *p)) == day)
            .filter(|p| !paid.contains(p))
            .map(|period| Reminder::Due { period, on: day })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Money, Percent};
    use crate::scheme::{MissedRule, PlanKind};

    fn enrolment(started: &str) -> Enrolment {
        Enrolment {
            id: uuid::Uuid::nil(),
            plan_id: uuid::Uuid::nil(),
            plan_name: "Swarna 11".into(),
            customer_id: uuid::Uuid::nil(),
            branch_id: uuid::Uuid::nil(),
            terms: Terms {
                kind: PlanKind::Amount,
                instalments: 11,
                amount: Money::from_units(500_000),
                step: Money::ZERO,
                bonus_share: Percent::from_units(10_000),
                missed: MissedRule::Shrink,
                grace_days: 7,
                redemption_days: 30,
                preclosure_after: 3,
                purity: None,
                jewellery_only: true,
                making_waiver: Percent::ZERO,
                pan_from: Money::ZERO,
            },
            nominee_name: "Arun".into(),
            nominee_relation: "son".into(),
            started_at: started.parse().expect("a moment"),
            status: EnrolmentStatus::Active,
            created_by: uuid::Uuid::nil(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn a_period_beginning_unpaid_and_maturity_are_reminded() {
        let india = |at: DateTime<Utc>| at.with_timezone(&chrono_tz::Asia::Kolkata).date_naive();
        // Enrolled at 20:00 UTC on 10 January: 11 January in India.
        let passbook = enrolment("2026-01-10T20:00:00Z");
        assert_eq!(
            passbook.reminder_for(day("2026-02-11"), &[1], india),
            Some(Reminder::Due {
                period: 2,
                on: day("2026-02-11")
            })
        );
        assert_eq!(
            passbook.reminder_for(day("2026-02-11"), &[1, 2], india),
            None
        );
        assert_eq!(passbook.reminder_for(day("2026-01-11"), &[], india), None);
        assert_eq!(
            passbook.reminder_for(day("2026-12-11"), &[1], india),
            Some(Reminder::Matures {
                on: day("2026-12-11")
            })
        );
        let mut closed = passbook.clone();
        closed.status = EnrolmentStatus::Closed;
        assert_eq!(closed.reminder_for(day("2026-02-11"), &[1], india), None);
    }
}
