//! Access tokens revoked before they expire. The database is the record;
//! each server keeps the rows still in force in memory and reads them again
//! every second or so (`jewel_api::auth::revocations`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::token_revocations::{self, Column, Entity};
use crate::error::RepoError;

pub struct TokenRevocations;

/// Tokens of `subject` issued at or before `issued_up_to` (a Unix second) are
/// void until `expires_at`, when the last of them would have expired anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub subject: String,
    pub issued_up_to: i64,
    pub expires_at: DateTime<Utc>,
}

impl TokenRevocations {
    /// Records a revocation; a later one of the same subject replaces it
    /// (its second is later and it lasts longer).
    #[tracing::instrument(name = "token_revocations.record", skip(db))]
    pub async fn record(
        db: &impl ConnectionTrait,
        revocation: &Revocation,
    ) -> Result<(), RepoError> {
        Entity::insert(token_revocations::ActiveModel {
            subject: Set(revocation.subject.clone()),
            issued_up_to: Set(revocation.issued_up_to),
            expires_at: Set(revocation.expires_at),
        })
        .on_conflict(
            OnConflict::column(Column::Subject)
                .update_columns([Column::IssuedUpTo, Column::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Every revocation still in force at `now`.
    #[tracing::instrument(name = "token_revocations.in_force", skip(db))]
    pub async fn in_force(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<Vec<Revocation>, RepoError> {
        Ok(Entity::find()
            .filter(Column::ExpiresAt.gt(now))
            .all(db)
            .await?
            .into_iter()
            .map(|m| Revocation {
                subject: m.subject,
                issued_up_to: m.issued_up_to,
                expires_at: m.expires_at,
            })
            .collect())
    }

    /// Forgets revocations that no longer cover any valid token.
    #[tracing::instrument(name = "token_revocations.purge", skip(db))]
    pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let result = Entity::delete_many()
            .filter(Column::ExpiresAt.lte(now))
            .exec(db)
            .await?;
        Ok(result.rows_affected)
    }
}
