//! The wire types of `inventory::stock_moves` and of a piece's stock
//! ledger: the moves a client asks for, the ledger's lines as shown.

use chrono::{DateTime, Utc};
use jewel_domain::movement::MovementKind;
use jewel_domain::piece::PieceStatus;
use jewel_persistence::repos::pieces::StockMovement;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::pieces::PieceStatusName;

/// A hold to put on a piece.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"customerId": "01936f0e-0000-7000-8000-0000000000c1", "until": "2026-11-28T18:00:00Z"}))]
pub struct ReservationFields {
    pub(crate) customer_id: uuid::Uuid,
    /// When the hold lapses by itself: in the future, at most 90 days ahead.
    pub(crate) until: DateTime<Utc>,
}

/// Where a piece goes by a move of the store's own: `on_approval`,
/// `in_repair`, `in_stock` (back from approval or repair, or a return put
/// back) or `melted`. Holds, transfers and sales have their own operations.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoreMove {
    OnApproval,
    InRepair,
    InStock,
    Melted,
}

impl StoreMove {
    pub(crate) fn status(self) -> PieceStatus {
        match self {
            Self::OnApproval => PieceStatus::OnApproval,
            Self::InRepair => PieceStatus::InRepair,
            Self::InStock => PieceStatus::InStock,
            Self::Melted => PieceStatus::Melted,
        }
    }

    pub(crate) fn ledger_kind(self) -> MovementKind {
        match self {
            Self::Melted => MovementKind::Melt,
            Self::OnApproval | Self::InRepair | Self::InStock => MovementKind::Status,
        }
    }
}

/// A move of the store's own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "in_repair", "reason": "clasp loose; sent to Murugan (karigar)"}))]
pub struct StatusChange {
    pub(crate) status: StoreMove,
    /// Why, for the ledger.
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub(crate) reason: String,
}

/// A HUID back from the hallmarking centre.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"huid": "AB12CD"}))]
pub struct HuidFields {
    /// Six upper-case letters and digits; unique.
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    pub(crate) huid: String,
}

/// One line of the stock ledger.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    pub(crate) id: uuid::Uuid,
    pub(crate) piece_id: uuid::Uuid,
    /// receipt, transfer_out, transfer_in, sale, return, adjustment, melt, status
    #[schema(max_length = 16)]
    pub(crate) kind: String,
    pub(crate) from_branch_id: Option<uuid::Uuid>,
    pub(crate) to_branch_id: Option<uuid::Uuid>,
    pub(crate) from_status: Option<PieceStatusName>,
    pub(crate) to_status: PieceStatusName,
    #[schema(max_length = 500)]
    pub(crate) reason: Option<String>,
    /// The transfer, bill or audit that moved it.
    pub(crate) reference: Option<uuid::Uuid>,
    /// `staff` or `client`.
    #[schema(max_length = 16)]
    pub(crate) actor_kind: String,
    pub(crate) actor_id: uuid::Uuid,
    pub(crate) at: DateTime<Utc>,
}

impl From<StockMovement> for MovementView {
    fn from(m: StockMovement) -> Self {
        let status = |s: &str| PieceStatus::parse(s).map(PieceStatusName::from);
        Self {
            id: m.id,
            piece_id: m.piece_id,
            from_status: m.from_status.as_deref().and_then(status),
            to_status: status(&m.to_status).unwrap_or(PieceStatusName::InStock),
            kind: m.kind,
            from_branch_id: m.from_branch_id,
            to_branch_id: m.to_branch_id,
            reason: m.reason,
            reference: m.reference,
            actor_kind: m.actor_kind,
            actor_id: m.actor_id,
            at: m.at,
        }
    }
}

/// The stock ledger of one piece.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"movements": [
    {"id": "01936f0e-0000-7000-8000-0000000000f5", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
     "kind": "receipt", "fromBranchId": null, "toBranchId": "01936f0e-0000-7000-8000-000000000001",
     "fromStatus": null, "toStatus": "in_stock", "reason": null, "reference": null,
     "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000010",
     "at": "2026-11-21T09:30:00Z"},
    {"id": "01936f0e-0000-7000-8000-0000000000f6", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
     "kind": "status", "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
     "toBranchId": "01936f0e-0000-7000-8000-000000000001", "fromStatus": "in_stock",
     "toStatus": "reserved", "reason": null, "reference": "01936f0e-0000-7000-8000-0000000000c1",
     "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000011",
     "at": "2026-11-21T11:00:00Z"}
]}))]
pub struct Ledger {
    /// Oldest first.
    #[schema(max_items = 10000)]
    pub(crate) movements: Vec<MovementView>,
}
