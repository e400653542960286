//! Stock counts against scanned tags or EPCs, and stock on hand per branch
//! as the pieces and the ledger each count it.

use actix_web::{HttpResponse, get, post, web};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::stock::Stock;
use jewel_persistence::repos::stock_audits::StockAudits;
use jewel_services::inventory::stock_counts;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::stock::{
    BranchOnHand, OnHandView, ScrapHolding, ScrapView, StockAuditView, StockCount,
};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{wire::Paged, wire::Pagination, wire::created};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(count_stock)
        .service(list_stock_audits)
        .service(get_stock_audit)
        .service(stock_on_hand)
        .service(scrap_stock);
}

/// The most codes in one count.
const MOST_CODES: usize = 20_000;

/// Count a branch's stock: send every tag number or EPC scanned (thousands
/// in one call) and get back what matched, what is missing (expected on the
/// shelves, not scanned) and what was unexpected (unknown, another branch's,
/// or not in stock). The count is kept. Needs `inventory:write` at the branch.
#[utoipa::path(
    tag = "stock",
    operation_id = "countStock",
    security(("bearer" = [])),
    request_body = StockCount,
    responses((status = 201, description = "Counted.", body = StockAuditView))
)]
#[post("/api/v1/stock-audits")]
pub async fn count_stock(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    Json(body): Json<StockCount>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    if !caller.acts_in(body.branch_id) {
        errors.push(FieldError::new(
            "branchId",
            "out_of_scope",
            "not one of your branches",
        ));
    }
    if body.scanned.is_empty() || body.scanned.len() > MOST_CODES {
        errors.push(FieldError::new("scanned", "count", "1 to 20000 codes"));
    }
    for (i, code) in body.scanned.iter().enumerate() {
        let code = code.trim();
        if code.is_empty()
            || code.len() > 64
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            errors.push(FieldError::new(
                format!("scanned[{i}]"),
                "format",
                "a tag number or an EPC",
            ));
        }
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let mut unit = state.unit(&caller);
    let counted = stock_counts::count_stock(&mut unit, body.branch_id, &body.scanned).await?;
    unit.commit().await?;
    let view = StockAuditView::from(counted);
    Ok(created(
        format!("/api/v1/stock-audits/{}", view.id),
        1,
        view,
    ))
}

/// Read a stock count. Needs `inventory:read` at its branch.
#[utoipa::path(
    tag = "stock",
    operation_id = "getStockAudit",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The count's id")),
    responses((status = 200, description = "The count.", body = StockAuditView))
)]
#[get("/api/v1/stock-audits/{id}")]
pub async fn get_stock_audit(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<StockAuditView>, ApiError> {
    let audit = StockAudits::get(state.database.connection(), *id)
        .await?
        .filter(|a| caller.acts_in(a.branch_id))
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(audit.into()))
}

/// List the stock counts of the caller's branches, newest first. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "stock",
    operation_id = "listStockAudits",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of counts.", body = Paged<StockAuditView>))
)]
#[get("/api/v1/stock-audits")]
pub async fn list_stock_audits(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<StockAuditView>>, ApiError> {
    let page = StockAudits::list(
        state.database.connection(),
        caller.branch_scope(),
        pagination.page()?,
    )
    .await?;
    Ok(web::Json(Paged::from_page(page, StockAuditView::from)))
}

/// Stock on hand in each of the caller's branches, counted from the pieces
/// and summed from the stock ledger: a reconciliation that always balances.
/// Needs `inventory:read`.
#[utoipa::path(
    tag = "stock",
    operation_id = "getStockOnHand",
    security(("bearer" = [])),
    responses((status = 200, description = "Stock on hand per branch.", body = OnHandView))
)]
#[get("/api/v1/stock/on-hand")]
pub async fn stock_on_hand(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
) -> Result<web::Json<OnHandView>, ApiError> {
    let db = state.database.connection();
    state.holds.before_list(db).await?;
    let totals = Stock::on_hand(db).await?;
    Ok(web::Json(OnHandView {
        branches: totals
            .into_iter()
            .filter(|(branch, _)| caller.acts_in(*branch))
            .map(|(branch_id, on_hand)| BranchOnHand {
                branch_id,
                pieces: on_hand.pieces,
                ledger: on_hand.ledger,
                balanced: on_hand.pieces == on_hand.ledger,
            })
            .collect(),
    }))
}

/// Old metal taken in exchange on bills and held as scrap in each of the
/// caller's branches, by metal and tested fineness, with the value credited
/// for it (a cancelled bill takes its old metal back out). Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "stock",
    operation_id = "getScrapStock",
    security(("bearer" = [])),
    responses((status = 200, description = "Scrap held per branch and grade.", body = ScrapView))
)]
#[get("/api/v1/stock/scrap")]
pub async fn scrap_stock(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
) -> Result<web::Json<ScrapView>, ApiError> {
    let held = Invoices::scrap_on_hand(state.database.connection(), caller.branch_scope()).await?;
    Ok(web::Json(ScrapView {
        items: held
            .into_iter()
            .map(|(branch_id, metal, fineness, weight, value)| ScrapHolding {
                branch_id,
                metal: metal.into(),
                fineness,
                weight: weight.to_string(),
                value: value.to_string(),
            })
            .collect(),
    }))
}
