//! Occasion greetings: a run on a day queues a greeting for each customer
//! whose birthday or wedding anniversary falls `days_ahead` later, and a
//! reminder to each whose spouse's birthday does, one per
//! customer, occasion and year however often the run is made (its key).
//! Greetings are marketing: they go only with the channel's marketing
//! consent, and never in the branch's quiet hours. Each occasion may also,
//! or instead, make a task for the customer's sales person to call
//! (`notify.actions`).

use chrono::{DateTime, Datelike, Days, Utc};
use jewel_domain::engagement::after_sale::FollowUpAction;
use jewel_domain::engagement::{Language, Trigger};
use jewel_domain::loyalty::occasion_days;
use jewel_domain::occasion::OccasionKind;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::{Database, RepoError};
use serde::Serialize;

use super::calls::{Actions, Call, make_call};
use super::queue::{Asked, queue_message};

/// Customers read per batch.
const BATCH: u64 = 500;

/// What a run queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OccasionRun {
    pub birthdays: u64,
    pub anniversaries: u64,
    pub spouse_birthdays: u64,
    /// Calls made for staff to wish the customers instead, or as well.
    pub tasks: u64,
}

/// Queues the greetings of the occasions `days_ahead` after `as_of`'s day.
pub async fn run(
    database: &Database,
    as_of: DateTime<Utc>,
    days_ahead: u32,
    language: Language,
    actions: &Actions,
) -> Result<OccasionRun, RepoError> {
    let day = as_of
        .date_naive()
        .checked_add_days(Days::new(days_ahead.into()))
        .unwrap_or(as_of.date_naive());
    let mut run = OccasionRun::default();
    for (kind, trigger) in [
        (OccasionKind::Birthday, Trigger::Birthday),
        (OccasionKind::Anniversary, Trigger::Anniversary),
        (OccasionKind::SpouseBirthday, Trigger::SpouseBirthday),
    ] {
        let (queued, tasks) = greet(
            database,
            (kind, trigger),
            day,
            language,
            actions.of(trigger),
        )
        .await?;
        run.tasks += tasks;
        match trigger {
            Trigger::Birthday => run.birthdays = queued,
            Trigger::Anniversary => run.anniversaries = queued,
            _ => run.spouse_birthdays = queued,
        }
    }
    Ok(run)
}

/// Queues `trigger`'s greeting for each customer whose `kind` falls on
/// `day`, or makes their call, as `action` says; returns how many of each
/// were new.
async fn greet(
    database: &Database,
    (kind, trigger): (OccasionKind, Trigger),
    day: chrono::NaiveDate,
    language: Language,
    action: FollowUpAction,
) -> Result<(u64, u64), RepoError> {
    let keys: Vec<i32> = occasion_days(day, 1).iter().map(|d| d.0).collect();
    let (mut queued, mut tasks) = (0, 0);
    let mut after = None;
    loop {
        let batch =
            Customers::celebrating(database.connection(), kind, &keys, after, BATCH).await?;
        after = batch.last().map(|c| c.0);
        for (customer_id, _) in &batch {
            let txn = jewel_persistence::begin_writing(database.connection()).await?;
            let Some(customer) = Customers::get(&txn, *customer_id).await? else {
                txn.rollback().await?;
                continue;
            };
            let asked = Asked {
                trigger,
                channel: trigger.channel(),
                customer: customer.id,
                branch: customer.home_branch_id,
                key: format!(
                    "{}:{}:{}:{}",
                    trigger.as_str(),
                    trigger.channel().as_str(),
                    customer.id,
                    day.year()
                ),
                about: ("customer", customer.id),
            };
            let on = day.format("%d %B").to_string();
            let spouse = customer.occasions.spouse_name.clone().unwrap_or_default();
            let key = asked.key.clone();
            let call = Call {
                customer: customer.id,
                fallback: None,
                key: &key,
                due_at: Utc::now(),
                branch: customer.home_branch_id,
                language,
            };
            let why = match trigger {
                Trigger::Anniversary => format!("wedding anniversary on {on}"),
                Trigger::SpouseBirthday => format!("{spouse}'s birthday on {on}, time for a gift"),
                _ => format!("birthday on {on}"),
            };
            let values = |name: &str, branch: &str, _: chrono_tz::Tz| {
                std::collections::BTreeMap::from([
                    ("customer_name", name.to_owned()),
                    ("occasion_on", on.clone()),
                    ("branch_name", branch.to_owned()),
                    ("spouse_name", spouse),
                ])
            };
            if action.messages() && queue_message(&txn, language, asked, values).await? {
                queued += 1;
            }
            if action.tasks()
                && make_call(&txn, call, |name| format!("Call {name}: {why}.")).await?
            {
                tasks += 1;
            }
            txn.commit().await?;
        }
        if batch.len() < BATCH as usize {
            return Ok((queued, tasks));
        }
    }
}
