//! Pieces by another system's ids (an ERP keeping its stock in step): `PUT`
//! receives the piece the first time (201) and corrects it to the body
//! after (200; nothing changes when it holds it already); `GET` reads it.
//! The rules are a receipt's and a correction's: the caller's branches, a
//! design that exists, tag numbers, EPCs and HUIDs of its own, its branch
//! changed only by a transfer, a sold or melted piece left as it is.

use actix_web::{HttpResponse, get, put, web};
use jewel_domain::Invalid;
use jewel_domain::piece::Piece;
use jewel_services::inventory::{InventoryError, external, pieces};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::pieces::{PieceFields, PieceView};
use super::piece_changes::checked_change;
use super::piece_receipts::check_pieces;
use super::pieces::{answer, cost_for};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::created;
use crate::routes::wire::upsert::external_ref;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upsert_piece_by_external_id)
        .service(get_piece_by_external_id);
}

/// Receive or correct the piece another system knows by `externalId`.
/// Needs `inventory:write`.
///
/// The body is the whole piece, as when receiving one: the first time it
/// receives it into stock (201, with its ledger line), after that it
/// corrects the piece to it (200; nothing changes, the version included,
/// when the piece holds it already). A tag number, EPC or HUID of another
/// piece is 409; so is a sold or melted piece. Of requests racing with one
/// new id, one receives the piece and the others correct it.
#[utoipa::path(
    tag = "pieces",
    operation_id = "upsertPieceByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name: `odoo`"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the piece"),
    ),
    request_body = PieceFields,
    responses(
        (status = 200, description = "Corrected (or held it already); `ETag` carries the version.", body = PieceView),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
        (status = 201, description = "Received.", body = PieceView),
        (status = 409, description = "The tag number, EPC or HUID belongs to another piece, or the piece is sold or melted.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field named, as on receiving: a branch not yours (`branchId`), its branch changed (`branchId` `transfer`), an unknown design.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/pieces/by-external-id/{system}/{externalId}")]
pub async fn upsert_piece_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    path: web::Path<(String, String)>,
    Json(body): Json<PieceFields>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let db = state.database.connection();
    // Once more when another request with the same new id may have won.
    for tries in 1..=2 {
        if let Some(piece) = external::piece_of(db, &found).await? {
            return correct(&state, &caller, piece, &body).await;
        }
        let checked = check_pieces(&state, &caller, std::slice::from_ref(&body)).await?;
        let new = match checked.into_iter().next() {
            Some(Ok(new)) => new,
            Some(Err(errors)) if errors.iter().all(|e| e.code == "taken") => {
                if tries == 1 {
                    continue;
                }
                return Err(InventoryError::Taken(errors).into());
            }
            Some(Err(errors)) => {
                return Err(Invalid::from_errors(errors)
                    .map_or_else(|| ApiError::bad_request("an invalid piece"), ApiError::from));
            }
            None => return Err(ApiError::bad_request("no piece")),
        };
        let mut unit = state.unit(&caller);
        match external::receive_piece(&mut unit, &found, &new, cost_for(&caller)).await {
            Ok(piece) => match unit.commit().await {
                Ok(()) => {
                    let location = format!("/api/v1/pieces/{}", piece.id);
                    let version = piece.version;
                    return Ok(created(
                        location,
                        version,
                        PieceView::for_caller(piece, &caller),
                    ));
                }
                Err(error) if tries == 1 => {
                    tracing::info!(%error, "an upsert raced another; trying again");
                }
                Err(error) => return Err(error.into()),
            },
            Err(error) if tries == 1 && external::may_have_raced(&error) => {
                unit.rollback().await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(ApiError::bad_request(
        "the piece was being received by another request; send it again",
    ))
}

/// Corrects `piece` (as read) to `body`, unless it holds it already.
async fn correct(
    state: &AppState,
    caller: &Caller,
    piece: Piece,
    body: &PieceFields,
) -> Result<HttpResponse, ApiError> {
    if !caller.acts_in(piece.branch_id) {
        return Err(ApiError::NotFound);
    }
    pieces::check_changeable(&piece)?;
    let new = checked_change(state, &piece, body).await?;
    let held = checked_change(state, &piece, &PieceFields::of(&piece))
        .await
        .ok();
    if held.as_ref() == Some(&new) {
        return Ok(answer(caller, piece));
    }
    let mut unit = state.unit(caller);
    let after = pieces::correct(&mut unit, &piece, &new, cost_for(caller)).await?;
    unit.commit().await?;
    Ok(answer(caller, after))
}

/// Get the piece another system knows by `externalId`. Needs
/// `inventory:read`, in the piece's branch.
#[utoipa::path(
    tag = "pieces",
    operation_id = "getPieceByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the piece"),
    ),
    responses(
        (status = 200, description = "The piece; `ETag` carries the version.", body = PieceView),
        (status = 404, description = "That system named no piece with this id in your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/pieces/by-external-id/{system}/{externalId}")]
pub async fn get_piece_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let piece = external::piece_of(state.database.connection(), &found)
        .await?
        .filter(|p| caller.acts_in(p.branch_id))
        .ok_or(ApiError::NotFound)?;
    Ok(answer(&caller, piece))
}
