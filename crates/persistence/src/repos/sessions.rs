//! Login sessions: one row per refresh token, tokens of one login chained in
//! a family. Only a SHA-256 of each token is stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::sessions::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct Sessions;

/// A refresh token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: uuid::Uuid,
    pub family_id: uuid::Uuid,
    pub subject_kind: String,
    pub subject_id: uuid::Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub family_id: uuid::Uuid,
    pub subject_kind: &'a str,
    pub subject_id: uuid::Uuid,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

impl Sessions {
    #[tracing::instrument(name = "sessions.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewSession<'_>,
    ) -> Result<uuid::Uuid, RepoError> {
        let id = uuid::Uuid::now_v7();
        Entity::insert(sessions::ActiveModel {
            id: Set(id.to_string()),
            family_id: Set(new.family_id.to_string()),
            subject_kind: Set(new.subject_kind.to_owned()),
            subject_id: Set(new.subject_id.to_string()),
            token_hash: Set(new.token_hash.to_owned()),
            expires_at: Set(new.expires_at),
            used_at: Set(None),
            revoked_at: Set(None),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await
        .on_unique("refreshToken")?;
        Ok(id)
    }

    #[tracing::instrument(name = "sessions.by_token", skip_all)]
    pub async fn by_token_hash(
        db: &impl ConnectionTrait,
        token_hash: &str,
    ) -> Result<Option<Session>, RepoError> {
        Entity::find()
            .filter(Column::TokenHash.eq(token_hash))
            .one(db)
            .await?
            .map(|m| {
                Ok(Session {
                    id: uuid_of(&m.id)?,
                    family_id: uuid_of(&m.family_id)?,
                    subject_kind: m.subject_kind,
                    subject_id: uuid_of(&m.subject_id)?,
                    expires_at: m.expires_at,
                    used_at: m.used_at,
                    revoked_at: m.revoked_at,
                })
            })
            .transpose()
    }

    /// Marks a token used, if nobody did first: exactly one caller gets `true`.
    #[tracing::instrument(name = "sessions.use", skip(db))]
    pub async fn mark_used(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<bool, RepoError> {
        let result = Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::UsedAt.is_null())
            .filter(Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Revokes every token of one login.
    #[tracing::instrument(name = "sessions.revoke_family", skip(db))]
    pub async fn revoke_family(
        db: &impl ConnectionTrait,
        family_id: uuid::Uuid,
    ) -> Result<u64, RepoError> {
        let result = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(Utc::now()))
            .filter(Column::FamilyId.eq(family_id.to_string()))
            .filter(Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Revokes every token of every login of one subject.
    #[tracing::instrument(name = "sessions.revoke_subject", skip(db))]
    pub async fn revoke_subject(
        db: &impl ConnectionTrait,
        subject_kind: &str,
        subject_id: uuid::Uuid,
    ) -> Result<u64, RepoError> {
        let result = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(Utc::now()))
            .filter(Column::SubjectKind.eq(subject_kind))
            .filter(Column::SubjectId.eq(subject_id.to_string()))
            .filter(Column::RevokedAt.is_null())
            .exec(db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Whether any token of the family is still usable (not revoked).
    pub async fn family_is_live(
        db: &impl ConnectionTrait,
        family_id: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        let live = Entity::find()
            .filter(Column::FamilyId.eq(family_id.to_string()))
            .filter(Column::RevokedAt.is_null())
            .one(db)
            .await?;
        Ok(live.is_some())
    }
}
