//! Correcting a piece after receipt: a JSON merge patch of its fields,
//! checked whole as a receipt would be.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use jewel_domain::Invalid;
use jewel_domain::piece::{NewPiece, Piece};
use jewel_persistence::repos::designs::Designs;
use jewel_services::inventory::pieces;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::piece_changes::PieceChanges;
use super::pieces::{answer, cost_for, visible_piece};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, parse_json};
use crate::routes::inventory::dto::pieces::{PieceFields, PieceView};
use crate::routes::{wire::if_match, wire::merge_patch};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_piece);
}

/// Correct a piece: weights, stones, charges, cost, tag, EPC, HUID, images.
/// A JSON merge patch checked whole as a receipt; the hallmark state and the
/// price follow. Not for sold or melted pieces (409), nor its branch (a
/// transfer moves it). Honours `If-Match`. Needs `inventory:write`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "updatePiece",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The piece's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = PieceChanges,
    responses(
        (status = 200, description = "Changed.", body = PieceView),
        (status = 409, description = "The piece is sold or melted, or its tag number, EPC or HUID belongs to another piece.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The piece changed since it was read.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/pieces/{id}")]
pub async fn update_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(patch): Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let _: PieceChanges = parse_json(&serde_json::to_vec(&patch).map_err(anyhow::Error::from)?)?;
    let piece = visible_piece(&state, &caller, *id).await?;
    if expected.is_some_and(|v| v != piece.version) {
        return Err(ApiError::PreconditionFailed);
    }
    pieces::check_changeable(&piece)?;
    let mut merged = serde_json::to_value(PieceFields::of(&piece)).map_err(anyhow::Error::from)?;
    merge_patch(&mut merged, &patch);
    let fields: PieceFields =
        parse_json(&serde_json::to_vec(&merged).map_err(anyhow::Error::from)?)?;
    let new = checked_change(&state, &piece, &fields).await?;
    let mut unit = state.unit(&caller);
    let after = pieces::correct(&mut unit, &piece, &new, cost_for(&caller)).await?;
    unit.commit().await?;
    Ok(answer(&caller, after))
}

/// `fields` checked whole as what `piece` is to become: its branch kept (a
/// transfer moves it), its design one that exists.
pub(crate) async fn checked_change(
    state: &AppState,
    piece: &Piece,
    fields: &PieceFields,
) -> Result<NewPiece, ApiError> {
    if fields.branch_id() != piece.branch_id {
        return Err(Invalid::field(
            "branchId",
            "transfer",
            "a piece changes branch by a transfer",
        )
        .into());
    }
    let design = match fields.design_id() {
        Some(design) => Some(
            Designs::get(state.database.connection(), design)
                .await?
                .ok_or_else(|| Invalid::field("designId", "not_found", "no such design"))?,
        ),
        None => None,
    };
    Ok(fields.check(design.as_ref(), &state.hallmark_rule())?)
}
