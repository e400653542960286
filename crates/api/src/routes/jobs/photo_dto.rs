//! The wire types of a job's photos.

use chrono::{DateTime, Utc};
use jewel_domain::job::JobPhoto;
use serde::Serialize;
use utoipa::ToSchema;

/// A photo as uploaded: the image and an optional caption.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoUpload {
    /// A JPEG, PNG or WebP image, told by its bytes.
    #[schema(value_type = ImageBytes)]
    photo: Vec<u8>,
    #[schema(max_length = 200)]
    caption: Option<String>,
}

/// A photo of a job's item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000b5",
    "jobId": "01936f0e-0000-7000-8000-0000000000f1",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "contentType": "image/jpeg", "bytes": 245760, "caption": "Clasp as handed in",
    "url": "/api/v1/jobs/01936f0e-0000-7000-8000-0000000000f1/photos/01936f0e-0000-7000-8000-0000000000b5",
    "uploadedBy": "01936f0e-1111-7000-8000-000000000001",
    "uploadedAt": "2026-12-07T10:30:00Z"
}))]
pub struct PhotoView {
    id: uuid::Uuid,
    job_id: uuid::Uuid,
    /// The SHA-256 of its bytes, in hex.
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    sha256: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    #[schema(max_length = 16)]
    content_type: &'static str,
    bytes: u64,
    #[schema(max_length = 200)]
    caption: Option<String>,
    /// Where staff read the image (its customer at `/me/jobs/{id}/photos/{photoId}`).
    #[schema(max_length = 200)]
    pub(crate) url: String,
    uploaded_by: uuid::Uuid,
    uploaded_at: DateTime<Utc>,
}

impl From<&JobPhoto> for PhotoView {
    fn from(p: &JobPhoto) -> Self {
        Self {
            id: p.id,
            job_id: p.job_id,
            sha256: p.sha256.clone(),
            content_type: p.image_type.as_str(),
            bytes: p.bytes,
            caption: p.caption.clone(),
            url: format!("/api/v1/jobs/{}/photos/{}", p.job_id, p.id),
            uploaded_by: p.uploaded_by,
            uploaded_at: p.uploaded_at,
        }
    }
}

/// The bytes of an image (at most 64 MiB, the most the limit may be set to).
pub struct ImageBytes;

impl utoipa::PartialSchema for ImageBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .max_length(Some(64 * 1024 * 1024))
            .into()
    }
}

impl ToSchema for ImageBytes {}

/// The photos of a job's item, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct JobPhotosView {
    #[schema(max_items = 50)]
    pub(crate) items: Vec<PhotoView>,
}
