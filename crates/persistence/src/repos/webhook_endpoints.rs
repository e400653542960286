//! The webhook endpoints integrators registered. Their secrets are stored
//! as the API sealed them; nothing here opens them.

use chrono::{DateTime, Utc};
use jewel_domain::webhook::{DisabledBecause, Endpoint, EndpointStatus, Filter};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::webhook_endpoints::{self, Column, Entity};
use crate::error::{RepoError, uuid_of};

pub struct WebhookEndpoints;

/// Whose endpoints a list or a look-up sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    /// The owner: every endpoint.
    Business,
    /// An API client: its own.
    Client(uuid::Uuid),
}

fn managed_by(manager: Manager) -> sea_orm::Condition {
    match manager {
        Manager::Business => sea_orm::Condition::all(),
        Manager::Client(id) => sea_orm::Condition::all().add(Column::ClientId.eq(id.to_string())),
    }
}

impl WebhookEndpoints {
    pub async fn insert(db: &impl ConnectionTrait, endpoint: &Endpoint) -> Result<(), RepoError> {
        Entity::insert(model_of(endpoint)?)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Writes every field of `endpoint` back.
    pub async fn save(db: &impl ConnectionTrait, endpoint: &Endpoint) -> Result<(), RepoError> {
        Entity::update(model_of(endpoint)?).exec(db).await?;
        Ok(())
    }

    /// Endpoint `id` if `manager` sees it.
    pub async fn get(
        db: &impl ConnectionTrait,
        manager: Manager,
        id: uuid::Uuid,
    ) -> Result<Option<Endpoint>, RepoError> {
        Entity::find_by_id(id.to_string())
            .filter(managed_by(manager))
            .one(db)
            .await?
            .map(endpoint_of)
            .transpose()
    }

    /// The endpoints `manager` sees, the newest first.
    pub async fn list(
        db: &impl ConnectionTrait,
        manager: Manager,
    ) -> Result<Vec<Endpoint>, RepoError> {
        Entity::find()
            .filter(managed_by(manager))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(endpoint_of)
            .collect()
    }

    /// Every endpoint sent messages.
    pub async fn enabled(db: &impl ConnectionTrait) -> Result<Vec<Endpoint>, RepoError> {
        Entity::find()
            .filter(Column::Status.eq(EndpointStatus::Enabled.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(endpoint_of)
            .collect()
    }

    pub async fn delete(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), RepoError> {
        Entity::delete_by_id(id.to_string()).exec(db).await?;
        Ok(())
    }

    /// Notes a failed try at `now`: the endpoint fails since then unless it
    /// failed already.
    pub async fn failed_at(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        Entity::update_many()
            .col_expr(Column::FailingSince, Expr::value(now))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::FailingSince.is_null())
            .exec(db)
            .await?;
        Ok(())
    }

    /// Notes a delivered try: the endpoint fails no longer.
    pub async fn succeeded(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), RepoError> {
        Entity::update_many()
            .col_expr(
                Column::FailingSince,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::FailingSince.is_not_null())
            .exec(db)
            .await?;
        Ok(())
    }

    /// Disables endpoint `id` for `because` if it is enabled; `true` when
    /// this call disabled it.
    pub async fn disable(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        because: DisabledBecause,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let done = Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(EndpointStatus::Disabled.as_str()),
            )
            .col_expr(Column::DisabledBecause, Expr::value(because.as_str()))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::Status.eq(EndpointStatus::Enabled.as_str()))
            .exec(db)
            .await?;
        Ok(done.rows_affected == 1)
    }
}

fn model_of(e: &Endpoint) -> Result<webhook_endpoints::ActiveModel, RepoError> {
    let types = serde_json::to_string(e.filter.patterns())
        .map_err(|error| DbErr::Custom(format!("event types: {error}")))?;
    Ok(webhook_endpoints::ActiveModel {
        id: Set(e.id.to_string()),
        client_id: Set(e.client_id.map(|c| c.to_string())),
        url: Set(e.url.clone()),
        description: Set(e.description.clone()),
        event_types: Set(types),
        status: Set(e.status.as_str().to_owned()),
        disabled_because: Set(e.disabled_because.map(|b| b.as_str().to_owned())),
        failing_since: Set(e.failing_since),
        secret: Set(e.sealed_secret.clone()),
        previous_secret: Set(e.sealed_previous.clone()),
        previous_until: Set(e.previous_until),
        created_at: Set(e.created_at),
        updated_at: Set(e.updated_at),
    })
}

fn endpoint_of(m: webhook_endpoints::Model) -> Result<Endpoint, RepoError> {
    let stored = |what: &str, text: &str| DbErr::Type(format!("stored {what} {text:?}"));
    let patterns: Vec<String> =
        serde_json::from_str(&m.event_types).map_err(|_| stored("event types", &m.event_types))?;
    Ok(Endpoint {
        id: uuid_of(&m.id)?,
        client_id: m.client_id.as_deref().map(uuid_of).transpose()?,
        url: m.url,
        description: m.description,
        filter: Filter::stored(patterns),
        status: EndpointStatus::parse(&m.status).ok_or_else(|| stored("status", &m.status))?,
        disabled_because: m
            .disabled_because
            .as_deref()
            .map(|b| DisabledBecause::parse(b).ok_or_else(|| stored("reason", b)))
            .transpose()?,
        failing_since: m.failing_since,
        sealed_secret: m.secret,
        sealed_previous: m.previous_secret,
        previous_until: m.previous_until,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
