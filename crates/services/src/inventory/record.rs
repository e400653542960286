//! What the audit trail keeps of pieces, transfers and lots: built from
//! the domain's types, not from the API's views, so that renaming a field
//! of the API leaves the history as it was written.

use chrono::{DateTime, Utc};
use jewel_domain::lot::Lot;
use jewel_domain::piece::Piece;
use jewel_domain::transfer::Transfer;
use serde::Serialize;

/// Whether a record keeps what the actor paid for a piece: only for those
/// who may see cost prices, so that the trail shows no reader more than
/// the change showed its maker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    Kept,
    Left,
}

/// A piece as the audit trail keeps it; amounts, weights and percentages
/// as decimal text with all their places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PieceRecord {
    pub id: uuid::Uuid,
    pub tag_number: String,
    pub epc: Option<String>,
    pub design_id: Option<uuid::Uuid>,
    pub category: String,
    pub metal: &'static str,
    pub fineness: u16,
    pub gross_weight: String,
    pub stone_weight: String,
    pub net_weight: String,
    pub stones: Vec<StoneRecord>,
    pub making: MakingRecord,
    pub wastage_percent: String,
    pub other_charges: Vec<ChargeRecord>,
    pub hallmark: &'static str,
    pub huid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_price: Option<String>,
    pub branch_id: uuid::Uuid,
    pub status: &'static str,
    pub reserved_for: Option<uuid::Uuid>,
    pub reserved_until: Option<DateTime<Utc>>,
    pub images: Vec<String>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoneRecord {
    pub kind: String,
    pub count: u32,
    pub carats: String,
    pub price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MakingRecord {
    pub mode: jewel_domain::pricing::MakingMode,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeRecord {
    pub label: String,
    pub amount: String,
}

impl PieceRecord {
    pub fn of(piece: &Piece, cost: Cost) -> Self {
        Self {
            id: piece.id,
            tag_number: piece.tag_number.as_str().to_owned(),
            epc: piece.epc.as_ref().map(|e| e.as_str().to_owned()),
            design_id: piece.design_id,
            category: piece.category.clone(),
            metal: piece.purity.metal().as_str(),
            fineness: piece.purity.fineness(),
            gross_weight: piece.weights.gross.to_string(),
            stone_weight: piece.weights.stones.to_string(),
            net_weight: piece.weights.net.to_string(),
            stones: piece
                .stones
                .iter()
                .map(|s| StoneRecord {
                    kind: s.kind.clone(),
                    count: s.count,
                    carats: s.carats.to_string(),
                    price: s.price.amount(s.carats).to_string(),
                })
                .collect(),
            making: MakingRecord {
                mode: piece.making.mode(),
                value: piece.making.value_text(),
            },
            wastage_percent: piece.wastage.to_string(),
            other_charges: piece
                .other_charges
                .iter()
                .map(|c| ChargeRecord {
                    label: c.label.clone(),
                    amount: c.amount.to_string(),
                })
                .collect(),
            hallmark: piece.hallmark.state(),
            huid: piece.hallmark.huid().map(|h| h.as_str().to_owned()),
            cost_price: piece
                .cost_price
                .filter(|_| cost == Cost::Kept)
                .map(|c| c.to_string()),
            branch_id: piece.branch_id,
            status: piece.status.as_str(),
            reserved_for: piece.reservation.map(|r| r.customer_id),
            reserved_until: piece.reservation.map(|r| r.until),
            images: piece.images.clone(),
            version: piece.version,
        }
    }
}

/// A transfer as the audit trail keeps it: its branches (which scope who
/// reads the entry) and where each piece stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRecord {
    pub id: uuid::Uuid,
    pub from_branch_id: uuid::Uuid,
    pub to_branch_id: uuid::Uuid,
    pub status: &'static str,
    pub note: Option<String>,
    pub dispatched_by: uuid::Uuid,
    pub received_by: Option<uuid::Uuid>,
    pub pieces: Vec<TransferPieceRecord>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferPieceRecord {
    pub piece_id: uuid::Uuid,
    pub state: &'static str,
}

impl TransferRecord {
    pub fn of(transfer: &Transfer) -> Self {
        Self {
            id: transfer.id,
            from_branch_id: transfer.from_branch_id,
            to_branch_id: transfer.to_branch_id,
            status: transfer.status.as_str(),
            note: transfer.note.clone(),
            dispatched_by: transfer.dispatched_by,
            received_by: transfer.received_by,
            pieces: transfer
                .pieces
                .iter()
                .map(|(piece_id, state)| TransferPieceRecord {
                    piece_id: *piece_id,
                    state: state.as_str(),
                })
                .collect(),
            version: transfer.version,
        }
    }
}

/// A lot after a movement, as the audit trail keeps it: the quantity on
/// hand at the branches the movement touched (`branchIds`, which scope who
/// reads the entry), not at every branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LotRecord {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub category: String,
    pub unit: &'static str,
    pub metal: Option<&'static str>,
    pub fineness: Option<u16>,
    pub branch_ids: Vec<uuid::Uuid>,
    pub on_hand: Vec<LotQuantityRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LotQuantityRecord {
    pub branch_id: uuid::Uuid,
    pub quantity: String,
}

impl LotRecord {
    /// `lot` with what it holds at `branches`.
    pub fn of(lot: &Lot, branches: &[uuid::Uuid]) -> Self {
        Self {
            id: lot.id,
            code: lot.code.clone(),
            name: lot.name.clone(),
            category: lot.category.clone(),
            unit: lot.unit.as_str(),
            metal: lot.purity.map(|p| p.metal().as_str()),
            fineness: lot.purity.map(|p| p.fineness()),
            branch_ids: branches.to_vec(),
            on_hand: lot
                .on_hand
                .iter()
                .filter(|(branch, _)| branches.contains(branch))
                .map(|(branch_id, units)| LotQuantityRecord {
                    branch_id: *branch_id,
                    quantity: lot.unit.format(*units),
                })
                .collect(),
        }
    }
}
