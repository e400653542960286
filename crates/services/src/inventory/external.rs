//! Designs and pieces kept in step with another system (an ERP) by its own
//! ids: a system's id makes the record the first time and changes it after;
//! the same request twice changes nothing the second time.

use jewel_domain::design::{Design, NewDesign};
use jewel_domain::external_ref::ExternalRef;
use jewel_domain::piece::{NewPiece, Piece};
use jewel_persistence::RepoError;
use jewel_persistence::repos::designs::Designs;
use jewel_persistence::repos::external_refs::ExternalRefs;
use jewel_persistence::repos::pieces::Pieces;

use super::InventoryError;
use super::designs::{change_design, create_design};
use super::pieces::receive;
use super::record::Cost;
use crate::Unit;

/// The kind of record a design's external ids name.
pub const DESIGN: &str = "design";

/// The kind of record a piece's external ids name.
pub const PIECE: &str = "piece";

/// Makes the design `found` names from `new`, or makes the one it names
/// hold `new`; the design, and `true` when made now. Of requests racing
/// with one new id, one makes the design; the others fail on the id or the
/// code ([`may_have_raced`]) and, tried again, change it.
pub async fn upsert_design(
    unit: &mut Unit,
    found: &ExternalRef,
    new: &NewDesign,
) -> Result<(Design, bool), InventoryError> {
    if let Some(id) = ExternalRefs::find(unit.db(), DESIGN, found).await? {
        let before = Designs::get(unit.db(), id)
            .await?
            .ok_or(InventoryError::NotFound)?;
        if before.holds(new) {
            return Ok((before, false));
        }
        return Ok((change_design(unit, &before, None, new).await?, false));
    }
    let design = create_design(unit, new).await?;
    ExternalRefs::insert(unit.txn().await?, DESIGN, found, design.id).await?;
    Ok((design, true))
}

/// Receives `new` into stock as the piece `found` names (none did: the
/// caller looked). Another request receiving it first makes this fail on
/// the id or the tag number ([`may_have_raced`]).
pub async fn receive_piece(
    unit: &mut Unit,
    found: &ExternalRef,
    new: &NewPiece,
    cost: Cost,
) -> Result<Piece, InventoryError> {
    let piece = receive(unit, std::slice::from_ref(new), cost)
        .await?
        .pop()
        .ok_or(InventoryError::NotFound)?;
    ExternalRefs::insert(unit.txn().await?, PIECE, found, piece.id).await?;
    Ok(piece)
}

/// The piece `found` names, if any.
pub async fn piece_of(
    db: &impl jewel_persistence::ConnectionTrait,
    found: &ExternalRef,
) -> Result<Option<Piece>, InventoryError> {
    match ExternalRefs::find(db, PIECE, found).await? {
        Some(id) => Ok(Pieces::get(db, id).await?),
        None => Ok(None),
    }
}

/// Whether an upsert may have failed only for another one racing it.
pub fn may_have_raced(error: &InventoryError) -> bool {
    matches!(
        error,
        InventoryError::Taken(_)
            | InventoryError::Store(RepoError::Taken { .. } | RepoError::Database(_))
    )
}

/// The design `found` names, if any.
pub async fn design_of(
    db: &impl jewel_persistence::ConnectionTrait,
    found: &ExternalRef,
) -> Result<Option<Design>, InventoryError> {
    match ExternalRefs::find(db, DESIGN, found).await? {
        Some(id) => Ok(Designs::get(db, id).await?),
        None => Ok(None),
    }
}
