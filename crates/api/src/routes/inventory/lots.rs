//! Lots: stock sold by count or weight, with quantity on hand per branch;
//! receipts, adjustments and transfers, each a line in the lot ledger.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::lot::{Lot, LotMovementKind, LotUnit, NewLot};
use jewel_domain::metal::Purity;
use jewel_domain::piece::{TagNumber, check_label};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::lots::{LotChange, LotError, Lots};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::designs::check_text;
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::{wire::MetalName, wire::Paged, wire::Pagination, wire::collect, wire::created};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_lot)
        .service(list_lots)
        .service(get_lot)
        .service(change_lot)
        .service(transfer_lot);
}

wire_enum! {
    /// How a lot is counted: `count` (pieces) or `weight` (grams, 3 places).
    LotUnitName mirrors LotUnit { Count = "count", Weight = "weight" }
}

/// A lot to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "COIN-24K-10G", "name": "Lakshmi coin 10 g", "category": "coin",
    "unit": "count", "metal": "gold", "fineness": 999
}))]
pub struct LotFields {
    #[schema(max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    name: String,
    #[schema(value_type = crate::routes::wire::ShortText)]
    category: String,
    unit: LotUnitName,
    metal: Option<MetalName>,
    #[schema(value_type = Option<crate::routes::wire::Fineness>)]
    fineness: Option<u16>,
}

impl LotFields {
    fn check(self) -> Result<NewLot, Invalid> {
        let mut errors = Vec::new();
        let code = collect(&mut errors, TagNumber::parse("code", &self.code));
        let name = check_text(&mut errors, "name", Some(&self.name), 120);
        if name.is_none() && !errors.iter().any(|e| e.field == "name") {
            errors.push(FieldError::new("name", "required", "1 to 120 characters"));
        }
        let category = check_label("category", &self.category, 40)
            .map_err(|e| errors.push(e))
            .ok();
        let purity = match (self.metal, self.fineness) {
            (Some(metal), Some(fineness)) => collect(
                &mut errors,
                Purity::parse("fineness", metal.into(), fineness),
            ),
            (None, None) => None,
            _ => {
                errors.push(FieldError::new(
                    "fineness",
                    "together",
                    "metal and fineness go together",
                ));
                None
            }
        };
        match (code, name, category, Invalid::from_errors(errors)) {
            (Some(code), Some(name), Some(category), None) => Ok(NewLot {
                code: code.as_str().to_owned(),
                name,
                category,
                unit: self.unit.into(),
                purity,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid lot")),
        }
    }
}

/// A quantity at one branch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BranchQuantity {
    branch_id: uuid::Uuid,
    /// Pieces, or grams with 3 places.
    #[schema(max_length = 20, pattern = r"^-?[0-9]+(\.[0-9]{3})?$")]
    quantity: String,
}

/// A lot with its quantity on hand in the caller's branches.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000c9", "code": "COIN-24K-10G",
    "name": "Lakshmi coin 10 g", "category": "coin", "unit": "count", "metal": "gold",
    "fineness": 999,
    "onHand": [{"branchId": "01936f0e-0000-7000-8000-000000000001", "quantity": "12"}],
    "ledger": [{"branchId": "01936f0e-0000-7000-8000-000000000001", "quantity": "12"}],
    "createdAt": "2026-11-21T09:30:00Z"
}))]
pub struct LotView {
    id: uuid::Uuid,
    #[schema(max_length = 32)]
    code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    name: String,
    #[schema(value_type = crate::routes::wire::ShortText)]
    category: String,
    unit: LotUnitName,
    metal: Option<MetalName>,
    #[schema(value_type = Option<crate::routes::wire::Fineness>)]
    fineness: Option<u16>,
    #[schema(max_items = 1000)]
    on_hand: Vec<BranchQuantity>,
    /// The same, summed from the lot ledger; always equal to `onHand`.
    #[schema(max_items = 1000)]
    ledger: Vec<BranchQuantity>,
    created_at: DateTime<Utc>,
}

impl LotView {
    fn for_caller(lot: Lot, caller: &Caller) -> Self {
        let unit = lot.unit;
        let quantities = |list: Vec<(uuid::Uuid, i64)>| {
            list.into_iter()
                .filter(|(branch, _)| caller.acts_in(*branch))
                .map(|(branch_id, units)| BranchQuantity {
                    branch_id,
                    quantity: unit.format(units),
                })
                .collect()
        };
        Self {
            id: lot.id,
            code: lot.code,
            name: lot.name,
            category: lot.category,
            unit: unit.into(),
            metal: lot.purity.map(|p| p.metal().into()),
            fineness: lot.purity.map(|p| p.fineness()),
            on_hand: quantities(lot.on_hand),
            ledger: quantities(lot.ledger),
            created_at: lot.created_at,
        }
    }
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
    let txn = jewel_persistence::begin_writing(state.database.connection()).await?;
    let lot = Lots::create(&txn, &new).await?;
    let view = LotView::for_caller(lot, &caller);
    crate::audit::record(&txn, &*caller, "create", "lot", view.id, None, Some(&view)).await?;
    txn.commit().await?;
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

/// In or out.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

/// A receipt or an adjustment of a lot at one branch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001", "kind": "receipt", "quantity": "12"
}))]
pub struct LotMovementFields {
    branch_id: uuid::Uuid,
    /// `receipt` (in) or `adjustment` (in or out, with a reason). Sales and
    /// returns come from bills.
    #[schema(pattern = "^(receipt|adjustment)$", max_length = 10)]
    kind: String,
    /// Pieces, or grams with up to 3 places; more than 0.
    #[schema(
        max_length = 20,
        pattern = r"^(?!0*(\.0*)?$)[0-9]{1,12}(\.[0-9]{1,3})?$"
    )]
    quantity: String,
    /// For an adjustment: which way. Receipts are always in.
    direction: Option<Direction>,
    #[schema(max_length = 500)]
    reason: Option<String>,
}

fn not_enough(error: LotError, unit: LotUnit, field: &str) -> ApiError {
    match error {
        LotError::NotEnough { on_hand } => ApiError::Conflict {
            detail: format!("only {} on hand", unit.format(on_hand)),
            errors: vec![FieldError::new(
                field,
                "not_enough",
                format!("only {} on hand", unit.format(on_hand)),
            )],
        },
        LotError::Repo(error) => error.into(),
    }
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
        let txn = jewel_persistence::begin_writing(db).await?;
        Lots::change(&txn, lot.id, &change, caller.author())
            .await
            .map_err(|e| not_enough(e, lot.unit, "quantity"))?;
        let after = Lots::get(&txn, lot.id).await?.ok_or(ApiError::NotFound)?;
        let view = LotView::for_caller(after, &caller);
        crate::audit::record(
            &txn,
            &*caller,
            kind.as_str(),
            "lot",
            lot.id,
            None,
            Some(&view),
        )
        .await?;
        txn.commit().await?;
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}

/// A quantity of a lot to move between branches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
    "toBranchId": "01936f0e-0000-7000-8000-000000000002", "quantity": "5"
}))]
pub struct LotTransferFields {
    from_branch_id: uuid::Uuid,
    to_branch_id: uuid::Uuid,
    /// Pieces, or grams with up to 3 places; more than 0.
    #[schema(
        max_length = 20,
        pattern = r"^(?!0*(\.0*)?$)[0-9]{1,12}(\.[0-9]{1,3})?$"
    )]
    quantity: String,
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
        let txn = jewel_persistence::begin_writing(db).await?;
        let out = LotChange {
            branch_id: body.from_branch_id,
            kind: LotMovementKind::TransferOut,
            quantity: -quantity,
            reason: None,
        };
        Lots::change(&txn, lot.id, &out, caller.author())
            .await
            .map_err(|e| not_enough(e, lot.unit, "quantity"))?;
        let into = LotChange {
            branch_id: body.to_branch_id,
            kind: LotMovementKind::TransferIn,
            quantity,
            reason: None,
        };
        Lots::change(&txn, lot.id, &into, caller.author())
            .await
            .map_err(|e| match e {
                LotError::Repo(jewel_persistence::RepoError::MissingReference { .. }) => {
                    Invalid::field("toBranchId", "not_found", "no such branch").into()
                }
                other => not_enough(other, lot.unit, "quantity"),
            })?;
        let after = Lots::get(&txn, lot.id).await?.ok_or(ApiError::NotFound)?;
        let view = LotView::for_caller(after, &caller);
        crate::audit::record(&txn, &*caller, "transfer", "lot", lot.id, None, Some(&view)).await?;
        txn.commit().await?;
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}
