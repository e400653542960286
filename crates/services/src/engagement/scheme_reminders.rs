//! Reminders of savings schemes, made by the day's clienteling run: an
//! instalment whose period begins `days_ahead` days later and is unpaid,
//! and a maturity that far ahead (when the value may be redeemed against
//! jewellery). Transactional SMS, one per enrolment and period, or per
//! enrolment's maturity, however often the run is made, and, or instead,
//! a call for the customer's sales person (`notify.actions`). Dates are
//! the enrolment's branch's.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use jewel_domain::engagement::{Language, Trigger, indian_grouping};
use jewel_domain::page::PageRequest;
use jewel_domain::scheme::{Enrolment, EnrolmentStatus, Reminder};
use jewel_persistence::repos::schemes::{EnrolmentFilter, Schemes};
use jewel_persistence::{Database, RepoError};

use super::calls::{Actions, Call, make_call};
use super::queue::{Asked, queue_message};
use super::zones::Zones;

/// Enrolments read per page.
const BATCH: u64 = 200;

/// What a run queued, new this time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemeReminderRun {
    pub instalments_due: u64,
    pub maturities: u64,
    /// Calls made for staff to remind the customers instead, or as well.
    pub tasks: u64,
}

/// Queues the reminders of what falls `days_ahead` after `day`.
pub async fn run(
    database: &Database,
    day: NaiveDate,
    days_ahead: u32,
    language: Language,
    actions: &Actions,
) -> Result<SchemeReminderRun, RepoError> {
    let target = day
        .checked_add_days(Days::new(days_ahead.into()))
        .unwrap_or(day);
    let db = database.connection();
    let mut zones = Zones::default();
    let mut run = SchemeReminderRun::default();
    let mut after = None;
    loop {
        let filter = EnrolmentFilter {
            customer: None,
            branches: None,
            status: Some(EnrolmentStatus::Active),
        };
        let page = Schemes::enrolments(
            db,
            filter,
            PageRequest {
                after,
                limit: BATCH,
            },
        )
        .await?;
        for enrolment in &page.items {
            let zone = zones.of(db, enrolment.branch_id).await?;
            let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&zone).date_naive();
            // Whether anything falls on the day at all, before reading
            // what was paid.
            if enrolment.reminder_for(target, &[], local).is_none() {
                continue;
            }
            let paid: Vec<u32> = Schemes::instalments(db, enrolment.id)
                .await?
                .iter()
                .map(|i| i.period)
                .collect();
            if let Some(reminder) = enrolment.reminder_for(target, &paid, local) {
                remind(database, enrolment, reminder, (language, actions), &mut run).await?;
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(run),
        }
    }
}

async fn remind(
    database: &Database,
    enrolment: &Enrolment,
    reminder: Reminder,
    (language, actions): (Language, &Actions),
    run: &mut SchemeReminderRun,
) -> Result<(), RepoError> {
    let (trigger, key) = match reminder {
        Reminder::Due { period, .. } => (
            Trigger::InstalmentDue,
            format!("instalment_due:sms:{}:{period}", enrolment.id),
        ),
        Reminder::Matures { .. } => (
            Trigger::SchemeMaturity,
            format!("scheme_maturity:sms:{}", enrolment.id),
        ),
    };
    let asked = Asked {
        trigger,
        channel: trigger.channel(),
        customer: enrolment.customer_id,
        branch: Some(enrolment.branch_id),
        key,
        about: ("scheme_enrolment", enrolment.id),
    };
    let values = |name: &str, branch: &str, _: chrono_tz::Tz| {
        let mut values = BTreeMap::from([
            ("customer_name", name.to_owned()),
            ("plan_name", enrolment.plan_name.clone()),
            ("branch_name", branch.to_owned()),
        ]);
        match reminder {
            Reminder::Due { period, on } => {
                values.insert("period", period.to_string());
                values.insert("instalments", enrolment.terms.instalments.to_string());
                values.insert(
                    "amount",
                    indian_grouping(&enrolment.terms.amount.to_string()),
                );
                values.insert("due_on", on.to_string());
            }
            Reminder::Matures { on } => {
                values.insert("matures_on", on.to_string());
            }
        }
        values
    };
    let action = actions.of(trigger);
    let key = asked.key.clone();
    let call = Call {
        customer: enrolment.customer_id,
        fallback: None,
        key: &key,
        due_at: chrono::Utc::now(),
        branch: Some(enrolment.branch_id),
        language,
    };
    let plan = &enrolment.plan_name;
    let why = match reminder {
        Reminder::Due { period, on } => format!(
            "instalment {period} of {} of {plan} ({}) is due on {on}",
            enrolment.terms.instalments,
            indian_grouping(&enrolment.terms.amount.to_string())
        ),
        Reminder::Matures { on } => format!("{plan} matures on {on}; its value may be redeemed"),
    };
    let txn = jewel_persistence::begin_writing(database.connection()).await?;
    if action.messages() && queue_message(&txn, language, asked, values).await? {
        match reminder {
            Reminder::Due { .. } => run.instalments_due += 1,
            Reminder::Matures { .. } => run.maturities += 1,
        }
    }
    if action.tasks() && make_call(&txn, call, |name| format!("Call {name}: {why}.")).await? {
        run.tasks += 1;
    }
    txn.commit().await?;
    Ok(())
}
