//! Customers' points: where they stand, the ledger, adjustments by hand;
//! and a customer's own under `/api/v1/me`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_services::loyalty::{self, Adjustment};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{AdjustmentFields, EntryView, StandingView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::wire::{Paged, Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(customer_points)
        .service(customer_entries)
        .service(adjust_points)
        .service(my_points)
        .service(my_entries);
}

/// 404 unless the customer exists and was neither merged nor erased.
async fn known_customer(state: &AppState, id: uuid::Uuid) -> Result<(), ApiError> {
    Ok(loyalty::live_customer(state.database.connection(), id).await?)
}

async fn standing_of(state: &AppState, customer: uuid::Uuid) -> Result<StandingView, ApiError> {
    let db = state.database.connection();
    let (programme, _) = Loyalty::programme(db).await?;
    let standing = loyalty::standing(db, &programme, customer, Utc::now()).await?;
    Ok(StandingView::of(standing, &programme))
}

async fn entries_of(
    state: &AppState,
    customer: uuid::Uuid,
    pagination: &Pagination,
) -> Result<Paged<EntryView>, ApiError> {
    let page = Loyalty::entries(state.database.connection(), customer, pagination.page()?).await?;
    Ok(Paged::from_page(page, EntryView::from))
}

/// Where a customer's points stand: balance, pending, available and what
/// it is worth, tier, next expiry. Needs `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "getCustomerPoints",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer's points.", body = StandingView),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/loyalty")]
pub async fn customer_points(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<StandingView>, ApiError> {
    known_customer(&state, *id).await?;
    Ok(web::Json(standing_of(&state, *id).await?))
}

/// A customer's points ledger, newest first. Needs `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "listCustomerPointEntries",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id"), Pagination),
    responses(
        (status = 200, description = "One page of entries.", body = Paged<EntryView>),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/loyalty/entries")]
pub async fn customer_entries(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<EntryView>>, ApiError> {
    known_customer(&state, *id).await?;
    Ok(web::Json(entries_of(&state, *id, &pagination).await?))
}

/// Add points to a customer, or take active points away, with a reason;
/// audited. An `externalId` sent again answers with the entry made the
/// first time (200, not 201) and changes nothing; the same id with other
/// points is 422. Taking more than the active points is 422 naming
/// `points`. Needs `loyalty:adjust` (owner, manager).
#[utoipa::path(
    tag = "loyalty",
    operation_id = "adjustCustomerPoints",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer and change nothing."),
    ),
    request_body = AdjustmentFields,
    responses(
        (status = 201, description = "Adjusted; the entry made.", body = EntryView),
        (status = 200, description = "Made before under this external id; the entry made then.", body = EntryView),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The points changed meanwhile; try again.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/loyalty/adjustments")]
pub async fn adjust_points(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltyAdjust>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<AdjustmentFields>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    let adjustment = Adjustment {
        customer_id: *id,
        points: body.points,
        reason: body.reason,
        external_id: body.external_id,
    };
    idempotency::once(&state, &caller, request.key, || async {
        let mut unit = state.unit(&caller);
        let (entry, made) = loyalty::adjust(&mut unit, &adjustment).await?;
        let status = if made {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let location = format!("/api/v1/customers/{}/loyalty/entries", entry.customer_id);
        let view = EntryView::from(entry);
        idempotency::keep_in(&mut unit, status, Some(location.clone()), &view)?;
        unit.commit().await?;
        Answer::new(status, Some(location), &view)
    })
    .await
}

/// Your own points (customers logged in with
/// `POST /api/v1/auth/customer-login`); staff and API clients get 403.
#[utoipa::path(
    tag = "me",
    operation_id = "getMyPoints",
    security(("bearer" = [])),
    responses((status = 200, description = "Your points.", body = StandingView))
)]
#[get("/api/v1/me/loyalty")]
pub async fn my_points(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<StandingView>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(standing_of(&state, id).await?))
}

/// Your own points ledger, newest first (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyPointEntries",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your entries.", body = Paged<EntryView>))
)]
#[get("/api/v1/me/loyalty/entries")]
pub async fn my_entries(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<EntryView>>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(entries_of(&state, id, &pagination).await?))
}
