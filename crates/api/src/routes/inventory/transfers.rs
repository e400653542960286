//! Transfers of pieces between branches: dispatch (pieces in transit),
//! receipt at the destination (in stock there), pieces that did not arrive
//! flagged as missing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::transfer::Transfer;
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::transfers::Transfers;
use jewel_services::inventory::transfers::{self, Dispatch};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::designs::check_text;
use super::dto::transfers::{NewTransfer, TransferQuery, TransferReceipt, TransferView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::{wire::Paged, wire::Pagination, wire::with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dispatch_transfer)
        .service(list_transfers)
        .service(get_transfer)
        .service(receive_transfer);
}

/// The most pieces in one transfer.
const MOST_PIECES: usize = 1000;

/// A transfer the caller may see: one of its branches sends or receives.
async fn visible_transfer(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Transfer, ApiError> {
    Transfers::get(state.database.connection(), id)
        .await?
        .filter(|t| caller.acts_in(t.from_branch_id) || caller.acts_in(t.to_branch_id))
        .ok_or(ApiError::NotFound)
}

/// Dispatch pieces to another branch: each is in transit to the
/// destination, with a transfer-out line in the ledger. All or none; errors
/// name `pieceIds[i]`. Needs `inventory:write` at the sending branch.
#[utoipa::path(
    tag = "transfers",
    operation_id = "dispatchTransfer",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = NewTransfer,
    responses(
        (status = 201, description = "Dispatched.", body = TransferView),
        (status = 409, description = "A piece is not in stock at the sending branch, or was moved meanwhile.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/transfers")]
pub async fn dispatch_transfer(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    request: IdempotentJson<NewTransfer>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let view = dispatch(&state, &caller, request.body).await?;
        Answer::new(
            StatusCode::CREATED,
            Some(format!("/api/v1/transfers/{}", view.id)),
            &view,
        )
    })
    .await
}

async fn dispatch(
    state: &AppState,
    caller: &Caller,
    body: NewTransfer,
) -> Result<TransferView, ApiError> {
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
    if body.piece_ids.is_empty() || body.piece_ids.len() > MOST_PIECES {
        errors.push(FieldError::new("pieceIds", "count", "1 to 1000 pieces"));
    }
    let note = check_text(&mut errors, "note", body.note.as_deref(), 500);
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let order = Dispatch {
        from_branch_id: body.from_branch_id,
        to_branch_id: body.to_branch_id,
        piece_ids: body.piece_ids,
        note,
    };
    let mut unit = state.unit(caller);
    let transfer = transfers::dispatch(&mut unit, &order).await?;
    unit.commit().await?;
    Ok(TransferView::from(transfer))
}

/// Receive a transfer at its destination: the pieces that arrived are in
/// stock there (a transfer-in line each), the rest flagged missing. Once
/// only: a second receipt is 409. Needs `inventory:write` at the destination.
#[utoipa::path(
    tag = "transfers",
    operation_id = "receiveTransfer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The transfer's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = TransferReceipt,
    responses(
        (status = 200, description = "Received.", body = TransferView),
        (status = 409, description = "Already received.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/transfers/{id}/receipt")]
pub async fn receive_transfer(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<TransferReceipt>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let view = receive(&state, &caller, *id, request.body).await?;
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}

async fn receive(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
    body: TransferReceipt,
) -> Result<TransferView, ApiError> {
    let transfer = visible_transfer(state, caller, id).await?;
    if !caller.acts_in(transfer.to_branch_id) {
        return Err(ApiError::Forbidden {
            permission: "inventory:write at the receiving branch",
        });
    }
    let mut unit = state.unit(caller);
    let after = transfers::receive(&mut unit, &transfer, &body.received_piece_ids).await?;
    unit.commit().await?;
    Ok(TransferView::from(after))
}

/// Read a transfer with the state of each piece. Needs `inventory:read` at
/// the sending or receiving branch.
#[utoipa::path(
    tag = "transfers",
    operation_id = "getTransfer",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The transfer's id")),
    responses((status = 200, description = "The transfer.", body = TransferView))
)]
#[get("/api/v1/transfers/{id}")]
pub async fn get_transfer(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let transfer = visible_transfer(&state, &caller, *id).await?;
    Ok(with_etag(transfer.version, TransferView::from(transfer)))
}

/// List transfers from or to the caller's branches, newest first. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "transfers",
    operation_id = "listTransfers",
    security(("bearer" = [])),
    params(TransferQuery, Pagination),
    responses((status = 200, description = "One page of transfers.", body = Paged<TransferView>))
)]
#[get("/api/v1/transfers")]
pub async fn list_transfers(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    Query(query): Query<TransferQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<TransferView>>, ApiError> {
    let page = Transfers::list(
        state.database.connection(),
        caller.branch_scope(),
        query.status.map(Into::into),
        pagination.page()?,
    )
    .await?;
    Ok(web::Json(Paged::from_page(page, TransferView::from)))
}
