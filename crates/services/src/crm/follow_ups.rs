//! What staff keep about a customer besides the record: interactions on
//! the timeline, follow-up tasks, the wish list and consents to be
//! contacted. Each change is audited as a record of this capability.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::customer::consent::{
    Channel, ConsentChange, ConsentSource, Purpose, effective_changes,
};
use jewel_domain::customer::{Interaction, NewInteraction, NewWish, Wish};
use jewel_domain::task::{FollowUpTask, NewFollowUpTask};
use jewel_persistence::repos::consents::{Consents, RecordedBy};
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::interactions::Interactions;
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::repos::tasks::{TaskPatch, Tasks};
use jewel_persistence::repos::wish_list::WishList;
use serde::Serialize;

use super::events::CustomerUpdated;
use super::{CrmError, changeable_customer, live_customer};
use crate::Unit;

/// An interaction as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionRecord {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: &'static str,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub summary: String,
    pub outcome: Option<String>,
}

impl From<&Interaction> for InteractionRecord {
    fn from(i: &Interaction) -> Self {
        Self {
            id: i.id,
            customer_id: i.customer_id,
            kind: i.kind.as_str(),
            occurred_at: i.occurred_at,
            actor_kind: i.actor_kind.clone(),
            actor_id: i.actor_id,
            summary: i.summary.clone(),
            outcome: i.outcome.clone(),
        }
    }
}

/// A follow-up task as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecord {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub assignee_id: uuid::Uuid,
    pub due_at: DateTime<Utc>,
    pub reason: String,
    pub status: &'static str,
    pub version: i32,
}

impl From<&FollowUpTask> for TaskRecord {
    fn from(t: &FollowUpTask) -> Self {
        Self {
            id: t.id,
            customer_id: t.customer_id,
            assignee_id: t.assignee_id,
            due_at: t.due_at,
            reason: t.reason.clone(),
            status: t.status.as_str(),
            version: t.version,
        }
    }
}

/// A wish as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WishRecord {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub description: String,
    pub photo_url: Option<String>,
}

impl From<&Wish> for WishRecord {
    fn from(w: &Wish) -> Self {
        Self {
            id: w.id,
            customer_id: w.customer_id,
            description: w.description.clone(),
            photo_url: w.photo_url.clone(),
        }
    }
}

/// Records an interaction (checked) on a customer who may still change.
pub async fn record_interaction(
    unit: &mut Unit,
    new: &NewInteraction,
) -> Result<Interaction, CrmError> {
    changeable_customer(unit.db(), new.customer_id).await?;
    let interaction = Interactions::create(unit.txn().await?, new).await?;
    let record = InteractionRecord::from(&interaction);
    unit.audit("create", "interaction", interaction.id, None, Some(&record))?;
    Ok(interaction)
}

/// Sets a follow-up task for an active staff member about a live customer.
pub async fn create_task(unit: &mut Unit, new: &NewFollowUpTask) -> Result<FollowUpTask, CrmError> {
    check_assignee(unit, new.assignee_id).await?;
    match Customers::get(unit.db(), new.customer_id).await? {
        None => return Err(Invalid::field("customerId", "not_found", "no such customer").into()),
        Some(c) if c.merged_into.is_some() || c.erased_at.is_some() => {
            return Err(Invalid::field(
                "customerId",
                "not_live",
                "this customer was merged into another or erased",
            )
            .into());
        }
        Some(_) => {}
    }
    let task = Tasks::create(unit.txn().await?, new).await?;
    unit.audit(
        "create",
        "task",
        task.id,
        None,
        Some(&TaskRecord::from(&task)),
    )?;
    Ok(task)
}

/// Closes, cancels, reschedules or reassigns the task `id` if still at
/// `expected_version` (when given).
pub async fn update_task(
    unit: &mut Unit,
    id: uuid::Uuid,
    expected_version: Option<i32>,
    patch: &TaskPatch,
) -> Result<FollowUpTask, CrmError> {
    if let Some(assignee) = patch.assignee_id {
        check_assignee(unit, assignee).await?;
    }
    let before = Tasks::get(unit.db(), id).await?.ok_or(CrmError::NotFound)?;
    let after = Tasks::update(unit.txn().await?, before.id, expected_version, patch).await?;
    let (was, is) = (TaskRecord::from(&before), TaskRecord::from(&after));
    unit.audit("update", "task", after.id, Some(&was), Some(&is))?;
    Ok(after)
}

/// The assignee must be an active staff member.
async fn check_assignee(unit: &Unit, assignee: uuid::Uuid) -> Result<(), CrmError> {
    match Staff::get(unit.db(), assignee).await? {
        Some(staff) if staff.active => Ok(()),
        _ => Err(Invalid::field(
            "assigneeId",
            "not_found",
            "no active staff member with this id",
        )
        .into()),
    }
}

/// Adds a wish (checked) to a customer who may still change.
pub async fn add_wish(unit: &mut Unit, new: &NewWish) -> Result<Wish, CrmError> {
    changeable_customer(unit.db(), new.customer_id).await?;
    let wish = WishList::add(unit.txn().await?, new).await?;
    unit.audit(
        "create",
        "wish",
        wish.id,
        None,
        Some(&WishRecord::from(&wish)),
    )?;
    Ok(wish)
}

/// Removes the wish `item` from `customer`'s list.
pub async fn remove_wish(
    unit: &mut Unit,
    customer: uuid::Uuid,
    item: uuid::Uuid,
) -> Result<(), CrmError> {
    live_customer(unit.db(), customer).await?;
    if !WishList::remove(unit.txn().await?, customer, item).await? {
        return Err(CrmError::NotFound);
    }
    unit.audit::<()>("delete", "wish", item, None, None)?;
    Ok(())
}

/// A consent decision as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentRecord {
    pub channel: &'static str,
    pub purpose: &'static str,
    pub granted: bool,
    pub source: &'static str,
}

/// Records the decisions of `asked` that change something (repeats keep
/// the last; one standing as asked is left out), from `source`, in one
/// transaction with the customer locked; tells `customer.updated` when
/// anything changed. Returns the decisions recorded.
pub async fn record_consents(
    unit: &mut Unit,
    customer: uuid::Uuid,
    asked: &[ConsentChange],
    source: ConsentSource,
) -> Result<Vec<ConsentChange>, CrmError> {
    // One decision per channel and purpose at most.
    let most = Channel::ALL.len() * Purpose::ALL.len();
    if asked.is_empty() || asked.len() > most {
        let said = format!("1 to {most} decisions");
        return Err(Invalid::field("changes", "count", said).into());
    }
    let standing = changeable_customer(unit.db(), customer).await?;
    let (kind, id) = unit.actor().author();
    let txn = unit.txn().await?;
    Consents::lock_customer(txn, customer).await?;
    let current = Consents::current(txn, customer).await?;
    let effective = effective_changes(&current, asked);
    if effective.is_empty() {
        return Ok(effective);
    }
    Consents::record(txn, customer, &effective, source, RecordedBy { kind, id }).await?;
    let recorded: Vec<ConsentRecord> = effective
        .iter()
        .map(|c| ConsentRecord {
            channel: c.channel.as_str(),
            purpose: c.purpose.as_str(),
            granted: c.granted,
            source: source.as_str(),
        })
        .collect();
    unit.audit("consent", "customer", customer, None, Some(&recorded))?;
    unit.emit(&CustomerUpdated {
        customer_id: customer,
        change: "consent".to_owned(),
        version: standing.version,
    })?;
    Ok(effective)
}
