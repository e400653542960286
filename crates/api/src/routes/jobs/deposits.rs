//! Advances left on a job, each with its receipt; the job's bill takes
//! them (see `routes::billing::job_bill`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_persistence::repos::deposits::Deposits;
use jewel_services::jobs::deposits;
use utoipa_actix_web::service_config::ServiceConfig;

use super::cards::visible;
use super::deposit_dto::{DepositFields, DepositView, JobDepositsView, RefundFields};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(take_deposit)
        .service(list_deposits)
        .service(refund_deposit);
}

/// Take an advance on a job, with a receipt numbered without gaps per
/// branch and financial year (`MUM1/ADV/2026-27/000001`). Money only;
/// cash for the job (its advances and its bill together) stays below the
/// cash limit. The job's bill takes it as a payment of method `advance`
/// naming this number. Needs `jobs:write` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "takeJobDeposit",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = DepositFields,
    responses(
        (status = 201, description = "Received: the advance and its receipt number.", body = DepositView),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is delivered or cancelled (`status`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No amount, a cheque or transfer without its `reference`, cash at or beyond the limit for the job (`amount`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/deposits")]
pub async fn take_deposit(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<DepositFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let job = visible(&state, &caller, *id).await?;
        let asked = request.body.asked()?;
        let mut unit = state.unit(&caller);
        let rules = state.billing_rules();
        let deposit = deposits::take(&mut unit, &rules, &job, asked).await?;
        let view = DepositView::from(&deposit);
        let location = Some(format!("/api/v1/jobs/{}/deposits", job.id));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

/// The advances left on a job, oldest first, each with what is left of
/// it. Needs `jobs:read` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listJobDeposits",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job's advances.", body = JobDepositsView),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/jobs/{id}/deposits")]
pub async fn list_deposits(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<JobDepositsView>, ApiError> {
    let job = visible(&state, &caller, *id).await?;
    let deposits = Deposits::of_job(state.database.connection(), job.id, false).await?;
    Ok(web::Json(JobDepositsView::of(&deposits)))
}

/// Give back what is left of an advance once the job is delivered or
/// cancelled (while it is open, its bill takes it): money only, how and
/// why recorded; once. Of a refund and a bill racing for the advance, one
/// wins. Needs `jobs:write` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "refundJobDeposit",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("depositId" = uuid::Uuid, Path, description = "The advance's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = RefundFields,
    responses(
        (status = 200, description = "Given back: the advance.", body = DepositView),
        (status = 404, description = "No such job at your branches, or no such advance of it.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Given back already, the job still open, or all of it taken by the bill (`deposit`); or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cheque or transfer without its `reference`, no `reason`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/deposits/{depositId}/refund")]
pub async fn refund_deposit(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    request: IdempotentJson<RefundFields>,
) -> Result<HttpResponse, ApiError> {
    let (id, deposit) = path.into_inner();
    idempotency::once(&state, &caller, request.key, || async {
        let job = visible(&state, &caller, id).await?;
        let asked = request.body.asked()?;
        let mut unit = state.unit(&caller);
        let refunded = deposits::refund(&mut unit, &job, deposit, asked).await?;
        let view = DepositView::from(&refunded);
        let location = Some(format!("/api/v1/jobs/{}/deposits", job.id));
        idempotency::keep_in(&mut unit, StatusCode::OK, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::OK, location, &view)
    })
    .await
}
