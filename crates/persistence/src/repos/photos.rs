//! The photos of jobs' items (their rows; the bytes are stored by hash
//! outside the database).

use jewel_domain::job::{ImageType, JobPhoto};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::job_photos;
use crate::error::{RepoError, uuid_of};

pub struct Photos;

impl Photos {
    pub async fn insert(db: &impl ConnectionTrait, photo: &JobPhoto) -> Result<(), RepoError> {
        job_photos::Entity::insert(job_photos::ActiveModel {
            id: Set(photo.id.to_string()),
            job_id: Set(photo.job_id.to_string()),
            sha256: Set(photo.sha256.clone()),
            content_type: Set(photo.image_type.as_str().to_owned()),
            bytes: Set(i64::try_from(photo.bytes).unwrap_or(i64::MAX)),
            caption: Set(photo.caption.clone()),
            uploaded_by: Set(photo.uploaded_by.to_string()),
            uploaded_at: Set(photo.uploaded_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// The photos of `job`, oldest first.
    pub async fn of_job(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
    ) -> Result<Vec<JobPhoto>, RepoError> {
        job_photos::Entity::find()
            .filter(job_photos::Column::JobId.eq(job.to_string()))
            .order_by_asc(job_photos::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_photo)
            .collect()
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<JobPhoto>, RepoError> {
        job_photos::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_photo)
            .transpose()
    }
}

fn into_photo(m: job_photos::Model) -> Result<JobPhoto, RepoError> {
    Ok(JobPhoto {
        id: uuid_of(&m.id)?,
        job_id: uuid_of(&m.job_id)?,
        sha256: m.sha256,
        image_type: ImageType::parse(&m.content_type).ok_or_else(|| {
            RepoError::Database(sea_orm::DbErr::Custom(format!(
                "stored photo type {}",
                m.content_type
            )))
        })?,
        bytes: u64::try_from(m.bytes).unwrap_or_default(),
        caption: m.caption,
        uploaded_by: uuid_of(&m.uploaded_by)?,
        uploaded_at: m.uploaded_at,
    })
}
