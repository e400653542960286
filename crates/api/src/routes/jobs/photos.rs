//! Photos of a job's item: uploaded by staff as `multipart/form-data`
//! (`jobs:write`), listed on the card, and read back as the image by
//! staff of the branch (`jobs:read`) and by the job's customer.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt as _;
use jewel_domain::Invalid;
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::photos::Photos;
use jewel_services::jobs::photos::{self, Upload};
use utoipa_actix_web::service_config::ServiceConfig;

use super::cards::visible;
use super::photo_dto::{ImageBytes, JobPhotosView, PhotoUpload, PhotoView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::routes::wire::text;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload)
        .service(list)
        .service(image)
        .service(my_image);
}

/// The photo and caption of a `multipart/form-data` body, the photo no
/// larger than `most` bytes (read no further).
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    most: u64,
) -> Result<(Vec<u8>, Option<String>), ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.type_() == mime::MULTIPART && m.subtype() == mime::FORM_DATA);
    if !is_form {
        return Err(ApiError::UnsupportedMediaType {
            expected: "multipart/form-data",
        });
    }
    let unreadable = |e: actix_multipart::MultipartError| {
        ApiError::bad_request(format!("the form could not be read: {e}"))
    };
    let limit = usize::try_from(most).unwrap_or(usize::MAX);
    let mut form = Multipart::new(req.headers(), payload);
    let (mut photo, mut caption) = (None, None);
    while let Some(field) = form.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let most = if name == "photo" { limit } else { 1_000 };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > most {
                return Err(if name == "photo" {
                    ApiError::PayloadTooLarge { limit }
                } else {
                    Invalid::field(&name, "length", "at most 200 characters").into()
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "photo" => photo = Some(bytes),
            "caption" => {
                let words = String::from_utf8(bytes)
                    .map_err(|_| Invalid::field("caption", "format", "UTF-8 text"))?;
                caption = (!words.trim().is_empty())
                    .then(|| text("caption", &words, 200))
                    .transpose()?;
            }
            other => {
                return Err(Invalid::field(other, "unexpected", "only photo and caption").into());
            }
        }
    }
    let photo = photo.ok_or_else(|| Invalid::field("photo", "required", "the image"))?;
    Ok((photo, caption))
}

/// Upload a photo of the job's item as `multipart/form-data`: a `photo`
/// (JPEG, PNG or WebP, told by its bytes; at most `jobs.photo_max_bytes`,
/// 5 MiB by default) and an optional `caption`. The bytes are kept once
/// by their SHA-256; anything else is refused and keeps nothing. At most
/// 50 a job. Needs `jobs:write` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "uploadJobPhoto",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Kept: the photo.", body = PhotoView),
        (status = 400, description = "A form that cannot be read.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The photo is larger than the limit.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `multipart/form-data`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `photo`, not an image (`not_an_image`), 50 photos already, a caption beyond 200 characters, another field.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/photos")]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let job = visible(&state, &caller, *id).await?;
    let (bytes, caption) = read_upload(&req, payload, state.photos.most_bytes).await?;
    let mut unit = state.unit(&caller);
    let upload = Upload {
        bytes: &bytes,
        caption,
    };
    let store = state.photos.store.as_ref();
    let photo = photos::add(&mut unit, store, &job, upload, state.photos.most_bytes).await?;
    unit.commit().await?;
    let view = PhotoView::from(&photo);
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((header::LOCATION, view.url.clone()))
        .json(view))
}

/// The photos of a job's item, oldest first. Needs `jobs:read` in the
/// job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listJobPhotos",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job's photos.", body = JobPhotosView),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/jobs/{id}/photos")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<JobPhotosView>, ApiError> {
    let job = visible(&state, &caller, *id).await?;
    let photos = Photos::of_job(state.database.connection(), job.id).await?;
    Ok(web::Json(JobPhotosView {
        items: photos.iter().map(PhotoView::from).collect(),
    }))
}

/// The image of photo `photo` of job `job`, if the job is the caller's to see.
async fn image_of(
    state: &AppState,
    job: uuid::Uuid,
    photo: uuid::Uuid,
) -> Result<HttpResponse, ApiError> {
    let photo = Photos::get(state.database.connection(), photo)
        .await?
        .filter(|p| p.job_id == job)
        .ok_or(ApiError::NotFound)?;
    let bytes = state
        .photos
        .store
        .get(&photo.sha256)
        .await
        .map_err(ApiError::Internal)?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("photo {} has no bytes", photo.id)))?;
    Ok(HttpResponse::Ok()
        .content_type(photo.image_type.as_str())
        .insert_header((header::ETAG, format!("\"{}\"", photo.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400, immutable"))
        .body(bytes))
}

/// The image of a photo of a job. Needs `jobs:read` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getJobPhoto",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("photoId" = uuid::Uuid, Path, description = "The photo's id"),
    ),
    responses(
        (status = 200, description = "The image, as its type.", content(
            (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/webp"))),
        (status = 404, description = "No such job at your branches, or no such photo of it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/jobs/{id}/photos/{photoId}")]
pub async fn image(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (job, photo) = path.into_inner();
    let job = visible(&state, &caller, job).await?;
    image_of(&state, job.id, photo).await
}

/// The image of a photo of one of your own jobs (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "getMyJobPhoto",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "Your job's id"),
        ("photoId" = uuid::Uuid, Path, description = "The photo's id"),
    ),
    responses(
        (status = 200, description = "The image, as its type.", content(
            (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/webp"))),
        (status = 404, description = "No such job of yours, or no such photo of it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/me/jobs/{id}/photos/{photoId}")]
pub async fn my_image(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let customer = caller.customer()?;
    let (job, photo) = path.into_inner();
    let job = Jobs::get(state.database.connection(), job)
        .await?
        .filter(|j| j.customer_id == customer)
        .ok_or(ApiError::NotFound)?;
    image_of(&state, job.id, photo).await
}
