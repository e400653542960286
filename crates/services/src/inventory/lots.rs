//! Lots: stock sold by count or weight, with a quantity on hand per branch;
//! receipts, adjustments and transfers, each a line in the lot ledger.

use jewel_domain::lot::{Lot, LotMovementKind, NewLot};
use jewel_persistence::RepoError;
use jewel_persistence::repos::lots::{LotChange, LotError, Lots};

use super::InventoryError;
use super::record::LotRecord;
use crate::Unit;

/// Adds a lot, with nothing on hand yet; a code in use is taken.
pub async fn create(unit: &mut Unit, new: &NewLot) -> Result<Lot, InventoryError> {
    let txn = unit.txn().await?;
    let lot = Lots::create(txn, new).await?;
    unit.audit(
        "create",
        "lot",
        lot.id,
        None,
        Some(&LotRecord::of(&lot, &[])),
    )?;
    Ok(lot)
}

/// A receipt or an adjustment of `lot` at one branch.
pub async fn change(unit: &mut Unit, lot: &Lot, change: &LotChange) -> Result<Lot, InventoryError> {
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    Lots::change(txn, lot.id, change, author)
        .await
        .map_err(|error| not_enough(lot, error))?;
    let after = Lots::get(txn, lot.id)
        .await?
        .ok_or(InventoryError::NotFound)?;
    let record = LotRecord::of(&after, &[change.branch_id]);
    unit.audit(change.kind.as_str(), "lot", lot.id, None, Some(&record))?;
    Ok(after)
}

/// Moves `quantity` units of `lot` from one branch to another: a
/// transfer-out and a transfer-in line, together.
pub async fn transfer(
    unit: &mut Unit,
    lot: &Lot,
    from_branch_id: uuid::Uuid,
    to_branch_id: uuid::Uuid,
    quantity: i64,
) -> Result<Lot, InventoryError> {
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    let out = LotChange {
        branch_id: from_branch_id,
        kind: LotMovementKind::TransferOut,
        quantity: -quantity,
        reason: None,
    };
    Lots::change(txn, lot.id, &out, author)
        .await
        .map_err(|error| not_enough(lot, error))?;
    let into = LotChange {
        branch_id: to_branch_id,
        kind: LotMovementKind::TransferIn,
        quantity,
        reason: None,
    };
    Lots::change(txn, lot.id, &into, author)
        .await
        .map_err(|error| match error {
            LotError::Repo(RepoError::MissingReference { .. }) => {
                jewel_domain::Invalid::field("toBranchId", "not_found", "no such branch").into()
            }
            other => not_enough(lot, other),
        })?;
    let after = Lots::get(txn, lot.id)
        .await?
        .ok_or(InventoryError::NotFound)?;
    let record = LotRecord::of(&after, &[from_branch_id, to_branch_id]);
    unit.audit("transfer", "lot", lot.id, None, Some(&record))?;
    Ok(after)
}

fn not_enough(lot: &Lot, error: LotError) -> InventoryError {
    match error {
        LotError::NotEnough { on_hand } => InventoryError::NotEnough {
            on_hand: lot.unit.format(on_hand),
        },
        LotError::Repo(error) => error.into(),
    }
}
