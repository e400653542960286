//! Why inventory refuses: one variant per outcome a client can see, mapped
//! to problem+json once, in the API.

use jewel_domain::piece::MoveRefused;
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::RepoError;

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("no such record")]
    NotFound,
    /// The piece changed since the caller read it (`If-Match`, or a change
    /// between our read and our write).
    #[error("the piece was changed by someone else; read it again")]
    Stale,
    /// Another request moved the piece between our read and our write.
    #[error("the piece was moved by someone else at the same moment; read it again")]
    MovedMeanwhile,
    /// Not a move the piece can make, or one a rule of the piece forbids.
    #[error("the piece cannot make this move")]
    Refused(MoveRefused),
    /// A sold or melted piece does not change.
    #[error("a {status} piece does not change")]
    Final { status: &'static str },
    /// Pieces of a transfer that are not in stock (`pieceIds[i]` each).
    #[error("only pieces in stock can be transferred")]
    NotInStock(Vec<FieldError>),
    /// The transfer was received before.
    #[error("this transfer was received already")]
    TransferReceived,
    /// A tag number, EPC or HUID of the pieces is taken or repeated
    /// (`taken` or `repeated` for each).
    #[error("a tag number, EPC or HUID is already taken")]
    Taken(Vec<FieldError>),
    /// A lot has less on hand at the branch than the movement takes.
    #[error("only {on_hand} on hand")]
    NotEnough { on_hand: String },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

impl From<MoveRefused> for InventoryError {
    fn from(refusal: MoveRefused) -> Self {
        Self::Refused(refusal)
    }
}

impl From<jewel_persistence::DbErr> for InventoryError {
    fn from(error: jewel_persistence::DbErr) -> Self {
        Self::Store(error.into())
    }
}
