//! Follow-ups after a sale, made by the day's clienteling run: a purchase
//! over `min_total` 6 and 11 months later, a sale to a customer tagged
//! bridal 30, 60 and 90 days later (the day of a sale is its branch's).
//! Each is a message to the customer (marketing: it goes only with their
//! consent, outside quiet hours), a task for their sales person to call,
//! or both; one of each per sale and follow-up however often the run is
//! made (their keys).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use jewel_domain::engagement::after_sale::{Due, FollowUpAction, due_on};
use jewel_domain::engagement::{Language, Trigger, indian_grouping};
use jewel_domain::measure::Money;
use jewel_domain::task::NewFollowUpTask;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::{Invoices, SaleMade};
use jewel_persistence::repos::tasks::Tasks;
use jewel_persistence::{Database, RepoError};

use super::calls::alert;
use super::queue::{Asked, queue_message};
use super::zones::Zones;

/// What makes a sale worth following up, and what a follow-up does.
#[derive(Debug, Clone)]
pub struct AfterSalesSettings {
    /// The smallest bill followed up 6 and 11 months later.
    pub min_total: Money,
    /// The tag (lower case) of a bridal customer.
    pub bridal_tag: String,
    pub action: FollowUpAction,
}

/// What a run made: messages queued and tasks created, new this time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUpRun {
    pub purchase_follow_ups: u64,
    pub bridal_follow_ups: u64,
    pub tasks: u64,
}

/// Makes the follow-ups due on `day`.
pub async fn run(
    database: &Database,
    day: NaiveDate,
    language: Language,
    settings: &AfterSalesSettings,
) -> Result<FollowUpRun, RepoError> {
    let mut run = FollowUpRun::default();
    let mut zones = Zones::default();
    for due in due_on(day) {
        // A day in any zone lies within 14 hours of the same UTC day.
        let Some(start) = due.sold_on.and_hms_opt(0, 0, 0).map(|t| t.and_utc()) else {
            continue;
        };
        let sales = Invoices::sales_between(
            database.connection(),
            start - Duration::hours(14),
            start + Duration::hours(38),
        )
        .await?;
        for sale in sales {
            let zone = zones.of(database.connection(), sale.branch_id).await?;
            if sale.issued_at.with_timezone(&zone).date_naive() == due.sold_on {
                follow_up(database, &due, &sale, language, settings, &mut run).await?;
            }
        }
    }
    Ok(run)
}

async fn follow_up(
    database: &Database,
    due: &Due,
    sale: &SaleMade,
    language: Language,
    settings: &AfterSalesSettings,
    run: &mut FollowUpRun,
) -> Result<(), RepoError> {
    let txn = jewel_persistence::begin_writing(database.connection()).await?;
    let customer = Customers::get(&txn, sale.customer_id)
        .await?
        .filter(|c| c.erased_at.is_none());
    let Some(customer) = customer else {
        return txn.rollback().await.map_err(Into::into);
    };
    let wanted = match due.trigger {
        Trigger::BridalFollowUp => customer
            .profile
            .tags
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&settings.bridal_tag)),
        _ => sale.total >= settings.min_total,
    };
    if !wanted {
        return txn.rollback().await.map_err(Into::into);
    }
    let key = format!("{}:{}:{}", due.trigger.as_str(), sale.invoice_id, due.mark);
    if settings.action.messages() {
        let asked = Asked {
            trigger: due.trigger,
            channel: due.trigger.channel(),
            customer: customer.id,
            branch: Some(sale.branch_id),
            key: format!(
                "{}:{}:{}:{}",
                due.trigger.as_str(),
                due.trigger.channel().as_str(),
                sale.invoice_id,
                due.mark
            ),
            about: ("invoice", sale.invoice_id),
        };
        let after = if due.trigger == Trigger::BridalFollowUp {
            "days"
        } else {
            "months"
        };
        let values = |name: &str, branch: &str, _: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", name.to_owned()),
                ("invoice_number", sale.number.clone()),
                ("purchased_on", due.sold_on.to_string()),
                (after, due.after.to_owned()),
                ("branch_name", branch.to_owned()),
            ])
        };
        if queue_message(&txn, language, asked, values).await? {
            match due.trigger {
                Trigger::BridalFollowUp => run.bridal_follow_ups += 1,
                _ => run.purchase_follow_ups += 1,
            }
        }
    }
    let assignee = customer
        .profile
        .assigned_staff_id
        .or_else(|| sale.sellers.first().copied());
    if let (true, Some(assignee)) = (settings.action.tasks(), assignee) {
        let since = match due.trigger {
            Trigger::BridalFollowUp => format!("{} days after the bridal sale", due.after),
            _ => format!("{} months after the purchase", due.after),
        };
        let task = NewFollowUpTask {
            customer_id: customer.id,
            assignee_id: assignee,
            due_at: Utc::now(),
            reason: format!(
                "Call {}: {since} on bill {} ({}).",
                customer.name,
                sale.number,
                indian_grouping(&sale.total.to_string())
            )
            .chars()
            .take(500)
            .collect(),
        };
        if let Some(id) = Tasks::create_once(&txn, &task, &key).await? {
            alert(&txn, (id, &task), Some(sale.branch_id), language).await?;
            run.tasks += 1;
        }
    }
    txn.commit().await?;
    Ok(())
}
