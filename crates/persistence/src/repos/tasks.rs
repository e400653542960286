//! Follow-up tasks.

use chrono::{DateTime, Utc};
use jewel_domain::task::{FollowUpTask, NewFollowUpTask, TaskStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::follow_up_tasks::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

pub struct Tasks;

/// Adds `new`, open, keyed by `key` if given; its id.
async fn insert(
    db: &impl ConnectionTrait,
    new: &NewFollowUpTask,
    key: Option<&str>,
) -> Result<uuid::Uuid, sea_orm::DbErr> {
    let now = Utc::now();
    let id = uuid::Uuid::now_v7();
    Entity::insert(follow_up_tasks::ActiveModel {
        id: Set(id.to_string()),
        customer_id: Set(new.customer_id.to_string()),
        assignee_id: Set(new.assignee_id.to_string()),
        due_at: Set(new.due_at),
        reason: Set(new.reason.clone()),
        source_key: Set(key.map(str::to_owned)),
        status: Set(TaskStatus::Open.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Changes to a task; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TaskPatch {
    pub status: Option<TaskStatus>,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<uuid::Uuid>,
}

impl Tasks {
    /// Open tasks one person may have at most in "my tasks".
    pub const MY_TASKS_LIMIT: u64 = 500;

    #[tracing::instrument(name = "tasks.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewFollowUpTask,
    ) -> Result<FollowUpTask, RepoError> {
        let id = insert(db, new, None).await.on_foreign_key("assigneeId")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Creates `new` unless a task of `key` exists (one task per key
    /// however often its maker runs); its id when it was created now.
    pub async fn create_once(
        db: &impl ConnectionTrait,
        new: &NewFollowUpTask,
        key: &str,
    ) -> Result<Option<uuid::Uuid>, RepoError> {
        let made = Entity::find()
            .filter(Column::SourceKey.eq(key))
            .one(db)
            .await?;
        if made.is_some() {
            return Ok(None);
        }
        match insert(db, new, Some(key)).await.on_unique("sourceKey") {
            Ok(id) => Ok(Some(id)),
            Err(RepoError::Taken { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<FollowUpTask>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_task)
            .transpose()
    }

    pub async fn update(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        patch: &TaskPatch,
    ) -> Result<FollowUpTask, RepoError> {
        let mut update = Entity::update_many().filter(Column::Id.eq(id.to_string()));
        if let Some(status) = patch.status {
            update = update.col_expr(Column::Status, Expr::value(status.as_str()));
        }
        if let Some(due_at) = patch.due_at {
            update = update.col_expr(Column::DueAt, Expr::value(due_at));
        }
        if let Some(assignee) = patch.assignee_id {
            update = update.col_expr(Column::AssigneeId, Expr::value(assignee.to_string()));
        }
        let update = versioned(update, Column::Version, Column::UpdatedAt, expected_version);
        if update
            .exec(db)
            .await
            .on_foreign_key("assigneeId")?
            .rows_affected
            == 0
        {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Cancels the open task made once under `key` (what called for it was
    /// done first); how many.
    pub async fn cancel_keyed(db: &impl ConnectionTrait, key: &str) -> Result<u64, RepoError> {
        let update = Entity::update_many()
            .col_expr(Column::Status, Expr::value(TaskStatus::Cancelled.as_str()))
            .filter(Column::SourceKey.eq(key))
            .filter(Column::Status.eq(TaskStatus::Open.as_str()));
        let update = versioned(update, Column::Version, Column::UpdatedAt, None);
        Ok(update.exec(db).await?.rows_affected)
    }

    /// A person's open tasks, soonest due first.
    #[tracing::instrument(name = "tasks.open_for", skip(db))]
    pub async fn open_for(
        db: &impl ConnectionTrait,
        assignee: uuid::Uuid,
    ) -> Result<Vec<FollowUpTask>, RepoError> {
        Entity::find()
            .filter(Column::AssigneeId.eq(assignee.to_string()))
            .filter(Column::Status.eq(TaskStatus::Open.as_str()))
            .order_by_asc(Column::DueAt)
            .order_by_asc(Column::Id)
            .limit(Self::MY_TASKS_LIMIT)
            .all(db)
            .await?
            .into_iter()
            .map(into_task)
            .collect()
    }
}

impl Tasks {
    /// Every task about a customer, oldest first (a data-subject export).
    pub async fn of_customer(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<FollowUpTask>, RepoError> {
        Entity::find()
            .filter(Column::CustomerId.eq(customer.to_string()))
            .order_by_asc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_task)
            .collect()
    }
}

fn into_task(model: follow_up_tasks::Model) -> Result<FollowUpTask, RepoError> {
    let status = TaskStatus::parse(&model.status).ok_or_else(|| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "stored task status {:?}",
            model.status
        )))
    })?;
    Ok(FollowUpTask {
        id: uuid_of(&model.id)?,
        customer_id: uuid_of(&model.customer_id)?,
        assignee_id: uuid_of(&model.assignee_id)?,
        due_at: model.due_at,
        reason: model.reason,
        status,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
