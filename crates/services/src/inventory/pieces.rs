//! Pieces entering stock, moving (holds, approvals, repairs, melting) and
//! being corrected, each with its line in the stock ledger, its audit entry
//! and its event.

use jewel_domain::movement::Move;
use jewel_domain::piece::{HallmarkRule, Huid, NewPiece, Piece, PieceStatus};
use jewel_persistence::RepoError;
use jewel_persistence::repos::pieces::Pieces;

use super::InventoryError;
use super::events::{PieceMoved, PieceReceived};
use super::record::{Cost, PieceRecord};
use crate::Unit;

/// Receives checked pieces into stock, all or none. A tag number, EPC or
/// HUID taken meanwhile by another receipt is [`InventoryError::Taken`].
pub async fn receive(
    unit: &mut Unit,
    pieces: &[NewPiece],
    cost: Cost,
) -> Result<Vec<Piece>, InventoryError> {
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    let ids = Pieces::receive(txn, pieces, author)
        .await
        .map_err(|error| match error {
            RepoError::Taken { field } => {
                InventoryError::Taken(vec![jewel_domain::FieldError::new(
                    field,
                    "taken",
                    "is already taken",
                )])
            }
            other => other.into(),
        })?;
    super::key_prices_of(txn, &ids).await?;
    let received = Pieces::many(txn, &ids).await?;
    for piece in &received {
        let record = PieceRecord::of(piece, cost);
        unit.audit("receive", "piece", piece.id, None, Some(&record))?;
        unit.emit(&PieceReceived::of(piece))?;
    }
    Ok(received)
}

/// Moves `piece` (as read) by `change`: a legal move, the ledger line, the
/// audit entry and `piece.moved`.
pub async fn move_piece(
    unit: &mut Unit,
    rule: &HallmarkRule,
    piece: &Piece,
    change: &Move,
    cost: Cost,
) -> Result<Piece, InventoryError> {
    piece.check_move(change.to_status, rule)?;
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    if !Pieces::move_piece(txn, piece, change, author).await? {
        return Err(InventoryError::MovedMeanwhile);
    }
    let moved = Pieces::get(txn, piece.id)
        .await?
        .ok_or(InventoryError::NotFound)?;
    changed(unit, change.kind.as_str(), piece, &moved, cost)?;
    Ok(moved)
}

/// Replaces what is known of `piece` (as read) by `new`; a sold or melted
/// piece does not change, and a piece changes branch only by a transfer.
pub async fn correct(
    unit: &mut Unit,
    piece: &Piece,
    new: &NewPiece,
    cost: Cost,
) -> Result<Piece, InventoryError> {
    check_changeable(piece)?;
    let txn = unit.txn().await?;
    let after = Pieces::replace(txn, piece, new)
        .await?
        .ok_or(InventoryError::Stale)?;
    super::key_prices_of(txn, &[piece.id]).await?;
    changed(unit, "update", piece, &after, cost)?;
    Ok(after)
}

/// Whether `piece` may still be corrected: not sold, not melted.
pub fn check_changeable(piece: &Piece) -> Result<(), InventoryError> {
    if matches!(piece.status, PieceStatus::Sold | PieceStatus::Melted) {
        return Err(InventoryError::Final {
            status: piece.status.as_str(),
        });
    }
    Ok(())
}

/// Records the HUID the hallmarking centre gave `piece`.
pub async fn hallmark(
    unit: &mut Unit,
    piece: &Piece,
    huid: &Huid,
    cost: Cost,
) -> Result<Piece, InventoryError> {
    let txn = unit.txn().await?;
    let after = Pieces::set_huid(txn, piece, huid)
        .await?
        .ok_or(InventoryError::Stale)?;
    changed(unit, "hallmark", piece, &after, cost)?;
    Ok(after)
}

/// Audits a change of a piece, told as `piece.moved` when its status or
/// branch changed.
fn changed(
    unit: &mut Unit,
    action: &str,
    before: &Piece,
    after: &Piece,
    cost: Cost,
) -> Result<(), InventoryError> {
    if before.status != after.status || before.branch_id != after.branch_id {
        unit.emit(&PieceMoved::between(before, after))?;
    }
    let (record_before, record_after) =
        (PieceRecord::of(before, cost), PieceRecord::of(after, cost));
    unit.audit(
        action,
        "piece",
        after.id,
        Some(&record_before),
        Some(&record_after),
    )?;
    Ok(())
}
