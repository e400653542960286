//! Follow-ups after a sale (domain.md, "Occasions and clienteling"): a big
//! purchase is followed up 180 days and 11 months later, a bridal sale 30,
//! 60 and 90 days later. On a day, which days' sales are due, and what is
//! done for each: a message to the customer, a task for the sales person
//! to call, or both.

use chrono::{Days, Months, NaiveDate};

use super::Trigger;

/// What a follow-up does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpAction {
    /// A message to the customer (with their marketing consent).
    Message,
    /// A task for the customer's sales person to call them, instead.
    Task,
    /// Both.
    Both,
}

impl FollowUpAction {
    pub const ALL: [Self; 3] = [Self::Message, Self::Task, Self::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Task => "task",
            Self::Both => "both",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn messages(self) -> bool {
        self != Self::Task
    }

    pub fn tasks(self) -> bool {
        self != Self::Message
    }
}

/// A follow-up due on a day: of the sales made on `sold_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub sold_on: NaiveDate,
    /// `purchase_follow_up` (a big purchase) or `bridal_follow_up`.
    pub trigger: Trigger,
    /// Which of the trigger's follow-ups: `180d`, `11m`, `30d`, `60d`,
    /// `90d` (part of its key: each is made once).
    pub mark: &'static str,
    /// How long ago, as a template says it: `6` (months), `11`; `30`
    /// (days), `60`, `90`.
    pub after: &'static str,
}

/// The follow-ups due on `day`.
pub fn due_on(day: NaiveDate) -> Vec<Due> {
    let days = |n: u64| day.checked_sub_days(Days::new(n));
    let mut due = Vec::new();
    let purchase = [
        (days(180), "180d", "6"),
        (day.checked_sub_months(Months::new(11)), "11m", "11"),
    ];
    for (sold_on, mark, after) in purchase {
        if let Some(sold_on) = sold_on {
            due.push(Due {
                sold_on,
                trigger: Trigger::PurchaseFollowUp,
                mark,
                after,
            });
        }
    }
    for (n, mark, after) in [(30, "30d", "30"), (60, "60d", "60"), (90, "90d", "90")] {
        if let Some(sold_on) = days(n) {
            due.push(Due {
                sold_on,
                trigger: Trigger::BridalFollowUp,
                mark,
                after,
            });
        }
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn a_day_looks_back_180_days_11_months_and_30_60_90_days() {
        let due: Vec<(NaiveDate, &str)> = due_on(on("2026-12-07"))
            .into_iter()
            .map(|d| (d.sold_on, d.mark))
            .collect();
        assert_eq!(
            due,
            [
                (on("2026-06-10"), "180d"),
                (on("2026-01-07"), "11m"),
                (on("2026-11-07"), "30d"),
                (on("2026-10-08"), "60d"),
                (on("2026-09-08"), "90d"),
            ]
        );
    }

    #[test]
    fn actions_read_and_say_what_they_do() {
        assert_eq!(FollowUpAction::parse("both"), Some(FollowUpAction::Both));
        assert_eq!(FollowUpAction::parse("call"), None);
        assert!(FollowUpAction::Task.tasks() && !FollowUpAction::Task.messages());
        assert!(FollowUpAction::Both.tasks() && FollowUpAction::Both.messages());
    }
}
