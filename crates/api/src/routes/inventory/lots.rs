//! Lots: stock sold by count or weight, with quantity on hand per branch;
//! receipts, adjustments and transfers, each a line in the lot ledger.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::lot::LotMovementKind;
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::lots::{LotChange, Lots};
use jewel_services::inventory::lots;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::designs::check_text;
use super::dto::lots::{Direction, LotFields, LotMovementFields, LotTransferFields, LotView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::{wire::Paged, wire::Pagination, wire::collect, wire::created};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_lot)
        .service(list_lots)
        .service(get_lot)
        .service(change_lot)
        .service(transfer_lot);
}

/// Add a lot (nothing on hand yet). Needs `inventory:write`.
#[utoipa::path(
    tag = "lots",
    operation_id = "createLot",
    security(("bearer" = [])),
    request_body = LotFields,
    responses(
        (status = 201, description = "Added.", body = LotView),
        (status = 409, description = "The code is taken.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/lots")]
pub async fn create_lot(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    Json(body): Json<LotFields>,
) -> Result<HttpResponse, ApiError> {
    let new = body.check()?;
    let mut unit = state.unit(&caller);
    let lot = lots::create(&mut unit, &new).await?;
    unit.commit().await?;
    let view = LotView::for_caller(lot, &caller);
    Ok(created(format!("/api/v1/lots/{}", view.id), 1, view))
}

/// List lots with their quantity in the caller's branches. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "lots",
    operation_id = "listLots",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of lots.", body = Paged<LotView>))
)]
#[get("/api/v1/lots")]
pub async fn list_lots(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<LotView>>, ApiError> {
    let page = Lots::list(state.database.connection(), pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |l| {
        LotView::for_caller(l, &caller)
    })))
}

/// Read a lot with its quantity in the caller's branches. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "lots",
    operation_id = "getLot",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The lot's id")),
    responses((status = 200, description = "The lot.", body = LotView))
)]
#[get("/api/v1/lots/{id}")]
pub async fn get_lot(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<LotView>, ApiError> {
    let lot = Lots::get(state.database.connection(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(LotView::for_caller(lot, &caller)))
}

/// Receive or adjust a lot at a branch, with a line in the lot ledger. An
/// adjustment out of more than is on hand is 409. Needs `inventory:write`
/// at the branch.
#[utoipa::path(
    tag = "lots",
    operation_id = "changeLot",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The lot's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer and change nothing."),
    ),
    request_body = LotMovementFields,
    responses(
        (status = 200, description = "Changed; the lot as it now stands.", body = LotView),
        (status = 409, description = "Not that much on hand.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/lots/{id}/movements")]
pub async fn change_lot(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<LotMovementFields>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    let db = state.database.connection();
    let lot = Lots::get(db, *id).await?.ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    if !caller.acts_in(body.branch_id) {
        errors.push(FieldError::new(
            "branchId",
            "out_of_scope",
            "not one of your branches",
        ));
    }
    let quantity = collect(
        &mut errors,
        lot.unit.parse_quantity("quantity", &body.quantity),
    );
    let reason = check_text(&mut errors, "reason", body.reason.as_deref(), 500);
    let kind = match (body.kind.as_str(), body.direction) {
        ("receipt", None | Some(Direction::In)) => Some((LotMovementKind::Receipt, 1)),
        ("adjustment", Some(direction)) if reason.is_some() => Some((
            LotMovementKind::Adjustment,
            if matches!(direction, Direction::In) {
                1
            } else {
                -1
            },
        )),
        ("adjustment", Some(_)) => {
            errors.push(FieldError::new(
                "reason",
                "required",
                "an adjustment says why",
            ));
            None
        }
        ("adjustment", None) => {
            errors.push(FieldError::new("direction", "required", "in or out"));
            None
        }
        ("receipt", Some(Direction::Out)) => {
            errors.push(FieldError::new(
                "direction",
                "receipt_in",
                "a receipt comes in",
            ));
            None
        }
        _ => {
            errors.push(FieldError::new("kind", "unknown", "receipt or adjustment"));
            None
        }
    };
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let (Some(quantity), Some((kind, sign))) = (quantity, kind) else {
        return Err(Invalid::field("body", "invalid", "invalid movement").into());
    };
    let change = LotChange {
        branch_id: body.branch_id,
        kind,
        quantity: sign * quantity,
        reason,
    };
    idempotency::once(&state, &caller, request.key, || async {
        let mut unit = state.unit(&caller);
        let after = lots::change(&mut unit, &lot, &change).await?;
        unit.commit().await?;
        let view = LotView::for_caller(after, &caller);
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}

/// Move a quantity of a lot from one branch to another at once (a
/// transfer-out and a transfer-in line). More than is on hand is 409.
/// Needs `inventory:write` at the sending branch.
#[utoipa::path(
    tag = "lots",
    operation_id = "transferLot",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The lot's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer and change nothing."),
    ),
    request_body = LotTransferFields,
    responses(
        (status = 200, description = "Moved; the lot as it now stands.", body = LotView),
        (status = 409, description = "Not that much on hand at the sending branch.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/lots/{id}/transfers")]
pub async fn transfer_lot(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<LotTransferFields>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    let db = state.database.connection();
    let lot = Lots::get(db, *id).await?.ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    if !caller.acts_in(body.from_branch_id) {
        errors.push(FieldError::new(
            "fromBranchId",
            "out_of_scope",
            "not one of your branches",
        ));
    }
    if body.to_branch_id == body.from_branch_id {
        errors.push(FieldError::new(
            "toBranchId",
            "same_branch",
            "must differ from fromBranchId",
        ));
    }
    let quantity = collect(
        &mut errors,
        lot.unit.parse_quantity("quantity", &body.quantity),
    );
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let quantity = quantity.unwrap_or_default();
    idempotency::once(&state, &caller, request.key, || async {
        let mut unit = state.unit(&caller);
        let after = lots::transfer(
            &mut unit,
            &lot,
            body.from_branch_id,
            body.to_branch_id,
            quantity,
        )
        .await?;
        unit.commit().await?;
        let view = LotView::for_caller(after, &caller);
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}
