//! Customers' timelines, newest first by when things happened.

use chrono::Utc;
use jewel_domain::customer::{Interaction, InteractionKind, NewInteraction};
use jewel_domain::{Page, PageRequest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::interactions::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct Interactions;

fn active_model(
    id: uuid::Uuid,
    new: &NewInteraction,
    created_at: chrono::DateTime<Utc>,
) -> interactions::ActiveModel {
    interactions::ActiveModel {
        id: Set(id.to_string()),
        customer_id: Set(new.customer_id.to_string()),
        kind: Set(new.kind.as_str().to_owned()),
        occurred_at: Set(new.occurred_at),
        actor_kind: Set(new.actor_kind.to_owned()),
        actor_id: Set(new.actor_id.to_string()),
        summary: Set(new.summary.trim().to_owned()),
        outcome: Set(new.outcome.as_ref().map(|o| o.trim().to_owned())),
        created_at: Set(created_at),
    }
}

impl Interactions {
    #[tracing::instrument(name = "interactions.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewInteraction,
    ) -> Result<Interaction, RepoError> {
        let id = uuid::Uuid::now_v7();
        Entity::insert(active_model(id, new, Utc::now()))
            .exec_without_returning(db)
            .await
            .on_foreign_key("customerId")?;
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_interaction)
            .transpose()?
            .ok_or(RepoError::NotFound)
    }

    /// Stores many interactions under the given ids in a few statements, as
    /// an import or a seed needs; the caller holds the transaction.
    #[tracing::instrument(name = "interactions.insert_many", skip_all, fields(count = news.len()))]
    pub async fn insert_many(
        db: &impl ConnectionTrait,
        news: &[(uuid::Uuid, NewInteraction)],
    ) -> Result<(), RepoError> {
        for chunk in news.chunks(500) {
            Entity::insert_many(
                chunk
                    .iter()
                    .map(|(id, new)| active_model(*id, new, new.occurred_at)),
            )
            .exec_without_returning(db)
            .await
            .on_foreign_key("customerId")?;
        }
        Ok(())
    }

    /// One page of a customer's timeline, newest first; `page.after` is the
    /// last interaction of the previous page.
    #[tracing::instrument(name = "interactions.timeline", skip(db))]
    pub async fn timeline(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        page: PageRequest,
    ) -> Result<Page<Interaction>, RepoError> {
        let mut query = Entity::find()
            .filter(Column::CustomerId.eq(customer.to_string()))
            .order_by_desc(Column::OccurredAt)
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            let Some(last) = Entity::find_by_id(after.to_string()).one(db).await? else {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            };
            query = query.filter(super::older_than(
                Column::OccurredAt,
                Column::Id,
                last.occurred_at,
                last.id,
            ));
        }
        let items = query
            .all(db)
            .await?
            .into_iter()
            .map(into_interaction)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(items, page.limit, |i| i.id))
    }
}

fn into_interaction(model: interactions::Model) -> Result<Interaction, RepoError> {
    let kind = InteractionKind::parse(&model.kind).ok_or_else(|| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "stored interaction kind {:?}",
            model.kind
        )))
    })?;
    Ok(Interaction {
        id: uuid_of(&model.id)?,
        customer_id: uuid_of(&model.customer_id)?,
        kind,
        occurred_at: model.occurred_at,
        actor_kind: model.actor_kind,
        actor_id: uuid_of(&model.actor_id)?,
        summary: model.summary,
        outcome: model.outcome,
        created_at: model.created_at,
    })
}
