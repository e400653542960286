//! Transfers of pieces between branches: dispatched together, received at
//! the destination piece by piece, with the pieces that did not arrive
//! flagged as missing.

use chrono::{DateTime, Utc};

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    InTransit,
    /// Every piece arrived.
    Received,
    /// Received, with pieces missing.
    ReceivedWithMissing,
}

impl TransferStatus {
    pub const ALL: [Self; 3] = [Self::InTransit, Self::Received, Self::ReceivedWithMissing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InTransit => "in_transit",
            Self::Received => "received",
            Self::ReceivedWithMissing => "received_with_missing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where one piece of a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferPieceState {
    InTransit,
    Received,
    /// Not there when the transfer was received.
    Missing,
}

impl TransferPieceState {
    pub const ALL: [Self; 3] = [Self::InTransit, Self::Received, Self::Missing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InTransit => "in_transit",
            Self::Received => "received",
            Self::Missing => "missing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: uuid::Uuid,
    pub from_branch_id: uuid::Uuid,
    pub to_branch_id: uuid::Uuid,
    pub status: TransferStatus,
    pub note: Option<String>,
    pub dispatched_by: uuid::Uuid,
    pub dispatched_at: DateTime<Utc>,
    pub received_by: Option<uuid::Uuid>,
    pub received_at: Option<DateTime<Utc>>,
    /// Every piece with where it stands, in id order.
    pub pieces: Vec<(uuid::Uuid, TransferPieceState)>,
    pub version: i32,
}

impl Transfer {
    /// The state of each piece once `arrived` were found at the destination,
    /// and the transfer's status.
    pub fn receipt(
        &self,
        arrived: &std::collections::HashSet<uuid::Uuid>,
    ) -> (Vec<(uuid::Uuid, TransferPieceState)>, TransferStatus) {
        let pieces: Vec<_> = self
            .pieces
            .iter()
            .map(|(id, _)| {
                let state = if arrived.contains(id) {
                    TransferPieceState::Received
                } else {
                    TransferPieceState::Missing
                };
                (*id, state)
            })
            .collect();
        let status = if pieces
            .iter()
            .all(|(_, s)| *s == TransferPieceState::Received)
        {
            TransferStatus::Received
        } else {
            TransferStatus::ReceivedWithMissing
        };
        (pieces, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_flags_what_did_not_arrive() {
        let ids: Vec<uuid::Uuid> = (0..3).map(|_| uuid::Uuid::now_v7()).collect();
        let transfer = Transfer {
            id: uuid::Uuid::now_v7(),
            from_branch_id: uuid::Uuid::now_v7(),
            to_branch_id: uuid::Uuid::now_v7(),
            status: TransferStatus::InTransit,
            note: None,
            dispatched_by: uuid::Uuid::now_v7(),
            dispatched_at: Utc::now(),
            received_by: None,
            received_at: None,
            pieces: ids
                .iter()
                .map(|id| (*id, TransferPieceState::InTransit))
                .collect(),
            version: 1,
        };
        let all = ids.iter().copied().collect();
        assert_eq!(transfer.receipt(&all).1, TransferStatus::Received);
        let some = ids[..2].iter().copied().collect();
        let (pieces, status) = transfer.receipt(&some);
        assert_eq!(status, TransferStatus::ReceivedWithMissing);
        assert_eq!(pieces[2].1, TransferPieceState::Missing);
        assert_eq!(pieces[0].1, TransferPieceState::Received);
    }
}
