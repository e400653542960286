//! The wire types of `crm::tasks`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::task::{FollowUpTask, TaskStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    Open,
    Done,
    Cancelled,
}

impl From<TaskStatus> for StatusName {
    fn from(status: TaskStatus) -> Self {
        match status {
            TaskStatus::Open => StatusName::Open,
            TaskStatus::Done => StatusName::Done,
            TaskStatus::Cancelled => StatusName::Cancelled,
        }
    }
}

/// A follow-up task.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-4444-7000-8000-000000000004", "customerId": "01936f0e-5555-7000-8000-000000000005",
    "assigneeId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f", "dueAt": "2026-11-28T05:30:00Z",
    "reason": "Show the new temple collection", "status": "open", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct TaskView {
    pub(crate) id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    pub(crate) assignee_id: uuid::Uuid,
    pub(crate) due_at: DateTime<Utc>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) reason: String,
    pub(crate) status: StatusName,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl From<FollowUpTask> for TaskView {
    fn from(t: FollowUpTask) -> Self {
        Self {
            id: t.id,
            customer_id: t.customer_id,
            assignee_id: t.assignee_id,
            due_at: t.due_at,
            reason: t.reason,
            status: t.status.into(),
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A task to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "customerId": "01936f0e-5555-7000-8000-000000000005", "dueAt": "2026-11-28T05:30:00Z",
    "reason": "Show the new temple collection"
}))]
pub struct NewTaskRequest {
    pub(crate) customer_id: uuid::Uuid,
    /// Who should do it; the caller when absent (API clients must name someone).
    pub(crate) assignee_id: Option<uuid::Uuid>,
    pub(crate) due_at: DateTime<Utc>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) reason: String,
}

/// Changes to a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "done"}))]
pub struct TaskChanges {
    pub(crate) status: Option<StatusName>,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) assignee_id: Option<uuid::Uuid>,
}

/// Where "today" is.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyTasksQuery {
    /// An IANA time zone; the caller's first branch's when absent.
    #[param(max_length = 64, example = "Asia/Kolkata")]
    pub(crate) timezone: Option<String>,
}

/// The caller's open tasks, split by their local day.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"timezone": "Asia/Kolkata", "overdue": [], "today": [], "upcoming": []}))]
pub struct MyTasks {
    /// The time zone "today" was judged in.
    #[schema(max_length = 64)]
    pub(crate) timezone: String,
    /// Due before now, oldest first.
    #[schema(max_items = 500)]
    pub(crate) overdue: Vec<TaskView>,
    /// Due later today.
    #[schema(max_items = 500)]
    pub(crate) today: Vec<TaskView>,
    /// Due after today.
    #[schema(max_items = 500)]
    pub(crate) upcoming: Vec<TaskView>,
}
