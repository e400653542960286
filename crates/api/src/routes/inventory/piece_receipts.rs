//! Receiving stock: one piece, or a supplier's delivery of up to 1,000,
//! checked piece by piece and stored all or none.

use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use jewel_domain::design::Design;
use jewel_domain::piece::{NewPiece, Piece};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::designs::Designs;
use jewel_persistence::repos::pieces::{Pieces, UniqueColumn};
use jewel_services::inventory::{InventoryError, pieces};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::piece_receipts::{Delivery, Received};
use super::pieces::cost_for;
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::routes::inventory::dto::pieces::{PieceFields, PieceView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(receive_piece).service(receive_pieces);
}

/// Each piece checked on its own, as sent: the piece, or what is wrong
/// with it (field names without a prefix). Tag numbers, EPCs and HUIDs
/// taken by other pieces or repeated in `fields` are wrong too, with the
/// codes `taken` and `repeated`.
pub(crate) async fn check_pieces(
    state: &AppState,
    caller: &Caller,
    fields: &[PieceFields],
) -> Result<Vec<Result<NewPiece, Vec<FieldError>>>, ApiError> {
    let db = state.database.connection();
    let mut designs: HashMap<uuid::Uuid, Design> = HashMap::new();
    for id in fields
        .iter()
        .filter_map(PieceFields::design_id)
        .collect::<HashSet<_>>()
    {
        if let Some(design) = Designs::get(db, id).await? {
            designs.insert(id, design);
        }
    }
    let rule = state.hallmark_rule();
    let mut checked: Vec<Result<NewPiece, Vec<FieldError>>> = fields
        .iter()
        .map(|f| {
            let design = match f.design_id() {
                Some(id) => match designs.get(&id) {
                    Some(design) => Some(design),
                    None => {
                        return Err(vec![FieldError::new(
                            "designId",
                            "not_found",
                            "no such design",
                        )]);
                    }
                },
                None => None,
            };
            let mut errors = Vec::new();
            if !caller.acts_in(f.branch_id()) {
                errors.push(FieldError::new(
                    "branchId",
                    "out_of_scope",
                    "not one of your branches",
                ));
            }
            match f.check(design, &rule) {
                Ok(piece) if errors.is_empty() => Ok(piece),
                Ok(_) => Err(errors),
                Err(invalid) => {
                    errors.extend(invalid.into_errors());
                    Err(errors)
                }
            }
        })
        .collect();
    let problems = {
        let valid: Vec<(usize, &NewPiece)> = checked
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().ok().map(|p| (i, p)))
            .collect();
        unique_problems(db, &valid).await?
    };
    for (i, errors) in problems {
        checked[i] = Err(errors);
    }
    Ok(checked)
}

/// Receives checked pieces, all or none, audited.
pub(crate) async fn store(
    state: &AppState,
    caller: &Caller,
    new: &[NewPiece],
) -> Result<Vec<Piece>, InventoryError> {
    let mut unit = state.unit(caller);
    let received = pieces::receive(&mut unit, new, cost_for(caller)).await?;
    unit.commit().await?;
    Ok(received)
}

/// Checks a delivery of pieces and receives them, all or none. Errors name
/// `pieces[i].field` when `indexed`: 422 for invalid pieces, 409 when the
/// only trouble is a taken or repeated tag number, EPC or HUID.
async fn receive(
    state: &AppState,
    caller: &Caller,
    fields: &[PieceFields],
    indexed: bool,
) -> Result<Vec<Piece>, ApiError> {
    let checked = check_pieces(state, caller, fields).await?;
    let mut errors = Vec::new();
    let mut pieces = Vec::with_capacity(checked.len());
    for (i, result) in checked.into_iter().enumerate() {
        match result {
            Ok(piece) => pieces.push(piece),
            Err(row) => errors.extend(row.into_iter().map(|mut e| {
                if indexed {
                    e.field = format!("pieces[{i}].{}", e.field);
                }
                e
            })),
        }
    }
    if errors.is_empty() {
        return Ok(store(state, caller, &pieces).await?);
    }
    if errors
        .iter()
        .all(|e| e.code == "taken" || e.code == "repeated")
    {
        return Err(InventoryError::Taken(errors).into());
    }
    Err(Invalid::from_errors(errors)
        .map_or_else(|| ApiError::bad_request("invalid pieces"), ApiError::from))
}

/// Per piece (by its index), the tag numbers, EPCs or HUIDs taken by
/// another piece or repeated among `pieces`.
async fn unique_problems(
    db: &impl jewel_persistence::ConnectionTrait,
    pieces: &[(usize, &NewPiece)],
) -> Result<HashMap<usize, Vec<FieldError>>, ApiError> {
    type Value = fn(&NewPiece) -> Option<String>;
    let columns: [(UniqueColumn, &str, Value); 3] = [
        (UniqueColumn::TagNumber, "tagNumber", |p| {
            Some(p.tag_number.as_str().to_owned())
        }),
        (UniqueColumn::Epc, "epc", |p| {
            p.epc.as_ref().map(|e| e.as_str().to_owned())
        }),
        (UniqueColumn::Huid, "huid", |p| {
            p.hallmark.huid().map(|h| h.as_str().to_owned())
        }),
    ];
    let mut problems: HashMap<usize, Vec<FieldError>> = HashMap::new();
    for (column, field, value) in columns {
        let values: Vec<(usize, String)> = pieces
            .iter()
            .filter_map(|(i, p)| value(p).map(|v| (*i, v)))
            .collect();
        let all: Vec<String> = values.iter().map(|(_, v)| v.clone()).collect();
        let taken: HashSet<String> = Pieces::taken(db, column, &all).await?.into_iter().collect();
        let mut seen = HashSet::new();
        for (i, v) in values {
            let error = if taken.contains(&v) {
                FieldError::new(field, "taken", format!("{v} belongs to another piece"))
            } else if !seen.insert(v.clone()) {
                FieldError::new(field, "repeated", format!("{v} is given twice"))
            } else {
                continue;
            };
            problems.entry(i).or_default().push(error);
        }
    }
    Ok(problems)
}

/// Receive one piece into stock (in stock at its branch, with a receipt in
/// the stock ledger). Needs `inventory:write` (owner, manager).
#[utoipa::path(
    tag = "pieces",
    operation_id = "receivePiece",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = PieceFields,
    responses(
        (status = 201, description = "Received.", body = PieceView),
        (status = 409, description = "The tag number, EPC or HUID belongs to another piece.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces")]
pub async fn receive_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    request: IdempotentJson<PieceFields>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    idempotency::once(&state, &caller, request.key, || async {
        let mut received = receive(&state, &caller, std::slice::from_ref(&body), false).await?;
        let piece = received.pop().ok_or(ApiError::NotFound)?;
        let location = format!("/api/v1/pieces/{}", piece.id);
        Answer::new(
            StatusCode::CREATED,
            Some(location),
            &PieceView::for_caller(piece, &caller),
        )
    })
    .await
}

/// Receive a supplier's delivery: up to 1,000 pieces in one call, all or
/// none; errors name `pieces[i].field`. Needs `inventory:write`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "receivePieces",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = Delivery,
    responses(
        (status = 201, description = "Received.", body = Received),
        (status = 409, description = "A tag number, EPC or HUID is taken or repeated.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces/deliveries")]
pub async fn receive_pieces(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    request: IdempotentJson<Delivery>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    if body.pieces.is_empty() || body.pieces.len() > 1000 {
        return Err(Invalid::field("pieces", "count", "1 to 1000 pieces").into());
    }
    idempotency::once(&state, &caller, request.key, || async {
        let received = receive(&state, &caller, &body.pieces, true).await?;
        let pieces = received
            .into_iter()
            .map(|p| PieceView::for_caller(p, &caller))
            .collect();
        Answer::new(StatusCode::CREATED, None, &Received { pieces })
    })
    .await
}
