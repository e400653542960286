//! Why billing refuses: one variant per outcome a client can see, mapped to
//! problem+json once, in the API.

use jewel_domain::Invalid;
use jewel_persistence::RepoError;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    /// The invoice is in a status that does not allow this (`wanted` says
    /// what would).
    #[error("the invoice is {status}; {wanted}")]
    WrongStatus {
        status: &'static str,
        wanted: &'static str,
    },
    /// Another request changed the invoice between our read and our write.
    #[error("the invoice was changed by someone else at the same moment; read it again")]
    ChangedMeanwhile,
    /// The draft was priced longer ago than prices hold.
    #[error("the bill was priced more than {minutes} minutes ago; make it again at today's rates")]
    PricesExpired { minutes: u32 },
    /// The piece of line `line` was sold or moved meanwhile.
    #[error("a piece of this bill was sold or moved meanwhile")]
    PieceGone { line: usize },
    /// The piece of line `line` is held for another customer.
    #[error("the piece is held for another customer")]
    PieceReserved { line: usize },
    /// The piece of line `line` cannot be sold in its status.
    #[error("{detail}")]
    PieceNotInStock { line: usize, detail: String },
    /// The piece of line `line` is `status` and cannot be sold.
    #[error("a piece that is {status} cannot become sold")]
    PieceNotSellable { line: usize, status: String },
    /// The lot of line `line` has fewer on hand at the branch.
    #[error("not enough of the lot on hand at the branch")]
    NotEnoughOnHand { line: usize, on_hand: i64 },
    /// The branch's time zone is not one we know (its financial year
    /// cannot be told).
    #[error("timezone is not an IANA time zone")]
    BranchTimezone,
    #[error("no such record")]
    NotFound,
    /// Goods were returned against the invoice: the rest is returned
    /// instead of cancelling.
    #[error("goods were returned against this invoice; return the rest instead of cancelling")]
    HasReturns,
    /// A gift voucher sold on the invoice was spent: the bill stands.
    #[error("a gift voucher sold on this invoice was spent; the bill cannot be cancelled")]
    VoucherSpent,
    /// The caller tried too many wrong gift voucher codes lately.
    #[error("too many wrong gift voucher codes; try again in {retry_after_secs} s")]
    TooManyGuesses { retry_after_secs: u64 },
    /// The quote became an invoice already.
    #[error("the quote became an invoice already")]
    QuoteConverted,
    /// A rule of the domain, field by field (PAN required, cash limit,
    /// more than the balance, a HUID missing).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

impl From<jewel_persistence::DbErr> for BillingError {
    fn from(error: jewel_persistence::DbErr) -> Self {
        Self::Store(error.into())
    }
}
