//! A call instead of, or besides, a message: what each trigger does
//! (`notify.actions`), and the follow-up task for the customer's sales
//! person that a trigger makes (their assigned staff, else the one who
//! served them), one per message key however often the trigger fires,
//! told to them on the staff app when they registered it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::engagement::after_sale::FollowUpAction;
use jewel_domain::engagement::device::Holder;
use jewel_domain::engagement::{Language, MessageChannel, Trigger};
use jewel_domain::task::NewFollowUpTask;
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::devices::Devices;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::tasks::Tasks;

use super::queue::{Asked, queue_written};

/// What each trigger does; a trigger not named sends its message.
#[derive(Debug, Clone, Default)]
pub struct Actions(pub BTreeMap<Trigger, FollowUpAction>);

impl Actions {
    pub fn of(&self, trigger: Trigger) -> FollowUpAction {
        self.0
            .get(&trigger)
            .copied()
            .unwrap_or(FollowUpAction::Message)
    }
}

/// A call a trigger asks the customer's sales person to make.
pub(super) struct Call<'a> {
    pub customer: uuid::Uuid,
    /// Who calls when no staff member is assigned to the customer (the
    /// one who made the quote); none: no task.
    pub fallback: Option<uuid::Uuid>,
    /// The message's key: the task keeps it, so there is one.
    pub key: &'a str,
    pub due_at: DateTime<Utc>,
    /// The branch it is for (its time zone), and the language the staff
    /// app is told in.
    pub branch: Option<uuid::Uuid>,
    pub language: Language,
}

/// Makes `call`'s task, its reason written for the customer's name;
/// `true` when it was made now (not before, and someone is there to call).
pub(super) async fn make_call(
    txn: &DatabaseTransaction,
    call: Call<'_>,
    reason: impl FnOnce(&str) -> String,
) -> Result<bool, jewel_persistence::RepoError> {
    let Some(customer) = Customers::get(txn, call.customer)
        .await?
        .filter(|c| c.erased_at.is_none())
    else {
        return Ok(false);
    };
    let Some(assignee) = customer.profile.assigned_staff_id.or(call.fallback) else {
        return Ok(false);
    };
    let task = NewFollowUpTask {
        customer_id: customer.id,
        assignee_id: assignee,
        due_at: call.due_at,
        reason: reason(&customer.name).chars().take(500).collect(),
    };
    let Some(id) = Tasks::create_once(txn, &task, &call_key(call.key)).await? else {
        return Ok(false);
    };
    alert(txn, (id, &task), call.branch, call.language).await?;
    Ok(true)
}

/// Tells task `id`'s assignee of it on the staff app, if they registered
/// a device (the message goes to whoever holds the task when it is sent,
/// and not at all once the task is closed).
pub(super) async fn alert(
    txn: &DatabaseTransaction,
    (id, task): (uuid::Uuid, &NewFollowUpTask),
    branch: Option<uuid::Uuid>,
    language: Language,
) -> Result<bool, jewel_persistence::RepoError> {
    if Devices::of(txn, Holder::Staff(task.assignee_id))
        .await?
        .is_empty()
    {
        return Ok(false);
    }
    let trigger = Trigger::TaskAssigned;
    let template = MessageTemplates::current(txn, trigger, MessageChannel::Push, language).await?;
    let asked = Asked {
        trigger,
        channel: MessageChannel::Push,
        customer: task.customer_id,
        branch,
        key: format!("task_assigned:push:{id}"),
        about: ("task", id),
    };
    let values = |name: &str, branch: &str, zone: chrono_tz::Tz| {
        BTreeMap::from([
            ("customer_name", name.to_owned()),
            ("reason", task.reason.clone()),
            (
                "due_at",
                task.due_at
                    .with_timezone(&zone)
                    .format("%H:%M on %Y-%m-%d")
                    .to_string(),
            ),
            ("branch_name", branch.to_owned()),
        ])
    };
    queue_written(txn, (language, template), asked, Utc::now(), values).await
}

/// Cancels the call made for the message of `key`, if still open (what
/// it was about was done first).
pub(super) async fn withdraw_call(
    txn: &DatabaseTransaction,
    key: &str,
) -> Result<u64, jewel_persistence::RepoError> {
    Tasks::cancel_keyed(txn, &call_key(key)).await
}

/// The task's key of the call made for the message of `key`.
fn call_key(key: &str) -> String {
    format!("call:{key}")
}
