//! The customer's metal account: entries recorded by staff (`jobs:write`),
//! read by staff (`jobs:read`) and by the customer under `/api/v1/me`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_persistence::repos::customer_metal::CustomerMetal;
use jewel_services::jobs::metal;
use utoipa_actix_web::service_config::ServiceConfig;

use super::metal_dto::{MetalAccountView, MetalEntryFields, MetalEntryView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::wire::{Paged, Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(record)
        .service(account)
        .service(entries)
        .service(my_account)
        .service(my_entries);
}

/// Record the customer's metal: `received` (weighed, tested: its fine
/// grams, rounded down to the milligram, go to the customer's balance of
/// that metal), `used` on one of their open jobs, `returned` to them, or
/// `bought` by the store at the fine `rate` (an old-gold purchase, no
/// GST). Metal going out beyond the balance is 422 and writes nothing; of
/// two entries racing for the last grams, one wins. Needs `jobs:write` in
/// the branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "recordCustomerMetal",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = MetalEntryFields,
    responses(
        (status = 201, description = "Recorded: the entry.", body = MetalEntryView),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is delivered or cancelled (`status`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "What the kind needs missing or not allowed (`grossWeight`, `fineness`, `fineWeight`, `jobId`, `rate`), not your branch (`branchId`), more than the balance (`fineWeight`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/metal")]
pub async fn record(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<MetalEntryFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let asked = request.body.request(*id)?;
        let mut unit = state.unit(&caller);
        let entry = metal::record(&mut unit, asked, caller.branch_scope()).await?;
        let view = MetalEntryView::from(entry);
        let location = Some(format!("/api/v1/customers/{id}/metal"));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

async fn account_of(state: &AppState, customer: uuid::Uuid) -> Result<MetalAccountView, ApiError> {
    let balances = CustomerMetal::balances(state.database.connection(), customer).await?;
    Ok(MetalAccountView::of(customer, balances))
}

async fn entries_of(
    state: &AppState,
    customer: uuid::Uuid,
    pagination: &Pagination,
) -> Result<Paged<MetalEntryView>, ApiError> {
    let page =
        CustomerMetal::entries(state.database.connection(), customer, pagination.page()?).await?;
    Ok(Paged::from_page(page, MetalEntryView::from))
}

async fn live(state: &AppState, customer: uuid::Uuid) -> Result<(), ApiError> {
    jewel_services::crm::live_customer(state.database.connection(), customer)
        .await
        .map(|_| ())
        .map_err(|_| ApiError::NotFound)
}

/// The customer's metal held by the store, in fine grams by metal. Needs
/// `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getCustomerMetal",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer's metal.", body = MetalAccountView),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/metal")]
pub async fn account(
    state: web::Data<AppState>,
    _caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MetalAccountView>, ApiError> {
    live(&state, *id).await?;
    Ok(web::Json(account_of(&state, *id).await?))
}

/// The customer's metal ledger, newest first: its entries sum to the
/// balance. Needs `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listCustomerMetalEntries",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id"), Pagination),
    responses(
        (status = 200, description = "One page of entries.", body = Paged<MetalEntryView>),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/metal/entries")]
pub async fn entries(
    state: web::Data<AppState>,
    _caller: Authorized<needs::JobsRead>,
    id: web::Path<uuid::Uuid>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<MetalEntryView>>, ApiError> {
    live(&state, *id).await?;
    Ok(web::Json(entries_of(&state, *id, &pagination).await?))
}

/// Your own metal held by the store (customers only; staff and API
/// clients get 403).
#[utoipa::path(
    tag = "me",
    operation_id = "getMyMetal",
    security(("bearer" = [])),
    responses((status = 200, description = "Your metal.", body = MetalAccountView))
)]
#[get("/api/v1/me/metal")]
pub async fn my_account(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<MetalAccountView>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(account_of(&state, id).await?))
}

/// Your own metal ledger, newest first (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyMetalEntries",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your entries.", body = Paged<MetalEntryView>))
)]
#[get("/api/v1/me/metal/entries")]
pub async fn my_entries(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<MetalEntryView>>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(entries_of(&state, id, &pagination).await?))
}
