//! The store's price list of service work (a clasp replaced, a ring
//! resized): a task's name is unique; a job's estimate keeps the price it
//! was given.

use jewel_domain::job::ServiceTask;
use jewel_domain::measure::Money;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::service_tasks;
use crate::error::{OnUniqueColumn, RepoError, uuid_of};

pub struct ServiceTasks;

impl ServiceTasks {
    /// Adds `task`; `Taken { field: "name" }` when the name is in use.
    pub async fn add(
        db: &impl ConnectionTrait,
        task: &ServiceTask,
        by: uuid::Uuid,
    ) -> Result<(), RepoError> {
        service_tasks::Entity::insert(service_tasks::ActiveModel {
            id: Set(task.id.to_string()),
            name: Set(task.name.clone()),
            price: Set(task.price.units()),
            active: Set(task.active),
            created_by: Set(by.to_string()),
            created_at: Set(task.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique_column(&[("name", "name")])?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<ServiceTask>, RepoError> {
        service_tasks::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_task)
            .transpose()
    }

    /// Every task, active ones first, by name.
    pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<ServiceTask>, RepoError> {
        service_tasks::Entity::find()
            .filter(service_tasks::Column::Active.eq(true))
            .order_by_asc(service_tasks::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(into_task)
            .collect()
    }
}

fn into_task(m: service_tasks::Model) -> Result<ServiceTask, RepoError> {
    Ok(ServiceTask {
        id: uuid_of(&m.id)?,
        name: m.name,
        price: Money::from_units(m.price),
        active: m.active,
        created_at: m.created_at,
    })
}
