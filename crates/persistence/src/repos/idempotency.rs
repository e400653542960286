//! Answers kept for `Idempotency-Key`. The first request claims the key by
//! inserting its row (a unique key decides races); its answer is written
//! when it finishes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryTrait, Statement,
};

use crate::entities::idempotency_keys::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError};

pub struct IdempotencyKeys;

/// What is known of a key already used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub request_digest: String,
    /// `None` while the first request is still running.
    pub status: Option<u16>,
    pub body: Option<String>,
    pub location: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl IdempotencyKeys {
    /// Claims `id` for a request; `Taken` if another request has it.
    pub async fn claim(
        db: &impl ConnectionTrait,
        id: &str,
        request_digest: &str,
    ) -> Result<(), RepoError> {
        Entity::insert(idempotency_keys::ActiveModel {
            id: Set(id.to_owned()),
            request_digest: Set(request_digest.to_owned()),
            response_status: Set(None),
            response_body: Set(None),
            location: Set(None),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await
        .on_unique("Idempotency-Key")?;
        Ok(())
    }

    pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<KeptAnswer>, RepoError> {
        Ok(Entity::find_by_id(id.to_owned())
            .one(db)
            .await?
            .map(|m| KeptAnswer {
                request_digest: m.request_digest,
                status: m.response_status.and_then(|s| u16::try_from(s).ok()),
                body: m.response_body,
                location: m.location,
                created_at: m.created_at,
            }))
    }

    /// Keeps the answer of the request that claimed `id`.
    pub async fn answer(
        db: &impl ConnectionTrait,
        id: &str,
        status: u16,
        body: &str,
        location: Option<&str>,
    ) -> Result<(), RepoError> {
        db.execute_raw(Self::answer_write(
            db.get_database_backend(),
            id,
            status,
            body,
            location,
        ))
        .await?;
        Ok(())
    }

    /// The statement that keeps the answer, for a unit's closing writes.
    pub fn answer_write(
        backend: DatabaseBackend,
        id: &str,
        status: u16,
        body: &str,
        location: Option<&str>,
    ) -> Statement {
        Entity::update_many()
            .col_expr(Column::ResponseStatus, Expr::value(status as i16))
            .col_expr(Column::ResponseBody, Expr::value(body.to_owned()))
            .col_expr(Column::Location, Expr::value(location.map(str::to_owned)))
            .filter(Column::Id.eq(id))
            .build(backend)
    }

    /// Frees `id` (the request failed, or its answer is older than kept).
    pub async fn release(db: &impl ConnectionTrait, id: &str) -> Result<(), RepoError> {
        Entity::delete_many()
            .filter(Column::Id.eq(id))
            .exec(db)
            .await?;
        Ok(())
    }
}
