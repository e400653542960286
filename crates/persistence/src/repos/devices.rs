//! The devices apps registered for notifications, one row per
//! registration token.

use chrono::{DateTime, Utc};
use jewel_domain::engagement::device::{Device, Holder, NewDevice, Platform};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};

use crate::entities::devices::{self, Column, Entity};
use crate::error::{RepoError, uuid_of};

pub struct Devices;

fn holder_filter(holder: Holder) -> sea_orm::Condition {
    match holder {
        Holder::Customer(id) => {
            sea_orm::Condition::all().add(Column::CustomerId.eq(id.to_string()))
        }
        Holder::Staff(id) => sea_orm::Condition::all().add(Column::StaffId.eq(id.to_string())),
    }
}

fn holder_columns(holder: Holder) -> (Option<String>, Option<String>) {
    match holder {
        Holder::Customer(id) => (Some(id.to_string()), None),
        Holder::Staff(id) => (None, Some(id.to_string())),
    }
}

impl Devices {
    /// Registers `new` for `holder`: a token seen before moves to them and
    /// is seen now; `true` when it is new.
    pub async fn register(
        db: &impl ConnectionTrait,
        holder: Holder,
        new: &NewDevice,
        now: DateTime<Utc>,
    ) -> Result<(Device, bool), RepoError> {
        let (customer, staff) = holder_columns(holder);
        let inserted = Entity::insert(devices::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            customer_id: Set(customer.clone()),
            staff_id: Set(staff.clone()),
            platform: Set(new.platform.as_str().to_owned()),
            token: Set(new.token.clone()),
            name: Set(new.name.clone()),
            created_at: Set(now),
            last_seen_at: Set(now),
        })
        .exec_without_returning(db)
        .await;
        let created = match inserted {
            Ok(_) => true,
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Entity::update_many()
                    .col_expr(Column::CustomerId, Expr::value(customer))
                    .col_expr(Column::StaffId, Expr::value(staff))
                    .col_expr(Column::Platform, Expr::value(new.platform.as_str()))
                    .col_expr(Column::Name, Expr::value(new.name.clone()))
                    .col_expr(Column::LastSeenAt, Expr::value(now))
                    .filter(Column::Token.eq(new.token.as_str()))
                    .exec(db)
                    .await?;
                false
            }
            Err(error) => return Err(error.into()),
        };
        let device = Entity::find()
            .filter(Column::Token.eq(new.token.as_str()))
            .one(db)
            .await?
            .ok_or(RepoError::NotFound)?;
        Ok((device_of(device)?, created))
    }

    /// The holder's devices, the one seen last first.
    pub async fn of(db: &impl ConnectionTrait, holder: Holder) -> Result<Vec<Device>, RepoError> {
        Entity::find()
            .filter(holder_filter(holder))
            .order_by_desc(Column::LastSeenAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(device_of)
            .collect()
    }

    /// Takes the holder's device `id` away; `false` when they have none
    /// such.
    pub async fn remove(
        db: &impl ConnectionTrait,
        holder: Holder,
        id: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        let removed = Entity::delete_many()
            .filter(holder_filter(holder))
            .filter(Column::Id.eq(id.to_string()))
            .exec(db)
            .await?;
        Ok(removed.rows_affected > 0)
    }

    /// Takes away the devices of `tokens` (the provider says they are no
    /// longer registered); how many.
    pub async fn drop_tokens(db: &impl ConnectionTrait, tokens: &[String]) -> Result<u64, DbErr> {
        if tokens.is_empty() {
            return Ok(0);
        }
        let dropped = Entity::delete_many()
            .filter(Column::Token.is_in(tokens.iter().map(String::as_str)))
            .exec(db)
            .await?;
        Ok(dropped.rows_affected)
    }
}

fn device_of(m: devices::Model) -> Result<Device, RepoError> {
    let holder = match (&m.customer_id, &m.staff_id) {
        (Some(customer), _) => Holder::Customer(uuid_of(customer)?),
        (None, Some(staff)) => Holder::Staff(uuid_of(staff)?),
        (None, None) => {
            return Err(RepoError::Database(DbErr::Type(format!(
                "device {} belongs to no one",
                m.id
            ))));
        }
    };
    let platform = Platform::parse(&m.platform)
        .ok_or_else(|| DbErr::Type(format!("stored platform {:?}", m.platform)))?;
    Ok(Device {
        id: uuid_of(&m.id)?,
        holder,
        platform,
        token: m.token,
        name: m.name,
        created_at: m.created_at,
        last_seen_at: m.last_seen_at,
    })
}
