//! Segments: saved filters over customers (tags, tier, lifetime value,
//! last purchase, an occasion coming up, ring size, marketing consent),
//! counted live. A manager keeps their branches' segments; the owner also
//! the whole business's.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use jewel_domain::Invalid;
use jewel_domain::engagement::segment::Segment;
use jewel_persistence::repos::segments::Segments;
use jewel_services::engagement::campaigns::{count, today};
use jewel_services::engagement::segments::{self, in_scope, visible};
use utoipa_actix_web::service_config::ServiceConfig;

use super::campaign_dto::{
    SegmentCountView, SegmentPreviewRequest, SegmentRequest, SegmentView, SegmentsView,
};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::{created, if_match, with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(preview_segment)
        .service(create_segment)
        .service(list_segments)
        .service(get_segment)
        .service(update_segment)
        .service(delete_segment);
}

/// Save a segment. A manager's is of one of their branches (its customers
/// by home branch); without `branchId` it is the whole business's (the
/// owner's). Needs `campaigns:write` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "createSegment",
    security(("bearer" = [])),
    request_body = SegmentRequest,
    responses(
        (status = 201, description = "Saved, with how many customers it holds now.", body = SegmentView),
        (status = 422, description = "A field named: an unknown or foreign `branchId`, a bad filter (`filter.*`: `maxLifetimeValue` below `minLifetimeValue`, `lastPurchaseBefore` not after `lastPurchaseFrom`, `occasion.withinDays` over 365, a ring size).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/segments")]
pub async fn create_segment(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    Json(body): Json<SegmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.fields()?;
    let mut unit = state.unit(&caller);
    let segment =
        segments::create(&mut unit, caller.branch_scope(), body.branch_id, fields).await?;
    unit.commit().await?;
    let count = count(&state.database, &segment).await?;
    Ok(created(
        format!("/api/v1/segments/{}", segment.id),
        segment.version,
        SegmentView::of(segment, Some(count)),
    ))
}

/// Count the customers a filter holds now, without saving it. Needs
/// `messages:read` (owner, manager); a manager names one of their branches.
#[utoipa::path(
    tag = "engagement",
    operation_id = "previewSegment",
    security(("bearer" = [])),
    request_body = SegmentPreviewRequest,
    responses(
        (status = 200, description = "How many customers it holds.", body = SegmentCountView),
        (status = 422, description = "A bad filter (`filter.*`), or a branch not yours (`branchId`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/segments/preview")]
pub async fn preview_segment(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    Json(body): Json<SegmentPreviewRequest>,
) -> Result<web::Json<SegmentCountView>, ApiError> {
    let mut errors = Vec::new();
    let filter = body.filter.filter(&mut errors);
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let filter = filter.checked()?;
    if !in_scope(caller.branch_scope(), body.branch_id) {
        return Err(Invalid::field(
            "branchId",
            "out_of_scope",
            "One of the branches you act in.",
        )
        .into());
    }
    let today = today(&state.database, body.branch_id).await?;
    let count =
        Segments::count(state.database.connection(), body.branch_id, &filter, today).await?;
    Ok(web::Json(SegmentCountView { count }))
}

/// Segments of your branches (and the whole business's, for the owner),
/// by name. Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "listSegments",
    security(("bearer" = [])),
    responses((status = 200, description = "The segments.", body = SegmentsView))
)]
#[get("/api/v1/segments")]
pub async fn list_segments(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
) -> Result<web::Json<SegmentsView>, ApiError> {
    let found = Segments::list(state.database.connection(), caller.branch_scope()).await?;
    Ok(web::Json(SegmentsView {
        items: found
            .into_iter()
            .map(|s| SegmentView::of(s, None))
            .collect(),
    }))
}

/// A segment with how many customers it holds now. Needs `messages:read`
/// in its branch.
#[utoipa::path(
    tag = "engagement",
    operation_id = "getSegment",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The segment's id")),
    responses(
        (status = 200, description = "The segment; `ETag` its version.", body = SegmentView),
        (status = 404, description = "No such segment of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/segments/{id}")]
pub async fn get_segment(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let segment = visible(state.database.connection(), caller.branch_scope(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    counted(&state, segment).await
}

/// Rename a segment or change its filter (its branch stays). Campaigns
/// not yet queued reach whom it holds when their time comes. Needs
/// `campaigns:write` in its branch; honours `If-Match`.
#[utoipa::path(
    tag = "engagement",
    operation_id = "updateSegment",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The segment's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = SegmentRequest,
    responses(
        (status = 200, description = "Saved.", body = SegmentView),
        (status = 404, description = "No such segment of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since the version you read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad name or filter, named; `branchId` other than the segment's.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/segments/{id}")]
pub async fn update_segment(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<SegmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let fields = body.fields()?;
    let mut unit = state.unit(&caller);
    let segment = segments::update(&mut unit, caller.branch_scope(), *id, expected, fields)
        .await?
        .ok_or(ApiError::NotFound)?;
    if body.branch_id.is_some_and(|b| Some(b) != segment.branch_id) {
        unit.rollback().await?;
        return Err(Invalid::field("branchId", "fixed", "A segment keeps its branch.").into());
    }
    unit.commit().await?;
    counted(&state, segment).await
}

/// Delete a segment no campaign still to send uses. Needs
/// `campaigns:write` in its branch.
#[utoipa::path(
    tag = "engagement",
    operation_id = "deleteSegment",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The segment's id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such segment of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A scheduled or queueing campaign uses it (`in_use`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/segments/{id}")]
pub async fn delete_segment(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(&caller);
    if !segments::delete(&mut unit, caller.branch_scope(), *id).await? {
        return Err(ApiError::NotFound);
    }
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// 200 with `segment`, how many customers it holds now, and its `ETag`.
async fn counted(state: &AppState, segment: Segment) -> Result<HttpResponse, ApiError> {
    let count = count(&state.database, &segment).await?;
    Ok(with_etag(
        segment.version,
        SegmentView::of(segment, Some(count)),
    ))
}
