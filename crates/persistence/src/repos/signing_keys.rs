//! Keys that sign access tokens when none is configured: made on first start
//! and kept in the database, so restarts and every replica share them.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::entities::signing_keys::{self, Entity};
use crate::error::RepoError;

pub struct SigningKeys;

impl SigningKeys {
    /// The secret stored under `kid`, storing `generate()` first if there is
    /// none. Replicas racing on first start all end up with the winner's key.
    pub async fn get_or_create(
        db: &impl ConnectionTrait,
        kid: &str,
        algorithm: &str,
        generate: impl FnOnce() -> String,
    ) -> Result<String, RepoError> {
        if let Some(key) = Entity::find_by_id(kid.to_owned()).one(db).await? {
            return Ok(key.secret);
        }
        let inserted = Entity::insert(signing_keys::ActiveModel {
            kid: Set(kid.to_owned()),
            algorithm: Set(algorithm.to_owned()),
            secret: Set(generate()),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await;
        if let Err(error) = inserted
            && !matches!(
                error.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            )
        {
            return Err(error.into());
        }
        Entity::find_by_id(kid.to_owned())
            .one(db)
            .await?
            .map(|key| key.secret)
            .ok_or(RepoError::NotFound)
    }
}
