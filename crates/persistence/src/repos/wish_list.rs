//! What customers liked, newest first.

use jewel_domain::customer::{NewWish, Wish};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::wish_list_items::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct WishList;

impl WishList {
    #[tracing::instrument(name = "wish_list.add", skip_all)]
    pub async fn add(db: &impl ConnectionTrait, new: &NewWish) -> Result<Wish, RepoError> {
        let id = uuid::Uuid::now_v7();
        Entity::insert(wish_list_items::ActiveModel {
            id: Set(id.to_string()),
            customer_id: Set(new.customer_id.to_string()),
            description: Set(new.description.clone()),
            photo_url: Set(new.photo_url.clone()),
            actor_kind: Set(new.actor_kind.to_owned()),
            actor_id: Set(new.actor_id.to_string()),
            created_at: Set(chrono::Utc::now()),
        })
        .exec_without_returning(db)
        .await
        .on_foreign_key("customerId")?;
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_wish)
            .transpose()?
            .ok_or(RepoError::NotFound)
    }

    /// The customer's whole wish list, newest first (at most 500 items).
    pub async fn of(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<Wish>, RepoError> {
        Entity::find()
            .filter(Column::CustomerId.eq(customer.to_string()))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_wish)
            .collect()
    }

    /// Removes one item of the customer's list; false when there was none.
    pub async fn remove(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        item: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        let result = Entity::delete_many()
            .filter(Column::Id.eq(item.to_string()))
            .filter(Column::CustomerId.eq(customer.to_string()))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

fn into_wish(model: wish_list_items::Model) -> Result<Wish, RepoError> {
    Ok(Wish {
        id: uuid_of(&model.id)?,
        customer_id: uuid_of(&model.customer_id)?,
        description: model.description,
        photo_url: model.photo_url,
        actor_kind: model.actor_kind,
        actor_id: uuid_of(&model.actor_id)?,
        created_at: model.created_at,
    })
}
