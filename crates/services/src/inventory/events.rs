//! What inventory tells the rest of the business: pieces received, moved
//! and sold, transfers between branches, and new metal rates.

use chrono::{DateTime, Utc};
use jewel_domain::metal_rate::MetalRate;
use jewel_domain::piece::Piece;
use serde::{Deserialize, Serialize};

/// `piece.received`: a piece entered stock at a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PieceReceived {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub category: String,
    pub metal: String,
    pub fineness: u16,
    /// Grams with three places.
    pub gross_weight: String,
}

impl PieceReceived {
    pub fn of(piece: &Piece) -> Self {
        Self {
            piece_id: piece.id,
            tag_number: piece.tag_number.as_str().to_owned(),
            branch_id: piece.branch_id,
            category: piece.category.clone(),
            metal: piece.purity.metal().as_str().to_owned(),
            fineness: piece.purity.fineness(),
            gross_weight: piece.weights.gross.to_string(),
        }
    }
}

/// `piece.moved`: a piece changed status or branch by hand (a hold, an
/// approval, a repair, melting, an adjustment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PieceMoved {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub from_status: String,
    pub to_status: String,
}

impl PieceMoved {
    pub fn between(before: &Piece, after: &Piece) -> Self {
        Self {
            piece_id: after.id,
            tag_number: after.tag_number.as_str().to_owned(),
            branch_id: after.branch_id,
            from_status: before.status.as_str().to_owned(),
            to_status: after.status.as_str().to_owned(),
        }
    }
}

/// `piece.sold`: a piece left stock on an issued bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PieceSold {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub invoice_number: String,
}

/// `transfer.dispatched` and `transfer.received`: pieces sent from one
/// branch to another, and their arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferMoved {
    pub transfer_id: uuid::Uuid,
    pub from_branch_id: uuid::Uuid,
    pub to_branch_id: uuid::Uuid,
    pub piece_ids: Vec<uuid::Uuid>,
}

impl TransferMoved {
    /// The transfer and its pieces; only those `keep` accepts.
    pub fn of(
        transfer: &jewel_domain::transfer::Transfer,
        keep: impl Fn(&uuid::Uuid) -> bool,
    ) -> Self {
        Self {
            transfer_id: transfer.id,
            from_branch_id: transfer.from_branch_id,
            to_branch_id: transfer.to_branch_id,
            piece_ids: transfer
                .pieces
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| keep(id))
                .collect(),
        }
    }
}

/// `transfer.dispatched` (told to the sending branch; the receiving one
/// reads the transfer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransferDispatched(pub TransferMoved);

/// `transfer.received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransferReceived(pub TransferMoved);

impl std::ops::Deref for TransferDispatched {
    type Target = TransferMoved;

    fn deref(&self) -> &TransferMoved {
        &self.0
    }
}

impl std::ops::Deref for TransferReceived {
    type Target = TransferMoved;

    fn deref(&self) -> &TransferMoved {
        &self.0
    }
}

/// `rate.changed`: a metal rate set, in force from `effectiveAt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateChanged {
    pub rate_id: uuid::Uuid,
    pub metal: String,
    pub fineness: u16,
    /// Per gram, with two places.
    pub per_gram: String,
    pub effective_at: DateTime<Utc>,
}

impl RateChanged {
    pub fn of(rate: &MetalRate) -> Self {
        Self {
            rate_id: rate.id,
            metal: rate.purity.metal().as_str().to_owned(),
            fineness: rate.purity.fineness(),
            per_gram: rate.per_gram.to_string(),
            effective_at: rate.effective_at,
        }
    }
}

domain_event!(
    PieceReceived,
    "piece.received",
    "piece",
    piece_id,
    |e| Some(e.branch_id)
);
domain_event!(PieceMoved, "piece.moved", "piece", piece_id, |e| Some(
    e.branch_id
));
domain_event!(PieceSold, "piece.sold", "piece", piece_id, |e| Some(
    e.branch_id
));
domain_event!(
    TransferDispatched,
    "transfer.dispatched",
    "transfer",
    transfer_id,
    |e| Some(e.from_branch_id)
);
domain_event!(
    TransferReceived,
    "transfer.received",
    "transfer",
    transfer_id,
    |e| Some(e.from_branch_id)
);
// Rates hold for every branch.
domain_event!(RateChanged, "rate.changed", "metal_rate", rate_id, |_e| {
    None
});
