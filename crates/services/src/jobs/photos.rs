//! Photos of a job's item: images only, their type told by their bytes,
//! no larger than the limit, at most [`MOST_PHOTOS`] a job. The row is
//! written in the unit's transaction and the bytes kept by their SHA-256
//! before it commits: a photo listed always has its bytes; bytes kept for
//! a transaction that then failed are only ever found by their hash.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::job::{ImageType, JobCard, JobPhoto};
use jewel_persistence::repos::photos::Photos;
use jewel_persistence::repos::schemes::to_second;
use sha2::{Digest, Sha256};

use super::JobError;
use crate::Unit;

/// The most photos one job keeps.
pub const MOST_PHOTOS: usize = 50;

/// Where the bytes of photos are kept, by the SHA-256 of each.
#[async_trait::async_trait]
pub trait PhotoStore: Send + Sync {
    /// Keeps `bytes` under `sha256`; the same bytes twice are kept once.
    async fn put(&self, sha256: &str, bytes: &[u8]) -> anyhow::Result<()>;
    /// The bytes kept under `sha256`, if any.
    async fn get(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>>;
}

/// A photo as uploaded.
#[derive(Debug)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    pub caption: Option<String>,
}

/// Adds a photo of `job`'s item: checked, its row written and its bytes
/// kept in `store`; audited. The caller commits `unit`.
pub async fn add(
    unit: &mut Unit,
    store: &dyn PhotoStore,
    job: &JobCard,
    upload: Upload<'_>,
    most_bytes: u64,
) -> Result<JobPhoto, JobError> {
    let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    if size > most_bytes {
        return Err(JobError::TooLarge { limit: most_bytes });
    }
    let image_type = ImageType::of_bytes(upload.bytes).ok_or_else(|| {
        Invalid::field(
            "photo",
            "not_an_image",
            "a JPEG, PNG or WebP image (told by its bytes)",
        )
    })?;
    if Photos::of_job(unit.db(), job.id).await?.len() >= MOST_PHOTOS {
        return Err(Invalid::field(
            "photo",
            "too_many",
            format!("a job keeps at most {MOST_PHOTOS} photos"),
        )
        .into());
    }
    let sha256 = format!("{:x}", Sha256::digest(upload.bytes));
    let photo = JobPhoto {
        id: uuid::Uuid::now_v7(),
        job_id: job.id,
        sha256,
        image_type,
        bytes: size,
        caption: upload.caption,
        uploaded_by: unit.actor().author().1,
        uploaded_at: to_second(Utc::now()),
    };
    Photos::insert(unit.txn().await?, &photo).await?;
    store
        .put(&photo.sha256, upload.bytes)
        .await
        .map_err(JobError::Storage)?;
    let record = serde_json::json!({
        "photoId": photo.id, "sha256": photo.sha256,
        "contentType": photo.image_type.as_str(), "bytes": photo.bytes,
    });
    unit.audit("photo", "job", job.id, None, Some(&record))?;
    Ok(photo)
}
