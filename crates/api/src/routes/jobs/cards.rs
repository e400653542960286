//! Job cards: taken in at a branch (`jobs:write`), listed and read by
//! staff of that branch (`jobs:read`), moved on by legal moves only, and a
//! customer's own under `/api/v1/me/jobs`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use jewel_domain::Permission;
use jewel_domain::job::{JobCard, StatusMove};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::jobs::{JobFilter, Jobs};
use jewel_persistence::repos::photos::Photos;
use jewel_persistence::repos::pieces::Pieces;
use jewel_services::jobs::{self, NewJob};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{JobFields, JobKindName, JobStatusName, JobView, SoldPieceView, StatusFields};
use super::estimate_dto::EstimateView;
use crate::auth::Caller;
use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::routes::wire::{
    DEFAULT_TIMEZONE, Paged, Pagination, created, if_match, staff_timezone, text, with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(take_in)
        .service(list_jobs)
        .service(get_job)
        .service(move_status)
        .service(my_jobs);
}

/// The job `id` if the caller acts in its branch; else 404.
pub(super) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<JobCard, ApiError> {
    Jobs::get(state.database.connection(), id)
        .await?
        .filter(|j| caller.acts_in(j.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Today by the clock of each branch asked for, read once a request.
#[derive(Default)]
pub(super) struct Days(HashMap<uuid::Uuid, NaiveDate>);

impl Days {
    async fn of(&mut self, state: &AppState, branch: uuid::Uuid) -> Result<NaiveDate, ApiError> {
        if let Some(day) = self.0.get(&branch) {
            return Ok(*day);
        }
        let now = Utc::now();
        let day = Branches::get(state.database.connection(), branch)
            .await?
            .and_then(|b| b.day_of(now))
            .unwrap_or_else(|| now.date_naive());
        self.0.insert(branch, day);
        Ok(day)
    }
}

/// The card as shown: with the piece we sold (its HUID and bill) and its
/// history.
pub(super) async fn view(
    state: &AppState,
    job: &JobCard,
    days: &mut Days,
) -> Result<JobView, ApiError> {
    let db = state.database.connection();
    let piece = match job.intake.piece_id {
        Some(id) => match Pieces::get(db, id).await? {
            Some(piece) => {
                let bill = Invoices::selling(db, id).await?;
                Some(SoldPieceView {
                    id,
                    tag_number: piece.tag_number.as_str().to_owned(),
                    huid: piece.hallmark.huid().map(|h| h.as_str().to_owned()),
                    invoice_id: bill.as_ref().map(|b| b.0),
                    invoice_number: bill.map(|b| b.1),
                })
            }
            None => None,
        },
        None => None,
    };
    let lines = match job.estimate_revision {
        0 => Vec::new(),
        revision => Jobs::estimate(db, job.id, revision).await?,
    };
    let estimate = EstimateView::of(job, &lines);
    let history = Jobs::history(db, job.id).await?;
    let photos = Photos::of_job(db, job.id).await?;
    let today = days.of(state, job.branch_id).await?;
    Ok(JobView::of(job, piece, estimate, &history, &photos, today))
}

/// Take a job in: a repair, custom or special order, or appraisal, at a
/// branch, for a customer. It is numbered without gaps per branch and
/// financial year (`MUM1/JOB/2026-27/000042`) and starts `received`; the
/// item of a repair or an appraisal is weighed in (`grossWeightIn`).
/// Told as `job.status_changed`. Needs `jobs:write` in the branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "createJob",
    security(("bearer" = [])),
    request_body = JobFields,
    responses(
        (status = 201, description = "Taken in: the card, with its number.", body = JobView,
         headers(("ETag" = String, description = "The card's version"), ("Location" = String, description = "The card"))),
        (status = 422, description = "A branch not yours, no such customer or piece, no weight in for a repair or appraisal, a fineness without its metal, a promise in the past.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs")]
pub async fn take_in(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    Json(body): Json<JobFields>,
) -> Result<HttpResponse, ApiError> {
    let request = NewJob {
        branch_id: body.branch_id,
        customer_id: body.customer_id,
        kind: body.kind.into(),
        priority: body.priority.into(),
        intake: body.intake()?,
    };
    let mut unit = state.unit(&caller);
    let rules = state.billing_rules();
    let job = jobs::take_in(&mut unit, &rules, request, caller.branch_scope()).await?;
    unit.commit().await?;
    let shown = view(&state, &job, &mut Days::default()).await?;
    Ok(created(
        format!("/api/v1/jobs/{}", job.id),
        job.version,
        shown,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct JobQuery {
    branch_id: Option<uuid::Uuid>,
    customer_id: Option<uuid::Uuid>,
    #[param(inline)]
    status: Option<JobStatusName>,
    #[param(inline)]
    kind: Option<JobKindName>,
    /// `true`: only jobs promised before today and not ready.
    overdue: Option<bool>,
    /// Only jobs promised on or before this day.
    promised_by: Option<NaiveDate>,
    /// Only jobs with a challan at this artisan not yet back in full.
    artisan_id: Option<uuid::Uuid>,
}

/// Job cards at your branches, newest first: by branch, customer, status
/// or kind, the overdue (promised before today and not ready), those
/// promised by a day, or those at an artisan (a challan not yet back in
/// full). Needs `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listJobs",
    security(("bearer" = [])),
    params(JobQuery, Pagination),
    responses((status = 200, description = "One page of job cards.", body = Paged<JobView>))
)]
#[get("/api/v1/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    Query(query): Query<JobQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<JobView>>, ApiError> {
    let db = state.database.connection();
    let mut days = Days::default();
    let overdue_on = match (query.overdue, query.branch_id) {
        (Some(true), Some(branch)) => Some(days.of(&state, branch).await?),
        (Some(true), None) => {
            let zone = match caller.principal {
                Principal::Staff(_) => staff_timezone(db, caller.id).await?,
                _ => DEFAULT_TIMEZONE.to_owned(),
            };
            let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::Asia::Kolkata);
            Some(Utc::now().with_timezone(&zone).date_naive())
        }
        _ => None,
    };
    // A branch asked for that is not the caller's lists nothing.
    let only: Option<Vec<uuid::Uuid>> = query.branch_id.map(|b| {
        if caller.acts_in(b) {
            vec![b]
        } else {
            Vec::new()
        }
    });
    let branches = only.as_deref().or(caller.branch_scope());
    let filter = JobFilter {
        customer: query.customer_id,
        branches,
        status: query.status.map(Into::into),
        kind: query.kind.map(Into::into),
        overdue_on,
        promised_by: query.promised_by,
        artisan: query.artisan_id,
    };
    let page = Jobs::list(db, filter, pagination.page()?).await?;
    paged(&state, page, &mut days).await
}

async fn paged(
    state: &AppState,
    page: jewel_domain::Page<JobCard>,
    days: &mut Days,
) -> Result<web::Json<Paged<JobView>>, ApiError> {
    let mut views = Vec::with_capacity(page.items.len());
    for job in &page.items {
        views.push(view(state, job, days).await?);
    }
    let mut views = views.into_iter();
    Ok(web::Json(Paged::from_page(page, |_| {
        views.next().expect("one view per card")
    })))
}

/// A job card with its history; `ETag` is its version. Needs `jobs:read`
/// in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getJob",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The card.", body = JobView,
         headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let job = visible(&state, &caller, *id).await?;
    let shown = view(&state, &job, &mut Days::default()).await?;
    Ok(with_etag(job.version, shown))
}

/// Move a job on: `back -> ready -> delivered` (a job becomes `estimated`
/// by its estimate, `approved` by the customer's approval, `at_artisan`
/// and `back` by its challans; a changed estimate is approved again
/// before `ready`; an estimate-only job or an appraisal may go from
/// `estimated` to `ready`, the item going back unworked); `on_hold` with a
/// `reason` from any step before delivery and back to where it was;
/// `cancelled` with a `reason`, unless the item is with an artisan. A
/// delivery names who collected the item (`collectedBy`) and needs the
/// job's bill paid, or a manager's `overrideReason`. Any other move
/// is 409 naming `status`. Audited and told as `job.status_changed`.
/// Needs `jobs:write` in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "moveJobStatus",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("If-Match" = Option<String>, Header, max_length = 24, pattern = "^(W/)?\"[0-9]{1,11}\"$", description = "The card's `ETag`: refused with 412 if it changed since."),
    ),
    request_body = StatusFields,
    responses(
        (status = 200, description = "Moved: the card.", body = JobView,
         headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An `overrideReason` from someone who is not a manager (`sales:approve`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a legal move from its status (`status`), made ready with a changed estimate not yet approved (`estimate`), delivered with its bill not paid and no override (`bill`: `none` or `unpaid`), or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names a version it no longer has.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A hold or cancel without its reason, a delivery without who collected it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/status")]
pub async fn move_status(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<StatusFields>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let job = visible(&state, &caller, *id).await?;
    if expected.is_some_and(|v| v != job.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let optional = |field: &str, value: &Option<String>, most: usize| {
        value
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| text(field, v, most))
            .transpose()
    };
    let asked = StatusMove {
        to: body.status.into(),
        reason: optional("reason", &body.reason, 500)?,
        collected_by: optional("collectedBy", &body.collected_by, 120)?,
        override_reason: optional("overrideReason", &body.override_reason, 500)?,
    };
    let may_override = caller.require(Permission::SalesApprove).is_ok();
    let mut unit = state.unit(&caller);
    let after = jobs::status::move_status(&mut unit, &job, asked, may_override).await?;
    unit.commit().await?;
    let shown = view(&state, &after, &mut Days::default()).await?;
    Ok(with_etag(after.version, shown))
}

/// Your own jobs, newest first, each with its status, promised date and
/// history (customers only; staff and API clients get 403).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyJobs",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your jobs.", body = Paged<JobView>))
)]
#[get("/api/v1/me/jobs")]
pub async fn my_jobs(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<JobView>>, ApiError> {
    let id = caller.customer()?;
    let filter = JobFilter {
        customer: Some(id),
        ..JobFilter::default()
    };
    let page = Jobs::list(state.database.connection(), filter, pagination.page()?).await?;
    paged(&state, page, &mut Days::default()).await
}
