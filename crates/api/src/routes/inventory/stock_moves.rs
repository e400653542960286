//! Moving one piece: holding it for a customer (the hold lapses by itself),
//! letting the hold go, and the store's own moves (on approval, to repair,
//! back to stock, melted), each with its line in the stock ledger.

use actix_web::{HttpRequest, HttpResponse, delete, post, put, web};
use chrono::{Duration, Utc};
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::{Huid, MoveRefused, Piece, PieceStatus, Reservation};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::customers::Customers;
use jewel_services::inventory::pieces;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::stock_moves::{HuidFields, ReservationFields, StatusChange};
use super::pieces::{answer, cost_for, visible_piece};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::inventory::dto::pieces::PieceView;
use crate::routes::wire::if_match;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(set_piece_huid)
        .service(reserve_piece)
        .service(release_piece)
        .service(change_piece_status);
}

/// The longest a piece may be held.
const LONGEST_HOLD_DAYS: i64 = 90;

/// Moves a piece the caller can see, audited, in one transaction.
async fn apply(
    state: &AppState,
    caller: &Caller,
    piece: Piece,
    change: Move,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(caller);
    let moved = pieces::move_piece(
        &mut unit,
        &state.hallmark_rule(),
        &piece,
        &change,
        cost_for(caller),
    )
    .await?;
    unit.commit().await?;
    Ok(answer(caller, moved))
}

/// Hold a piece for a customer until a time; the hold lapses by itself then.
/// Two holds racing for one piece: one wins, the other is 409. A piece
/// waiting for its HUID cannot be held (422 naming `huid`). Needs
/// `inventory:reserve` (owner, manager, sales).
#[utoipa::path(
    tag = "pieces",
    operation_id = "reservePiece",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    request_body = ReservationFields,
    responses(
        (status = 200, description = "Held.", body = PieceView),
        (status = 409, description = "The piece is not in stock (held, sold, ...), or was moved meanwhile.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces/{id}/reservation")]
pub async fn reserve_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryReserve>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<ReservationFields>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let mut errors = Vec::new();
    if body.until <= now {
        errors.push(FieldError::new("until", "past", "must be in the future"));
    } else if body.until > now + Duration::days(LONGEST_HOLD_DAYS) {
        errors.push(FieldError::new("until", "too_far", "at most 90 days ahead"));
    }
    let db = state.database.connection();
    let customer = Customers::get(db, body.customer_id).await?;
    if customer
        .is_none_or(|c| c.merged_into.is_some() || c.erased_at.is_some() || c.archived_at.is_some())
    {
        errors.push(FieldError::new(
            "customerId",
            "not_found",
            "no such customer",
        ));
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let piece = visible_piece(&state, &caller, *id).await?;
    let change = Move {
        kind: MovementKind::Status,
        to_status: PieceStatus::Reserved,
        to_branch: None,
        reason: None,
        reference: Some(body.customer_id),
        reservation: Some(Reservation {
            customer_id: body.customer_id,
            until: body.until,
        }),
    };
    let held = apply(&state, &caller, piece, change).await?;
    state.holds.placed(body.until);
    Ok(held)
}

/// Let a hold go: the piece is back in stock. Needs `inventory:reserve`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "releasePiece",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    responses(
        (status = 200, description = "Back in stock.", body = PieceView),
        (status = 409, description = "The piece is not held.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/pieces/{id}/reservation")]
pub async fn release_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryReserve>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    if piece.status != PieceStatus::Reserved {
        return Err(ApiError::from(MoveRefused::Illegal {
            from: piece.status,
            to: PieceStatus::InStock,
        }));
    }
    let change = Move {
        kind: MovementKind::Status,
        to_status: PieceStatus::InStock,
        to_branch: None,
        reason: Some("hold released".to_owned()),
        reference: None,
        reservation: None,
    };
    apply(&state, &caller, piece, change).await
}

/// Move a piece within its branch: on approval with a customer, to repair,
/// back in stock, or melted. Only legal moves (409 otherwise); a piece
/// waiting for its HUID cannot go on approval (422). Needs
/// `inventory:write` (owner, manager).
#[utoipa::path(
    tag = "pieces",
    operation_id = "changePieceStatus",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved.", body = PieceView),
        (status = 409, description = "Not a move this piece can make now.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces/{id}/status-changes")]
pub async fn change_piece_status(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    let to = body.status.status();
    let kind = body.status.ledger_kind();
    let reason = body.reason.trim();
    let mut errors = Vec::new();
    if reason.is_empty() || reason.chars().count() > 500 {
        errors.push(FieldError::new("reason", "length", "1 to 500 characters"));
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let piece = visible_piece(&state, &caller, *id).await?;
    if matches!(piece.status, PieceStatus::Reserved | PieceStatus::InTransit) {
        // Holds are let go, transfers received, by their own operations.
        return Err(ApiError::from(MoveRefused::Illegal {
            from: piece.status,
            to,
        }));
    }
    let change = Move {
        kind,
        to_status: to,
        to_branch: None,
        reason: Some(reason.to_owned()),
        reference: None,
        reservation: None,
    };
    apply(&state, &caller, piece, change).await
}

/// Record a piece's HUID when it comes back from the hallmarking centre:
/// the piece is hallmarked and, if it was waiting, may now be sold. Honours
/// `If-Match`. A HUID of another piece is 409. Needs `inventory:write`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "setPieceHuid",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The piece's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = HuidFields,
    responses(
        (status = 200, description = "Hallmarked.", body = PieceView),
        (status = 409, description = "The HUID belongs to another piece.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The piece changed since it was read.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/pieces/{id}/huid")]
pub async fn set_piece_huid(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<HuidFields>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let huid = Huid::parse("huid", &body.huid)?;
    let piece = visible_piece(&state, &caller, *id).await?;
    if expected.is_some_and(|v| v != piece.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut unit = state.unit(&caller);
    let after = pieces::hallmark(&mut unit, &piece, &huid, cost_for(&caller)).await?;
    unit.commit().await?;
    Ok(answer(&caller, after))
}
