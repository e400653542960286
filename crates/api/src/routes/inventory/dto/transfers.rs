//! The wire types of `inventory::transfers`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::transfer::{Transfer, TransferPieceState, TransferStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

wire_enum! {
    /// Where a transfer stands.
    TransferStatusName mirrors TransferStatus {
        InTransit = "in_transit", Received = "received",
        ReceivedWithMissing = "received_with_missing",
    }
}

wire_enum! {
    /// Where a piece of a transfer stands.
    TransferPieceStateName mirrors TransferPieceState {
        InTransit = "in_transit", Received = "received", Missing = "missing",
    }
}

/// A piece of a transfer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferPieceView {
    pub(crate) piece_id: uuid::Uuid,
    pub(crate) state: TransferPieceStateName,
}

/// A transfer between branches.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000f1",
    "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
    "toBranchId": "01936f0e-0000-7000-8000-000000000002", "status": "received_with_missing",
    "note": "Bridal stock for the Madurai exhibition",
    "dispatchedBy": "01936f0e-0000-7000-8000-000000000010", "dispatchedAt": "2026-11-21T05:00:00Z",
    "receivedBy": "01936f0e-0000-7000-8000-000000000011", "receivedAt": "2026-11-21T11:00:00Z",
    "pieces": [{"pieceId": "01936f0e-0000-7000-8000-0000000000e1", "state": "received"},
               {"pieceId": "01936f0e-0000-7000-8000-0000000000e2", "state": "missing"}],
    "missing": 1, "version": 2
}))]
pub struct TransferView {
    pub(crate) id: uuid::Uuid,
    pub(crate) from_branch_id: uuid::Uuid,
    pub(crate) to_branch_id: uuid::Uuid,
    pub(crate) status: TransferStatusName,
    #[schema(max_length = 500)]
    pub(crate) note: Option<String>,
    pub(crate) dispatched_by: uuid::Uuid,
    pub(crate) dispatched_at: DateTime<Utc>,
    pub(crate) received_by: Option<uuid::Uuid>,
    pub(crate) received_at: Option<DateTime<Utc>>,
    #[schema(max_items = 1000)]
    pub(crate) pieces: Vec<TransferPieceView>,
    /// How many pieces did not arrive.
    #[schema(minimum = 0, maximum = 1000)]
    pub(crate) missing: u32,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
}

impl From<Transfer> for TransferView {
    fn from(t: Transfer) -> Self {
        Self {
            id: t.id,
            from_branch_id: t.from_branch_id,
            to_branch_id: t.to_branch_id,
            status: t.status.into(),
            note: t.note,
            dispatched_by: t.dispatched_by,
            dispatched_at: t.dispatched_at,
            received_by: t.received_by,
            received_at: t.received_at,
            missing: t
                .pieces
                .iter()
                .filter(|(_, s)| *s == TransferPieceState::Missing)
                .count()
                .try_into()
                .unwrap_or(u32::MAX),
            pieces: t
                .pieces
                .into_iter()
                .map(|(piece_id, state)| TransferPieceView {
                    piece_id,
                    state: state.into(),
                })
                .collect(),
            version: t.version,
        }
    }
}

/// Pieces to send from one branch to another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
    "toBranchId": "01936f0e-0000-7000-8000-000000000002",
    "pieceIds": ["01936f0e-0000-7000-8000-0000000000e1", "01936f0e-0000-7000-8000-0000000000e2"],
    "note": "Bridal stock for the Madurai exhibition"
}))]
pub struct NewTransfer {
    pub(crate) from_branch_id: uuid::Uuid,
    pub(crate) to_branch_id: uuid::Uuid,
    /// Pieces in stock at the sending branch; 1 to 1,000.
    #[schema(min_items = 1, max_items = 1000)]
    pub(crate) piece_ids: Vec<uuid::Uuid>,
    #[schema(max_length = 500)]
    pub(crate) note: Option<String>,
}

/// What arrived.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"receivedPieceIds": ["01936f0e-0000-7000-8000-0000000000e1"]}))]
pub struct TransferReceipt {
    /// The pieces that arrived; the transfer's other pieces are flagged
    /// missing and stay in transit.
    #[schema(max_items = 1000)]
    pub(crate) received_piece_ids: Vec<uuid::Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferQuery {
    pub(crate) status: Option<TransferStatusName>,
}
