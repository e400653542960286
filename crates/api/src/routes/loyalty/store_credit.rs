//! Customers' store credit: the balance and the ledger that is its sum
//! (credited on returns settled as store credit, spent as payment method
//! `store_credit`, given back when a bill it paid is cancelled); and a
//! customer's own under `/api/v1/me`.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use jewel_domain::store_credit::{CreditEntry, CreditKind};
use jewel_persistence::repos::store_credit::StoreCredit;
use jewel_services::loyalty;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::routes::wire::{MoneyText, Paged, Pagination, SignedMoneyText};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(customer_credit)
        .service(customer_credit_entries)
        .service(my_credit)
        .service(my_credit_entries);
}

wire_enum! {
    /// What an entry of the store-credit ledger records: `credited` for
    /// goods returned, `spent` on a bill, `restored` when that bill was
    /// cancelled.
    CreditKindName mirrors CreditKind { Credited = "credited", Spent = "spent", Restored = "restored" }
}

/// A customer's store credit.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"customerId": "01936f0e-5555-7000-8000-000000000005", "balance": "25922.00"}))]
pub struct StoreCreditView {
    customer_id: uuid::Uuid,
    /// What the customer can spend as payment method `store_credit`.
    #[schema(value_type = MoneyText)]
    balance: String,
}

/// One entry of the store-credit ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-7777-7000-8000-000000000007",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "kind": "credited", "amount": "25922.00",
    "invoiceId": "01936f0e-8888-7000-8000-000000000008",
    "creditNoteId": "01936f0e-9999-7000-8000-000000000009",
    "reason": "Goods returned on credit note MDS1/CN/2026-27/000001",
    "actorKind": "staff", "actorId": "01936f0e-1111-7000-8000-000000000001",
    "createdAt": "2026-12-06T10:15:00Z"
}))]
pub struct CreditEntryView {
    id: uuid::Uuid,
    customer_id: uuid::Uuid,
    kind: CreditKindName,
    /// What it added to the balance (negative when spent).
    #[schema(value_type = SignedMoneyText)]
    amount: String,
    invoice_id: Option<uuid::Uuid>,
    credit_note_id: Option<uuid::Uuid>,
    #[schema(max_length = 500)]
    reason: String,
    /// `staff`, `client`, `customer` or `system`.
    #[schema(max_length = 16)]
    actor_kind: String,
    actor_id: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<CreditEntry> for CreditEntryView {
    fn from(e: CreditEntry) -> Self {
        Self {
            id: e.id,
            customer_id: e.customer_id,
            kind: e.kind.into(),
            amount: e.amount.to_string(),
            invoice_id: e.invoice_id,
            credit_note_id: e.credit_note_id,
            reason: e.reason,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            created_at: e.created_at,
        }
    }
}

async fn credit_of(state: &AppState, customer: uuid::Uuid) -> Result<StoreCreditView, ApiError> {
    let balance = StoreCredit::balance(state.database.connection(), customer).await?;
    Ok(StoreCreditView {
        customer_id: customer,
        balance: balance.to_string(),
    })
}

async fn entries_of(
    state: &AppState,
    customer: uuid::Uuid,
    pagination: &Pagination,
) -> Result<Paged<CreditEntryView>, ApiError> {
    let page =
        StoreCredit::entries(state.database.connection(), customer, pagination.page()?).await?;
    Ok(Paged::from_page(page, CreditEntryView::from))
}

/// A customer's store credit. Needs `loyalty:read` (what the store holds
/// for its customers: points and credit).
#[utoipa::path(
    tag = "loyalty",
    operation_id = "getCustomerStoreCredit",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer's store credit.", body = StoreCreditView),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/store-credit")]
pub async fn customer_credit(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<StoreCreditView>, ApiError> {
    loyalty::live_customer(state.database.connection(), *id).await?;
    Ok(web::Json(credit_of(&state, *id).await?))
}

/// A customer's store-credit ledger, newest first. Needs `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "listCustomerStoreCreditEntries",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id"), Pagination),
    responses(
        (status = 200, description = "One page of entries.", body = Paged<CreditEntryView>),
        (status = 404, description = "No such customer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/store-credit/entries")]
pub async fn customer_credit_entries(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<CreditEntryView>>, ApiError> {
    loyalty::live_customer(state.database.connection(), *id).await?;
    Ok(web::Json(entries_of(&state, *id, &pagination).await?))
}

/// Your own store credit (customers only; staff and API clients get 403).
#[utoipa::path(
    tag = "me",
    operation_id = "getMyStoreCredit",
    security(("bearer" = [])),
    responses((status = 200, description = "Your store credit.", body = StoreCreditView))
)]
#[get("/api/v1/me/store-credit")]
pub async fn my_credit(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<StoreCreditView>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(credit_of(&state, id).await?))
}

/// Your own store-credit ledger, newest first (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyStoreCreditEntries",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your entries.", body = Paged<CreditEntryView>))
)]
#[get("/api/v1/me/store-credit/entries")]
pub async fn my_credit_entries(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<CreditEntryView>>, ApiError> {
    let id = caller.customer()?;
    Ok(web::Json(entries_of(&state, id, &pagination).await?))
}
