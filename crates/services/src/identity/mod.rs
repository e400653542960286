//! Identity: staff members, branches and API clients, what the trail
//! keeps of them and what the rest of the business is told when they
//! change.

use jewel_domain::Invalid;
use jewel_persistence::RepoError;

pub mod branches;
pub mod clients;
pub mod staff;

pub use staff::{StaffChanged, StaffRecord, change_staff, create_staff};

/// Why identity refuses.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The change would leave the business without an active owner.
    #[error("this would leave the business without an active owner")]
    LastOwner,
    /// A rule of the domain, field by field (a branch that does not exist).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}
