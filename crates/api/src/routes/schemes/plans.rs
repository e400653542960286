//! Scheme plans: defined by the owner (`loyalty:settings`), read by staff.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::Invalid;
use jewel_persistence::repos::schemes::Schemes;
use jewel_services::schemes;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{PlanFields, PlanView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::Paged;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan)
        .service(list_plans)
        .service(get_plan);
}

/// Define a plan: an `amount` plan of N monthly instalments with a bonus
/// of a share of one at maturity (less 1/N per period missed, or none, as
/// `missed` says), or a `weight` plan booking each instalment as grams of
/// its metal at the day's rate. At most 11 instalments, so every advance
/// is redeemed within 365 days (422 naming `instalments`). Needs
/// `loyalty:settings` (the owner).
#[utoipa::path(
    tag = "schemes",
    operation_id = "createSchemePlan",
    security(("bearer" = [])),
    request_body = PlanFields,
    responses(
        (status = 201, description = "Defined, open to enrolments.", body = PlanView),
        (status = 422, description = "A term out of range, a weight plan without its metal.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/scheme-plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltySettings>,
    Json(body): Json<PlanFields>,
) -> Result<HttpResponse, ApiError> {
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Invalid::field("name", "length", "1 to 80 characters").into());
    }
    let terms = body.terms()?;
    let mut unit = state.unit(&caller);
    let plan = schemes::create_plan(&mut unit, name, terms).await?;
    unit.commit().await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header(("Location", format!("/api/v1/scheme-plans/{}", plan.id)))
        .json(PlanView::from(plan)))
}

/// Every plan, newest first. Needs `loyalty:read`.
#[utoipa::path(
    tag = "schemes",
    operation_id = "listSchemePlans",
    security(("bearer" = [])),
    responses((status = 200, description = "The plans.", body = Paged<PlanView>))
)]
#[get("/api/v1/scheme-plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
) -> Result<web::Json<Paged<PlanView>>, ApiError> {
    let plans = Schemes::plans(state.database.connection()).await?;
    Ok(web::Json(Paged {
        items: plans.into_iter().map(PlanView::from).collect(),
        next_cursor: None,
    }))
}

/// One plan. Needs `loyalty:read`.
#[utoipa::path(
    tag = "schemes",
    operation_id = "getSchemePlan",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan.", body = PlanView),
        (status = 404, description = "No such plan.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/scheme-plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PlanView>, ApiError> {
    let plan = Schemes::plan(state.database.connection(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(PlanView::from(plan)))
}
