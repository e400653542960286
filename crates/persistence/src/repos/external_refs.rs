//! Records' ids in other systems. A record made for a system's id and the
//! id's row are written in one transaction; of two requests racing to make
//! one, the second fails on the id (or the record's own unique values) and
//! tries again, finding the first's record.

use chrono::Utc;
use jewel_domain::external_ref::ExternalRef;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};

use crate::entities::external_refs::{self, Column, Entity};
use crate::error::{RepoError, uuid_of};

pub struct ExternalRefs;

fn of(kind: &str, found: &ExternalRef) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(Column::EntityType.eq(kind))
        .add(Column::System.eq(found.system()))
        .add(Column::ExternalId.eq(found.id()))
}

impl ExternalRefs {
    /// The record of `kind` that `found` names, if any.
    pub async fn find(
        db: &impl ConnectionTrait,
        kind: &str,
        found: &ExternalRef,
    ) -> Result<Option<uuid::Uuid>, RepoError> {
        let row = Entity::find().filter(of(kind, found)).one(db).await?;
        row.map(|r| uuid_of(&r.entity_id)).transpose()
    }

    /// Records that `found` names the record `id` of `kind`, made now in
    /// the caller's transaction; `Taken` when another request recorded it
    /// first (the caller gives its work up and tries again).
    pub async fn insert(
        db: &impl ConnectionTrait,
        kind: &str,
        found: &ExternalRef,
        id: uuid::Uuid,
    ) -> Result<(), RepoError> {
        let inserted = Entity::insert(external_refs::ActiveModel {
            entity_type: Set(kind.to_owned()),
            system: Set(found.system().to_owned()),
            external_id: Set(found.id().to_owned()),
            entity_id: Set(id.to_string()),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(RepoError::Taken {
                    field: "externalId",
                })
            }
            Err(error) => Err(error.into()),
        }
    }
}
