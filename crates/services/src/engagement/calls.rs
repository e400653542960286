//! A call instead of, or besides, a message: what each trigger does
//! (`notify.actions`), and the follow-up task for the customer's sales
//! person that a trigger makes (their assigned staff, else the one who
//! served them), one per message key however often the trigger fires.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::engagement::Trigger;
use jewel_domain::engagement::after_sale::FollowUpAction;
use jewel_domain::task::NewFollowUpTask;
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::tasks::Tasks;

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
    Tasks::create_once(txn, &task, &call_key(call.key)).await
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
