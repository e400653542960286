//! Why the CRM refuses.

use jewel_domain::Invalid;
use jewel_domain::customer::Customer;
use jewel_persistence::RepoError;

#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    #[error("no such customer")]
    NotFound,
    /// Merged into another customer, which holds the record now.
    #[error("this customer was merged into {survivor}")]
    Merged { survivor: uuid::Uuid },
    /// The customer's personal data was erased; the record cannot change.
    #[error("this customer's personal data was erased; the record cannot change")]
    Erased,
    /// The mobile number is a customer's identity and belongs to another
    /// one. Who holds it is for the caller to tell or not: staff learn it,
    /// a stranger signing up does not.
    #[error("a customer with mobile {mobile} already exists")]
    MobileTaken { mobile: String },
    /// Customers who only look like the new one (the same e-mail, a phone
    /// shared, a name very like theirs at the same home branch); adding
    /// anyway needs the caller to confirm.
    #[error("{} existing customer(s) look like this one", .0.len())]
    LikelyDuplicates(Vec<Customer>),
    /// The duplicate of a merge was merged into `survivor` already.
    #[error("the duplicate was already merged into {survivor}")]
    AlreadyMerged { survivor: uuid::Uuid },
    /// Of two merges or an erasure racing for one duplicate, another won.
    #[error("the duplicate was merged or erased by someone else a moment ago")]
    MergedMeanwhile,
    /// A customer in an import file was added or changed while the file
    /// was checked; nothing of the import was applied.
    #[error(
        "a customer in the file was added or changed while the import ran; nothing was applied, run it again"
    )]
    ImportOutrun,
    /// A rule of the domain, field by field (an assigned sales person who
    /// is not on the staff, a customer merged into themselves).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}
