//! Artisans (registered by the owner or a manager) and the challans that
//! take a job's metal to them and bring it back, reconciled.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use jewel_domain::job::Challan;
use jewel_persistence::repos::challans::{Artisans, ChallanFilter, Challans};
use jewel_persistence::repos::schemes::to_second;
use jewel_services::jobs::challans;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::cards::visible;
use super::challan_dto::{
    ArtisanFields, ArtisanView, ChallanIssueFields, ChallanReceiptFields, ChallanStatusName,
    ChallanView,
};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::wire::{Paged, Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(add_artisan)
        .service(list_artisans)
        .service(issue)
        .service(receive)
        .service(list_challans)
        .service(get_challan);
}

/// Register an artisan (karigar) the store sends work to, with the
/// wastage allowed on a challan unless it says otherwise. Needs
/// `jobs:settings` (owner, manager).
#[utoipa::path(
    tag = "jobs",
    operation_id = "createArtisan",
    security(("bearer" = [])),
    request_body = ArtisanFields,
    responses(
        (status = 201, description = "Registered.", body = ArtisanView),
        (status = 422, description = "No name, a wastage beyond 100.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/artisans")]
pub async fn add_artisan(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsSettings>,
    Json(body): Json<ArtisanFields>,
) -> Result<HttpResponse, ApiError> {
    let artisan = body.artisan(to_second(Utc::now()))?;
    let mut unit = state.unit(&caller);
    challans::add_artisan(&mut unit, &artisan).await?;
    unit.commit().await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header(("Location", "/api/v1/artisans"))
        .json(ArtisanView::from(artisan)))
}

/// The artisans, by name. Needs `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listArtisans",
    security(("bearer" = [])),
    responses((status = 200, description = "Every active artisan.", body = Paged<ArtisanView>))
)]
#[get("/api/v1/artisans")]
pub async fn list_artisans(
    state: web::Data<AppState>,
    _caller: Authorized<needs::JobsRead>,
) -> Result<web::Json<Paged<ArtisanView>>, ApiError> {
    let artisans = Artisans::all(state.database.connection()).await?;
    let page = jewel_domain::Page {
        items: artisans,
        next: None,
    };
    Ok(web::Json(Paged::from_page(page, ArtisanView::from)))
}

/// Issue a job's metal to an artisan on a challan, numbered without gaps
/// per branch and financial year (`MUM1/CHL/2026-27/000001`): one metal
/// at one fineness (gold and silver go on two), its gross weight, stones
/// in carats and the wastage allowed. An approved job (or one back for
/// rework) goes `at_artisan`. Needs `jobs:write` in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "issueChallan",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = ChallanIssueFields,
    responses(
        (status = 201, description = "Issued: the challan.", body = ChallanView),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not approved, back or with an artisan (`status`), or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such artisan, a fineness out of range, no metal beyond its stones.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/challans")]
pub async fn issue(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<ChallanIssueFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let job = visible(&state, &caller, *id).await?;
        let asked = request.body.issue()?;
        let mut unit = state.unit(&caller);
        let rules = state.billing_rules();
        let (challan, _) = challans::issue(&mut unit, &rules, &job, asked).await?;
        let view = ChallanView::of(&challan, Utc::now());
        let location = Some(format!("/api/v1/challans/{}", challan.id));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

/// The challan `id` if the caller acts in its branch; else 404.
async fn visible_challan(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Challan, ApiError> {
    Challans::get(state.database.connection(), id)
        .await?
        .filter(|c| caller.acts_in(c.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Receive part or all of a challan back: its gross weight and stones.
/// More back than went out is 422; the part that `closes` it reconciles
/// it (the loss is what went out less what came back, a lost stone
/// counting 0.2 g a carat) and a loss beyond the allowance needs a
/// `lossReason` and flags the challan and the job; once none of the job's
/// challans is out, the job is `back`. A closed challan takes no more
/// (409); of two receipts racing, one wins. Needs `jobs:write` in its
/// branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "receiveChallan",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The challan's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = ChallanReceiptFields,
    responses(
        (status = 201, description = "Received: the challan.", body = ChallanView),
        (status = 404, description = "No such challan at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already (`status`), or another receipt came first.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More back than went out (`grossWeight`, `stonesCarats`), a loss beyond the allowance without its reason (`lossReason`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/challans/{id}/receipts")]
pub async fn receive(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<ChallanReceiptFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let challan = visible_challan(&state, &caller, *id).await?;
        let asked = request.body.receipt()?;
        let mut unit = state.unit(&caller);
        let after = challans::receive(&mut unit, &challan, asked).await?;
        let view = ChallanView::of(&after, Utc::now());
        let location = Some(format!("/api/v1/challans/{}", after.id));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ChallanQuery {
    artisan_id: Option<uuid::Uuid>,
    job_id: Option<uuid::Uuid>,
    #[param(inline)]
    status: Option<ChallanStatusName>,
    /// `true`: only those not yet back in full (each with its days out).
    pending: Option<bool>,
}

/// Challans at your branches, newest first: by artisan, job or status, or
/// those still out, each with its days out (`supplyDue` from 300 days).
/// Needs `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listChallans",
    security(("bearer" = [])),
    params(ChallanQuery, Pagination),
    responses((status = 200, description = "One page of challans.", body = Paged<ChallanView>))
)]
#[get("/api/v1/challans")]
pub async fn list_challans(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    Query(query): Query<ChallanQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<ChallanView>>, ApiError> {
    let filter = ChallanFilter {
        branches: caller.branch_scope(),
        artisan: query.artisan_id,
        job: query.job_id,
        status: query.status.map(Into::into),
        pending: query.pending == Some(true),
    };
    let page = Challans::list(state.database.connection(), filter, pagination.page()?).await?;
    let now = Utc::now();
    Ok(web::Json(Paged::from_page(page, |c| {
        ChallanView::of(&c, now)
    })))
}

/// A challan with its receipts and, once closed, its reconciliation.
/// Needs `jobs:read` in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getChallan",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The challan's id")),
    responses(
        (status = 200, description = "The challan.", body = ChallanView),
        (status = 404, description = "No such challan at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/challans/{id}")]
pub async fn get_challan(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<ChallanView>, ApiError> {
    let challan = visible_challan(&state, &caller, *id).await?;
    Ok(web::Json(ChallanView::of(&challan, Utc::now())))
}
