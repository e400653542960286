//! The price list of service work (set by the owner or a manager), a
//! job's estimate, and the customer's approval of it: recorded by staff
//! at the counter, or given by the customer under `/api/v1/me`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::Utc;
use jewel_domain::job::ServiceTask;
use jewel_domain::measure::Money;
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::service_tasks::ServiceTasks;
use jewel_services::jobs::estimate::{self, EstimateTerms};
use utoipa_actix_web::service_config::ServiceConfig;

use super::cards::{Days, view, visible};
use super::dto::JobView;
use super::estimate_dto::{EstimateFields, ServiceTaskFields, ServiceTaskView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::rates::current_rates;
use crate::routes::wire::{Paged, if_match, text, with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(add_task)
        .service(list_tasks)
        .service(set_estimate)
        .service(approve)
        .service(approve_mine);
}

/// Add a task to the price list of service work (a clasp replaced, a ring
/// resized) at its price before tax; an estimate's labour line names it
/// and keeps the price it had that day. Needs `jobs:settings` (owner,
/// manager).
#[utoipa::path(
    tag = "jobs",
    operation_id = "createServiceTask",
    security(("bearer" = [])),
    request_body = ServiceTaskFields,
    responses(
        (status = 201, description = "On the price list.", body = ServiceTaskView),
        (status = 409, description = "A task of that name is on the list (`name`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, or a price of 0.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/service-tasks")]
pub async fn add_task(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsSettings>,
    Json(body): Json<ServiceTaskFields>,
) -> Result<HttpResponse, ApiError> {
    let name = text("name", &body.name, 120)?;
    let price = Money::parse("price", &body.price)?;
    if price.is_zero() {
        return Err(jewel_domain::Invalid::field("price", "too_small", "more than 0").into());
    }
    let task = ServiceTask {
        id: uuid::Uuid::now_v7(),
        name,
        price,
        active: true,
        created_at: to_second(Utc::now()),
    };
    let mut unit = state.unit(&caller);
    ServiceTasks::add(unit.txn().await?, &task, caller.id).await?;
    let record = serde_json::json!({"name": task.name, "price": task.price.to_string()});
    unit.audit("create", "service_task", task.id, None, Some(&record))?;
    unit.commit().await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header(("Location", "/api/v1/service-tasks"))
        .json(ServiceTaskView::from(task)))
}

/// The price list of service work, by name. Needs `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listServiceTasks",
    security(("bearer" = [])),
    responses((status = 200, description = "Every task on the list.", body = Paged<ServiceTaskView>))
)]
#[get("/api/v1/service-tasks")]
pub async fn list_tasks(
    state: web::Data<AppState>,
    _caller: Authorized<needs::JobsRead>,
) -> Result<web::Json<Paged<ServiceTaskView>>, ApiError> {
    let tasks = ServiceTasks::all(state.database.connection()).await?;
    let page = jewel_domain::Page {
        items: tasks,
        next: None,
    };
    Ok(web::Json(Paged::from_page(page, ServiceTaskView::from)))
}

/// Set or change a job's estimate, whole: labour by a task of the price
/// list (its price today), new metal at today's rate, stones, other work.
/// Work is taxed at the services rate (SAC 9988), goods at the goods rate
/// (HSN 7113); the total is rounded as a bill is. A job not yet with an
/// artisan becomes `estimated` (an approved one waits for approval
/// again); one with an artisan or back keeps its status, its estimate
/// unapproved until the customer approves it. Told as `job.estimated`.
/// Needs `jobs:write` in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "setJobEstimate",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The job's id"),
        ("If-Match" = Option<String>, Header, max_length = 24, pattern = "^(W/)?\"[0-9]{1,11}\"$", description = "The card's `ETag`: refused with 412 if it changed since."),
    ),
    request_body = EstimateFields,
    responses(
        (status = 200, description = "Estimated: the card with its estimate.", body = JobView,
         headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Ready, delivered, cancelled or on hold (`status`), or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names a version it no longer has.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line without what its kind needs, a task not on the list, no rate today for the metal.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/jobs/{id}/estimate")]
pub async fn set_estimate(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<EstimateFields>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let job = visible(&state, &caller, *id).await?;
    if expected.is_some_and(|v| v != job.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let lines = body.lines()?;
    let rates = current_rates(&state).await?;
    let terms = EstimateTerms {
        rates: &rates,
        goods_gst: state.pricing.gst_percent,
        work_gst: state.billing.service_gst_percent,
    };
    let mut unit = state.unit(&caller);
    let (after, _) = estimate::set_estimate(&mut unit, &job, lines, terms).await?;
    unit.commit().await?;
    let shown = view(&state, &after, &mut Days::default()).await?;
    Ok(with_etag(after.version, shown))
}

/// Record at the counter the customer's approval of the estimate as it
/// stands: an `estimated` job becomes `approved`; one with an artisan or
/// back keeps its status. Needs `jobs:write` in its branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "approveJobEstimate",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Approved: the card.", body = JobView,
         headers(("ETag" = String, description = "The card's version"))),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No estimate waits for approval (`estimate`), or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/approval")]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let job = visible(&state, &caller, *id).await?;
    approved(&state, &caller, &job).await
}

/// Approve the estimate of one of your jobs as it stands (customers
/// only): the store may go on with the work.
#[utoipa::path(
    tag = "me",
    operation_id = "approveMyJobEstimate",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Approved: your job.", body = JobView),
        (status = 404, description = "No such job of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No estimate waits for your approval (`estimate`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/me/jobs/{id}/approval")]
pub async fn approve_mine(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let me = caller.customer()?;
    let job = Jobs::get(state.database.connection(), *id)
        .await?
        .filter(|j| j.customer_id == me)
        .ok_or(ApiError::NotFound)?;
    approved(&state, &caller, &job).await
}

async fn approved(
    state: &AppState,
    caller: &Caller,
    job: &jewel_domain::job::JobCard,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(caller);
    let after = estimate::approve(&mut unit, job).await?;
    unit.commit().await?;
    let shown = view(state, &after, &mut Days::default()).await?;
    Ok(with_etag(after.version, shown))
}
