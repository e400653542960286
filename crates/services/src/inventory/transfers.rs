//! Transfers of pieces between branches: dispatch (pieces in transit),
//! receipt at the destination (in stock there), pieces that did not arrive
//! flagged as missing.

use std::collections::{HashMap, HashSet};

use jewel_domain::piece::{Piece, PieceStatus};
use jewel_domain::transfer::{Transfer, TransferStatus};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::transfers::{TransferError, Transfers};

use super::InventoryError;
use super::events::{TransferDispatched, TransferMoved, TransferReceived};
use super::record::TransferRecord;
use crate::Unit;

/// Pieces to send from one branch to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatch {
    pub from_branch_id: uuid::Uuid,
    pub to_branch_id: uuid::Uuid,
    pub piece_ids: Vec<uuid::Uuid>,
    pub note: Option<String>,
}

/// Dispatches pieces: each in transit to the destination, with a
/// transfer-out line in the ledger; all or none. Errors name
/// `toBranchId` and `pieceIds[i]`.
pub async fn dispatch(unit: &mut Unit, dispatch: &Dispatch) -> Result<Transfer, InventoryError> {
    if Branches::get(unit.db(), dispatch.to_branch_id)
        .await?
        .is_none()
    {
        return Err(Invalid::field("toBranchId", "not_found", "no such branch").into());
    }
    let pieces = Pieces::many(unit.db(), &dispatch.piece_ids).await?;
    check_pieces(dispatch, &pieces)?;
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    let id = Transfers::dispatch(
        txn,
        dispatch.from_branch_id,
        dispatch.to_branch_id,
        &pieces,
        dispatch.note.clone(),
        author,
    )
    .await
    .map_err(|error| match error {
        TransferError::MovedMeanwhile => InventoryError::MovedMeanwhile,
        TransferError::Repo(error) => error.into(),
    })?;
    let transfer = Transfers::get(txn, id)
        .await?
        .ok_or(InventoryError::NotFound)?;
    unit.audit(
        "dispatch",
        "transfer",
        id,
        None,
        Some(&TransferRecord::of(&transfer)),
    )?;
    unit.emit(&TransferDispatched(TransferMoved::of(&transfer, |_| true)))?;
    Ok(transfer)
}

/// Every piece known, at the sending branch, given once (422), and in
/// stock (409).
fn check_pieces(dispatch: &Dispatch, pieces: &[Piece]) -> Result<(), InventoryError> {
    let found: HashMap<uuid::Uuid, &Piece> = pieces.iter().map(|p| (p.id, p)).collect();
    let mut seen = HashSet::new();
    let mut conflicts = Vec::new();
    let mut unknown = Vec::new();
    for (i, id) in dispatch.piece_ids.iter().enumerate() {
        let field = format!("pieceIds[{i}]");
        match found.get(id) {
            None => unknown.push(FieldError::new(field, "not_found", "no such piece")),
            Some(p) if p.branch_id != dispatch.from_branch_id => {
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
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(invalid) = Invalid::from_errors(unknown) {
        return Err(invalid.into());
    }
    if !conflicts.is_empty() {
        return Err(InventoryError::NotInStock(conflicts));
    }
    Ok(())
}

/// Receives `transfer` (as read) at its destination: the pieces in
/// `arrived` are in stock there (a transfer-in line each), the rest flagged
/// missing. Once only. Errors name `receivedPieceIds[i]`.
pub async fn receive(
    unit: &mut Unit,
    transfer: &Transfer,
    arrived: &[uuid::Uuid],
) -> Result<Transfer, InventoryError> {
    if transfer.status != TransferStatus::InTransit {
        return Err(InventoryError::TransferReceived);
    }
    let in_transfer: HashSet<uuid::Uuid> = transfer.pieces.iter().map(|(id, _)| *id).collect();
    let errors: Vec<FieldError> = arrived
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
    let arrived: HashSet<uuid::Uuid> = arrived.iter().copied().collect();
    let (states, status) = transfer.receipt(&arrived);
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    Transfers::receive(txn, transfer, &states, status, author)
        .await
        .map_err(|error| match error {
            TransferError::MovedMeanwhile => InventoryError::TransferReceived,
            TransferError::Repo(error) => error.into(),
        })?;
    let after = Transfers::get(txn, transfer.id)
        .await?
        .ok_or(InventoryError::NotFound)?;
    unit.audit(
        "receive",
        "transfer",
        after.id,
        Some(&TransferRecord::of(transfer)),
        Some(&TransferRecord::of(&after)),
    )?;
    unit.emit(&TransferReceived(TransferMoved::of(&after, |id| {
        arrived.contains(id)
    })))?;
    Ok(after)
}
