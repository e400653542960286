//! Stock counts against scanned tags or EPCs, and stock on hand per branch
//! as the pieces and the ledger each count it.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::stock_audit::{StockAudit, count, distinct_codes};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::stock::Stock;
use jewel_persistence::repos::stock_audits::StockAudits;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

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

/// What a scanner read in a branch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "scanned": ["GN-22-000123", "3034257BF400B7800004CB2F", "RG-18-000044"]
}))]
pub struct StockCount {
    branch_id: uuid::Uuid,
    /// Tag numbers or EPCs, in any case, repeats allowed; up to 20,000.
    #[schema(min_items = 1, max_items = 20000, value_type = Vec<ScannedCode>)]
    scanned: Vec<String>,
}

bounded_string!(
    /// A tag number or an EPC as a scanner read it.
    ScannedCode, 1, 64, Some(r"^\s*[A-Za-z0-9-]{1,64}\s*$")
);

/// A piece expected on the shelves and not scanned.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingPiece {
    piece_id: uuid::Uuid,
    #[schema(max_length = 32)]
    tag_number: String,
}

/// A code scanned that was not expected on the shelves.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnexpectedCode {
    #[schema(max_length = 64)]
    code: String,
    /// The piece it names, if it is this branch's (never another branch's).
    piece_id: Option<uuid::Uuid>,
    /// `unknown` (no such tag or EPC), `elsewhere` (another branch's piece)
    /// or `not_in_stock` (sold, melted, on approval, at a repairer, in transit).
    #[schema(pattern = "^(unknown|elsewhere|not_in_stock)$", max_length = 12)]
    reason: &'static str,
}

/// A stock count and what did not match.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000b1",
    "branchId": "01936f0e-0000-7000-8000-000000000001", "scanned": 3, "matched": 2,
    "missing": [{"pieceId": "01936f0e-0000-7000-8000-0000000000e9", "tagNumber": "BG-22-000017"}],
    "unexpected": [{"code": "RG-18-000044", "pieceId": "01936f0e-0000-7000-8000-0000000000e4", "reason": "not_in_stock"}],
    "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000010",
    "at": "2026-11-21T18:30:00Z"
}))]
pub struct StockAuditView {
    id: uuid::Uuid,
    branch_id: uuid::Uuid,
    /// Distinct codes scanned.
    #[schema(minimum = 0, maximum = 20000)]
    scanned: u32,
    #[schema(minimum = 0, maximum = 20000)]
    matched: u32,
    #[schema(max_items = 1000000)]
    missing: Vec<MissingPiece>,
    #[schema(max_items = 20000)]
    unexpected: Vec<UnexpectedCode>,
    #[schema(max_length = 16)]
    actor_kind: String,
    actor_id: uuid::Uuid,
    at: DateTime<Utc>,
}

impl From<StockAudit> for StockAuditView {
    fn from(a: StockAudit) -> Self {
        Self {
            id: a.id,
            branch_id: a.branch_id,
            scanned: u32::try_from(a.scanned).unwrap_or(u32::MAX),
            matched: u32::try_from(a.matched).unwrap_or(u32::MAX),
            missing: a
                .missing
                .into_iter()
                .map(|(piece_id, tag_number)| MissingPiece {
                    piece_id,
                    tag_number,
                })
                .collect(),
            unexpected: a
                .unexpected
                .into_iter()
                .map(|(code, piece_id, why)| UnexpectedCode {
                    code,
                    piece_id,
                    reason: why.as_str(),
                })
                .collect(),
            actor_kind: a.actor_kind,
            actor_id: a.actor_id,
            at: a.at,
        }
    }
}

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
    let db = state.database.connection();
    if jewel_persistence::repos::branches::Branches::get(db, body.branch_id)
        .await?
        .is_none()
    {
        return Err(Invalid::field("branchId", "not_found", "no such branch").into());
    }
    Pieces::release_expired(db, Utc::now()).await?;
    let codes = distinct_codes(&body.scanned);
    let expected = Pieces::in_store(db, body.branch_id).await?;
    let known = Pieces::by_codes(db, &codes).await?;
    let counted = count(body.branch_id, &expected, &codes, &known);
    let tags: std::collections::HashMap<uuid::Uuid, &str> = expected
        .iter()
        .map(|p| (p.id, p.tag_number.as_str()))
        .collect();
    let (actor_kind, actor_id) = caller.author();
    let audit = StockAudit {
        id: uuid::Uuid::now_v7(),
        branch_id: body.branch_id,
        scanned: counted.scanned,
        matched: counted.matched,
        missing: counted
            .missing
            .iter()
            .map(|id| (*id, tags.get(id).copied().unwrap_or_default().to_owned()))
            .collect(),
        unexpected: counted.unexpected,
        actor_kind: actor_kind.to_owned(),
        actor_id,
        at: Utc::now(),
    };
    let txn = jewel_persistence::begin_writing(db).await?;
    StockAudits::record(&txn, &audit).await?;
    let view = StockAuditView::from(audit);
    crate::audit::record(
        &txn,
        &*caller,
        "count",
        "stock_audit",
        view.id,
        None,
        Some(&serde_json::json!({
            "branchId": view.branch_id, "scanned": view.scanned, "matched": view.matched,
            "missing": view.missing.len(), "unexpected": view.unexpected.len()
        })),
    )
    .await?;
    txn.commit().await?;
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

/// One branch's stock on hand.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BranchOnHand {
    branch_id: uuid::Uuid,
    /// Pieces in the store's hands (in stock, reserved, on approval, in
    /// repair, returned), counted from the pieces.
    #[schema(minimum = 0)]
    pieces: i64,
    /// The same, summed from the stock ledger.
    #[schema(minimum = 0)]
    ledger: i64,
    /// Whether the two agree (they always should).
    balanced: bool,
}

/// Stock on hand per branch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"branches": [
    {"branchId": "01936f0e-0000-7000-8000-000000000001", "pieces": 1820, "ledger": 1820, "balanced": true}
]}))]
pub struct OnHandView {
    #[schema(max_items = 1000)]
    branches: Vec<BranchOnHand>,
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
    Pieces::release_expired(db, Utc::now()).await?;
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

/// Old metal of one grade held at a branch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScrapHolding {
    branch_id: uuid::Uuid,
    metal: crate::routes::wire::MetalName,
    /// Parts per thousand, as tested.
    #[schema(minimum = 1, maximum = 999)]
    fineness: u16,
    #[schema(value_type = crate::routes::wire::WeightText)]
    weight: String,
    /// What was credited for it on bills.
    #[schema(value_type = crate::routes::wire::MoneyText)]
    value: String,
}

/// Scrap stock: old metal taken in exchange, by branch and grade.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {"branchId": "01936f0e-0000-7000-8000-000000000001", "metal": "gold", "fineness": 916,
     "weight": "2.000", "value": "22540.00"}
]}))]
pub struct ScrapView {
    #[schema(max_items = 1000)]
    items: Vec<ScrapHolding>,
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
