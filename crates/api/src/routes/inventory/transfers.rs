//! Transfers of pieces between branches: dispatch (pieces in transit),
//! receipt at the destination (in stock there), pieces that did not arrive
//! flagged as missing.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::piece::PieceStatus;
use jewel_domain::transfer::{Transfer, TransferStatus};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::transfers::{TransferError, Transfers};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::designs::check_text;
use super::dto::transfers::{NewTransfer, TransferQuery, TransferReceipt, TransferView};
use super::stock_moves::moved_meanwhile;
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::{wire::Paged, wire::Pagination, wire::with_etag};
use crate::state::AppState;
use jewel_services::inventory::events::{TransferDispatched, TransferMoved, TransferReceived};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dispatch_transfer)
        .service(list_transfers)
        .service(get_transfer)
        .service(receive_transfer);
}

/// The most pieces in one transfer.
const MOST_PIECES: usize = 1000;

fn transfer_error(error: TransferError) -> ApiError {
    match error {
        TransferError::MovedMeanwhile => moved_meanwhile(),
        TransferError::Repo(error) => error.into(),
    }
}

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
    let db = state.database.connection();
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
    } else if Branches::get(db, body.to_branch_id).await?.is_none() {
        errors.push(FieldError::new("toBranchId", "not_found", "no such branch"));
    }
    if body.piece_ids.is_empty() || body.piece_ids.len() > MOST_PIECES {
        errors.push(FieldError::new("pieceIds", "count", "1 to 1000 pieces"));
    }
    let note = check_text(&mut errors, "note", body.note.as_deref(), 500);
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let pieces = Pieces::many(db, &body.piece_ids).await?;
    let found: std::collections::HashMap<uuid::Uuid, &jewel_domain::piece::Piece> =
        pieces.iter().map(|p| (p.id, p)).collect();
    let mut seen = HashSet::new();
    let mut conflicts = Vec::new();
    let mut unknown = Vec::new();
    for (i, id) in body.piece_ids.iter().enumerate() {
        let field = format!("pieceIds[{i}]");
        match found.get(id) {
            None => unknown.push(FieldError::new(field, "not_found", "no such piece")),
            Some(p) if p.branch_id != body.from_branch_id => {
                unknown.push(FieldError::new(
                    field,
                    "elsewhere",
                    "not at the sending branch",
                ));
            }
            Some(p) if !seen.insert(*id) => {
                unknown.push(FieldError::new(
                    field,
                    "repeated",
                    format!("{} is given twice", p.tag_number.as_str()),
                ));
            }
            Some(p) if !p.status.can_become(PieceStatus::InTransit) => {
                conflicts.push(FieldError::new(
                    field,
                    "not_in_stock",
                    format!("{} is {}", p.tag_number.as_str(), p.status.as_str()),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(invalid) = Invalid::from_errors(unknown) {
        return Err(invalid.into());
    }
    if !conflicts.is_empty() {
        return Err(ApiError::Conflict {
            detail: "only pieces in stock can be transferred".to_owned(),
            errors: conflicts,
        });
    }
    let mut unit = state.unit(caller);
    let txn = unit.txn().await?;
    let id = Transfers::dispatch(
        txn,
        body.from_branch_id,
        body.to_branch_id,
        &pieces,
        note,
        caller.author(),
    )
    .await
    .map_err(transfer_error)?;
    let transfer = Transfers::get(txn, id).await?.ok_or(ApiError::NotFound)?;
    let event = TransferDispatched(TransferMoved::of(&transfer, |_| true));
    let view = TransferView::from(transfer);
    unit.audit("dispatch", "transfer", id, None, Some(&view))?;
    unit.emit(&event)?;
    unit.commit().await?;
    Ok(view)
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
    if transfer.status != TransferStatus::InTransit {
        return Err(ApiError::Conflict {
            detail: "this transfer was received already".to_owned(),
            errors: Vec::new(),
        });
    }
    let in_transfer: HashSet<uuid::Uuid> = transfer.pieces.iter().map(|(id, _)| *id).collect();
    let errors: Vec<FieldError> = body
        .received_piece_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !in_transfer.contains(id))
        .map(|(i, _)| {
            FieldError::new(
                format!("receivedPieceIds[{i}]"),
                "not_in_transfer",
                "not a piece of this transfer",
            )
        })
        .collect();
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let arrived: HashSet<uuid::Uuid> = body.received_piece_ids.iter().copied().collect();
    let (states, status) = transfer.receipt(&arrived);
    let mut unit = state.unit(caller);
    let txn = unit.txn().await?;
    Transfers::receive(txn, &transfer, &states, status, caller.author())
        .await
        .map_err(|e| match e {
            TransferError::MovedMeanwhile => ApiError::Conflict {
                detail: "this transfer was received already".to_owned(),
                errors: Vec::new(),
            },
            other => transfer_error(other),
        })?;
    let after = Transfers::get(txn, transfer.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let event = TransferReceived(TransferMoved::of(&after, |id| arrived.contains(id)));
    let (before, after) = (TransferView::from(transfer), TransferView::from(after));
    unit.audit("receive", "transfer", after.id, Some(&before), Some(&after))?;
    unit.emit(&event)?;
    unit.commit().await?;
    Ok(after)
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
