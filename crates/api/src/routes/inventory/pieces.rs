//! Pieces: what a piece is made of as sent and as shown, reading one and
//! its stock ledger. Receiving stock, the catalogue, prices, moves and
//! corrections have modules of their own.

use actix_web::{HttpResponse, get, web};
use jewel_domain::piece::Piece;
use jewel_persistence::repos::pieces::Pieces;
use jewel_services::inventory::record::Cost;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::pieces::PieceView;
use super::dto::stock_moves::{Ledger, MovementView};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::routes::wire::with_etag;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_piece).service(piece_movements);
}

/// Whether the audit trail keeps the cost price of what `caller`
/// changes: only when the caller may see it.
pub(crate) fn cost_for(caller: &Caller) -> Cost {
    if caller
        .require(jewel_domain::access::Permission::InventoryCost)
        .is_ok()
    {
        Cost::Kept
    } else {
        Cost::Left
    }
}

/// A changed piece as `caller` may see it, with its new `ETag`.
pub(crate) fn answer(caller: &Caller, piece: Piece) -> HttpResponse {
    let version = piece.version;
    with_etag(version, PieceView::for_caller(piece, caller))
}

/// A piece in the caller's branches; 404 otherwise.
pub(crate) async fn visible_piece(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Piece, ApiError> {
    let db = state.database.connection();
    crate::holds::Lapses::piece(db, id)
        .await?
        .filter(|p| caller.acts_in(p.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Read a piece; its `ETag` is its version. Needs `inventory:read`; the cost
/// price shows only with `inventory:cost`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "getPiece",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    responses((status = 200, description = "The piece.", body = PieceView))
)]
#[get("/api/v1/pieces/{id}")]
pub async fn get_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    Ok(with_etag(
        piece.version,
        PieceView::for_caller(piece, &caller),
    ))
}

/// The stock ledger of a piece, oldest first. Needs `inventory:read`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "listPieceMovements",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    responses((status = 200, description = "Every movement of the piece.", body = Ledger))
)]
#[get("/api/v1/pieces/{id}/movements")]
pub async fn piece_movements(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<Ledger>, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    let movements = Pieces::movements(state.database.connection(), piece.id).await?;
    Ok(web::Json(Ledger {
        movements: movements.into_iter().map(MovementView::from).collect(),
    }))
}
