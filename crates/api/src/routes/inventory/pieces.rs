//! Pieces: what a piece is made of as sent and as shown, reading one and
//! its stock ledger. Receiving stock, the catalogue, prices, moves and
//! corrections have modules of their own.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use jewel_domain::piece::Piece;
use jewel_persistence::repos::pieces::Pieces;
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

/// Audits a change of a piece (told as `piece.moved` when its status or
/// branch changed), commits it and answers with the piece as `caller` may
/// see it and its new `ETag`.
pub(crate) async fn changed(
    mut unit: jewel_services::Unit,
    caller: &Caller,
    action: &str,
    before: Piece,
    after: Piece,
) -> Result<HttpResponse, ApiError> {
    if before.status != after.status || before.branch_id != after.branch_id {
        unit.emit(&jewel_services::inventory::events::PieceMoved::between(
            &before, &after,
        ))?;
    }
    let (id, version) = (after.id, after.version);
    let (before, after) = (
        PieceView::for_caller(before, caller),
        PieceView::for_caller(after, caller),
    );
    unit.audit(action, "piece", id, Some(&before), Some(&after))?;
    unit.commit().await?;
    Ok(with_etag(version, after))
}

/// A piece in the caller's branches; 404 otherwise.
pub(crate) async fn visible_piece(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Piece, ApiError> {
    let db = state.database.connection();
    Pieces::release_expired(db, Utc::now()).await?;
    Pieces::get(db, id)
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
