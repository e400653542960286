//! What moves a piece: the kinds the stock ledger names and a change of
//! where a piece stands (its status, its branch, why, and what lies behind
//! it). The ledger itself is stored by `persistence`.

use crate::piece::{PieceStatus, Reservation};

/// What moved a piece, as the ledger names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    Receipt,
    TransferOut,
    TransferIn,
    Sale,
    Return,
    Adjustment,
    Melt,
    /// A status change that leaves stock on hand as it was (a reservation,
    /// an approval, a repair).
    Status,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Sale => "sale",
            Self::Return => "return",
            Self::Adjustment => "adjustment",
            Self::Melt => "melt",
            Self::Status => "status",
        }
    }
}

/// A change of where a piece stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub kind: MovementKind,
    pub to_status: PieceStatus,
    /// `None` stays at the piece's branch.
    pub to_branch: Option<uuid::Uuid>,
    pub reason: Option<String>,
    /// The transfer, bill or audit behind it.
    pub reference: Option<uuid::Uuid>,
    /// The hold, when the piece becomes reserved.
    pub reservation: Option<Reservation>,
}
